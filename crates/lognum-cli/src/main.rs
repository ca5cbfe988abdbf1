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
//! 1 for runtime errors (missing or corrupt data, failed training, I/O).

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

fn main() -> ExitCode {
    match cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            err.report();
            ExitCode::from(err.exit_code())
        }
    }
}
