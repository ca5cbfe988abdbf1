//! Saving and loading networks as [safetensors](https://huggingface.co/docs/safetensors).
//!
//! A checkpoint is a safetensors file: one tensor per parameter, named as
//! [`Layer::param_names`] says (`"1.weight"`, `"1.bias"`, … for a
//! [`Sequential`], as PyTorch's `nn.Sequential` names them), each holding
//! the format's **raw words** with the dtype [`NnScalar::WORD`] gives:
//!
//! | format | dtype |
//! |---|---|
//! | 16- and 12-bit LNS, `f16`, `bf16` | `U16` (the word's bits) |
//! | `fixed16` | `I16` (the fixed-point bits) |
//! | `f32`, `f64` | `F32`, `F64` |
//! | 32-bit LNS | `U32` |
//! | one-byte LNS (`lns8-…`, [`Lns8Mlp`](crate::lns8::Lns8Mlp)) | weights `U8` (the words), biases `U16`; each weight's log offset in the metadata entry `"{name}.offset"` ([`OFFSET_SUFFIX`]) |
//!
//! One-byte networks are saved and loaded by
//! [`Lns8Mlp::save`](crate::lns8::Lns8Mlp::save) and
//! [`Lns8Mlp::load`](crate::lns8::Lns8Mlp::load) (see
//! [Saving and loading](crate::lns8#saving-and-loading)) under the same
//! keys and checks; [`info`] reads their metadata like any other.
//!
//! Every checkpoint has three metadata entries: [`FORMAT_KEY`] (the format's name, e.g.
//! `"lns16-lut"`), [`LAYERS_KEY`] (the network's [`LayerSpec`] as JSON) and
//! [`VERSION_KEY`] (the version of this crate that wrote it). Weights are
//! stored as the words training produced, so a loaded network is bit for bit
//! the saved one. Tensor shapes are the layers' own: a [`Linear`](crate::layers::Linear)
//! weight is `[inputs, outputs]`; [`export_f32`] writes PyTorch's layout.
//!
//! Loading checks, before it allocates a network: that the file is a
//! well-formed safetensors file (header length, JSON, offsets; a truncated
//! file is reported as such), that it was written in the format being loaded
//! (a different format is an error, never a silent conversion), that the
//! layer spec is one this crate can build (or, with [`load_into`], equals the
//! network's), and that the tensors are exactly the parameters, with their
//! shapes and dtype, and hold valid words. Every failure is a
//! [`CheckpointError`] naming the cause; no input makes it panic.
//!
//! **Older checkpoints.** Files of the format this crate wrote before it
//! adopted safetensors (magic `LGNMCKPT`) are recognised and refused with
//! [`CheckpointError::LegacyFormat`]: retrain to write a safetensors file.
//!
//! ```
//! use lognum_nn::checkpoint::{from_bytes, to_bytes};
//! use lognum_nn::format::Lns16Lut;
//! use lognum_nn::layers::Layer;
//! use lognum_nn::model::ModelSpec;
//! let net = ModelSpec::Mlp { hidden: vec![16] }.build::<Lns16Lut>(&[1, 4, 4], 3, 1)?;
//! let bytes = to_bytes(&net)?;
//! let back = from_bytes::<Lns16Lut>(&bytes)?;
//! assert_eq!(back.params(), net.params());
//! let err = from_bytes::<f32>(&bytes).unwrap_err().to_string();
//! assert!(err.contains("lns16-lut"), "{err}");
//! assert!(from_bytes::<Lns16Lut>(&bytes[..100]).is_err());
//! # Ok::<(), lognum_nn::NnError>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::path::Path;

use safetensors::SafeTensors;
use safetensors::tensor::{Metadata, TensorView};

use crate::format::Format;
use crate::layers::{Layer, LayerSpec, Sequential};
use crate::lns8::Lns8Format;
use crate::{CheckpointError, NnError, NnScalar};

