//! `Display`, `Debug` and `FromStr`.
//!
//! `Display` prints the shortest decimal that reads back (through `FromStr`)
//! to the same code, or, given a precision, the f64 value at that precision.
//! `Debug` adds the raw word. `FromStr` parses a decimal or `inf`-free float
//! literal and rounds it like `from_f64`, refusing NaN, infinities and
//! overflow.

use core::fmt::{self, Write};
use core::str::FromStr;

use crate::convert::ConversionError;
use crate::{LogNum, WideLogNum};

/// Why a string did not parse as a logarithmic number.
///
/// ```
/// use lognum::{LogNum, ParseLogNumError};
/// assert!("abc".parse::<LogNum<10>>().is_err());
/// assert!("nan".parse::<LogNum<10>>().is_err());
/// assert_eq!("0.5".parse::<LogNum<10>>().unwrap().to_f64(), 0.5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParseLogNumError {
    /// The text is not a decimal number.
    Invalid,
    /// The number is NaN, infinite or beyond the format's range.
    Unrepresentable(ConversionError),
}

impl fmt::Display for ParseLogNumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid => f.write_str("invalid number literal"),
            Self::Unrepresentable(e) => write!(f, "unrepresentable number: {e}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ParseLogNumError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Invalid => None,
            Self::Unrepresentable(e) => Some(e),
        }
    }
}

/// A fixed stack buffer for formatting without allocation.
struct Buf {
    bytes: [u8; 48],
    len: usize,
}

impl Write for Buf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        if end > self.bytes.len() {
            return Err(fmt::Error);
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl Buf {
    fn as_str(&self) -> &str {
        // Only whole `&str`s are ever written.
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

/// The shortest f64 (in significant decimal digits) for which `same(v)` holds.
fn shortest(v: f64, same: impl Fn(f64) -> bool) -> f64 {
    for digits in 0..17 {
        let mut b = Buf {
            bytes: [0; 48],
            len: 0,
        };
        if write!(b, "{v:.digits$e}").is_err() {
            break;
        }
        if let Ok(c) = b.as_str().parse::<f64>()
            && same(c)
        {
            return c;
        }
    }
    v
}

macro_rules! impl_fmt {
    ($T:ident, $W:ty, $name:literal, $hexw:literal) => {
        impl<const FRAC: u32, A> fmt::Display for $T<FRAC, A> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let v = self.to_f64();
                if f.precision().is_some() {
                    return fmt::Display::fmt(&v, f);
                }
                let bits = self.to_bits();
                // Judge candidates by what `FromStr` will do with them: the
                // lossy `from_f64` would accept a short decimal above `MAX`
                // (it saturates) that `FromStr` then refuses as overflow.
                let short = shortest(v, |c| Self::try_from(c).is_ok_and(|y| y.to_bits() == bits));
                fmt::Display::fmt(&short, f)
            }
        }

        impl<const FRAC: u32, A> fmt::Debug for $T<FRAC, A> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "{}<{}>({} = {:#0w$x})",
                    $name,
                    FRAC,
                    self,
                    self.to_bits(),
                    w = $hexw
                )
            }
        }

        impl<const FRAC: u32, A> FromStr for $T<FRAC, A> {
            type Err = ParseLogNumError;

            /// Parses a decimal float literal (surrounding whitespace allowed)
            /// and rounds it to the nearest code; NaN, infinities and values
            /// beyond `MAX` are errors.
            ///
            /// ```
            #[doc = concat!("use lognum::", $name, ";")]
            #[doc = concat!("let x: ", $name, "<10> = \" -2.5e-1 \".parse().unwrap();")]
            /// assert_eq!(x.to_f64(), -0.25);
            /// ```
            fn from_str(s: &str) -> Result<Self, ParseLogNumError> {
                let v: f64 = s.trim().parse().map_err(|_| ParseLogNumError::Invalid)?;
                Self::try_from(v).map_err(ParseLogNumError::Unrepresentable)
            }
        }
    };
}

impl_fmt!(LogNum, u16, "LogNum", 6);
impl_fmt!(WideLogNum, u32, "WideLogNum", 10);
