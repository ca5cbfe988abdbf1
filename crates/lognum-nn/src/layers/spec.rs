//! A network's architecture as data: what checkpoints record, so that a file
//! can rebuild the network it came from.

use serde::{Deserialize, Serialize};

use super::{Conv2d, Flatten, Layer, LeakyRelu, Linear, MaxPool2d, Sequential};
use crate::{NnError, NnScalar};

/// The most parameters a [`LayerSpec`] may describe: 2^31 (8 GiB of `f32`).
/// A spec over it (typically a corrupt or hostile checkpoint header) is
/// refused before anything is allocated.
///
/// ```
/// assert_eq!(lognum_nn::layers::MAX_PARAMS, 1 << 31);
/// ```
pub const MAX_PARAMS: usize = 1 << 31;

/// The description of a layer, without its values: enough to build a fresh
/// layer of the same shape ([`build`](Self::build)) and to know its
/// parameters' names and shapes without building it
/// ([`param_shapes`](Self::param_shapes)).
///
/// Serialised as JSON (with `serde`) in checkpoints:
///
/// ```
/// use lognum_nn::layers::LayerSpec;
/// let spec = LayerSpec::Sequential {
///     layers: vec![
///         LayerSpec::Linear { inputs: 2, outputs: 3 },
///         LayerSpec::LeakyRelu { shift: Some(7) },
///     ],
/// };
/// let json = serde_json::to_string(&spec).unwrap();
/// assert_eq!(
///     json,
///     r#"{"type":"sequential","layers":[{"type":"linear","inputs":2,"outputs":3},{"type":"leaky_relu","shift":7}]}"#
/// );
/// assert_eq!(serde_json::from_str::<LayerSpec>(&json).unwrap(), spec);
/// assert_eq!(spec.param_shapes().unwrap()[0], ("0.weight".to_string(), vec![2, 3]));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum LayerSpec {
    /// [`Linear`]: `weight [inputs, outputs]`, `bias [outputs]`.
    Linear {
        /// Input features.
        inputs: usize,
        /// Output features.
        outputs: usize,
    },
    /// [`Conv2d`]: `weight [out_channels, in_channels, kernel, kernel]`,
    /// `bias [out_channels]`; stride 1.
    Conv2d {
        /// Input channels.
        in_channels: usize,
        /// Output channels.
        out_channels: usize,
        /// Kernel side.
        kernel: usize,
        /// Zero padding on every side.
        padding: usize,
    },
    /// [`MaxPool2d`] with a square window and the same stride.
    MaxPool2d {
        /// Window side and stride.
        size: usize,
    },
    /// [`Flatten`].
    Flatten,
    /// [`LeakyRelu`]: slope `2^-shift`, or plain ReLU for `None`.
    LeakyRelu {
        /// The slope's shift; `None` for ReLU.
        shift: Option<i32>,
    },
    /// [`Sequential`]: the layers in order; parameters are named
    /// `"{index}.{name}"`, as PyTorch's `nn.Sequential` names them.
    Sequential {
        /// The layers, first to last.
        layers: Vec<LayerSpec>,
    },
    /// A layer from outside this crate, known by its [`Layer::name`]: its
    /// weights can be saved and loaded into a network that has it, but a
    /// checkpoint cannot rebuild it.
    Custom {
        /// The layer's name.
        name: String,
    },
}

fn too_large(what: &str) -> NnError {
    NnError::Config {
        field: "layers",
        reason: format!("{what} has more than {MAX_PARAMS} parameters"),
    }
}

/// `dims`' product, if it is at most [`MAX_PARAMS`].
fn count(dims: &[usize], what: &str) -> Result<usize, NnError> {
    dims.iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .filter(|&n| n <= MAX_PARAMS)
        .ok_or_else(|| too_large(what))
}

impl LayerSpec {
    /// Every parameter's name and shape, in the order of
    /// [`Layer::params`], computed from the spec alone (nothing is
    /// allocated). Refuses a spec with more than [`MAX_PARAMS`] parameters
    /// or a zero-sized layer, and [`Custom`](Self::Custom) layers, whose
    /// parameters it cannot know.
    ///
    /// ```
    /// use lognum_nn::layers::LayerSpec;
    /// let conv = LayerSpec::Conv2d { in_channels: 1, out_channels: 8, kernel: 5, padding: 2 };
    /// let shapes: Vec<_> = conv.param_shapes().unwrap().into_iter().map(|(_, s)| s).collect();
    /// assert_eq!(shapes, vec![vec![8, 1, 5, 5], vec![8]]);
    /// let huge = LayerSpec::Linear { inputs: 1 << 20, outputs: 1 << 20 };
    /// assert!(huge.param_shapes().is_err());
    /// ```
    pub fn param_shapes(&self) -> Result<Vec<(String, Vec<usize>)>, NnError> {
        let mut out = Vec::new();
        self.collect_shapes("", &mut out)?;
        let mut total = 0usize;
        for (_, shape) in &out {
            total = total
                .checked_add(count(shape, "the network")?)
                .filter(|&n| n <= MAX_PARAMS)
                .ok_or_else(|| too_large("the network"))?;
        }
        Ok(out)
    }

