//! Layers in a chain.

use std::fmt;

use lognum_tensor::Tensor;
use lognum_tensor::matmul::Accumulate;

use super::{Layer, LayerSpec, ParamMut};
use crate::loss::argmax;
use crate::{NnError, NnScalar};

/// Layers applied one after the other: itself a [`Layer`], so networks nest.
///
/// Built with [`with`](Self::with) (by value, for a builder chain) or
/// [`push`](Self::push). The forward pass feeds each layer's output to the
/// next; the backward pass runs the layers in reverse and skips the input
/// gradient of the first layer when nobody asks for it. Parameters are
/// listed layer by layer and named `"{index}.{name}"`, as PyTorch's
/// `nn.Sequential` names them.
///
/// ```
/// use lognum::LogNum;
/// use lognum_nn::init::Init;
/// use lognum_nn::layers::{Layer, LeakyRelu, Linear, Sequential};
/// use lognum_nn::rng::Rng;
/// use lognum_tensor::Tensor;
/// type L = LogNum<10>;
/// let mut rng = Rng::new(1);
/// let mut net = Sequential::<L>::new()
///     .with(Linear::with_init(2, 16, &Init::HeNormal, &mut rng))
///     .with(LeakyRelu::leaky(7))
///     .with(Linear::with_init(16, 3, &Init::HeNormal, &mut rng));
/// assert_eq!(net.num_params(), 2 * 16 + 16 + 16 * 3 + 3);
/// let y = net.forward(&Tensor::zeros(&[5, 2]))?;
/// assert_eq!(y.shape(), &[5, 3]);
/// assert_eq!(net.param_names()[2], "2.weight");
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub struct Sequential<T: NnScalar> {
    layers: Vec<Box<dyn Layer<T>>>,
}

impl<T: NnScalar> Default for Sequential<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: NnScalar> fmt::Debug for Sequential<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sequential")
            .field("layers", &self.layer_names())
            .finish()
    }
}

