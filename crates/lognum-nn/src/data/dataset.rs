//! Labelled datasets and the four-file IDX directory layout.

use std::fmt;
use std::path::{Path, PathBuf};

use super::Batches;
use super::{DataError, IdxKind, NUM_CLASSES, read_idx};

const TRAIN_IMAGES: &str = "train-images-idx3-ubyte";
const TRAIN_LABELS: &str = "train-labels-idx1-ubyte";
const TEST_IMAGES: &str = "t10k-images-idx3-ubyte";
const TEST_LABELS: &str = "t10k-labels-idx1-ubyte";

/// The stored values: bytes scaled by 1/255 (IDX images) or `f32`s.
#[derive(Clone, PartialEq)]
enum Values {
    /// Each byte `p` stands for `p / 255`.
    Bytes(Vec<u8>),
    /// The values themselves.
    F32(Vec<f32>),
}

impl Values {
    fn truncate(&mut self, n: usize) {
        match self {
            Values::Bytes(v) => v.truncate(n),
            Values::F32(v) => v.truncate(n),
        }
    }

    fn head(&self, n: usize) -> Self {
        match self {
            Values::Bytes(v) => Values::Bytes(v[..n].to_vec()),
            Values::F32(v) => Values::F32(v[..n].to_vec()),
        }
    }
}

/// A labelled dataset: one feature tensor of a fixed shape per example,
/// stored row-major one after the other, and one class label per example.
///
/// Two kinds of storage, one interface:
///
/// - **images** ([`Dataset::new`], the IDX loaders): `u8` pixels, each
///   standing for the value `p / 255` in `[0, 1]`, with feature shape
///   `[1, rows, cols]` (one channel). Bytes take a quarter of the memory of
///   `f32`, and [`map_features`](Self::map_features) converts them with 256
///   calls of the conversion, whatever the dataset's size.
/// - **features** ([`Dataset::from_features`]): finite `f32` values of any
///   shape, for tabular or synthetic data.
///
/// Invariants: the feature shape has no zero dimension, there are
/// `len() · feature_len()` values, and every label is below `num_classes()`.
///
/// ```
/// use lognum_nn::data::Dataset;
///
/// // Two 1x2 images with labels 3 and 1.
/// let ds = Dataset::new(vec![0, 255, 51, 102], 1, 2, vec![3, 1], 10);
/// assert_eq!(ds.len(), 2);
/// assert_eq!(ds.feature_shape(), &[1, 1, 2]);
/// assert_eq!(ds.label(0), 3);
/// assert_eq!(ds.features_f32(), vec![0.0, 1.0, 0.2, 0.4]);
///
/// // Four points in the plane, two classes.
/// let xy = vec![0.0, 0.0, 1.0, 1.0, -1.0, 0.5, 2.0, -2.0];
/// let ds = Dataset::from_features(xy, &[2], vec![0, 1, 0, 1], 2)?;
/// assert_eq!((ds.len(), ds.feature_len()), (4, 2));
/// # Ok::<(), lognum_nn::data::DataError>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Dataset {
    values: Values,
    shape: Vec<usize>,
    labels: Vec<usize>,
    num_classes: usize,
}

impl fmt::Debug for Dataset {
    /// A summary; the values themselves would be megabytes of output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dataset")
            .field("len", &self.len())
            .field("feature_shape", &self.shape)
            .field("num_classes", &self.num_classes)
            .finish_non_exhaustive()
    }
}

/// Checks the parts of a dataset, naming the first problem.
fn check_parts(
    values: usize,
    shape: &[usize],
    labels: &[usize],
    num_classes: usize,
) -> Result<(), String> {
    if shape.is_empty() || shape.contains(&0) {
        return Err(format!(
            "feature shape {shape:?} must have at least one dimension and no zero"
        ));
    }
    if num_classes == 0 {
        return Err("num_classes must be at least 1".into());
    }
    let per = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .ok_or_else(|| format!("feature shape {shape:?} overflows"))?;
    if per.checked_mul(labels.len()) != Some(values) {
        return Err(format!(
            "{} labels of {} values each need {} values, got {values}",
            labels.len(),
            per,
            per.saturating_mul(labels.len())
        ));
    }
    if let Some(i) = labels.iter().position(|&l| l >= num_classes) {
        return Err(format!(
            "label {} at index {i} is not below num_classes {num_classes}",
            labels[i]
        ));
    }
    Ok(())
}