/// The metadata key of the format name.
pub const FORMAT_KEY: &str = "format";
/// The metadata key of the layer spec (JSON of [`LayerSpec`]).
pub const LAYERS_KEY: &str = "layers";
/// The metadata key of the writing crate's version.
pub const VERSION_KEY: &str = "lognum_nn_version";
/// The metadata key of the checksum: FNV-1a 64 (hex) over every tensor's
/// name and data bytes, in name order. Verified on load when present (files
/// written by other tools have none), so a flipped bit in the weights is
/// found.
pub const CHECKSUM_KEY: &str = "fnv1a64";
/// The ending of the metadata keys that hold a one-byte weight tensor's log
/// offset: `"{tensor}.offset"` (see [`lns8`](crate::lns8)). The checksum
/// covers these entries too.
pub const OFFSET_SUFFIX: &str = ".offset";
/// The metadata key [`export_f32`] adds: the format the weights were trained
/// in.
pub const SOURCE_FORMAT_KEY: &str = "source_format";
/// The first eight bytes of the checkpoints this crate wrote before
/// safetensors, recognised only to refuse them clearly.
pub const LEGACY_MAGIC: &[u8; 8] = b"LGNMCKPT";

/// What a checkpoint's metadata says, readable without knowing its format.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckpointInfo {
    /// The number format's name (e.g. `"lns16-lut"`; parse it with
    /// [`Format`]'s `FromStr`).
    pub format: String,
    /// The network.
    pub layers: LayerSpec,
    /// The version of `lognum-nn` that wrote the file.
    pub version: String,
    /// Every tensor: name, dtype (safetensors' name, e.g. `"U16"`), shape;
    /// sorted by name.
    pub tensors: Vec<(String, String, Vec<usize>)>,
}

pub(crate) fn corrupt(what: impl Into<String>) -> NnError {
    CheckpointError::Corrupt(what.into()).into()
}

fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The metadata entries the checksum covers beside the tensors: those whose
/// key ends in [`OFFSET_SUFFIX`] (the one-byte weights' offsets), each as
/// its key and the value's bytes.
fn checksummed_metadata(
    metadata: Option<&HashMap<String, String>>,
) -> impl Iterator<Item = (&str, &[u8])> {
    metadata
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.ends_with(OFFSET_SUFFIX))
        .map(|(k, v)| (k.as_str(), v.as_bytes()))
}

/// The checksum of named tensor data, independent of the file layout.
fn checksum<'a>(tensors: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut sorted: Vec<_> = tensors.into_iter().collect();
    sorted.sort_by_key(|t| t.0);
    let h = sorted
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, (name, data)| {
            let h = fnv1a(h, &(name.len() as u64).to_le_bytes());
            let h = fnv1a(h, name.as_bytes());
            let h = fnv1a(h, &(data.len() as u64).to_le_bytes());
            fnv1a(h, data)
        });
    format!("{h:016x}")
}

/// Serialises named tensors (tensor `i` of dtype `dtypes[i]`) with
/// `metadata` plus the checksum.
pub(crate) fn write_tensors(
    names: &[String],
    shapes: Vec<Vec<usize>>,
    dtypes: &[safetensors::Dtype],
    data: &[Vec<u8>],
    mut metadata: HashMap<String, String>,
) -> Result<Vec<u8>, NnError> {
    if dtypes.len() != names.len() {
        return Err(corrupt(format!(
            "{} tensors but {} dtypes",
            names.len(),
            dtypes.len()
        )));
    }
    let sum = checksum(
        names
            .iter()
            .map(String::as_str)
            .zip(data.iter().map(Vec::as_slice))
            .chain(checksummed_metadata(Some(&metadata))),
    );
    metadata.insert(CHECKSUM_KEY.to_string(), sum);
    let mut views = Vec::with_capacity(names.len());
    for (((name, shape), d), &dtype) in names.iter().zip(shapes).zip(data).zip(dtypes) {
        let view = TensorView::new(dtype, shape, d)
            .map_err(|e| corrupt(format!("parameter {name}: {e}")))?;
        views.push((name.clone(), view));
    }
    let bytes =
        safetensors::serialize(views, Some(metadata)).map_err(|e| corrupt(e.to_string()))?;
    sort_header(bytes)
}

