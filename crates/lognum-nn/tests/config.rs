//! Configuration and name errors: clear messages, never panics.

use lognum_nn::NnError;
use lognum_nn::data::Dataset;
use lognum_nn::format::Format;
use lognum_nn::model::ModelSpec;
use lognum_nn::optim::OptimizerKind;
use lognum_nn::train::{TrainConfig, UpdateRule, train_format};

fn tiny() -> Dataset {
    Dataset::new(vec![0; 2 * 784], 28, 28, vec![1, 2], 10)
}

fn refused(cfg: TrainConfig, field: &str) {
    let err = cfg.validate().unwrap_err();
    assert!(matches!(err, NnError::Config { .. }), "{err}");
    assert!(err.to_string().contains(field), "{err}");
    let ds = tiny();
    for format in [Format::F32, Format::Lns16Lut] {
        let err = train_format(format, &ds, &ds, &cfg, &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains(field), "{err}");
    }
}

#[test]
fn bad_values_are_refused() {
    let d = TrainConfig::default;
    refused(TrainConfig { batch: 0, ..d() }, "batch");
    refused(TrainConfig { epochs: 0, ..d() }, "epochs");
    refused(
        TrainConfig {
            eval_batch: 0,
            ..d()
        },
        "eval_batch",
    );
    refused(
        TrainConfig {
            lr: f64::NAN,
            ..d()
        },
        "lr",
    );
    refused(TrainConfig { lr: 0.0, ..d() }, "lr");
    refused(TrainConfig { lr: -0.1, ..d() }, "lr");
    refused(
        TrainConfig {
            lr: f64::INFINITY,
            ..d()
        },
        "lr",
    );
    refused(
        TrainConfig {
            optimizer: OptimizerKind::Sgd { momentum: 1.0 },
            ..d()
        },
        "momentum",
    );
    refused(
        TrainConfig {
            optimizer: OptimizerKind::Sgd { momentum: f64::NAN },
            ..d()
        },
        "momentum",
    );
    refused(
        TrainConfig {
            optimizer: OptimizerKind::Adam {
                beta1: 0.9,
                beta2: 1.5,
                eps: 1e-8,
            },
            ..d()
        },
        "beta2",
    );
    refused(
        TrainConfig {
            optimizer: OptimizerKind::Adam {
                beta1: 0.9,
                beta2: 0.999,
                eps: f64::NAN,
            },
            ..d()
        },
        "eps",
    );
    refused(
        TrainConfig {
            weight_decay: -1.0,
            ..d()
        },
        "weight_decay",
    );
    refused(
        TrainConfig {
            weight_decay: f64::NAN,
            ..d()
        },
        "weight_decay",
    );
    refused(
        TrainConfig {
            limit_train: Some(0),
            ..d()
        },
        "limit_train",
    );
    refused(
        TrainConfig {
            limit_test: Some(0),
            ..d()
        },
        "limit_test",
    );
}

#[test]
fn defaults_are_the_papers() {
    let c = TrainConfig::default();
    assert_eq!(c.model, ModelSpec::Mlp { hidden: vec![100] });
    assert_eq!(c.optimizer, OptimizerKind::Sgd { momentum: 0.0 });
    assert_eq!(
        (c.epochs, c.batch, c.lr, c.weight_decay, c.seed),
        (20, 5, 0.01, 0.0, 1)
    );
    assert_eq!(c.update, UpdateRule::WideMaster);
    assert!(c.validate().is_ok());
}

