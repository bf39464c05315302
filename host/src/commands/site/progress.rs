//! The build's progress through its pipeline: a phase per step, over the
//! shared delayed bar ([`crate::progress`]).

use crate::progress;

pub struct Progress {
    bar: progress::Progress,
    /// How many pipeline positions the current phase covers.
    current: std::cell::Cell<u64>,
}

impl Progress {
    /// `steps` is the length of the pipeline; `after` is when to show the
    /// bar (`None` for `serve`'s rebuilds; see [`progress::after`]).
    pub fn new(steps: usize, after: Option<std::time::Duration>) -> Progress {
        let template = "{spinner} [{bar:30}] {pos}/{len} {msg} ({elapsed})";
        Progress { bar: progress::Progress::show_after(after, Some(steps as u64 + 1), template), current: 0.into() }
    }

    /// A new phase starts (reading, a step by name, writing).
    pub fn step(&self, name: &str) {
        self.steps(name, 1);
    }

    /// A new phase that covers `count` steps (per-file steps run together).
    pub fn steps(&self, name: &str, count: u64) {
        self.bar.inc(self.current.replace(count));
        self.bar.set_message(name.to_string());
    }

    pub fn finish(&self) {
        self.bar.finish();
    }
}
