//! What the end-to-end tests of the `lognum` binary share: running it,
//! reading its output, temporary directories and the shipped data.

#![allow(dead_code)] // each test file uses its own share of these

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `lognum` binary built for these tests.
pub fn lognum(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lognum"))
        .args(args)
        .output()
        .expect("the lognum binary runs")
}

/// Stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The last line of stdout as JSON.
pub fn last_json(out: &Output) -> serde_json::Value {
    let text = stdout(out);
    let line = text
        .lines()
        .last()
        .unwrap_or_else(|| panic!("no stdout; stderr: {}", stderr(out)));
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
}

/// `lognum eval --checkpoint CKPT --data DATA --limit-test LIMIT --json`:
/// asserts success and returns the record.
pub fn eval_json(ckpt: &Path, data: &str, limit: &str) -> serde_json::Value {
    let out = lognum(&[
        "eval",
        "--checkpoint",
        s(ckpt),
        "--data",
        data,
        "--limit-test",
        limit,
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    last_json(&out)
}

/// Asserts exit code `code`, `needle` in stderr, no panic.
pub fn assert_error(out: &Output, code: i32, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains(needle), "expected {needle:?} in {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Asserts a usage error of `args`: exit code 2, `needle` in the message.
pub fn assert_usage_error(args: &[&str], needle: &str) {
    assert_error(&lognum(args), 2, needle);
}

/// A fresh temporary directory, unique to this process and `name`.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lognum-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The MNIST subset's directory. The data ships beside the workspace, so
/// its absence fails the test rather than skipping it.
pub fn mnist_subset() -> PathBuf {
    lognum_nn::data::find_mnist_subset()
        .filter(|d| d.is_dir())
        .expect("the MNIST subset (shared/data/mnist-10k) is required; set LOGNUM_DATA to its directory")
}

/// A path as `&str` for an argument list.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}