impl Dataset {
    /// An image dataset from its parts: `labels.len()` images of
    /// `rows × cols` bytes, each byte `p` standing for `p / 255`; the
    /// feature shape is `[1, rows, cols]`. Loaders check file contents and
    /// return [`DataError`]; this checks the caller.
    ///
    /// # Panics
    ///
    /// If `rows` or `cols` is zero, if `num_classes` is zero, if
    /// `images.len() != labels.len() * rows * cols`, or if a label is not
    /// below `num_classes`. [`Dataset::from_features`] returns these as
    /// errors instead.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![1, 2, 3, 4], 2, 2, vec![0], 2);
    /// assert_eq!((ds.len(), ds.feature_shape()), (1, &[1, 2, 2][..]));
    /// ```
    pub fn new(
        images: Vec<u8>,
        rows: usize,
        cols: usize,
        labels: Vec<usize>,
        num_classes: usize,
    ) -> Self {
        let shape = vec![1, rows, cols];
        if let Err(why) = check_parts(images.len(), &shape, &labels, num_classes) {
            panic!("Dataset::new: {why}");
        }
        Dataset {
            values: Values::Bytes(images),
            shape,
            labels,
            num_classes,
        }
    }

    /// A dataset of `f32` features: `labels.len()` examples of
    /// `feature_shape` values each, row-major, one example after the other.
    ///
    /// Refuses, with [`DataError::Invalid`], a shape with a zero dimension,
    /// a value count that does not match, a label not below `num_classes`,
    /// and NaN or infinite values (they would train silent garbage).
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::from_features(vec![0.5; 6], &[3], vec![0, 1], 2)?;
    /// assert_eq!(ds.feature_shape(), &[3]);
    /// assert!(Dataset::from_features(vec![0.5; 5], &[3], vec![0, 1], 2).is_err());
    /// assert!(Dataset::from_features(vec![f32::NAN; 3], &[3], vec![0], 2).is_err());
    /// assert!(Dataset::from_features(vec![0.5; 3], &[3], vec![2], 2).is_err());
    /// # Ok::<(), lognum_nn::data::DataError>(())
    /// ```
    pub fn from_features(
        features: Vec<f32>,
        feature_shape: &[usize],
        labels: Vec<usize>,
        num_classes: usize,
    ) -> Result<Self, DataError> {
        check_parts(features.len(), feature_shape, &labels, num_classes)
            .map_err(|reason| DataError::Invalid { reason })?;
        if let Some(i) = features.iter().position(|v| !v.is_finite()) {
            return Err(DataError::Invalid {
                reason: format!(
                    "feature value {} at index {i} (example {}) is not finite",
                    features[i],
                    i / feature_shape.iter().product::<usize>()
                ),
            });
        }
        Ok(Dataset {
            values: Values::F32(features),
            shape: feature_shape.to_vec(),
            labels,
            num_classes,
        })
    }

    /// Loads an image file and its label file (each plain or gzip), with
    /// [`NUM_CLASSES`] classes, checking that the counts agree and every label
    /// is in range.
    ///
    /// ```
    /// use lognum_nn::data::{find_mnist_subset, Dataset};
    ///
    /// if let Some(dir) = find_mnist_subset() {
    ///     let test = Dataset::load(
    ///         &dir.join("t10k-images-idx3-ubyte.gz"),
    ///         &dir.join("t10k-labels-idx1-ubyte.gz"),
    ///     )?;
    ///     assert_eq!(test.len(), 2000);
    /// }
    /// # Ok::<(), lognum_nn::data::DataError>(())
    /// ```
    pub fn load(images: &Path, labels: &Path) -> Result<Self, DataError> {
        let image_array = read_idx(images, IdxKind::Images)?;
        let label_array = read_idx(labels, IdxKind::Labels)?;
        let [count, rows, cols] = image_array.dims()[..] else {
            unreachable!("read_idx(Images) returns exactly three dimensions")
        };
        let label_count = label_array.dims()[0];
        if label_count != count {
            return Err(DataError::CountMismatch {
                images: images.to_path_buf(),
                image_count: count,
                labels: labels.to_path_buf(),
                label_count,
            });
        }
        let labels_data = label_array.into_data();
        if let Some(index) = labels_data
            .iter()
            .position(|&l| usize::from(l) >= NUM_CLASSES)
        {
            return Err(DataError::LabelOutOfRange {
                path: labels.to_path_buf(),
                index,
                label: labels_data[index],
                num_classes: NUM_CLASSES,
            });
        }
        Ok(Dataset {
            values: Values::Bytes(image_array.into_data()),
            shape: vec![1, rows, cols],
            labels: labels_data.into_iter().map(usize::from).collect(),
            num_classes: NUM_CLASSES,
        })
    }

