//! Absurd sizes are errors, not aborts: every shape whose element count
//! overflows, or whose bytes no allocator can grant, gives
//! `TensorError::TooLarge` before anything of that size is allocated, in
//! debug builds (where overflow panics) and release builds (where it wraps)
//! alike.
//!
//! "Cannot be allocated" is made certain, whatever the system's overcommit
//! policy, by asking for more than a 64-bit address space holds: `HUGE ×
//! HUGE` elements of 4 bytes are 2^50 bytes, beyond the 2^47 bytes of user
//! space that x86-64 and AArch64 Linux map. Every test here runs in
//! milliseconds because nothing large is ever touched.

use lognum::LogNum;
use lognum_tensor::{Accumulate, Conv2dParams, Scalar, Tensor, TensorError, conv};

/// One axis of a shape too large to allocate when squared (2^48 elements).
const HUGE: usize = 1 << 24;

fn is_too_large<T>(r: Result<T, TensorError>) -> bool {
    match r {
        Err(e @ TensorError::TooLarge { .. }) => {
            // The message must format without overflowing, and say why.
            let msg = e.to_string();
            assert!(msg.contains("too large"), "{msg}");
            true
        }
        Err(e) => panic!("expected TooLarge, got {e}"),
        Ok(_) => false,
    }
}

#[test]
fn from_vec_of_an_uncountable_shape_is_an_error_with_a_message() {
    // The element count overflows usize.
    let err = Tensor::<f32>::from_vec(vec![], &[usize::MAX, 2]).unwrap_err();
    assert!(
        err.to_string().contains("[18446744073709551615, 2]"),
        "{err}"
    );
    assert!(is_too_large(Tensor::<f32>::from_vec(
        vec![],
        &[usize::MAX, 2]
    )));
    // A zero axis makes no elements, but ndarray still refuses non-zero
    // axes whose product passes isize::MAX: so do we, with a reason.
    assert!(is_too_large(Tensor::<f32>::from_vec(
        vec![],
        &[0, usize::MAX]
    )));
    assert!(is_too_large(Tensor::<f32>::from_vec(
        vec![],
        &[1 << 40, 1 << 40, 0]
    )));
    // Countable but wrong: a length error that names the count.
    let err = Tensor::<f32>::from_vec(vec![0.0], &[1 << 40]).unwrap_err();
    assert!(matches!(err, TensorError::Length { len: 1, .. }));
    assert!(err.to_string().contains("1099511627776 elements"), "{err}");
    // Large axes around a zero one are fine while countable.
    let t = Tensor::<f32>::from_vec(vec![], &[1 << 31, 0, 1 << 31]).unwrap();
    assert!(t.is_empty());
}

#[test]
fn zeros_and_full_refuse_shapes_they_cannot_allocate() {
    assert!(is_too_large(Tensor::<f32>::try_zeros(&[usize::MAX, 2])));
    assert!(is_too_large(Tensor::<f32>::try_zeros(&[HUGE, HUGE])));
    // 2^62 elements of 4 bytes pass isize::MAX bytes.
    assert!(is_too_large(Tensor::<f32>::try_zeros(&[1 << 31, 1 << 31])));
    type L = LogNum<10>;
    assert!(is_too_large(Tensor::<L>::try_full(&[HUGE, HUGE], L::ONE)));
    // Small shapes still work, empty ones included.
    assert_eq!(Tensor::<f64>::try_zeros(&[2, 3]).unwrap().len(), 6);
    assert!(Tensor::<f64>::try_zeros(&[HUGE, 0]).unwrap().is_empty());
}

#[test]
#[should_panic(expected = "too large")]
fn zeros_of_a_shape_it_cannot_allocate_panics_with_the_reason() {
    // An unwinding panic naming the shape, not an allocation abort.
    let _ = Tensor::<f32>::zeros(&[HUGE, HUGE]);
}

