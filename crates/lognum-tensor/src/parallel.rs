//! How the kernels share work among rayon's threads: one rule for a
//! product's block size ([`row_block`]), one loop over its row blocks
//! ([`for_each_row_block`]), and under both one claiming loop
//! ([`for_each_claimed`]) in which each thread takes the next free item, so
//! that the calling thread starts at once and the others join as they
//! wake. Items are split, never a sum, so the bits do not depend on the
//! thread count.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Below this many multiply-adds a product stays on the calling thread: a
/// thread hand-off (15–100 µs to wake a sleeping core on the machines
/// here) costs more than the second core saves.
pub(crate) const PARALLEL_WORK: usize = 1 << 20;

/// [`PARALLEL_WORK`] for the tuned float GEMMs, about 67 M multiply-adds
/// (a 406³ product). A float multiply-add is four to five times faster
/// than a log-domain one, so the hand-off weighs more; and in training the
/// operands a product shares between cores (the batch, the weights, the
/// gradient) come back to the calling core for the serial steps, which
/// then run slower. An MLP's products at batch 512 gained nothing from a
/// split (`docs/PERFORMANCE.md`, "Training steps"), a 512³ product does.
pub(crate) const FLOAT_PARALLEL_WORK: usize = 1 << 26;

/// Rows per block for an `m × k · k × n` product: all of them on one
/// thread or below [`PARALLEL_WORK`], else four blocks per thread (for
/// balance).
pub(crate) fn row_block(m: usize, k: usize, n: usize) -> usize {
    let threads = rayon::current_num_threads();
    if threads == 1 || m.saturating_mul(k.max(1)).saturating_mul(n) < PARALLEL_WORK {
        return m.max(1);
    }
    m.div_ceil(threads * 4).max(1)
}

/// Calls `f(block, a_rows, c_rows)` for the blocks of `rows` rows of `c`
/// (rows of `n`) and the matching rows of `a` (rows of `k`), spread over
/// rayon's threads when there is more than one block (a lone block runs
/// on the calling thread). `block` counts from 0, so the first row of a
/// block is `block · rows`.
pub(crate) fn for_each_row_block<A: Sync, C: Send>(
    a: &[A],
    k: usize,
    c: &mut [C],
    n: usize,
    rows: usize,
    f: impl Fn(usize, &[A], &mut [C]) + Sync + Send,
) {
    for_each_row_block_with(a, k, c, n, rows, || (), |(), i, ar, cr| f(i, ar, cr));
}

/// [`for_each_row_block`] with state that each thread makes for itself
/// (`init`, once per thread that takes a block) before its first block:
/// data that every block reads, such as a packed operand, is then written
/// and read in one core's cache rather than written by one core and read
/// by the other, and a thread that wakes too late to take a block makes
/// none.
pub(crate) fn for_each_row_block_with<A: Sync, C: Send, S>(
    a: &[A],
    k: usize,
    c: &mut [C],
    n: usize,
    rows: usize,
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, usize, &[A], &mut [C]) + Sync + Send,
) {
    let (a_len, c_len) = (rows * k.max(1), rows * n.max(1));
    if c.len() <= c_len {
        f(&mut init(), 0, a, c);
        return;
    }
    let blocks = c.chunks_mut(c_len).enumerate().map(|(i, cr)| {
        let start = (i * a_len).min(a.len());
        let end = (start + a_len).min(a.len());
        (i, &a[start..end], cr)
    });
    for_each_claimed(blocks.collect(), init, |s, (i, ar, cr)| f(s, i, ar, cr));
}

/// Runs `f(state, item)` for every item, each item once, on whichever of
/// rayon's threads is free to claim the next one (in order). Each thread
/// that claims an item makes its `state` first, once; a thread that wakes
/// after the last item is claimed makes none. One item runs on the calling
/// thread without a hand-off.
pub(crate) fn for_each_claimed<T: Send, S>(
    items: Vec<T>,
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, T) + Sync + Send,
) {
    if items.len() <= 1 {
        if let Some(item) = items.into_iter().next() {
            f(&mut init(), item);
        }
        return;
    }
    let helpers = rayon::current_num_threads().min(items.len()) - 1;
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|x| Mutex::new(Some(x))).collect();
    let next = AtomicUsize::new(0);
    let take = || {
        let mut state = None;
        while let Some(slot) = slots.get(next.fetch_add(1, Ordering::Relaxed)) {
            let item = slot
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .expect("each item is claimed once");
            f(state.get_or_insert_with(&init), item);
        }
    };
    rayon::scope(|sc| {
        for _ in 0..helpers {
            sc.spawn(|_| take());
        }
        take();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every block is visited once with its own rows, on one thread and on
    /// several, with `a` empty (`k = 0`) and a ragged last block.
    #[test]
    fn every_block_once_with_its_rows() {
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for (m, k, n, rows) in [(10, 3, 2, 3), (7, 0, 4, 2), (5, 2, 1, 5), (0, 2, 2, 1)] {
                let a: Vec<usize> = (0..m * k).collect();
                let mut c = vec![usize::MAX; m * n];
                pool.install(|| {
                    for_each_row_block(&a, k, &mut c, n, rows, |b, ar, cr| {
                        assert_eq!(ar.len(), cr.len() / n * k);
                        for (r, row) in cr.chunks_mut(n).enumerate() {
                            let i = b * rows + r;
                            row.fill(i * 1000 + ar.get(r * k).copied().unwrap_or(0));
                        }
                    })
                });
                for i in 0..m {
                    let want = i * 1000 + if k > 0 { i * k } else { 0 };
                    assert!(
                        c[i * n..(i + 1) * n].iter().all(|&x| x == want),
                        "{m} {k} {n} {rows} row {i}"
                    );
                }
            }
        }
    }

    /// Each thread that takes a block makes its state once, and every
    /// block sees the state of the thread that ran it.
    #[test]
    fn state_is_made_once_per_taker() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let made = AtomicUsize::new(0);
            let (m, k, n) = (64, 3, 5);
            let a: Vec<usize> = (0..m * k).collect();
            let mut c = vec![(usize::MAX, usize::MAX); m * n];
            pool.install(|| {
                for_each_row_block_with(
                    &a,
                    k,
                    &mut c,
                    n,
                    4,
                    || {
                        (
                            made.fetch_add(1, Ordering::Relaxed),
                            std::thread::current().id(),
                        )
                    },
                    |s, b, ar, cr| {
                        assert_eq!(s.1, std::thread::current().id());
                        assert_eq!(ar[0], b * 4 * k);
                        cr.fill((b, s.0));
                    },
                )
            });
            let made = made.into_inner();
            assert!(
                (1..=threads).contains(&made),
                "{threads} threads made {made}"
            );
            for (i, row) in c.chunks(n).enumerate() {
                assert!(row.iter().all(|&(b, s)| b == i / 4 && s < made), "row {i}");
            }
        }
    }
}
