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
/// The LNS formats are [`lognum::types`]' aliases.
pub use lognum::types::{
    Lns12Interp, Lns12Lut, Lns12Shift, Lns12ShiftFloor, Lns16Exact, Lns16Interp, Lns16Lut,
    Lns16Shift, Lns16ShiftFloor, Lns16Trunc,
};

/// The one table of formats: variant, name, type alias, whether it is LNS.
/// Passes the rows to `$callback!`, after `$($args)*;`. Everything that
/// lists formats ([`Format`], [`Format::ALL`], [`Format::name`],
/// [`Format::is_lns`], [`with_format_type!`](crate::with_format_type)) is
/// generated from it; a new trainable format is one row here.
#[doc(hidden)]
#[macro_export]
macro_rules! __format_table {
    ($callback:ident; $($args:tt)*) => {
        $crate::$callback! { $($args)*;
            (F32, "f32", F32, false),
            (F64, "f64", F64, false),
            (Bf16, "bf16", Bf16, false),
            (F16, "f16", F16, false),
            (Fixed16, "fixed16", Fixed16, false),
            (Lns16Exact, "lns16-exact", Lns16Exact, true),
            (Lns16Lut, "lns16-lut", Lns16Lut, true),
            (Lns16Interp, "lns16-interp", Lns16Interp, true),
            (Lns16Trunc, "lns16-trunc", Lns16Trunc, true),
            (Lns16Shift, "lns16-shift", Lns16Shift, true),
            (Lns16ShiftFloor, "lns16-shift-floor", Lns16ShiftFloor, true),
            (Lns12Lut, "lns12-lut", Lns12Lut, true),
            (Lns12Shift, "lns12-shift", Lns12Shift, true),
            (Lns12ShiftFloor, "lns12-shift-floor", Lns12ShiftFloor, true),
            (Lns12Interp, "lns12-interp", Lns12Interp, true)
        }
    };
}

/// The match of [`with_format_type!`](crate::with_format_type), generated
/// from the table.
#[doc(hidden)]
#[macro_export]
macro_rules! __with_format_type_arms {
    ($format:expr, $t:ident, $body:expr;
     $(($variant:ident, $name:literal, $alias:ident, $lns:literal)),* $(,)?) => {
        match $format {
            $($crate::format::Format::$variant => {
                type $t = $crate::format::$alias;
                $body
            })*
        }
    };
}

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
    ($format:expr, $t:ident => $body:expr) => {
        $crate::__format_table!(__with_format_type_arms; $format, $t, $body)
    };
}

/// The enum and its tables, generated from the table.
#[doc(hidden)]
#[macro_export]
macro_rules! __define_formats {
    (; $(($variant:ident, $name:literal, $alias:ident, $lns:literal)),* $(,)?) => {
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
            $(
                #[doc = concat!("`", $name, "`: [`", stringify!($alias), "`].")]
                $variant,
            )*
        }

        impl Format {
            /// Every format, in the order of the table in the module docs.
            ///
            /// ```
            /// assert_eq!(lognum_nn::format::Format::ALL.len(), 15);
            /// ```
            pub const ALL: [Format; [$($name),*].len()] = [$(Format::$variant),*];

            /// The format's name, as parsed by `FromStr` and recorded in
            /// reports and checkpoints.
            ///
            /// ```
            /// assert_eq!(lognum_nn::format::Format::Fixed16.name(), "fixed16");
            /// ```
            pub const fn name(self) -> &'static str {
                match self {
                    $(Format::$variant => $name,)*
                }
            }

            /// True for the logarithmic formats.
            ///
            /// ```
            /// use lognum_nn::format::Format;
            /// assert!(Format::Lns12Lut.is_lns() && !Format::Fixed16.is_lns());
            /// ```
            pub const fn is_lns(self) -> bool {
                match self {
                    $(Format::$variant => $lns,)*
                }
            }
        }
    };
}

__format_table!(__define_formats;);

impl Format {
    /// Every valid name.
    ///
    /// ```
    /// assert!(lognum_nn::format::Format::names().contains(&"lns12-shift"));
    /// ```
    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|f| f.name()).collect()
    }

    /// The format whose type is `T`, if `T` is one of the table's.
    ///
    /// ```
    /// use lognum_nn::format::{Format, Lns16Trunc};
    /// assert_eq!(Format::of::<Lns16Trunc>(), Some(Format::Lns16Trunc));
    /// assert_eq!(Format::of::<lognum::LogNum<8>>(), None);
    /// ```
    pub fn of<T: 'static>() -> Option<Format> {
        let id = std::any::TypeId::of::<T>();
        Self::ALL
            .into_iter()
            .find(|&f| crate::with_format_type!(f, U => std::any::TypeId::of::<U>() == id))
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
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for Format {
    type Err = NnError;
    /// Parses a name (ASCII case-insensitive); unknown names give an error
    /// listing the valid ones. `lns16-lut-trunc`, the name earlier versions
    /// wrote for `lns16-trunc`, is read as that.
    fn from_str(s: &str) -> Result<Self, NnError> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("lns16-lut-trunc") {
            return Ok(Format::Lns16Trunc);
        }
        Self::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| NnError::UnknownFormat {
                name: s.to_string(),
                valid: Self::names(),
            })
    }
}

