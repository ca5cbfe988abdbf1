//! Saving and loading one-byte networks as safetensors: see
//! [Saving and loading](super#saving-and-loading).

use std::collections::HashSet;
use std::path::Path;

use lognum::LogAdd;
use lognum_tensor::scaled::{MAX_OFFSET, Scaled8};
use safetensors::Dtype;

use super::{Dense8, LNS8_FRAC, Lns8Mlp, State, W16};
use crate::checkpoint::{self as ckpt, FORMAT_KEY, LAYERS_KEY, OFFSET_SUFFIX, VERSION_KEY};
use crate::layers::LayerSpec;
use crate::{CheckpointError, NnError, NnScalar};

/// The layer spec of [`model::mlp`](crate::model::mlp) for the widths
/// `inputs, hidden…, classes`: a flatten, then linear layers with leaky
/// ReLUs between them.
fn mlp_spec(widths: &[usize]) -> LayerSpec {
    let mut layers = vec![LayerSpec::Flatten];
    for (i, w) in widths.windows(2).enumerate() {
        layers.push(LayerSpec::Linear {
            inputs: w[0],
            outputs: w[1],
        });
        if i + 2 < widths.len() {
            layers.push(LayerSpec::LeakyRelu {
                shift: Some(crate::model::LEAKY_SHIFT),
            });
        }
    }
    LayerSpec::Sequential { layers }
}

/// The widths of a spec that [`mlp_spec`] writes (at least one hidden
/// layer), or `None` for any other network.
fn mlp_widths(spec: &LayerSpec) -> Option<Vec<usize>> {
    let LayerSpec::Sequential { layers } = spec else {
        return None;
    };
    let mut widths = Vec::new();
    for l in layers {
        if let LayerSpec::Linear { inputs, outputs } = l {
            if widths.is_empty() {
                widths.push(*inputs);
            }
            if widths.last() != Some(inputs) {
                return None;
            }
            widths.push(*outputs);
        }
    }
    (widths.len() >= 3 && mlp_spec(&widths) == *spec).then_some(widths)
}

fn corrupt(what: impl Into<String>) -> NnError {
    CheckpointError::Corrupt(what.into()).into()
}

