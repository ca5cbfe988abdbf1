//! The `lognum` binary facing absurd sizes, broken paths and failing
//! outputs: each is a clear error (exit 1, or 2 for options), found before
//! the work it would spoil, never an abort or a silent loss.
//!
//! Runs that need the MNIST subset fail when it is absent; the
//! full-filesystem and read-only tests mount a tmpfs when run as root
//! (as in CI) and otherwise say why they are skipped or use permissions.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A tmpfs mounted for one test with `options`, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: PathBuf, options: &str) -> Self {
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(&dir)
            .status()
            .expect("mount runs");
        assert!(
            status.success(),
            "cannot mount a tmpfs on {}",
            dir.display()
        );
        Tmpfs(dir)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Absurd option values are usage errors found before any data is loaded,
/// each in well under a second.
#[test]
fn absurd_sizes_are_refused_at_once() {
    let cases: [(&[&str], &str); 5] = [
        (&["bench", "--matmul-size", "4294967296"], "limit of 4096"),
        (&["bench", "--matmul-size", "100000"], "limit of 4096"),
        (&["bench", "--steps", "9223372036854775809"], "overflow"),
        (
            &["train", "--epochs", "1000000000", "--limit-train", "1"],
            "epochs must be at most 1000000",
        ),
        (
            &["train", "--epochs", "1000000000", "--data", "/nonexistent"],
            "epochs must be at most 1000000",
        ),
    ];
    for (args, needle) in cases {
        let start = Instant::now();
        let out = lognum(args);
        assert_error(&out, 2, needle);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{args:?} was slow"
        );
    }
}

/// A batch of ten million is clamped to the data.
#[test]
fn huge_batch_trains_on_what_there_is() {
    mnist_subset();
    let out = lognum(&[
        "train",
        "--batch",
        "10000000",
        "--epochs",
        "1",
        "--limit-train",
        "30",
        "--limit-test",
        "10",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\"train_size\":30"),
        "{}",
        stdout(&out)
    );
}

/// An IDX header for u8 data with `dims`.
fn idx_header(dims: &[u32]) -> Vec<u8> {
    let mut h = vec![0, 0, 8, dims.len() as u8];
    for d in dims {
        h.extend(d.to_be_bytes());
    }
    h
}

