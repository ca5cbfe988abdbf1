//! Seeded parameter initialisation.
//!
//! Every initialiser draws its values in f64 from a [`Rng`] and converts
//! each once with [`Scalar::from_f64_lossy`]: for the same seed every number
//! format starts from the same network, rounded to its own grid. Biases of
//! the layers' `with_init` constructors start at zero.
//!
//! | [`Init`] | values |
//! |---|---|
//! | [`HeNormal`](Init::HeNormal) (default) | `N(0, √(2 / fan_in))`, Kaiming He et al. 2015, for (leaky) ReLU nets |
//! | [`XavierUniform`](Init::XavierUniform) | `U(−a, a)`, `a = √(6 / (fan_in + fan_out))`, Glorot and Bengio 2010 |
//! | [`Normal`](Init::Normal) | `N(0, std)` (the paper's MLP: `std = 0.1`) |
//! | [`Uniform`](Init::Uniform) | `U(−limit, limit)` |
//! | [`Zeros`](Init::Zeros) | `0` |
//!
//! `fan_in` is the number of inputs of one output (`inputs` for
//! [`Linear`](crate::layers::Linear), `in_channels·k²` for
//! [`Conv2d`](crate::layers::Conv2d)); `fan_out` likewise for outputs. To
//! start from given values use
//! [`Linear::from_weights`](crate::layers::Linear::from_weights) or
//! [`Sequential::set_params`](crate::layers::Sequential::set_params).
//!
//! ```
//! use lognum::LogNum;
//! use lognum_nn::init::Init;
//! use lognum_nn::rng::Rng;
//! let mut w32 = vec![0f32; 1000];
//! let mut wln = vec![LogNum::<10>::ZERO; 1000];
//! Init::HeNormal.fill(&mut Rng::new(7), 50, 10, &mut w32);
//! Init::HeNormal.fill(&mut Rng::new(7), 50, 10, &mut wln);
//! // The same draws, each rounded to its format.
//! for (a, b) in w32.iter().zip(&wln) {
//!     assert!((f64::from(*a) - b.to_f64()).abs() <= 1e-3 * f64::from(a.abs()) + 1e-9);
//! }
//! let std = (w32.iter().map(|w| w * w).sum::<f32>() / 1000.0).sqrt();
//! assert!((std - 0.2).abs() < 0.02); // √(2/50)
//! ```

use lognum_tensor::Scalar;

use crate::rng::Rng;

/// How to draw a layer's initial weights; see the [module docs](self).
///
/// ```
/// use lognum_nn::init::Init;
/// assert_eq!(Init::default(), Init::HeNormal);
/// ```
#[derive(Clone, Debug, PartialEq, Default)]
#[non_exhaustive]
pub enum Init {
    /// `N(0, √(2 / fan_in))`.
    #[default]
    HeNormal,
    /// `U(−a, a)` with `a = √(6 / (fan_in + fan_out))`.
    XavierUniform,
    /// `N(0, std)`.
    Normal {
        /// The standard deviation.
        std: f64,
    },
    /// `U(−limit, limit)`.
    Uniform {
        /// Half the width of the interval.
        limit: f64,
    },
    /// All zeros.
    Zeros,
}

impl Init {
    /// Fills `dst` with draws from `rng`, in order, each converted once to
    /// `T`. A zero `fan_in` (or zero fans for Xavier) gives zeros rather
    /// than infinities.
    ///
    /// ```
    /// use lognum_nn::{init::Init, rng::Rng};
    /// let mut w = [0.0f64; 4];
    /// Init::Uniform { limit: 0.5 }.fill(&mut Rng::new(1), 2, 2, &mut w);
    /// assert!(w.iter().all(|x| x.abs() <= 0.5) && w.iter().any(|&x| x != 0.0));
    /// Init::Zeros.fill(&mut Rng::new(1), 2, 2, &mut w);
    /// assert_eq!(w, [0.0; 4]);
    /// ```
    pub fn fill<T: Scalar>(&self, rng: &mut Rng, fan_in: usize, fan_out: usize, dst: &mut [T]) {
        let normal = |rng: &mut Rng, dst: &mut [T], std: f64| {
            for w in dst {
                *w = T::from_f64_lossy(rng.normal() * std);
            }
        };
        let uniform = |rng: &mut Rng, dst: &mut [T], a: f64| {
            for w in dst {
                *w = T::from_f64_lossy(rng.uniform(-a, a));
            }
        };
        match *self {
            Init::HeNormal if fan_in > 0 => normal(rng, dst, (2.0 / fan_in as f64).sqrt()),
            Init::XavierUniform if fan_in + fan_out > 0 => {
                uniform(rng, dst, (6.0 / (fan_in + fan_out) as f64).sqrt())
            }
            Init::Normal { std } if std.is_finite() => normal(rng, dst, std),
            Init::Uniform { limit } if limit.is_finite() && limit > 0.0 => uniform(rng, dst, limit),
            _ => dst.fill(T::zero()),
        }
    }
}
