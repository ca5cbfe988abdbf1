//! Training in one-byte LNS words (`lognum_nn::lns8`), through the public
//! names: it learns the shipped MNIST subset, it is reproducible, it stores
//! one byte per weight, Madam keeps its bounds, bad settings are errors, and
//! saved networks load bit for bit while damaged files are refused.

use std::collections::HashMap;
use std::path::PathBuf;

use lognum::{BitShift, Exact, LogAdd, LogNum, Lut};
use lognum_nn::checkpoint::{self, CHECKSUM_KEY};
use lognum_nn::data::{Dataset, find_mnist_subset, load_idx_dir};
use lognum_nn::format::{Format, Lns16Lut, TrainFormat};
use lognum_nn::layers::Layer;
use lognum_nn::lns8::{
    Lns8Format, Lns8Mlp, Lns8Optimizer, evaluate_lns8_file, train_lns8, train_lns8_model,
};
use lognum_nn::optim::{OptimizerKind, UpdateRule};
use lognum_nn::train::{TrainConfig, train_format};
use lognum_nn::{CheckpointError, NnError, NnScalar};
use safetensors::SafeTensors;

fn subset() -> (Dataset, Dataset) {
    let dir = find_mnist_subset().expect(
        "MNIST subset not found: expected shared/data/mnist-10k beside the workspace root, \
         or set LOGNUM_DATA to the directory holding the four IDX files",
    );
    load_idx_dir(&dir).unwrap()
}

fn cfg(optimizer: OptimizerKind, update: UpdateRule, lr: f64) -> TrainConfig {
    TrainConfig {
        epochs: 1,
        lr,
        optimizer,
        update,
        limit_train: Some(3000),
        limit_test: Some(1000),
        ..TrainConfig::default()
    }
}

/// Every one-byte format and optimiser learns: one epoch on 3,000 images is
/// far above chance (10 %).
#[test]
fn every_one_byte_format_learns_the_subset() {
    let (train, test) = subset();
    for format in Lns8Format::ALL {
        for (opt, update, lr) in [
            (OptimizerKind::madam(), UpdateRule::WideMaster, 0.01),
            (OptimizerKind::madam(), UpdateRule::Stochastic, 0.01),
            (OptimizerKind::default(), UpdateRule::WideMaster, 0.01),
        ] {
            let r =
                train_format(format, &train, &test, &cfg(opt, update, lr), &mut |_| {}).unwrap();
            assert_eq!(r.format, format.name());
            assert!(
                r.test_accuracy > 0.6,
                "{format} {opt} {update:?}: {}",
                r.test_accuracy
            );
        }
    }
}

/// The same seed gives the same run, with either rounding; another seed
/// another one.
#[test]
fn runs_are_reproducible() {
    let (train, test) = subset();
    for update in [UpdateRule::Native, UpdateRule::Stochastic] {
        let c = cfg(OptimizerKind::madam(), update, 0.01);
        let run =
            |c: &TrainConfig| train_lns8(Lns8Format::Lut, &train, &test, c, &mut |_| {}).unwrap();
        let (a, b) = (run(&c), run(&c));
        assert_eq!(a.epochs[0].train_loss, b.epochs[0].train_loss);
        assert_eq!(a.test_accuracy, b.test_accuracy);
        let other = run(&TrainConfig {
            seed: 2,
            ..c.clone()
        });
        assert_ne!(a.epochs[0].train_loss, other.epochs[0].train_loss);
    }
}

/// One byte per weight; Madam's state is four bytes (v) plus two with the
/// master; SGD's master is a 16-bit word.
#[test]
fn memory_per_parameter() {
    let spec = "mlp".parse().unwrap();
    let madam = Lns8Optimizer::madam();
    let plain = Lns8Mlp::<3, Lut>::new(&spec, 784, 10, 1, &madam, false).unwrap();
    let master = Lns8Mlp::<3, Lut>::new(&spec, 784, 10, 1, &madam, true).unwrap();
    let sgd = Lns8Mlp::<3, Lut>::new(&spec, 784, 10, 1, &Lns8Optimizer::Sgd, false).unwrap();
    let weights = 784 * 100 + 100 * 10;
    assert_eq!(plain.memory(), (weights, 2 * 110, 4 * weights));
    assert_eq!(master.memory(), (weights, 2 * 110, 6 * weights));
    assert_eq!(sgd.memory(), (weights, 2 * 110, 0));
}