    /// The number of examples.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// assert_eq!(Dataset::new(vec![9; 6], 1, 3, vec![0, 1], 2).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no examples.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// assert!(Dataset::new(vec![], 28, 28, vec![], 10).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The shape of one example's features: `[1, rows, cols]` for images.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// assert_eq!(Dataset::new(vec![0; 6], 2, 3, vec![0], 1).feature_shape(), &[1, 2, 3]);
    /// ```
    pub fn feature_shape(&self) -> &[usize] {
        &self.shape
    }

    /// Values per example, the product of [`feature_shape`](Self::feature_shape):
    /// the input width of a dense model.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// assert_eq!(Dataset::new(vec![0; 6], 2, 3, vec![0], 1).feature_len(), 6);
    /// ```
    pub fn feature_len(&self) -> usize {
        self.shape.iter().product()
    }

    /// `(rows, cols)` of an image dataset (feature shape `[1, rows, cols]`),
    /// `None` for other shapes.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// assert_eq!(Dataset::new(vec![0; 6], 2, 3, vec![0], 1).image_size(), Some((2, 3)));
    /// let tab = Dataset::from_features(vec![0.0; 4], &[4], vec![0], 1).unwrap();
    /// assert_eq!(tab.image_size(), None);
    /// ```
    pub fn image_size(&self) -> Option<(usize, usize)> {
        match self.shape[..] {
            [1, rows, cols] => Some((rows, cols)),
            _ => None,
        }
    }

    /// The number of classes; labels are `0..num_classes()`.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// assert_eq!(Dataset::new(vec![0], 1, 1, vec![4], 10).num_classes(), 10);
    /// ```
    pub fn num_classes(&self) -> usize {
        self.num_classes
    }

    /// The raw pixels of an image dataset, `len() · feature_len()` bytes,
    /// image after image; `None` for `f32` features.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![1, 2, 3, 4], 1, 2, vec![0, 0], 1);
    /// assert_eq!(ds.pixels(), Some(&[1, 2, 3, 4][..]));
    /// ```
    pub fn pixels(&self) -> Option<&[u8]> {
        match &self.values {
            Values::Bytes(v) => Some(v),
            Values::F32(_) => None,
        }
    }

    /// All labels.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![1, 2], 1, 1, vec![5, 6], 10);
    /// assert_eq!(ds.labels(), &[5, 6]);
    /// ```
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// The label of example `index`.
    ///
    /// # Panics
    ///
    /// If `index >= len()`.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![1, 2], 1, 1, vec![5, 6], 10);
    /// assert_eq!(ds.label(1), 6);
    /// ```
    pub fn label(&self, index: usize) -> usize {
        self.labels[index]
    }

    /// Keeps the first `n` examples (all of them if `n >= len()`), for quick
    /// runs on part of the data.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![1, 2, 3], 1, 1, vec![0, 1, 2], 3).limit(2);
    /// assert_eq!(ds.labels(), &[0, 1]);
    /// assert_eq!(ds.pixels(), Some(&[1, 2][..]));
    /// assert_eq!(ds.clone().limit(10), ds);
    /// ```
    #[must_use]
    pub fn limit(mut self, n: usize) -> Self {
        let n = n.min(self.len());
        self.labels.truncate(n);
        self.values.truncate(n * self.feature_len());
        self
    }

