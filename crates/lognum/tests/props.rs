//! Property tests. Values come from raw bit patterns (`any::<u16>()` through
//! `from_bits`), so zeros of both signs, `MIN_POSITIVE`, `MAX` and negatives
//! come up as often as any other code. The seed is fixed: a failure reproduces.

mod common;

use common::{EPS, Format, bound};
use lognum::{LogAdd, LogNum, WideLogNum, for_each_log_add};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

type L = LogNum<10>;
type L6 = LogNum<6>;
type W = WideLogNum<20>;

fn config() -> Config {
    Config {
        cases: 4096,
        rng_seed: RngSeed::Fixed(0x10_6a_dd),
        failure_persistence: None,
        ..Config::default()
    }
}

fn parts<const F: u32, A>(x: LogNum<F, A>) -> (bool, i64) {
    (x.is_sign_negative(), x.magnitude() as i64)
}

/// `|log2|y| − log2|x||` in log units.
fn log_distance(x: f64, y: f64) -> f64 {
    (y.abs().log2() - x.abs().log2()).abs()
}

/// One sum with approximation `A` at `FRAC`, checked against f64.
fn check_sum<A: LogAdd, const F: u32>(a: u16, b: u16) -> Result<(), TestCaseError> {
    let (x, y) = (LogNum::<F, A>::from_bits(a), LogNum::<F, A>::from_bits(b));
    Format::new(F)
        .check_sum(
            parts(x),
            parts(y),
            x.to_f64(),
            y.to_f64(),
            parts(x + y),
            &bound::<A>(F),
        )
        .map_err(|e| TestCaseError::fail(format!("{}: {e}", A::NAME)))
}

/// One sum of `WideLogNum<20, A>` words, where both lie well inside f64's
/// range (the reference is f64).
fn check_wide_sum<A: LogAdd>(a: u32, b: u32) -> Result<(), TestCaseError> {
    type T<A> = WideLogNum<20, A>;
    let (x, y) = (T::<A>::from_bits(a), T::<A>::from_bits(b));
    let inside = |v: T<A>| v.log2_code().is_none_or(|c| c.abs() < 1000 << 20);
    if !inside(x) || !inside(y) {
        return Ok(());
    }
    let parts = |v: T<A>| (v.is_sign_negative(), v.magnitude() as i64);
    Format::wide(20)
        .check_sum(
            parts(x),
            parts(y),
            x.to_f64(),
            y.to_f64(),
            parts(x + y),
            &bound::<A>(20),
        )
        .map_err(|e| TestCaseError::fail(format!("{}: {e}", A::NAME)))
}

/// `check_sum::<A, 10>(a, b)?` (for `for_each_log_add!`).
macro_rules! sum_l10 {
    ($A:ty, $a:expr, $b:expr) => {
        check_sum::<$A, 10>($a, $b)?
    };
}

/// `check_wide_sum::<A>(a, b)?` (for `for_each_log_add!`).
macro_rules! sum_wide {
    ($A:ty, $a:expr, $b:expr) => {
        check_wide_sum::<$A>($a, $b)?
    };
}

/// `$f::<A>($args)?` (for `for_each_log_add!`).
macro_rules! try_each {
    ($A:ty, $f:ident $(, $arg:expr)*) => {
        $f::<$A>($($arg),*)?
    };
}

