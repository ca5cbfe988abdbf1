//! The public contract of `lognum`, exactly as an outside crate uses it.
//!
//! Sweeps run over every word of `LogNum<10>` (65,536) and `LogNum<6>`
//! (4,096) where they fit; the pairwise sweeps of the 12-bit format are in
//! `exhaustive.rs`, property tests in `props.rs`, pinned edge cases in
//! `edges.rs`.

#[macro_use]
mod common;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::hint::black_box;
use std::mem::size_of;

use common::XorShift;
use lognum::{
    BitShift, ConversionError, Exact, FloorShift, Interp, LogAdd, LogNum, Lut, ParseLogNumError,
    SoftmaxLut, TruncLut, WideLogNum,
};

type L = LogNum<10>;
type L6 = LogNum<6>;

/// Every word of `LogNum<10>`.
fn all_words() -> impl Iterator<Item = u16> {
    0..=u16::MAX
}

// ------------------------------------------------------------------ layout

#[test]
fn layout_and_root_exports() {
    assert_eq!(size_of::<LogNum<10>>(), 2);
    assert_eq!(size_of::<LogNum<6>>(), 2);
    assert_eq!(size_of::<LogNum<10, Exact>>(), 2);
    assert_eq!(size_of::<WideLogNum>(), 4);
    assert_eq!(size_of::<Option<LogNum<10>>>(), 4); // no niche: every word is a value
    assert_eq!(L::WORD_BITS, 16);
    assert_eq!(L6::WORD_BITS, 12); // the paper's 12-bit word
    assert_eq!(L::MAG_BITS, 15);
    assert_eq!(L6::MAG_BITS, 11);
    assert_eq!((L::FRAC_NBITS, L::INT_NBITS), (10, 4));
    assert_eq!((L6::FRAC_NBITS, L6::INT_NBITS), (6, 4));
    assert_eq!(WideLogNum::<20>::WORD_BITS, 32);
    // The default approximation is the paper's table.
    fn takes_lut(x: LogNum<10, Lut>) -> LogNum<10, Lut> {
        x
    }
    let _: L = takes_lut(L::ONE);
    fn takes_lut_1_10(x: LogNum<10, Lut<1, 10>>) -> L {
        x
    }
    let _ = takes_lut_1_10(L::ONE);
    // WideLogNum defaults to FRAC = 20 with Exact.
    fn takes_wide(x: WideLogNum<20, Exact>) -> WideLogNum {
        x
    }
    let _ = takes_wide(WideLogNum::ONE);
    // The approximations are at the root and name themselves.
    let names = [
        Exact::NAME,
        <Lut>::NAME,
        <TruncLut>::NAME,
        SoftmaxLut::NAME,
        <Interp>::NAME,
        BitShift::NAME,
        FloorShift::NAME,
    ];
    assert_eq!(
        names,
        [
            "exact",
            "lut",
            "lut-trunc",
            "lut",
            "interp",
            "shift",
            "shift-floor"
        ]
    );
}

#[test]
fn every_word_is_a_value_and_round_trips() {
    for w in all_words() {
        let x = L::from_bits(w);
        assert_eq!(x.to_bits(), w);
        let back: u16 = x.to_bits();
        assert_eq!(L::from_bits(back), x);
        // Through f64 and f32, bit for bit: neighbouring codes differ by
        // 0.068 %, far above either format's precision.
        assert_eq!(L::from_f64(x.to_f64()).to_bits(), w, "{w:#06x} via f64");
        assert_eq!(L::from_f32(x.to_f32()).to_bits(), w, "{w:#06x} via f32");
        assert_eq!(f64::from(x), x.to_f64());
    }
    // LogNum<6> keeps the low 12 bits and ignores the rest.
    for w in all_words() {
        let x = L6::from_bits(w);
        assert_eq!(x.to_bits(), w & 0x0fff);
        if w <= 0x0fff {
            assert_eq!(L6::from_f64(x.to_f64()).to_bits(), w);
        }
    }
}

