//! A progress bar on a terminal, for builds that take over a second: a
//! quick build prints nothing but its summary, and pipes get no bar.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const SHOW_AFTER: Duration = Duration::from_secs(1);

pub struct Progress {
    bar: Option<ProgressBar>,
    /// How many pipeline positions the current phase covers.
    current: std::cell::Cell<u64>,
}

impl Progress {
    /// `steps` is the length of the pipeline; `enabled` is false for
    /// `--quiet` and when stderr is not a terminal.
    pub fn new(steps: usize, enabled: bool) -> Progress {
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(Some(steps as u64 + 1), ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg} ({elapsed})") {
                bar.set_style(style.progress_chars("=> "));
            }
            // Shown from a timer, so a long first step is not a silent one.
            let shown = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(SHOW_AFTER);
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
            bar
        });
        Progress { bar, current: std::cell::Cell::new(0) }
    }

    /// A new phase starts (reading, a step by name, writing).
    pub fn step(&self, name: &str) {
        self.steps(name, 1);
    }

    /// A new phase that covers `count` steps (per-file steps run together).
    pub fn steps(&self, name: &str, count: u64) {
        let Some(bar) = &self.bar else { return };
        bar.inc(self.current.replace(count));
        bar.set_message(name.to_string());
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
