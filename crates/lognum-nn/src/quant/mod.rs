//! Power-of-two weight quantization (LBW-Net, Yin et al., arXiv 1612.06052).
//!
//! A weight vector `w` is replaced by `α·q`, where `α > 0` is one scale per
//! vector and every `q_i` is zero or `±2^-j`. The scale and the codes are chosen
//! to minimise the squared Euclidean distance `‖w − α·q‖²`.
//!
//! # Representation
//!
//! With `b` bits a weight has `L = 2^(b−1) − 1` non-zero magnitudes
//! `α, α/2, …, α·2^-(L−1)`, a sign and zero: `2L + 1 = 2^b − 1` values. A code
//! is an `i8`: `0` is zero and `c ≠ 0` stands for `sign(c)·α·2^-(|c|−1)`, so
//! `|c| ≤ L` ([`max_code`]). Two bits give the ternary codes `{−1, 0, 1}`.
//! Widths run from [`MIN_BITS`] = 2 to [`MAX_BITS`] = 8 (the widest whose codes
//! fit an `i8`).
//!
//! # Methods
//!
//! * **Ternary, exact** ([`ternary`]): for a fixed support `S` the best scale
//!   is the mean of `|w|` over `S` and the distance is `‖w‖² − (Σ_S|w_i|)²/|S|`,
//!   so the best support of size `k` holds the `k` largest magnitudes. One sort
//!   and one scan over `k` find the global minimiser in `O(N log N)`; no
//!   heuristic threshold (TWN's `0.7·mean|w|`) is involved.
//! * **`b ≥ 3`, semi-analytical** ([`Method::SemiAnalytical`]): one guess of
//!   the scale, `α₀ = c·mean|w|` at three bits and `α₀ = c·max|w|` at four
//!   bits and more, then the nearest level for every weight; `O(N)`. `c` is
//!   the one free parameter; [`default_c`] gives values fitted to Gaussian
//!   weights. LBW-Net's own formula and parameter value are not public: this
//!   rule and its constants are derived here (`docs/QUANT.md`).
//! * **`b ≥ 3`, alternating** ([`Method::Alternating`]): starting from the
//!   semi-analytical guess, alternate "codes given α" (nearest level) and
//!   "α given codes" (closed form) until the distance stops decreasing. Each
//!   half-step minimises over one block of variables, so the distance never
//!   increases; each iteration is `O(N)`. It stops at a local minimum.
//! * **`b ≥ 3`, exact** ([`Method::Exact`]): with the codes chosen optimally
//!   for each `α`, the distance is a continuous, piecewise quadratic function
//!   of `α`. Its breakpoints are the sorted magnitudes times `L` fixed
//!   factors, so one sort and a merge of `L` sorted streams visit them in
//!   order and give the global minimiser in `O(N log N + E log L)`, `E ≤ N·L`
//!   the number of breakpoints below `2·max|w|` (a few per weight for
//!   bell-shaped weights).
//!
//! [`pow2`] uses the exact method; it also compares with the semi-analytical
//! guess, so its distance is never above that guess even after the rounding of
//! `α` to `f32`. Measured on Gaussian, Laplace and uniform vectors (table in
//! `docs/QUANT.md`), the alternating refinement never does worse than the
//! semi-analytical guess but stops in a local minimum: up to 15 % above the
//! optimum on 64 weights, 2–5 % on 1024, under 0.7 % on 65,536. On 2^20
//! weights the exact sweep is also faster in five of six measured cases
//! (0.23–0.32 s against 0.22–1.04 s), as the alternation needs tens of
//! iterations there.
//!
//! # Nearest level
//!
//! Given `α`, a magnitude `a = |w_i|` goes to level `α·2^-j` when
//! `a ≥ ¾·α·2^-j` (the midpoint between `α·2^-j` and `α·2^-(j+1)`) and to the
//! smallest level `α·2^-(L−1)` down to half of it; below that it is zero.
//! Magnitudes above `α` go to `α`. Exactly on a level threshold the larger
//! level wins; exactly on the zero threshold the weight becomes zero. Both
//! choices give the same distance.
//!
//! # Closed-form scale
//!
//! Given codes with exponents `j_i` on the non-zero set `S`, the best scale is
//! `α = Σ_S |w_i|·2^-j_i / Σ_S 2^-2j_i` (the weights coded zero do not depend
//! on `α`).
//!
//! # Edge cases of the plain functions
//!
//! The plain functions ([`ternary`], [`pow2`], [`Pow2Quantizer::quantize`])
//! never panic:
//!
//! * empty input gives `α = 0` and no codes;
//! * a NaN or infinite weight gets code `0` and is left out of `α`; the other
//!   weights are quantized as if it were not there;
//! * all-zero (or all non-finite) input gives `α = 0` and all codes `0`;
//! * `bits` outside `2..=8` is clamped to the nearest valid width
//!   ([`clamp_bits`]): `0` and `1` act as `2`, `9` and above as `8`;
//! * a scale parameter `c` that is not finite and positive falls back to
//!   [`default_c`].
//!
//! The `try_` variants ([`try_ternary`], [`try_pow2`],
//! [`Pow2Quantizer::try_quantize`]) refuse these inputs with a [`QuantError`]
//! instead.
//!
//! # Precision
//!
//! Sums and distances are accumulated in `f64`; the scale is rounded to `f32`
//! at the end of each step and every comparison of distances uses that
//! rounded scale, so "never above the guess" and "never increases over the
//! iterations" hold exactly for the values returned. Optimality of the exact
//! methods, and the distance of [`pow2`] not growing with `bits`, hold up to
//! that rounding (about `2^-24·‖w‖²`). A scale larger than `f32::MAX` is
//! clamped to `f32::MAX`.
//!
//! # Example
//!
//! ```
//! use lognum_nn::quant::{dequantize, distance, pow2, ternary};
//!
//! let w = [0.9_f32, -0.45, 0.1, 0.22, -1.1];
//! let (alpha, codes) = ternary(&w);
//! assert_eq!(codes, [1, -1, 0, 0, -1]);
//! assert!((alpha - (0.9 + 0.45 + 1.1) / 3.0).abs() < 1e-6);
//!
//! let (alpha4, codes4) = pow2(&w, 4);
//! assert!(distance(&w, alpha4, &codes4) <= distance(&w, alpha, &codes));
//! let q = dequantize(alpha4, &codes4);
//! assert_eq!(q.len(), w.len());
//! ```