#[test]
fn constants() {
    assert_eq!(L::ZERO.to_bits(), 0);
    assert_eq!(L::NEG_ZERO.to_bits(), 0x8000);
    assert_eq!(L::ONE.to_bits(), 0x4000);
    assert_eq!(L::NEG_ONE.to_bits(), 0xc000);
    assert_eq!(L::MAX.to_bits(), 0x7fff);
    assert_eq!(L::MIN.to_bits(), 0xffff);
    assert_eq!(L::MIN_POSITIVE.to_bits(), 0x0001);
    assert_eq!(L::BIAS, 16384);
    assert_eq!(L::EPSILON_LOG2, 1.0 / 1024.0);
    assert_eq!(L::ONE.to_f64(), 1.0);
    assert_eq!(L::NEG_ONE.to_f64(), -1.0);
    assert_eq!(L::ZERO.to_f64(), 0.0);
    assert!(L::NEG_ZERO.to_f64().is_sign_negative());
    // MAX = 2^(16383/1024) ≈ 65 491.65, MIN_POSITIVE its reciprocal.
    let max = 2f64.powf(16383.0 / 1024.0);
    assert!((L::MAX.to_f64() / max - 1.0).abs() < 1e-15);
    assert!((L::MIN_POSITIVE.to_f64() * max - 1.0).abs() < 1e-15);
    assert!((L::MAX.to_f64() - 65_491.65).abs() < 0.01);
    assert_eq!(L::MIN.to_f64(), -L::MAX.to_f64());
    // 12-bit: MAX = 2^(1023/64).
    assert_eq!(L6::MAX.to_bits(), 0x07ff);
    assert!((L6::MAX.to_f64() / 2f64.powf(1023.0 / 64.0) - 1.0).abs() < 1e-15);
    assert_eq!(L::default(), L::ZERO);
    assert_eq!(L::default().to_bits(), 0);
    assert_eq!(WideLogNum::<20>::default(), WideLogNum::ZERO);
}

// -------------------------------------------------------- zero is exact

/// `0·x = 0`, `x + 0 = x` and `x + (−x) = +0` for every word, by value and
/// by bits, with the approximation `A`.
fn zero_laws<A: LogAdd>() {
    fn laws<const F: u32, A: LogAdd>(x: LogNum<F, A>) {
        let (z, nz) = (LogNum::<F, A>::ZERO, LogNum::<F, A>::NEG_ZERO);
        let xor = |a: LogNum<F, A>, b: LogNum<F, A>| a.is_sign_negative() != b.is_sign_negative();
        for zero in [z, nz] {
            let p = zero * x;
            assert!(p.is_zero() && p.is_sign_negative() == xor(zero, x));
            let p = x * zero;
            assert!(p.is_zero() && p.is_sign_negative() == xor(zero, x));
            assert_eq!(x + zero, x);
            assert_eq!(zero + x, x);
            assert_eq!(x - zero, x);
            if !x.is_zero() {
                assert_eq!((x + zero).to_bits(), x.to_bits());
                assert_eq!((zero + x).to_bits(), x.to_bits());
                assert_eq!((x - zero).to_bits(), x.to_bits());
                assert_eq!((zero - x).to_bits(), (-x).to_bits());
            }
        }
        // x + (−x) is +0 (all bits clear), in either order and as x − x.
        assert_eq!((x + (-x)).to_bits(), 0, "{x:?}");
        assert_eq!(((-x) + x).to_bits(), 0, "{x:?}");
        #[allow(clippy::eq_op)] // x − x is the point
        let diff = x - x;
        assert_eq!(diff.to_bits(), 0, "{x:?}");
    }
    for w in all_words() {
        laws::<10, A>(LogNum::from_bits(w));
    }
    for w in 0..=0x0fff {
        laws::<6, A>(LogNum::from_bits(w));
    }
}

#[test]
fn zero_laws_every_code_every_approximation() {
    each_approximation!(zero_laws);
}

// ------------------------------------------------- saturation and flush

