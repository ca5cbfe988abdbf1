//! proptest: strategies that draw values from raw words, so that every code
//! — both zeros, `MIN_POSITIVE`, `MAX` and every negative — can come up.
//!
//! With the `proptest` feature, `any::<LogNum<FRAC, A>>()`,
//! `any::<WideLogNum<FRAC, A>>()` and `any::<LogNum8<FRAC, A>>()` work through `proptest::arbitrary::Arbitrary`
//! (a uniform word, through [`from_bits`](crate::LogNum::from_bits)), and this
//! module adds the variants property tests most often want.
//!
//! ```
//! use lognum::types::Lns16Lut;
//! use proptest::prelude::*;
//!
//! proptest! {
//!     // Products are exact in the log domain: (x·y)/y = x unless saturated or
//!     // flushed. (Put `#[test]` on the function in a test module.)
//!     fn mul_then_div(x in any::<Lns16Lut>(), y in lognum::proptest::nonzero::<10, _>()) {
//!         let p = x * y;
//!         prop_assume!(p != Lns16Lut::MAX && p != Lns16Lut::MIN && (x.is_zero() || !p.is_zero()));
//!         prop_assert_eq!(p / y, x);
//!     }
//! }
//! # mul_then_div();
//! ```

use ::proptest::arbitrary::Arbitrary;
use ::proptest::prelude::any;
use ::proptest::strategy::{BoxedStrategy, Strategy};

use crate::{LogNum, LogNum8, WideLogNum};

macro_rules! impl_proptest {
    ($T:ident, $W:ty, $name:literal) => {
        /// A uniform word through `from_bits`: every code is reachable, each
        /// equally often (bits above `WORD_BITS` are masked off, which keeps
        /// the draw uniform over the narrower words).
        ///
        /// ```
        /// use proptest::prelude::*;
        /// use proptest::strategy::ValueTree;
        /// use proptest::test_runner::TestRunner;
        #[doc = concat!("use lognum::", $name, ";")]
        /// let mut runner = TestRunner::deterministic();
        #[doc = concat!("let x = any::<", $name, "<6>>().new_tree(&mut runner).unwrap().current();")]
        #[doc = concat!("assert_eq!(x.to_bits() & !", $name, "::<6>::WORD_MASK, 0);")]
        /// ```
        #[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
        impl<const FRAC: u32, A: 'static> Arbitrary for $T<FRAC, A> {
            type Parameters = ();
            type Strategy = ::proptest::strategy::Map<<$W as Arbitrary>::Strategy, fn($W) -> Self>;

            fn arbitrary_with((): ()) -> Self::Strategy {
                any::<$W>().prop_map(Self::from_bits)
            }
        }
    };
}

impl_proptest!(LogNum, u16, "LogNum");
impl_proptest!(WideLogNum, u32, "WideLogNum");
impl_proptest!(LogNum8, u8, "LogNum8");

/// Any `LogNum<FRAC, A>`, every word equally likely: `any::<LogNum<FRAC, A>>()`.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let s = lognum::proptest::any_lognum::<10, lognum::Exact>();
/// let x = s.new_tree(&mut runner).unwrap().current();
/// assert_eq!(lognum::LogNum::<10, lognum::Exact>::from_bits(x.to_bits()), x);
/// ```
pub fn any_lognum<const FRAC: u32, A: 'static>() -> impl Strategy<Value = LogNum<FRAC, A>> + Clone {
    any::<LogNum<FRAC, A>>()
}

/// Any non-zero `LogNum<FRAC, A>`: a uniform non-zero magnitude code and a
/// uniform sign (`MIN_POSITIVE` and `MAX` included).
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let x = lognum::proptest::nonzero::<6, lognum::Lut>().new_tree(&mut runner).unwrap().current();
/// assert!(!x.is_zero());
/// ```
pub fn nonzero<const FRAC: u32, A: 'static>() -> BoxedStrategy<LogNum<FRAC, A>> {
    let mag = LogNum::<FRAC, A>::MAG_MASK;
    (1..=mag, any::<bool>())
        .prop_map(|(m, neg)| {
            LogNum::from_bits(if neg {
                m | LogNum::<FRAC, A>::SIGN_MASK
            } else {
                m
            })
        })
        .boxed()
}

/// Any `WideLogNum<FRAC, A>`, every word equally likely.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let x = lognum::proptest::any_wide::<20, lognum::Exact>().new_tree(&mut runner).unwrap().current();
/// assert_eq!(x.to_bits() >> 31 == 1, x.is_sign_negative());
/// ```
pub fn any_wide<const FRAC: u32, A: 'static>() -> impl Strategy<Value = WideLogNum<FRAC, A>> + Clone
{
    any::<WideLogNum<FRAC, A>>()
}

