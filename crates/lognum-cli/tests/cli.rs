//! End-to-end tests of the `lognum` binary: argument errors, data errors, the
//! JSON line of `train`, the files of `reproduce` and the JSON of `bench`.
//!
//! The data runs use the MNIST subset beside the workspace: a missing subset
//! fails them, it does not skip them.

mod common;
use common::*;

use std::path::Path;

#[test]
fn unknown_option_is_a_usage_error() {
    assert_usage_error(&["train", "--no-such-option"], "--no-such-option");
    assert_usage_error(&["frobnicate"], "frobnicate");
}

#[test]
fn unknown_format_lists_the_valid_ones() {
    let out = lognum(&["train", "--format", "lns17-lut"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for name in [
        "f32",
        "f64",
        "bf16",
        "f16",
        "fixed16",
        "lns16-exact",
        "lns16-lut",
        "lns16-shift",
        "lns12-lut",
        "lns12-shift",
    ] {
        assert!(err.contains(name), "{name} missing from: {err}");
    }
    assert_usage_error(&["reproduce", "--formats", "f32,nope"], "nope");
}

#[test]
fn bad_numbers_are_usage_errors() {
    assert_usage_error(&["train", "--lr", "NaN"], "--lr");
    assert_usage_error(&["train", "--lr", "-0.5"], "--lr");
    assert_usage_error(&["train", "--lr", "inf"], "--lr");
    assert_usage_error(&["train", "--batch", "0"], "--batch");
    assert_usage_error(&["train", "--epochs", "0"], "--epochs");
    assert_usage_error(&["train", "--epochs", "two"], "--epochs");
    assert_usage_error(&["train", "--batch", "-3"], "--batch");
    assert_usage_error(&["train", "--quantize-weights", "-2"], "--quantize-weights");
    assert_usage_error(&["train", "--quantize-weights", "1"], "--quantize-weights");
    assert_usage_error(&["train", "--quantize-weights", "9"], "--quantize-weights");
    assert_usage_error(&["train", "--momentum", "1.5"], "--momentum");
    assert_usage_error(&["train", "--weight-decay", "-1"], "--weight-decay");
    assert_usage_error(&["train", "--accumulate", "tree"], "pairwise");
    assert_usage_error(&["train", "--lr-schedule", "exp"], "--lr-schedule");
    assert_usage_error(&["train", "--accumulate", "blocked:0"], "--accumulate");
    assert_usage_error(&["reproduce", "--epochs", "0"], "--epochs");
    assert_usage_error(&["bench", "--batch", "0"], "--batch");
    for bad in ["", "5,0", "5,", "5,,32", "5,x", "5,-3", "32,5,32"] {
        assert_usage_error(&["bench", "--batch", bad], "--batch");
    }
    assert_usage_error(&["bench", "--batch", "5", "--batch", "32"], "--batch");
    assert_usage_error(
        &["train", "--data", "/tmp", "--dataset", "mnist-subset"],
        "--dataset",
    );
}

#[test]
fn missing_data_dir_is_named() {
    let dir = "/nonexistent/lognum-cli-test-data";
    let out = lognum(&["train", "--data", dir, "--epochs", "1"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(dir) && err.contains("does not exist"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn corrupt_data_prints_the_error_chain() {
    let dir = temp_dir("corrupt");
    // A gzip magic followed by garbage: the loader's error has the
    // decompressor's error as its source.
    std::fs::write(
        dir.join("train-images-idx3-ubyte.gz"),
        [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7],
    )
    .unwrap();
    for name in [
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ] {
        std::fs::write(dir.join(name), b"").unwrap();
    }
    let out = lognum(&["train", "--data", dir.to_str().unwrap(), "--epochs", "1"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("train-images-idx3-ubyte.gz"), "{err}");
    assert!(err.contains("caused by"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// One short run; `accumulate` is the summation order the JSON must report
/// (the format's default unless `extra` sets one).
fn check_train_json(format: &str, extra: &[&str], accumulate: &str) {
    mnist_subset();
    let mut args = vec![
        "train",
        "--format",
        format,
        "--limit-train",
        "500",
        "--limit-test",
        "200",
        "--epochs",
        "1",
        "--json",
    ];
    args.extend_from_slice(extra);
    let out = lognum(&args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let v = last_json(&out);
    assert_eq!(v["format"], format);
    assert_eq!(v["dataset"], "mnist-subset");
    assert_eq!(v["model"], "mlp");
    assert_eq!(v["epochs"], 1);
    assert_eq!(v["train_size"], 500);
    assert_eq!(v["test_size"], 200);
    for key in ["seed", "batch", "lr", "train_seconds", "samples_per_second"] {
        assert!(v[key].is_number(), "{key} missing: {v}");
    }
    let acc = v["test_accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&acc), "{v}");
    assert_eq!(v["epoch_test_accuracy"].as_array().unwrap().len(), 1);
    assert_eq!(v["accumulate"], accumulate, "{v}");
}

#[test]
fn train_json_f32() {
    check_train_json("f32", &[], "sequential");
}

#[test]
fn train_json_lns16_lut() {
    check_train_json("lns16-lut", &[], "sequential");
}

/// The bit shift sums pairwise by default, and `--accumulate` overrides it.
#[test]
fn train_json_lns12_shift_orders() {
    check_train_json("lns12-shift", &[], "pairwise");
    check_train_json("lns12-shift", &["--accumulate", "sequential"], "sequential");
    check_train_json("lns16-lut", &["--accumulate", "pairwise"], "pairwise");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn reproduce_writes_table_csv_and_plots() {
    mnist_subset();
    let dir = temp_dir("reproduce");
    let out_dir = dir.join("out");
    let out = lognum(&[
        "reproduce",
        "--out",
        out_dir.to_str().unwrap(),
        "--formats",
        "f32,lns16-lut",
        "--datasets",
        "mnist-subset",
        "--epochs",
        "2",
        "--limit-train",
        "300",
        "--limit-test",
        "100",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = read(&out_dir.join("results.md"));
    assert!(
        md.contains("| f32 |") && md.contains("| lns16-lut |"),
        "{md}"
    );
    assert!(
        md.contains("97.4") && md.contains("97.2"),
        "paper numbers missing: {md}"
    );
    assert!(stdout(&out).contains("| lns16-lut |"), "table not printed");
    let csv = read(&out_dir.join("results.csv"));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("format,dataset,model,epochs"), "{csv}");
    assert_eq!(lines[0].split(',').count(), lines[1].split(',').count());
    for svg in ["accuracy-mnist-subset.svg", "delta-error.svg"] {
        let text = read(&out_dir.join(svg));
        assert!(text.contains("<svg") && text.contains("</svg>"), "{svg}");
        assert!(
            text.contains("polyline") || text.contains("path"),
            "{svg} has no lines"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reproduce_refuses_a_missing_named_dataset_or_skips_it() {
    let dir = temp_dir("reproduce-missing");
    let out = lognum(&[
        "reproduce",
        "--out",
        dir.to_str().unwrap(),
        "--datasets",
        "fashion-mnist",
        "--formats",
        "f32",
        "--epochs",
        "1",
        "--limit-train",
        "50",
        "--limit-test",
        "50",
    ]);
    if Path::new(lognum_nn::data::FASHION_MNIST_DIR).is_dir() {
        assert!(out.status.success(), "{}", stderr(&out));
    } else {
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains("apt-get install -y dataset-fashion-mnist"),
            "{err}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bench_json_has_ratios() {
    mnist_subset();
    let out = lognum(&[
        "bench",
        "--json",
        "--formats",
        "f32,lns16-lut",
        "--steps",
        "10",
        "--batch",
        "5",
        "--matmul-size",
        "32",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = last_json(&out);
    let rows = v["results"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["format"], "f32");
    assert_eq!(v["batch"], 5);
    assert_eq!(rows[1]["batch"], 5);
    assert_eq!(rows[0]["train_time_vs_f32"], 1.0);
    assert!(rows[1]["matmul_macs_per_second"].as_f64().unwrap() > 0.0);
    assert!(v["lns16_lut_train_time_vs_f32"].as_f64().unwrap() > 0.0);
}

/// `bench --batch 5,32,128`: one table row per format and batch size, each
/// compared with f32 at the same batch size.
#[test]
fn bench_takes_several_batch_sizes() {
    let data = mnist_subset().display().to_string();
    let args = [
        "bench",
        "--data",
        &data,
        "--quick",
        "--formats",
        "f32,lns16-lut",
        "--steps",
        "4",
        "--batch",
        "5,32,128",
        "--matmul-size",
        "32",
    ];
    let out = lognum(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| format"))
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    let keys: Vec<(&str, &str)> = rows.iter().map(|r| (r[0], r[1])).collect();
    assert_eq!(
        keys,
        [
            ("f32", "5"),
            ("f32", "32"),
            ("f32", "128"),
            ("lns16-lut", "5"),
            ("lns16-lut", "32"),
            ("lns16-lut", "128"),
        ],
        "{text}"
    );
    // f32 is its own baseline at every batch size.
    for r in &rows[..3] {
        assert_eq!(r[3], "1.00x", "{text}");
    }
    assert!(text.contains("at batch 128"), "{text}");

    let out = lognum(&[&args[..], &["--json"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let v = last_json(&out);
    assert_eq!(v["batches"], serde_json::json!([5, 32, 128]));
    assert!(v["batch"].is_null(), "{v}");
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for (r, batch) in results.iter().zip([5, 32, 128, 5, 32, 128]) {
        assert_eq!(r["batch"], batch, "{r}");
        assert!(r["train_time_vs_f32"].as_f64().unwrap() > 0.0, "{r}");
    }
    assert_eq!(results[2]["train_time_vs_f32"], 1.0);
    let worst = results[3..]
        .iter()
        .map(|r| r["train_time_vs_f32"].as_f64().unwrap())
        .fold(0.0, f64::max);
    assert_eq!(v["lns16_lut_train_time_vs_f32"].as_f64(), Some(worst));
}

#[test]
fn save_writes_a_checkpoint_or_fails_before_training() {
    let out = lognum(&[
        "train",
        "--save",
        "/nonexistent/lognum-cli/m.ckpt",
        "--epochs",
        "1",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("/nonexistent/lognum-cli") && err.contains("does not exist"),
        "{err}"
    );
    mnist_subset();
    let dir = temp_dir("save");
    let path = dir.join("model.ckpt");
    let out = lognum(&[
        "train",
        "--format",
        "lns12-lut",
        "--limit-train",
        "50",
        "--limit-test",
        "50",
        "--epochs",
        "1",
        "--save",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::metadata(&path).unwrap().len() > 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--lr 1e6` in f32 turns the weights to NaN in the first epoch: the run
/// exits 1 naming the epoch, and an existing `--save` target is untouched.
#[test]
fn divergence_exits_non_zero_and_keeps_the_saved_file() {
    mnist_subset();
    let dir = temp_dir("diverge");
    let path = dir.join("model.ckpt");
    std::fs::write(&path, b"the previous checkpoint").unwrap();
    let out = lognum(&[
        "train",
        "--format",
        "f32",
        "--lr",
        "1e6",
        "--epochs",
        "1",
        "--json",
        "--save",
        path.to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("diverged in epoch 1"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        !stdout(&out).contains("test_accuracy"),
        "a result was printed"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"the previous checkpoint");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "a file was left"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An LNS run that pins most weights at ±MAX does not diverge (there is no
/// NaN in LNS) but warns, and reports the saturated share in the JSON.
#[test]
fn saturation_is_warned_about() {
    mnist_subset();
    let out = lognum(&[
        "train",
        "--format",
        "lns16-lut",
        "--lr",
        "1e6",
        "--epochs",
        "1",
        "--limit-train",
        "200",
        "--limit-test",
        "50",
        "--json",
    ]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: after epoch 1") && err.contains("saturated"),
        "{err}"
    );
    let share = last_json(&out)["epoch_saturated"][0].as_f64().unwrap();
    assert!(share > lognum_nn::train::SATURATION_WARNING, "{share}");
}

/// Madam trains from the command line, in 12-bit LNS with stochastic
/// rounding, well above chance (measured 0.818), and is recorded; its
/// options are checked.
#[test]
fn madam_from_the_command_line() {
    let data = mnist_subset().display().to_string();
    let out = lognum(&[
        "train",
        "--data",
        &data,
        "--format",
        "lns12-lut",
        "--optimizer",
        "madam",
        "--update",
        "stochastic",
        "--lr",
        "0.0078125",
        "--madam-p-scale",
        "3",
        "--madam-g-bound",
        "10",
        "--epochs",
        "1",
        "--limit-train",
        "2000",
        "--limit-test",
        "500",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = last_json(&out);
    assert_eq!(r["optimizer"], "madam");
    assert_eq!(r["update"], "stochastic");
    assert_eq!(r["lr_schedule"], "constant", "the default");
    let acc = r["test_accuracy"].as_f64().unwrap();
    assert!(acc > 0.7, "{r}");

    let madam = ["train", "--optimizer", "madam"];
    let with = |extra: &[&'static str]| [&madam[..], extra].concat();
    assert_usage_error(&with(&["--madam-p-scale", "-1"]), "--madam-p-scale");
    assert_usage_error(&with(&["--madam-p-scale", "NaN"]), "--madam-p-scale");
    assert_usage_error(&with(&["--madam-g-bound", "0"]), "--madam-g-bound");
    assert_usage_error(&with(&["--madam-g-bound", "inf"]), "--madam-g-bound");
    assert_usage_error(
        &["train", "--optimizer", "sgd", "--madam-p-scale", "2"],
        "applies to --optimizer madam",
    );
    assert_usage_error(&with(&["--weight-decay", "1e-4"]), "weight_decay");
}

/// The one-byte formats through `train`, `eval`, `export` and `bench`; a
/// saved one-byte network scores in `eval` as `train` reported, and Adam has
/// no one-byte form.
#[test]
fn one_byte_formats_from_the_command_line() {
    let data = mnist_subset().display().to_string();
    let out = lognum(&[
        "train",
        "--data",
        &data,
        "--format",
        "lns8-lut",
        "--optimizer",
        "madam",
        "--madam-p-scale",
        "32",
        "--lr-schedule",
        "cosine",
        "--epochs",
        "1",
        "--limit-train",
        "2000",
        "--limit-test",
        "500",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r = last_json(&out);
    assert_eq!(r["format"], "lns8-lut");
    assert_eq!(r["optimizer"], "madam");
    assert_eq!(r["madam_p_scale"], 32.0);
    assert_eq!(r["madam_g_bound"], 10.0);
    assert_eq!(r["lr_schedule"], "cosine");
    assert!(r["test_accuracy"].as_f64().unwrap() > 0.7, "{r}");

    // A one-byte network saves, and `eval` scores it as training did.
    let dir = temp_dir("lns8-save");
    let save = dir.join("net.safetensors");
    let out = lognum(&[
        "train",
        "--data",
        &data,
        "--format",
        "lns8-exact",
        "--optimizer",
        "madam",
        "--epochs",
        "1",
        "--limit-train",
        "1000",
        "--limit-test",
        "300",
        "--save",
        s(&save),
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let trained = last_json(&out);
    assert!(save.exists());
    let eval = eval_json(&save, &data, "300");
    assert_eq!(eval["format"], "lns8-exact");
    assert_eq!(eval["test_size"], 300);
    assert_eq!(eval["test_accuracy"], trained["test_accuracy"]);
    let out = lognum(&["eval", "--checkpoint", s(&save), "--data", &data]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("(lns8-exact)"), "{}", stdout(&out));
    let exported = dir.join("net-f32.safetensors");
    let out = lognum(&["export", "--checkpoint", s(&save), "--to", s(&exported)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(exported.exists());
    std::fs::remove_dir_all(&dir).unwrap();
    let out = lognum(&[
        "train",
        "--data",
        &data,
        "--format",
        "lns8-lut",
        "--optimizer",
        "adam",
    ]);
    assert_error(&out, 2, "madam");

    let out = lognum(&[
        "bench",
        "--data",
        &data,
        "--quick",
        "--steps",
        "20",
        "--formats",
        "lns8-lut",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("lns8-lut"), "{}", stdout(&out));
}