    /// A copy of the first `n` examples (all of them if `n >= len()`),
    /// copying only those: [`limit`](Self::limit) without cloning the rest.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![1, 2, 3], 1, 1, vec![0, 1, 2], 3);
    /// assert_eq!(ds.head(2), ds.clone().limit(2));
    /// ```
    #[must_use]
    pub fn head(&self, n: usize) -> Self {
        let n = n.min(self.len());
        Dataset {
            values: self.values.head(n * self.feature_len()),
            shape: self.shape.clone(),
            labels: self.labels[..n].to_vec(),
            num_classes: self.num_classes,
        }
    }

    /// All feature values as `f32` (for images `p / 255` in `f32`, so 0 maps
    /// to 0.0 and 255 to exactly 1.0).
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![0, 51, 255], 1, 3, vec![0], 1);
    /// assert_eq!(ds.features_f32(), vec![0.0, 0.2, 1.0]);
    /// ```
    pub fn features_f32(&self) -> Vec<f32> {
        match &self.values {
            Values::Bytes(v) => {
                let table: Vec<f32> = (0..=u8::MAX).map(|p| f32::from(p) / 255.0).collect();
                v.iter().map(|&p| table[usize::from(p)]).collect()
            }
            Values::F32(v) => v.clone(),
        }
    }

    /// All feature values converted by `f`, which receives each value as an
    /// `f64`: for images `p / 255` computed in f64, for `f32` features the
    /// value widened exactly.
    ///
    /// For images `f` is called exactly 256 times, once per byte value in
    /// increasing order, and the results are looked up per pixel, so an
    /// expensive conversion (to a logarithmic number, say) costs nothing per
    /// pixel. This assumes `f` is a function of its argument alone.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![0, 128, 255], 1, 3, vec![0], 1);
    /// let centred: Vec<f64> = ds.map_features(|v| v - 0.5);
    /// assert_eq!(centred, vec![-0.5, 128.0 / 255.0 - 0.5, 0.5]);
    /// ```
    pub fn map_features<T: Clone>(&self, mut f: impl FnMut(f64) -> T) -> Vec<T> {
        match &self.values {
            Values::Bytes(v) => {
                let table: Vec<T> = (0..=u8::MAX).map(|p| f(f64::from(p) / 255.0)).collect();
                v.iter().map(|&p| table[usize::from(p)].clone()).collect()
            }
            Values::F32(v) => v.iter().map(|&x| f(f64::from(x))).collect(),
        }
    }

    /// Index batches over this dataset for one epoch; see [`Batches::new`].
    ///
    /// # Panics
    ///
    /// If `batch_size` is zero.
    ///
    /// ```
    /// use lognum_nn::data::Dataset;
    ///
    /// let ds = Dataset::new(vec![0; 5], 1, 1, vec![0; 5], 1);
    /// let sizes: Vec<usize> = ds.batches(2, 7, 0).map(|b| b.len()).collect();
    /// assert_eq!(sizes, vec![2, 2, 1]);
    /// ```
    pub fn batches(&self, batch_size: usize, seed: u64, epoch: u64) -> Batches {
        Batches::new(self.len(), batch_size, seed, epoch)
    }
}

/// `Some(path)` if `path` is a regular file (after following links),
/// `None` if nothing is there, an error saying what else is there.
fn entry(path: PathBuf) -> Result<Option<PathBuf>, DataError> {
    let not_a_file = |path: PathBuf, reason: String| Err(DataError::NotAFile { path, reason });
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => Ok(Some(path)),
        Ok(m) if m.is_dir() => not_a_file(path, "is a directory, not an IDX file".into()),
        Ok(_) => not_a_file(path, "is not a regular file".into()),
        // Nothing there, not even a dangling link: absent.
        Err(_) if std::fs::symlink_metadata(&path).is_err() => Ok(None),
        Err(e) => not_a_file(path, format!("is a link that cannot be followed: {e}")),
    }
}

