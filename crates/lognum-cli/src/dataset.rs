//! Choosing and loading a dataset: a named one (`--dataset`) or any IDX
//! directory (`--data DIR`), with errors that name the directory and say how
//! to get the data.
//!
//! The MNIST sets ship in `shared/data` beside the workspace: the subset in
//! `mnist-10k/`, the full set in `mnist/`. They are found wherever the
//! command runs from: `LOGNUM_DATA` first, then a search upwards from the
//! current directory, from the executable and from the workspace the binary
//! was built in.

use std::fmt;
use std::path::{Path, PathBuf};

use lognum_nn::data::{
    DATA_DIR_ENV, Dataset, FASHION_MNIST_DIR, MNIST_SUBSET_RELATIVE, find_mnist_subset_from,
    load_idx_dir,
};

use crate::error::CliError;

/// The Debian package that installs Fashion-MNIST into [`FASHION_MNIST_DIR`].
pub const FASHION_MNIST_INSTALL: &str = "apt-get install -y dataset-fashion-mnist";

/// The folder of the full MNIST set, beside the subset's folder.
pub const MNIST_FULL_DIR_NAME: &str = "mnist";

/// The datasets known by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum DatasetName {
    /// Full MNIST shipped beside the workspace in shared/data/mnist (60 000
    /// train, 10 000 test), found beside the subset.
    Mnist,
    /// The 10 000-image MNIST subset shipped beside the workspace in
    /// shared/data/mnist-10k (8 000 train, 2 000 test).
    MnistSubset,
    /// Fashion-MNIST from the Debian package (60 000 train, 10 000 test).
    FashionMnist,
}

impl DatasetName {
    /// The name used on the command line and in results.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetName::Mnist => "mnist",
            DatasetName::MnistSubset => "mnist-subset",
            DatasetName::FashionMnist => "fashion-mnist",
        }
    }

    /// Where the data should be, if a location is known.
    pub fn dir(self) -> Option<PathBuf> {
        match self {
            DatasetName::Mnist => find_mnist_full(),
            DatasetName::MnistSubset => find_subset(),
            DatasetName::FashionMnist => Some(PathBuf::from(FASHION_MNIST_DIR)),
        }
    }

    /// True if the data directory exists (the files may still be bad).
    pub fn is_available(self) -> bool {
        self.dir().is_some_and(|d| d.is_dir())
    }

    /// How to get this dataset.
    pub fn install_hint(self) -> String {
        let shipped = |dir: &str| {
            format!(
                "it is looked for in shared/data/{dir} beside the workspace; set {DATA_DIR_ENV}=DIR \
                 (the shared/data folder) or pass --data DIR to use another IDX directory"
            )
        };
        match self {
            DatasetName::Mnist => shipped(MNIST_FULL_DIR_NAME),
            DatasetName::MnistSubset => shipped(subset_dir_name()),
            DatasetName::FashionMnist => format!(
                "install Fashion-MNIST with `{FASHION_MNIST_INSTALL}` (as root), \
                 which puts it in {FASHION_MNIST_DIR}"
            ),
        }
    }
}

/// `mnist-10k`, the last part of [`MNIST_SUBSET_RELATIVE`].
fn subset_dir_name() -> &'static str {
    MNIST_SUBSET_RELATIVE
        .rsplit('/')
        .next()
        .unwrap_or(MNIST_SUBSET_RELATIVE)
}

