//! The two networks: the paper's MLP and a small CNN, with seeded
//! initialisation.

use std::fmt;
use std::str::FromStr;

use lognum_tensor::matmul::Accumulate;
use lognum_tensor::{Tensor, TensorError};

use crate::layers::{Conv2d, Flatten, Layer, LeakyRelu, Linear, MaxPool2d, ParamMut};
use crate::loss::argmax;
use crate::rng::Rng;
use crate::{NnError, NnScalar};

/// The leaky-ReLU slope of both models: `2^-7` (the paper's β = −7).
pub const LEAKY_SHIFT: i32 = 7;

/// The standard deviation of the MLP's initial weights (the paper's 0.1).
pub const MLP_INIT_STD: f64 = 0.1;

/// Which network.
///
/// ```
/// use lognum_nn::train::ModelKind;
/// assert_eq!("cnn".parse::<ModelKind>().unwrap(), ModelKind::Cnn);
/// assert_eq!(ModelKind::Mlp.to_string(), "mlp");
/// assert!("rnn".parse::<ModelKind>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ModelKind {
    /// The paper's 784-100-10 MLP with leaky ReLU (slope 2^-7).
    #[default]
    Mlp,
    /// conv 1→8 5×5 pad 2, leaky ReLU, max-pool 2, conv 8→16 5×5 pad 2,
    /// leaky ReLU, max-pool 2, linear 16·7·7→10.
    Cnn,
}

impl ModelKind {
    /// The name: `"mlp"` or `"cnn"`.
    ///
    /// ```
    /// assert_eq!(lognum_nn::train::ModelKind::Cnn.name(), "cnn");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            ModelKind::Mlp => "mlp",
            ModelKind::Cnn => "cnn",
        }
    }

    /// The model's code in checkpoints.
    pub(crate) const fn code(self) -> u8 {
        match self {
            ModelKind::Mlp => 1,
            ModelKind::Cnn => 2,
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(ModelKind::Mlp),
            2 => Some(ModelKind::Cnn),
            _ => None,
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for ModelKind {
    type Err = NnError;
    fn from_str(s: &str) -> Result<Self, NnError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mlp" => Ok(ModelKind::Mlp),
            "cnn" => Ok(ModelKind::Cnn),
            _ => Err(NnError::UnknownModel { name: s.into() }),
        }
    }
}

/// A sequential network of [`Layer`]s for `rows × cols` single-channel
/// images.
///
/// ```
/// use lognum_nn::model::Model;
/// use lognum_nn::train::ModelKind;
/// use lognum_tensor::Tensor;
/// let mut m = Model::<f32>::new(ModelKind::Mlp, 28, 28, 1);
/// assert_eq!(m.num_params(), 79_510);
/// let y = m.forward(&Tensor::zeros(&[3, 784])).unwrap();
/// assert_eq!(y.shape(), &[3, 10]);
/// // Same seed, same bits.
/// assert_eq!(m.params_f64(), Model::<f32>::new(ModelKind::Mlp, 28, 28, 1).params_f64());
/// ```
pub struct Model<T: NnScalar> {
    kind: ModelKind,
    rows: usize,
    cols: usize,
    layers: Vec<Box<dyn Layer<T>>>,
}