fn matmul_results_too_large<T: Scalar>() {
    for acc in [
        Accumulate::Sequential,
        Accumulate::Blocked(4),
        Accumulate::Pairwise,
        Accumulate::Wide,
    ] {
        // k = 0, so the operands hold nothing but the result is m × n.
        let a = Tensor::<T>::from_vec(vec![], &[HUGE, 0]).unwrap();
        let b = Tensor::<T>::from_vec(vec![], &[0, HUGE]).unwrap();
        assert!(is_too_large(a.matmul_with(&b, acc)), "{acc:?}");
        // m × n overflows usize.
        let a = Tensor::<T>::from_vec(vec![], &[1 << 40, 0]).unwrap();
        let b = Tensor::<T>::from_vec(vec![], &[0, 1 << 40]).unwrap();
        assert!(is_too_large(a.matmul_with(&b, acc)), "{acc:?}");
        // A small k = 0 product is still a zero matrix.
        let a = Tensor::<T>::from_vec(vec![], &[3, 0]).unwrap();
        let b = Tensor::<T>::from_vec(vec![], &[0, 2]).unwrap();
        let c = a.matmul_with(&b, acc).unwrap();
        assert_eq!(c.shape(), &[3, 2]);
        assert!(c.to_f64_vec().iter().all(|&x| x == 0.0));
    }
}

#[test]
fn matmul_refuses_a_product_it_cannot_hold() {
    // One type per kernel family: tuned GEMM, LNS kernels, fixed-point MAC,
    // the generic loop.
    matmul_results_too_large::<f32>();
    matmul_results_too_large::<f64>();
    matmul_results_too_large::<LogNum<10>>();
    matmul_results_too_large::<fixed::types::I8F8>();
    matmul_results_too_large::<half::bf16>();
}

#[test]
fn batched_matmul_refuses_a_batch_it_cannot_hold() {
    type L = LogNum<10>;
    let b = Tensor::<L>::from_vec(vec![], &[0, 1]).unwrap();
    // A batch of HUGE × HUGE 1×1 outputs: countable, not allocatable.
    let a = Tensor::<L>::from_vec(vec![], &[HUGE, HUGE, 1, 0]).unwrap();
    assert!(is_too_large(a.matmul(&b)));
    // 2^62 outputs of 2 bytes: more bytes than isize::MAX.
    let a = Tensor::<L>::from_vec(vec![], &[1 << 31, 1 << 31, 1, 0]).unwrap();
    assert!(is_too_large(a.matmul(&b)));
    // The batch axes broadcast to 2^32 × 2^32: the count overflows.
    let a = Tensor::<f32>::from_vec(vec![], &[1 << 32, 1, 1, 0]).unwrap();
    let b = Tensor::<f32>::from_vec(vec![], &[1 << 32, 0, 1]).unwrap();
    assert!(is_too_large(a.matmul(&b)));
    // An empty result needs no operand broadcast over its batch.
    let a = Tensor::<f32>::from_vec(vec![], &[HUGE, 0, 4]).unwrap();
    let b = Tensor::<f32>::full(&[4, 2], 1.0);
    assert_eq!(a.matmul(&b).unwrap().shape(), &[HUGE, 0, 2]);
}

#[test]
fn conv2d_with_absurd_padding_is_an_error_not_a_wrong_shape() {
    let x = Tensor::<f32>::full(&[1, 1, 2, 2], 1.0);
    for kernel in [1, 2] {
        let w = Tensor::<f32>::full(&[1, 1, kernel, kernel], 1.0);
        for pad in [
            usize::MAX / 2,     // 2·pad + 2 wraps to 0
            usize::MAX / 2 + 1, // 2·pad wraps to 0: the unpadded shape
            usize::MAX,
            usize::MAX / 4, // no wrap, but an output of 2^124 elements
            HUGE,           // both axes: an output of 2^50 elements
        ] {
            let one_axis = if pad == HUGE {
                &[][..]
            } else {
                &[(pad, 0), (0, pad)]
            };
            for &(ph, pw) in [(pad, pad)].iter().chain(one_axis) {
                let p = Conv2dParams::new((1, 1), (ph, pw));
                let r = x.conv2d(&w, p);
                assert!(
                    r.is_err(),
                    "padding {:?}: {:?}",
                    p.padding,
                    r.map(|t| t.shape().to_vec())
                );
                assert!(conv::im2col(&x, (kernel, kernel), p).is_err());
            }
        }
    }
    let p = Conv2dParams::new((1, 1), (usize::MAX / 2 + 1, 0));
    assert_eq!(p.output_size((2, 2), (1, 1)), None);
}