/// The same file with the header's keys in sorted order. `safetensors`
/// writes the metadata map in its hash order, which differs from one map to
/// the next, so two saves of one network gave different bytes. The sorted
/// header has the same keys and values, so the same length, and the data
/// stays where it is.
fn sort_header(mut bytes: Vec<u8>) -> Result<Vec<u8>, NnError> {
    use std::collections::BTreeMap;
    let bad = |what: &str| corrupt(format!("the header just written {what}"));
    let len = bytes
        .first_chunk::<8>()
        .map(|n| u64::from_le_bytes(*n))
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n <= bytes.len() - 8)
        .ok_or_else(|| bad("has no length"))?;
    let header = &bytes[8..8 + len];
    let mut top: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(header).map_err(|e| bad(&format!("does not parse: {e}")))?;
    if let Some(serde_json::Value::Object(meta)) = top.get_mut("__metadata__") {
        // In sorted order whatever map type serde_json was built with.
        let sorted: BTreeMap<_, _> = std::mem::take(meta).into_iter().collect();
        meta.extend(sorted);
    }
    let json = serde_json::to_vec(&top).map_err(|e| bad(&format!("does not print: {e}")))?;
    if json.len() > len {
        return Err(bad("grew when sorted"));
    }
    bytes[8..8 + json.len()].copy_from_slice(&json);
    bytes[8 + json.len()..8 + len].fill(b' ');
    Ok(bytes)
}

pub(crate) fn spec_json(spec: &LayerSpec) -> String {
    serde_json::to_string(spec).expect("a layer spec always serialises")
}

/// The safetensors bytes of `net`, in format `T`.
///
/// ```
/// use lognum_nn::checkpoint::{info, to_bytes};
/// use lognum_nn::layers::{Linear, Sequential};
/// let net = Sequential::<f32>::new().with(Linear::new(2, 3));
/// let info = info(&to_bytes(&net)?)?;
/// assert_eq!(info.format, "f32");
/// assert_eq!(info.tensors[0], ("0.bias".to_string(), "F32".to_string(), vec![3]));
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub fn to_bytes<T: NnScalar>(net: &(impl Layer<T> + ?Sized)) -> Result<Vec<u8>, NnError> {
    let names = net.param_names();
    let shapes = net.param_shapes();
    let params = net.params();
    if names.len() != params.len()
        || shapes.len() != params.len()
        || names.iter().collect::<HashSet<_>>().len() != names.len()
    {
        return Err(corrupt(format!(
            "the network names {} parameters ({} distinct) but has {}",
            names.len(),
            names.iter().collect::<HashSet<_>>().len(),
            params.len()
        )));
    }
    let words: Vec<Vec<u8>> = params
        .iter()
        .map(|p| {
            let mut out = Vec::with_capacity(p.len() * T::WORD.size());
            for &v in *p {
                v.write_word(&mut out);
            }
            out
        })
        .collect();
    let metadata = HashMap::from([
        (FORMAT_KEY.to_string(), T::format_name()),
        (LAYERS_KEY.to_string(), spec_json(&net.spec())),
        (
            VERSION_KEY.to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
    ]);
    write_tensors(
        &names,
        shapes,
        &vec![T::WORD.dtype(); names.len()],
        &words,
        metadata,
    )
}

/// Checks that [`save`] to `path` can succeed (see
/// [`atomic::check_writable`](crate::atomic::check_writable)): call it
/// before training for a long time.
///
/// ```
/// assert!(lognum_nn::checkpoint::check_writable("/nonexistent/x.safetensors".as_ref()).is_err());
/// ```
pub fn check_writable(path: &Path) -> Result<(), NnError> {
    crate::atomic::check_writable(path).map_err(|e| CheckpointError::Io(e).into())
}

/// Writes `net` to `path` atomically: a temporary file beside it, synced,
/// then renamed over `path`; on any failure `path` is untouched.
///
/// ```
/// use lognum_nn::{checkpoint, model::ModelSpec};
/// let path = std::env::temp_dir().join("lognum-nn-doc-save.safetensors");
/// let net = ModelSpec::Mlp { hidden: vec![100] }.build::<f32>(&[1, 28, 28], 10, 1)?;
/// checkpoint::save(&net, &path)?;
/// assert_eq!(checkpoint::load::<f32>(&path)?.num_params(), 79_510);
/// # std::fs::remove_file(path).ok();
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub fn save<T: NnScalar>(net: &(impl Layer<T> + ?Sized), path: &Path) -> Result<(), NnError> {
    let bytes = to_bytes(net)?;
    crate::atomic::write_file(path, &bytes).map_err(|e| CheckpointError::Io(e).into())
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, NnError> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => {
            return Err(CheckpointError::Io(std::io::Error::other(format!(
                "{} is not a regular file",
                path.display()
            )))
            .into());
        }
        _ => {}
    }
    std::fs::read(path).map_err(|e| {
        CheckpointError::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
        .into()
    })
}