use std::fmt;

mod solve;

use solve::{
    alternating, distance_abs, exact_alpha, nearest_codes, semi_analytical_alpha, ternary_from,
};

/// Smallest supported width: ternary codes `{−1, 0, 1}`.
///
/// ```
/// assert_eq!(lognum_nn::quant::MIN_BITS, 2);
/// ```
pub const MIN_BITS: u32 = 2;

/// Largest supported width: codes `−127..=127` (`2^7 − 1` levels per sign).
///
/// ```
/// assert_eq!(lognum_nn::quant::MAX_BITS, 8);
/// ```
pub const MAX_BITS: u32 = 8;

/// A sensible iteration cap for [`Method::Alternating`]. The refinement stops
/// earlier as soon as the distance stops decreasing; on the measured data it
/// took 1 to 80 iterations on average, more on larger vectors.
///
/// ```
/// assert!(lognum_nn::quant::DEFAULT_MAX_ITERS >= 10);
/// ```
pub const DEFAULT_MAX_ITERS: u32 = 100;

/// Why a `try_` quantizer refused its input.
///
/// ```
/// use lognum_nn::quant::{try_pow2, QuantError};
///
/// assert_eq!(try_pow2(&[], 4), Err(QuantError::Empty));
/// assert_eq!(try_pow2(&[1.0, f32::NAN], 4), Err(QuantError::NonFinite { index: 1 }));
/// assert_eq!(try_pow2(&[1.0], 9), Err(QuantError::BadBits { bits: 9 }));
/// assert_eq!(QuantError::Empty.to_string(), "cannot quantize an empty weight vector");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QuantError {
    /// The weight vector is empty.
    Empty,
    /// A weight is NaN or infinite.
    NonFinite {
        /// Position of the first non-finite weight.
        index: usize,
    },
    /// The width is outside [`MIN_BITS`]`..=`[`MAX_BITS`].
    BadBits {
        /// The width that was asked for.
        bits: u32,
    },
    /// The semi-analytical parameter `c` is not finite and positive.
    BadScale {
        /// The parameter that was given.
        c: f32,
    },
}

