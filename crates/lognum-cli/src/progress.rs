//! Progress bars: shown only on a terminal, hidden for `--json` and when
//! output is redirected.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// True when a progress bar would be seen: stderr and stdout are terminals.
pub fn interactive() -> bool {
    std::io::stderr().is_terminal() && std::io::stdout().is_terminal()
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
