//! Exhaustive sweeps of the one-byte word, `LogNum8<FRAC>`, at every `FRAC`
//! it has (0 to 6): every one of its 256 words against every other (65,536
//! ordered pairs) for order, `×`, `÷`, `+` and `−` with each approximation,
//! and every word through each conversion. Optimised, the whole file takes
//! under half a second (`cargo test -p lognum --release --all-features
//! --test lns8_exhaustive`: 0.27 to 0.46 s over six runs).

#[macro_use]
mod common;

use common::{Format, bound};
use lognum::{ConversionError, Exact, LogAdd, LogNum, LogNum8, Lut};

/// Calls `$f::<FRAC, $A>()` for every `FRAC` of the byte.
macro_rules! every_frac {
    ($f:ident $(, $A:ty)?) => {{
        $f::<0 $(, $A)?>();
        $f::<1 $(, $A)?>();
        $f::<2 $(, $A)?>();
        $f::<3 $(, $A)?>();
        $f::<4 $(, $A)?>();
        $f::<5 $(, $A)?>();
        $f::<6 $(, $A)?>();
    }};
}

fn parts<const F: u32, A>(x: LogNum8<F, A>) -> (bool, i64) {
    (x.is_sign_negative(), x.magnitude() as i64)
}

/// Every word, in the order of the raw byte.
fn words<const F: u32, A>() -> impl Iterator<Item = LogNum8<F, A>> {
    (0..=u8::MAX).map(LogNum8::from_bits)
}

/// The value of every word, indexed by the byte.
fn values<const F: u32>() -> Vec<f64> {
    words::<F, Lut>().map(LogNum8::to_f64).collect()
}

fn round_trips<const F: u32>() {
    type L<const F: u32> = LogNum8<F>;
    for x in words::<F, Lut>() {
        let w = x.to_bits();
        let v = x.to_f64();
        assert_eq!(L::<F>::from_f64(v).to_bits(), w, "{x:?} via f64");
        assert_eq!(L::<F>::from_f32(x.to_f32()).to_bits(), w, "{x:?} via f32");
        assert_eq!(L::<F>::try_from(v).map(L::to_bits), Ok(w), "{x:?} checked");
        let s = x.to_string();
        assert_eq!(s.parse::<L<F>>().map(L::to_bits), Ok(w), "{x:?} via {s}");
        // Every word is a value: from_bits keeps all eight bits.
        assert_eq!(L::<F>::from_bits(w).to_bits(), w);
        // The stochastic conversion leaves a word's own value alone.
        for r in [0, 1, 1 << 31, u32::MAX] {
            assert_eq!(L::<F>::from_f64_stochastic(v, r).to_bits(), w, "{x:?}");
        }
        #[cfg(feature = "serde")]
        {
            let json = serde_json::to_string(&x).unwrap();
            assert_eq!(json, w.to_string());
            let back: L<F> = serde_json::from_str(&json).unwrap();
            assert_eq!(back.to_bits(), w);
        }
    }
    // NEG_ZERO keeps its sign through f64 and text.
    assert_eq!(L::<F>::from_f64(L::<F>::NEG_ZERO.to_f64()).to_bits(), 0x80);
    assert_eq!(
        L::<F>::NEG_ZERO
            .to_string()
            .parse::<L<F>>()
            .unwrap()
            .to_bits(),
        0x80
    );
}

#[test]
fn every_word_round_trips() {
    every_frac!(round_trips);
}

fn order<const F: u32>() {
    let v = values::<F>();
    for x in words::<F, Lut>() {
        for y in words::<F, Lut>() {
            let want = v[x.to_bits() as usize].partial_cmp(&v[y.to_bits() as usize]);
            assert_eq!(Some(x.cmp(&y)), want, "{x:?} vs {y:?}");
            assert_eq!(x == y, want == Some(core::cmp::Ordering::Equal));
        }
    }
    // Sorted as sign-magnitude integers (negatives by descending magnitude,
    // then the zeros, then the positives), the values ascend.
    let key = |w: u8| {
        let m = i32::from(w & 0x7f);
        if w & 0x80 != 0 { -m } else { m }
    };
    let mut ws: Vec<u8> = (0..=u8::MAX).collect();
    ws.sort_by_key(|&w| key(w));
    for pair in ws.windows(2) {
        let (a, b) = (v[pair[0] as usize], v[pair[1] as usize]);
        assert!(a < b || (a == 0.0 && b == 0.0), "{pair:?}: {a} {b}");
    }
}