/// Parses the header, telling a truncated file and an old checkpoint apart
/// from other damage.
pub(crate) fn parse(bytes: &[u8]) -> Result<(Metadata, SafeTensors<'_>), NnError> {
    if bytes.starts_with(LEGACY_MAGIC) {
        return Err(CheckpointError::LegacyFormat.into());
    }
    let Some(len) = bytes.get(..8) else {
        return Err(CheckpointError::Truncated {
            needed: 8,
            available: bytes.len(),
        }
        .into());
    };
    let header = u64::from_le_bytes(len.try_into().expect("eight bytes"));
    let header_end = usize::try_from(header)
        .ok()
        .and_then(|h| h.checked_add(8))
        .filter(|&end| end <= 100_000_000 + 8)
        .ok_or_else(|| CheckpointError::BadHeader(format!("header length {header} is absurd")))?;
    if header_end > bytes.len() {
        return Err(CheckpointError::Truncated {
            needed: header_end,
            available: bytes.len(),
        }
        .into());
    }
    match SafeTensors::read_metadata(bytes) {
        Ok((_, meta)) => {
            let data_end = header_end + meta.data_len();
            if data_end > bytes.len() {
                return Err(CheckpointError::Truncated {
                    needed: data_end,
                    available: bytes.len(),
                }
                .into());
            }
            let tensors = SafeTensors::deserialize(bytes)
                .map_err(|e| CheckpointError::BadHeader(e.to_string()))?;
            if let Some(want) = meta.metadata().as_ref().and_then(|m| m.get(CHECKSUM_KEY)) {
                let got = checksum(
                    tensors
                        .iter()
                        .map(|(n, t)| (n, t.data()))
                        .chain(checksummed_metadata(meta.metadata().as_ref())),
                );
                if *want != got {
                    return Err(corrupt(format!(
                        "checksum mismatch (file says {want}, data gives {got}): the file was damaged"
                    )));
                }
            }
            Ok((meta, tensors))
        }
        Err(e) => {
            // The header is whole but the data may be cut short: say so.
            if let Some(data_len) = declared_data_len(&bytes[8..header_end]) {
                let needed = header_end.saturating_add(data_len);
                if needed > bytes.len() {
                    return Err(CheckpointError::Truncated {
                        needed,
                        available: bytes.len(),
                    }
                    .into());
                }
            }
            Err(CheckpointError::BadHeader(e.to_string()).into())
        }
    }
}

/// The end of the last tensor's data that a header declares, if it parses.
fn declared_data_len(header: &[u8]) -> Option<usize> {
    let v: serde_json::Value = serde_json::from_slice(header).ok()?;
    v.as_object()?
        .iter()
        .filter(|(k, _)| *k != "__metadata__")
        .filter_map(|(_, t)| t.get("data_offsets")?.get(1)?.as_u64())
        .max()
        .and_then(|m| usize::try_from(m).ok())
}

pub(crate) fn info_of(meta: &Metadata) -> Result<CheckpointInfo, NnError> {
    let empty = HashMap::new();
    let map = meta.metadata().as_ref().unwrap_or(&empty);
    let get = |key: &str| {
        map.get(key).ok_or_else(|| {
            corrupt(format!(
                "metadata has no {key:?} entry; not a lognum checkpoint"
            ))
        })
    };
    let format = get(FORMAT_KEY)?.clone();
    let layers: LayerSpec = serde_json::from_str(get(LAYERS_KEY)?)
        .map_err(|e| corrupt(format!("the layer spec is not valid: {e}")))?;
    let version = map.get(VERSION_KEY).cloned().unwrap_or_default();
    let mut tensors: Vec<(String, String, Vec<usize>)> = meta
        .tensors()
        .into_iter()
        .map(|(name, t)| (name, format!("{:?}", t.dtype), t.shape.clone()))
        .collect();
    tensors.sort();
    Ok(CheckpointInfo {
        format,
        layers,
        version,
        tensors,
    })
}

/// The metadata of checkpoint bytes, without loading the weights.
///
/// ```
/// use lognum_nn::checkpoint::{info, to_bytes};
/// use lognum_nn::layers::{LayerSpec, Linear, Sequential};
/// let net = Sequential::<half::bf16>::new().with(Linear::new(2, 3));
/// let info = info(&to_bytes(&net)?)?;
/// assert_eq!(info.format, "bf16");
/// assert_eq!(info.layers, LayerSpec::Sequential { layers: vec![LayerSpec::Linear { inputs: 2, outputs: 3 }] });
/// assert!(lognum_nn::checkpoint::info(b"not a checkpoint").is_err());
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub fn info(bytes: &[u8]) -> Result<CheckpointInfo, NnError> {
    info_of(&parse(bytes)?.0)
}