impl fmt::Display for QuantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("cannot quantize an empty weight vector"),
            Self::NonFinite { index } => write!(f, "weight {index} is not finite"),
            Self::BadBits { bits } => write!(
                f,
                "bit width {bits} is outside the supported range {MIN_BITS}..={MAX_BITS}"
            ),
            Self::BadScale { c } => {
                write!(
                    f,
                    "semi-analytical parameter c = {c} is not finite and positive"
                )
            }
        }
    }
}

impl std::error::Error for QuantError {}

/// How [`Pow2Quantizer`] picks the scale and codes for `b ≥ 3` bits.
///
/// At two bits every method gives the exact ternary result of [`ternary`].
/// For the same input, [`Exact`](Method::Exact) is never above
/// [`Alternating`](Method::Alternating), which is never above
/// [`SemiAnalytical`](Method::SemiAnalytical) with [`default_c`] (the first
/// up to the rounding of `α` to `f32`).
///
/// ```
/// use lognum_nn::quant::{default_c, distance, Method, Pow2Quantizer, DEFAULT_MAX_ITERS};
///
/// let w = [0.3_f32, -1.2, 0.05, 0.7, -0.2, 0.9];
/// let d = |method| {
///     let (a, c) = Pow2Quantizer { bits: 3, method }.quantize(&w);
///     distance(&w, a, &c)
/// };
/// let semi = d(Method::SemiAnalytical { c: default_c(3) });
/// let alt = d(Method::Alternating { max_iters: DEFAULT_MAX_ITERS });
/// let exact = d(Method::Exact);
/// assert!(alt <= semi);
/// assert!(exact <= alt + 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    /// `α = c·mean|w|` at three bits, `α = c·max|w|` at four bits and more
    /// (over the finite weights), then the nearest level for every weight. No
    /// iteration: one pass for the statistic, one to code.
    SemiAnalytical {
        /// The free parameter; [`default_c`] gives fitted values. A value that
        /// is not finite and positive is replaced by [`default_c`] (the `try_`
        /// functions refuse it).
        c: f32,
    },
    /// Start from the semi-analytical guess with [`default_c`], then alternate
    /// nearest-level codes and the closed-form scale until the distance stops
    /// decreasing or `max_iters` iterations have run. Never worse than its
    /// starting guess. `max_iters = 0` returns the starting guess.
    Alternating {
        /// Upper bound on the number of (codes, scale) iterations.
        max_iters: u32,
    },
    /// Global minimiser by a sweep over the breakpoints of the distance as a
    /// function of `α`, `O(N log N + E log L)`. One alternating step and a
    /// comparison with the semi-analytical guess follow, so that the rounding
    /// of `α` to `f32` cannot put the result above either. What [`pow2`] uses.
    Exact,
}

/// A configured power-of-two quantizer: a width and a [`Method`].
///
/// ```
/// use lognum_nn::quant::{max_code, Method, Pow2Quantizer};
///
/// let q = Pow2Quantizer { bits: 4, method: Method::Exact };
/// let (alpha, codes) = q.quantize(&[0.5, -0.25, 0.0, 0.125]);
/// assert_eq!(alpha, 0.5);
/// assert_eq!(codes, [1, -2, 0, 3]);
/// assert!(codes.iter().all(|c| c.abs() <= max_code(4)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pow2Quantizer {
    /// Width in bits; clamped to [`MIN_BITS`]`..=`[`MAX_BITS`] by
    /// [`quantize`](Self::quantize), refused by
    /// [`try_quantize`](Self::try_quantize).
    pub bits: u32,
    /// How the scale and codes are found for `bits ≥ 3`.
    pub method: Method,
}