impl<T: NnScalar> Sequential<T> {
    /// An empty chain (the identity).
    ///
    /// ```
    /// assert!(lognum_nn::layers::Sequential::<f32>::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self { layers: Vec::new() }
    }

    /// A chain of boxed layers.
    ///
    /// ```
    /// use lognum_nn::layers::{Flatten, Layer, Sequential};
    /// let net = Sequential::<f32>::from_layers(vec![Box::new(Flatten::new())]);
    /// assert_eq!(net.len(), 1);
    /// ```
    pub fn from_layers(layers: Vec<Box<dyn Layer<T>>>) -> Self {
        Self { layers }
    }

    /// A network of zero parameters built from `spec` (see
    /// [`LayerSpec::build`]); a spec that is not
    /// [`Sequential`](LayerSpec::Sequential) gives a chain of that one layer.
    ///
    /// ```
    /// use lognum_nn::layers::{Layer, LayerSpec, Sequential};
    /// let spec = LayerSpec::Sequential { layers: vec![LayerSpec::Flatten] };
    /// assert_eq!(Sequential::<f32>::from_spec(&spec).unwrap().spec(), spec);
    /// ```
    pub fn from_spec(spec: &LayerSpec) -> Result<Self, NnError> {
        // One check of every size (and of custom layers) for the whole tree.
        spec.param_shapes()?;
        Ok(Self {
            layers: match spec {
                LayerSpec::Sequential { layers } => {
                    layers.iter().map(LayerSpec::build_checked).collect()
                }
                other => vec![other.build_checked()],
            },
        })
    }

    /// Appends `layer` and returns the chain: the builder form.
    ///
    /// ```
    /// use lognum_nn::layers::{LeakyRelu, Sequential};
    /// let net = Sequential::<f32>::new().with(LeakyRelu::relu()).with(LeakyRelu::leaky(3));
    /// assert_eq!(net.len(), 2);
    /// ```
    #[must_use]
    pub fn with(mut self, layer: impl Layer<T> + 'static) -> Self {
        self.push(layer);
        self
    }

    /// Appends `layer`.
    ///
    /// ```
    /// use lognum_nn::layers::{Flatten, Sequential};
    /// let mut net = Sequential::<f32>::new();
    /// net.push(Flatten::new());
    /// assert_eq!(net.len(), 1);
    /// ```
    pub fn push(&mut self, layer: impl Layer<T> + 'static) {
        self.layers.push(Box::new(layer));
    }

    /// The number of layers (a nested chain counts as one).
    ///
    /// ```
    /// assert_eq!(lognum_nn::layers::Sequential::<f64>::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// Whether the chain has no layers.
    ///
    /// ```
    /// assert!(lognum_nn::layers::Sequential::<f64>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// The layers, in order.
    ///
    /// ```
    /// use lognum_nn::layers::{Flatten, Sequential};
    /// let net = Sequential::<f32>::new().with(Flatten::new());
    /// assert_eq!(net.layers()[0].name(), "flatten");
    /// ```
    pub fn layers(&self) -> &[Box<dyn Layer<T>>] {
        &self.layers
    }

    /// The layers' names, in order.
    ///
    /// ```
    /// use lognum_nn::layers::{Linear, Sequential};
    /// let net = Sequential::<f32>::new().with(Linear::new(784, 100));
    /// assert_eq!(net.layer_names(), vec!["linear 784→100"]);
    /// ```
    pub fn layer_names(&self) -> Vec<String> {
        self.layers.iter().map(|l| l.name()).collect()
    }

    /// The number of parameters.
    ///
    /// ```
    /// use lognum_nn::layers::{Linear, Sequential};
    /// assert_eq!(Sequential::<f32>::new().with(Linear::new(3, 2)).num_params(), 8);
    /// ```
    pub fn num_params(&self) -> usize {
        self.params().iter().map(|p| p.len()).sum()
    }

    /// Every parameter as f64, concatenated (for tests and reports).
    ///
    /// ```
    /// use lognum_nn::layers::{Linear, Sequential};
    /// let net = Sequential::<f32>::new().with(Linear::new(3, 2));
    /// assert_eq!(net.params_f64(), vec![0.0; 8]);
    /// ```
    pub fn params_f64(&self) -> Vec<f64> {
        self.params()
            .iter()
            .flat_map(|p| p.iter().map(|x| x.to_f64_lossy()))
            .collect()
    }

    /// Replaces every parameter's values, in the order and with the lengths
    /// of [`params`](Layer::params); refuses a mismatch and changes nothing
    /// then.
    ///
    /// ```
    /// use lognum_nn::layers::{Layer, Linear, Sequential};
    /// let mut net = Sequential::<f32>::new().with(Linear::new(1, 1));
    /// net.set_params(vec![vec![2.0], vec![0.5]]).unwrap();
    /// assert_eq!(net.params_f64(), vec![2.0, 0.5]);
    /// assert!(net.set_params(vec![vec![2.0]]).is_err());
    /// ```
    pub fn set_params(&mut self, values: Vec<Vec<T>>) -> Result<(), NnError> {
        let mut params = self.params_mut();
        if params.len() != values.len()
            || params
                .iter()
                .zip(&values)
                .any(|(p, v)| p.value.len() != v.len())
        {
            return Err(lognum_tensor::TensorError::ShapeMismatch {
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

    /// The predicted class of every row of `x` (the first largest output):
    /// one forward pass.
    ///
    /// ```
    /// use lognum_nn::layers::{Linear, Sequential};
    /// use lognum_tensor::Tensor;
    /// let mut net = Sequential::<f32>::new().with(Linear::from_weights(1, 2, vec![-1.0, 1.0], vec![0.0, 0.0])?);
    /// let x = Tensor::from_vec(vec![3.0, -3.0], &[2, 1])?;
    /// assert_eq!(net.predict(&x)?, vec![1, 0]);
    /// # Ok::<(), lognum_nn::NnError>(())
    /// ```
    pub fn predict(&mut self, x: &Tensor<T>) -> Result<Vec<usize>, NnError> {
        let y = self.forward(x)?;
        let &[rows, cols] = y.shape() else {
            return Err(lognum_tensor::TensorError::InvalidShape {
                op: "predict",
                shape: y.shape().to_vec(),
                expected: "[batch, classes]".into(),
            }
            .into());
        };
        let z = y.as_slice().expect("tensors are contiguous");
        Ok(if cols == 0 {
            vec![0; rows]
        } else {
            z.chunks_exact(cols).map(argmax).collect()
        })
    }
}

impl<T: NnScalar> Layer<T> for Sequential<T> {
    fn name(&self) -> String {
        format!("sequential [{}]", self.layer_names().join(", "))
    }

    fn forward(&mut self, x: &Tensor<T>) -> Result<Tensor<T>, NnError> {
        let mut layers = self.layers.iter_mut();
        let Some(first) = layers.next() else {
            return Ok(x.clone());
        };
        let mut h = first.forward(x)?;
        for layer in layers {
            h = layer.forward(&h)?;
        }
        Ok(h)
    }

    fn backward(
        &mut self,
        grad: &Tensor<T>,
        input_grad: bool,
    ) -> Result<Option<Tensor<T>>, NnError> {
        let mut g = grad.clone();
        // Below the first layer with parameters no gradient is needed (a
        // network that starts with `Flatten` skips the first linear
        // layer's input gradient, the largest product of its step).
        let first_trained = self
            .layers
            .iter()
            .position(|l| l.params().iter().any(|p| !p.is_empty()));
        for (i, layer) in self.layers.iter_mut().enumerate().rev() {
            let want = input_grad || first_trained.is_some_and(|f| i > f);
            match layer.backward(&g, want)? {
                Some(next) => g = next,
                None if want => {
                    return Err(NnError::Config {
                        field: "layers",
                        reason: format!("layer {i} ({}) returned no input gradient", layer.name()),
                    });
                }
                None => return Ok(None),
            }
        }
        Ok(input_grad.then_some(g))
    }

    fn params(&self) -> Vec<&[T]> {
        self.layers.iter().flat_map(|l| l.params()).collect()
    }

    fn param_shapes(&self) -> Vec<Vec<usize>> {
        self.layers.iter().flat_map(|l| l.param_shapes()).collect()
    }

    fn param_names(&self) -> Vec<String> {
        self.layers
            .iter()
            .enumerate()
            .flat_map(|(i, l)| l.param_names().into_iter().map(move |n| format!("{i}.{n}")))
            .collect()
    }

    fn params_mut(&mut self) -> Vec<ParamMut<'_, T>> {
        self.layers
            .iter_mut()
            .flat_map(|l| l.params_mut())
            .collect()
    }

    fn set_accumulate(&mut self, acc: Accumulate) {
        for layer in &mut self.layers {
            layer.set_accumulate(acc);
        }
    }

    fn spec(&self) -> LayerSpec {
        LayerSpec::Sequential {
            layers: self.layers.iter().map(|l| l.spec()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::layers::Linear;

    /// A layer without parameters that records each backward call's
    /// `input_grad`.
    struct Probe(Arc<Mutex<Vec<bool>>>);

    impl Layer<f32> for Probe {
        fn name(&self) -> String {
            "probe".into()
        }
        fn forward(&mut self, x: &Tensor<f32>) -> Result<Tensor<f32>, NnError> {
            Ok(x.clone())
        }
        fn backward(
            &mut self,
            grad: &Tensor<f32>,
            input_grad: bool,
        ) -> Result<Option<Tensor<f32>>, NnError> {
            self.0.lock().unwrap().push(input_grad);
            Ok(input_grad.then(|| grad.clone()))
        }
    }

    /// Layers below the first one with parameters get no backward call
    /// unless the caller asks for the input's gradient; layers between
    /// trained ones still pass the gradient on.
    #[test]
    fn no_gradient_below_the_first_trained_layer() {
        let (low, mid) = (Arc::default(), Arc::default());
        let mut net = Sequential::<f32>::new()
            .with(Probe(Arc::clone(&low)))
            .with(Linear::new(3, 4))
            .with(Probe(Arc::clone(&mid)))
            .with(Linear::new(4, 2));
        let x = Tensor::from_vec(vec![0.5f32; 6], &[2, 3]).unwrap();
        let y = net.forward(&x).unwrap();
        let g = Tensor::from_vec(vec![1.0f32; y.len()], y.shape()).unwrap();
        assert!(net.backward(&g, false).unwrap().is_none());
        assert_eq!(*low.lock().unwrap(), Vec::<bool>::new());
        assert_eq!(*mid.lock().unwrap(), vec![true]);
        let dx = net.backward(&g, true).unwrap().expect("asked for");
        assert_eq!(dx.shape(), &[2, 3]);
        assert_eq!(*low.lock().unwrap(), vec![true]);
    }
}