/// The metadata of the checkpoint at `path`.
///
/// ```
/// let err = lognum_nn::checkpoint::read_info("/nonexistent/x".as_ref()).unwrap_err();
/// assert!(err.to_string().contains("i/o"));
/// ```
pub fn read_info(path: &Path) -> Result<CheckpointInfo, NnError> {
    info(&read(path)?)
}

/// Refuses a file written in another format than `T`: never a silent
/// conversion.
fn check_format<T: NnScalar>(info: &CheckpointInfo) -> Result<(), NnError> {
    check_format_name(info, &T::format_name())
}

/// Refuses a file whose format is not `expected`.
pub(crate) fn check_format_name(info: &CheckpointInfo, expected: &str) -> Result<(), NnError> {
    if info.format == expected {
        return Ok(());
    }
    Err(CheckpointError::FormatMismatch {
        expected: expected.to_string(),
        found: info.format.clone(),
    }
    .into())
}

/// Refuses a tensor whose name `wanted` does not contain.
pub(crate) fn check_no_extra(
    tensors: &SafeTensors<'_>,
    wanted: &HashSet<&str>,
) -> Result<(), NnError> {
    match tensors.names().into_iter().find(|n| !wanted.contains(n)) {
        Some(extra) => Err(corrupt(format!(
            "tensor {extra:?} is not a parameter of the network"
        ))),
        None => Ok(()),
    }
}

/// The data of tensor `name`, which must exist with `shape` and `dtype`
/// (`needs` names that dtype in the error, for the format `format`).
pub(crate) fn tensor_data<'a>(
    tensors: &SafeTensors<'a>,
    name: &str,
    shape: &[usize],
    dtype: safetensors::Dtype,
    format: &str,
    needs: &str,
) -> Result<TensorView<'a>, NnError> {
    let view = tensors
        .tensor(name)
        .map_err(|_| corrupt(format!("parameter {name:?} is missing")))?;
    if view.shape() != shape {
        return Err(corrupt(format!(
            "parameter {name:?} has shape {:?}, the network needs {shape:?}",
            view.shape()
        )));
    }
    if view.dtype() != dtype {
        return Err(corrupt(format!(
            "parameter {name:?} has dtype {:?}, {format} needs {needs}",
            view.dtype(),
        )));
    }
    Ok(view)
}

/// Every tensor's words decoded into values of `T` (whose format
/// [`check_format`] has accepted), in the order of `expected` (names and
/// shapes), refusing missing, extra, misshaped or mistyped tensors and
/// invalid words.
fn decode<T: NnScalar>(
    tensors: &SafeTensors<'_>,
    expected: &[(String, Vec<usize>)],
) -> Result<Vec<Vec<T>>, NnError> {
    let wanted: HashSet<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
    check_no_extra(tensors, &wanted)?;
    let mut out = Vec::with_capacity(expected.len());
    for (name, shape) in expected {
        let view = tensor_data(
            tensors,
            name,
            shape,
            T::WORD.dtype(),
            &T::format_name(),
            T::WORD.name(),
        )?;
        let values = view
            .data()
            .chunks_exact(T::WORD.size())
            .enumerate()
            .map(|(i, w)| {
                T::read_word(w).ok_or_else(|| {
                    corrupt(format!(
                        "parameter {name:?}, element {i}: {w:02x?} is not a {} word",
                        T::format_name()
                    ))
                })
            })
            .collect::<Result<Vec<T>, _>>()?;
        out.push(values);
    }
    Ok(out)
}