#[test]
fn unknown_names_list_the_valid_ones() {
    let err = "lns32".parse::<Format>().unwrap_err().to_string();
    for f in Format::ALL {
        assert!(err.contains(f.name()), "{err} lacks {f}");
    }
    assert!(err.contains("lns32"));
    let err = "transformer".parse::<ModelSpec>().unwrap_err().to_string();
    assert!(err.contains("mlp") && err.contains("cnn"), "{err}");
    for bad in ["mlp:", "mlp:0", "mlp:abc", "mlp:64-", "mlp:-3", "cnn:5"] {
        let err = bad.parse::<ModelSpec>().unwrap_err();
        assert!(matches!(err, NnError::UnknownModel { .. }), "{bad}: {err}");
        assert!(err.to_string().contains("mlp:H1-H2"), "{bad}: {err}");
    }
    assert_eq!(
        "mlp:64-32".parse::<ModelSpec>().unwrap(),
        ModelSpec::Mlp {
            hidden: vec![64, 32]
        }
    );
    assert_eq!("MLP".parse::<ModelSpec>().unwrap(), ModelSpec::default());
    for spec in ["mlp", "mlp:64-32", "cnn"] {
        assert_eq!(spec.parse::<ModelSpec>().unwrap().to_string(), spec);
    }
    let err = "rmsprop".parse::<OptimizerKind>().unwrap_err().to_string();
    assert!(err.contains("sgd") && err.contains("adam"), "{err}");
    let err = "adam".parse::<UpdateRule>().unwrap_err().to_string();
    assert!(
        err.contains("wide-master") && err.contains("native"),
        "{err}"
    );
    assert_eq!("LNS16-LUT".parse::<Format>().unwrap(), Format::Lns16Lut);
}

#[test]
fn mismatched_datasets_are_shape_errors() {
    let train = tiny();
    let test = Dataset::new(vec![0; 2 * 100], 10, 10, vec![1, 2], 10);
    let cfg = TrainConfig {
        epochs: 1,
        ..TrainConfig::default()
    };
    let err = train_format(Format::F32, &train, &test, &cfg, &mut |_| {}).unwrap_err();
    assert!(matches!(err, NnError::Shape(_)), "{err}");
    assert!(err.to_string().contains("[1, 10, 10]"), "{err}");
    let empty = Dataset::new(vec![], 28, 28, vec![], 10);
    assert!(train_format(Format::F32, &empty, &test, &cfg, &mut |_| {}).is_err());
}

#[test]
fn layers_refuse_wrong_shapes() {
    use lognum_nn::layers::{Conv2d, Layer, Linear, MaxPool2d};
    use lognum_tensor::Tensor;
    let mut fc = Linear::<f32>::new(4, 2);
    assert!(matches!(
        fc.forward(&Tensor::zeros(&[3, 5])),
        Err(NnError::Shape(_))
    ));
    assert!(fc.backward(&Tensor::zeros(&[3, 2]), true).is_err()); // no forward yet
    let mut conv = Conv2d::<f32>::new(2, 3, 5, 0);
    assert!(conv.forward(&Tensor::zeros(&[1, 1, 8, 8])).is_err());
    assert!(conv.forward(&Tensor::zeros(&[1, 2, 3, 3])).is_err()); // smaller than kernel
    assert!(
        <MaxPool2d as Layer<f32>>::forward(&mut MaxPool2d::new(2), &Tensor::zeros(&[4, 4]))
            .is_err()
    );
}

/// An open summation order resolves to the format's preferred one (pairwise
/// for the bit shift, sequential otherwise), a set one is kept, and the
/// report names the order used.
#[test]
fn summation_order_defaults_per_format_and_is_reported() {
    use lognum_nn::train::Accumulate;
    let ds = tiny();
    let cfg = TrainConfig {
        epochs: 1,
        ..TrainConfig::default()
    };
    assert_eq!(cfg.accumulate, None);
    for (format, expect) in [
        (Format::Lns16Shift, Accumulate::Pairwise),
        (Format::Lns12Shift, Accumulate::Pairwise),
        (Format::Lns16ShiftFloor, Accumulate::Sequential),
        (Format::Lns16Lut, Accumulate::Sequential),
        (Format::F32, Accumulate::Sequential),
    ] {
        assert_eq!(format.preferred_accumulate(), expect, "{format}");
        let r = train_format(format, &ds, &ds, &cfg, &mut |_| {}).unwrap();
        assert_eq!(r.accumulate, expect, "{format}");
    }
    let set = TrainConfig {
        accumulate: Some(Accumulate::Blocked(4)),
        ..cfg
    };
    let r = train_format(Format::Lns16Shift, &ds, &ds, &set, &mut |_| {}).unwrap();
    assert_eq!(r.accumulate, Accumulate::Blocked(4));
    refused(
        TrainConfig {
            accumulate: Some(Accumulate::Blocked(0)),
            ..TrainConfig::default()
        },
        "accumulate",
    );
}