impl Pow2Quantizer {
    /// The configuration [`pow2`] uses: [`Method::Exact`].
    ///
    /// ```
    /// use lognum_nn::quant::{pow2, Pow2Quantizer};
    ///
    /// let w = [0.3_f32, -0.8, 0.01];
    /// assert_eq!(Pow2Quantizer::new(5).quantize(&w), pow2(&w, 5));
    /// ```
    pub fn new(bits: u32) -> Self {
        Self {
            bits,
            method: Method::Exact,
        }
    }

    /// Quantize `w`; returns the scale `α` and one code per weight.
    ///
    /// Never panics; empty input, non-finite weights, out-of-range widths and
    /// a bad `c` are handled as the [module docs](self) describe.
    ///
    /// ```
    /// use lognum_nn::quant::{Method, Pow2Quantizer};
    ///
    /// // 100 bits act as 8; there the guess is α = c·max|w| = 2; NaN gets 0.
    /// let q = Pow2Quantizer { bits: 100, method: Method::SemiAnalytical { c: 1.0 } };
    /// let (alpha, codes) = q.quantize(&[2.0, f32::NAN, -1.0]);
    /// assert_eq!(alpha, 2.0);
    /// assert_eq!(codes, [1, 0, -2]);
    /// // At 3 bits the guess is α = c·mean|w| = 1.5 (mean over finite weights).
    /// let q = Pow2Quantizer { bits: 3, method: Method::SemiAnalytical { c: 1.0 } };
    /// assert_eq!(q.quantize(&[2.0, f32::NAN, -1.0]), (1.5, vec![1, 0, -2]));
    /// ```
    pub fn quantize(&self, w: &[f32]) -> (f32, Vec<i8>) {
        let bits = clamp_bits(self.bits);
        let levels = levels(bits);
        let a = magnitudes(w);
        if levels == 1 {
            return ternary_from(w, &a);
        }
        let guess = |c: f32| {
            let alpha = semi_analytical_alpha(w, bits, c);
            let mut codes = vec![0; w.len()];
            nearest_codes(&a, alpha, levels, &mut codes);
            (alpha, codes)
        };
        let (alpha, codes) = match self.method {
            Method::SemiAnalytical { c } => {
                let c = if c.is_finite() && c > 0.0 {
                    c
                } else {
                    default_c(bits)
                };
                guess(c)
            }
            Method::Alternating { max_iters } => {
                let alpha0 = semi_analytical_alpha(w, bits, default_c(bits));
                alternating(&a, alpha0, levels, max_iters)
            }
            Method::Exact => {
                let (alpha, codes) = alternating(&a, exact_alpha(&a, levels), levels, 1);
                // The sweep is exact in real arithmetic; comparing with the
                // guess makes "never above the guess" hold for the f32 scale
                // returned, too.
                let (alpha0, codes0) = guess(default_c(bits));
                if distance_abs(&a, alpha0, &codes0) < distance_abs(&a, alpha, &codes) {
                    (alpha0, codes0)
                } else {
                    (alpha, codes)
                }
            }
        };
        (alpha, signed(w, codes))
    }

    /// Like [`quantize`](Self::quantize), but refuses empty input, non-finite
    /// weights, a width outside `2..=8` and a semi-analytical `c` that is not
    /// finite and positive.
    ///
    /// ```
    /// use lognum_nn::quant::{Method, Pow2Quantizer, QuantError};
    ///
    /// let q = Pow2Quantizer { bits: 3, method: Method::SemiAnalytical { c: -1.0 } };
    /// assert_eq!(q.try_quantize(&[1.0]), Err(QuantError::BadScale { c: -1.0 }));
    /// let q = Pow2Quantizer::new(3);
    /// assert_eq!(q.try_quantize(&[1.0, -0.5]), Ok((1.0, vec![1, -2])));
    /// ```
    pub fn try_quantize(&self, w: &[f32]) -> Result<(f32, Vec<i8>), QuantError> {
        check_input(w, self.bits)?;
        if let Method::SemiAnalytical { c } = self.method
            && !(c.is_finite() && c > 0.0)
        {
            return Err(QuantError::BadScale { c });
        }
        Ok(self.quantize(w))
    }
}

