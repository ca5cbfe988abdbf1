//! Matrix multiplication: the generic kernels, the tuned f32/f64 GEMM, the
//! LNS kernels ([`lns`]) and the 2-D / batched tensor entry points.
//!
//! # Order of additions
//!
//! It matters for LNS, whose addition is not associative, and for every
//! type that rounds. [`Accumulate`] chooses it:
//!
//! - [`Accumulate::Sequential`] (what [`Tensor::matmul`] uses): each output
//!   is `((0 + a₀b₀) + a₁b₁) + …` over `k` in increasing order, in the
//!   element type. The LNS kernels follow this order exactly, so they give
//!   the bits of [`gemm_generic`]. `f32` and `f64` use the tuned GEMM
//!   (`matrixmultiply`), whose kernels also add in increasing `k` per
//!   output but may fuse multiply and add, and so can differ from the
//!   generic loop in the last bit.
//! - [`Accumulate::Blocked(kb)`](Accumulate::Blocked): the `k` products are
//!   summed in blocks of `kb` consecutive terms, each block left to right
//!   from zero; then the block sums left to right from zero. A long LNS sum
//!   then never adds a term to a partial sum more than `kb` terms larger.
//! - [`Accumulate::Pairwise`]: a binary tree over `k`, as an adder tree
//!   sums: `t₀ + t₁`, `t₂ + t₃`, …, then those sums in pairs, and so on.
//!   Precisely, the order of a binary counter: after term `p` is taken,
//!   the partial sums of the `tz(p + 1)` lower levels are merged into it
//!   (lowest first), and the result is kept at level `tz(p + 1)`, where
//!   `tz` counts trailing zero bits; at the end the levels left over (the
//!   set bits of `k`) are merged from the lowest up. Every addition then
//!   joins two sums of about the same number of terms, so no term is added
//!   to a partial sum that is far larger than itself: the order that keeps
//!   an LNS sum whose Δ+ and Δ− err differently for small terms (the bit
//!   shift) unbiased. Zero terms are kept in the tree (adding zero is exact
//!   in every type here), so the shape depends on `k` alone.
//! - [`Accumulate::Wide`]: products are summed in f64 in increasing `k` and
//!   the sum is rounded once to the element type. For LNS the products are
//!   exact (log codes add) and `A` is not used: log-domain multiply, linear
//!   accumulate, as hybrid LNS hardware does.

pub mod lns;

use crate::parallel::{FLOAT_PARALLEL_WORK, for_each_row_block, row_block};

use crate::{Scalar, Tensor, TensorError};

/// How a matrix product sums its `k` terms (see the [module docs](self)).
///
/// ```
/// use lognum::LogNum;
/// use lognum_tensor::{Tensor, matmul::Accumulate};
/// type L = LogNum<10>;
/// // A 1×4096 row of 0.01 times a column of ones: 40.96.
/// let a = Tensor::<L>::full(&[1, 4096], L::from_f64(0.01));
/// let b = Tensor::<L>::full(&[4096, 1], L::ONE);
/// let seq = a.matmul(&b).unwrap().to_f64_vec()[0];
/// let wide = a.matmul_with(&b, Accumulate::Wide).unwrap().to_f64_vec()[0];
/// let blocked = a.matmul_with(&b, Accumulate::Blocked(64)).unwrap().to_f64_vec()[0];
/// assert!(seq < 20.0); // the 16-bit sum stalls once terms drop below its table
/// assert!((wide - 40.96).abs() < 0.1);
/// assert!((blocked - 40.96).abs() < 4.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Accumulate {
    /// Left to right in the element type (the default).
    #[default]
    Sequential,
    /// Blocks of this many terms (0 counts as 1), each left to right from
    /// zero, then the block sums left to right.
    Blocked(usize),
    /// A binary tree of additions (pairs, then pairs of pairs, …), in the
    /// order the [module docs](self) define.
    Pairwise,
    /// In f64, rounded once at the end.
    Wide,
}

/// The generic kernel: `c = a · b` (row-major, m×k times k×n), each output
/// summed over `k` in increasing order from zero. Rows are split across
/// rayon's threads for large products (the order within an output does not
/// change).
///
/// ```
/// let (a, b) = ([1.0f64, 2.0, 3.0, 4.0], [1.0f64, 0.0, 0.0, 1.0]);
/// let mut c = [0.0f64; 4];
/// lognum_tensor::matmul::gemm_generic(2, 2, 2, &a, &b, &mut c);
/// assert_eq!(c, a);
/// ```
pub fn gemm_generic<T: Scalar>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T]) {
    gemm_generic_blocked(m, k, n, a, b, c, k);
}