#[test]
fn order_of_every_pair() {
    every_frac!(order);
}

/// `×` and `÷` of every pair equal the f64 product and quotient rounded to
/// the nearest code: bit for bit, saturation, flush, signed zeros and
/// `x / 0 = ±MAX`, `0 / 0 = +0` included (f64's `±∞` and NaN convert to
/// exactly those).
fn multiply_and_divide<const F: u32>() {
    type L<const F: u32> = LogNum8<F>;
    let v = values::<F>();
    let f = Format::lns8(F);
    for x in words::<F, Lut>() {
        for y in words::<F, Lut>() {
            let (a, b) = (v[x.to_bits() as usize], v[y.to_bits() as usize]);
            let p = x * y;
            assert_eq!(
                p.to_bits(),
                L::<F>::from_f64(a * b).to_bits(),
                "{x:?} * {y:?}"
            );
            assert_eq!(parts(p), f.product(parts(x), parts(y)), "{x:?} * {y:?}");
            let q = x / y;
            assert_eq!(
                q.to_bits(),
                L::<F>::from_f64(a / b).to_bits(),
                "{x:?} / {y:?}"
            );
            // Exact: away from saturation and flush, the f64 product of the
            // values is the value of the product to f64 precision.
            if p.magnitude() > 1 && p.magnitude() < 127 {
                assert!((a * b / p.to_f64() - 1.0).abs() < 1e-12, "{x:?} * {y:?}");
            }
            if !y.is_zero() && q.magnitude() > 1 && q.magnitude() < 127 {
                assert!((a / b / q.to_f64() - 1.0).abs() < 1e-12, "{x:?} / {y:?}");
                assert_eq!(q * y, x, "({x:?} / {y:?}) * {y:?}");
            }
        }
    }
}

#[test]
fn multiply_and_divide_every_pair() {
    every_frac!(multiply_and_divide);
}

/// `+` and `−` of every pair against the f64 sum and difference, within
/// the bound `A` states at this `FRAC` (Δ− from its domain on; below it the
/// sign and the magnitude are still checked); `Exact` is further the f64
/// result rounded to the nearest code.
fn add_and_subtract<const F: u32, A: LogAdd>() {
    let v = values::<F>();
    let f = Format::lns8(F);
    let bound = bound::<A>(F);
    for x in words::<F, A>() {
        for y in words::<F, A>() {
            let (a, b) = (v[x.to_bits() as usize], v[y.to_bits() as usize]);
            let s = x + y;
            if let Err(e) = f.check_sum(parts(x), parts(y), a, b, parts(s), &bound) {
                panic!("{} FRAC {F}: {e}", A::NAME);
            }
            let d = x - y;
            assert_eq!(d.to_bits(), (x + -y).to_bits());
            if let Err(e) = f.check_sum(parts(x), parts(-y), a, -b, parts(d), &bound) {
                panic!("{} FRAC {F} (difference): {e}", A::NAME);
            }
            if A::NAME == Exact::NAME {
                assert_eq!(s, LogNum8::from_f64(a + b), "{x:?} + {y:?}");
                assert_eq!(d, LogNum8::from_f64(a - b), "{x:?} - {y:?}");
            }
        }
    }
}

fn add_at_every_frac<A: LogAdd>() {
    every_frac!(add_and_subtract, A);
}

#[test]
fn add_and_subtract_every_pair_every_approximation() {
    each_approximation!(add_at_every_frac);
}

