//! `Display`, `Debug` and `FromStr`.
//!
//! `Display` prints the shortest decimal that reads back (through `FromStr`)
//! to the same code, or, given a precision, the value at that precision.
//! `Debug` adds the raw word. `FromStr` parses a decimal or `inf`-free float
//! literal and rounds it like `from_f64`, refusing NaN, infinities and
//! overflow.
//!
//! `Display` goes through f64 for values whose `log2` lies within ±1000, and
//! `FromStr` for literals that f64 reads as normal numbers. Values beyond
//! exist only in the wide formats with few fraction bits (`WideLogNum<0>`
//! reaches `2^±(2^30)`): `Display` prints them from the log code in
//! scientific notation (`1.5e400000`), and `FromStr` reads any literal that
//! f64 cannot hold as a normal number (`1e99999`, `2e-400`) from its digits
//! and decimal exponent straight into the log domain, so a finite literal is
//! never mistaken for an infinity or a zero.

use core::fmt::{self, Write};
use core::str::FromStr;

use crate::convert::ConversionError;
use crate::math;
use crate::{LogNum, LogNum8, WideLogNum};

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

/// `log2(10)` as `HI + LO`: `HI` has 21 significant bits, so `e · HI` is
/// exact in f64 for every `|e| ≤ 2^31`, and the sum keeps about 75 bits.
const LOG2_10_HI: f64 = 1_741_647.0 / (1 << 19) as f64;
const LOG2_10_LO: f64 = 7.059537016037032e-8;
/// `log10(2)` as `HI + LO`: `HI` has 21 significant bits, so `L · HI` is
/// exact in f64 for every log code `|L| < 2^31`.
const LOG10_2_HI: f64 = 1_262_611.0 / (1 << 22) as f64;
const LOG10_2_LO: f64 = 7.508597826552624e-8;

/// `log2|x|` bounds (in log units) inside which values go through f64:
/// far from f64's subnormals (below 2^-1022) and overflow (2^1024).
const F64_LOG2_RANGE: i64 = 1000;

/// `⌊x⌋` for `|x| < 2^62` (no `std`, no `libm`).
fn floor(x: f64) -> f64 {
    let t = x as i64 as f64;
    if t > x { t - 1.0 } else { t }
}

/// A finite decimal literal `[±]digits[.digits][e[±]digits]` as its sign,
/// its first 19 significant digits `d` and a decimal exponent `e` with
/// value `d · 10^e` (further digits are dropped: a relative change below
/// 10^-18). `None` if `s` is not such a literal (`inf`, `nan`, garbage).
fn decimal(s: &str) -> Option<(bool, u64, i64)> {
    let b = s.as_bytes();
    let (neg, mut i) = match b.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let (mut digits, mut kept, mut exp10) = (0u64, 0u32, 0i64);
    let (mut seen, mut point) = (false, false);
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                seen = true;
                if digits == 0 && c == b'0' {
                    // A leading zero: only its place counts.
                    exp10 -= i64::from(point);
                } else if kept < 19 {
                    digits = digits * 10 + u64::from(c - b'0');
                    kept += 1;
                    exp10 -= i64::from(point);
                } else if !point {
                    exp10 = exp10.saturating_add(1);
                }
            }
            b'.' if !point => point = true,
            _ => break,
        }
        i += 1;
    }
    if !seen {
        return None;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        let eneg = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut e = 0i64;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            // Saturate far beyond any format's range.
            e = (e * 10 + i64::from(c - b'0')).min(1 << 40);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp10 = exp10.saturating_add(if eneg { -e } else { e });
    }
    (i == b.len()).then_some((neg, digits, exp10))
}

/// The log code `round(2^frac · log2(d · 10^e))` of a non-zero decimal,
/// saturating far outside every format's range. `log2(10)·e` is split so
/// that its integer-sized part is exact: the code is good to about 2^-16
/// of a code at every exponent.
fn decimal_log2_code(d: u64, e: i64, frac: u32) -> i64 {
    // Beyond 2^31 decimal orders every format over- or underflows.
    let e = e.clamp(-(1 << 31), 1 << 31) as f64;
    let scale = (1u64 << frac) as f64;
    let p = e * LOG2_10_HI * scale; // exact
    let whole = floor(p);
    let rest = (e * LOG2_10_LO + math::log2(d as f64)) * scale + (p - whole);
    (whole as i64).saturating_add(math::round_i64(rest))
}