/// The generic kernel in the [`Accumulate::Blocked`] order: blocks of `kb`
/// terms, each from zero, then the block sums from zero.
///
/// ```
/// let (a, b) = ([1.0f32, 2.0, 3.0], [1.0f32, 1.0, 1.0]);
/// let mut c = [0.0f32];
/// lognum_tensor::matmul::gemm_generic_blocked(1, 3, 1, &a, &b, &mut c, 2);
/// assert_eq!(c, [6.0]); // (1 + 2) + 3
/// ```
#[allow(clippy::too_many_arguments)]
pub fn gemm_generic_blocked<T: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: &[T],
    b: &[T],
    c: &mut [T],
    kb: usize,
) {
    assert_dims(m, k, n, a.len(), b.len(), c.len());
    if m == 0 || n == 0 {
        return;
    }
    let kb = kb.clamp(1, k.max(1));
    let rows = row_block(m, k, n);
    for_each_row_block(a, k, c, n, rows, |chunk, _, cr| {
        let mut part = vec![T::zero(); n];
        for (ii, row) in cr.chunks_exact_mut(n).enumerate() {
            let i = chunk * rows + ii;
            row.fill(T::zero());
            let mut p0 = 0;
            while p0 < k {
                let p1 = (p0 + kb).min(k);
                let acc: &mut [T] = if p0 == 0 && p1 == k { row } else { &mut part };
                acc.fill(T::zero());
                for p in p0..p1 {
                    let aip = a[i * k + p];
                    let brow = &b[p * n..(p + 1) * n];
                    for (cj, &bpj) in acc.iter_mut().zip(brow) {
                        *cj = cj.scalar_add(aip.scalar_mul(bpj));
                    }
                }
                if !(p0 == 0 && p1 == k) {
                    for (cj, &s) in row.iter_mut().zip(part.iter()) {
                        *cj = cj.scalar_add(s);
                    }
                }
                p0 = p1;
            }
        }
    });
}

/// The number of levels a pairwise sum of `k` terms needs: the bit length
/// of `k` (at least 1).
pub(crate) fn tree_levels(k: usize) -> usize {
    (usize::BITS - k.leading_zeros()).max(1) as usize
}

/// The generic kernel in the [`Accumulate::Pairwise`] order: a binary tree
/// of additions over `k` per output.
///
/// ```
/// let a = [1.0f32, 2.0, 3.0];
/// let mut c = [0.0f32];
/// lognum_tensor::matmul::gemm_generic_pairwise(1, 3, 1, &a, &[1.0; 3], &mut c);
/// assert_eq!(c, [6.0]); // (1 + 2) + 3
/// ```
pub fn gemm_generic_pairwise<T: Scalar>(
    m: usize,
    k: usize,
    n: usize,
    a: &[T],
    b: &[T],
    c: &mut [T],
) {
    assert_dims(m, k, n, a.len(), b.len(), c.len());
    if m == 0 || n == 0 {
        return;
    }
    let levels = tree_levels(k);
    let rows = row_block(m, k, n);
    for_each_row_block(a, k, c, n, rows, |chunk, _, cr| {
        // After `p` terms, level `l` holds the sum of the latest
        // complete block of 2^l terms exactly when bit `l` of `p` is set.
        let mut stack = vec![T::zero(); levels * n];
        let mut cur = vec![T::zero(); n];
        for (ii, row) in cr.chunks_exact_mut(n).enumerate() {
            let i = chunk * rows + ii;
            for p in 0..k {
                let aip = a[i * k + p];
                for (x, &bpj) in cur.iter_mut().zip(&b[p * n..(p + 1) * n]) {
                    *x = aip.scalar_mul(bpj);
                }
                let top = (p + 1).trailing_zeros() as usize;
                for l in 0..top {
                    for (x, &s) in cur.iter_mut().zip(&stack[l * n..(l + 1) * n]) {
                        *x = s.scalar_add(*x);
                    }
                }
                stack[top * n..(top + 1) * n].copy_from_slice(&cur);
            }
            // From zero, as every order starts (so a lone −0 is +0).
            row.fill(T::zero());
            for l in (0..levels).filter(|&l| k >> l & 1 == 1) {
                for (x, &s) in row.iter_mut().zip(&stack[l * n..(l + 1) * n]) {
                    *x = s.scalar_add(*x);
                }
            }
        }
    });
}