/// Madam never flips a weight's sign, never zeroes one, keeps each
/// tensor's offset (so its top word, p_scale × the initial RMS, bounds it),
/// and does move the weights.
#[test]
fn madam_keeps_signs_and_bounds() {
    let (train, _) = subset();
    let train = train.head(500);
    let spec: lognum_nn::model::ModelSpec = "mlp:32".parse().unwrap();
    for master in [false, true] {
        let madam = Lns8Optimizer::madam();
        let net0 = Lns8Mlp::<3, Lut>::new(&spec, 784, 10, 1, &madam, master).unwrap();
        let update = if master {
            UpdateRule::WideMaster
        } else {
            UpdateRule::Stochastic
        };
        let c = TrainConfig {
            epochs: 2,
            model: spec.clone(),
            ..cfg(OptimizerKind::madam(), update, 0.05)
        };
        let (net, _) = train_lns8_model::<3, Lut>(&train, &train, &c, &madam, &mut |_| {}).unwrap();
        for l in 0..2 {
            let (w0, w) = (net0.weight(l).unwrap(), net.weight(l).unwrap());
            assert_eq!(w0.offset(), w.offset());
            let mut moved = 0;
            for (&a, &b) in w0.words().iter().zip(w.words()) {
                assert!(a & 0x7f >= 1 && b & 0x7f >= 1, "a zero weight");
                assert_eq!(a & 0x80, b & 0x80, "a sign flipped");
                moved += usize::from(a != b);
            }
            assert!(moved > w.words().len() / 10, "layer {l}: {moved} moved");
        }
    }
}

#[test]
fn bad_settings_are_errors() {
    let (train, test) = subset();
    let c = cfg(OptimizerKind::adam(), UpdateRule::WideMaster, 0.01);
    let err = train_lns8(Lns8Format::Lut, &train, &test, &c, &mut |_| {}).unwrap_err();
    assert!(
        matches!(
            err,
            NnError::Config {
                field: "optimizer",
                ..
            }
        ),
        "{err}"
    );
    let c = TrainConfig {
        model: "cnn".parse().unwrap(),
        ..cfg(OptimizerKind::madam(), UpdateRule::WideMaster, 0.01)
    };
    assert!(train_lns8(Lns8Format::Lut, &train, &test, &c, &mut |_| {}).is_err());
    // A checkpoint that cannot be written is refused before training.
    let c = TrainConfig {
        checkpoint: Some("/nonexistent/lns8.safetensors".into()),
        ..cfg(OptimizerKind::madam(), UpdateRule::WideMaster, 0.01)
    };
    let err = train_lns8(Lns8Format::Lut, &train, &test, &c, &mut |_| {}).unwrap_err();
    assert!(matches!(err, NnError::Checkpoint(_)), "{err}");
    let bad = Lns8Optimizer::Madam {
        p_scale: 3.0,
        g_bound: f64::NAN,
        beta: 0.999,
        bias_lr: 0.01,
    };
    assert!(bad.validate().is_err());
    assert!("lns8-lut".parse::<TrainFormat>().unwrap().word().is_none());
    assert_eq!(TrainFormat::from(Format::F32).name(), "f32");
}

fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lognum-nn-lns8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// `a` and `b` hold the same words, offsets and biases.
fn assert_same<const FRAC: u32, A: LogAdd>(a: &Lns8Mlp<FRAC, A>, b: &Lns8Mlp<FRAC, A>)
where
    LogNum<10, A>: NnScalar,
{
    for l in 0.. {
        let (Some(wa), Some(wb)) = (a.weight(l), b.weight(l)) else {
            assert!(a.weight(l).is_none() && b.weight(l).is_none(), "layer {l}");
            assert!(l > 1, "only {l} layers");
            break;
        };
        assert_eq!(wa, wb, "layer {l}: words, shape or offset");
        let (ba, bb) = (a.bias(l).unwrap(), b.bias(l).unwrap());
        assert_eq!(
            ba.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            bb.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            "layer {l}: biases"
        );
    }
}