/// Clamp a width to [`MIN_BITS`]`..=`[`MAX_BITS`], as the plain functions do.
///
/// ```
/// use lognum_nn::quant::clamp_bits;
///
/// assert_eq!(clamp_bits(0), 2);
/// assert_eq!(clamp_bits(5), 5);
/// assert_eq!(clamp_bits(100), 8);
/// ```
pub fn clamp_bits(bits: u32) -> u32 {
    bits.clamp(MIN_BITS, MAX_BITS)
}

/// Largest code magnitude at `bits` bits (after [`clamp_bits`]):
/// `2^(bits−1) − 1`, the number of non-zero levels per sign.
///
/// ```
/// use lognum_nn::quant::max_code;
///
/// assert_eq!(max_code(2), 1);
/// assert_eq!(max_code(3), 3);
/// assert_eq!(max_code(8), 127);
/// assert_eq!(max_code(1), 1);
/// ```
pub fn max_code(bits: u32) -> i8 {
    // At most 2^7 − 1 = 127 after clamping, so the cast is exact.
    levels(clamp_bits(bits)) as i8
}

/// Default semi-analytical parameter `c` at `bits` bits (after
/// [`clamp_bits`]): `α₀ = c·mean|w|` at three bits, `α₀ = c·max|w|` at four
/// and more.
///
/// Three bits: `2.6`, the ratio of the exact optimum to `mean|w|` for Gaussian
/// weights (it is `3.9` for Laplace and `1.67` for uniform weights). Four bits
/// and more: `0.85`, about the ratio of the exact optimum to `max|w|` for
/// Gaussian (0.84–0.92) and uniform (0.84) weights of 2^20 elements; for
/// Laplace weights it scatters between 0.63 and 1.24, where their distance is
/// nearly flat. At two
/// bits the exact ternary method needs no parameter; the value returned,
/// `1.53`, is the Gaussian optimum of the ternary scale over `mean|w|`.
/// Derivation and measurements are in `docs/QUANT.md`.
///
/// ```
/// use lognum_nn::quant::default_c;
///
/// assert_eq!(default_c(3), 2.6);
/// assert_eq!(default_c(4), 0.85);
/// assert_eq!(default_c(8), default_c(100));
/// ```
pub fn default_c(bits: u32) -> f32 {
    match clamp_bits(bits) {
        2 => 1.53,
        3 => 2.6,
        _ => 0.85,
    }
}

/// Exact ternary quantization: the global minimiser of `‖w − α·q‖²` over
/// `α ≥ 0` and `q ∈ {−1, 0, 1}^N`, in `O(N log N)`.
///
/// Returns `α`, the mean magnitude of the chosen support, and the codes.
/// Empty input gives `(0.0, [])`; NaN and infinite weights get code `0` and do
/// not enter `α`; all-zero input gives `α = 0` with all codes `0`.
///
/// ```
/// use lognum_nn::quant::ternary;
///
/// // Support {3, −2.5}: α = 2.75, distance 0.125 + 1 + 0.25 = 1.375; with
/// // only {3} it is 1 + 6.25 + 0.25 = 7.5; with all three α = 2, distance 3.5.
/// assert_eq!(ternary(&[3.0, -2.5, 1.0]), (2.75, vec![1, -1, 0]));
/// assert_eq!(ternary(&[]), (0.0, vec![]));
/// assert_eq!(ternary(&[f32::NAN, 2.0]), (2.0, vec![0, 1]));
/// ```
pub fn ternary(w: &[f32]) -> (f32, Vec<i8>) {
    ternary_from(w, &magnitudes(w))
}

/// [`ternary`] that refuses empty input and non-finite weights.
///
/// ```
/// use lognum_nn::quant::{try_ternary, QuantError};
///
/// assert_eq!(try_ternary(&[1.0, -1.0]), Ok((1.0, vec![1, -1])));
/// assert_eq!(try_ternary(&[]), Err(QuantError::Empty));
/// assert_eq!(try_ternary(&[f32::INFINITY]), Err(QuantError::NonFinite { index: 0 }));
/// ```
pub fn try_ternary(w: &[f32]) -> Result<(f32, Vec<i8>), QuantError> {
    check_input(w, MIN_BITS)?;
    Ok(ternary(w))
}