/// The generic kernel in the [`Accumulate::Wide`] order: products formed
/// in f64 from the operands' values, summed in f64 over increasing `k`,
/// rounded once.
///
/// ```
/// use half::f16;
/// let a = vec![f16::from_f64(0.1); 4096];
/// let b = vec![f16::from_f64(1.0); 4096];
/// let mut c = [f16::ZERO];
/// lognum_tensor::matmul::gemm_generic_wide(1, 4096, 1, &a, &b, &mut c);
/// assert!((c[0].to_f64() - 409.5).abs() < 0.5); // f16 alone stalls at 256
/// ```
pub fn gemm_generic_wide<T: Scalar>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T]) {
    assert_dims(m, k, n, a.len(), b.len(), c.len());
    if m == 0 || n == 0 {
        return;
    }
    let rows = row_block(m, k, n);
    for_each_row_block(a, k, c, n, rows, |chunk, _, cr| {
        let mut acc = vec![0.0f64; n];
        for (ii, row) in cr.chunks_exact_mut(n).enumerate() {
            let i = chunk * rows + ii;
            acc.fill(0.0);
            for p in 0..k {
                let aip = a[i * k + p].to_f64_lossy();
                for (s, bpj) in acc.iter_mut().zip(&b[p * n..(p + 1) * n]) {
                    *s += aip * bpj.to_f64_lossy();
                }
            }
            for (cj, &s) in row.iter_mut().zip(&acc) {
                *cj = T::from_f64_lossy(s);
            }
        }
    });
}

macro_rules! tuned_gemm {
    ($name:ident, $t:ty, $kernel:path, $doc:literal) => {
        #[doc = $doc]
        ///
        /// Large products split their rows into one block per rayon thread.
        pub fn $name(m: usize, k: usize, n: usize, a: &[$t], b: &[$t], c: &mut [$t]) {
            assert_dims(m, k, n, a.len(), b.len(), c.len());
            if m == 0 || n == 0 {
                return;
            }
            // One block of rows per thread: matrixmultiply packs `b` for
            // each call and runs best on tall blocks.
            let threads = rayon::current_num_threads();
            let rows = if m.saturating_mul(k.max(1)).saturating_mul(n) < FLOAT_PARALLEL_WORK {
                m
            } else {
                m.div_ceil(threads)
            };
            for_each_row_block(a, k, c, n, rows, |_, ar, cr| {
                let mr = cr.len() / n;
                if k == 0 {
                    cr.fill(0.0);
                    return;
                }
                // SAFETY: `ar` holds mr·k, `b` k·n and `cr` mr·n elements
                // (checked above) and the strides describe row-major
                // layouts inside them.
                unsafe {
                    $kernel(
                        mr,
                        k,
                        n,
                        1.0,
                        ar.as_ptr(),
                        k as isize,
                        1,
                        b.as_ptr(),
                        n as isize,
                        1,
                        0.0,
                        cr.as_mut_ptr(),
                        n as isize,
                        1,
                    );
                }
            });
        }
    };
}

tuned_gemm!(
    gemm_f32,
    f32,
    matrixmultiply::sgemm,
    "The tuned f32 GEMM (`matrixmultiply::sgemm`).\n\n```\nlet (a, b) = ([1.0f32, 2.0], [3.0f32, 4.0]);\nlet mut c = [0.0f32; 1];\nlognum_tensor::matmul::gemm_f32(1, 2, 1, &a, &b, &mut c);\nassert_eq!(c, [11.0]);\n```"
);
tuned_gemm!(
    gemm_f64,
    f64,
    matrixmultiply::dgemm,
    "The tuned f64 GEMM (`matrixmultiply::dgemm`).\n\n```\nlet (a, b) = ([1.0f64, 2.0], [3.0f64, 4.0]);\nlet mut c = [0.0f64; 1];\nlognum_tensor::matmul::gemm_f64(1, 2, 1, &a, &b, &mut c);\nassert_eq!(c, [11.0]);\n```"
);