/// Trained by Madam (both roundings) and by SGD, a network saved by
/// training loads with the same words, offsets and biases, and evaluates
/// to exactly the accuracy training reported.
#[test]
fn trained_networks_round_trip_bit_for_bit() {
    let (train, test) = subset();
    let (train, test) = (train.head(2000), test.head(500));
    for (opt, kind, update) in [
        (
            Lns8Optimizer::madam(),
            OptimizerKind::madam(),
            UpdateRule::WideMaster,
        ),
        (
            Lns8Optimizer::madam(),
            OptimizerKind::madam(),
            UpdateRule::Stochastic,
        ),
        (
            Lns8Optimizer::Sgd,
            OptimizerKind::default(),
            UpdateRule::Native,
        ),
    ] {
        let path = temp_path(&format!("{}-{update:?}.safetensors", opt.name()));
        let c = TrainConfig {
            checkpoint: Some(path.clone()),
            ..cfg(kind, update, 0.01)
        };
        let (net, report) =
            train_lns8_model::<3, Lut>(&train, &test, &c, &opt, &mut |_| {}).unwrap();
        let loaded = Lns8Mlp::<3, Lut>::load(&path).unwrap();
        assert_same(&net, &loaded);
        let from_memory = Lns8Mlp::<3, Lut>::from_bytes(&net.to_bytes().unwrap()).unwrap();
        assert_same(&net, &from_memory);
        let accuracy = loaded.evaluate(&test, c.eval_batch).unwrap();
        assert_eq!(accuracy, report.test_accuracy, "{opt:?} {update:?}");
        assert_eq!(accuracy, net.evaluate(&test, c.eval_batch).unwrap());
        assert_eq!(
            accuracy,
            evaluate_lns8_file(Lns8Format::Lut, &path, &test, c.eval_batch).unwrap()
        );
        // Only the inference state is saved.
        assert_eq!(loaded.memory().2, 0);
        std::fs::remove_file(path).unwrap();
    }
}

/// Every one-byte format saves under its own name, the layer spec of the
/// same MLP in the other formats, and reloads to the same accuracy.
#[test]
fn every_one_byte_format_saves() {
    let (train, test) = subset();
    let (train, test) = (train.head(1000), test.head(300));
    for format in Lns8Format::ALL {
        let path = temp_path(&format!("{format}.safetensors"));
        let c = TrainConfig {
            checkpoint: Some(path.clone()),
            ..cfg(OptimizerKind::madam(), UpdateRule::WideMaster, 0.01)
        };
        let r = train_lns8(format, &train, &test, &c, &mut |_| {}).unwrap();
        let info = checkpoint::read_info(&path).unwrap();
        assert_eq!(info.format, format.name());
        assert_eq!(
            info.layers,
            lognum_nn::model::mlp::<f32>(&[784], &[100], 10, 1)
                .unwrap()
                .spec()
        );
        let tensors: Vec<(&str, &str, Vec<usize>)> = info
            .tensors
            .iter()
            .map(|(n, d, s)| (n.as_str(), d.as_str(), s.clone()))
            .collect();
        assert_eq!(
            tensors,
            [
                ("1.bias", "U16", vec![100]),
                ("1.weight", "U8", vec![784, 100]),
                ("3.bias", "U16", vec![10]),
                ("3.weight", "U8", vec![100, 10]),
            ]
        );
        let accuracy = evaluate_lns8_file(format, &path, &test, c.eval_batch).unwrap();
        assert_eq!(accuracy, r.test_accuracy, "{format}");
        std::fs::remove_file(path).unwrap();
    }
    // The generic form names the same formats.
    assert_eq!(Lns8Mlp::<3, Exact>::format_name(), Lns8Format::Exact.name());
    assert_eq!(Lns8Mlp::<3, Lut>::format_name(), Lns8Format::Lut.name());
    assert_eq!(
        Lns8Mlp::<3, BitShift>::format_name(),
        Lns8Format::Shift.name()
    );
}

fn small_net() -> Lns8Mlp<3, Lut> {
    let spec = "mlp:5".parse().unwrap();
    Lns8Mlp::<3, Lut>::new(&spec, 6, 3, 7, &Lns8Optimizer::madam(), false).unwrap()
}