impl<const FRAC: u32, A: LogAdd> Lns8Mlp<FRAC, A>
where
    W16<A>: NnScalar,
{
    /// The format name its checkpoints carry: `"lns8-{A::NAME}"` (the
    /// names of [`Lns8Format`](super::Lns8Format)) at the one-byte formats'
    /// [`LNS8_FRAC`] fraction bits, `"lns8-{A::NAME}-frac{FRAC}"` at others.
    ///
    /// ```
    /// use lognum::{Exact, Lut};
    /// use lognum_nn::lns8::Lns8Mlp;
    /// assert_eq!(Lns8Mlp::<3, Lut>::format_name(), "lns8-lut");
    /// assert_eq!(Lns8Mlp::<4, Exact>::format_name(), "lns8-exact-frac4");
    /// ```
    pub fn format_name() -> String {
        if FRAC == LNS8_FRAC {
            format!("lns8-{}", A::NAME)
        } else {
            format!("lns8-{}-frac{FRAC}", A::NAME)
        }
    }

    /// The network as a layer spec: the one [`model::mlp`](crate::model::mlp)
    /// gives an MLP of the same widths in the other formats.
    ///
    /// ```
    /// use lognum::Lut;
    /// use lognum_nn::layers::Layer;
    /// use lognum_nn::lns8::{Lns8Mlp, Lns8Optimizer};
    /// let net = Lns8Mlp::<3, Lut>::new(&"mlp:4".parse()?, 2, 3, 1, &Lns8Optimizer::Sgd, false)?;
    /// assert_eq!(net.spec(), lognum_nn::model::mlp::<f32>(&[2], &[4], 3, 1)?.spec());
    /// # Ok::<(), lognum_nn::NnError>(())
    /// ```
    pub fn spec(&self) -> LayerSpec {
        let mut widths: Vec<usize> = self.layers.iter().take(1).map(|l| l.w.shape()[0]).collect();
        widths.extend(self.layers.iter().map(|l| l.w.shape()[1]));
        mlp_spec(&widths)
    }

    /// The safetensors bytes of the network's inference state: per layer
    /// the one-byte weight words (`U8`), their offset (metadata) and the
    /// 16-bit bias words (`U16`); see [Saving and
    /// loading](super#saving-and-loading). The optimiser's state is not
    /// saved.
    ///
    /// ```
    /// use lognum::Lut;
    /// use lognum_nn::checkpoint::info;
    /// use lognum_nn::lns8::{Lns8Mlp, Lns8Optimizer};
    /// let net = Lns8Mlp::<3, Lut>::new(&"mlp:4".parse()?, 2, 3, 1, &Lns8Optimizer::madam(), false)?;
    /// let info = info(&net.to_bytes()?)?;
    /// assert_eq!(info.format, "lns8-lut");
    /// assert!(info.tensors.contains(&("1.weight".into(), "U8".into(), vec![2, 4])));
    /// assert!(info.tensors.contains(&("3.bias".into(), "U16".into(), vec![3])));
    /// # Ok::<(), lognum_nn::NnError>(())
    /// ```
    pub fn to_bytes(&self) -> Result<Vec<u8>, NnError> {
        let spec = self.spec();
        let shapes = spec.param_shapes()?;
        let (mut names, mut dims, mut dtypes, mut data) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut metadata = std::collections::HashMap::from([
            (FORMAT_KEY.to_string(), Self::format_name()),
            (LAYERS_KEY.to_string(), ckpt::spec_json(&spec)),
            (
                VERSION_KEY.to_string(),
                env!("CARGO_PKG_VERSION").to_string(),
            ),
        ]);
        for (layer, pair) in self.layers.iter().zip(shapes.chunks_exact(2)) {
            let [(w_name, w_shape), (b_name, b_shape)] = pair else {
                unreachable!("chunks of two");
            };
            metadata.insert(
                format!("{w_name}{OFFSET_SUFFIX}"),
                layer.w.offset().to_string(),
            );
            let mut bias = Vec::with_capacity(layer.b.len() * W16::<A>::WORD.size());
            for &b in &layer.b {
                b.write_word(&mut bias);
            }
            names.extend([w_name.clone(), b_name.clone()]);
            dims.extend([w_shape.clone(), b_shape.clone()]);
            dtypes.extend([Dtype::U8, W16::<A>::WORD.dtype()]);
            data.extend([layer.w.words().to_vec(), bias]);
        }
        ckpt::write_tensors(&names, dims, &dtypes, &data, metadata)
    }

    /// Writes [`to_bytes`](Self::to_bytes) to `path` atomically, as
    /// [`checkpoint::save`](crate::checkpoint::save) does: on any failure
    /// `path` is untouched.
    ///
    /// ```
    /// use lognum::Lut;
    /// use lognum_nn::lns8::{Lns8Mlp, Lns8Optimizer};
    /// let path = std::env::temp_dir().join("lognum-nn-doc-lns8-save.safetensors");
    /// let net = Lns8Mlp::<3, Lut>::new(&"mlp:8".parse()?, 4, 2, 1, &Lns8Optimizer::Sgd, false)?;
    /// net.save(&path)?;
    /// assert_eq!(Lns8Mlp::<3, Lut>::load(&path)?.weight(0), net.weight(0));
    /// # std::fs::remove_file(path).ok();
    /// # Ok::<(), lognum_nn::NnError>(())
    /// ```
    pub fn save(&self, path: &Path) -> Result<(), NnError> {
        let bytes = self.to_bytes()?;
        crate::atomic::write_file(path, &bytes).map_err(|e| CheckpointError::Io(e).into())
    }

    /// The network saved in `bytes`, its weights, offsets and biases
    /// exactly the saved ones, without optimiser state (it evaluates; it is
    /// not trained further). Every malformed, truncated or damaged file, a
    /// file of another format (a 16-bit one, or another one-byte one) and a
    /// network other than an MLP of [`model::mlp`](crate::model::mlp)'s
    /// layout is a [`CheckpointError`].
    ///
    /// ```
    /// use lognum::{Exact, Lut};
    /// use lognum_nn::lns8::{Lns8Mlp, Lns8Optimizer};
    /// let net = Lns8Mlp::<3, Lut>::new(&"mlp:4".parse()?, 2, 3, 1, &Lns8Optimizer::Sgd, false)?;
    /// let bytes = net.to_bytes()?;
    /// assert_eq!(Lns8Mlp::<3, Lut>::from_bytes(&bytes)?.weight(1), net.weight(1));
    /// let err = Lns8Mlp::<3, Exact>::from_bytes(&bytes).err().unwrap().to_string();
    /// assert!(err.contains("lns8-lut") && err.contains("lns8-exact"), "{err}");
    /// assert!(Lns8Mlp::<3, Lut>::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    /// # Ok::<(), lognum_nn::NnError>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, NnError> {
        let (meta, tensors) = ckpt::parse(bytes)?;
        let info = ckpt::info_of(&meta)?;
        let format = Self::format_name();
        ckpt::check_format_name(&info, &format)?;
        if mlp_widths(&info.layers).is_none() {
            return Err(CheckpointError::ModelMismatch {
                expected: "a one-byte MLP (flatten, then linear layers with leaky ReLUs \
                           between them, at least one hidden)"
                    .into(),
                found: ckpt::spec_json(&info.layers),
            }
            .into());
        }
        // Checks every size before anything is allocated.
        let expected = info.layers.param_shapes()?;
        let wanted: HashSet<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
        ckpt::check_no_extra(&tensors, &wanted)?;
        let empty = std::collections::HashMap::new();
        let metadata = meta.metadata().as_ref().unwrap_or(&empty);
        let weights: HashSet<String> = expected
            .iter()
            .step_by(2)
            .map(|(n, _)| format!("{n}{OFFSET_SUFFIX}"))
            .collect();
        if let Some(stray) = metadata
            .keys()
            .find(|k| k.ends_with(OFFSET_SUFFIX) && !weights.contains(*k))
        {
            return Err(corrupt(format!(
                "metadata entry {stray:?} is not the offset of a weight tensor"
            )));
        }
        let mut layers = Vec::with_capacity(expected.len() / 2);
        for pair in expected.chunks_exact(2) {
            let [(w_name, w_shape), (b_name, b_shape)] = pair else {
                unreachable!("chunks of two");
            };
            let words = ckpt::tensor_data(&tensors, w_name, w_shape, Dtype::U8, &format, "U8")?;
            let key = format!("{w_name}{OFFSET_SUFFIX}");
            let text = metadata
                .get(&key)
                .ok_or_else(|| corrupt(format!("metadata has no offset {key:?}")))?;
            let offset = text
                .parse::<i64>()
                .ok()
                .filter(|o| (-MAX_OFFSET..=MAX_OFFSET).contains(o))
                .ok_or_else(|| {
                    corrupt(format!(
                        "offset {key:?} is {text:?}, not an integer in ±{MAX_OFFSET}"
                    ))
                })?;
            // Every byte is a word: a sign and a 7-bit log, 0x00 and 0x80
            // being zero.
            let w = Scaled8::from_parts(words.data().to_vec(), w_shape, offset)
                .map_err(|e| corrupt(format!("parameter {w_name:?}: {e}")))?;
            let bias = ckpt::tensor_data(
                &tensors,
                b_name,
                b_shape,
                W16::<A>::WORD.dtype(),
                &format,
                W16::<A>::WORD.name(),
            )?;
            let b = bias
                .data()
                .chunks_exact(W16::<A>::WORD.size())
                .enumerate()
                .map(|(i, word)| {
                    W16::<A>::read_word(word).ok_or_else(|| {
                        corrupt(format!(
                            "parameter {b_name:?}, element {i}: {word:02x?} is not a bias word"
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            layers.push(Dense8 {
                w,
                b,
                state: State::Sgd { master: None },
            });
        }
        Ok(Self {
            layers,
            acc: <W16<A> as NnScalar>::preferred_accumulate(),
        })
    }

    /// Every parameter's values by tensor name (weights with their offset
    /// applied), for [`export_f32`](crate::checkpoint::export_f32).
    pub(crate) fn values_f64(&self) -> Result<Vec<(String, Vec<f64>)>, NnError> {
        let shapes = self.spec().param_shapes()?;
        let mut out = Vec::with_capacity(shapes.len());
        for (layer, pair) in self.layers.iter().zip(shapes.chunks_exact(2)) {
            out.push((pair[0].0.clone(), layer.w.to_f64_vec()));
            out.push((
                pair[1].0.clone(),
                layer
                    .b
                    .iter()
                    .map(|&b| lognum_tensor::Scalar::to_f64_lossy(b))
                    .collect(),
            ));
        }
        Ok(out)
    }

    /// Reads the network saved at `path` (see [`from_bytes`](Self::from_bytes)).
    ///
    /// ```
    /// use lognum::Lut;
    /// use lognum_nn::lns8::Lns8Mlp;
    /// let err = Lns8Mlp::<3, Lut>::load("/nonexistent/x".as_ref()).err().unwrap();
    /// assert!(err.to_string().contains("i/o"));
    /// ```
    pub fn load(path: &Path) -> Result<Self, NnError> {
        Self::from_bytes(&ckpt::read(path)?)
    }
}