/// Kernels are called with lengths validated by the tensor layer; a caller
/// passing raw slices of the wrong length gets a panic here, not memory
/// unsafety.
#[inline]
pub(crate) fn assert_dims(m: usize, k: usize, n: usize, a: usize, b: usize, c: usize) {
    assert!(
        m.checked_mul(k) == Some(a) && k.checked_mul(n) == Some(b) && m.checked_mul(n) == Some(c),
        "gemm: slice lengths do not match {m}x{k} · {k}x{n}"
    );
}

impl<T: Scalar> Tensor<T> {
    /// Matrix product. 2-D: `[m, k] · [k, n] → [m, n]`. Batched: operands
    /// of rank ≥ 2 multiply their last two axes, and the leading (batch) axes
    /// broadcast; a 2-D operand is shared by every batch. Sums in the
    /// [`Accumulate::Sequential`] order through the type's kernel
    /// ([`Scalar::gemm`]). A result too large to allocate is
    /// [`TensorError::TooLarge`], found before any work.
    ///
    /// ```
    /// use lognum_tensor::Tensor;
    /// let a = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    /// let b = Tensor::from_vec(vec![1.0f32, 0.0, 0.0, 1.0, 1.0, 1.0], &[3, 2]).unwrap();
    /// let c = a.matmul(&b).unwrap();
    /// assert_eq!(c.shape(), &[2, 2]);
    /// assert_eq!(c.to_vec(), vec![4.0, 5.0, 10.0, 11.0]);
    /// assert!(a.matmul(&a).is_err());
    /// ```
    pub fn matmul(&self, rhs: &Tensor<T>) -> Result<Tensor<T>, TensorError> {
        self.matmul_with(rhs, Accumulate::Sequential)
    }

    /// [`matmul`](Self::matmul) with a chosen order of additions
    /// ([`Scalar::gemm_with`]).
    ///
    /// ```
    /// use lognum_tensor::{Tensor, matmul::Accumulate};
    /// let a = Tensor::from_vec(vec![1.0f64, 2.0, 3.0], &[1, 3]).unwrap();
    /// let b = Tensor::from_vec(vec![1.0f64, 1.0, 1.0], &[3, 1]).unwrap();
    /// for acc in [Accumulate::Sequential, Accumulate::Blocked(2), Accumulate::Wide] {
    ///     assert_eq!(a.matmul_with(&b, acc).unwrap().to_vec(), vec![6.0]);
    /// }
    /// ```
    pub fn matmul_with(&self, rhs: &Tensor<T>, acc: Accumulate) -> Result<Tensor<T>, TensorError> {
        let (ls, rs) = (self.shape(), rhs.shape());
        let mismatch = || TensorError::ShapeMismatch {
            op: "matmul",
            left: ls.to_vec(),
            right: rs.to_vec(),
        };
        if ls.len() < 2 || rs.len() < 2 {
            return Err(mismatch());
        }
        let (m, k) = (ls[ls.len() - 2], ls[ls.len() - 1]);
        let (k2, n) = (rs[rs.len() - 2], rs[rs.len() - 1]);
        if k != k2 {
            return Err(mismatch());
        }
        let batch = crate::tensor::broadcast_shapes(&ls[..ls.len() - 2], &rs[..rs.len() - 2])
            .ok_or_else(mismatch)?;
        let mut out_shape = batch.clone();
        out_shape.extend([m, n]);
        // Sized (and refused if too large) before any operand is copied.
        let mut out = crate::tensor::try_filled("matmul", &out_shape, T::zero())?;
        if ls.len() == 2 && rs.len() == 2 {
            let (a, b) = (self.contiguous(), rhs.contiguous());
            T::gemm_with(acc, m, k, n, &a, &b, &mut out);
            return Tensor::from_vec(out, &out_shape);
        }
        if out.is_empty() {
            // Nothing to compute, and nothing to broadcast: an operand
            // broadcast over the batch could still be large.
            return Tensor::from_vec(out, &out_shape);
        }
        let count = out.len() / (m * n);
        let lhs = self
            .broadcast_to(&[batch.as_slice(), &[m, k]].concat())?
            .to_vec();
        let rhs = rhs
            .broadcast_to(&[batch.as_slice(), &[k, n]].concat())?
            .to_vec();
        for b in 0..count {
            T::gemm_with(
                acc,
                m,
                k,
                n,
                &lhs[b * m * k..(b + 1) * m * k],
                &rhs[b * k * n..(b + 1) * k * n],
                &mut out[b * m * n..(b + 1) * m * n],
            );
        }
        Tensor::from_vec(out, &out_shape)
    }
}
