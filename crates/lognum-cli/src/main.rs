//! The `lognum` command: train a network in any number format, reproduce the
//! LNS training paper's table with plots, and benchmark the formats.
//!
//! ```text
//! lognum train --format lns16-lut --epochs 2 --limit-train 4000 --json
//! lognum reproduce
//! lognum reproduce --quick
//! lognum bench --quick
//! lognum completions bash
//! lognum train --model mlp:64-32 --epochs 1 --save net.safetensors
//! lognum eval --checkpoint net.safetensors
//! lognum export --checkpoint net.safetensors --to net-f32.safetensors
//! ```
//!
//! Exit codes: 0 on success, 2 for usage errors (bad options or values),
//! 1 for runtime errors (missing or corrupt data, failed training, I/O,
//! stdout that cannot be written, except a closed pipe).
//!
//! Threads: rayon's pool has `RAYON_NUM_THREADS` threads if set, else one
//! per core, but never more than [`MAX_THREADS_PER_CORE`] per core
//! (`RAYON_NUM_THREADS=100000` would spend minutes starting threads).

mod bench_cmd;
mod cli;
mod dataset;
mod error;
mod eval_cmd;
mod nn;
mod output;
mod plots;
mod progress;
mod record;
mod reproduce;
mod train_cmd;

use std::process::ExitCode;

use crate::error::CliError;

/// The most rayon threads per available core.
const MAX_THREADS_PER_CORE: usize = 4;

fn main() -> ExitCode {
    let result = start_thread_pool().and_then(|()| cli::run());
    // Output lost to a full disk is a failure even if the command was not.
    let result = result.and_then(|()| match output::stdout_error() {
        Some(e) => Err(CliError::caused_by("cannot write to stdout", e)),
        None => Ok(()),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            err.report();
            ExitCode::from(err.exit_code())
        }
    }
}

/// Builds rayon's global pool: `RAYON_NUM_THREADS` threads (one per core
/// if unset, invalid or 0), at most [`MAX_THREADS_PER_CORE`] per core.
fn start_thread_pool() -> Result<(), CliError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let requested = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(cores);
    rayon::ThreadPoolBuilder::new()
        .num_threads(requested.min(cores.saturating_mul(MAX_THREADS_PER_CORE)))
        .build_global()
        .map_err(|e| CliError::caused_by("cannot start the thread pool", e))
}
