//! The numeric trait every tensor element implements, with its kernel hooks.

use core::fmt::Debug;
use core::ops::{Add, Div, Mul, Neg, Sub};

use fixed::types::extra::{LeEqU16, LeEqU32};
use fixed::{FixedI16, FixedI32};
use half::{bf16, f16};
use lognum::{LogAdd, LogNum, WideLogNum};

use crate::fixed_mac;
use crate::matmul::{self, Accumulate};

/// A tensor element: arithmetic with the type's own rounding and saturation,
/// conversions through f64, and kernel hooks a type may override with a fast
/// path.
///
/// # What comes from where
///
/// `Scalar` is meant to be used beside num-traits: no method of its own
/// shares a name with a method of num-traits (`Zero`, `One`, `Num`,
/// `NumCast`, `FromPrimitive`, `ToPrimitive`, `Float`, `Real`, `Signed`,
/// `Bounded`, `Pow`, `MulAdd`, `Inv`, the `Checked*`, `Saturating*` and
/// `Wrapping*` traits) or of `core::ops`, so `T::zero()`, `x.to_f64()` or
/// `x.abs()` resolve to the one trait that has them when those traits are
/// in scope (`use num_traits::*;`) or in the bounds (`T: Scalar + Float`).
///
/// - **Supertraits, no method of its own:** zero is [`num_traits::Zero`]'s
///   (`T::zero()`, `x.is_zero()`), and `+ − · / −x` are each type's
///   `core::ops` operators. Every implementor has them.
/// - **`One` is not a supertrait:** `fixed` implements it only where one is
///   a value of the type, and the Q15/Q16 formats `FixedI16<U15>` and
///   `FixedI16<U16>` (likewise `FixedI32<U31>`, `FixedI32<U32>`) are
///   tensor elements without a one. [`scalar_one`](Self::scalar_one) is one,
///   or the value nearest it; generic code that needs num-traits' `T::one()`
///   adds `T: One` to its bounds (every float and [`LogNum`] has it).
/// - **`scalar_*` arithmetic:** `scalar_add`, `scalar_sub`, `scalar_mul`,
///   `scalar_div`, `scalar_neg` and `scalar_max` are the arithmetic every
///   generic kernel of this workspace uses. For the floats and for
///   [`LogNum`] they *are* the operators (the trait's defaults, the same
///   code: `x.scalar_mul(y)` is `x * y`, `x.scalar_add(y)` for `LogNum` is
///   `x + y`, its log-add approximation). Fixed point overrides them:
///   its operators wrap on overflow in release builds and panic in debug
///   builds, `/` panics on a zero divisor, and `*` and `/` drop the low
///   bits, while `scalar_*` saturate, round to nearest and never panic (see
///   the `FixedI16` implementation). So generic code
///   that must compute the same thing for every type calls `scalar_*`; the
///   operators are each type's own. `scalar_max` is not `Float::max` (which
///   ignores a NaN) nor `Ord::max`: it returns `self` unless `rhs > self`.
/// - **`*_lossy` conversions:** [`from_f64_lossy`](Self::from_f64_lossy) and
///   [`to_f64_lossy`](Self::to_f64_lossy) (and the f32 pair) never fail:
///   they round and saturate, and NaN becomes zero for types without NaN,
///   where num-traits' `FromPrimitive::from_f64` and `ToPrimitive::to_f64`
///   return an `Option`.
/// - [`is_below_zero`](Self::is_below_zero) is `x < 0`: false for `-0.0`,
///   unlike `Signed::is_negative` and `Float::is_sign_negative`.
/// - [`mul_pow2`](Self::mul_pow2), [`name`](Self::name) and the kernel hooks
///   [`gemm`](Self::gemm), [`gemm_with`](Self::gemm_with) and
///   [`dot`](Self::dot) have no namesake in num-traits.
///
/// ```
/// use lognum::{Exact, LogNum};
/// use lognum_tensor::Scalar;
/// use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};
///
/// // `T::zero()`, `T::one()`, `T::from_f64`, `x.to_f64()` and `x.abs()` are
/// // num-traits'; the `scalar_*` arithmetic and `to_f64_lossy` are `Scalar`'s.
/// fn axpy<T>(a: f64, x: &[T]) -> (f64, f64)
/// where
///     T: Scalar + One + FromPrimitive + ToPrimitive + Signed,
/// {
///     let a = T::from_f64(a).expect("in range"); // an Option
///     let mut y = T::zero();
///     for &x in x {
///         y = a.scalar_mul(x).scalar_add(y);
///     }
///     let abs = y.abs().to_f64().expect("finite"); // an Option
///     (abs, y.scalar_add(T::one()).to_f64_lossy())
/// }
/// assert_eq!(axpy(2.0, &[1.0f32, -3.0]), (4.0, -3.0));
/// // LNS sums round: with `Exact`, to the code nearest the true log.
/// type L = LogNum<10, Exact>;
/// let x = [L::from_f64_lossy(1.0), L::from_f64_lossy(-3.0)];
/// let (abs, plus_one) = axpy(2.0, &x);
/// assert!((abs - 4.0).abs() < 0.01 && (plus_one + 3.0).abs() < 0.01);
/// ```
pub trait Scalar:
    Copy
    + Default
    + Debug
    + PartialEq
    + PartialOrd
    + Send
    + Sync
    + 'static
    + num_traits::Zero
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    /// A short name for tables, e.g. `"f32"` or `"lns16-lut"`.
    fn name() -> String;
    /// One, or the value nearest it (the largest value for fixed-point
    /// formats with no integer bits, which have no one).
    fn scalar_one() -> Self;
    /// The nearest value (saturating; NaN becomes zero for types without NaN).
    fn from_f64_lossy(x: f64) -> Self;
    /// The value as an f64.
    fn to_f64_lossy(self) -> f64;
    /// The nearest value to an f32.
    #[inline]
    fn from_f32_lossy(x: f32) -> Self {
        Self::from_f64_lossy(x as f64)
    }
    /// The value as an f32.
    #[inline]
    fn to_f32_lossy(self) -> f32 {
        self.to_f64_lossy() as f32
    }
    /// `self + rhs`, saturating where the type can overflow; the default is
    /// the `+` operator.
    #[inline]
    fn scalar_add(self, rhs: Self) -> Self {
        self + rhs
    }
    /// `self − rhs`, saturating where the type can overflow; the default is
    /// the `-` operator.
    #[inline]
    fn scalar_sub(self, rhs: Self) -> Self {
        self - rhs
    }
    /// `self · rhs`, rounded to nearest and saturating where the type can
    /// overflow; the default is the `*` operator.
    #[inline]
    fn scalar_mul(self, rhs: Self) -> Self {
        self * rhs
    }
    /// `self / rhs` (the type's rule for division by zero); the default is
    /// the `/` operator.
    #[inline]
    fn scalar_div(self, rhs: Self) -> Self {
        self / rhs
    }
    /// `−self`, saturating where the type can overflow; the default is the
    /// unary `-` operator.
    #[inline]
    fn scalar_neg(self) -> Self {
        -self
    }
    /// `self · 2^k`; exact for LNS (an add to the log) and for floats in range.
    #[inline]
    fn mul_pow2(self, k: i32) -> Self {
        self.scalar_mul(Self::from_f64_lossy((k as f64).exp2()))
    }
    /// The larger of the two: `rhs` if `rhs > self`, else `self` (on ties,
    /// and when the two are unordered, a NaN being involved).
    #[inline]
    fn scalar_max(self, rhs: Self) -> Self {
        if rhs > self { rhs } else { self }
    }
    /// True if the value is below zero (`self < 0`; false for `-0.0`).
    #[inline]
    fn is_below_zero(self) -> bool {
        self < Self::zero()
    }

    /// Kernel hook: `c = a · b` for row-major `a` (m×k), `b` (k×n) and `c`
    /// (m×n), overwriting `c`. The default is the generic triple loop, adding
    /// the `k` products of each output left to right starting from zero.
    fn gemm(m: usize, k: usize, n: usize, a: &[Self], b: &[Self], c: &mut [Self]) {
        matmul::gemm_generic(m, k, n, a, b, c);
    }

    /// Kernel hook: `c = a · b` summed in the order `acc` describes (see
    /// [`matmul`]). The default sends
    /// [`Accumulate::Sequential`] to [`gemm`](Self::gemm) and the other
    /// orders to the generic kernels; `LogNum` sends every order to its LNS
    /// kernels.
    ///
    /// ```
    /// use lognum_tensor::{Scalar, matmul::Accumulate};
    /// let (a, b) = ([1.0f32, 2.0], [3.0f32, 4.0]);
    /// let mut c = [0.0f32];
    /// f32::gemm_with(Accumulate::Wide, 1, 2, 1, &a, &b, &mut c);
    /// assert_eq!(c, [11.0]);
    /// ```
    fn gemm_with(
        acc: Accumulate,
        m: usize,
        k: usize,
        n: usize,
        a: &[Self],
        b: &[Self],
        c: &mut [Self],
    ) {
        match acc {
            Accumulate::Sequential => Self::gemm(m, k, n, a, b, c),
            Accumulate::Blocked(kb) => matmul::gemm_generic_blocked(m, k, n, a, b, c, kb),
            Accumulate::Pairwise => matmul::gemm_generic_pairwise(m, k, n, a, b, c),
            Accumulate::Wide => matmul::gemm_generic_wide(m, k, n, a, b, c),
        }
    }

    /// Kernel hook: `acc[i] = acc[i] + x[i]` ([`scalar_add`](Self::scalar_add))
    /// for every `i`. The default is that loop; `LogNum` runs its vector
    /// add kernel ([`elementwise::add`](crate::elementwise::add)), which gives
    /// the same bits. A sum of rows taken row by row into `acc` adds each
    /// column left to right, as a fold down the column does.
    ///
    /// ```
    /// use lognum::LogNum;
    /// use lognum_tensor::Scalar;
    /// let mut acc = [LogNum::<10>::from_f64(1.0), LogNum::from_f64(-2.0)];
    /// LogNum::add_assign_slice(&mut acc, &[LogNum::from_f64(1.0), LogNum::from_f64(2.0)]);
    /// assert_eq!(acc.map(|v| v.to_f64()), [2.0, 0.0]); // Δ+(0) = 1; exact cancellation
    /// ```
    ///
    /// # Panics
    ///
    /// If the slices differ in length.
    fn add_assign_slice(acc: &mut [Self], x: &[Self]) {
        assert_eq!(acc.len(), x.len(), "slice lengths differ");
        for (a, &b) in acc.iter_mut().zip(x) {
            *a = a.scalar_add(b);
        }
    }

    /// Kernel hook: the dot product of two equal-length slices, left to right
    /// from zero.
    #[inline]
    fn dot(a: &[Self], b: &[Self]) -> Self {
        a.iter().zip(b).fold(Self::zero(), |acc, (&x, &y)| {
            acc.scalar_add(x.scalar_mul(y))
        })
    }
}