/// A network of format `T` read from checkpoint bytes: built from the spec
/// in the file (which must use only this crate's layers), its weights
/// exactly the saved words.
///
/// ```
/// use lognum_nn::checkpoint::{from_bytes, to_bytes};
/// use lognum_nn::layers::{Layer, Linear, Sequential};
/// let net = Sequential::<f64>::new().with(Linear::from_weights(1, 1, vec![2.0], vec![0.5])?);
/// let back = from_bytes::<f64>(&to_bytes(&net)?)?;
/// assert_eq!(back.params_f64(), vec![2.0, 0.5]);
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub fn from_bytes<T: NnScalar>(bytes: &[u8]) -> Result<Sequential<T>, NnError> {
    let (meta, tensors) = parse(bytes)?;
    let info = info_of(&meta)?;
    check_format::<T>(&info)?;
    // Checks every size before anything is allocated.
    let expected = info.layers.param_shapes()?;
    let values = decode::<T>(&tensors, &expected)?;
    let mut net = Sequential::from_spec(&info.layers)?;
    net.set_params(values)?;
    Ok(net)
}

/// Reads a network of format `T` from `path` (see [`from_bytes`]).
///
/// ```
/// let err = lognum_nn::checkpoint::load::<f32>("/nonexistent/x".as_ref()).unwrap_err();
/// assert!(err.to_string().contains("i/o"));
/// ```
pub fn load<T: NnScalar>(path: &Path) -> Result<Sequential<T>, NnError> {
    from_bytes(&read(path)?)
}

/// Loads checkpoint bytes into an existing network, which may hold layers
/// of its own ([`LayerSpec::Custom`]): the file's layer spec must equal
/// `net.spec()` and its tensors `net`'s parameters. On any error `net` is
/// unchanged.
///
/// ```
/// use lognum_nn::checkpoint::{load_bytes_into, to_bytes};
/// use lognum_nn::layers::{Layer, Linear, Sequential};
/// let saved = Sequential::<f32>::new().with(Linear::from_weights(1, 1, vec![2.0], vec![0.5])?);
/// let mut net = Sequential::<f32>::new().with(Linear::new(1, 1));
/// load_bytes_into(&mut net, &to_bytes(&saved)?)?;
/// assert_eq!(net.params(), saved.params());
/// let mut other = Sequential::<f32>::new().with(Linear::new(1, 2));
/// assert!(load_bytes_into(&mut other, &to_bytes(&saved)?).is_err());
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub fn load_bytes_into<T: NnScalar>(
    net: &mut (impl Layer<T> + ?Sized),
    bytes: &[u8],
) -> Result<(), NnError> {
    let (meta, tensors) = parse(bytes)?;
    let info = info_of(&meta)?;
    check_format::<T>(&info)?;
    let spec = net.spec();
    if info.layers != spec {
        return Err(CheckpointError::ModelMismatch {
            expected: spec_json(&spec),
            found: spec_json(&info.layers),
        }
        .into());
    }
    let expected: Vec<(String, Vec<usize>)> = net
        .param_names()
        .into_iter()
        .zip(net.param_shapes())
        .collect();
    let values = decode::<T>(&tensors, &expected)?;
    let mut params = net.params_mut();
    if params.len() != values.len()
        || params
            .iter()
            .zip(&values)
            .any(|(p, v)| p.value.len() != v.len())
    {
        return Err(corrupt(
            "the network's parameters do not match its own shapes",
        ));
    }
    for (p, v) in params.iter_mut().zip(values) {
        p.value.copy_from_slice(&v);
    }
    Ok(())
}

/// Loads the checkpoint at `path` into `net` (see [`load_bytes_into`]).
///
/// ```
/// use lognum_nn::layers::{Linear, Sequential};
/// let mut net = Sequential::<f32>::new().with(Linear::new(1, 1));
/// assert!(lognum_nn::checkpoint::load_into(&mut net, "/nonexistent/x".as_ref()).is_err());
/// ```
pub fn load_into<T: NnScalar>(
    net: &mut (impl Layer<T> + ?Sized),
    path: &Path,
) -> Result<(), NnError> {
    load_bytes_into(net, &read(path)?)
}

/// Names of the tensors that are [`Linear`](crate::layers::Linear) weights,
/// which PyTorch stores transposed.
fn linear_weights(spec: &LayerSpec, prefix: &str, out: &mut Vec<String>) {
    match spec {
        LayerSpec::Linear { .. } => out.push(format!("{prefix}weight")),
        LayerSpec::Sequential { layers } => {
            for (i, l) in layers.iter().enumerate() {
                linear_weights(l, &format!("{prefix}{i}."), out);
            }
        }
        _ => {}
    }
}

