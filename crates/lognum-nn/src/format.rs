//! The number formats a network can be trained in, by name.
//!
//! | name | type | |
//! |---|---|---|
//! | `f32`, `f64` | IEEE binary32 / binary64 | the float baselines |
//! | `bf16`, `f16` | `half::bf16`, `half::f16` | 16-bit floats |
//! | `fixed16` | `fixed::types::I5F11` | the paper's 16-bit linear fixed point |
//! | `lns16-exact` | [`LogNum<10, Exact>`](lognum::LogNum) | 16-bit LNS, correctly rounded Δ |
//! | `lns16-lut` | `LogNum<10, Lut>` | the paper's 20-entry table |
//! | `lns16-interp` | `LogNum<10, Interp>` | piecewise linear on the table points |
//! | `lns16-trunc` | `LogNum<10, TruncLut>` | the 20-entry table indexed by truncation, as the authors' Python |
//! | `lns16-shift` | `LogNum<10, BitShift>` | the paper's bit-shift Δ: `2^-d` by a shift and Mitchell's chord |
//! | `lns16-shift-floor` | `LogNum<10, FloorShift>` | the shift of `⌊d⌋` only (a table with r = 1), for comparison |
//! | `lns12-lut` | `LogNum<6, Lut>` | 12-bit LNS, table |
//! | `lns12-shift` | `LogNum<6, BitShift>` | 12-bit LNS, shifts |
//! | `lns12-shift-floor` | `LogNum<6, FloorShift>` | 12-bit LNS, shift of `⌊d⌋` only, for comparison |
//! | `lns12-interp` | `LogNum<6, Interp>` | 12-bit LNS, piecewise linear |
//!
//! ```
//! use lognum_nn::format::Format;
//! let f: Format = "lns16-lut".parse().unwrap();
//! assert_eq!(f, Format::Lns16Lut);
//! assert_eq!(f.to_string(), "lns16-lut");
//! let err = "lns8".parse::<Format>().unwrap_err().to_string();
//! assert!(err.contains("lns16-lut") && err.contains("fixed16"));
//! ```

use std::fmt;
use std::str::FromStr;

use fixed::types::I5F11;
use lognum::{BitShift, Exact, FloorShift, Interp, LogNum, Lut, TruncLut};

use lognum_tensor::matmul::Accumulate;

use crate::{NnError, NnScalar};

/// `f32`.
pub type F32 = f32;
/// `f64`.
pub type F64 = f64;
/// `half::bf16`, emulated in software.
pub type Bf16 = half::bf16;
/// `half::f16`, emulated in software.
pub type F16 = half::f16;
/// The paper's 16-bit linear fixed point: 5 integer bits (sign included), 11
/// fraction bits.
pub type Fixed16 = I5F11;
/// 16-bit LNS with correctly rounded log addition.
pub type Lns16Exact = LogNum<10, Exact>;
/// 16-bit LNS with the paper's 20-entry table.
pub type Lns16Lut = LogNum<10, Lut>;
/// 16-bit LNS with piecewise-linear interpolation of the table.
pub type Lns16Interp = LogNum<10, Interp>;
/// 16-bit LNS with the paper's table indexed by truncation.
pub type Lns16Trunc = LogNum<10, TruncLut>;
/// 12-bit LNS with piecewise-linear interpolation of the table.
pub type Lns12Interp = LogNum<6, Interp>;
/// 16-bit LNS with the paper's bit-shift approximation.
pub type Lns16Shift = LogNum<10, BitShift>;
/// 16-bit LNS shifting by the integer part of `d` only.
pub type Lns16ShiftFloor = LogNum<10, FloorShift>;
/// 12-bit LNS with the paper's table.
pub type Lns12Lut = LogNum<6, Lut>;
/// 12-bit LNS with the bit-shift approximation.
pub type Lns12Shift = LogNum<6, BitShift>;
/// 12-bit LNS shifting by the integer part of `d` only.
pub type Lns12ShiftFloor = LogNum<6, FloorShift>;

/// Evaluates an expression with a type alias bound to the element type of a
/// run-time [`Format`](crate::format::Format): the one place that maps
/// formats to types, for every caller that dispatches on a format.
///
/// ```
/// use lognum_nn::format::Format;
/// use lognum_tensor::Scalar;
/// let name = lognum_nn::with_format_type!(Format::Lns16Lut, T => <T as Scalar>::name());
/// assert!(name.contains("lns"));
/// ```
#[macro_export]
macro_rules! with_format_type {
    ($format:expr, $t:ident => $body:expr) => {{
        use $crate::format as __f;
        match $format {
            __f::Format::F32 => {
                type $t = __f::F32;
                $body
            }
            __f::Format::F64 => {
                type $t = __f::F64;
                $body
            }
            __f::Format::Bf16 => {
                type $t = __f::Bf16;
                $body
            }
            __f::Format::F16 => {
                type $t = __f::F16;
                $body
            }
            __f::Format::Fixed16 => {
                type $t = __f::Fixed16;
                $body
            }
            __f::Format::Lns16Exact => {
                type $t = __f::Lns16Exact;
                $body
            }
            __f::Format::Lns16Lut => {
                type $t = __f::Lns16Lut;
                $body
            }
            __f::Format::Lns16Interp => {
                type $t = __f::Lns16Interp;
                $body
            }
            __f::Format::Lns16Shift => {
                type $t = __f::Lns16Shift;
                $body
            }
            __f::Format::Lns16ShiftFloor => {
                type $t = __f::Lns16ShiftFloor;
                $body
            }
            __f::Format::Lns12Lut => {
                type $t = __f::Lns12Lut;
                $body
            }
            __f::Format::Lns12Shift => {
                type $t = __f::Lns12Shift;
                $body
            }
            __f::Format::Lns12ShiftFloor => {
                type $t = __f::Lns12ShiftFloor;
                $body
            }
            __f::Format::Lns16Trunc => {
                type $t = __f::Lns16Trunc;
                $body
            }
            __f::Format::Lns12Interp => {
                type $t = __f::Lns12Interp;
                $body
            }
        }
    }};
}