#[test]
fn overflow_saturates_underflow_flushes() {
    fn check<A: LogAdd>() {
        type T<A> = LogNum<10, A>;
        let (max, min, tiny) = (T::<A>::MAX, T::<A>::MIN, T::<A>::MIN_POSITIVE);
        let two = T::<A>::from_f64(2.0);
        assert_eq!(max + max, max);
        assert_eq!(min + min, min);
        assert_eq!(max * two, max);
        assert_eq!(min * two, min);
        assert_eq!(max * max, max);
        assert_eq!(max / tiny, max);
        assert_eq!(min / tiny, min);
        assert_eq!(max.powi(2), max);
        assert_eq!(max.mul_pow2(1), max);
        // Flush keeps the sign of a product…
        assert_eq!((tiny / two).to_bits(), 0);
        assert_eq!((-tiny / two).to_bits(), 0x8000);
        assert_eq!((tiny * tiny).to_bits(), 0);
        assert_eq!(tiny.mul_pow2(-1).to_bits(), 0);
        // …while a difference that cancels below the range is +0.
        let next = T::<A>::from_bits(2);
        assert!((tiny - next).to_bits() & 0x7fff <= 1);
        assert_ne!((tiny - next).to_bits(), 0x8000);
    }
    each_approximation!(check);

    assert_eq!(L::from_f64(1e9), L::MAX);
    assert_eq!(L::from_f64(-1e9), L::MIN);
    assert_eq!(L::from_f64(f64::MAX), L::MAX);
    assert_eq!(L::from_f64(f64::INFINITY), L::MAX);
    assert_eq!(L::from_f64(f64::NEG_INFINITY), L::MIN);
    assert_eq!(L::from_f32(f32::INFINITY), L::MAX);
    assert_eq!(L::from_f64(1e-9).to_bits(), 0);
    assert_eq!(L::from_f64(-1e-9).to_bits(), 0x8000);
    assert_eq!(L::from_f64(f64::MIN_POSITIVE).to_bits(), 0);
    assert_eq!(L::from_f64(5e-324).to_bits(), 0); // subnormal
    assert_eq!(L::from_f64(f64::NAN).to_bits(), 0);
    assert_eq!(L::from_f64(-f64::NAN).to_bits(), 0);
    assert_eq!(L::from_f32(f32::NAN).to_bits(), 0);
}

#[test]
fn division_by_zero() {
    for w in all_words() {
        let x = L::from_bits(w);
        for zero in [L::ZERO, L::NEG_ZERO] {
            let q = x / zero;
            if x.is_zero() {
                assert_eq!(q.to_bits(), 0, "0/0 is +0");
            } else {
                let neg = x.is_sign_negative() != zero.is_sign_negative();
                assert_eq!(q, if neg { L::MIN } else { L::MAX }, "{x:?} / {zero:?}");
            }
            // x % 0 = +0
            assert_eq!((x % zero).to_bits(), 0);
        }
        // 1/0 = MAX, 1/−0 = MIN, through recip too.
        if x.is_zero() {
            let r = x.recip();
            assert_eq!(r, if x.is_sign_negative() { L::MIN } else { L::MAX });
        }
    }
}

#[test]
fn try_from_refuses_nan_infinity_and_overflow() {
    assert_eq!(L::try_from(f64::NAN), Err(ConversionError::NaN));
    assert_eq!(L::try_from(f32::NAN), Err(ConversionError::NaN));
    assert_eq!(L::try_from(f64::INFINITY), Err(ConversionError::Infinite));
    assert_eq!(
        L::try_from(f64::NEG_INFINITY),
        Err(ConversionError::Infinite)
    );
    assert_eq!(L::try_from(f32::INFINITY), Err(ConversionError::Infinite));
    assert_eq!(L::try_from(1e9f64), Err(ConversionError::Overflow));
    assert_eq!(L::try_from(-1e9f32), Err(ConversionError::Overflow));
    // 65 530 has log code 16 383.86, which rounds past MAX's 16 383.
    assert_eq!(L::try_from(65_530.0f64), Err(ConversionError::Overflow));
    // 65 500 rounds to MAX's code: accepted.
    assert_eq!(L::try_from(65_500.0f64), Ok(L::MAX));
    // Underflow is not an error: it flushes.
    assert_eq!(L::try_from(1e-9f64).map(L::to_bits), Ok(0));
    assert_eq!(L::try_from(-0.0f64).map(L::to_bits), Ok(0x8000));
    assert_eq!(L::try_from(0.75f32), Ok(L::from_f64(0.75)));
    // Every finite in-range value agrees with the lossy conversion.
    for w in all_words() {
        let x = L::from_bits(w);
        assert_eq!(L::try_from(x.to_f64()).map(L::to_bits), Ok(w));
    }
    // The errors explain themselves and are std errors.
    for e in [
        ConversionError::NaN,
        ConversionError::Infinite,
        ConversionError::Overflow,
    ] {
        assert!(!e.to_string().is_empty());
        let _: &dyn std::error::Error = &e;
    }
}

