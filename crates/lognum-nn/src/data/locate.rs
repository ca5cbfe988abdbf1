//! Finding the data on disk.

use std::path::{Path, PathBuf};

use super::{DATA_DIR_ENV, MNIST_SUBSET_RELATIVE};

/// Finds the MNIST subset directory (8 000 + 2 000 images).
///
/// If the environment variable `LOGNUM_DATA` ([`DATA_DIR_ENV`]) is set and
/// not empty, returns it as is, without looking further: an explicit choice
/// that turns out wrong should fail loudly in [`load_idx_dir`](super::load_idx_dir), not fall back
/// silently. Otherwise searches from the current directory as
/// [`find_mnist_subset_from`] does.
///
/// ```
/// use lognum_nn::data::find_mnist_subset;
///
/// // Within this workspace (tests, doctests, `cargo run`) it is found.
/// if let Some(dir) = find_mnist_subset() {
///     assert!(dir.ends_with("mnist-10k"));
/// }
/// ```
pub fn find_mnist_subset() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    find_mnist_subset_from(&std::env::current_dir().ok()?)
}

/// Searches `start` and its ancestors for the MNIST subset: for each
/// ancestor `a`, nearest first, tries `a/shared/data/mnist-10k` and then
/// `a/../shared/data/mnist-10k` (the layout where `shared` sits beside the
/// workspace), returning the first that is a directory, canonicalised.
/// Ignores `LOGNUM_DATA`.
///
/// ```
/// use lognum_nn::data::find_mnist_subset_from;
///
/// let here = std::env::current_dir().unwrap();
/// if let Some(dir) = find_mnist_subset_from(&here) {
///     assert!(dir.join("t10k-labels-idx1-ubyte.gz").is_file());
/// }
/// ```
pub fn find_mnist_subset_from(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .flat_map(|a| {
            [
                a.join(MNIST_SUBSET_RELATIVE),
                a.join("..").join(MNIST_SUBSET_RELATIVE),
            ]
        })
        .find(|candidate| candidate.is_dir())
        .map(|dir| dir.canonicalize().unwrap_or(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_finds_sibling_shared_dir() {
        let root = std::env::temp_dir().join(format!("lognum-nn-data-unit-{}", std::process::id()));
        let ws = root.join("ws/crates/foo");
        let subset = root.join(MNIST_SUBSET_RELATIVE);
        std::fs::create_dir_all(&ws).unwrap();
        std::fs::create_dir_all(&subset).unwrap();
        let found = find_mnist_subset_from(&ws).unwrap();
        assert_eq!(found, subset.canonicalize().unwrap());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
