//! Names for the common configurations, as `fixed::types` names `I5F11`.
//!
//! `Lns16*` is the 16-bit word with 10 fraction bits (`LogNum<10, A>`),
//! `Lns12*` the 12-bit word with 6 (`LogNum<6, A>`), `Lns8*` the one-byte
//! word with 3 (`LogNum8<3, A>`, range `2^±7.875`); the suffix names the
//! log-add approximation `A` (see [`logadd`](crate::logadd) for each one's
//! error bounds).
//!
//! ```
//! use lognum::types::{Lns16Exact, Lns16Lut};
//! use lognum::LogNum;
//!
//! // `Lns16Lut` is the default `LogNum<10>`.
//! assert_eq!(Lns16Lut::from_f64(3.0), LogNum::<10>::from_f64(3.0));
//! let x = Lns16Exact::from_f64(0.75);
//! assert_eq!(x + x, Lns16Exact::from_f64(1.5)); // Δ+(0) = 1 exactly
//! ```

use crate::format::{LogNum, LogNum8};
use crate::logadd::{BitShift, Exact, FloorShift, Interp, Lut, TruncLut};

/// 16-bit LNS with correctly rounded Δ: the reference.
///
/// ```
/// assert_eq!(lognum::types::Lns16Exact::WORD_BITS, 16);
/// ```
pub type Lns16Exact = LogNum<10, Exact>;

/// 16-bit LNS with the paper's 20-entry table ([`Lut`]), the default
/// `LogNum<10>`.
///
/// ```
/// assert_eq!(lognum::types::Lns16Lut::FRAC_NBITS, 10);
/// ```
pub type Lns16Lut = LogNum<10, Lut>;

/// 16-bit LNS with piecewise-linear interpolation on the table's points
/// ([`Interp`]).
///
/// ```
/// use lognum::types::Lns16Interp;
/// assert_eq!(Lns16Interp::ONE + Lns16Interp::ONE, Lns16Interp::from_f64(2.0));
/// ```
pub type Lns16Interp = LogNum<10, Interp>;

/// 16-bit LNS with the 20-entry table indexed by truncation ([`TruncLut`]).
///
/// ```
/// assert_eq!(lognum::types::Lns16Trunc::ONE.to_f64(), 1.0);
/// ```
pub type Lns16Trunc = LogNum<10, TruncLut>;

/// 16-bit LNS with the paper's bit-shift Δ ([`BitShift`]).
///
/// ```
/// use lognum::types::Lns16Shift;
/// assert_eq!(Lns16Shift::ONE + Lns16Shift::ONE, Lns16Shift::from_f64(2.0));
/// ```
pub type Lns16Shift = LogNum<10, BitShift>;

/// 16-bit LNS shifting by the integer part of `d` only ([`FloorShift`]).
///
/// ```
/// assert_eq!(lognum::types::Lns16ShiftFloor::NEG_ONE.to_f64(), -1.0);
/// ```
pub type Lns16ShiftFloor = LogNum<10, FloorShift>;

/// 12-bit LNS with correctly rounded Δ.
///
/// ```
/// assert_eq!(lognum::types::Lns12Exact::WORD_BITS, 12);
/// ```
pub type Lns12Exact = LogNum<6, Exact>;

/// 12-bit LNS with the paper's 20-entry table ([`Lut`]).
///
/// ```
/// assert_eq!(lognum::types::Lns12Lut::FRAC_NBITS, 6);
/// ```
pub type Lns12Lut = LogNum<6, Lut>;

/// 12-bit LNS with piecewise-linear interpolation ([`Interp`]).
///
/// ```
/// assert_eq!(lognum::types::Lns12Interp::from_f64(0.5).to_f64(), 0.5);
/// ```
pub type Lns12Interp = LogNum<6, Interp>;

/// 12-bit LNS with the bit-shift Δ ([`BitShift`]).
///
/// ```
/// use lognum::types::Lns12Shift;
/// assert_eq!(Lns12Shift::ONE * Lns12Shift::from_f64(4.0), Lns12Shift::from_f64(4.0));
/// ```
pub type Lns12Shift = LogNum<6, BitShift>;

/// 12-bit LNS shifting by the integer part of `d` only ([`FloorShift`]).
///
/// ```
/// assert_eq!(lognum::types::Lns12ShiftFloor::ZERO.to_bits(), 0);
/// ```
pub type Lns12ShiftFloor = LogNum<6, FloorShift>;

/// One-byte LNS with correctly rounded Δ: `LogNum8<3, Exact>`.
///
/// ```
/// use lognum::types::Lns8Exact;
/// assert_eq!(core::mem::size_of::<Lns8Exact>(), 1);
/// assert_eq!(Lns8Exact::ONE + Lns8Exact::ONE, Lns8Exact::from_f64(2.0));
/// ```
pub type Lns8Exact = LogNum8<3, Exact>;

/// One-byte LNS with the paper's 20-entry table ([`Lut`]), the default
/// `LogNum8<3>`: its step `r = 1/2` is 4 codes at 3 fraction bits.
///
/// ```
/// use lognum::types::Lns8Lut;
/// assert_eq!(Lns8Lut::FRAC_NBITS, 3);
/// assert_eq!(Lns8Lut::MAX.to_bits(), 0x7f);
/// ```
pub type Lns8Lut = LogNum8<3, Lut>;

/// One-byte LNS with piecewise-linear interpolation ([`Interp`]).
///
/// ```
/// use lognum::types::Lns8Interp;
/// assert_eq!(Lns8Interp::from_f64(0.25).to_f64(), 0.25);
/// ```
pub type Lns8Interp = LogNum8<3, Interp>;

/// One-byte LNS with the bit-shift Δ ([`BitShift`]).
///
/// ```
/// use lognum::types::Lns8Shift;
/// assert_eq!(Lns8Shift::ONE + Lns8Shift::ONE, Lns8Shift::from_f64(2.0));
/// ```
pub type Lns8Shift = LogNum8<3, BitShift>;
