//! The public contract, checked from outside for every listed number type:
//! `Tensor::from_vec`, `shape`, `to_vec`, `matmul`, and shape errors that
//! are errors naming both shapes, never panics.

use fixed::types::{I8F8, I16F16};
use half::{bf16, f16};
use lognum::{BitShift, Exact, Interp, LogNum, Lut, WideLogNum};
use lognum_tensor::{Scalar, Tensor, TensorError};
use lognum_testkit::{
    SplitMix64, scaled_error,
    tensor::{TestDtype, normal_tensor},
};

fn contract<T: TestDtype>() {
    // from_vec / shape / to_vec round trip.
    let data: Vec<T> = (0..6)
        .map(|i| T::from_f64_lossy(i as f64 * 0.5 - 1.0))
        .collect();
    let t = Tensor::from_vec(data.clone(), &[2, 3]).unwrap();
    assert_eq!(t.shape(), &[2, 3]);
    assert_eq!(t.to_vec(), data);

    // A wrong length is an error naming the shape.
    let err = Tensor::from_vec(data.clone(), &[4, 2]).unwrap_err();
    assert!(matches!(err, TensorError::Length { len: 6, .. }));
    assert!(err.to_string().contains("[4, 2]"), "{err}");

    // matmul against an f64 reference on the rounded inputs.
    let mut rng = SplitMix64::new(11);
    let (a, av) = normal_tensor::<T>(&mut rng, &[5, 37], 1.0);
    let (b, bv) = normal_tensor::<T>(&mut rng, &[37, 3], 1.0);
    let c = a.matmul(&b).unwrap();
    assert_eq!(c.shape(), &[5, 3]);
    let (mut want, mut scale) = (vec![0.0; 15], vec![0.0; 15]);
    for i in 0..5 {
        for j in 0..3 {
            for p in 0..37 {
                want[i * 3 + j] += av[i * 37 + p] * bv[p * 3 + j];
                scale[i * 3 + j] += (av[i * 37 + p] * bv[p * 3 + j]).abs();
            }
        }
    }
    let e = scaled_error(&c.to_f64_vec(), &want, &scale);
    assert!(
        e <= T::DOT_BOUND,
        "{}: error {e:.3e} > {:.1e}",
        T::name(),
        T::DOT_BOUND
    );

    // Batched matmul: [2, 5, 37] · [37, 3] shares the 2-D operand.
    let batch = Tensor::concat(
        &[
            &a.reshape(&[1, 5, 37]).unwrap(),
            &a.reshape(&[1, 5, 37]).unwrap(),
        ],
        0,
    )
    .unwrap();
    let cb = batch.matmul(&b).unwrap();
    assert_eq!(cb.shape(), &[2, 5, 3]);
    assert_eq!(cb.index_axis(0, 1).unwrap().to_vec(), c.to_vec());

    // Shape mismatches are errors naming both shapes.
    for (l, r) in [
        (vec![2, 3], vec![2, 3]),
        (vec![3], vec![3, 1]),
        (vec![2, 2, 3], vec![4, 3, 1]),
    ] {
        let x = Tensor::<T>::zeros(&l);
        let y = Tensor::<T>::zeros(&r);
        let err = x.matmul(&y).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("{l:?}")) && msg.contains(&format!("{r:?}")),
            "{msg}"
        );
    }
    let err = t.add(&Tensor::zeros(&[4])).unwrap_err();
    assert!(err.to_string().contains("[2, 3]") && err.to_string().contains("[4]"));
}

macro_rules! contract_tests {
    ($($name:ident: $t:ty),* $(,)?) => {$(
        #[test]
        fn $name() {
            contract::<$t>();
        }
    )*};
}

contract_tests! {
    f32_contract: f32,
    f64_contract: f64,
    f16_contract: f16,
    bf16_contract: bf16,
    fixed_i8f8_contract: I8F8,
    fixed_i16f16_contract: I16F16,
    lns10_lut_contract: LogNum<10, Lut>,
    lns6_lut_contract: LogNum<6, Lut>,
    lns10_shift_contract: LogNum<10, BitShift>,
    lns10_exact_contract: LogNum<10, Exact>,
    lns10_interp_contract: LogNum<10, Interp>,
    wide_lns_contract: WideLogNum<20, Exact>,
}

/// Every `LogNum<FRAC, A>` is a `Scalar`, whatever the approximation.
#[test]
fn every_lognum_is_a_scalar() {
    fn is_scalar<T: Scalar>() -> String {
        T::name()
    }
    assert_eq!(
        is_scalar::<LogNum<10, lognum::TruncLut>>(),
        "lns16-lut-trunc"
    );
    assert_eq!(is_scalar::<LogNum<3, lognum::SoftmaxLut>>(), "lns9-lut");
    assert_eq!(is_scalar::<LogNum<10>>(), "lns16-lut");
}