macro_rules! impl_float {
    ($t:ty, $name:literal, $from:expr, $to:expr $(, $gemm:path)?) => {
        impl Scalar for $t {
            fn name() -> String {
                $name.into()
            }
            #[inline]
            fn scalar_one() -> Self {
                $from(1.0)
            }
            #[inline]
            fn from_f64_lossy(x: f64) -> Self {
                $from(x)
            }
            #[inline]
            fn to_f64_lossy(self) -> f64 {
                $to(self)
            }
            // The `scalar_*` arithmetic is the trait's default: IEEE's
            // operators.
            $(
                fn gemm(m: usize, k: usize, n: usize, a: &[Self], b: &[Self], c: &mut [Self]) {
                    $gemm(m, k, n, a, b, c);
                }
            )?
        }
    };
}

impl_float!(f64, "f64", |x| x, |x| x, matmul::gemm_f64);
impl_float!(f16, "f16", f16::from_f64, f16::to_f64);
impl_float!(bf16, "bf16", bf16::from_f64, bf16::to_f64);

impl_float!(
    f32,
    "f32",
    |x| x as f32,
    |x: f32| x as f64,
    matmul::gemm_f32
);

macro_rules! impl_fixed {
    ($F:ident, $Le:ident, $name:literal, $mac:ident, $doc:literal) => {
        #[doc = $doc]
        ///
        /// The arithmetic of a fixed-point multiply-accumulate unit, for `F`
        /// fraction bits (one unit of the last place is `2^-F`):
        ///
        /// | operation | exact intermediate | rounded | saturated |
        /// |---|---|---|---|
        /// | `from_f64_lossy` | — | to nearest, ties to even; NaN is zero | yes |
        /// | `scalar_add`, `scalar_sub`, `scalar_neg` | the result itself | never | yes |
        /// | `scalar_mul` | the double-width product | once, to nearest, ties to even | once |
        /// | `scalar_div` | quotient and remainder of `a·2^F / b` | once, to nearest, ties to even | once; `x / 0` is `±MAX`, `0 / 0` is zero |
        /// | `mul_pow2` | a shift | to nearest, ties to even (right shifts) | yes (left shifts) |
        /// | `gemm`, `gemm_with`, `dot` | every product exact, summed in a four-times-wide accumulator | once per output | once per output |
        ///
        /// A sum of products is `sat(round(Σ aᵢ·bᵢ))`, whatever the order:
        /// partial sums never saturate and no product is rounded on its
        /// own, so [`gemm_with`](Scalar::gemm_with) gives the same bits for
        /// every [`Accumulate`] order. (The `fixed` crate's own
        /// `saturating_mul` truncates, rounding every product toward −∞; the
        /// generic kernels would also round and saturate each partial sum.)
        ///
        /// ```
        /// use fixed::types::I5F11;
        /// use lognum_tensor::Scalar;
        /// let ulp = I5F11::DELTA;
        /// // 2^-11 · 0.75 is 0.75 ulp: to nearest gives one ulp, truncation zero.
        /// let x = I5F11::from_num(0.75);
        /// assert_eq!(ulp.scalar_mul(x), ulp);
        /// assert_eq!((-ulp).scalar_mul(x), -ulp);
        /// assert_eq!(ulp.saturating_mul(x), I5F11::ZERO);
        /// // Four products of 0.25 ulp: each rounds to zero, their sum to one ulp.
        /// let q = I5F11::from_num(0.25);
        /// assert_eq!(I5F11::dot(&[ulp; 4], &[q; 4]), ulp);
        /// // 15 + 15 − 15 = 15: no partial sum saturates.
        /// let (big, one) = (I5F11::from_num(15), I5F11::from_num(1));
        /// assert_eq!(I5F11::dot(&[big, big, -big], &[one; 3]), big);
        /// ```
        impl<Frac: $Le + Send + Sync + 'static> Scalar for $F<Frac> {
            fn name() -> String {
                format!(
                    concat!($name, "-i{}f{}"),
                    $F::<Frac>::INT_NBITS,
                    $F::<Frac>::FRAC_NBITS
                )
            }
            #[inline]
            fn scalar_one() -> Self {
                Self::saturating_from_num(1)
            }
            /// Rounds to nearest (ties to even) and saturates; NaN becomes
            /// zero.
            #[inline]
            fn from_f64_lossy(x: f64) -> Self {
                if x.is_nan() {
                    Self::ZERO
                } else {
                    Self::saturating_from_num(x)
                }
            }
            #[inline]
            fn to_f64_lossy(self) -> f64 {
                self.to_num()
            }
            #[inline]
            fn scalar_add(self, rhs: Self) -> Self {
                self.saturating_add(rhs)
            }
            #[inline]
            fn scalar_sub(self, rhs: Self) -> Self {
                self.saturating_sub(rhs)
            }
            /// The exact product rounded to nearest (ties to even),
            /// saturated.
            #[inline]
            fn scalar_mul(self, rhs: Self) -> Self {
                fixed_mac::$mac::mul(self, rhs)
            }
            /// Rounded to nearest (ties to even), saturated; `x / 0` is
            /// `±MAX` (`0 / 0` is zero).
            #[inline]
            fn scalar_div(self, rhs: Self) -> Self {
                if rhs == Self::ZERO {
                    return if self == Self::ZERO {
                        Self::ZERO
                    } else if self < Self::ZERO {
                        Self::MIN
                    } else {
                        Self::MAX
                    };
                }
                fixed_mac::$mac::div(self, rhs)
            }
            #[inline]
            fn scalar_neg(self) -> Self {
                self.saturating_neg()
            }
            /// A shift: right shifts round to nearest (ties to even), left
            /// shifts saturate.
            #[inline]
            fn mul_pow2(self, k: i32) -> Self {
                fixed_mac::$mac::mul_pow2(self, k)
            }
            /// Exact products, an exact sum, one rounding and one saturation
            /// per output.
            fn gemm(m: usize, k: usize, n: usize, a: &[Self], b: &[Self], c: &mut [Self]) {
                fixed_mac::$mac::gemm(m, k, n, a, b, c);
            }
            /// The exact sum does not depend on the order: every
            /// [`Accumulate`] gives the bits of [`gemm`](Self::gemm).
            fn gemm_with(
                _acc: Accumulate,
                m: usize,
                k: usize,
                n: usize,
                a: &[Self],
                b: &[Self],
                c: &mut [Self],
            ) {
                fixed_mac::$mac::gemm(m, k, n, a, b, c);
            }
            /// Exact products, an exact sum, one rounding and one saturation.
            #[inline]
            fn dot(a: &[Self], b: &[Self]) -> Self {
                fixed_mac::$mac::dot(a, b)
            }
        }
    };
}

