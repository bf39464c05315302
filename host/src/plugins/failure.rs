//! A failed plugin call, named by plugin and call, with the cause in words
//! a user can act on.

use std::fmt;
use std::time::Duration;

use wasmtime::Trap;

use crate::terminal::printable;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    TimeLimit(Duration),
    MemoryLimit(usize),
    StackOverflow,
    /// A trap or host error, with wasmtime's words and the plugin's stderr.
    Crashed {
        reason: String,
        stderr: String,
    },
    /// The call returned the WIT `error` variant.
    Reported(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginFailure {
    pub plugin: String,
    /// `interface.function`, e.g. `lint-check.check`.
    pub call: String,
    pub cause: Cause,
}

impl PluginFailure {
    pub fn classify(
        plugin: &str,
        call: &str,
        error: &wasmtime::Error,
        limits: super::Limits,
        memory_exceeded: bool,
        stderr: String,
    ) -> PluginFailure {
        let cause = if memory_exceeded {
            Cause::MemoryLimit(limits.memory)
        } else {
            match error.downcast_ref::<Trap>() {
                Some(Trap::Interrupt) => Cause::TimeLimit(limits.time),
                Some(Trap::StackOverflow) => Cause::StackOverflow,
                _ => Cause::Crashed { reason: root_cause(error), stderr },
            }
        };
        PluginFailure { plugin: plugin.to_string(), call: call.to_string(), cause }
    }

    pub fn reported(plugin: &str, call: &str, message: String) -> PluginFailure {
        PluginFailure { plugin: plugin.to_string(), call: call.to_string(), cause: Cause::Reported(message) }
    }

    /// What the user can do about it.
    pub fn help(&self) -> &'static str {
        match self.cause {
            Cause::TimeLimit(_) => {
                "if the plugin needs longer, raise `time-limit-ms` under [plugins] in workbench.toml (or --time-limit-ms); otherwise report it to the plugin's author"
            }
            Cause::MemoryLimit(_) => {
                "if the plugin needs more, raise `memory-limit-mib` under [plugins] in workbench.toml (or --memory-limit-mib); otherwise report it to the plugin's author"
            }
            Cause::StackOverflow | Cause::Crashed { .. } => {
                "this is a bug in the plugin: report it to its author with the input that caused it"
            }
            Cause::Reported(_) => "check the plugin's options and input named above",
        }
    }
}

fn root_cause(error: &wasmtime::Error) -> String {
    match error.downcast_ref::<Trap>() {
        Some(trap) => trap.to_string(),
        None => error.root_cause().to_string(),
    }
}

impl fmt::Display for PluginFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "plugin `{}` failed in `{}`: ", self.plugin, self.call)?;
        match &self.cause {
            Cause::TimeLimit(limit) => write!(f, "exceeded its time limit of {}", human_duration(*limit)),
            Cause::MemoryLimit(limit) => write!(f, "exceeded its memory limit of {} MiB", limit >> 20),
            Cause::StackOverflow => write!(f, "overflowed its stack"),
            Cause::Reported(message) => write!(f, "{}", printable(message)),
            Cause::Crashed { reason, stderr } => {
                write!(f, "{}", printable(reason))?;
                let said: Vec<&str> = stderr.lines().filter(|line| !line.trim().is_empty()).collect();
                if !said.is_empty() {
                    let tail = &said[said.len().saturating_sub(5)..];
                    write!(f, "; the plugin said: {}", printable(&tail.join(" | ")))?;
                }
                Ok(())
            }
        }
    }
}

fn human_duration(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{}ms", duration.as_millis())
    }
}

impl From<PluginFailure> for crate::error::Error {
    fn from(failure: PluginFailure) -> crate::error::Error {
        let help = failure.help();
        crate::error::Error::plugin(failure.to_string()).help(help)
    }
}
