//! User-facing errors and the exit codes they map to.
//!
//! Every error says what went wrong and where, and most say what to do next
//! (`help`). The exit codes are part of the CLI's contract (README, "Exit
//! codes") and never change meaning.

use std::fmt;
use std::io::Write;
use std::process::ExitCode;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// The command did its job.
    Success = 0,
    /// The command ran and found problems (lint errors, failing plugin specs).
    Findings = 1,
    /// Bad usage or bad input: a flag, a file, a config key.
    Usage = 2,
    /// A plugin failed to load or trapped; other plugins' results were kept.
    PluginFailure = 3,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// An error for the user: a one-line message, an optional hint, and the
/// exit code it maps to.
#[derive(Debug)]
pub struct Error {
    exit: Exit,
    message: String,
    help: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Bad usage or input (exit 2).
    pub fn input(message: impl Into<String>) -> Error {
        Error { exit: Exit::Usage, message: message.into(), help: None }
    }

    /// A plugin failed (exit 3).
    pub fn plugin(message: impl Into<String>) -> Error {
        Error { exit: Exit::PluginFailure, message: message.into(), help: None }
    }

    /// Adds what the user should do next.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }

    pub fn exit(&self) -> Exit {
        self.exit
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn help_text(&self) -> Option<&str> {
        self.help.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Prints an error the way every command does: `error: ...`, then
/// `  help: ...` when there is something to do next.
pub fn report(error: &Error, paint: crate::style::Paint, out: &mut dyn Write) {
    let _ = writeln!(out, "{} {}", paint.label("error:"), error.message());
    if let Some(help) = error.help_text() {
        let _ = writeln!(out, "  {} {help}", paint.label("help:"));
    }
}
