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

#[cfg(test)]
mod tests {
    /// Every error the host makes says what to do next: each
    /// `Error::input(..)` and `Error::plugin(..)` outside tests is followed
    /// by `.help(..)`. A read of the source, as a lint would do it, so a new
    /// error path without help fails here rather than in a user's terminal.
    #[test]
    fn every_error_the_host_makes_has_help() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        for entry in walkdir::WalkDir::new(&root).into_iter().filter_map(Result::ok) {
            if entry.path().extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).expect("read a source file");
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (at, _) in code.match_indices("Error::input(").chain(code.match_indices("Error::plugin(")) {
                let call = &code[at..];
                let mut depth = 0usize;
                let end = call
                    .char_indices()
                    .find_map(|(i, c)| {
                        match c {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            _ => return None,
                        }
                        (depth == 0).then_some(i + 1)
                    })
                    .expect("balanced parentheses");
                if !call[end..].trim_start().starts_with(".help(") && !code[..at].ends_with("pub fn ") {
                    let line = code[..at].lines().count();
                    missing
                        .push(format!("{}:{line}", entry.path().strip_prefix(&root).unwrap_or(entry.path()).display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "errors without `.help(..)` (say what the user should do next):\n{}",
            missing.join("\n")
        );
    }
}
