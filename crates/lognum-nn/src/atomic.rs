//! Writing files so that a reader sees the old file or the new one, never a
//! mixture: write a temporary file beside the target, flush it to disk,
//! rename it over the target, flush the directory.
//!
//! On any error the target is left as it was and the temporary file is
//! removed. Checkpoints are written this way, and so is every file of the
//! `lognum` command that a user may care about.
//!
//! ```
//! use lognum_nn::atomic;
//! let path = std::env::temp_dir().join("lognum-atomic-doc.txt");
//! atomic::write_file(&path, b"first")?;
//! // A writer that fails half-way leaves the old contents in place.
//! let err = atomic::write_with(&path, |w| {
//!     w.write_all(b"sec")?;
//!     Err(std::io::Error::other("disk full"))
//! });
//! assert!(err.is_err());
//! assert_eq!(std::fs::read(&path)?, b"first");
//! # std::fs::remove_file(path)?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The directory that holds `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// A fresh temporary name beside `path`, short enough for any file name
/// the target itself may have.
fn temp_path(path: &Path) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} does not name a file", path.display()),
        )
    })?;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let stem: String = name.to_string_lossy().chars().take(16).collect();
    Ok(parent_dir(path).join(format!(".{stem}.{}-{n}.tmp", std::process::id())))
}

/// Checks, without touching `path`, that a file can be written there: the
/// directory exists and is a directory, `path` is not a directory or a
/// special file (a device such as `/dev/full`), and a file can be created
/// in the directory (not read-only, the name is not too long). Call it
/// before long work whose result goes to `path`.
///
/// ```
/// use lognum_nn::atomic::check_writable;
/// assert!(check_writable(&std::env::temp_dir().join("lognum-check.bin")).is_ok());
/// assert!(check_writable("/nonexistent-dir/x".as_ref()).is_err());
/// assert!(check_writable(&std::env::temp_dir()).is_err()); // a directory
/// ```
pub fn check_writable(path: &Path) -> io::Result<()> {
    let dir = parent_dir(path);
    let fail = |why: String| {
        Err(io::Error::other(format!(
            "cannot write {}: {why}",
            path.display()
        )))
    };
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return fail(format!("{} is not a directory", dir.display())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return fail(format!("directory {} does not exist", dir.display()));
        }
        Err(e) => return fail(format!("directory {}: {e}", dir.display())),
    }
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => return fail("it is a directory".into()),
        Ok(m) if !m.is_file() => return fail("it is not a regular file".into()),
        _ => {}
    }
    let probe = temp_path(path)?;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map(drop)
        .or_else(|e| fail(e.to_string()))?;
    fs::remove_file(&probe)
}

/// Writes `bytes` to `path` atomically; see the [module docs](self).
///
/// ```
/// let path = std::env::temp_dir().join("lognum-atomic-write.txt");
/// lognum_nn::atomic::write_file(&path, b"hello")?;
/// assert_eq!(std::fs::read(&path)?, b"hello");
/// # std::fs::remove_file(path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |w| w.write_all(bytes))
}

/// Writes what `fill` writes to `path` atomically; if `fill` or any step
/// after it fails, `path` is untouched and the temporary file removed.
///
/// ```
/// let path = std::env::temp_dir().join("lognum-atomic-with.txt");
/// lognum_nn::atomic::write_with(&path, |w| writeln!(w, "{}", 42))?;
/// assert_eq!(std::fs::read_to_string(&path)?, "42\n");
/// # std::fs::remove_file(path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    if fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(io::Error::other(format!(
            "cannot write {}: it is not a regular file",
            path.display()
        )));
    }
    let tmp = temp_path(path)?;
    let result = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        {
            let mut w = io::BufWriter::new(&mut file);
            fill(&mut w)?;
            w.flush()?;
        }
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        // Make the rename itself durable; not every platform can open a
        // directory, and the data is in place either way.
        if let Ok(d) = File::open(parent_dir(path)) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
