//! Small, `const`-evaluable f64 functions used to build the Δ tables at
//! compile time and by [`Exact`](crate::Exact) at run time.
//!
//! They need no `std` and no `libm`, and the same code serves both uses, so a
//! table entry and the value `Exact` computes for the same `d` are bit-identical.
//! Accuracy: a few f64 ulps on the ranges used here (|x| ≤ 64 for the powers),
//! far below the 2^-26 resolution of the widest format.

const LN2: f64 = core::f64::consts::LN_2;
const LOG2_E: f64 = core::f64::consts::LOG2_E;

/// `2^x - 1` for |x| ≤ 1/2, accurate also for tiny x (no cancellation).
const fn exp2m1_small(x: f64) -> f64 {
    // Taylor series of e^t - 1 with t = x ln 2, |t| ≤ 0.347: 16 terms reach
    // 0.347^17 / 17! ≈ 4e-23.
    let t = x * LN2;
    let mut term = t;
    let mut sum = t;
    let mut k = 2.0;
    while k <= 16.0 {
        term = term * t / k;
        sum += term;
        k += 1.0;
    }
    sum
}

/// `2^n` for an integer n in the normal range of f64; 0 below it.
const fn pow2i(n: i64) -> f64 {
    if n < -1022 {
        // Subnormal or zero: halve step by step from the smallest normal.
        let mut v = f64::from_bits(1u64 << 52); // 2^-1022
        let mut k = -1022;
        while k > n && v != 0.0 {
            v *= 0.5;
            k -= 1;
        }
        v
    } else if n > 1023 {
        f64::INFINITY
    } else {
        f64::from_bits(((n + 1023) as u64) << 52)
    }
}

/// `2^x`.
pub(crate) const fn exp2(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 1024.0 {
        return f64::INFINITY;
    }
    if x < -1100.0 {
        return 0.0;
    }
    let n = round_i64(x);
    let f = x - n as f64; // |f| ≤ 1/2
    if n > 1023 {
        // x in [1023.5, 1024): 2^n itself overflows, the product need not.
        return (1.0 + exp2m1_small(f)) * pow2i(n - 1) * 2.0;
    }
    (1.0 + exp2m1_small(f)) * pow2i(n)
}

/// Fraction bits up to which [`exp2_code`] reads [`EXP2_HALVES`].
const TABLE_FRAC: u32 = 10;

/// `1 + exp2m1_small(f)` for `f = i / 2^10 - 1/2`, `i` in `0..=1024`: the
/// factor [`exp2`] multiplies by `2^n`, for every `f` a code with at most
/// [`TABLE_FRAC`] fraction bits can leave.
static EXP2_HALVES: [f64; (1 << TABLE_FRAC) + 1] = {
    let mut t = [0.0; (1 << TABLE_FRAC) + 1];
    let mut i = 0;
    while i < t.len() {
        let f = (i as i64 - (1 << (TABLE_FRAC - 1))) as f64 / (1u64 << TABLE_FRAC) as f64;
        t[i] = 1.0 + exp2m1_small(f);
        i += 1;
    }
    t
};

/// `2^(code / 2^FRAC)`, the same bits as [`exp2`] of that quotient; by a
/// table look-up for `FRAC ≤ 10` in f64's normal range (the conversion of
/// every 16-bit and 8-bit format), else by `exp2` itself.
#[inline]
pub(crate) fn exp2_code<const FRAC: u32>(code: i64) -> f64 {
    let x = code as f64 / (1u64 << FRAC) as f64;
    if FRAC <= TABLE_FRAC {
        let n = round_i64(x);
        if (-1022..=1023).contains(&n) {
            // `x - n` is `code - n·2^FRAC` units of 2^-FRAC, in [-1/2, 1/2].
            let i = ((code - (n << FRAC)) << (TABLE_FRAC - FRAC)) + (1 << (TABLE_FRAC - 1));
            return EXP2_HALVES[i as usize] * pow2i(n);
        }
    }
    exp2(x)
}

/// `2^x - 1`, accurate for small |x|.
pub(crate) const fn exp2m1(x: f64) -> f64 {
    if x >= -0.5 && x <= 0.5 {
        exp2m1_small(x)
    } else {
        exp2(x) - 1.0
    }
}

/// `ln(1 + t)` for t ≥ 0 via `2·atanh(t / (2 + t))`.
const fn ln_1p_nonneg(t: f64) -> f64 {
    let z = t / (2.0 + t);
    atanh2(z)
}

