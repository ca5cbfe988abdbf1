//! Shared by the integration tests: the error bound each log-add
//! approximation declares, with the slack of the f64 reference, and the f64
//! reference checks of one sum and one product on raw `(negative, M)` parts.
//!
//! Every sum is `max(X, Y) ± A(d)` in whole codes, so its log error is exactly
//! the error of `A` at `d`: the bounds are the Δ bounds of
//! `LogAdd::error_bound`, tabulated in the docs of `lognum::logadd`.

#![allow(dead_code)]

use lognum::{ErrorBound, LogAdd};

/// Slack for the f64 reference (`to_f64` is good to an ulp or two, and the
/// log of a sum to ~1e-13 log units on these ranges).
pub const EPS: f64 = 1e-9;

/// The bound `A` declares at `frac` fraction bits ([`LogAdd::error_bound`]),
/// widened by the reference's slack [`EPS`].
pub fn bound<A: LogAdd>(frac: u32) -> ErrorBound {
    let b = A::error_bound(frac);
    ErrorBound {
        plus: b.plus + EPS,
        minus: b.minus + EPS,
        ..b
    }
}

/// Calls `$f::<A>($args)` for every approximation `A` of the crate's one
/// list, `lognum::for_each_log_add!`.
#[allow(unused_macros)]
macro_rules! each_approximation {
    ($f:ident $(, $arg:expr)*) => {
        lognum::for_each_log_add!(call_with_approximation, $f $(, $arg)*)
    };
}

/// `$f::<A>($args)`: the callback of [`each_approximation`].
#[allow(unused_macros)]
macro_rules! call_with_approximation {
    ($A:ty, $f:ident $(, $arg:expr)*) => {
        $f::<$A>($($arg),*)
    };
}

/// A format's constants in the integer form the checks use.
#[derive(Clone, Copy, Debug)]
pub struct Format {
    pub frac: u32,
    pub bias: i64,
    pub mag_max: i64,
}

impl Format {
    pub const L10: Self = Self::new(10);
    pub const L6: Self = Self::new(6);

    /// A `WideLogNum<frac>`: a 31-bit field, bias 2^30.
    pub const fn wide(frac: u32) -> Self {
        Self {
            frac,
            bias: 1 << 30,
            mag_max: (1 << 31) - 1,
        }
    }

    /// A `LogNum8<frac>`: a 7-bit field, bias 64.
    pub const fn lns8(frac: u32) -> Self {
        Self {
            frac,
            bias: 64,
            mag_max: 127,
        }
    }

    pub const fn new(frac: u32) -> Self {
        Self {
            frac,
            bias: 1 << (frac + 4),
            mag_max: (1 << (frac + 5)) - 1,
        }
    }

    pub fn scale(self) -> f64 {
        (1u64 << self.frac) as f64
    }

    /// The biased code `M` of `|x|` as a real number (not rounded).
    pub fn real_code(self, x: f64) -> f64 {
        x.abs().log2() * self.scale() + self.bias as f64
    }

    /// The exact product of two values given as `(negative, M)`.
    pub fn product(self, a: (bool, i64), b: (bool, i64)) -> (bool, i64) {
        let neg = a.0 != b.0;
        if a.1 == 0 || b.1 == 0 {
            return (neg, 0);
        }
        (neg, (a.1 + b.1 - self.bias).clamp(0, self.mag_max))
    }

    /// Checks one sum `s = a + b` (parts `(negative, M)`, values `fa`, `fb`)
    /// against the f64 sum within `bound`. Outside the Δ− domain only the
    /// structure is checked: sign, and no growth past the larger operand.
    pub fn check_sum(
        self,
        a: (bool, i64),
        b: (bool, i64),
        fa: f64,
        fb: f64,
        s: (bool, i64),
        bound: &ErrorBound,
    ) -> Result<(), String> {
        let fail = |why: &str| {
            Err(format!(
                "{why}: a = {a:?} ({fa}), b = {b:?} ({fb}), sum = {s:?}, bound {bound:?}"
            ))
        };
        // Zero is exact: x + 0 = x, 0 + x = x.
        if b.1 == 0 {
            return if s.1 == a.1 && (a.1 == 0 || s.0 == a.0) {
                Ok(())
            } else {
                fail("x + 0 ≠ x")
            };
        }
        if a.1 == 0 {
            return if s == b { Ok(()) } else { fail("0 + x ≠ x") };
        }
        let same = a.0 == b.0;
        let d = (a.1 - b.1).unsigned_abs();
        if !same && d == 0 {
            return if s == (false, 0) {
                Ok(())
            } else {
                fail("x + (−x) ≠ +0")
            };
        }
        let big = if a.1 >= b.1 { a } else { b };
        if s.1 != 0 && s.0 != big.0 {
            return fail("the sum does not take the sign of the larger operand");
        }
        if same && s.1 < big.1 {
            return fail("a sum of like signs shrank");
        }
        if !same && s.1 > big.1 {
            return fail("a difference grew past its larger operand");
        }
        if !same && s.1 == 0 && s.0 {
            return fail("a flushed difference is −0");
        }
        if !same && d < bound.minus_from as u64 {
            return Ok(()); // the pole of Δ−: no bound is claimed
        }
        let tol = if same { bound.plus } else { bound.minus } * self.scale();
        let r = self.real_code(fa + fb);
        if s.1 == 0 {
            // Flushed: allowed only when the sum is within the bound of
            // rounding below the smallest code.
            if r >= 1.0 + tol {
                return fail("flushed a sum that is in range");
            }
        } else {
            let want = r.min(self.mag_max as f64);
            if (s.1 as f64 - want).abs() > tol {
                return fail(&format!("error {} codes", s.1 as f64 - want));
            }
        }
        Ok(())
    }
}

/// A fixed-seed xorshift generator for sample partners (no dependency).
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}