/// Checkpoint bytes of any format (one-byte ones too, each weight's offset
/// applied) rewritten as F32 tensors in PyTorch's
/// layout, for PyTorch (`safetensors.torch.load_file`) or candle: the same
/// tensor names, each value converted once with `to_f64_lossy` and rounded to
/// f32 (exact for every 16-bit format), [`Linear`](crate::layers::Linear)
/// weights transposed to `[outputs, inputs]` as `nn.Linear` holds them,
/// convolution weights as they are (`[out, in, k, k]`). The metadata keeps
/// the layer spec and adds [`SOURCE_FORMAT_KEY`]; [`FORMAT_KEY`] becomes
/// `"f32-export"`, which this crate does not load as a checkpoint.
///
/// ```
/// use lognum_nn::checkpoint::{export_f32, info, to_bytes};
/// use lognum_nn::format::Lns16Lut;
/// use lognum_nn::layers::{Linear, Sequential};
/// use lognum_tensor::Scalar;
/// let w: Vec<Lns16Lut> = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0].iter().map(|&v| Lns16Lut::from_f64(v)).collect();
/// let net = Sequential::new().with(Linear::from_weights(2, 3, w, vec![Lns16Lut::from_f64(0.5); 3])?);
/// let out = export_f32(&to_bytes(&net)?)?;
/// let info = info(&out)?;
/// assert!(info.tensors.contains(&("0.weight".into(), "F32".into(), vec![3, 2])));
/// # Ok::<(), lognum_nn::NnError>(())
/// ```
pub fn export_f32(bytes: &[u8]) -> Result<Vec<u8>, NnError> {
    let (meta, tensors) = parse(bytes)?;
    let info = info_of(&meta)?;
    let names: Vec<String> = info.tensors.iter().map(|t| t.0.clone()).collect();
    let values: Vec<Vec<f64>> = if let Ok(format) = info.format.parse::<Lns8Format>() {
        // One-byte weights with their offsets applied; every tensor is a
        // parameter (`from_bytes` checked), so each name is found.
        let mut by_name: HashMap<String, Vec<f64>> = crate::lns8::lns8_values(format, bytes)?
            .into_iter()
            .collect();
        names
            .iter()
            .map(|n| by_name.remove(n).unwrap_or_default())
            .collect()
    } else {
        let format: Format = info.format.parse()?;
        let expected: Vec<(String, Vec<usize>)> = info
            .tensors
            .iter()
            .map(|(n, _, s)| (n.clone(), s.clone()))
            .collect();
        crate::with_format_type!(format, T => {
            decode::<T>(&tensors, &expected)?
                .into_iter()
                .map(|v| v.into_iter().map(lognum_tensor::Scalar::to_f64_lossy).collect())
                .collect()
        })
    };
    let mut transposed = Vec::new();
    linear_weights(&info.layers, "", &mut transposed);
    let mut data = Vec::with_capacity(names.len());
    let mut shapes = Vec::with_capacity(names.len());
    for ((name, _, shape), v) in info.tensors.iter().zip(&values) {
        let (v, shape) = match shape.as_slice() {
            &[rows, cols] if transposed.contains(name) => {
                let mut t = vec![0.0; v.len()];
                for r in 0..rows {
                    for c in 0..cols {
                        t[c * rows + r] = v[r * cols + c];
                    }
                }
                (t, vec![cols, rows])
            }
            _ => (v.clone(), shape.clone()),
        };
        data.push(
            v.iter()
                .flat_map(|&x| (x as f32).to_le_bytes())
                .collect::<Vec<u8>>(),
        );
        shapes.push(shape);
    }
    let metadata = HashMap::from([
        (FORMAT_KEY.to_string(), "f32-export".to_string()),
        (SOURCE_FORMAT_KEY.to_string(), info.format),
        (LAYERS_KEY.to_string(), spec_json(&info.layers)),
        (
            VERSION_KEY.to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
    ]);
    write_tensors(
        &names,
        shapes,
        &vec![safetensors::Dtype::F32; names.len()],
        &data,
        metadata,
    )
}

/// [`export_f32`] from file to file, written atomically.
///
/// ```
/// let err = lognum_nn::checkpoint::export_f32_file("/nonexistent/a".as_ref(), "/tmp/b".as_ref());
/// assert!(err.is_err());
/// ```
pub fn export_f32_file(from: &Path, to: &Path) -> Result<(), NnError> {
    let out = export_f32(&read(from)?)?;
    crate::atomic::write_file(to, &out).map_err(|e| CheckpointError::Io(e).into())
}
