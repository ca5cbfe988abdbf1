//! Fault injection for atomic saves: a writer that fails half-way, and a
//! real full filesystem (a small tmpfs, mounted when the tests run as root,
//! as in CI). Either way the old checkpoint must stay byte-identical and no
//! temporary file may be left behind.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use lognum_nn::model::mlp;
use lognum_nn::{atomic, checkpoint};

/// A fresh directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lognum-nn-faults-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A writer that fails after half of a new checkpoint: the old one stays.
#[test]
fn failing_writer_keeps_the_old_checkpoint() {
    let dir = temp_dir("writer");
    let path = dir.join("model.safetensors");
    checkpoint::save(&mlp::<f32>(&[784], &[3], 10, 1).unwrap(), &path).unwrap();
    let old = fs::read(&path).unwrap();
    let new = checkpoint::to_bytes(&mlp::<f32>(&[784], &[8], 10, 2).unwrap()).unwrap();
    assert_ne!(old, new);
    let err = atomic::write_with(&path, |w| {
        w.write_all(&new[..new.len() / 2])?;
        Err(std::io::Error::other("injected failure"))
    })
    .unwrap_err();
    assert!(err.to_string().contains("injected failure"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), old, "the old checkpoint changed");
    assert_eq!(
        names(&dir),
        ["model.safetensors"],
        "a temporary file is left"
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// A tmpfs mounted for one test, unmounted (and its mount point removed)
/// when dropped, even if the test fails.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: PathBuf, size: &str) -> Self {
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
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
        let _ = fs::remove_dir(&self.0);
    }
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A save on a full filesystem fails, leaves the old checkpoint
/// byte-identical and removes its temporary file; once there is room again
/// the same save succeeds.
#[test]
fn full_filesystem_keeps_the_old_checkpoint() {
    if !running_as_root() {
        eprintln!(
            "skipped full_filesystem_keeps_the_old_checkpoint: mounting a tmpfs needs root \
             (failing_writer_keeps_the_old_checkpoint still injects a failure)"
        );
        return;
    }
    let fs_dir = Tmpfs::mount(temp_dir("tmpfs"), "256k");
    let path = fs_dir.0.join("model.safetensors");
    let small = mlp::<f32>(&[784], &[3], 10, 1).unwrap(); // about 10 KB
    let large = mlp::<f32>(&[784], &[32], 10, 2).unwrap(); // about 100 KB
    checkpoint::save(&small, &path).unwrap();
    let old = fs::read(&path).unwrap();
    // Fill the filesystem to the last block.
    let mut filler = fs::File::create(fs_dir.0.join("filler")).unwrap();
    let block = [0xA5u8; 4096];
    while filler
        .write_all(&block)
        .and_then(|()| filler.sync_all())
        .is_ok()
    {}
    drop(filler);
    let err = checkpoint::save(&large, &path).unwrap_err();
    assert_eq!(fs::read(&path).unwrap(), old, "the old checkpoint changed");
    assert_eq!(
        names(&fs_dir.0),
        ["filler", "model.safetensors"],
        "a temporary file is left after: {err}"
    );
    fs::remove_file(fs_dir.0.join("filler")).unwrap();
    checkpoint::save(&large, &path).unwrap();
    assert_eq!(
        checkpoint::load::<f32>(&path).unwrap().num_params(),
        large.num_params()
    );
}
