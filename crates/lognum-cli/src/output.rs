//! Writing to stdout and stderr without panicking when the reader has gone
//! (`lognum reproduce | head` closes the pipe early; `println!` would panic).
//!
//! A closed pipe is not an error: there is no one left to tell. Any other
//! failure to write stdout (`lognum train --json > /dev/full`) is kept and
//! turned into an error by [`stdout_error`], so that the command exits 1
//! instead of reporting success with its output lost.

use std::io::{self, Write};
use std::sync::Mutex;

/// The first failure to write stdout other than a closed pipe.
static STDOUT_ERROR: Mutex<Option<io::Error>> = Mutex::new(None);

/// Prints `args` and a newline to stdout; a closed pipe is ignored, other
/// write errors are kept for [`stdout_error`].
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut out = io::stdout().lock();
    let result = out
        .write_fmt(args)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(e) = result
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        let mut first = STDOUT_ERROR.lock().unwrap_or_else(|p| p.into_inner());
        first.get_or_insert(e);
    }
}

/// Flushes stdout and returns the first write failure other than a closed
/// pipe, if there was one.
pub fn stdout_error() -> Option<io::Error> {
    if let Err(e) = io::stdout().lock().flush()
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        return Some(e);
    }
    STDOUT_ERROR
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
}

/// `println!` that never panics: see [`line()`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}
pub(crate) use outln;

/// Prints `args` and a newline to stderr; write errors are ignored.
pub fn err_line(args: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// `eprintln!` that never panics: see [`err_line()`].
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::err_line(format_args!($($arg)*))
    };
}
pub(crate) use errln;