/// The file's tensors and metadata, with edits, written again without a
/// checksum (as a file of another tool), to reach the checks behind it.
fn rewrite(bytes: &[u8], edit: impl FnOnce(&mut HashMap<String, String>)) -> Vec<u8> {
    let (_, meta) = SafeTensors::read_metadata(bytes).unwrap();
    let mut metadata = meta.metadata().clone().unwrap();
    metadata.remove(CHECKSUM_KEY);
    edit(&mut metadata);
    let tensors = SafeTensors::deserialize(bytes).unwrap();
    safetensors::serialize(tensors.tensors(), Some(metadata)).unwrap()
}

fn expect_err(bytes: &[u8], needles: &[&str]) -> NnError {
    let err = Lns8Mlp::<3, Lut>::from_bytes(bytes)
        .err()
        .expect("an error");
    let text = err.to_string();
    for n in needles {
        assert!(text.contains(n), "{n:?} not in {text}");
    }
    err
}

/// A flipped byte anywhere is an error or, where it leaves the meaning the
/// same (a digit of the version), the same network; a flipped weight or
/// offset is caught by the checksum; every truncation is an error.
#[test]
fn damaged_files_are_refused() {
    let net = small_net();
    let bytes = net.to_bytes().unwrap();
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x10;
        if let Ok(back) = Lns8Mlp::<3, Lut>::from_bytes(&bad) {
            assert_same(&net, &back);
        }
    }
    let mut bad = bytes.clone();
    let n = bad.len();
    bad[n - 1] ^= 1; // the last tensor's data
    expect_err(&bad, &["checksum"]);
    // The offset's digits are in the header: change one, keep the length.
    let key = "3.weight.offset\":\"";
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let at = text.find(key).expect("the offset in the header") + key.len();
    let mut bad = bytes.clone();
    bad[at] = if bad[at] == b'1' { b'2' } else { b'1' };
    expect_err(&bad, &["checksum"]);
    for len in 0..bytes.len() {
        assert!(
            Lns8Mlp::<3, Lut>::from_bytes(&bytes[..len]).is_err(),
            "length {len}"
        );
    }
    let err = expect_err(&bytes[..bytes.len() - 3], &["truncated"]);
    assert!(matches!(
        err,
        NnError::Checkpoint(CheckpointError::Truncated { .. })
    ));
}

/// Another format, 16-bit or one-byte, is refused naming both; a one-byte
/// file is no 16-bit checkpoint either.
#[test]
fn wrong_formats_name_both() {
    let bytes = small_net().to_bytes().unwrap();
    let err = Lns8Mlp::<3, Exact>::from_bytes(&bytes).err().unwrap();
    assert!(
        matches!(
            err,
            NnError::Checkpoint(CheckpointError::FormatMismatch { .. })
        ),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("lns8-lut") && text.contains("lns8-exact"),
        "{text}"
    );
    assert!(Lns8Mlp::<4, Lut>::from_bytes(&bytes).is_err());
    let err = checkpoint::from_bytes::<Lns16Lut>(&bytes)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("lns8-lut") && err.contains("lns16-lut"),
        "{err}"
    );

    let lns16 = lognum_nn::model::mlp::<Lns16Lut>(&[6], &[5], 3, 7).unwrap();
    let err = expect_err(
        &checkpoint::to_bytes(&lns16).unwrap(),
        &["lns16-lut", "lns8-lut"],
    );
    assert!(matches!(
        err,
        NnError::Checkpoint(CheckpointError::FormatMismatch { .. })
    ));
    // An lns8 file still reads as a checkpoint's metadata.
    let info = checkpoint::info(&bytes).unwrap();
    assert_eq!(info.format, "lns8-lut");
    assert_eq!(info.layers, lns16.spec());
}