/// A number format, chosen at run time; [`crate::train::train_format`]
/// dispatches to the matching type ([`with_format_type!`](crate::with_format_type)).
///
/// ```
/// use lognum_nn::format::Format;
/// for f in Format::ALL {
///     assert_eq!(f.name().parse::<Format>().unwrap(), f);
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// IEEE binary32.
    F32,
    /// IEEE binary64.
    F64,
    /// bfloat16.
    Bf16,
    /// IEEE binary16.
    F16,
    /// 16-bit fixed point I5F11 ([`Fixed16`]).
    Fixed16,
    /// [`Lns16Exact`].
    Lns16Exact,
    /// [`Lns16Lut`].
    Lns16Lut,
    /// [`Lns16Interp`].
    Lns16Interp,
    /// [`Lns16Trunc`].
    Lns16Trunc,
    /// [`Lns16Shift`].
    Lns16Shift,
    /// [`Lns16ShiftFloor`].
    Lns16ShiftFloor,
    /// [`Lns12Lut`].
    Lns12Lut,
    /// [`Lns12Shift`].
    Lns12Shift,
    /// [`Lns12ShiftFloor`].
    Lns12ShiftFloor,
    /// [`Lns12Interp`].
    Lns12Interp,
}

impl Format {
    /// Every format, in the order of the table in the module docs.
    ///
    /// ```
    /// assert_eq!(lognum_nn::format::Format::ALL.len(), 15);
    /// ```
    pub const ALL: [Format; 15] = [
        Format::F32,
        Format::F64,
        Format::Bf16,
        Format::F16,
        Format::Fixed16,
        Format::Lns16Exact,
        Format::Lns16Lut,
        Format::Lns16Interp,
        Format::Lns16Trunc,
        Format::Lns16Shift,
        Format::Lns16ShiftFloor,
        Format::Lns12Lut,
        Format::Lns12Shift,
        Format::Lns12ShiftFloor,
        Format::Lns12Interp,
    ];

    /// The format's name, as parsed by `FromStr` and recorded in checkpoints.
    ///
    /// ```
    /// assert_eq!(lognum_nn::format::Format::Fixed16.name(), "fixed16");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Format::F32 => "f32",
            Format::F64 => "f64",
            Format::Bf16 => "bf16",
            Format::F16 => "f16",
            Format::Fixed16 => "fixed16",
            Format::Lns16Exact => "lns16-exact",
            Format::Lns16Lut => "lns16-lut",
            Format::Lns16Interp => "lns16-interp",
            Format::Lns16Shift => "lns16-shift",
            Format::Lns16ShiftFloor => "lns16-shift-floor",
            Format::Lns12Lut => "lns12-lut",
            Format::Lns12Shift => "lns12-shift",
            Format::Lns12ShiftFloor => "lns12-shift-floor",
            Format::Lns16Trunc => "lns16-trunc",
            Format::Lns12Interp => "lns12-interp",
        }
    }

    /// Every valid name.
    ///
    /// ```
    /// assert!(lognum_nn::format::Format::names().contains(&"lns12-shift"));
    /// ```
    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|f| f.name()).collect()
    }

    /// The summation order training uses for this format unless told
    /// otherwise: its type's [`NnScalar::preferred_accumulate`] (pairwise
    /// for the bit shift, sequential for the rest).
    ///
    /// ```
    /// use lognum_nn::format::Format;
    /// use lognum_tensor::matmul::Accumulate;
    /// assert_eq!(Format::Lns16Shift.preferred_accumulate(), Accumulate::Pairwise);
    /// assert_eq!(Format::Lns16Lut.preferred_accumulate(), Accumulate::Sequential);
    /// ```
    pub fn preferred_accumulate(self) -> Accumulate {
        crate::with_format_type!(self, T => <T as NnScalar>::preferred_accumulate())
    }

    /// True for the logarithmic formats.
    ///
    /// ```
    /// use lognum_nn::format::Format;
    /// assert!(Format::Lns12Lut.is_lns() && !Format::Fixed16.is_lns());
    /// ```
    pub const fn is_lns(self) -> bool {
        matches!(
            self,
            Format::Lns16Exact
                | Format::Lns16Lut
                | Format::Lns16Interp
                | Format::Lns16Shift
                | Format::Lns16ShiftFloor
                | Format::Lns12Lut
                | Format::Lns12Shift
                | Format::Lns12ShiftFloor
                | Format::Lns16Trunc
                | Format::Lns12Interp
        )
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for Format {
    type Err = NnError;
    /// Parses a name (ASCII case-insensitive); unknown names give an error
    /// listing the valid ones.
    fn from_str(s: &str) -> Result<Self, NnError> {
        Self::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| NnError::UnknownFormat {
                name: s.to_string(),
                valid: Self::names(),
            })
    }
}