// ------------------------------------------------------ nothing panics

/// Partners for the all-words sweeps: the special words and a seeded sample.
fn partners() -> Vec<u16> {
    let mut v = vec![
        0x0000, 0x8000, 0x0001, 0x8001, 0x0002, 0x4000, 0xc000, 0x3fff, 0x4001, 0x7fff, 0xffff,
        0x7ffe, 0xbfff, 0x4a57, 0x2000, 0x6000,
    ];
    let mut rng = XorShift(0x5eed_1234_abcd_ef01);
    v.extend((0..40).map(|_| rng.next_u64() as u16));
    v
}

/// Every word of `LogNum<10, A>` through every operation against the
/// partners; every result must be a valid word (nothing to check beyond
/// "returns": a panic fails the test). Returns a checksum so that nothing is
/// optimised away.
fn sweep_ops<A: LogAdd>() -> u64 {
    type T<A> = LogNum<10, A>;
    let partners: Vec<T<A>> = partners().into_iter().map(T::<A>::from_bits).collect();
    let mut sum = 0u64;
    let mut eat = |x: T<A>| sum = sum.wrapping_mul(31).wrapping_add(x.to_bits() as u64);
    for w in all_words() {
        let x = T::<A>::from_bits(w);
        for &y in &partners {
            eat(x + y);
            eat(x - y);
            eat(x * y);
            eat(x.mul_add(y, x));
            eat(num_traits::real::Real::abs_sub(x, y));
            eat(num_traits::real::Real::hypot(x, y));
            eat([x, y, x].into_iter().sum());
            let _ = x.cmp(&y);
        }
        eat(-x);
        eat(x.abs());
        eat(x.recip());
        eat(x.sqrt());
        eat(x.cbrt());
        for n in [i32::MIN, -3, -1, 0, 1, 2, 7, i32::MAX] {
            eat(x.powi(n));
            eat(x.mul_pow2(n));
        }
    }
    sum
}

#[test]
fn nothing_panics_every_approximation() {
    fn sweep<A: LogAdd>() {
        black_box(sweep_ops::<A>());
    }
    each_approximation!(sweep);
}

/// The operations that do not depend on the approximation, including those
/// that go through f64.
#[test]
fn nothing_panics_approximation_free() {
    use num_traits::real::Real;
    let partners: Vec<L> = partners().into_iter().map(L::from_bits).collect();
    let mut acc = 0u64;
    for w in all_words() {
        let x = L::from_bits(w);
        for &y in &partners {
            acc ^= (x / y).to_bits() as u64;
            acc ^= (x % y).to_bits() as u64;
            acc ^= Real::powf(x, y).to_bits() as u64;
            acc ^= Real::atan2(x, y).to_bits() as u64;
        }
        for p in [f64::NAN, f64::NEG_INFINITY, -1.5, -0.0, 0.5, 3.0, 1e300] {
            acc ^= x.powf_f64(p).to_bits() as u64;
        }
        let unary = [
            Real::floor,
            Real::ceil,
            Real::round,
            Real::trunc,
            Real::fract,
            Real::exp,
            Real::exp2,
            Real::ln,
            Real::log2,
            Real::log10,
            Real::sin,
            Real::cos,
            Real::tan,
            Real::asin,
            Real::acos,
            Real::atan,
            Real::exp_m1,
            Real::ln_1p,
            Real::sinh,
            Real::cosh,
            Real::tanh,
            Real::asinh,
            Real::acosh,
            Real::atanh,
            Real::to_degrees,
            Real::to_radians,
            Real::signum,
        ];
        for f in unary {
            acc ^= f(x).to_bits() as u64;
        }
        acc ^= x.to_frac::<6>().to_bits() as u64;
        acc ^= x.to_frac::<0>().to_bits() as u64;
        acc ^= x.widen::<20>().narrow::<6>().to_bits() as u64;
        acc ^= x.widen::<26>().to_bits() as u64;
        acc ^= x.widen::<0>().to_bits() as u64;
        acc ^= x.to_f32().to_bits() as u64;
        let _ = x.log2_code();
    }
    black_box(acc);
}

