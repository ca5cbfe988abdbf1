//! `NnScalar` (and the `Scalar` it builds on) beside num-traits: generic
//! training code that imports num-traits' traits, by name or with a glob,
//! calls `T::zero()`, `T::one()`, `x.to_f64()`, `T::Wide::zero()` and the
//! methods of both traits without an ambiguity (`error[E0034]`): no method
//! of `NnScalar` or `Scalar` shares a name with one of num-traits.

use lognum::{Exact, LogNum, WideLogNum};
use lognum_nn::format::{Fixed16, Lns12Lut, Lns16Lut};

/// The traits imported by name.
mod by_name {
    use lognum_nn::NnScalar;
    use lognum_tensor::Scalar;
    use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};

    /// Exact assertions on powers of two, which every format here holds;
    /// the softmax and the SGD step, which round, within a tolerance.
    pub fn check<T: NnScalar + One + FromPrimitive + ToPrimitive + Signed>() {
        let name = T::format_name();
        let (zero, one) = (T::zero(), T::one());
        assert!(zero.is_zero() && one == T::scalar_one(), "{name}");
        let two = T::from_f64(2.0).expect("2 is a value of every format here");
        assert_eq!(two, T::from_f64_lossy(2.0), "{name}");
        assert_eq!(two.to_f64(), Some(2.0), "{name}");
        assert_eq!(two.scalar_neg().abs(), two, "{name}");
        assert!(
            two.scalar_neg().is_negative() && two.scalar_neg().is_below_zero(),
            "{name}"
        );
        // The wide type's zero and conversions, with `Zero` in scope.
        assert_eq!(T::Wide::zero().to_f64_lossy(), 0.0, "{name}");
        assert_eq!(two.widen().to_f64_lossy(), 2.0, "{name}");
        assert_eq!(T::narrow(two.widen()), two, "{name}");
        assert_eq!(T::narrow_stochastic(two.widen(), u32::MAX), two, "{name}");
        // 2 · 2^1 = 4, within the clamp; zero stays zero.
        assert_eq!(
            two.scale_pow2(1.0, 10.0, None).to_f64(),
            Some(4.0),
            "{name}"
        );
        assert_eq!(zero.scale_pow2(1.0, 10.0, None), zero, "{name}");
        assert!(!two.is_saturated(), "{name}");
        // A checkpoint word reads back as the same value.
        let mut word = Vec::new();
        two.write_word(&mut word);
        assert_eq!(word.len(), T::WORD.size(), "{name}");
        assert_eq!(T::read_word(&word), Some(two), "{name}");
        // Two equal logits: one half each.
        let mut p = [zero; 2];
        T::softmax(&[one, one], &mut p);
        for p in p {
            let p = p.to_f64().expect("a finite probability");
            assert!((p - 0.5).abs() < 0.01, "{name}: {p}");
        }
        // w = 2, g = 2, eta = 0.5: the master weight moves to 1.
        let eta = <T::Wide as Scalar>::from_f64_lossy(0.5);
        let mut master = [two.widen()];
        let mut w = [two];
        T::sgd_master_step(eta, &[two], &mut master, &mut w);
        let w = w[0].to_f64().expect("a finite weight");
        assert!((w - 1.0).abs() < 0.01, "{name}: {w}");
    }
}

/// Every trait of num-traits' root imported with a glob.
mod glob {
    use lognum_nn::NnScalar;
    use lognum_tensor::Scalar;
    use num_traits::*;

    /// For the formats with `Num`, `Signed` and the conversions.
    pub fn check_num<T: NnScalar + Num + Signed + FromPrimitive + ToPrimitive>() {
        let name = T::format_name();
        let two = T::one() + T::one();
        assert_eq!(T::Wide::zero().to_f64_lossy(), 0.0, "{name}");
        assert_eq!(two.to_f64(), Some(2.0), "{name}");
        assert_eq!(T::from_f64(-2.0).map(|x| x.abs()), Some(two), "{name}");
        assert_eq!(T::narrow(two.widen()), two, "{name}");
        // Exact for the linear formats; the LNS ones round 2.25 (to 20
        // fraction bits of the log) before halving the log.
        let r = T::wide_sqrt(<T::Wide as Scalar>::from_f64_lossy(2.25)).to_f64_lossy();
        assert!((r - 1.5).abs() < 1e-5, "{name}: {r}");
    }

    /// For the IEEE formats: `Float`'s methods beside `NnScalar`'s.
    pub fn check_float<T: NnScalar + Float>() {
        let name = T::format_name();
        let x = T::from_f64_lossy(-2.0);
        assert_eq!(x.to_f64(), Some(-2.0), "{name}");
        assert_eq!(x.abs(), T::one() + T::one(), "{name}");
        assert_eq!(T::nan().max(x), x, "{name}");
        assert!(!T::max_value().is_saturated(), "{name}");
        assert_eq!(T::narrow(x.widen()), x, "{name}");
    }
}

#[test]
fn named_num_traits_and_nn_scalar() {
    by_name::check::<f32>();
    by_name::check::<f64>();
    by_name::check::<Fixed16>();
    by_name::check::<Lns16Lut>();
    by_name::check::<LogNum<10, Exact>>();
    by_name::check::<Lns12Lut>();
    by_name::check::<WideLogNum<20>>();
}

#[test]
fn glob_imported_num_traits_and_nn_scalar() {
    glob::check_num::<f32>();
    glob::check_num::<Fixed16>();
    glob::check_num::<Lns16Lut>();
    glob::check_num::<WideLogNum<20>>();
    glob::check_float::<f32>();
    glob::check_float::<f64>();
    glob::check_float::<half::f16>();
    glob::check_float::<half::bf16>();
}
