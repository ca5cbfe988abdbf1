//! End-to-end tests of the command's conventions: `--help` lists every
//! value, shell completions, `--quiet`, finding the shipped data from any
//! directory, and what `reproduce` runs by default.
//!
//! The data runs use the MNIST subset beside the workspace and skip (with a
//! message) when it is absent.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lognum_nn::format::Format;

/// The binary, run from `dir` with `LOGNUM_DATA` unset unless `env` sets it.
fn lognum_in(dir: &Path, env: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lognum"));
    cmd.args(args).current_dir(dir).env_remove("LOGNUM_DATA");
    if let Some(value) = env {
        cmd.env("LOGNUM_DATA", value);
    }
    cmd.output().expect("the lognum binary runs")
}

/// The shipped data folder (`shared/data`, holding the subset). The data
/// ships beside the workspace, so its absence fails the test.
fn shipped_data() -> Option<PathBuf> {
    mnist_subset().parent().map(Path::to_path_buf)
}

#[test]
fn help_lists_every_format_and_dataset() {
    for sub in ["train", "bench", "reproduce"] {
        let out = lognum(&[sub, "--help"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let help = stdout(&out);
        for name in Format::names() {
            assert!(help.contains(name), "{sub} --help lacks {name}:\n{help}");
        }
        for name in ["mnist", "mnist-subset", "fashion-mnist"] {
            assert!(help.contains(name), "{sub} --help lacks {name}:\n{help}");
        }
    }
    let help = stdout(&lognum(&["reproduce", "--help"]));
    assert!(help.contains("paper") && help.contains("all"), "{help}");
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = lognum(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for word in ["reproduce", "completions", "quiet"] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
        // These three complete option values too.
        if ["bash", "zsh", "fish"].contains(&shell) {
            for name in Format::names() {
                assert!(script.contains(name), "{shell} script lacks {name}");
            }
        }
    }
    let out = lognum(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn quiet_keeps_results_and_drops_progress() {
    if shipped_data().is_none() {
        return;
    }
    let args = [
        "train",
        "--limit-train",
        "50",
        "--limit-test",
        "50",
        "--epochs",
        "2",
    ];
    let loud = lognum(&args);
    assert!(loud.status.success(), "{}", stderr(&loud));
    assert!(stdout(&loud).contains("epoch   2:"), "{}", stdout(&loud));
    let mut quiet_args = args.to_vec();
    quiet_args.push("--quiet");
    let quiet = lognum(&quiet_args);
    assert!(quiet.status.success(), "{}", stderr(&quiet));
    let text = stdout(&quiet);
    assert!(!text.contains("epoch   1:"), "{text}");
    assert!(
        text.contains("test accuracy"),
        "the result is missing: {text}"
    );
    // Errors are still printed.
    let out = lognum(&["-q", "train", "--data", "/nonexistent/lognum-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("/nonexistent/lognum-q"));
}

/// The shipped data is found from a directory outside the workspace, and
/// `LOGNUM_DATA` may name the data folder or the subset's directory.
#[test]
fn shipped_data_is_found_from_anywhere() {
    let Some(data) = shipped_data() else {
        return;
    };
    let elsewhere = temp_dir("elsewhere");
    let args = [
        "train",
        "--dataset",
        "mnist-subset",
        "--limit-train",
        "20",
        "--limit-test",
        "20",
        "--epochs",
        "1",
        "--json",
    ];
    for env in [None, Some(data.clone()), Some(data.join("mnist-10k"))] {
        let out = lognum_in(&elsewhere, env.as_deref(), &args);
        assert!(out.status.success(), "{env:?}: {}", stderr(&out));
    }
    if data.join("mnist").is_dir() {
        let mut full = args.to_vec();
        full[2] = "mnist";
        for env in [None, Some(data.clone())] {
            let out = lognum_in(&elsewhere, env.as_deref(), &full);
            assert!(out.status.success(), "{env:?}: {}", stderr(&out));
            assert!(stdout(&out).contains("\"dataset\":\"mnist\""));
        }
    }
    // A wrong explicit choice fails and names itself.
    let wrong = elsewhere.join("no-such-data");
    let out = lognum_in(&elsewhere, Some(&wrong), &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("no-such-data"), "{}", stderr(&out));
    std::fs::remove_dir_all(&elsewhere).unwrap();
}

fn csv_formats(path: &Path) -> Vec<String> {
    let csv = std::fs::read_to_string(path).unwrap();
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect()
}

/// Without `--formats`, `reproduce` runs the paper's six formats; `--data`
/// runs the table on a directory, from any working directory.
#[test]
fn reproduce_defaults_to_the_paper_formats_and_takes_data() {
    let Some(data) = shipped_data() else {
        return;
    };
    let dir = temp_dir("reproduce");
    let out_dir = dir.join("out");
    let subset = data.join("mnist-10k");
    let out = lognum_in(
        &dir,
        None,
        &[
            "reproduce",
            "--quiet",
            "--out",
            out_dir.to_str().unwrap(),
            "--data",
            subset.to_str().unwrap(),
            "--epochs",
            "1",
            "--limit-train",
            "40",
            "--limit-test",
            "40",
            "-j",
            "2",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // --quiet: no per-run lines.
    assert!(!stderr(&out).contains("[1/6]"), "{}", stderr(&out));
    assert_eq!(
        csv_formats(&out_dir.join("results.csv")),
        [
            "f32",
            "fixed16",
            "lns16-lut",
            "lns16-shift",
            "lns12-lut",
            "lns12-shift"
        ]
    );
    assert!(out_dir.join("accuracy-mnist-10k.svg").is_file());
    let md = std::fs::read_to_string(out_dir.join("results.md")).unwrap();
    assert!(md.contains("| mnist-10k (ours) |"), "{md}");
    assert!(md.contains("| lns12-shift | log shift 12b |"), "{md}");
    // The Δ− range of results.md is the plot's.
    let svg = std::fs::read_to_string(out_dir.join("delta-error.svg")).unwrap();
    let range = "0.25 ≤ d ≤ 12";
    assert!(md.contains(range) && svg.contains(range), "{md}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reproduce_data_conflicts_with_datasets() {
    let out = lognum(&["reproduce", "--data", "/tmp", "--datasets", "mnist-subset"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--datasets"), "{}", stderr(&out));
}