/// Any trainable format: a word type of [`Format`], or a one-byte format
/// with per-tensor scales ([`Lns8Format`](crate::lns8::Lns8Format), trained
/// by [`lns8`](crate::lns8)). [`train_format`](crate::train::train_format)
/// takes either.
///
/// ```
/// use lognum_nn::format::{Format, TrainFormat};
/// use lognum_nn::lns8::Lns8Format;
/// assert_eq!("lns8-lut".parse::<TrainFormat>()?, TrainFormat::Scaled8(Lns8Format::Lut));
/// assert_eq!("f32".parse::<TrainFormat>()?, TrainFormat::Word(Format::F32));
/// assert_eq!(TrainFormat::ALL.len(), Format::ALL.len() + Lns8Format::ALL.len());
/// let err = "lns4".parse::<TrainFormat>().unwrap_err().to_string();
/// assert!(err.contains("lns8-exact") && err.contains("fixed16"));
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TrainFormat {
    /// A format with a number type of its own.
    Word(Format),
    /// A one-byte LNS format with per-tensor scales.
    Scaled8(crate::lns8::Lns8Format),
}

impl TrainFormat {
    /// Every trainable format: [`Format::ALL`], then the one-byte formats.
    pub const ALL: [TrainFormat; Format::ALL.len() + crate::lns8::Lns8Format::ALL.len()] = {
        let mut all = [TrainFormat::Word(Format::F32);
            Format::ALL.len() + crate::lns8::Lns8Format::ALL.len()];
        let mut i = 0;
        while i < Format::ALL.len() {
            all[i] = TrainFormat::Word(Format::ALL[i]);
            i += 1;
        }
        let mut j = 0;
        while j < crate::lns8::Lns8Format::ALL.len() {
            all[i + j] = TrainFormat::Scaled8(crate::lns8::Lns8Format::ALL[j]);
            j += 1;
        }
        all
    };

    /// The name, as parsed and reported.
    ///
    /// ```
    /// use lognum_nn::format::{Format, TrainFormat};
    /// assert_eq!(TrainFormat::from(Format::Lns12Lut).name(), "lns12-lut");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            TrainFormat::Word(f) => f.name(),
            TrainFormat::Scaled8(f) => f.name(),
        }
    }

    /// Every valid name.
    ///
    /// ```
    /// assert!(lognum_nn::format::TrainFormat::names().contains(&"lns8-lut"));
    /// ```
    pub fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|f| f.name()).collect()
    }

    /// True for the logarithmic formats.
    ///
    /// ```
    /// use lognum_nn::format::TrainFormat;
    /// assert!(TrainFormat::ALL.iter().filter(|f| f.name().starts_with("lns")).all(|f| f.is_lns()));
    /// ```
    pub const fn is_lns(self) -> bool {
        match self {
            TrainFormat::Word(f) => f.is_lns(),
            TrainFormat::Scaled8(_) => true,
        }
    }

    /// The word format, if this is one.
    ///
    /// ```
    /// use lognum_nn::format::{Format, TrainFormat};
    /// assert_eq!(TrainFormat::from(Format::F64).word(), Some(Format::F64));
    /// assert_eq!("lns8-exact".parse::<TrainFormat>()?.word(), None);
    /// # Ok::<(), lognum_nn::NnError>(())
    /// ```
    pub const fn word(self) -> Option<Format> {
        match self {
            TrainFormat::Word(f) => Some(f),
            TrainFormat::Scaled8(_) => None,
        }
    }
}

impl From<Format> for TrainFormat {
    fn from(f: Format) -> Self {
        TrainFormat::Word(f)
    }
}

impl From<crate::lns8::Lns8Format> for TrainFormat {
    fn from(f: crate::lns8::Lns8Format) -> Self {
        TrainFormat::Scaled8(f)
    }
}

impl fmt::Display for TrainFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for TrainFormat {
    type Err = NnError;
    /// A name of [`Format`] or of the one-byte formats; unknown names give
    /// an error listing every valid one.
    fn from_str(s: &str) -> Result<Self, NnError> {
        s.parse::<Format>()
            .map(TrainFormat::Word)
            .or_else(|_| s.parse().map(TrainFormat::Scaled8))
            .map_err(|_| NnError::UnknownFormat {
                name: s.trim().to_string(),
                valid: Self::names(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every format's type reports the table's name at run time (in
    /// reports and checkpoints), and the name parses back to the format.
    #[test]
    fn run_time_names_are_the_table_names() {
        for f in Format::ALL {
            let name = crate::with_format_type!(f, T => <T as NnScalar>::format_name());
            assert_eq!(name, f.name());
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
            assert_eq!(crate::with_format_type!(f, T => Format::of::<T>()), Some(f));
        }
        assert_eq!(Format::ALL.iter().filter(|f| f.is_lns()).count(), 10);
    }
}