// ------------------------------------------------------------ operators

#[test]
fn operators_by_value_reference_and_assign() {
    type E = LogNum<10, Exact>;
    let vals = [0.0, -0.0, 1.0, -2.5, 3.0, 1e-3, -700.0, 6.0e4];
    for &a in &vals {
        for &b in &vals {
            let (x, y) = (E::from_f64(a), E::from_f64(b));
            macro_rules! all_forms {
                ($op:tt, $op_assign:tt) => {{
                    let v = x $op y;
                    assert_eq!((x $op &y).to_bits(), v.to_bits());
                    assert_eq!((&x $op y).to_bits(), v.to_bits());
                    assert_eq!((&x $op &y).to_bits(), v.to_bits());
                    let mut z = x;
                    z $op_assign y;
                    assert_eq!(z.to_bits(), v.to_bits());
                    let mut z = x;
                    z $op_assign &y;
                    assert_eq!(z.to_bits(), v.to_bits());
                    v
                }};
            }
            let s = all_forms!(+, +=);
            let d = all_forms!(-, -=);
            let p = all_forms!(*, *=);
            let q = all_forms!(/, /=);
            let r = all_forms!(%, %=);
            assert_eq!(s.to_bits(), x.add_approx(y).to_bits());
            assert_eq!(d.to_bits(), x.sub_approx(y).to_bits());
            assert_eq!(p.to_bits(), x.mul_exact(y).to_bits());
            assert_eq!(q.to_bits(), x.div_exact(y).to_bits());
            assert_eq!(r.to_bits(), x.rem_f64(y).to_bits());
            // Values, where the f64 result is representable.
            let tol = |v: f64| v.abs() * 0.002 + 1e-9;
            if (a + b).abs() < 6e4 && (a + b).abs() > 1e-4 {
                assert!((s.to_f64() - (a + b)).abs() <= tol(a + b), "{a} + {b}");
            }
            if (a * b).abs() < 6e4 && (a * b).abs() > 1e-4 {
                assert!((p.to_f64() - a * b).abs() <= tol(a * b), "{a} * {b}");
            }
            if b != 0.0 && (a / b).abs() < 6e4 && (a / b).abs() > 1e-4 {
                assert!((q.to_f64() - a / b).abs() <= tol(a / b), "{a} / {b}");
            }
        }
        let x = E::from_f64(a);
        assert_eq!((-x).to_bits(), x.to_bits() ^ 0x8000);
        assert_eq!((-&x).to_bits(), x.to_bits() ^ 0x8000);
        assert_eq!(-(-x), x);
    }
    // Rem keeps the sign of the dividend, like f64.
    let r = L::from_f64(-7.0) % L::from_f64(2.0);
    assert!((r.to_f64() + 1.0).abs() < 0.002);
    let r = L::from_f64(7.5) % L::from_f64(-2.0);
    assert!((r.to_f64() - 1.5).abs() < 0.005);
}

