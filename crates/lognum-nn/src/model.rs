//! Ready-made networks: the paper's MLP (and MLPs of other widths) and a
//! small CNN, as [`Sequential`] networks with seeded initialisation.
//!
//! [`ModelSpec`] names them at run time (`mlp`, `mlp:64-32`, `cnn`), as the
//! command line does; [`mlp`] and [`cnn`] build them directly. For any other
//! network, compose a [`Sequential`] yourself.
//!
//! ```
//! use lognum_nn::layers::Layer;
//! use lognum_nn::model::ModelSpec;
//! let net = "mlp".parse::<ModelSpec>()?.build::<f32>(&[1, 28, 28], 10, 1)?;
//! assert_eq!(net.num_params(), 79_510);
//! assert_eq!(net.layer_names()[1], "linear 784→100");
//! # Ok::<(), lognum_nn::NnError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use crate::init::Init;
use crate::layers::{Conv2d, Flatten, LeakyRelu, Linear, MaxPool2d, Sequential};
use crate::rng::Rng;
use crate::{NnError, NnScalar};

/// The leaky-ReLU slope of both models: `2^-7` (the paper's β = −7).
pub const LEAKY_SHIFT: i32 = 7;

/// The standard deviation of the MLP's initial weights (the paper's 0.1).
pub const MLP_INIT_STD: f64 = 0.1;

/// The paper's hidden layer: one of 100 units.
pub const PAPER_HIDDEN: [usize; 1] = [100];

/// A ready-made network, by name: `mlp` (the paper's 784-100-10),
/// `mlp:H1-H2-…` (an MLP with those hidden widths) or `cnn`.
///
/// ```
/// use lognum_nn::model::ModelSpec;
/// assert_eq!("mlp".parse::<ModelSpec>().unwrap(), ModelSpec::Mlp { hidden: vec![100] });
/// assert_eq!("mlp:64-32".parse::<ModelSpec>().unwrap(), ModelSpec::Mlp { hidden: vec![64, 32] });
/// assert_eq!("cnn".parse::<ModelSpec>().unwrap(), ModelSpec::Cnn);
/// assert_eq!(ModelSpec::Mlp { hidden: vec![64, 32] }.to_string(), "mlp:64-32");
/// assert_eq!(ModelSpec::default().to_string(), "mlp");
/// for bad in ["mlp:", "mlp:0", "mlp:abc", "mlp:8-", "rnn", ""] {
///     assert!(bad.parse::<ModelSpec>().is_err(), "{bad}");
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ModelSpec {
    /// Flatten, then `Linear` + leaky ReLU (slope 2^-7) per hidden width,
    /// then a `Linear` to the classes; weights `N(0, 0.1)` as in the paper.
    Mlp {
        /// The hidden layers' widths (at least one, none zero).
        hidden: Vec<usize>,
    },
    /// conv 1→8 5×5 pad 2, leaky ReLU, max-pool 2, conv 8→16 5×5 pad 2,
    /// leaky ReLU, max-pool 2, flatten, linear to the classes.
    Cnn,
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec::Mlp {
            hidden: PAPER_HIDDEN.to_vec(),
        }
    }
}

impl ModelSpec {
    /// Builds the network for examples of `feature_shape` and `classes`
    /// classes, initialised from `seed` (see [`mlp`] and [`cnn`]).
    ///
    /// ```
    /// use lognum_nn::model::ModelSpec;
    /// assert!(ModelSpec::Cnn.build::<f32>(&[1, 28, 28], 10, 1).is_ok());
    /// assert!(ModelSpec::Cnn.build::<f32>(&[1, 3, 3], 10, 1).is_err());
    /// ```
    pub fn build<T: NnScalar>(
        &self,
        feature_shape: &[usize],
        classes: usize,
        seed: u64,
    ) -> Result<Sequential<T>, NnError> {
        match self {
            ModelSpec::Mlp { hidden } => mlp(feature_shape, hidden, classes, seed),
            ModelSpec::Cnn => cnn(feature_shape, classes, seed),
        }
    }
}

impl fmt::Display for ModelSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelSpec::Mlp { hidden } if hidden[..] == PAPER_HIDDEN => f.pad("mlp"),
            ModelSpec::Mlp { hidden } => {
                let widths: Vec<String> = hidden.iter().map(usize::to_string).collect();
                f.pad(&format!("mlp:{}", widths.join("-")))
            }
            ModelSpec::Cnn => f.pad("cnn"),
        }
    }
}