/// Any non-zero `WideLogNum<FRAC, A>`.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let x = lognum::proptest::nonzero_wide::<20, lognum::Exact>().new_tree(&mut runner).unwrap().current();
/// assert!(!x.is_zero());
/// ```
pub fn nonzero_wide<const FRAC: u32, A: 'static>() -> BoxedStrategy<WideLogNum<FRAC, A>> {
    let mag = WideLogNum::<FRAC, A>::MAG_MASK;
    (1..=mag, any::<bool>())
        .prop_map(|(m, neg)| {
            WideLogNum::from_bits(if neg {
                m | WideLogNum::<FRAC, A>::SIGN_MASK
            } else {
                m
            })
        })
        .boxed()
}

/// Any `LogNum8<FRAC, A>`, every one of the 256 words equally likely.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let x = lognum::proptest::any_lognum8::<3, lognum::Lut>().new_tree(&mut runner).unwrap().current();
/// assert_eq!(lognum::LogNum8::<3>::from_bits(x.to_bits()), x);
/// ```
pub fn any_lognum8<const FRAC: u32, A: 'static>() -> impl Strategy<Value = LogNum8<FRAC, A>> + Clone
{
    any::<LogNum8<FRAC, A>>()
}

/// Any non-zero `LogNum8<FRAC, A>`: a uniform non-zero magnitude code and a
/// uniform sign.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let x = lognum::proptest::nonzero8::<3, lognum::Lut>().new_tree(&mut runner).unwrap().current();
/// assert!(!x.is_zero());
/// ```
pub fn nonzero8<const FRAC: u32, A: 'static>() -> BoxedStrategy<LogNum8<FRAC, A>> {
    let mag = LogNum8::<FRAC, A>::MAG_MASK;
    (1..=mag, any::<bool>())
        .prop_map(|(m, neg)| {
            LogNum8::from_bits(if neg {
                m | LogNum8::<FRAC, A>::SIGN_MASK
            } else {
                m
            })
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::collections::HashSet;

    use ::proptest::prelude::*;
    use ::proptest::strategy::ValueTree;
    use ::proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestRng, TestRunner};

    use crate::{Exact, LogNum, Lut};

    fn runner() -> TestRunner {
        TestRunner::new_with_rng(
            Config::default(),
            TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
        )
    }

    fn draw<S: Strategy>(s: &S, runner: &mut TestRunner, n: usize) -> std::vec::Vec<S::Value> {
        (0..n)
            .map(|_| s.new_tree(runner).unwrap().current())
            .collect()
    }

    #[test]
    fn every_word_comes_up() {
        // 4096 words of LogNum<6>: 200,000 uniform draws miss one with
        // probability about 4096·e^-48.8, i.e. never.
        let mut r = runner();
        let seen: HashSet<u16> = draw(&any::<LogNum<6, Lut>>(), &mut r, 200_000)
            .into_iter()
            .map(LogNum::to_bits)
            .collect();
        assert_eq!(seen.len(), 1 << 12);
        let nz: HashSet<u16> = draw(&super::nonzero::<6, Lut>(), &mut r, 200_000)
            .into_iter()
            .map(LogNum::to_bits)
            .collect();
        // Every word but the two zeros.
        assert_eq!(nz.len(), (1 << 12) - 2);
        assert!(!nz.contains(&0) && !nz.contains(&LogNum::<6>::SIGN_MASK));
    }

    #[test]
    fn wide_draws_cover_signs_and_extremes() {
        let mut r = runner();
        let xs = draw(&super::any_wide::<20, Exact>(), &mut r, 10_000);
        assert!(xs.iter().any(|x| x.is_sign_negative()));
        assert!(xs.iter().any(|x| !x.is_sign_negative()));
        // Uniform words: about half have |x| ≥ 1.
        let big = xs
            .iter()
            .filter(|x| x.log2_code().is_some_and(|l| l >= 0))
            .count();
        assert!((4_000..6_000).contains(&big), "{big}");
        let nz = draw(&super::nonzero_wide::<26, Exact>(), &mut r, 10_000);
        assert!(nz.iter().all(|x| !x.is_zero()));
        // LogNum<6> is a 12-bit word in a u16: the draw never sets the bits
        // above it, and still reaches the top magnitude code.
        let ls = draw(&super::any_lognum::<6, Exact>(), &mut r, 20_000);
        assert!(
            ls.iter()
                .all(|x| x.to_bits() & !LogNum::<6>::WORD_MASK == 0)
        );
        assert!(
            ls.iter()
                .any(|x| x.to_bits() & LogNum::<6>::MAG_MASK == LogNum::<6>::MAG_MASK)
        );
        assert!(nz.iter().any(|x| x.is_sign_negative()));
    }

    proptest! {
        #![proptest_config(Config {
            cases: 512,
            rng_seed: RngSeed::Fixed(0x57_4a7e),
            ..Config::default()
        })]
        // The strategies plug into proptest! as users would write them.
        #[test]
        fn neg_is_an_involution(x in any::<LogNum<10>>(), y in super::nonzero::<10, Lut>()) {
            prop_assert_eq!(-(-x), x);
            prop_assert!(!(y / y).is_zero());
        }
    }
}
