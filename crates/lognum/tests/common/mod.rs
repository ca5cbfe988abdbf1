//! Shared by the integration tests: the documented error bound of each
//! log-add approximation, and the f64 reference checks of one sum and one
//! product on raw `(negative, M)` parts.
//!
//! Every sum is `max(X, Y) ± A(d)` in whole codes, so its log error is exactly
//! the error of `A` at `d`: the bounds are the Δ bounds printed in the docs of
//! `lognum::logadd` and of each approximation type (at the default shapes).

#![allow(dead_code)]

use lognum::{BitShift, Exact, FloorShift, Interp, LogAdd, Lut, SoftmaxLut, TruncLut};

/// Slack for the f64 reference (`to_f64` is good to an ulp or two, and the
/// log of a sum to ~1e-13 log units on these ranges).
pub const EPS: f64 = 1e-9;

/// A documented bound in log units: Δ+ error ≤ `plus` for every gap, Δ−
/// error ≤ `minus` for gaps of at least `minus_from` codes.
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    pub plus: f64,
    pub minus: f64,
    pub minus_from: u32,
}

/// An approximation with its bound as documented.
pub trait Documented: LogAdd {
    fn bound(frac: u32) -> Bound;
    /// Whether `x + y` never decreases as `y` increases, at `frac`
    /// fraction bits: exactly when Δ+ never falls by more than one code
    /// from one code `d` to the next (see `lognum::logadd`).
    fn monotone(frac: u32) -> bool;
}

fn half(frac: u32) -> f64 {
    0.5 / (1u64 << frac) as f64
}

/// The first code at or above `x` log units.
fn from(x: f64, frac: u32) -> u32 {
    (x * (1u64 << frac) as f64).ceil() as u32
}

impl Documented for Exact {
    /// Δ+ falls at most half a code per code, so its rounding at most one.
    fn monotone(_frac: u32) -> bool {
        true
    }
    /// Correct rounding.
    fn bound(frac: u32) -> Bound {
        Bound {
            plus: half(frac) + EPS,
            minus: half(frac) + EPS,
            minus_from: 1,
        }
    }
}

impl Documented for Lut {
    /// Steps of r = 1/2 falling by more than a code from FRAC = 3 on (234
    /// codes at the first step at FRAC = 10).
    fn monotone(frac: u32) -> bool {
        frac <= 2
    }
    /// r/4 = 0.125 and 0.8805 (d ≥ 1/4), plus half a code.
    fn bound(frac: u32) -> Bound {
        Bound {
            plus: 0.125 + half(frac) + EPS,
            minus: 0.8805 + half(frac) + EPS,
            minus_from: from(0.25, frac),
        }
    }
}

impl Documented for TruncLut {
    /// The same steps as `Lut`.
    fn monotone(frac: u32) -> bool {
        frac <= 2
    }
    /// The same as `Lut`.
    fn bound(frac: u32) -> Bound {
        <Lut>::bound(frac)
    }
}

impl Documented for SoftmaxLut {
    /// Steps of r = 1/64: at most one code up to FRAC = 7 (8 at FRAC = 10).
    fn monotone(frac: u32) -> bool {
        frac <= 7
    }
    /// 1/256 and 0.9962 (d ≥ 1/128), plus half a code.
    fn bound(frac: u32) -> Bound {
        Bound {
            plus: 1.0 / 256.0 + half(frac) + EPS,
            minus: 0.9962 + half(frac) + EPS,
            minus_from: from(1.0 / 128.0, frac).max(1),
        }
    }
}

impl Documented for Interp {
    /// Chords fall at most half a code per code; only the cut-off at d = 10,
    /// Δ+(10)·2^FRAC codes, falls by more than one code from FRAC = 11 on.
    fn monotone(frac: u32) -> bool {
        frac <= 10
    }
    /// r²·ln2/32 = 0.00542 and 0.179 (d ≥ 1/4), plus one code.
    fn bound(frac: u32) -> Bound {
        Bound {
            plus: 0.00542 + 2.0 * half(frac) + EPS,
            minus: 0.179 + 2.0 * half(frac) + EPS,
            minus_from: from(0.25, frac),
        }
    }
}

impl Documented for BitShift {
    /// The chord of 2^-f falls half a code per code and joins up at every
    /// integer d.
    fn monotone(_frac: u32) -> bool {
        true
    }
    /// 0.0861 + 1.5 codes, and 0.6466 + 2 codes for d ≥ 1/2.
    fn bound(frac: u32) -> Bound {
        let code = 2.0 * half(frac);
        Bound {
            plus: 0.0861 + 1.5 * code + EPS,
            minus: 0.6466 + 2.0 * code + EPS,
            minus_from: from(0.5, frac),
        }
    }
}

impl Documented for FloorShift {
    /// Falls by 2^(FRAC−1−n) codes at every integer n + 1 of d.
    fn monotone(frac: u32) -> bool {
        frac <= 1
    }
    /// 1 − log2 1.5 < 0.4151 and 0.5 (d ≥ 1/2), no rounding term.
    fn bound(frac: u32) -> Bound {
        Bound {
            plus: 0.4151,
            minus: 0.5 + EPS,
            minus_from: from(0.5, frac),
        }
    }
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
        bound: &Bound,
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