#[test]
fn sum_and_product() {
    type E = LogNum<10, Exact>;
    let xs: Vec<E> = [1.0, 2.0, 3.0, -0.5]
        .iter()
        .map(|&v| E::from_f64(v))
        .collect();
    let s: E = xs.iter().sum();
    assert_eq!(s, xs.iter().copied().sum());
    assert!((s.to_f64() - 5.5).abs() < 5.5 * 0.003);
    // Left to right: the fold of add_approx from zero.
    let fold = xs.iter().fold(E::ZERO, |a, &b| a + b);
    assert_eq!(s.to_bits(), fold.to_bits());
    let p: E = xs.iter().product();
    assert_eq!(p, xs.iter().copied().product());
    assert_eq!(p, E::from_f64(1.0) * xs[1] * xs[2] * xs[3]);
    assert_eq!(
        p.to_f64(),
        E::from_f64(2.0).to_f64() * E::from_f64(3.0).to_f64() * -0.5
    );
    assert_eq!(std::iter::empty::<E>().sum::<E>().to_bits(), 0);
    assert_eq!(std::iter::empty::<E>().product::<E>(), E::ONE);
    // Sum works for every approximation.
    let s: LogNum<10, BitShift> = [1.0, 1.0].iter().map(|&v| LogNum::from_f64(v)).sum();
    assert_eq!(s.to_f64(), 2.0);
}

// ---------------------------------------------------------- formatting

#[test]
fn display_parses_back_for_every_code() {
    for w in all_words() {
        let x = L::from_bits(w);
        let s = x.to_string();
        let y: L = s
            .parse()
            .unwrap_or_else(|e| panic!("{w:#06x} printed as {s:?} does not parse: {e}"));
        assert_eq!(y.to_bits(), w, "{w:#06x} printed as {s:?}");
    }
    for w in 0..=0x0fffu16 {
        let x = L6::from_bits(w);
        let y: L6 = x.to_string().parse().unwrap();
        assert_eq!(y.to_bits(), w, "{x:?}");
    }
    let mut rng = XorShift(42);
    for _ in 0..20_000 {
        let x = WideLogNum::<20>::from_bits(rng.next_u64() as u32);
        let y: WideLogNum<20> = x.to_string().parse().unwrap();
        assert_eq!(y.to_bits(), x.to_bits(), "{x:?}");
    }
}

#[test]
fn display_debug_and_from_str() {
    assert_eq!(L::from_f64(6.0).to_string(), "6");
    assert_eq!(L::ONE.to_string(), "1");
    assert_eq!(L::ZERO.to_string(), "0");
    assert_eq!(L::NEG_ZERO.to_string(), "-0");
    assert_eq!(L::from_f64(-0.25).to_string(), "-0.25");
    assert_eq!(format!("{:.3}", L::ONE), "1.000");
    assert_eq!(format!("{:.2}", L::from_f64(-2.5)), "-2.50");
    assert_eq!(format!("{:?}", L::from_f64(6.0)), "LogNum<10>(6 = 0x4a57)");
    assert_eq!(format!("{:?}", L::NEG_ZERO), "LogNum<10>(-0 = 0x8000)");
    assert_eq!(
        format!("{:?}", WideLogNum::<20>::ONE),
        "WideLogNum<20>(1 = 0x40000000)"
    );
    assert_eq!(" -2.5e-1 ".parse::<L>(), Ok(L::from_f64(-0.25)));
    assert_eq!("-0".parse::<L>().map(L::to_bits), Ok(0x8000));
    assert_eq!("abc".parse::<L>(), Err(ParseLogNumError::Invalid));
    assert_eq!("".parse::<L>(), Err(ParseLogNumError::Invalid));
    assert_eq!(
        "nan".parse::<L>(),
        Err(ParseLogNumError::Unrepresentable(ConversionError::NaN))
    );
    assert_eq!(
        "-inf".parse::<L>(),
        Err(ParseLogNumError::Unrepresentable(ConversionError::Infinite))
    );
    assert_eq!(
        "1e9".parse::<L>(),
        Err(ParseLogNumError::Unrepresentable(ConversionError::Overflow))
    );
    assert_eq!("1e-9".parse::<L>().map(L::to_bits), Ok(0));
    // The parse error is a std error with the conversion error as its source.
    use std::error::Error;
    let e = "nan".parse::<L>().unwrap_err();
    assert!(e.source().is_some());
    assert!(ParseLogNumError::Invalid.source().is_none());
    assert!(!e.to_string().is_empty());
}

// ------------------------------------------------------ equality, hash

fn hash_of<T: Hash>(x: &T) -> u64 {
    let mut h = DefaultHasher::new();
    x.hash(&mut h);
    h.finish()
}