/// The folder named by `LOGNUM_DATA`, if set and not empty.
fn data_env() -> Option<PathBuf> {
    std::env::var_os(DATA_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The MNIST subset's directory. `LOGNUM_DATA` names either the subset's
/// directory itself (as for `lognum_nn::data::find_mnist_subset`) or the
/// folder that holds `mnist-10k/`; an explicit choice is returned as is, so
/// that a wrong one fails loudly. Otherwise `shared/data/mnist-10k` is
/// searched for upwards from the current directory, then from the
/// executable, then from this crate's source directory (the workspace the
/// binary was built in).
pub fn find_subset() -> Option<PathBuf> {
    if let Some(dir) = data_env() {
        let inner = dir.join(subset_dir_name());
        return Some(if inner.is_dir() { inner } else { dir });
    }
    search_starts()
        .iter()
        .find_map(|start| find_mnist_subset_from(start))
}

/// Full MNIST: `LOGNUM_DATA/mnist` when `LOGNUM_DATA` holds it, otherwise
/// the `mnist` folder beside the subset's (see [`find_subset`]).
pub fn find_mnist_full() -> Option<PathBuf> {
    if let Some(dir) = data_env() {
        let inner = dir.join(MNIST_FULL_DIR_NAME);
        if inner.is_dir() {
            return Some(inner);
        }
    }
    Some(find_subset()?.parent()?.join(MNIST_FULL_DIR_NAME))
}

/// Where the search for the shipped data starts: the current directory,
/// the executable's directory and the crate's source directory.
fn search_starts() -> Vec<PathBuf> {
    let mut starts = Vec::new();
    if let Ok(dir) = std::env::current_dir() {
        starts.push(dir);
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        starts.push(dir);
    }
    starts.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    starts
}

impl fmt::Display for DatasetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A dataset to load: by name or by directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataSource {
    /// A named dataset.
    Named(DatasetName),
    /// Any directory with the four standard IDX files.
    Dir(PathBuf),
}

impl DataSource {
    /// From `--data` and `--dataset` (clap makes them exclusive); the MNIST
    /// subset when neither is given.
    pub fn from_args(data: Option<PathBuf>, dataset: Option<DatasetName>) -> Self {
        match (data, dataset) {
            (Some(dir), _) => DataSource::Dir(dir),
            (None, Some(name)) => DataSource::Named(name),
            (None, None) => DataSource::Named(DatasetName::MnistSubset),
        }
    }

    /// The name recorded in results: the dataset's name or the directory.
    pub fn label(&self) -> String {
        match self {
            DataSource::Named(name) => name.to_string(),
            DataSource::Dir(dir) => dir.display().to_string(),
        }
    }

    /// Loads `(train, test)`, checking first that the directory exists.
    pub fn load(&self) -> Result<LoadedData, CliError> {
        let (dir, hint) = match self {
            DataSource::Named(name) => {
                let dir = name.dir().ok_or_else(|| {
                    CliError::runtime(format!("cannot find the {name} dataset"))
                        .with_hint(name.install_hint())
                })?;
                (dir, Some(name.install_hint()))
            }
            DataSource::Dir(dir) => (dir.clone(), fashion_hint_for(dir)),
        };
        let with_hint = |e: CliError| match &hint {
            Some(h) => e.with_hint(h.clone()),
            None => e,
        };
        if !dir.is_dir() {
            let what = match (std::fs::metadata(&dir), std::fs::symlink_metadata(&dir)) {
                (Ok(_), _) => "is not a directory".to_string(),
                (Err(_), Err(_)) => "does not exist".to_string(),
                // The name is there but cannot be followed: a link loop or
                // a dangling link.
                (Err(e), Ok(_)) => format!("is a link that cannot be followed: {e}"),
            };
            return Err(with_hint(CliError::runtime(format!(
                "data directory {} {what}",
                dir.display()
            ))));
        }
        let what = match self {
            DataSource::Named(name) => format!("the {name} dataset from {}", dir.display()),
            DataSource::Dir(_) => format!("the dataset in {}", dir.display()),
        };
        let (train, test) = load_idx_dir(&dir)
            .map_err(|e| with_hint(CliError::caused_by(format!("cannot load {what}"), e)))?;
        Ok(LoadedData {
            label: self.label(),
            train,
            test,
        })
    }
}

/// The Fashion-MNIST hint when `dir` is where the package would put it.
fn fashion_hint_for(dir: &Path) -> Option<String> {
    let normalise = |p: &Path| p.components().collect::<PathBuf>();
    (normalise(dir) == normalise(Path::new(FASHION_MNIST_DIR)))
        .then(|| DatasetName::FashionMnist.install_hint())
}

/// A loaded dataset with the name it is recorded under.
#[derive(Debug)]
pub struct LoadedData {
    /// `mnist`, `mnist-subset`, `fashion-mnist` or the directory.
    pub label: String,
    /// The training set.
    pub train: Dataset,
    /// The test set.
    pub test: Dataset,
}