fn checked_conversions<const F: u32>() {
    type L<const F: u32> = LogNum8<F>;
    assert_eq!(L::<F>::try_from(f64::NAN), Err(ConversionError::NaN));
    assert_eq!(L::<F>::try_from(f32::NAN), Err(ConversionError::NaN));
    assert_eq!(
        L::<F>::try_from(f64::INFINITY),
        Err(ConversionError::Infinite)
    );
    assert_eq!(
        L::<F>::try_from(f32::NEG_INFINITY),
        Err(ConversionError::Infinite)
    );
    // The lossy forms saturate and flush instead.
    assert_eq!(L::<F>::from_f64(f64::NAN), L::ZERO);
    assert_eq!(L::<F>::from_f64(f64::NEG_INFINITY), L::MIN);
    // MAX's log code is 63 / 2^F; a value rounds to it up to half a code
    // above, and overflows beyond.
    let scale = (1u32 << F) as f64;
    let top = |codes: f64| 2f64.powf(codes / scale);
    for neg in [false, true] {
        let sign = if neg { -1.0 } else { 1.0 };
        let max = if neg { L::<F>::MIN } else { L::<F>::MAX };
        assert_eq!(L::<F>::try_from(sign * top(63.49)), Ok(max));
        assert_eq!(
            L::<F>::try_from(sign * top(63.51)),
            Err(ConversionError::Overflow)
        );
        assert_eq!(L::<F>::from_f64(sign * top(63.51)), max);
        assert!(format!("{}", sign * top(64.0)).parse::<L<F>>().is_err());
        // Below the range: flushed (keeping the sign), not refused.
        let tiny = L::<F>::try_from(sign * top(-64.0 + 0.49)).unwrap();
        assert!(tiny.is_zero() && tiny.is_sign_negative() == neg);
        assert_eq!(
            L::<F>::try_from(sign * top(-64.0 + 0.51)).map(L::magnitude),
            Ok(1)
        );
    }
}

#[test]
fn checked_conversions_refuse_nan_infinities_and_overflow() {
    every_frac!(checked_conversions);
}

/// `widen` then `narrow8` (from `LogNum` and from `WideLogNum`, rounded to
/// nearest or stochastically) is the identity where `LogNum` holds the
/// byte's range (`FRAC ≥ 2`), and `narrow8` of every `LogNum<10>` is the
/// nearest byte.
fn widen_and_narrow<const F: u32>() {
    for x in words::<F, Lut>() {
        let y: LogNum<10> = x.widen::<10>();
        if F >= 2 {
            assert_eq!(y.to_f64(), x.to_f64(), "{x:?}");
            assert_eq!(y.narrow8::<F>().to_bits(), x.to_bits(), "{x:?}");
            let wide = y.widen::<20>();
            assert_eq!(wide.narrow8::<F>().to_bits(), x.to_bits(), "{x:?}");
            for r in [0, 1 << 31, u32::MAX] {
                assert_eq!(wide.narrow8_stochastic::<F>(r).to_bits(), x.to_bits());
                assert_eq!(y.narrow8_stochastic::<F>(r).to_bits(), x.to_bits());
            }
        } else {
            assert_eq!(y, LogNum::from_f64(x.to_f64()), "{x:?}");
        }
    }
    for w in 0..=u16::MAX {
        let y = LogNum::<10>::from_bits(w);
        let n = y.narrow8::<F>();
        // Half-code ties (at FRAC ≤ 9 they exist) round away from zero in
        // the log code; compare by code distance instead of via f64.
        let want = LogNum8::<F>::from_f64(y.to_f64());
        let gap = n.magnitude().abs_diff(want.magnitude());
        assert!(
            gap <= 1 && (n.is_zero() || n.is_sign_negative() == y.is_sign_negative()),
            "{y:?}"
        );
        if let (Some(l), Some(c)) = (y.log2_code(), n.log2_code()) {
            let exact = l as f64 / (1u32 << (10 - F)) as f64;
            if n.magnitude() < 127 {
                assert!((c as f64 - exact).abs() <= 0.5, "{y:?} → {n:?}");
            }
        }
    }
}

#[test]
fn widen_and_narrow_every_word() {
    every_frac!(widen_and_narrow);
}

