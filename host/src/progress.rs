//! A progress bar on stderr for work that can run long (a build, a lint of
//! a large tree on a cold cache, a list of URLs, a template's clone). It is
//! drawn only on a terminal, never under `-q`, and only once the work has
//! taken [`SHOW_AFTER`]: a quick run prints nothing extra, and pipes and
//! logs get no escape codes.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::context::Context;

pub const SHOW_AFTER: Duration = Duration::from_secs(1);

/// How long work runs before its bar shows: `None` (never) when stderr is
/// not a terminal or under `-q`; else [`SHOW_AFTER`], or
/// `$WORKBENCH_PROGRESS_DELAY_MS` (0 shows every bar at once, as a screen
/// recording or a test of the bar wants).
pub fn after(context: &Context) -> Option<Duration> {
    if !context.stderr_is_terminal() || context.global.quiet {
        return None;
    }
    let delay = context.var("WORKBENCH_PROGRESS_DELAY_MS").and_then(|ms| ms.trim().parse().ok());
    Some(delay.map_or(SHOW_AFTER, Duration::from_millis))
}

/// A bar that may never be shown; every method is a no-op when hidden.
/// Dropping it clears it, so an early return leaves no bar behind.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar for `len` items, drawn with indicatif's `template`, when
    /// `context` has a person watching stderr (see [`after`]).
    pub fn new(context: &Context, len: Option<u64>, template: &str) -> Progress {
        Progress::show_after(after(context), len, template)
    }

    /// A bar shown once `after` has passed; never when it is `None`.
    pub fn show_after(after: Option<Duration>, len: Option<u64>, template: &str) -> Progress {
        let bar = after.map(|after| {
            let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            // Shown from a timer, so a long first item is not a silent one.
            let shown = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(after);
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
            bar
        });
        Progress { bar }
    }

    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    pub fn inc(&self, delta: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(delta);
        }
    }

    pub fn set_position(&self, position: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(position);
        }
    }

    pub fn set_length(&self, len: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(len);
        }
    }

    pub fn set_message(&self, message: impl Into<std::borrow::Cow<'static, str>>) {
        if let Some(bar) = &self.bar {
            bar.set_message(message);
        }
    }

    /// Runs `print` with the bar lifted, so lines printed to the same
    /// terminal do not mix with it.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