#[test]
fn equality_and_hash() {
    assert_eq!(L::ZERO, L::NEG_ZERO);
    assert_eq!(hash_of(&L::ZERO), hash_of(&L::NEG_ZERO));
    assert_eq!(L6::ZERO, L6::NEG_ZERO);
    assert_eq!(hash_of(&L6::ZERO), hash_of(&L6::NEG_ZERO));
    assert_eq!(WideLogNum::<20>::ZERO, WideLogNum::<20>::NEG_ZERO);
    assert_eq!(
        hash_of(&WideLogNum::<20>::ZERO),
        hash_of(&WideLogNum::<20>::NEG_ZERO)
    );
    // Apart from the zeros, equal words are equal values and nothing else.
    let mut seen = std::collections::HashSet::new();
    for w in all_words() {
        let x = L::from_bits(w);
        assert_eq!(x == L::ZERO, x.is_zero());
        assert!(seen.insert(x) || w == 0x8000);
    }
    assert_eq!(seen.len(), 65_535);
    // ±0 against every word: equal to each other, and ordered like f64.
    for w in all_words() {
        let x = L::from_bits(w);
        for z in [L::ZERO, L::NEG_ZERO] {
            assert_eq!(
                Some(x.cmp(&z)),
                x.to_f64().partial_cmp(&z.to_f64()),
                "{x:?}"
            );
        }
    }
}

// ---------------------------------------------------------- num-traits

/// Uses every num-traits capability through bounds only, as generic code would.
fn generic_laws<T>(label: &str)
where
    T: num_traits::Zero
        + num_traits::One
        + num_traits::ConstZero
        + num_traits::ConstOne
        + num_traits::Num
        + num_traits::NumCast
        + num_traits::ToPrimitive
        + num_traits::FromPrimitive
        + num_traits::Signed
        + num_traits::Bounded
        + num_traits::Inv<Output = T>
        + num_traits::Pow<i32, Output = T>
        + num_traits::MulAdd<Output = T>
        + num_traits::real::Real
        + std::fmt::Debug,
{
    use num_traits::real::Real;
    use num_traits::{
        Bounded, ConstOne, ConstZero, MulAdd, NumCast, One, Pow, Signed, ToPrimitive, Zero,
    };
    let close = |a: T, b: f64, rel: f64| {
        let v = ToPrimitive::to_f64(&a).unwrap();
        assert!((v - b).abs() <= b.abs() * rel, "{label}: {a:?} vs {b}");
    };
    let (zero, one) = (<T as Zero>::zero(), <T as One>::one());
    assert!(Zero::is_zero(&zero) && One::is_one(&one));
    assert_eq!(<T as ConstZero>::ZERO, zero);
    assert_eq!(<T as ConstOne>::ONE, one);
    let two = one + one; // Δ+(0) = 1 exactly in every default table
    let three: T = NumCast::from(3u8).unwrap(); // 3 is not a power of two: inexact
    close(three, 3.0, 0.011);
    let four = T::from_i64(4).unwrap();
    close(two, 2.0, 0.0);
    close(four, 4.0, 0.0);
    assert_eq!(T::from_f64(f64::INFINITY), None);
    assert_eq!(T::from_f64(f64::NAN), None);
    assert_eq!(<T as NumCast>::from(f32::INFINITY), None);
    assert!(matches!(T::from_str_radix("2", 10), Ok(v) if v == two));
    assert!(T::from_str_radix("10", 16).is_err());
    // ToPrimitive truncates the represented value, like f64: the LNS "3" of
    // LogNum<10> is 2^(1623/1024) = 2.99988…, so it truncates to 2, while
    // powers of two are exact.
    assert_eq!(four.to_i64(), Some(4));
    assert_eq!(four.to_u8(), Some(4));
    assert!(matches!(three.to_i64(), Some(2 | 3)));
    assert_eq!((-four).to_i64(), Some(-4));
    assert_eq!((-four).to_u64(), None);
    assert_eq!(ToPrimitive::to_f32(&four), Some(4.0));
    // Signed
    assert_eq!(Signed::abs(&-three), three);
    assert_eq!(Signed::signum(&-three), -one);
    assert_eq!(Signed::signum(&zero), zero);
    assert!(Signed::is_negative(&-three) && Signed::is_positive(&three));
    assert!(!Signed::is_negative(&-zero) && !Signed::is_positive(&zero));
    assert_eq!(Signed::abs_sub(&two, &three), zero);
    close(Signed::abs_sub(&three, &one), 2.0, 0.3);
    // Bounded
    assert_eq!(<T as Bounded>::min_value(), -<T as Bounded>::max_value());
    // Inv, Pow, MulAdd
    assert_eq!(four.inv(), one / four);
    close(Pow::pow(two, 3i32), 8.0, 0.0);
    close(Pow::pow(two, -2i32), 0.25, 0.0);
    close(MulAdd::mul_add(two, three, one), 7.0, 0.1);
    // Real: exact in the log domain…
    close(Real::sqrt(four), 2.0, 0.0);
    close(Real::exp2(two), 4.0, 0.0);
    close(Real::exp2(-two), 0.25, 0.0);
    close(Real::log2(four), 2.0, 0.0);
    close(Real::powi(two, 10), 1024.0, 0.0);
    close(Real::recip(four), 0.25, 0.0);
    close(Real::cbrt(four * two), 2.0, 0.0);
    assert_eq!(Real::max(two, three), three);
    assert_eq!(Real::min(two, -three), -three);
    assert_eq!(<T as Real>::min_value(), <T as Bounded>::min_value());
    assert!(<T as Real>::min_positive_value() > zero);
    // The gap between 1 and the next value (not necessarily visible through
    // a table's sum: the paper's table drops gaps of 10 or more).
    let eps: T = Real::epsilon();
    assert!(eps > zero && eps * (four * four * four) < one);
    // …and the rest through f64.
    close(Real::floor(three / two), 1.0, 0.0);
    // One sum through A; FloorShift's 0.415 log units, halved by the root,
    // would be a factor 2^0.2075 = 1.155 at worst (BitShift's 0.087 far less).
    close(Real::hypot(three, four), 5.0, 0.16);
    close(Real::ln(four), 4f64.ln(), 0.002);
    close(Real::powf(four, one / two), 2.0, 0.002);
    assert!(Real::is_sign_negative(-one) && Real::is_sign_positive(one));
}

