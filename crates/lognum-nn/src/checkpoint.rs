//! Saving and loading a model with its number format.
//!
//! # File layout (version 1, all integers little-endian)
//!
//! ```text
//! magic      8 bytes   b"LGNMCKPT"
//! version    u32       1
//! format     u16 length, then that many bytes of UTF-8: NnScalar::format_name()
//! model      u8        1 = mlp, 2 = cnn
//! rows, cols u32, u32  image size the model was built for
//! params     u32       number of parameter tensors
//! per tensor:
//!   ndim     u8
//!   dims     ndim × u32
//!   values   product(dims) × f64 (IEEE bits)
//! checksum   u64       FNV-1a 64 of every byte before it
//! ```
//!
//! Values are stored as f64, which holds every value of every supported
//! format exactly, and converting back with `T::from_f64` gives the same
//! bits (tested for every format). Loading checks, in order: length, magic,
//! version, checksum, format name (a different format is an error, never a
//! silent conversion), model kind, shapes against a fresh model of that kind,
//! and that nothing follows the checksum. Every failure is a
//! [`CheckpointError`]; no input makes it panic.
//!
//! ```
//! use lognum_nn::checkpoint::{from_bytes, to_bytes};
//! use lognum_nn::format::Lns16Lut;
//! use lognum_nn::{model::Model, train::ModelKind};
//! let m = Model::<Lns16Lut>::new(ModelKind::Mlp, 28, 28, 3);
//! let bytes = to_bytes(&m);
//! let back = from_bytes::<Lns16Lut>(&bytes).unwrap();
//! assert_eq!(back.params(), m.params());
//! assert!(from_bytes::<f32>(&bytes).unwrap_err().to_string().contains("lns16-lut"));
//! assert!(from_bytes::<Lns16Lut>(&bytes[..100]).is_err());
//! ```

use std::path::Path;

use crate::model::{Model, ModelKind};
use crate::{CheckpointError, NnError, NnScalar};

/// The first eight bytes of every checkpoint.
pub const MAGIC: &[u8; 8] = b"LGNMCKPT";
/// The version this crate writes and reads.
pub const VERSION: u32 = 1;

