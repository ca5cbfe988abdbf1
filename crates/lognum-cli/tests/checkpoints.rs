//! `train --save`, `eval` and `export` end to end, and `--model` specs. The
//! MNIST subset beside the workspace is required: a missing subset fails
//! these tests, it does not skip them.

mod common;
use common::*;

/// A network with two hidden layers trains, saves, and `eval` reports the
/// test accuracy `train` reported for the same test set; `export` writes
/// F32 tensors in PyTorch's layout.
#[test]
fn train_save_eval_export_round_trip() {
    let data = mnist_subset().display().to_string();
    let dir = temp_dir("round");
    let ckpt = dir.join("net.safetensors");
    let out = lognum(&[
        "train",
        "--data",
        &data,
        "--model",
        "mlp:16-8",
        "--format",
        "lns16-lut",
        "--epochs",
        "1",
        "--limit-train",
        "300",
        "--limit-test",
        "200",
        "--save",
        s(&ckpt),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let trained = last_json(&out);
    assert_eq!(trained["model"], "mlp:16-8");
    assert_eq!(trained["epoch_saturated"].as_array().unwrap().len(), 1);

    let eval = eval_json(&ckpt, &data, "200");
    assert_eq!(eval["format"], "lns16-lut");
    assert_eq!(eval["test_size"], 200);
    assert_eq!(eval["test_accuracy"], trained["test_accuracy"]);

    let f32_file = dir.join("net-f32.safetensors");
    let out = lognum(&["export", "--checkpoint", s(&ckpt), "--to", s(&f32_file)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&f32_file).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let w = st.tensor("1.weight").unwrap();
    assert_eq!(w.dtype(), safetensors::Dtype::F32);
    assert_eq!(w.shape(), &[16, 784]);
    assert_eq!(st.tensor("5.bias").unwrap().shape(), &[10]);

    // An export is not a checkpoint lognum evaluates.
    let out = lognum(&["eval", "--checkpoint", s(&f32_file), "--data", &data]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("f32-export"), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Damaged and foreign checkpoints: exit 1, the cause named, no panic.
#[test]
fn bad_checkpoints_are_named() {
    let data = mnist_subset().display().to_string();
    let dir = temp_dir("bad");
    let ckpt = dir.join("net.safetensors");
    let out = lognum(&[
        "train",
        "--data",
        &data,
        "--epochs",
        "1",
        "--limit-train",
        "50",
        "--limit-test",
        "50",
        "--save",
        s(&ckpt),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&ckpt).unwrap();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("truncated", bytes[..bytes.len() - 10].to_vec(), "truncated"),
        (
            "header",
            {
                let mut b = bytes.clone();
                b[0..8].copy_from_slice(&(u64::MAX / 4).to_le_bytes());
                b
            },
            "header",
        ),
        ("legacy", b"LGNMCKPT\x01\x00\x00\x00".to_vec(), "old"),
        ("garbage", b"hello".to_vec(), "truncated"),
    ];
    for (name, content, needle) in cases {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        for args in [
            vec!["eval", "--checkpoint", s(&path), "--data", &data],
            vec!["export", "--checkpoint", s(&path), "--to", "/dev/null"],
        ] {
            let out = lognum(&args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{name}: {err}");
            assert!(err.contains(needle), "{name}: {needle:?} not in {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
    let out = lognum(&["eval", "--checkpoint", s(&dir.join("missing"))]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing"), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn model_specs_on_the_command_line() {
    for bad in ["mlp:", "mlp:0", "mlp:abc", "transformer"] {
        let out = lognum(&["train", "--model", bad]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{bad}: {err}");
        assert!(err.contains("mlp:H1-H2"), "{bad}: {err}");
    }
    let out = lognum(&["train", "--optimizer", "adam", "--momentum", "0.9"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--momentum"), "{}", stderr(&out));
    let out = lognum(&["train", "--loss", "mse", "--label-grad", "subtract"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// Adam and MSE through the CLI train and are recorded.
#[test]
fn adam_and_mse_from_the_command_line() {
    let data = mnist_subset().display().to_string();
    let out = lognum(&[
        "train",
        "--data",
        &data,
        "--format",
        "lns16-lut",
        "--optimizer",
        "adam",
        "--lr",
        "0.001",
        "--loss",
        "mse",
        "--epochs",
        "1",
        "--limit-train",
        "500",
        "--limit-test",
        "300",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = last_json(&out);
    assert_eq!(r["optimizer"], "adam");
    assert_eq!(r["loss"], "mse");
    assert!(r["test_accuracy"].as_f64().unwrap() > 0.5, "{r}");
}