impl_fixed!(
    FixedI16,
    LeEqU16,
    "fixed16",
    fixed16,
    "16-bit fixed point `FixedI16<Frac>` (`fixed16` is `I5F11`): products in \
     `i32`, sums of products in `i64`."
);
impl_fixed!(
    FixedI32,
    LeEqU32,
    "fixed32",
    fixed32,
    "32-bit fixed point `FixedI32<Frac>`: products in `i64`, sums of products \
     in `i128`."
);

macro_rules! impl_lns {
    ($T:ident, $prefix:literal $(, $kernels:item)*) => {
        impl<const FRAC: u32, A: LogAdd> Scalar for $T<FRAC, A> {
            fn name() -> String {
                format!(concat!($prefix, "{}-{}"), $T::<FRAC, A>::WORD_BITS, A::NAME)
            }
            #[inline]
            fn scalar_one() -> Self {
                Self::ONE
            }
            #[inline]
            fn from_f64_lossy(x: f64) -> Self {
                $T::from_f64(x)
            }
            #[inline]
            fn to_f64_lossy(self) -> f64 {
                $T::to_f64(self)
            }
            // The `scalar_*` arithmetic is the trait's default, the
            // operators: `add_approx`, `sub_approx`, `mul_exact`,
            // `div_exact` and `neg`, inlined into each kernel as before.
            #[inline]
            fn mul_pow2(self, k: i32) -> Self {
                $T::mul_pow2(self, k)
            }
            $($kernels)*
        }
    };
}

