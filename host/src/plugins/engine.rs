//! The one wasmtime `Engine` of a process, and the ticker that makes time
//! limits work.

use std::sync::mpsc::{RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use wasmtime::{Config, Engine, OptLevel};

/// How often the epoch advances; a time limit is a whole number of ticks.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Builds the engine. Its settings are part of the compiled-artifact cache
/// key (through `Engine::precompile_compatibility_hash`), so changing them
/// invalidates the cache rather than loading mismatched code.
pub fn new_engine(perf_map: bool) -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    config.cranelift_opt_level(OptLevel::Speed);
    // For people profiling plugins (`WORKBENCH_PERFMAP`): `perf` then names
    // the wasm functions.
    if perf_map {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    Engine::new(&config)
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until dropped, so that
/// a store's epoch deadline turns into a wall-clock limit.
pub struct EpochTicker {
    /// Dropping it wakes the ticker at once to stop: a plain sleep made
    /// every command wait up to a tick (5 ms on average) at exit.
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    pub fn start(engine: &Engine) -> EpochTicker {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let engine = engine.clone();
        let thread = std::thread::Builder::new()
            .name("workbench-epoch".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EPOCH_TICK) {
                    engine.increment_epoch();
                }
            })
            .ok();
        EpochTicker { stop: Some(stop), thread }
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
