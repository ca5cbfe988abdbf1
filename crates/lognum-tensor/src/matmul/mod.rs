//! Matrix multiplication: the generic kernel, the tuned f32 GEMM and the
//! 2-D / batched tensor entry point.
//!
//! Order of additions (it matters for LNS, whose addition is not
//! associative): the generic kernel computes each output as
//! `((0 ⊞ a₀b₀) ⊞ a₁b₁) ⊞ …` over `k` in increasing order.

use crate::{Scalar, Tensor, TensorError};

/// The generic kernel: `c = a · b` (row-major, m×k times k×n), each output
/// summed over `k` in increasing order from zero.
///
/// ```
/// let (a, b) = ([1.0f64, 2.0, 3.0, 4.0], [1.0f64, 0.0, 0.0, 1.0]);
/// let mut c = [0.0f64; 4];
/// lognum_tensor::matmul::gemm_generic(2, 2, 2, &a, &b, &mut c);
/// assert_eq!(c, a);
/// ```
pub fn gemm_generic<T: Scalar>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T]) {
    assert_dims(m, k, n, a.len(), b.len(), c.len());
    for i in 0..m {
        let row = &mut c[i * n..(i + 1) * n];
        row.fill(T::zero());
        for p in 0..k {
            let aip = a[i * k + p];
            let brow = &b[p * n..(p + 1) * n];
            for (cj, &bpj) in row.iter_mut().zip(brow) {
                *cj = cj.add(aip.mul(bpj));
            }
        }
    }
}

/// The tuned f32 GEMM (`matrixmultiply::sgemm`).
///
/// ```
/// let (a, b) = ([1.0f32, 2.0], [3.0f32, 4.0]);
/// let mut c = [0.0f32; 1];
/// lognum_tensor::matmul::gemm_f32(1, 2, 1, &a, &b, &mut c);
/// assert_eq!(c, [11.0]);
/// ```
pub fn gemm_f32(m: usize, k: usize, n: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
    assert_dims(m, k, n, a.len(), b.len(), c.len());
    if m == 0 || n == 0 {
        return;
    }
    // SAFETY: the slices hold m·k, k·n and m·n elements (checked above) and
    // the strides describe row-major layouts inside them.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            k as isize,
            1,
            b.as_ptr(),
            n as isize,
            1,
            0.0,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// Kernels are called with lengths validated by the tensor layer; a caller
/// passing raw slices of the wrong length gets a panic here, not memory
/// unsafety.
#[inline]
fn assert_dims(m: usize, k: usize, n: usize, a: usize, b: usize, c: usize) {
    assert!(
        a == m * k && b == k * n && c == m * n,
        "gemm: slice lengths do not match {m}x{k} · {k}x{n}"
    );
}

impl<T: Scalar> Tensor<T> {
    /// Matrix product. 2-D: `[m, k] · [k, n] → [m, n]`. Batched: operands
    /// of rank ≥ 2 multiply their last two axes, and the leading (batch) axes
    /// broadcast; a 2-D operand is shared by every batch.
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
        let count: usize = batch.iter().product();
        let mut out_shape = batch.clone();
        out_shape.extend([m, n]);
        let mut out = vec![T::zero(); count * m * n];
        let lhs = self
            .broadcast_to(&[batch.as_slice(), &[m, k]].concat())?
            .to_vec();
        let rhs = rhs
            .broadcast_to(&[batch.as_slice(), &[k, n]].concat())?
            .to_vec();
        for b in 0..count {
            T::gemm(
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