/// The pairs of neighbouring values `y < y'` with `x + y' < x + y`, over
/// every `x`: none where `A` declares itself monotone at this `FRAC`.
/// (Where it does not, the byte's short range of gaps may still hold no
/// fall.)
fn monotone<const F: u32, A: LogAdd>() -> u64 {
    let mut ys: Vec<LogNum8<F, A>> = words::<F, A>().collect();
    ys.sort();
    let mut falls = 0;
    for x in words::<F, A>() {
        for w in ys.windows(2) {
            falls += u64::from(x + w[1] < x + w[0]);
        }
    }
    assert!(
        falls == 0 || !A::is_monotone(F),
        "{} FRAC {F}: {falls} falls",
        A::NAME
    );
    falls
}

fn monotone_at_every_frac<A: LogAdd>() {
    every_frac!(monotone, A);
}

#[test]
fn monotone_where_declared() {
    each_approximation!(monotone_at_every_frac);
    // At the default FRAC 3 the tables and FloorShift do fall (their steps
    // drop by more than a code), the others do not.
    assert!(monotone::<3, Lut>() > 0 && monotone::<3, lognum::FloorShift>() > 0);
    assert_eq!(
        monotone::<3, Exact>() + monotone::<3, lognum::BitShift>(),
        0
    );
    assert_eq!(monotone::<3, lognum::Interp>(), 0);
}

/// Prints the falling pairs of every approximation at every `FRAC`
/// (`cargo test -p lognum --release --test lns8_exhaustive falls -- --ignored --nocapture`).
#[test]
#[ignore]
fn falls_table() {
    fn row<A: LogAdd>() {
        let f = [
            monotone::<0, A>(),
            monotone::<1, A>(),
            monotone::<2, A>(),
            monotone::<3, A>(),
            monotone::<4, A>(),
            monotone::<5, A>(),
            monotone::<6, A>(),
        ];
        println!("{:12} {f:?}", A::NAME);
    }
    each_approximation!(row);
}

/// At `FRAC ≤ 6` the softmax table's step (1/64) is at most a code, so
/// every gap the byte has is one of its samples: it is `Exact`.
fn softmax_table_is_exact<const F: u32>() {
    for x in words::<F, Exact>() {
        for y in words::<F, Exact>() {
            let s = (x.with_approx::<lognum::SoftmaxLut>() + y.with_approx()).to_bits();
            assert_eq!(s, (x + y).to_bits(), "FRAC {F}: {x:?} + {y:?}");
        }
    }
}

#[test]
fn softmax_table_is_exact_on_the_byte() {
    every_frac!(softmax_table_is_exact);
}

/// The worst log error of `+` over every pair of `LogNum8<3>`, for like
/// signs and for unlike signs from `minus_from` on, beside the bound `A`
/// states (`cargo test -p lognum --release --test lns8_exhaustive worst --
/// --ignored --nocapture`).
#[test]
#[ignore]
fn worst_errors_at_frac_3() {
    fn row<A: LogAdd>() {
        let v = values::<3>();
        let b = A::error_bound(3);
        let (mut plus, mut minus) = (0f64, 0f64);
        for x in words::<3, A>() {
            for y in words::<3, A>() {
                let (s, a, c) = (x + y, v[x.to_bits() as usize], v[y.to_bits() as usize]);
                let (mx, my) = (x.magnitude(), y.magnitude());
                if mx == 0 || my == 0 || s.is_zero() || s.magnitude() == 127 {
                    continue;
                }
                let e = (s.to_f64().abs().log2() - (a + c).abs().log2()).abs();
                if x.is_sign_negative() == y.is_sign_negative() {
                    plus = plus.max(e);
                } else if u32::from(mx.abs_diff(my)) >= b.minus_from {
                    minus = minus.max(e);
                }
            }
        }
        println!(
            "{:12} Δ+ {plus:.4} (bound {:.4})  Δ− {minus:.4} (bound {:.4}, from d = {} codes)",
            A::NAME,
            b.plus,
            b.minus,
            b.minus_from
        );
    }
    each_approximation!(row);
}

/// The optional integrations on every word of the byte.
#[cfg(all(
    feature = "half",
    feature = "bytemuck",
    feature = "approx",
    feature = "fixed"
))]
mod features {
    use approx::UlpsEq;
    use fixed::types::I32F32;
    use half::{bf16, f16};
    use lognum::{LogNum8, Lut};