/// `2·atanh(z)` for |z| ≤ 1/3 by its odd series.
const fn atanh2(z: f64) -> f64 {
    let z2 = z * z;
    let mut power = z;
    let mut sum = z;
    let mut k = 3.0;
    // |z| ≤ 1/3: (1/9)^17 < 2e-17.
    while k <= 41.0 {
        power *= z2;
        sum += power / k;
        k += 2.0;
    }
    2.0 * sum
}

/// `log2(x)` for finite x > 0.
pub(crate) const fn log2(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x == f64::INFINITY {
        return x;
    }
    let mut bits = x.to_bits();
    let mut e: i64 = ((bits >> 52) & 0x7ff) as i64;
    if e == 0 {
        // Subnormal: scale into the normal range first.
        let y = x * 18014398509481984.0; // 2^54
        bits = y.to_bits();
        e = ((bits >> 52) & 0x7ff) as i64 - 54;
    }
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let mut exp = e - 1023;
    // Centre the mantissa on 1 so that |z| = |(m-1)/(m+1)| ≤ 0.172.
    if m > core::f64::consts::SQRT_2 {
        m *= 0.5;
        exp += 1;
    }
    let z = (m - 1.0) / (m + 1.0);
    exp as f64 + atanh2(z) * LOG2_E
}

/// `Δ+(d) = log2(1 + 2^-d)` for d ≥ 0.
pub(crate) const fn delta_plus(d: f64) -> f64 {
    ln_1p_nonneg(exp2(-d)) * LOG2_E
}

/// `-Δ−(d) = -log2(1 - 2^-d)` for d > 0 (positive; +∞ at d = 0).
pub(crate) const fn neg_delta_minus(d: f64) -> f64 {
    if d <= 0.0 {
        return f64::INFINITY;
    }
    -log2(-exp2m1(-d))
}

/// Round half away from zero to an integer, saturating to the i64 range.
pub(crate) const fn round_i64(x: f64) -> i64 {
    if x.is_nan() {
        return 0;
    }
    // `as` truncates toward zero and saturates.
    if x >= 0.0 {
        (x + 0.5) as i64
    } else {
        (x - 0.5) as i64
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;

    /// The table gives `exp2`'s bits for every code of up to 10 fraction
    /// bits, across f64's whole range and past both of its ends.
    #[test]
    fn exp2_code_is_exp2_bit_for_bit() {
        fn check<const FRAC: u32>() {
            let one = 1i64 << FRAC;
            let codes = (-1100 * one..=1030 * one).step_by(if FRAC > 6 { 7 } else { 1 });
            for code in codes
                .chain(-1030 * one..-1010 * one)
                .chain(1015 * one..1030 * one)
            {
                let want = exp2(code as f64 / one as f64);
                assert_eq!(
                    exp2_code::<FRAC>(code).to_bits(),
                    want.to_bits(),
                    "FRAC={FRAC} code={code}"
                );
            }
        }
        check::<0>();
        check::<1>();
        check::<3>();
        check::<6>();
        check::<8>();
        check::<10>();
        check::<12>();
    }

    #[test]
    fn agrees_with_std() {
        let mut x = -60.0f64;
        while x < 60.0 {
            let e = exp2(x);
            assert!(((e - x.exp2()) / x.exp2()).abs() < 4e-16, "exp2({x})");
            let y = (x / 3.0).exp2();
            assert!((log2(y) - y.log2()).abs() < 4e-15, "log2({y})");
            if x >= 0.0 {
                assert!((delta_plus(x) - (1.0 + (-x).exp2()).log2()).abs() < 1e-15);
            }
            if x > 0.0 {
                let want = -(-(-x * LN2).exp_m1()).log2();
                assert!((neg_delta_minus(x) - want).abs() < 1e-13 * want.abs().max(1.0));
            }
            x += 0.0137;
        }
        assert_eq!(log2(f64::MIN_POSITIVE / 8.0), -1025.0);
        assert_eq!(exp2(-1074.0), f64::from_bits(1));
        // Just below 2^1024 the result is finite although 2^round(x) is not.
        assert_eq!(exp2(1023.75), 1023.75f64.exp2());
        assert!(exp2(1024.0 - 1.0 / 1048576.0).is_finite());
        assert_eq!(exp2(1024.0), f64::INFINITY);
    }
}
