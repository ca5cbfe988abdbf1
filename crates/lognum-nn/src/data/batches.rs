//! Seeded mini-batches.

use std::iter::FusedIterator;

use crate::rng::Rng;

/// Example indices for one epoch, in batches: an iterator over
/// `Vec<usize>`s that together hold every index in `0..len` exactly once.
///
/// The order is a uniformly random permutation drawn from
/// [`Rng::with_stream(seed, epoch)`](Rng::with_stream): the same seed and
/// epoch always give the same batches, and each epoch of a run gets a fresh
/// order. All batches have `batch_size` indices except possibly the last,
/// which holds the remaining `len % batch_size` when that is not zero; it is
/// included, not dropped, so every example is seen every epoch. An empty
/// dataset yields no batches.
///
/// ```
/// use lognum_nn::data::Batches;
///
/// let epoch0: Vec<Vec<usize>> = Batches::new(10, 4, 42, 0).collect();
/// assert_eq!(epoch0.iter().map(Vec::len).collect::<Vec<_>>(), vec![4, 4, 2]);
/// assert_eq!(epoch0, Batches::new(10, 4, 42, 0).collect::<Vec<_>>());
///
/// let mut all: Vec<usize> = epoch0.concat();
/// all.sort();
/// assert_eq!(all, (0..10).collect::<Vec<_>>());
/// ```
#[derive(Clone, Debug)]
pub struct Batches {
    order: Vec<usize>,
    batch_size: usize,
    next: usize,
}

impl Batches {
    /// Batches of `batch_size` over a shuffled `0..len` for `epoch`.
    ///
    /// # Panics
    ///
    /// If `batch_size` is zero.
    ///
    /// ```
    /// use lognum_nn::data::Batches;
    ///
    /// let b = Batches::new(100, 32, 1, 0);
    /// assert_eq!(b.len(), 4); // 32 + 32 + 32 + 4
    /// assert_ne!(b.order(), Batches::new(100, 32, 1, 1).order());
    /// ```
    pub fn new(len: usize, batch_size: usize, seed: u64, epoch: u64) -> Self {
        assert!(batch_size > 0, "Batches::new: batch_size must be positive");
        Batches {
            order: Rng::with_stream(seed, epoch).permutation(len),
            batch_size,
            next: 0,
        }
    }

    /// The whole epoch's permutation, including batches already yielded.
    ///
    /// ```
    /// use lognum_nn::data::Batches;
    ///
    /// let mut b = Batches::new(5, 2, 3, 0);
    /// let first = b.next().unwrap();
    /// assert_eq!(&b.order()[..2], &first[..]);
    /// ```
    pub fn order(&self) -> &[usize] {
        &self.order
    }
}

impl Iterator for Batches {
    type Item = Vec<usize>;

    fn next(&mut self) -> Option<Vec<usize>> {
        let rest = &self.order[self.next..];
        if rest.is_empty() {
            return None;
        }
        let batch = &rest[..self.batch_size.min(rest.len())];
        self.next += batch.len();
        Some(batch.to_vec())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.order.len() - self.next).div_ceil(self.batch_size);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Batches {}

impl FusedIterator for Batches {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_cases() {
        assert_eq!(Batches::new(0, 3, 1, 0).count(), 0);
        let b = Batches::new(6, 3, 1, 0);
        assert_eq!(b.len(), 2);
        assert_eq!(b.map(|v| v.len()).collect::<Vec<_>>(), vec![3, 3]);
        let one: Vec<_> = Batches::new(5, 100, 1, 0).collect();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].len(), 5);
    }
}