/// Offsets missing, unparsable, beyond the bound or stray; tensors
/// mistyped, misshaped, missing or extra; another network: each an error
/// naming the cause.
#[test]
fn forged_contents_are_refused() {
    let net = small_net();
    let bytes = net.to_bytes().unwrap();
    // Without the checksum the file still loads as itself.
    assert_same(
        &net,
        &Lns8Mlp::from_bytes(&rewrite(&bytes, |_| {})).unwrap(),
    );
    let key = "1.weight.offset";
    expect_err(
        &rewrite(&bytes, |m| {
            m.remove(key);
        }),
        &["offset", key],
    );
    for bad in [
        "",
        "1.5",
        "x",
        "99999999999999999999",
        "-16777217",
        "16777217",
    ] {
        expect_err(
            &rewrite(&bytes, |m| {
                m.insert(key.into(), bad.into());
            }),
            &["offset", key],
        );
    }
    // The bound itself is accepted.
    let edge = rewrite(&bytes, |m| {
        m.insert(key.into(), "-16777216".into());
    });
    assert_eq!(
        Lns8Mlp::<3, Lut>::from_bytes(&edge)
            .unwrap()
            .weight(0)
            .unwrap()
            .offset(),
        -(1 << 24)
    );
    expect_err(
        &rewrite(&bytes, |m| {
            m.insert("2.weight.offset".into(), "0".into());
        }),
        &["2.weight.offset"],
    );
    let spec = |hidden: &[usize]| {
        serde_json::to_string(
            &lognum_nn::model::mlp::<f32>(&[6], hidden, 3, 1)
                .unwrap()
                .spec(),
        )
        .unwrap()
    };
    // Another MLP's spec: the tensors do not fit it.
    expect_err(
        &rewrite(&bytes, |m| {
            m.insert(checkpoint::LAYERS_KEY.into(), spec(&[4]));
        }),
        &["1.weight", "shape"],
    );
    expect_err(
        &rewrite(&bytes, |m| {
            m.insert(checkpoint::LAYERS_KEY.into(), spec(&[5, 5]));
        }),
        &["3.weight", "shape"],
    );
    // A tensor missing, a tensor extra.
    let tensors = SafeTensors::deserialize(&bytes).unwrap();
    let (_, meta) = SafeTensors::read_metadata(&bytes).unwrap();
    let mut metadata = meta.metadata().clone().unwrap();
    metadata.remove(CHECKSUM_KEY);
    let mut views = tensors.tensors();
    views.retain(|(n, _)| n != "3.bias");
    let missing = safetensors::serialize(views.clone(), Some(metadata.clone())).unwrap();
    expect_err(&missing, &["3.bias", "missing"]);
    let extra_view = tensors.tensor("3.bias").unwrap();
    views.push(("3.bias".into(), extra_view.clone()));
    views.push(("5.bias".into(), extra_view));
    let extra = safetensors::serialize(views, Some(metadata)).unwrap();
    expect_err(&extra, &["5.bias"]);
    // Not an MLP of this layout.
    let conv = serde_json::to_string(&lognum_nn::layers::LayerSpec::Sequential {
        layers: vec![lognum_nn::layers::LayerSpec::Linear {
            inputs: 6,
            outputs: 5,
        }],
    })
    .unwrap();
    expect_err(
        &rewrite(&bytes, |m| {
            m.insert(checkpoint::LAYERS_KEY.into(), conv);
        }),
        &["one-byte MLP"],
    );
    // A 16-bit weight under an lns8 name.
    let lns16 = lognum_nn::model::mlp::<Lns16Lut>(&[6], &[5], 3, 7).unwrap();
    let forged = rewrite(&checkpoint::to_bytes(&lns16).unwrap(), |m| {
        m.insert(checkpoint::FORMAT_KEY.into(), "lns8-lut".into());
        m.insert("1.weight.offset".into(), "0".into());
        m.insert("3.weight.offset".into(), "0".into());
    });
    expect_err(&forged, &["1.weight", "dtype", "U8"]);
}

/// A one-byte checkpoint exports to F32 in PyTorch's layout, each weight's
/// offset applied.
#[test]
fn one_byte_checkpoints_export() {
    let net = small_net();
    let out = checkpoint::export_f32(&net.to_bytes().unwrap()).unwrap();
    let info = checkpoint::info(&out).unwrap();
    assert_eq!(info.format, "f32-export");
    let st = SafeTensors::deserialize(&out).unwrap();
    let w = st.tensor("1.weight").unwrap();
    assert_eq!(w.shape(), [5, 6]);
    let got: Vec<f32> = w
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    let want = net.weight(0).unwrap().to_f64_vec();
    for r in 0..6 {
        for c in 0..5 {
            assert_eq!(got[c * 6 + r], want[r * 5 + c] as f32);
        }
    }
    let b = st.tensor("3.bias").unwrap();
    assert_eq!(b.shape(), [3]);
}