#[test]
fn conv2d_gradients_refuse_uncountable_shapes() {
    let w = Tensor::<f32>::full(&[1, 1, 1, 1], 1.0);
    let g = Tensor::<f32>::full(&[1, 1, 1, 1], 1.0);
    let p = Conv2dParams::default();
    for shape in [
        [usize::MAX, 1, 1, 1],
        [1, 1, usize::MAX, 2],
        [HUGE, 1, HUGE, 1],
    ] {
        let r = conv::conv2d_backward_input(&g, &w, &shape, p);
        assert!(r.is_err(), "{shape:?}");
        let cols = Tensor::<f32>::full(&[1, 1], 1.0);
        assert!(conv::col2im(&cols, &shape, (1, 1), p).is_err(), "{shape:?}");
    }
    // Large but empty (no channels) is fine.
    let cols = Tensor::<f32>::from_vec(vec![], &[0, HUGE * HUGE]).unwrap();
    let img = conv::col2im(&cols, &[HUGE, 0, HUGE, 1], (1, 1), p).unwrap();
    assert!(img.is_empty());
}

#[test]
fn broadcast_refuses_shapes_it_cannot_allocate() {
    let t = Tensor::<f32>::full(&[1], 2.0);
    assert!(is_too_large(t.broadcast_to(&[HUGE, HUGE])));
    assert!(is_too_large(t.broadcast_to(&[usize::MAX, 2])));
    assert!(is_too_large(t.broadcast_to(&[1 << 31, 1 << 31])));
    // Element-wise ops broadcast their operands to a common shape: a
    // column of 2^23 times a row of 2^23 is 2^46 elements, 2^48 bytes.
    let col = Tensor::<f32>::zeros(&[1 << 23, 1]);
    let row = Tensor::<f32>::zeros(&[1, 1 << 23]);
    assert!(is_too_large(col.add(&row)));
    assert!(is_too_large(col.zip_with(&row, |a, b| a.scalar_mul(b))));
    // Small broadcasts still work.
    let b = t.broadcast_to(&[2, 3]).unwrap();
    assert_eq!(b.to_vec(), vec![2.0; 6]);
}

#[test]
fn max_pool_refuses_uncountable_shapes_and_clips_large_windows() {
    let g = Tensor::<f32>::full(&[1], 1.0);
    let r = Tensor::max_pool2d_backward(&g, &[0], &[usize::MAX, 2]);
    assert!(is_too_large(r));
    // A window far larger than the input visits only the input: each of
    // the 3×3 windows of a 2^40 kernel padded by 2^39 covers the whole
    // 2×2 image, whose maximum is 4 at index 3.
    let x = Tensor::<f32>::from_vec(vec![1.0, 3.0, 2.0, 4.0], &[1, 1, 2, 2]).unwrap();
    let p = Conv2dParams::new((1, 1), (1 << 39, 1 << 39));
    let (y, idx) = x.max_pool2d((1 << 40, 1 << 40), p).unwrap();
    assert_eq!(y.shape(), &[1, 1, 3, 3]);
    assert_eq!(y.to_vec(), vec![4.0; 9]);
    assert_eq!(idx, vec![3; 9]);
    // Padding that wraps is refused.
    let p = Conv2dParams::new((1, 1), (usize::MAX / 2 + 1, 0));
    assert!(x.max_pool2d((usize::MAX, 1), p).is_err());
}