/// A complete, valid data directory whose one image is 8192 × 8192 (stored
/// sparse): refused from the header with the limit named.
#[test]
fn one_huge_image_is_a_clear_error() {
    let dir = temp_dir("huge-image");
    for name in ["train-images-idx3-ubyte", "t10k-images-idx3-ubyte"] {
        let mut f = std::fs::File::create(dir.join(name)).unwrap();
        std::io::Write::write_all(&mut f, &idx_header(&[1, 8192, 8192])).unwrap();
        f.set_len(16 + 8192 * 8192).unwrap();
    }
    let mut labels = idx_header(&[1]);
    labels.push(4);
    for name in ["train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"] {
        std::fs::write(dir.join(name), &labels).unwrap();
    }
    let start = Instant::now();
    let out = lognum(&["train", "--data", dir.to_str().unwrap(), "--epochs", "1"]);
    assert_error(&out, 1, "8192x8192 images, more than the limit of 1048576");
    assert!(start.elapsed() < Duration::from_secs(5));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A data directory that is a link loop, or an IDX name that is a
/// directory, is reported as such, not as missing.
#[cfg(unix)]
#[test]
fn link_loops_and_directories_are_not_missing() {
    let dir = temp_dir("loops");
    let (a, b) = (dir.join("a"), dir.join("b"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let out = lognum(&["train", "--data", a.to_str().unwrap(), "--epochs", "1"]);
    assert_error(&out, 1, "is a link that cannot be followed");
    assert!(!stderr(&out).contains("does not exist"), "{}", stderr(&out));

    let data = dir.join("data");
    for name in [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ] {
        std::fs::create_dir_all(data.join(name)).unwrap();
    }
    let out = lognum(&["train", "--data", data.to_str().unwrap(), "--epochs", "1"]);
    assert_error(&out, 1, "train-images-idx3-ubyte: is a directory");
    assert!(!stderr(&out).contains("missing"), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--save FILE/x` says that FILE is not a directory, before loading data.
#[test]
fn save_below_a_file_names_the_file() {
    let dir = temp_dir("save-file");
    let file = dir.join("hostname");
    std::fs::write(&file, b"x").unwrap();
    let target = file.join("x");
    let out = lognum(&[
        "train",
        "--save",
        target.to_str().unwrap(),
        "--data",
        "/nonexistent",
    ]);
    assert_error(&out, 1, &format!("{} is not a directory", file.display()));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `train --json > /dev/full` exits 1; a reader that closes the pipe early
/// is not an error.
#[test]
fn stdout_that_cannot_be_written_is_an_error() {
    mnist_subset();
    let args = [
        "train",
        "--epochs",
        "1",
        "--limit-train",
        "20",
        "--limit-test",
        "20",
        "--json",
    ];
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else {
        eprintln!("skipped the /dev/full half: there is no /dev/full");
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_lognum"))
        .args(args)
        .stdout(full)
        .output()
        .unwrap();
    assert_error(&out, 1, "cannot write to stdout");

    let mut child = Command::new(env!("CARGO_BIN_EXE_lognum"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader leaves before any output
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("error"), "{}", stderr(&out));
}

/// `RAYON_NUM_THREADS=100000` is capped at 4 threads per core: a small run
/// takes well under a second, not minutes.
#[test]
fn a_huge_thread_count_starts_fast() {
    mnist_subset();
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_lognum"))
        .args([
            "train",
            "--epochs",
            "1",
            "--limit-train",
            "200",
            "--limit-test",
            "200",
            "--json",
        ])
        .env("RAYON_NUM_THREADS", "100000")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let took = start.elapsed();
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

/// The arguments of a tiny one-job reproduction into `out`.
fn reproduce_args(out: &Path) -> Vec<String> {
    [
        "reproduce",
        "--out",
        out.to_str().unwrap(),
        "--formats",
        "f32",
        "--datasets",
        "mnist-subset",
        "--epochs",
        "1",
        "--limit-train",
        "20",
        "--limit-test",
        "20",
    ]
    .map(String::from)
    .to_vec()
}

fn run_reproduce(out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lognum"))
        .args(reproduce_args(out))
        .output()
        .unwrap()
}

/// `reproduce --out` on a read-only directory fails before any job runs.
#[test]
fn reproduce_checks_its_output_directory_first() {
    mnist_subset();
    let dir = temp_dir("reproduce-ro");
    let ro = dir.join("ro");
    std::fs::create_dir(&ro).unwrap();
    // Root ignores permissions: a read-only mount then; else a mode.
    let _mount = if running_as_root() {
        Some(Tmpfs::mount(ro.clone(), "ro,size=64k"))
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        None
    };
    let out = run_reproduce(&ro);
    assert_error(&out, 1, "cannot write to output directory");
    assert!(
        !stderr(&out).contains("reproduce: 1 format"),
        "jobs started: {}",
        stderr(&out)
    );
    drop(_mount);
    let _ = std::fs::remove_dir_all(&dir);
}

/// On a full filesystem the run still prints its table to stdout, then
/// fails naming the file it could not write, and leaves no partial or
/// temporary file.
#[test]
fn reproduce_prints_the_table_when_the_disk_is_full() {
    mnist_subset();
    if !running_as_root() {
        eprintln!(
            "skipped reproduce_prints_the_table_when_the_disk_is_full: mounting a tmpfs needs root"
        );
        return;
    }
    let fs_dir = Tmpfs::mount(temp_dir("reproduce-full"), "size=8k");
    let mut filler = std::fs::File::create(fs_dir.0.join("filler")).unwrap();
    let block = [1u8; 1024];
    while std::io::Write::write_all(&mut filler, &block)
        .and_then(|()| filler.sync_all())
        .is_ok()
    {}
    drop(filler);
    let out = run_reproduce(&fs_dir.0);
    assert_error(&out, 1, "results.md");
    assert!(
        stdout(&out).contains("| f32 |"),
        "no table: {}",
        stdout(&out)
    );
    assert_eq!(names(&fs_dir.0), ["filler"]);
}
