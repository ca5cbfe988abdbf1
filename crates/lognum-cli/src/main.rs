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
//! (`RAYON_NUM_THREADS=100000` would spend minutes starting threads). The
//! command itself runs on one of the pool's threads.
//!
//! Modules, lowest first. Each imports only modules listed above it, so
//! that no two import each other (`tests::modules_import_only_lower_ones`
//! checks it):
//!
//! 1. `output`: stdout and stderr lines that never panic.
//! 2. `progress`: `--quiet` and the progress bars.
//! 3. `error`: `CliError`, its message and exit code.
//! 4. `nn`: the parts of `lognum-nn` the commands use.
//! 5. `dataset`: the named datasets and loading them.
//! 6. `record`: one run's record (JSON and CSV).
//! 7. `plots`: the SVG plots.
//! 8. `paper`: the paper's table (formats, names, accuracies).
//! 9. `run`: training one run, shared by `train`, `reproduce` and `bench`.
//! 10. `measure`: matmul speed, shared by `bench` and `reproduce`.
//! 11. `cli`: the argument schema (clap types and value parsers), nothing
//!     that runs a command.
//! 12. `train_cmd`, `reproduce`, `bench_cmd`, `eval_cmd`: one command
//!     each; they import what is above, never each other.
//! 13. `main` (this file): parses the command line and dispatches.

mod bench_cmd;
mod cli;
mod dataset;
mod error;
mod eval_cmd;
mod measure;
mod nn;
mod output;
mod paper;
mod plots;
mod progress;
mod record;
mod reproduce;
mod run;
mod train_cmd;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command};
use crate::error::CliError;

/// The most rayon threads per available core.
const MAX_THREADS_PER_CORE: usize = 4;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The command runs on one of the pool's threads: a product that splits
    // across cores then keeps part of its work on this thread, where from
    // the main thread every such product is handed to the pool and back.
    let result = start_thread_pool().and_then(|()| rayon::scope(|_| run(cli)));
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

/// Runs the command.
fn run(cli: Cli) -> Result<(), CliError> {
    progress::set_quiet(cli.quiet);
    match cli.command {
        Command::Train(args) => train_cmd::run(args),
        Command::Reproduce(args) => reproduce::run(args),
        Command::Bench(args) => bench_cmd::run(args),
        Command::Eval(args) => eval_cmd::run(args),
        Command::Export(args) => eval_cmd::export(args),
        Command::Completions(args) => {
            completions(args.shell, &mut std::io::stdout());
            Ok(())
        }
    }
}

/// Writes the completion script for `shell` to `out`.
fn completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    clap_complete::generate(shell, &mut Cli::command(), "lognum", out);
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

#[cfg(test)]
mod tests {
    /// Every module with its place in the layering of the crate docs (a
    /// module imports only modules of a lower number) and its source.
    const MODULES: &[(&str, u32, &str)] = &[
        ("output", 1, include_str!("output.rs")),
        ("progress", 2, include_str!("progress.rs")),
        ("error", 3, include_str!("error.rs")),
        ("nn", 4, include_str!("nn.rs")),
        ("dataset", 5, include_str!("dataset.rs")),
        ("record", 6, include_str!("record.rs")),
        ("plots", 7, include_str!("plots.rs")),
        ("paper", 8, include_str!("paper.rs")),
        ("run", 9, include_str!("run.rs")),
        ("measure", 10, include_str!("measure.rs")),
        ("cli", 11, include_str!("cli.rs")),
        ("train_cmd", 12, include_str!("train_cmd.rs")),
        ("reproduce", 12, include_str!("reproduce.rs")),
        ("bench_cmd", 12, include_str!("bench_cmd.rs")),
        ("eval_cmd", 12, include_str!("eval_cmd.rs")),
    ];

    /// The modules that `source`, the file of module `name`, names through
    /// `crate::` or `super::` (a file's `super` is the crate root), or an
    /// error for a path the check cannot follow.
    fn imports<'a>(name: &str, source: &'a str) -> Result<Vec<&'a str>, String> {
        let mut found = Vec::new();
        for prefix in ["crate::", "super::"] {
            for (at, _) in source.match_indices(prefix) {
                let rest = &source[at + prefix.len()..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                let ident = &rest[..end];
                if MODULES.iter().any(|m| m.0 == ident) {
                    if ident != name {
                        found.push(ident);
                    }
                } else if prefix == "crate::" {
                    // `crate::{a, b}` or an item of main.rs: name the module.
                    return Err(format!("{name}.rs: cannot follow `crate::{ident}…`"));
                }
            }
        }
        Ok(found)
    }

    /// The imports of module `name` that are not below it.
    fn upward(name: &str, source: &str) -> Result<Vec<String>, String> {
        let rank = |m: &str| MODULES.iter().find(|x| x.0 == m).map(|x| x.1);
        let own = rank(name).ok_or(format!("{name} is not in MODULES"))?;
        Ok(imports(name, source)?
            .into_iter()
            .filter(|&m| rank(m).is_some_and(|r| r >= own))
            .map(|m| format!("{name} imports {m}"))
            .collect())
    }

    #[test]
    fn modules_import_only_lower_ones() {
        let mut wrong = Vec::new();
        let mut edges = 0;
        for &(name, _, source) in MODULES {
            wrong.extend(upward(name, source).unwrap());
            edges += imports(name, source).unwrap().len();
        }
        assert!(wrong.is_empty(), "{wrong:?}");
        // The check read the imports (a command uses several modules).
        assert!(edges > 40, "only {edges} imports found");
    }

    #[test]
    fn every_module_is_layered() {
        let declared: Vec<&str> = include_str!("main.rs")
            .lines()
            .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
            .collect();
        let mut listed: Vec<&str> = MODULES.iter().map(|m| m.0).collect();
        listed.sort_unstable();
        assert_eq!(declared, listed);
    }

    #[test]
    fn upward_and_sideways_imports_are_found() {
        let bad = "use crate::error::CliError;\nuse crate::reproduce::x;\n";
        assert_eq!(upward("cli", bad).unwrap(), ["cli imports reproduce"]);
        let sibling = "fn f() { crate::train_cmd::run(); super::nn::x(); }";
        assert_eq!(
            upward("bench_cmd", sibling).unwrap(),
            ["bench_cmd imports train_cmd"]
        );
        assert_eq!(
            upward("nn", "use super::record;").unwrap(),
            ["nn imports record"]
        );
        assert!(imports("cli", "use crate::{nn, run};").is_err());
        assert_eq!(
            upward("train_cmd", "use crate::run::train_one;"),
            Ok(vec![])
        );
    }
}