proptest! {
    #![proptest_config(config())]

    /// `from_f64(x)` is within half a code of `x` in the log domain, for `x`
    /// inside the range (a log within half a code of `±MAX`/`MIN_POSITIVE`).
    #[test]
    fn conversion_within_half_a_code(neg in any::<bool>(), e in -16.5f64..16.5) {
        let x = if neg { -e.exp2() } else { e.exp2() };
        let max_log = 16383.5 / 1024.0;
        if e.abs() <= max_log {
            let y = L::from_f64(x);
            prop_assert_eq!(y.is_sign_negative(), neg);
            prop_assert!(log_distance(x, y.to_f64()) <= 0.5 / 1024.0 + EPS, "{} → {:?}", x, y);
            prop_assert_eq!(L::from_f32(x as f32).is_sign_negative(), neg);
        } else if e > 0.0 {
            prop_assert_eq!(L::from_f64(x), if neg { L::MIN } else { L::MAX });
        } else {
            prop_assert!(L::from_f64(x).is_zero());
        }
        if e.abs() <= 1023.5 / 64.0 {
            prop_assert!(log_distance(x, L6::from_f64(x).to_f64()) <= 0.5 / 64.0 + EPS);
        }
        prop_assert!(log_distance(x, W::from_f64(x).to_f64()) <= 0.5 / 1048576.0 + EPS);
    }

    /// A value less than half a code from a code converts to that code, for
    /// every code (the conversion is round-to-nearest in the log domain).
    #[test]
    fn conversion_rounds_to_nearest_code(w in any::<u16>(), t in -0.499f64..0.499) {
        let x = L::from_bits(w);
        if let Some(code) = x.log2_code() {
            let v = ((code as f64 + t) / 1024.0).exp2();
            let v = if x.is_sign_negative() { -v } else { v };
            prop_assert_eq!(L::from_f64(v).to_bits(), w);
        }
        let x = L6::from_bits(w);
        if let Some(code) = x.log2_code() {
            let v = ((code as f64 + t) / 64.0).exp2();
            let v = if x.is_sign_negative() { -v } else { v };
            prop_assert_eq!(L6::from_f64(v).to_bits(), x.to_bits());
        }
    }

    #[test]
    fn wide_conversion_rounds_to_nearest_code(w in any::<u32>(), t in -0.49f64..0.49) {
        let x = W::from_bits(w);
        if let Some(code) = x.log2_code() {
            // Inside f64's normal range only.
            if code.abs() < 1020 << 20 {
                let v = ((code as f64 + t) / 1048576.0).exp2();
                let v = if x.is_sign_negative() { -v } else { v };
                prop_assert_eq!(W::from_f64(v).to_bits(), w);
                prop_assert_eq!(W::from_f64(x.to_f64()).to_bits(), w);
            }
        }
    }

    /// Multiplication adds log codes exactly, with saturation, flush to zero
    /// and the sign rule; and agrees with the f64 product.
    #[test]
    fn multiply_is_exact(a in any::<u16>(), b in any::<u16>()) {
        let (x, y) = (L::from_bits(a), L::from_bits(b));
        let p = x * y;
        prop_assert_eq!(parts(p), Format::L10.product(parts(x), parts(y)));
        prop_assert_eq!((y * x).to_bits(), p.to_bits());
        let m = p.magnitude() as i64;
        if m > 1 && m < Format::L10.mag_max {
            let r = (x.to_f64() * y.to_f64()) / p.to_f64();
            prop_assert!((r - 1.0).abs() < 1e-12, "{:?} * {:?} = {:?}", x, y, p);
        }
        // Division undoes it where nothing saturated.
        if !x.is_zero() && !y.is_zero() && m > 1 && m < Format::L10.mag_max {
            prop_assert_eq!((p / y).to_bits(), x.to_bits());
        }
        let (x6, y6) = (L6::from_bits(a), L6::from_bits(b));
        prop_assert_eq!(parts(x6 * y6), Format::L6.product(parts(x6), parts(y6)));
    }

    /// Every approximation stays within its documented bound on every sum.
    #[test]
    fn add_within_documented_bound(a in any::<u16>(), b in any::<u16>()) {
        for_each_log_add!(sum_l10, a, b);
    }

    /// Sums of nearby magnitudes, where the Δ tables change fastest (a
    /// uniform pair is usually far apart).
    #[test]
    fn add_near_within_documented_bound(a in any::<u16>(), gap in 0u16..12_288, flip in any::<bool>()) {
        let b = (a & 0x8000 ^ if flip { 0x8000 } else { 0 }) | (a & 0x7fff).saturating_sub(gap);
        for_each_log_add!(sum_l10, a, b);
    }

    /// The same for the wide format at its default width, inside f64's range.
    #[test]
    fn wide_add_within_documented_bound(a in any::<u32>(), gap in 0u32..1 << 24, flip in any::<bool>(), far in any::<u32>()) {
        let near = (a & 0x8000_0000 ^ if flip { 0x8000_0000 } else { 0 }) | (a & 0x7fff_ffff).saturating_sub(gap);
        for b in [near, far] {
            for_each_log_add!(sum_wide, a, b);
        }
    }

    #[test]
    fn add_and_multiply_commute(a in any::<u16>(), b in any::<u16>()) {
        fn check<A: lognum::LogAdd>(a: u16, b: u16) -> Result<(), TestCaseError> {
            let (x, y) = (LogNum::<10, A>::from_bits(a), LogNum::<10, A>::from_bits(b));
            prop_assert_eq!((x + y).to_bits(), (y + x).to_bits(), "{}", A::NAME);
            prop_assert_eq!((x * y).to_bits(), (y * x).to_bits());
            Ok(())
        }
        for_each_log_add!(try_each, check, a, b);
    }

    #[test]
    fn add_negation_is_exact_zero(a in any::<u16>()) {
        fn check<A: lognum::LogAdd>(a: u16) -> Result<(), TestCaseError> {
            let x = LogNum::<10, A>::from_bits(a);
            prop_assert_eq!((x + (-x)).to_bits(), 0);
            #[allow(clippy::eq_op)] // x − x is the point
            let diff = x - x;
            prop_assert_eq!(diff.to_bits(), 0);
            let w = WideLogNum::<20, A>::from_bits(u32::from(a) << 16 | u32::from(a));
            prop_assert_eq!((w + (-w)).to_bits(), 0);
            Ok(())
        }
        for_each_log_add!(try_each, check, a);
    }

    /// The order of codes is the order of the values, ±0 and negatives included.
    #[test]
    fn order_agrees_with_f64(a in any::<u16>(), b in any::<u16>()) {
        let (x, y) = (L::from_bits(a), L::from_bits(b));
        prop_assert_eq!(Some(x.cmp(&y)), x.to_f64().partial_cmp(&y.to_f64()));
        prop_assert_eq!(x == y, x.to_f64() == y.to_f64());
        prop_assert_eq!(x.partial_cmp(&y), x.to_f64().partial_cmp(&y.to_f64()));
    }

    #[test]
    fn wide_order_agrees_with_f64(a in any::<u32>(), b in any::<u32>()) {
        let (x, y) = (W::from_bits(a), W::from_bits(b));
        // Inside f64's range the values are distinct; compare there.
        let lim = 1020i64 << 20;
        if x.log2_code().is_none_or(|c| c.abs() < lim) && y.log2_code().is_none_or(|c| c.abs() < lim) {
            prop_assert_eq!(Some(x.cmp(&y)), x.to_f64().partial_cmp(&y.to_f64()));
        }
    }

    /// Changing the fraction width rounds the log code to the nearest code
    /// of the new width; widening is exact.
    #[test]
    fn rescaling_rounds_the_log(a in any::<u16>()) {
        let x = L::from_bits(a);
        prop_assert_eq!(x.widen::<20>().narrow::<10>().to_bits(), a);
        prop_assert_eq!(x.widen::<10>().narrow::<10>().to_bits(), a);
        let y = x.to_frac::<6>();
        if let (Some(c), Some(c6)) = (x.log2_code(), y.log2_code()) {
            let want = (c as f64 / 16.0).round();
            if want.abs() < 1023.0 {
                prop_assert_eq!(c6 as f64, want);
            }
        }
        prop_assert_eq!(y.is_sign_negative(), x.is_sign_negative());
    }
}