/// Power-of-two quantization at `bits` bits: levels `±α·2^-j`,
/// `j = 0 … 2^(bits−1) − 2`, and zero. A code `c ≠ 0` stands for
/// `sign(c)·α·2^-(|c|−1)`.
///
/// `pow2(w, 2)` is [`ternary`]. For three bits and more it is the global
/// minimiser of `‖w − α·q‖²` ([`Method::Exact`], up to the rounding of `α` to
/// `f32`), never above the semi-analytical guess; its distance does not grow
/// with `bits` (up to that rounding), since the levels at `b + 1` bits include
/// those at `b` for the same `α`.
///
/// Never panics: empty input gives `(0.0, [])`, non-finite weights get code
/// `0` and do not enter `α`, and `bits` is clamped to `2..=8`.
///
/// ```
/// use lognum_nn::quant::{pow2, ternary};
///
/// let w = [1.0_f32, 0.5, -0.25, 0.125, 0.0];
/// assert_eq!(pow2(&w, 4), (1.0, vec![1, 2, -3, 4, 0]));
/// assert_eq!(pow2(&w, 2), ternary(&w));
/// assert_eq!(pow2(&w, 0), ternary(&w));
/// ```
pub fn pow2(w: &[f32], bits: u32) -> (f32, Vec<i8>) {
    Pow2Quantizer::new(bits).quantize(w)
}

/// [`pow2`] that refuses empty input, non-finite weights and `bits` outside
/// `2..=8`.
///
/// ```
/// use lognum_nn::quant::{try_pow2, QuantError};
///
/// assert_eq!(try_pow2(&[0.5, -1.0], 3), Ok((1.0, vec![2, -1])));
/// assert_eq!(try_pow2(&[0.5], 1), Err(QuantError::BadBits { bits: 1 }));
/// ```
pub fn try_pow2(w: &[f32], bits: u32) -> Result<(f32, Vec<i8>), QuantError> {
    check_input(w, bits)?;
    Ok(pow2(w, bits))
}

/// The alternating refinement started from a given scale `alpha0` instead
/// of the semi-analytical guess: nearest-level codes at `alpha0`, then at
/// most `max_iters` (closed-form scale, nearest codes) iterations while the
/// distance strictly drops. Never above the nearest-level codes at `alpha0`;
/// `O(N)` per iteration. Meant for a warm start from a nearby optimum, as in
/// training, where the weights move little between two steps
/// ([`crate::qat`]); on its own it stops in a local minimum (see
/// [`Method::Alternating`]). Handles bad input as [`pow2`] does; a scale that
/// is not finite and positive gives `(0.0, all zeros)`.
///
/// ```
/// use lognum_nn::quant::{distance, pow2, pow2_from};
///
/// let w = [0.3_f32, -1.2, 0.05, 0.7, -0.2, 0.9];
/// let (alpha, codes) = pow2(&w, 4);
/// // From the optimum itself nothing changes.
/// assert_eq!(pow2_from(&w, 4, alpha, 2), (alpha, codes.clone()));
/// // From a nearby scale it is never worse than the codes at that scale.
/// let (a1, c1) = pow2_from(&w, 4, 1.1 * alpha, 2);
/// let (a0, c0) = pow2_from(&w, 4, 1.1 * alpha, 0);
/// assert!(distance(&w, a1, &c1) <= distance(&w, a0, &c0));
/// ```
pub fn pow2_from(w: &[f32], bits: u32, alpha0: f32, max_iters: u32) -> (f32, Vec<i8>) {
    let levels = levels(clamp_bits(bits));
    let a = magnitudes(w);
    let alpha0 = if alpha0.is_finite() && alpha0 > 0.0 {
        alpha0
    } else {
        0.0
    };
    let (alpha, codes) = alternating(&a, alpha0, levels, max_iters);
    (alpha, signed(w, codes))
}

