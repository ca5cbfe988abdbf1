//! How the kernels share a product's rows among rayon's threads: one rule
//! for the block size ([`row_block`]) and one loop over the blocks
//! ([`for_each_row_block`]), used by every kernel that splits rows.

use rayon::prelude::*;

/// Below this many multiply-adds a product stays on the calling thread: a
/// thread hand-off (15–100 µs to wake a sleeping core on the machines
/// here) costs more than the second core saves.
pub(crate) const PARALLEL_WORK: usize = 1 << 20;

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
    let (a_len, c_len) = (rows * k.max(1), rows * n.max(1));
    if c.len() <= c_len {
        f(0, a, c);
        return;
    }
    c.par_chunks_mut(c_len).enumerate().for_each(|(i, cr)| {
        let start = (i * a_len).min(a.len());
        let end = (start + a_len).min(a.len());
        f(i, &a[start..end], cr)
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
}
