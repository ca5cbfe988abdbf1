//! The one-byte word through its public names: `lognum::LogNum8` and the
//! `lognum::types::Lns8*` aliases, as the other crates of the workspace use
//! them.

use core::mem::size_of;

use lognum::types::{Lns8Exact, Lns8Interp, Lns8Lut, Lns8Shift};
use lognum::{Exact, LogNum8, Lut};

#[test]
fn one_byte_and_the_names_agree() {
    assert_eq!(size_of::<Lns8Lut>(), 1);
    assert_eq!(size_of::<Lns8Exact>(), 1);
    assert_eq!(size_of::<Option<[Lns8Lut; 4]>>(), 5);
    assert_eq!(size_of::<LogNum8<0>>(), 1);
    assert_eq!(size_of::<LogNum8<6, Exact>>(), 1);
    // The aliases are the default configuration at 3 fraction bits.
    let x: LogNum8<3, Lut> = Lns8Lut::from_f64(1.5);
    assert_eq!(x.to_bits(), LogNum8::<3>::from_f64(1.5).to_bits());
    assert_eq!(
        Lns8Exact::from_bits(0x45).with_approx::<Lut>(),
        Lns8Lut::from_bits(0x45)
    );
    assert_eq!(Lns8Lut::WORD_BITS, 8);
    assert_eq!(
        Lns8Lut::FRAC_NBITS + Lns8Lut::INT_NBITS + 1,
        Lns8Lut::MAG_BITS
    );
}

#[test]
fn constants_of_the_default_configuration() {
    type L = Lns8Lut;
    assert_eq!(L::BIAS, 64);
    assert_eq!(L::ONE.to_bits(), 0x40);
    assert_eq!(L::NEG_ONE.to_bits(), 0xc0);
    assert_eq!(L::MAX.to_bits(), 0x7f);
    assert_eq!(L::MIN.to_bits(), 0xff);
    // MAX = 2^(63/8), MIN_POSITIVE its reciprocal.
    assert!((L::MAX.to_f64() - 2f64.powf(7.875)).abs() < 1e-12);
    assert!((L::MIN_POSITIVE.to_f64() * L::MAX.to_f64() - 1.0).abs() < 1e-12);
    assert_eq!(L::EPSILON_LOG2, 0.125);
    // Neighbours differ by the factor 2^(1/8).
    let r = L::from_bits(0x41).to_f64() / L::ONE.to_f64();
    assert!((r - 2f64.powf(0.125)).abs() < 1e-12);
}

#[test]
fn arithmetic_in_each_approximation() {
    // Products are exact integer adds of logs in every approximation.
    assert_eq!(
        Lns8Lut::from_f64(4.0) * Lns8Lut::from_f64(-0.25),
        Lns8Lut::NEG_ONE
    );
    assert_eq!(
        Lns8Exact::from_f64(3.0) / Lns8Exact::from_f64(3.0),
        Lns8Exact::ONE
    );
    // 1 + 1 = 2: Δ+(0) = 1 is exact in every approximation.
    assert_eq!(Lns8Exact::ONE + Lns8Exact::ONE, Lns8Exact::from_f64(2.0));
    assert_eq!(Lns8Lut::ONE + Lns8Lut::ONE, Lns8Lut::from_f64(2.0));
    assert_eq!(Lns8Shift::ONE + Lns8Shift::ONE, Lns8Shift::from_f64(2.0));
    assert_eq!(Lns8Interp::ONE + Lns8Interp::ONE, Lns8Interp::from_f64(2.0));
    // Saturation and flush, not wrap-around.
    assert_eq!(Lns8Lut::MAX * Lns8Lut::MAX, Lns8Lut::MAX);
    assert_eq!(Lns8Lut::MAX + Lns8Lut::MAX, Lns8Lut::MAX);
    assert!((Lns8Lut::MIN_POSITIVE * Lns8Lut::MIN_POSITIVE).is_zero());
    assert_eq!(Lns8Lut::from_f64(1e6), Lns8Lut::MAX);
    assert_eq!(Lns8Lut::from_f64(-1e6), Lns8Lut::MIN);
    let x = Lns8Exact::from_f64(0.3);
    assert_eq!(x - x, Lns8Exact::ZERO);
    assert_eq!(x.sqrt().powi(2).to_bits().abs_diff(x.to_bits()), 0);
}

#[test]
fn text_and_checked_conversions() {
    type L = Lns8Lut;
    assert_eq!("0.5".parse::<L>().unwrap(), L::from_f64(0.5));
    assert!("1000".parse::<L>().is_err());
    assert!(L::try_from(f64::NAN).is_err());
    assert!(L::try_from(f32::INFINITY).is_err());
    assert!(L::try_from(300.0f64).is_err());
    assert_eq!(L::try_from(200.0f64), Ok(L::from_f64(200.0)));
    assert_eq!(format!("{:?}", L::NEG_ONE), "LogNum8<3>(-1 = 0xc0)");
    assert_eq!(L::from_f64(0.25).to_string(), "0.25");
}
