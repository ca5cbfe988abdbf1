//! The command's errors: a message, an optional cause chain and a hint.
//! Runtime errors exit with code 1; usage errors exit with 2, as clap's do.

use std::error::Error;
use std::fmt;

use crate::output::errln;

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

    /// A usage error (exit code 2) with no underlying cause: options that
    /// contradict each other.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::runtime(message).into_usage()
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
        errln!("{self}");
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
        // Some errors repeat their source in their own message; a cause
        // already contained in the line above adds nothing and is skipped.
        let mut previous = self.message.clone();
        while let Some(c) = cause {
            let text = c.to_string();
            if !previous.contains(&text) {
                write!(f, "\n  caused by: {text}")?;
            }
            previous = text;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    #[derive(Debug)]
    struct Wrapper(io::Error);

    impl fmt::Display for Wrapper {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "wrapped: {}", self.0)
        }
    }

    impl Error for Wrapper {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn chain_is_printed_without_repeats() {
        let err = CliError::caused_by("saving failed", Wrapper(io::Error::other("disk full")))
            .with_hint("free some space");
        assert_eq!(
            err.to_string(),
            "error: saving failed\n  caused by: wrapped: disk full\nhint: free some space"
        );
        assert_eq!(err.exit_code(), EXIT_RUNTIME);
        assert_eq!(CliError::runtime("x").into_usage().exit_code(), EXIT_USAGE);
    }
}