    fn collect_shapes(
        &self,
        prefix: &str,
        out: &mut Vec<(String, Vec<usize>)>,
    ) -> Result<(), NnError> {
        let zero = |what: &str| NnError::Config {
            field: "layers",
            reason: format!("{what} has a zero size: {self:?}"),
        };
        let mut push = |name: &str, shape: Vec<usize>| out.push((format!("{prefix}{name}"), shape));
        match self {
            LayerSpec::Linear { inputs, outputs } => {
                if *inputs == 0 || *outputs == 0 {
                    return Err(zero("a linear layer"));
                }
                count(&[*inputs, *outputs], "a linear layer")?;
                push("weight", vec![*inputs, *outputs]);
                push("bias", vec![*outputs]);
            }
            LayerSpec::Conv2d {
                in_channels,
                out_channels,
                kernel,
                ..
            } => {
                let shape = vec![*out_channels, *in_channels, *kernel, *kernel];
                if shape.contains(&0) {
                    return Err(zero("a convolution"));
                }
                count(&shape, "a convolution")?;
                push("weight", shape);
                push("bias", vec![*out_channels]);
            }
            LayerSpec::MaxPool2d { size } => {
                if *size == 0 {
                    return Err(zero("a max-pool"));
                }
            }
            LayerSpec::Flatten | LayerSpec::LeakyRelu { .. } => {}
            LayerSpec::Sequential { layers } => {
                for (i, layer) in layers.iter().enumerate() {
                    layer.collect_shapes(&format!("{prefix}{i}."), out)?;
                }
            }
            LayerSpec::Custom { name } => {
                return Err(NnError::Config {
                    field: "layers",
                    reason: format!(
                        "layer {name:?} is not one of this crate's layers; build the network \
                         yourself and load the weights into it"
                    ),
                });
            }
        }
        Ok(())
    }

    /// The number of parameters (checked as in
    /// [`param_shapes`](Self::param_shapes)).
    ///
    /// ```
    /// use lognum_nn::layers::LayerSpec;
    /// assert_eq!(LayerSpec::Linear { inputs: 784, outputs: 100 }.num_params().unwrap(), 78_500);
    /// ```
    pub fn num_params(&self) -> Result<usize, NnError> {
        Ok(self
            .param_shapes()?
            .iter()
            .map(|(_, s)| s.iter().product::<usize>())
            .sum())
    }

    /// A fresh layer of this shape with zero parameters, after checking the
    /// spec as [`param_shapes`](Self::param_shapes) does (so a hostile spec
    /// allocates nothing).
    ///
    /// ```
    /// use lognum_nn::layers::{Layer, LayerSpec};
    /// let spec = LayerSpec::Linear { inputs: 3, outputs: 2 };
    /// let layer = spec.build::<f32>().unwrap();
    /// assert_eq!(layer.spec(), spec);
    /// assert!(LayerSpec::Custom { name: "mine".into() }.build::<f32>().is_err());
    /// ```
    pub fn build<T: NnScalar>(&self) -> Result<Box<dyn Layer<T>>, NnError> {
        self.param_shapes()?;
        Ok(self.build_checked())
    }

    /// [`build`](Self::build) for a spec whose sizes have been checked.
    pub(crate) fn build_checked<T: NnScalar>(&self) -> Box<dyn Layer<T>> {
        match self {
            LayerSpec::Linear { inputs, outputs } => Box::new(Linear::new(*inputs, *outputs)),
            LayerSpec::Conv2d {
                in_channels,
                out_channels,
                kernel,
                padding,
            } => Box::new(Conv2d::new(*in_channels, *out_channels, *kernel, *padding)),
            LayerSpec::MaxPool2d { size } => Box::new(MaxPool2d::new(*size)),
            LayerSpec::Flatten => Box::new(Flatten::new()),
            LayerSpec::LeakyRelu { shift: Some(k) } => Box::new(LeakyRelu::leaky(*k)),
            LayerSpec::LeakyRelu { shift: None } => Box::new(LeakyRelu::relu()),
            LayerSpec::Sequential { layers } => Box::new(Sequential::from_layers(
                layers.iter().map(|l| l.build_checked()).collect(),
            )),
            LayerSpec::Custom { .. } => unreachable!("param_shapes refuses custom layers"),
        }
    }
}