    /// bf16 (8 significant bits) rounds by at most 2^-9 relative, far less
    /// than half a code (2^(1/128) − 1 ≥ 0.54 %), and holds the range of
    /// every FRAC; f16 does from FRAC 2 on (`MAX = 2^15.75` < 65 504).
    fn via_half<const F: u32>() {
        for w in 0..=u8::MAX {
            let x = LogNum8::<F>::from_bits(w);
            assert_eq!(LogNum8::<F>::from_bf16(x.to_bf16()).to_bits(), w, "{x:?}");
            if F >= 2 {
                assert_eq!(LogNum8::<F>::from_f16(x.to_f16()).to_bits(), w, "{x:?}");
                assert_eq!(
                    LogNum8::<F>::try_from(x.to_f16()).map(|y| y.to_bits()),
                    Ok(w)
                );
            }
        }
        assert_eq!(
            LogNum8::<F>::try_from(f16::NAN),
            Err(lognum::ConversionError::NaN)
        );
        assert_eq!(
            LogNum8::<F>::try_from(bf16::INFINITY),
            Err(lognum::ConversionError::Infinite)
        );
    }

    #[test]
    fn every_word_through_f16_and_bf16() {
        via_half::<0>();
        via_half::<2>();
        via_half::<3>();
        via_half::<6>();
        // FRAC 0 reaches 2^63: beyond f16, which saturates to ∞.
        assert_eq!(LogNum8::<0>::MAX.to_f16(), f16::INFINITY);
    }

    #[test]
    fn every_byte_casts() {
        let all: Vec<u8> = (0..=u8::MAX).collect();
        let xs: &[LogNum8<3>] = bytemuck::cast_slice(&all);
        for (w, x) in all.iter().zip(xs) {
            assert_eq!(x.to_bits(), *w);
        }
        let back: &[u8] = bytemuck::cast_slice(xs);
        assert_eq!(back, &all[..]);
        assert_eq!(<LogNum8<5> as bytemuck::Zeroable>::zeroed(), LogNum8::ZERO);
    }

    #[test]
    fn every_word_through_fixed() {
        // I32F32 holds every LogNum8<3> (|x| ≥ 0.0043) to 2^-32.
        for w in 0..=u8::MAX {
            let x = LogNum8::<3>::from_bits(w);
            let f: I32F32 = x.to_fixed();
            assert_eq!(LogNum8::<3>::from_fixed(f), x, "{x:?}");
        }
        assert_eq!(
            LogNum8::<3>::checked_from_fixed(I32F32::from_num(300)),
            None
        );
    }

    #[test]
    fn ulps_count_byte_codes_across_zero() {
        type L = LogNum8<3, Lut>;
        assert!(L::MIN_POSITIVE.ulps_eq(&-L::MIN_POSITIVE, 0.0, 2));
        assert!(!L::MIN_POSITIVE.ulps_eq(&-L::MIN_POSITIVE, 0.0, 1));
        assert!(L::MAX.ulps_eq(&L::MIN, 0.0, 254));
        assert!(!L::MAX.ulps_eq(&L::MIN, 0.0, 253));
    }
}

#[cfg(feature = "serde")]
#[test]
fn serde_refuses_what_is_not_a_byte() {
    assert!(serde_json::from_str::<LogNum8<3>>("256").is_err());
    assert!(serde_json::from_str::<LogNum8<3>>("-1").is_err());
    assert_eq!(
        serde_json::from_str::<LogNum8<3>>("255").unwrap(),
        LogNum8::MIN
    );
}

#[cfg(feature = "arbitrary")]
#[test]
fn arbitrary_reaches_every_byte() {
    use arbitrary::{Arbitrary, Unstructured};
    let mut seen = [false; 256];
    for w in 0..=u8::MAX {
        let x = LogNum8::<3>::arbitrary(&mut Unstructured::new(&[w])).unwrap();
        seen[x.to_bits() as usize] = true;
    }
    assert!(seen.iter().all(|&s| s));
}