impl<T: NnScalar> fmt::Debug for Model<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("kind", &self.kind)
            .field(
                "layers",
                &self.layers.iter().map(|l| l.name()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// `n` draws of `N(0, σ)` in f64, each converted once to `T`.
fn normal_init<T: NnScalar>(rng: &mut Rng, dst: &mut [T], std: f64) {
    for w in dst {
        *w = T::from_f64(rng.normal() * std);
    }
}

impl<T: NnScalar> Model<T> {
    /// A freshly initialised network. Weights are drawn from `N(0, σ)` in f64
    /// by [`Rng::new(seed)`](Rng::new), layer by layer in storage order, and
    /// converted once to `T`: the same seed and format give the same bits.
    /// Biases start at zero. σ is 0.1 for the MLP ([`MLP_INIT_STD`], the
    /// paper's) and He's `√(2 / fan_in)` for the CNN's convolutions,
    /// `√(1 / fan_in)` for its output layer.
    ///
    /// ```
    /// use lognum_nn::model::Model;
    /// use lognum_nn::train::ModelKind;
    /// let m = Model::<f64>::new(ModelKind::Cnn, 28, 28, 7);
    /// assert_eq!(m.num_params(), 8 * 25 + 8 + 16 * 8 * 25 + 16 + 784 * 10 + 10);
    /// ```
    pub fn new(kind: ModelKind, rows: usize, cols: usize, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let layers: Vec<Box<dyn Layer<T>>> = match kind {
            ModelKind::Mlp => {
                let mut fc1 = Linear::new(rows * cols, 100);
                let mut fc2 = Linear::new(100, 10);
                normal_init(&mut rng, fc1.params_mut().remove(0).value, MLP_INIT_STD);
                normal_init(&mut rng, fc2.params_mut().remove(0).value, MLP_INIT_STD);
                vec![
                    Box::new(fc1),
                    Box::new(LeakyRelu::leaky(LEAKY_SHIFT)),
                    Box::new(fc2),
                ]
            }
            ModelKind::Cnn => {
                let mut c1 = Conv2d::new(1, 8, 5, 2);
                let mut c2 = Conv2d::new(8, 16, 5, 2);
                let flat = 16 * (rows / 4) * (cols / 4);
                let mut fc = Linear::new(flat, 10);
                normal_init(&mut rng, c1.weight_mut(), (2.0f64 / 25.0).sqrt());
                normal_init(&mut rng, c2.weight_mut(), (2.0f64 / 200.0).sqrt());
                normal_init(
                    &mut rng,
                    fc.params_mut().remove(0).value,
                    (1.0 / flat as f64).sqrt(),
                );
                vec![
                    Box::new(c1),
                    Box::new(LeakyRelu::leaky(LEAKY_SHIFT)),
                    Box::new(MaxPool2d::new(2)),
                    Box::new(c2),
                    Box::new(LeakyRelu::leaky(LEAKY_SHIFT)),
                    Box::new(MaxPool2d::new(2)),
                    Box::new(Flatten::new()),
                    Box::new(fc),
                ]
            }
        };
        Self {
            kind,
            rows,
            cols,
            layers,
        }
    }

    /// Which network this is.
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// assert_eq!(Model::<f32>::new(ModelKind::Cnn, 28, 28, 1).kind(), ModelKind::Cnn);
    /// ```
    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// The image size `(rows, cols)` the network was built for.
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// assert_eq!(Model::<f32>::new(ModelKind::Mlp, 28, 28, 1).image_size(), (28, 28));
    /// ```
    pub fn image_size(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// The shape of a batch of `batch` images as the first layer wants it:
    /// `[batch, rows·cols]` for the MLP, `[batch, 1, rows, cols]` for the CNN.
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// assert_eq!(Model::<f32>::new(ModelKind::Cnn, 28, 28, 1).input_shape(5), vec![5, 1, 28, 28]);
    /// ```
    pub fn input_shape(&self, batch: usize) -> Vec<usize> {
        match self.kind {
            ModelKind::Mlp => vec![batch, self.rows * self.cols],
            ModelKind::Cnn => vec![batch, 1, self.rows, self.cols],
        }
    }

    /// The layers' names, in order.
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// assert_eq!(Model::<f32>::new(ModelKind::Mlp, 28, 28, 1).layer_names()[0], "linear 784→100");
    /// ```
    pub fn layer_names(&self) -> Vec<String> {
        self.layers.iter().map(|l| l.name()).collect()
    }

    /// The forward pass: logits `[batch, 10]`.
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// use lognum_tensor::Tensor;
    /// let mut m = Model::<f32>::new(ModelKind::Mlp, 28, 28, 1);
    /// assert!(m.forward(&Tensor::zeros(&[1, 10])).is_err());
    /// ```
    pub fn forward(&mut self, x: &Tensor<T>) -> Result<Tensor<T>, NnError> {
        let mut layers = self.layers.iter_mut();
        let first = layers.next().expect("models have layers");
        let mut h = first.forward(x)?;
        for layer in layers {
            h = layer.forward(&h)?;
        }
        Ok(h)
    }

    /// The backward pass from the gradient of the loss with respect to the
    /// logits; sets every parameter gradient.
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// use lognum_tensor::Tensor;
    /// let mut m = Model::<f32>::new(ModelKind::Mlp, 28, 28, 1);
    /// m.forward(&Tensor::zeros(&[2, 784])).unwrap();
    /// m.backward(&Tensor::zeros(&[2, 10])).unwrap();
    /// ```
    pub fn backward(&mut self, grad: &Tensor<T>) -> Result<(), NnError> {
        let n = self.layers.len();
        let mut g = grad.clone();
        for (i, layer) in self.layers.iter_mut().enumerate().rev() {
            match layer.backward(&g, i > 0)? {
                Some(next) => g = next,
                None => debug_assert!(i == 0 || n == 0),
            }
        }
        Ok(())
    }

    /// Sets the summation order of every matrix product (forward and
    /// backward) in the network; see [`Accumulate`].
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// use lognum_tensor::matmul::Accumulate;
    /// let mut m = Model::<f32>::new(ModelKind::Cnn, 28, 28, 1);
    /// m.set_accumulate(Accumulate::Blocked(32));
    /// ```
    pub fn set_accumulate(&mut self, acc: Accumulate) {
        for layer in &mut self.layers {
            layer.set_accumulate(acc);
        }
    }

    /// Every parameter with its gradient, in a fixed order.
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// assert_eq!(Model::<f32>::new(ModelKind::Mlp, 28, 28, 1).params_mut().len(), 4);
    /// ```
    pub fn params_mut(&mut self) -> Vec<ParamMut<'_, T>> {
        self.layers
            .iter_mut()
            .flat_map(|l| l.params_mut())
            .collect()
    }

    /// Every parameter, in the order of [`params_mut`](Self::params_mut).
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// assert_eq!(Model::<f32>::new(ModelKind::Mlp, 28, 28, 1).params()[0].len(), 78_400);
    /// ```
    pub fn params(&self) -> Vec<&[T]> {
        self.layers.iter().flat_map(|l| l.params()).collect()
    }

    /// The parameters' shapes.
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// assert_eq!(Model::<f32>::new(ModelKind::Mlp, 28, 28, 1).param_shapes()[0], vec![784, 100]);
    /// ```
    pub fn param_shapes(&self) -> Vec<Vec<usize>> {
        self.layers.iter().flat_map(|l| l.param_shapes()).collect()
    }

    /// The number of parameters.
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// assert_eq!(Model::<f32>::new(ModelKind::Mlp, 28, 28, 1).num_params(), 79_510);
    /// ```
    pub fn num_params(&self) -> usize {
        self.params().iter().map(|p| p.len()).sum()
    }

    /// Every parameter as f64, concatenated (for tests and reports).
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// assert_eq!(Model::<f32>::new(ModelKind::Mlp, 28, 28, 1).params_f64().len(), 79_510);
    /// ```
    pub fn params_f64(&self) -> Vec<f64> {
        self.params()
            .iter()
            .flat_map(|p| p.iter().map(|x| x.to_f64()))
            .collect()
    }

    /// Predicted classes for `images` (already in `T`, `rows·cols` values per
    /// image), evaluated `batch` images at a time.
    ///
    /// ```
    /// use lognum_nn::{model::Model, train::ModelKind};
    /// let mut m = Model::<f32>::new(ModelKind::Mlp, 28, 28, 1);
    /// assert_eq!(m.predict(&vec![0.0; 3 * 784], 2).unwrap().len(), 3);
    /// assert!(m.predict(&vec![0.0; 100], 2).is_err());
    /// ```
    pub fn predict(&mut self, images: &[T], batch: usize) -> Result<Vec<usize>, NnError> {
        let per = self.rows * self.cols;
        if per == 0 || !images.len().is_multiple_of(per) {
            return Err(TensorError::Length {
                len: images.len(),
                shape: vec![images.len() / per.max(1), self.rows, self.cols],
            }
            .into());
        }
        let mut out = Vec::with_capacity(images.len() / per);
        for chunk in images.chunks(per * batch.max(1)) {
            let n = chunk.len() / per;
            let x = Tensor::from_vec(chunk.to_vec(), &self.input_shape(n))?;
            let logits = self.forward(&x)?;
            let z = logits.as_slice().expect("tensors are contiguous");
            let classes = z.len() / n;
            out.extend(z.chunks_exact(classes).map(argmax));
        }
        Ok(out)
    }

    /// Loads parameter values (same order and lengths as
    /// [`params`](Self::params)).
    pub(crate) fn set_params(&mut self, values: Vec<Vec<T>>) -> Result<(), NnError> {
        let mut params = self.params_mut();
        if params.len() != values.len()
            || params
                .iter()
                .zip(&values)
                .any(|(p, v)| p.value.len() != v.len())
        {
            return Err(TensorError::ShapeMismatch {
                op: "set_params",
                left: params.iter().map(|p| p.value.len()).collect(),
                right: values.iter().map(Vec::len).collect(),
            }
            .into());
        }
        for (p, v) in params.iter_mut().zip(values) {
            p.value.copy_from_slice(&v);
        }
        Ok(())
    }
}