/// The values the codes stand for: `sign(c)·α·2^-(|c|−1)` for `c ≠ 0`, else 0.
///
/// Any `i8` is accepted (`−128` stands for `−α·2^-127`); levels too small for
/// `f32` flush towards zero as `f32` does.
///
/// ```
/// use lognum_nn::quant::dequantize;
///
/// assert_eq!(dequantize(2.0, &[1, -2, 0, 3]), [2.0, -1.0, 0.0, 0.5]);
/// ```
pub fn dequantize(alpha: f32, codes: &[i8]) -> Vec<f32> {
    codes
        .iter()
        .map(|&c| level(f64::from(alpha), c) as f32)
        .collect()
}

/// Squared Euclidean distance `Σ (w_i − α·q_i)²`, accumulated in `f64` with the
/// levels computed exactly in `f64`.
///
/// If the lengths differ, the shorter side is padded with zeros (a missing code
/// is code `0`, a missing weight is `0.0`). A non-finite weight makes the
/// result non-finite.
///
/// ```
/// use lognum_nn::quant::distance;
///
/// // −0.375 against the level −0.5: (0.125)² = 0.015625, exact in binary.
/// assert_eq!(distance(&[1.0, -0.375], 1.0, &[1, -2]), 0.015625);
/// assert_eq!(distance(&[1.0, 2.0], 1.0, &[1]), 4.0);
/// ```
pub fn distance(w: &[f32], alpha: f32, codes: &[i8]) -> f64 {
    let alpha = f64::from(alpha);
    let n = w.len().max(codes.len());
    (0..n)
        .map(|i| {
            let x = w.get(i).map_or(0.0, |&x| f64::from(x));
            let q = codes.get(i).map_or(0.0, |&c| level(alpha, c));
            (x - q) * (x - q)
        })
        .sum()
}

// ---------------------------------------------------------------------------
// Internals. Everything below works on magnitudes `a_i = |w_i|` in f64 (0 for
// non-finite weights, which therefore always get code 0 and add nothing to any
// sum) and on unsigned level indices k = |code| (0 = zero, k ≥ 1 = α·2^-(k−1)).
// Signs are attached once at the end by `signed`.
// ---------------------------------------------------------------------------

/// Number of non-zero levels per sign, `L = 2^(bits−1) − 1`, for a clamped width.
fn levels(bits: u32) -> u32 {
    (1 << (bits - 1)) - 1
}

/// `2^n` exactly, for `n` in the normal `f64` exponent range.
fn exp2i(n: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&n));
    f64::from_bits(((n + 1023) as u64) << 52)
}

/// The value of code `c` at scale `alpha`, exact in `f64`.
fn level(alpha: f64, c: i8) -> f64 {
    if c == 0 {
        return 0.0;
    }
    let v = alpha * exp2i(1 - i32::from(c.unsigned_abs()));
    if c < 0 { -v } else { v }
}

fn magnitudes(w: &[f32]) -> Vec<f64> {
    w.iter()
        .map(|&x| {
            if x.is_finite() {
                f64::from(x.abs())
            } else {
                0.0
            }
        })
        .collect()
}

fn check_input(w: &[f32], bits: u32) -> Result<(), QuantError> {
    if w.is_empty() {
        return Err(QuantError::Empty);
    }
    if let Some(index) = w.iter().position(|x| !x.is_finite()) {
        return Err(QuantError::NonFinite { index });
    }
    if !(MIN_BITS..=MAX_BITS).contains(&bits) {
        return Err(QuantError::BadBits { bits });
    }
    Ok(())
}

/// Round a non-negative `f64` scale to `f32`, clamping overflow to `f32::MAX`.
fn to_f32(alpha: f64) -> f32 {
    if alpha.is_nan() || alpha <= 0.0 {
        0.0
    } else {
        alpha.min(f64::from(f32::MAX)) as f32
    }
}

/// Give every level index the sign of its weight.
fn signed(w: &[f32], mut codes: Vec<i8>) -> Vec<i8> {
    for (c, &x) in codes.iter_mut().zip(w) {
        if x.is_sign_negative() {
            *c = -*c;
        }
    }
    codes
}
