//! Progress bars: shown only on a terminal, hidden for `--json`, `--quiet`
//! and when output is redirected.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Set once from `--quiet`.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Records `--quiet`: no progress bars, no per-epoch or per-run lines.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// True under `--quiet`: print results, warnings and errors only.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// True when a progress bar would be seen: not `--quiet`, and stderr and
/// stdout are terminals.
pub fn interactive() -> bool {
    !quiet() && std::io::stderr().is_terminal() && std::io::stdout().is_terminal()
}

/// A bar over the batches of one epoch, drawn on stderr, or a hidden one.
pub fn batch_bar(visible: bool, prefix: &str) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{prefix:>24} {msg:>11} [{bar:30}] {pos}/{len} batches, {elapsed} elapsed, eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(prefix.to_string());
    bar
}

/// The bar over a whole `reproduce` job: one step per epoch of any run,
/// with the time elapsed and the time left, or a hidden one.
pub fn overall_bar(visible: bool, epochs: u64) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(epochs), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{prefix:>24} {msg:>11} [{bar:30}] {pos}/{len} epochs, {elapsed} elapsed, eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("#>-");
    bar.set_style(style);
    bar.set_prefix("all runs");
    // Redraws the elapsed time and the estimate between epochs.
    bar.enable_steady_tick(std::time::Duration::from_secs(1));
    bar
}