/// What a checkpoint's header says, readable without knowing its format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointInfo {
    /// The number format's name (e.g. `"lns16-lut"`; parse it with
    /// [`Format`](crate::format::Format)'s `FromStr`).
    pub format: String,
    /// The network.
    pub model: ModelKind,
    /// Image rows the model was built for.
    pub rows: usize,
    /// Image columns the model was built for.
    pub cols: usize,
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The checkpoint bytes of `model`.
///
/// ```
/// use lognum_nn::{checkpoint::{to_bytes, MAGIC}, model::Model, train::ModelKind};
/// let bytes = to_bytes(&Model::<f32>::new(ModelKind::Mlp, 28, 28, 1));
/// assert_eq!(&bytes[..8], MAGIC);
/// ```
pub fn to_bytes<T: NnScalar>(model: &Model<T>) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + 8 * model.num_params());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    let name = T::format_name();
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    out.push(model.kind().code());
    let (rows, cols) = model.image_size();
    out.extend_from_slice(&(rows as u32).to_le_bytes());
    out.extend_from_slice(&(cols as u32).to_le_bytes());
    let shapes = model.param_shapes();
    out.extend_from_slice(&(shapes.len() as u32).to_le_bytes());
    for (shape, values) in shapes.iter().zip(model.params()) {
        out.push(shape.len() as u8);
        for &d in shape {
            out.extend_from_slice(&(d as u32).to_le_bytes());
        }
        for v in values {
            out.extend_from_slice(&v.to_f64().to_le_bytes());
        }
    }
    let sum = fnv1a(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// Writes `model` to `path`.
///
/// ```
/// use lognum_nn::{checkpoint, model::Model, train::ModelKind};
/// let path = std::env::temp_dir().join("lognum-nn-doc-save.ckpt");
/// checkpoint::save(&Model::<f32>::new(ModelKind::Mlp, 28, 28, 1), &path).unwrap();
/// assert_eq!(checkpoint::load::<f32>(&path).unwrap().num_params(), 79_510);
/// # std::fs::remove_file(path).ok();
/// ```
pub fn save<T: NnScalar>(model: &Model<T>, path: &Path) -> Result<(), NnError> {
    std::fs::write(path, to_bytes(model)).map_err(|e| CheckpointError::Io(e).into())
}

/// Reads a model of format `T` from `path`.
///
/// ```
/// let err = lognum_nn::checkpoint::load::<f32>("/nonexistent/x".as_ref()).unwrap_err();
/// assert!(err.to_string().contains("i/o"));
/// ```
pub fn load<T: NnScalar>(path: &Path) -> Result<Model<T>, NnError> {
    let bytes = std::fs::read(path).map_err(CheckpointError::Io)?;
    from_bytes(&bytes)
}

/// Reads the header of the checkpoint at `path` (to choose the type to load
/// it as).
///
/// ```
/// use lognum_nn::{checkpoint, format::Lns12Lut, model::Model, train::ModelKind};
/// let path = std::env::temp_dir().join("lognum-nn-doc-info.ckpt");
/// checkpoint::save(&Model::<Lns12Lut>::new(ModelKind::Mlp, 28, 28, 1), &path).unwrap();
/// assert_eq!(checkpoint::read_info(&path).unwrap().format, "lns12-lut");
/// # std::fs::remove_file(path).ok();
/// ```
pub fn read_info(path: &Path) -> Result<CheckpointInfo, NnError> {
    let bytes = std::fs::read(path).map_err(CheckpointError::Io)?;
    info(&bytes)
}

/// A cursor that turns every short read into [`CheckpointError::Truncated`].
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CheckpointError> {
        if self.bytes.len() < n {
            return Err(CheckpointError::Truncated {
                needed: n,
                available: self.bytes.len(),
            });
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], CheckpointError> {
        Ok(self.take(N)?.try_into().expect("length checked"))
    }
    fn u8(&mut self) -> Result<u8, CheckpointError> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, CheckpointError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, CheckpointError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
}

/// Parses the header and checks magic, version and checksum. Returns the
/// header and a reader positioned after it (before the parameter count),
/// limited to the bytes before the checksum.
fn header(bytes: &[u8]) -> Result<(CheckpointInfo, Reader<'_>), CheckpointError> {
    let mut r = Reader { bytes };
    if r.take(MAGIC.len()).map_err(|_| CheckpointError::BadMagic)? != MAGIC {
        return Err(CheckpointError::BadMagic);
    }
    let version = r.u32()?;
    if version != VERSION {
        return Err(CheckpointError::UnsupportedVersion(version));
    }
    if bytes.len() < MAGIC.len() + 4 + 8 {
        return Err(CheckpointError::Truncated {
            needed: 8,
            available: bytes.len() - MAGIC.len() - 4,
        });
    }
    let (body, sum) = bytes.split_at(bytes.len() - 8);
    let mut r = Reader {
        bytes: &body[MAGIC.len() + 4..],
    };
    let len = r.u16()? as usize;
    let format = String::from_utf8(r.take(len)?.to_vec())
        .map_err(|_| CheckpointError::Corrupt("format name is not UTF-8".into()))?;
    let code = r.u8()?;
    let rows = r.u32()? as usize;
    let cols = r.u32()? as usize;
    if fnv1a(body) != u64::from_le_bytes(sum.try_into().expect("8 bytes")) {
        return Err(CheckpointError::Corrupt(
            "checksum mismatch (damaged or truncated file)".into(),
        ));
    }
    let model = ModelKind::from_code(code)
        .ok_or_else(|| CheckpointError::Corrupt(format!("unknown model code {code}")))?;
    Ok((
        CheckpointInfo {
            format,
            model,
            rows,
            cols,
        },
        r,
    ))
}

/// The header of checkpoint bytes.
///
/// ```
/// use lognum_nn::{checkpoint, model::Model, train::ModelKind};
/// let bytes = checkpoint::to_bytes(&Model::<f64>::new(ModelKind::Cnn, 28, 28, 1));
/// let info = checkpoint::info(&bytes).unwrap();
/// assert_eq!((info.format.as_str(), info.model), ("f64", ModelKind::Cnn));
/// ```
pub fn info(bytes: &[u8]) -> Result<CheckpointInfo, NnError> {
    Ok(header(bytes)?.0)
}

/// A model of format `T` from checkpoint bytes.
///
/// ```
/// let err = lognum_nn::checkpoint::from_bytes::<f32>(b"not a checkpoint").unwrap_err();
/// assert!(err.to_string().contains("magic"));
/// ```
pub fn from_bytes<T: NnScalar>(bytes: &[u8]) -> Result<Model<T>, NnError> {
    let (info, mut r) = header(bytes)?;
    if info.format != T::format_name() {
        return Err(CheckpointError::FormatMismatch {
            expected: T::format_name(),
            found: info.format,
        }
        .into());
    }
    const MAX_SIDE: usize = 1 << 14;
    if info.rows == 0 || info.cols == 0 || info.rows > MAX_SIDE || info.cols > MAX_SIDE {
        return Err(CheckpointError::Corrupt(format!(
            "image size {}x{} is out of range",
            info.rows, info.cols
        ))
        .into());
    }
    let mut model = Model::<T>::new(info.model, info.rows, info.cols, 0);
    let shapes = model.param_shapes();
    let count = r.u32()? as usize;
    if count != shapes.len() {
        return Err(CheckpointError::Corrupt(format!(
            "{count} parameter tensors, a {} has {}",
            info.model,
            shapes.len()
        ))
        .into());
    }
    let mut values = Vec::with_capacity(count);
    for shape in &shapes {
        let ndim = r.u8()? as usize;
        let dims = (0..ndim)
            .map(|_| r.u32().map(|d| d as usize))
            .collect::<Result<Vec<_>, _>>()?;
        if &dims != shape {
            return Err(CheckpointError::Corrupt(format!(
                "parameter shape {dims:?}, expected {shape:?}"
            ))
            .into());
        }
        let n: usize = dims.iter().product();
        let raw = r.take(n * 8)?;
        values.push(
            raw.chunks_exact(8)
                .map(|c| T::from_f64(f64::from_le_bytes(c.try_into().expect("8 bytes"))))
                .collect::<Vec<T>>(),
        );
    }
    if !r.bytes.is_empty() {
        return Err(CheckpointError::Corrupt(format!(
            "{} unexpected bytes after the parameters",
            r.bytes.len()
        ))
        .into());
    }
    model.set_params(values)?;
    Ok(model)
}
