//! The `from_str` target: arbitrary text through `FromStr`.

use lognum::{LogNum, WideLogNum};

/// Arbitrary text through `FromStr` for three formats: no panics; what parses
/// prints back to text that parses to the same word, and agrees with f64's
/// parser and `from_f64`.
pub fn from_str(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    check_parse::<LogNum<10>>(text);
    check_parse::<LogNum<6>>(text);
    check_parse::<WideLogNum<20>>(text);
}

/// What the text checks need of a format.
trait Parsed: core::str::FromStr + core::fmt::Display + core::fmt::Debug + Copy {
    fn bits(self) -> u64;
    fn from_f64(x: f64) -> Self;
}

impl<const F: u32, A> Parsed for LogNum<F, A> {
    fn bits(self) -> u64 {
        self.to_bits().into()
    }
    fn from_f64(x: f64) -> Self {
        LogNum::from_f64(x)
    }
}

impl<const F: u32, A> Parsed for WideLogNum<F, A> {
    fn bits(self) -> u64 {
        self.to_bits().into()
    }
    fn from_f64(x: f64) -> Self {
        WideLogNum::from_f64(x)
    }
}

fn check_parse<T: Parsed>(text: &str) {
    let f = text.trim().parse::<f64>();
    match text.parse::<T>() {
        Ok(v) => {
            // Only what f64 accepts, and to the same rounding.
            let f = f.unwrap_or_else(|_| panic!("{text:?} parsed as {v:?} but not as f64"));
            assert!(f.is_finite(), "{text:?} is not finite but parsed as {v:?}");
            assert_eq!(v.bits(), T::from_f64(f).bits(), "{text:?}");
            let shown = v.to_string();
            match shown.parse::<T>() {
                Ok(w) => assert_eq!(w.bits(), v.bits(), "{text:?} -> {v:?} -> {shown:?}"),
                Err(_) => panic!("{text:?} -> {v:?} -> {shown:?} does not parse"),
            }
        }
        Err(_) => {
            // Refused: invalid text, NaN, infinity, or a value that
            // `from_f64` would saturate; never one in range.
            if let Ok(f) = f
                && f.is_finite()
            {
                let m = T::from_f64(f).bits();
                let (max, min) = (T::from_f64(f64::INFINITY), T::from_f64(f64::NEG_INFINITY));
                assert!(m == max.bits() || m == min.bits(), "{text:?} ({f}) refused");
            }
        }
    }
}