/// `2^(code / 2^frac)` as `(m, e)` with `m · 10^e`, `1 ≤ m < 10` (up to the
/// last f64 ulps of `m`). The decimal log is split like in
/// [`decimal_log2_code`], so `e` is exact and `m` good to ~1e-15.
fn decimal_of_log2_code(code: i64, frac: u32) -> (f64, i64) {
    let scale = 1.0 / (1u64 << frac) as f64;
    let l = code as f64;
    let p = l * LOG10_2_HI * scale; // exact
    let whole = floor(p);
    let f = (p - whole) + l * LOG10_2_LO * scale;
    let carry = floor(f);
    let m = math::exp2((f - carry) * (LOG2_10_HI + LOG2_10_LO));
    (m, whole as i64 + carry as i64)
}

/// Writes `[-]m.ddde{e}` with `digits` fraction digits, carrying a mantissa
/// that rounds to 10 into the exponent.
fn write_scientific(
    out: &mut impl Write,
    neg: bool,
    (m, e): (f64, i64),
    digits: usize,
) -> fmt::Result {
    let sign = if neg { "-" } else { "" };
    // At most 17 digits can round 9.99… up to 10; check those on a copy.
    let mut probe = Buf {
        bytes: [0; 48],
        len: 0,
    };
    let carries =
        digits <= 17 && write!(probe, "{m:.digits$}").is_ok() && probe.as_str().starts_with("10");
    if carries {
        write!(out, "{sign}{:.digits$}e{}", m / 10.0, e + 1)
    } else {
        write!(out, "{sign}{m:.digits$}e{e}")
    }
}

macro_rules! impl_fmt {
    ($T:ident, $W:ty, $name:literal, $hexw:literal, $frac:literal) => {
        impl<const FRAC: u32, A> fmt::Display for $T<FRAC, A> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let code = self.log2_code().unwrap_or(0);
                if code.unsigned_abs() > (F64_LOG2_RANGE as u64) << FRAC {
                    return self.fmt_from_log(f, code);
                }
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

        impl<const FRAC: u32, A> $T<FRAC, A> {
            /// `Display` of a value beyond f64's range, from its log code:
            /// the shortest mantissa that reads back, or the given precision.
            fn fmt_from_log(&self, f: &mut fmt::Formatter<'_>, code: i64) -> fmt::Result {
                let neg = self.is_sign_negative();
                let dec = decimal_of_log2_code(code, FRAC);
                if let Some(p) = f.precision() {
                    return write_scientific(f, neg, dec, p);
                }
                let mut b = Buf {
                    bytes: [0; 48],
                    len: 0,
                };
                for digits in 0..=17 {
                    b.len = 0;
                    write_scientific(&mut b, neg, dec, digits)?;
                    if b.as_str()
                        .parse::<Self>()
                        .is_ok_and(|y| y.to_bits() == self.to_bits())
                    {
                        break;
                    }
                }
                f.pad(b.as_str())
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
            /// beyond `MAX` are errors. A finite literal beyond f64's range
            /// is read in the log domain: too large is `Overflow` (never
            /// `Infinite`), too small flushes to zero like `from_f64`.
            ///
            /// ```
            #[doc = concat!("use lognum::{ConversionError, ParseLogNumError, ", $name, "};")]
            #[doc = concat!("let x: ", $name, "<", $frac, "> = \" -2.5e-1 \".parse().unwrap();")]
            /// assert_eq!(x.to_f64(), -0.25);
            #[doc = concat!("let big = \"1e999999999\".parse::<", $name, "<", $frac, ">>();")]
            /// assert_eq!(big, Err(ParseLogNumError::Unrepresentable(ConversionError::Overflow)));
            /// ```
            fn from_str(s: &str) -> Result<Self, ParseLogNumError> {
                let s = s.trim();
                let v: f64 = s.parse().map_err(|_| ParseLogNumError::Invalid)?;
                if v.is_normal() || v.is_nan() {
                    return Self::try_from(v).map_err(ParseLogNumError::Unrepresentable);
                }
                // Zero, subnormal, or a finite literal f64 rounds to ±∞.
                match decimal(s) {
                    // `inf` and `infinity`: refused as before.
                    None => Self::try_from(v).map_err(ParseLogNumError::Unrepresentable),
                    Some((neg, 0, _)) => Ok(Self::from_log2_code(neg, i64::MIN)),
                    Some((neg, d, e)) => {
                        let code = decimal_log2_code(d, e, FRAC);
                        if code > Self::MAG_MASK as i64 - Self::BIAS as i64 {
                            return Err(ParseLogNumError::Unrepresentable(
                                ConversionError::Overflow,
                            ));
                        }
                        Ok(Self::from_log2_code(neg, code))
                    }
                }
            }
        }
    };
}

impl_fmt!(LogNum, u16, "LogNum", 6, 10);
impl_fmt!(WideLogNum, u32, "WideLogNum", 10, 10);
impl_fmt!(LogNum8, u8, "LogNum8", 4, 3);