/// Loads the training and test sets from a directory holding the four
/// standard MNIST file names:
///
/// ```text
/// train-images-idx3-ubyte   train-labels-idx1-ubyte
/// t10k-images-idx3-ubyte    t10k-labels-idx1-ubyte
/// ```
///
/// each either plain or with a `.gz` suffix (the plain file wins if both
/// exist; the format is detected from the content either way). Returns
/// `(train, test)`. A missing file gives [`DataError::Missing`] listing every
/// absent name; a name that exists but is not a readable file (a directory,
/// a link loop) gives [`DataError::NotAFile`] saying what it is; the test
/// images must have the training images' shape.
///
/// ```
/// use lognum_nn::data::{find_mnist_subset, load_idx_dir, DataError};
/// use std::path::Path;
///
/// if let Some(dir) = find_mnist_subset() {
///     let (train, test) = load_idx_dir(&dir)?;
///     assert_eq!((train.len(), test.len()), (8000, 2000));
/// }
/// let err = load_idx_dir(Path::new("/nonexistent")).unwrap_err();
/// assert!(err.to_string().contains("t10k-labels-idx1-ubyte"));
/// # Ok::<(), DataError>(())
/// ```
pub fn load_idx_dir(dir: &Path) -> Result<(Dataset, Dataset), DataError> {
    let names = [TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS];
    let mut found = Vec::with_capacity(names.len());
    let mut missing = Vec::new();
    for name in names {
        let plain = dir.join(name);
        let gz = dir.join(format!("{name}.gz"));
        match [plain, gz].into_iter().find_map(|p| entry(p).transpose()) {
            Some(path) => found.push(path?),
            None => missing.push(name),
        }
    }
    let [train_images, train_labels, test_images, test_labels] = &found[..] else {
        return Err(DataError::Missing {
            dir: dir.to_path_buf(),
            names: missing,
        });
    };
    let train = Dataset::load(train_images, train_labels)?;
    let test = Dataset::load(test_images, test_labels)?;
    if train.shape != test.shape {
        let size = |d: &Dataset| d.image_size().unwrap_or_default();
        return Err(DataError::ShapeMismatch {
            train: train_images.clone(),
            train_shape: size(&train),
            test: test_images.clone(),
            test_shape: size(&test),
        });
    }
    Ok((train, test))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_and_debug() {
        let ds = Dataset::new(vec![1, 2, 3, 4, 5, 6], 1, 2, vec![0, 1, 2], 3);
        assert_eq!(ds.clone().limit(0).len(), 0);
        assert_eq!(ds.clone().limit(0).pixels(), Some(&[] as &[u8]));
        assert_eq!(ds.clone().limit(2).pixels(), Some(&[1, 2, 3, 4][..]));
        assert_eq!(ds.head(2), ds.clone().limit(2));
        assert_eq!(
            format!("{ds:?}"),
            "Dataset { len: 3, feature_shape: [1, 1, 2], num_classes: 3, .. }"
        );
    }

    #[test]
    #[should_panic(expected = "need 2 values, got 3")]
    fn new_rejects_wrong_pixel_count() {
        Dataset::new(vec![0; 3], 1, 2, vec![0], 1);
    }

    #[test]
    #[should_panic(expected = "not below num_classes")]
    fn new_rejects_bad_label() {
        Dataset::new(vec![0; 2], 1, 2, vec![1], 1);
    }

    #[test]
    #[should_panic(expected = "no zero")]
    fn new_rejects_zero_rows() {
        Dataset::new(vec![], 0, 2, vec![], 1);
    }

    /// Bytes map through a 256-entry table: `f` runs once per byte value,
    /// and on `p / 255`, as `features_f32` gives.
    #[test]
    fn conversions_agree() {
        let all: Vec<u8> = (0..=255).collect();
        let ds = Dataset::new(all, 16, 16, vec![0], 1);
        let f = ds.features_f32();
        assert_eq!((f[0], f[255]), (0.0, 1.0));
        assert!(f.windows(2).all(|w| w[0] < w[1]));
        let mut calls = 0;
        let mapped = ds.map_features(|p| {
            calls += 1;
            p as f32
        });
        assert_eq!(calls, 256);
        assert_eq!(mapped, f);
    }
}