impl FromStr for ModelSpec {
    type Err = NnError;
    fn from_str(s: &str) -> Result<Self, NnError> {
        let t = s.trim().to_ascii_lowercase();
        let bad = |why: &str| NnError::UnknownModel {
            name: s.into(),
            reason: format!("{why}; valid models: mlp, mlp:H1-H2-… (hidden widths), cnn"),
        };
        match t.as_str() {
            "mlp" => Ok(ModelSpec::default()),
            "cnn" => Ok(ModelSpec::Cnn),
            _ => {
                let Some(widths) = t.strip_prefix("mlp:") else {
                    return Err(bad("not a model"));
                };
                let hidden = widths
                    .split('-')
                    .map(|w| match w.parse::<usize>() {
                        Ok(0) => Err(bad("a hidden width must be at least 1")),
                        Ok(n) => Ok(n),
                        Err(_) => Err(bad(&format!("{w:?} is not a hidden width"))),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(ModelSpec::Mlp { hidden })
            }
        }
    }
}

fn config(reason: String) -> NnError {
    NnError::Config {
        field: "model",
        reason,
    }
}

/// An MLP: [`Flatten`], then for each hidden width a [`Linear`] and a leaky
/// ReLU (slope `2^-7`), then a [`Linear`] to `classes` outputs. Weights are
/// drawn from `N(0, 0.1)` ([`MLP_INIT_STD`], the paper's) by
/// [`Rng::new(seed)`](Rng::new), layer by layer in storage order, and
/// converted once to `T`; biases start at zero. `mlp(&[1, 28, 28],
/// &[100], 10, seed)` is the paper's 784-100-10 network.
///
/// ```
/// use lognum_nn::model::mlp;
/// let net = mlp::<f64>(&[784], &[64, 32], 10, 1)?;
/// assert_eq!(net.num_params(), 784 * 64 + 64 + 64 * 32 + 32 + 32 * 10 + 10);
/// // Same seed, same bits.
/// assert_eq!(net.params_f64(), mlp::<f64>(&[784], &[64, 32], 10, 1)?.params_f64());
/// assert!(mlp::<f64>(&[784], &[], 10, 1).is_err());
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub fn mlp<T: NnScalar>(
    feature_shape: &[usize],
    hidden: &[usize],
    classes: usize,
    seed: u64,
) -> Result<Sequential<T>, NnError> {
    let inputs = feature_shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .filter(|&n| n > 0)
        .ok_or_else(|| config(format!("feature shape {feature_shape:?} has no inputs")))?;
    if hidden.is_empty() || hidden.contains(&0) || classes == 0 {
        return Err(config(format!(
            "an MLP needs hidden widths ≥ 1 and classes ≥ 1, got {hidden:?} and {classes}"
        )));
    }
    let mut widths = vec![inputs];
    widths.extend_from_slice(hidden);
    widths.push(classes);
    let spec = crate::layers::LayerSpec::Sequential {
        layers: widths
            .windows(2)
            .map(|w| crate::layers::LayerSpec::Linear {
                inputs: w[0],
                outputs: w[1],
            })
            .collect(),
    };
    spec.param_shapes()?; // refuse absurd sizes before allocating
    let init = Init::Normal { std: MLP_INIT_STD };
    let mut rng = Rng::new(seed);
    let mut net = Sequential::new().with(Flatten::new());
    for (i, w) in widths.windows(2).enumerate() {
        net.push(Linear::with_init(w[0], w[1], &init, &mut rng));
        if i + 2 < widths.len() {
            net.push(LeakyRelu::leaky(LEAKY_SHIFT));
        }
    }
    Ok(net)
}

/// The CNN for `[1, rows, cols]` images: conv 1→8 5×5 pad 2, leaky ReLU,
/// max-pool 2, conv 8→16 5×5 pad 2, leaky ReLU, max-pool 2, flatten,
/// linear `16·⌊rows/4⌋·⌊cols/4⌋ → classes`. Weights are drawn by
/// [`Rng::new(seed)`](Rng::new): He normal ([`Init::HeNormal`]) for the
/// convolutions, `N(0, √(1/fan_in))` for the output layer; biases zero.
/// Images smaller than 4×4 are refused (they would flatten to nothing).
///
/// ```
/// use lognum_nn::model::cnn;
/// let net = cnn::<f64>(&[1, 28, 28], 10, 7)?;
/// assert_eq!(net.num_params(), 8 * 25 + 8 + 16 * 8 * 25 + 16 + 784 * 10 + 10);
/// assert!(cnn::<f64>(&[1, 2, 2], 10, 7).is_err());
/// assert!(cnn::<f64>(&[784], 10, 7).is_err());
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub fn cnn<T: NnScalar>(
    feature_shape: &[usize],
    classes: usize,
    seed: u64,
) -> Result<Sequential<T>, NnError> {
    let &[1, rows, cols] = feature_shape else {
        return Err(config(format!(
            "the CNN takes one-channel images [1, rows, cols], got feature shape {feature_shape:?}"
        )));
    };
    if rows < 4 || cols < 4 || classes == 0 {
        return Err(config(format!(
            "the CNN needs images of at least 4x4 and classes ≥ 1, got {rows}x{cols} and {classes}"
        )));
    }
    let flat = (rows / 4)
        .checked_mul(cols / 4)
        .and_then(|n| n.checked_mul(16))
        .filter(|&n| {
            n.checked_mul(classes)
                .is_some_and(|p| p <= crate::layers::MAX_PARAMS)
        })
        .ok_or_else(|| config(format!("images of {rows}x{cols} are too large for the CNN")))?;
    let mut rng = Rng::new(seed);
    let c1 = Conv2d::with_init(1, 8, 5, 2, &Init::HeNormal, &mut rng);
    let c2 = Conv2d::with_init(8, 16, 5, 2, &Init::HeNormal, &mut rng);
    let fc = Linear::with_init(
        flat,
        classes,
        &Init::Normal {
            std: (1.0 / flat as f64).sqrt(),
        },
        &mut rng,
    );
    Ok(Sequential::new()
        .with(c1)
        .with(LeakyRelu::leaky(LEAKY_SHIFT))
        .with(MaxPool2d::new(2))
        .with(c2)
        .with(LeakyRelu::leaky(LEAKY_SHIFT))
        .with(MaxPool2d::new(2))
        .with(Flatten::new())
        .with(fc))
}
