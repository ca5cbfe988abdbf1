//! Choosing and loading a dataset: a named one (`--dataset`) or any IDX
//! directory (`--data DIR`), with errors that name the directory and say how
//! to get the data.

use std::fmt;
use std::path::{Path, PathBuf};

use lognum_nn::data::{DATA_DIR_ENV, Dataset, FASHION_MNIST_DIR, find_mnist_subset, load_idx_dir};

use crate::error::CliError;

/// The Debian package that installs Fashion-MNIST into [`FASHION_MNIST_DIR`].
pub const FASHION_MNIST_INSTALL: &str = "apt-get install -y dataset-fashion-mnist";

/// The datasets known by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum DatasetName {
    /// The 10 000-image MNIST subset shipped beside the workspace
    /// (8 000 train, 2 000 test); `LOGNUM_DATA` overrides its location.
    MnistSubset,
    /// Fashion-MNIST from the Debian package (60 000 train, 10 000 test).
    FashionMnist,
}

impl DatasetName {
    /// Every named dataset, in the paper's order.
    pub const ALL: [DatasetName; 2] = [DatasetName::MnistSubset, DatasetName::FashionMnist];

    /// The name used on the command line and in results.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetName::MnistSubset => "mnist-subset",
            DatasetName::FashionMnist => "fashion-mnist",
        }
    }

    /// Where the data should be, if a location is known.
    pub fn dir(self) -> Option<PathBuf> {
        match self {
            DatasetName::MnistSubset => find_mnist_subset(),
            DatasetName::FashionMnist => Some(PathBuf::from(FASHION_MNIST_DIR)),
        }
    }

    /// True if the data directory exists (the files may still be bad).
    pub fn is_available(self) -> bool {
        self.dir().is_some_and(|d| d.is_dir())
    }

    /// How to get this dataset.
    pub fn install_hint(self) -> String {
        match self {
            DatasetName::MnistSubset => format!(
                "the MNIST subset is looked for in shared/data/mnist-10k beside the workspace; \
                 set {DATA_DIR_ENV}=DIR or pass --data DIR to use another IDX directory"
            ),
            DatasetName::FashionMnist => format!(
                "install Fashion-MNIST with `{FASHION_MNIST_INSTALL}` (as root), \
                 which puts it in {FASHION_MNIST_DIR}"
            ),
        }
    }
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
    /// `mnist-subset`, `fashion-mnist` or the directory.
    pub label: String,
    /// The training set.
    pub train: Dataset,
    /// The test set.
    pub test: Dataset,
}
