//! Logarithmic number system (LNS) numbers for multiplier-free arithmetic.
//!
//! A real number is stored as a sign and a fixed-point `log2` of its
//! magnitude. Multiplying is then an integer add of logs, and adding is
//!
//! ```text
//! log2|x + y| = max(X, Y) + Δ±(|X − Y|),   Δ+(d) = log2(1 + 2^-d),   Δ−(d) = log2(1 − 2^-d)
//! ```
//!
//! with Δ+ when the signs agree and Δ− when they differ. Hardware makes Δ cheap
//! with a small look-up table or a shift; this crate lets you choose that
//! approximation at compile time and measure what it costs.
//!
//! # The approximation is part of the type
//!
//! `LogNum<10>` is the 16-bit word of the paper this crate follows, and its
//! default approximation is the paper's 20-entry table ([`Lut`]), not the
//! exact Δ: `1·1 + 2·2 + 3·3` comes out as 13.5. The second type parameter
//! picks another one, here the correctly rounded [`Exact`]:
//!
//! ```
//! use lognum::{Exact, LogNum};
//!
//! type Paper = LogNum<10>; // = LogNum<10, Lut>: the 20-entry table
//! type Exact16 = LogNum<10, Exact>; // the one line that picks the approximation
//!
//! fn dot<T: Copy + core::ops::Add<Output = T> + core::ops::Mul<Output = T>>(v: [T; 3]) -> T {
//!     v[0] * v[0] + v[1] * v[1] + v[2] * v[2]
//! }
//! let paper = dot([1.0, 2.0, 3.0].map(Paper::from_f64));
//! let exact = dot([1.0, 2.0, 3.0].map(Exact16::from_f64));
//! assert_eq!(paper, Paper::from_f64(13.5)); // the table's Δ+ falls short
//! assert_eq!(exact, Exact16::from_f64(14.0)); // 14 to the nearest code
//! assert_eq!(paper.to_string(), "13.5");
//! ```
//!
//! Products are exact either way (an integer add of logs); sums carry the
//! approximation's error, whose worst case for each approximation is in the
//! [`logadd`] module docs.
//!
//! # The types
//!
//! - [`LogNum<FRAC, A>`](LogNum): a 16-bit word with `FRAC` (0 to 10) fraction
//!   bits, 4 integer bits, a sign-of-log bit and a sign bit. `LogNum<10>` is the
//!   16-bit word of Sanyal, Beerel and Chugg (ICASSP 2020), `LogNum<6>` their
//!   12-bit word. Every one of the 65,536 words of `LogNum<10>` is a valid value.
//! - [`WideLogNum<FRAC, A>`](WideLogNum): the same layout in 32 bits (31-bit log
//!   field, `FRAC` up to 26) for accumulators and experiments.
//! - [`LogNum8<FRAC, A>`](LogNum8): the same layout in one byte (7-bit log
//!   field, `BIAS = 64`, `FRAC` 0 to 6 and `6 − FRAC` integer bits), for
//!   storage and experiments at the lowest width. At the default `FRAC = 3`
//!   ([`Lns8Lut`](types::Lns8Lut)) it spans `2^±7.875` (`MAX ≈ 234.75`,
//!   `MIN_POSITIVE ≈ 0.00426`) with neighbours a factor `2^(1/8)` (9.05 %)
//!   apart. Every one of its 256 words is a valid value; `size_of` is 1.
//! - `A: `[`LogAdd`] chooses Δ: [`Lut`] (default; the paper's 20-entry table),
//!   [`TruncLut`], [`SoftmaxLut`] (640 entries), [`Interp`] (piecewise linear
//!   on the same 21 points), [`BitShift`] (the paper's shifts), [`FloorShift`] (the shifts without
//!   the fraction of `d`) and [`Exact`]. [`types`] names the common
//!   configurations (`Lns16Lut`, `Lns16Exact`, `Lns12Shift`, `Lns8Lut`, …). With the
//!   tables and `FloorShift` a sum can decrease when an operand grows;
//!   `Exact`, `BitShift` and `Interp` are monotone (see
//!   [`logadd`](logadd#monotonicity)).
//!
//! # Representation
//!
//! The word is `[sign | M]` with `M` a `MAG_BITS`-wide biased log code: `M = 0`
//! is zero, otherwise `|x| = 2^((M − BIAS) / 2^FRAC)` with
//! `BIAS = 2^(MAG_BITS − 1)`. For `LogNum<10>`: `BIAS = 16384`,
//! `MAX = 2^(16383/1024) ≈ 65 492`, `MIN_POSITIVE = 1/MAX ≈ 1.53e-5`, and
//! neighbouring values differ by the factor `2^(1/1024)` (0.068 %). The order of
//! words as sign-magnitude integers is the order of the values. There are two
//! zeros, `+0` (all bits clear) and `−0`; they compare and hash equal.
//!
//! ```
//! use lognum::LogNum;
//! type L = LogNum<10>;
//! let x = L::from_f64(6.0);
//! assert_eq!(x.to_bits(), 0x4a57); // sign 0, M = 16384 + round(1024·log2 6)
//! assert_eq!(L::from_bits(0x4a57), x);
//! assert!(L::from_f64(-2.0) < L::from_f64(-1.0));
//! ```
//!
//! # Rounding, overflow, underflow and invalid input
//!
//! - **Conversion** ([`LogNum::from_f64`]) rounds `log2|x|` to the nearest
//!   code. Exact ties cannot occur for finite inputs (the log of a
//!   non-power-of-two is irrational); the computed log is accurate to 2^-40.
//! - **Overflow saturates** to `±MAX`; **underflow flushes** to zero. No
//!   operation panics on any input.
//! - **NaN and infinities**: the lossy `from_f32`/`from_f64` map `±∞` to `±MAX`
//!   and NaN to `+0`. `TryFrom<f32>` and `TryFrom<f64>` refuse NaN, infinities
//!   and overflow with a [`ConversionError`]; `FromStr` does the same.
//! - **Division by zero**: `x / 0 = ±MAX` (sign rule as for products) and
//!   `0 / 0 = +0`. The square root of a negative number is `+0`.
//! - **Narrowing** between the formats ([`LogNum::widen`],
//!   [`WideLogNum::narrow`], [`LogNum8::widen`], [`LogNum::narrow8`],
//!   [`WideLogNum::narrow8`]) rounds the log code to nearest (halves away
//!   from zero), saturates and flushes. Into the byte there is also
//!   **stochastic rounding**, [`LogNum8::from_f64_stochastic`],
//!   [`LogNum::narrow8_stochastic`] and [`WideLogNum::narrow8_stochastic`]: the
//!   code rounds up with probability equal to the discarded fraction of a
//!   code, decided by a caller-supplied random `u32` (so a seeded generator
//!   reproduces a run). It is unbiased in the log code, not in the value.
//!
//! # Exactness
//!
//! Multiply, divide, `recip`, `sqrt`, `cbrt`, `powi` and `mul_pow2` are exact
//! in the log domain, up to the rounding of a half code (`sqrt`, `cbrt`) and
//! saturation. Add and subtract go through `A` and carry its error; zero is
//! still exact: `0·x = 0`, `x + 0 = x`, `x + (−x) = 0`. The worst-case Δ error
//! of each approximation is in the [`logadd`] module docs.
//!
//! LNS addition is not associative: `Sum` adds left to right.
//!
//! # Cargo features
//!
//! | feature | brings |
//! |---|---|
//! | `std` (default) | `std::error::Error` for the error types |
//! | `serde` | `Serialize`/`Deserialize` as the raw word; words with bits above `WORD_BITS` are refused; `lognum::serde_f64` for a human-readable f64 instead |
//! | `bytemuck` | `Zeroable` for all; `Pod` for `LogNum<10>`, `WideLogNum` and `LogNum8` (every bit pattern a word); `NoUninit` and `CheckedBitPattern` for `LogNum<0..=9>` |
//! | `approx` | `AbsDiffEq`, `RelativeEq`, `UlpsEq` with f64 tolerances (ULPs count log codes, across zero) |
//! | `arbitrary` | `Arbitrary` from raw words (every code reachable) |
//! | `half` | `from_f16`, `to_f16`, `from_bf16`, `to_bf16`, and `TryFrom<f16>`, `TryFrom<bf16>` |
//! | `fixed` | `from_fixed`, `checked_from_fixed`, `to_fixed` (saturating), `checked_to_fixed` for any `fixed` type |
//! | `proptest` (implies `std`) | `proptest::arbitrary::Arbitrary` from raw words and the strategies in `lognum::proptest` (every code reachable) |
//!
//! Without default features the crate is `no_std` and needs no allocator.
//!
//! # Not provided
//!
//! No NaN or infinity codes, and therefore no `num_traits::Float` (see
//! [`num`](crate#num-traits)); transcendental functions other than `exp2`,
//! `log2`, powers and roots go through f64.
//!
//! # num-traits
//!
//! `Zero`, `One`, `ConstZero`, `ConstOne`, `Num`, `NumCast`, `ToPrimitive`,
//! `FromPrimitive`, `Signed`, `Bounded`, `Inv`, `Pow`, `MulAdd` and
//! `num_traits::real::Real` are implemented for all three types.

#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
// No unsafe code anywhere; the `bytemuck` feature's trait impls are `unsafe
// impl`s, allowed in that one module.
#![cfg_attr(not(feature = "bytemuck"), forbid(unsafe_code))]
#![cfg_attr(feature = "bytemuck", deny(unsafe_code))]

pub mod arith;
mod cmp;
pub mod convert;
mod fmt;
mod format;
#[cfg(feature = "approx")]
mod impl_approx;
#[cfg(feature = "arbitrary")]
mod impl_arbitrary;
#[cfg(feature = "bytemuck")]
mod impl_bytemuck;
#[cfg(feature = "fixed")]
mod impl_fixed;
#[cfg(feature = "half")]
mod impl_half;
#[cfg(feature = "serde")]
mod impl_serde;
pub mod logadd;
mod math;
mod num;
#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod proptest;
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub mod serde_f64;
pub mod types;

// The README's examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use convert::ConversionError;
pub use fmt::ParseLogNumError;
pub use format::{LogNum, LogNum8, WideLogNum};
// Every approximation at the root, with the trait and its bound type: a new
// one in `logadd` needs no line here.
pub use logadd::*;
