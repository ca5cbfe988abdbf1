//! The command's errors: a message, an optional cause chain and a hint.
//! Runtime errors exit with code 1; usage errors exit with 2, as clap's do.

use std::error::Error;
use std::fmt;

/// Exit code for runtime errors.
pub const EXIT_RUNTIME: u8 = 1;
/// Exit code for usage errors, the same as clap's.
pub const EXIT_USAGE: u8 = 2;

/// What went wrong, for the user.
#[derive(Debug)]
pub struct CliError {
    usage: bool,
    message: String,
    source: Option<Box<dyn Error + Send + Sync + 'static>>,
    hint: Option<String>,
}

impl CliError {
    /// A runtime error with no underlying cause.
    pub fn runtime(message: impl Into<String>) -> Self {
        CliError {
            usage: false,
            message: message.into(),
            source: None,
            hint: None,
        }
    }

    /// A runtime error caused by `source`; its whole `source()` chain is
    /// printed.
    pub fn caused_by(
        message: impl Into<String>,
        source: impl Into<Box<dyn Error + Send + Sync + 'static>>,
    ) -> Self {
        CliError {
            usage: false,
            message: message.into(),
            source: Some(source.into()),
            hint: None,
        }
    }

    /// Marks the error as a usage error (exit code 2): the options asked for
    /// something the training code refuses.
    pub fn into_usage(mut self) -> Self {
        self.usage = true;
        self
    }

    /// Adds a hint printed after the error.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The process exit code: [`EXIT_USAGE`] or [`EXIT_RUNTIME`].
    pub fn exit_code(&self) -> u8 {
        if self.usage { EXIT_USAGE } else { EXIT_RUNTIME }
    }

    /// Prints the error, its causes and the hint to stderr.
    pub fn report(&self) {
        eprintln!("{self}");
    }
}

impl fmt::Display for CliError {
    /// `error: message`, then one `  caused by: …` line per source in the
    /// chain, then `hint: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        let mut cause: Option<&(dyn Error + 'static)> = match &self.source {
            Some(s) => Some(s.as_ref()),
            None => None,
        };
        while let Some(c) = cause {
            write!(f, "\n  caused by: {c}")?;
            cause = c.source();
        }
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> Self {
        CliError::caused_by("I/O error", err)
    }
}