impl_lns!(
    LogNum,
    "lns",
    /// The LNS kernels ([`matmul::lns`]), sequential order.
    fn gemm(m: usize, k: usize, n: usize, a: &[Self], b: &[Self], c: &mut [Self]) {
        matmul::lns::gemm(Accumulate::Sequential, m, k, n, a, b, c);
    },
    /// The LNS kernels ([`matmul::lns`]) in every order.
    fn gemm_with(
        acc: Accumulate,
        m: usize,
        k: usize,
        n: usize,
        a: &[Self],
        b: &[Self],
        c: &mut [Self],
    ) {
        matmul::lns::gemm(acc, m, k, n, a, b, c);
    },
    /// The vector add kernel ([`elementwise::add`](crate::elementwise::add)),
    /// through a copy of `acc` on the stack, 256 words at a time.
    fn add_assign_slice(acc: &mut [Self], x: &[Self]) {
        assert_eq!(acc.len(), x.len(), "slice lengths differ");
        let mut before = [Self::ZERO; 256];
        for (a, x) in acc.chunks_mut(256).zip(x.chunks(256)) {
            let before = &mut before[..a.len()];
            before.copy_from_slice(a);
            crate::elementwise::add(before, x, a);
        }
    }
);
impl_lns!(WideLogNum, "lns");