#[test]
fn from_primitive_refuses_what_try_from_refuses() {
    use num_traits::{FromPrimitive, NumCast};
    assert_eq!(L::from_u64(u64::MAX), None);
    assert_eq!(L::from_i64(-70_000), None);
    assert_eq!(<L as FromPrimitive>::from_f32(f32::NAN), None);
    assert_eq!(<L as NumCast>::from(1e10f64), None);
    assert_eq!(L::from_i64(-4), Some(L::from_f64(-4.0)));
    assert_eq!(L::from_u64(0).map(L::to_bits), Some(0));
    assert_eq!(
        WideLogNum::<20>::from_u64(u64::MAX).map(|x| x.to_f64()),
        Some(2f64.powi(64))
    );
}

#[test]
fn epsilon_is_the_gap_above_one() {
    use num_traits::real::Real;
    type E = LogNum<10, Exact>;
    let eps = <E as Real>::epsilon();
    assert!((eps.to_f64() - (2f64.powf(1.0 / 1024.0) - 1.0)).abs() < 1e-6);
    // With correct rounding, 1 + ε is the next code.
    assert_eq!((E::ONE + eps).to_bits(), E::ONE.to_bits() + 1);
    // The paper's table has no entry for a gap of 10.5 log units: 1 + ε = 1.
    assert_eq!(L::ONE + <L as Real>::epsilon(), L::ONE);
}

#[test]
fn num_traits_used_generically() {
    generic_laws::<LogNum<10>>("LogNum<10>");
    generic_laws::<LogNum<6, Exact>>("LogNum<6, Exact>");
    generic_laws::<LogNum<10, BitShift>>("LogNum<10, BitShift>");
    generic_laws::<WideLogNum<20>>("WideLogNum<20>");
    generic_laws::<WideLogNum<12, Interp>>("WideLogNum<12, Interp>");
}
