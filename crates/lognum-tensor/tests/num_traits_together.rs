//! `Scalar` beside num-traits: generic code that imports num-traits' traits,
//! by name or with a glob, calls `T::zero()`, `T::one()`, `x.to_f64()` and
//! `Scalar`'s own methods without an ambiguity (`error[E0034]`), and each
//! call reaches the trait that has the name: num-traits' conversions return
//! an `Option`, `Scalar`'s `*_lossy` ones the value; `Float::max` ignores a
//! NaN, `scalar_max` keeps `self`; `Signed::is_negative` and
//! `Float::is_sign_negative` see the sign of `-0.0`, `is_below_zero` does not.

use fixed::types::I5F11;
use half::{bf16, f16};
use lognum::{Exact, LogNum, WideLogNum};

/// The traits imported by name.
mod by_name {
    use lognum_tensor::Scalar;
    use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};

    /// Values that every type here holds exactly (powers of two, and sums
    /// with zero), so that each assertion is exact for every type.
    pub fn check<T: Scalar + One + FromPrimitive + ToPrimitive + Signed>() {
        let name = T::name();
        let (zero, one) = (T::zero(), T::one());
        assert!(zero.is_zero() && !one.is_zero(), "{name}");
        assert_eq!(<T as Zero>::zero(), zero, "{name}");
        assert_eq!(one, T::scalar_one(), "{name}");
        // ToPrimitive's `to_f64` is an Option, Scalar's `to_f64_lossy` the value.
        assert_eq!(one.to_f64(), Some(1.0), "{name}");
        assert_eq!(one.to_f64_lossy(), 1.0, "{name}");
        let two = T::from_f64(2.0).expect("2 is a value of every type here");
        assert_eq!(two, T::from_f64_lossy(2.0), "{name}");
        assert_eq!(two, T::from_f32_lossy(2.0), "{name}");
        let four = two.scalar_mul(two);
        assert_eq!(four.to_f64(), Some(4.0), "{name}");
        assert_eq!(four.to_f32_lossy(), 4.0, "{name}");
        assert_eq!(two.scalar_add(zero), two, "{name}");
        assert_eq!(four.scalar_sub(zero), four, "{name}");
        let minus_half = one.scalar_div(two).scalar_neg();
        assert_eq!(minus_half.to_f64(), Some(-0.5), "{name}");
        // Signed's methods next to Scalar's.
        assert!(
            minus_half.is_negative() && minus_half.is_below_zero(),
            "{name}"
        );
        assert!(!zero.is_negative() && !zero.is_below_zero(), "{name}");
        assert_eq!(minus_half.abs(), one.scalar_div(two), "{name}");
        assert_eq!(minus_half.signum(), one.scalar_neg(), "{name}");
        assert_eq!(two.scalar_max(minus_half), two, "{name}");
        assert_eq!(minus_half.scalar_max(two), two, "{name}");
        assert_eq!(one.mul_pow2(3).to_f64_lossy(), 8.0, "{name}");
        // 0 + 2·2 + 1·0.
        assert_eq!(T::dot(&[two, one], &[two, zero]), four, "{name}");
        let mut c = [zero];
        T::gemm(1, 2, 1, &[two, one], &[two, zero], &mut c);
        assert_eq!(c, [four], "{name}");
        // A value the type may round: both conversions read the same value.
        let third = T::from_f64_lossy(1.0 / 3.0);
        assert_eq!(third.to_f64(), Some(third.to_f64_lossy()), "{name}");
    }
}

/// Every trait of num-traits' root imported with a glob.
mod glob {
    use lognum_tensor::Scalar;
    use num_traits::*;

    /// For every type with `Num`, `Signed` and the conversions (the floats,
    /// `LogNum`, fixed point with a one).
    pub fn check_num<T: Scalar + Num + Signed + Bounded + FromPrimitive + ToPrimitive>() {
        let name = T::name();
        let two = T::one() + T::one();
        assert_eq!(T::zero() + T::one(), T::one(), "{name}");
        assert_eq!(two.to_f64(), Some(2.0), "{name}");
        assert_eq!(two.to_f64_lossy(), 2.0, "{name}");
        assert_eq!(T::from_f64(-2.0).map(|x| x.abs()), Some(two), "{name}");
        assert_eq!(T::from_f64_lossy(-2.0).scalar_neg(), two, "{name}");
        assert!(T::max_value().scalar_max(two) == T::max_value(), "{name}");
        assert_eq!(T::zero().scalar_max(T::min_value()), T::zero(), "{name}");
    }

    /// For the IEEE types: `Float`'s methods beside `Scalar`'s.
    pub fn check_float<T: Scalar + Float>() {
        let name = T::name();
        let x = T::from_f64_lossy(-2.0);
        assert_eq!(x.to_f64(), Some(-2.0), "{name}");
        assert_eq!(x.to_f64_lossy(), -2.0, "{name}");
        assert_eq!(x.abs(), T::one() + T::one(), "{name}");
        assert_eq!(x.mul_add(x, T::one()), T::from_f64_lossy(5.0), "{name}");
        // Float's max ignores a NaN; Scalar's keeps `self` unless `rhs > self`.
        assert_eq!(T::nan().max(x), x, "{name}");
        assert!(T::nan().scalar_max(x).is_nan(), "{name}");
        assert_eq!(x.scalar_max(T::nan()), x, "{name}");
        // -0.0: a negative sign, not below zero.
        let neg_zero = T::neg_zero();
        assert!(
            neg_zero.is_sign_negative() && !neg_zero.is_below_zero(),
            "{name}"
        );
        assert!(x.is_sign_negative() && x.is_below_zero(), "{name}");
        assert_eq!(x.scalar_mul(x).sqrt(), T::one() + T::one(), "{name}");
    }
}

#[test]
fn named_num_traits_and_scalar() {
    by_name::check::<f32>();
    by_name::check::<f64>();
    by_name::check::<I5F11>();
    by_name::check::<LogNum<10>>();
    by_name::check::<LogNum<10, Exact>>();
    by_name::check::<LogNum<6>>();
    by_name::check::<WideLogNum<20>>();
}

#[test]
fn glob_imported_num_traits_and_scalar() {
    glob::check_num::<f32>();
    glob::check_num::<f64>();
    glob::check_num::<I5F11>();
    glob::check_num::<LogNum<10>>();
    glob::check_num::<WideLogNum<20>>();
    glob::check_float::<f32>();
    glob::check_float::<f64>();
    glob::check_float::<f16>();
    glob::check_float::<bf16>();
}
