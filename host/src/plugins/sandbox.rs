//! What a plugin instance may touch: nothing, unless the host passes it in.
//!
//! - No files (no preopened directories), no environment, no arguments, no
//!   sockets (TCP, UDP and name lookup are off), stdin closed.
//! - The wall clock is frozen at the Unix epoch, so output cannot depend on
//!   when a build ran; dates reach plugins as data. The monotonic clock and
//!   random numbers are the host's: they reveal nothing and language
//!   runtimes need them to start.
//! - stdout and stderr are captured (up to [`OUTPUT_CAP`] each) and shown
//!   in the log under the plugin's name; a failing call quotes its stderr.
//! - Memory is capped per instance ([`Limits::memory`]); a call's wall time
//!   is capped through epoch interruption ([`Limits::time`]).

use std::sync::Arc;
use std::time::Duration;

use wasmtime::component::ResourceTable;
use wasmtime::{Engine, ResourceLimiter, Store};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{HostWallClock, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use super::bindings;
use super::engine::EPOCH_TICK;
use crate::terminal::printable;

/// Bytes of stdout, and of stderr, kept per call.
pub const OUTPUT_CAP: usize = 1 << 20;
/// Log messages accepted per call; more are counted and dropped.
const LOG_CAP: usize = 1000;
/// Longest log message kept, in bytes.
const LOG_MESSAGE_CAP: usize = 4096;

/// Per-call resource limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub time: Duration,
    pub memory: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { time: Duration::from_secs(5), memory: 512 << 20 }
    }
}

impl Limits {
    fn epoch_ticks(self) -> u64 {
        let ticks = self.time.as_millis() / EPOCH_TICK.as_millis();
        u64::try_from(ticks).unwrap_or(u64::MAX).max(1)
    }
}

/// The data of one plugin instance's store.
pub struct HostState {
    plugin: Arc<str>,
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: MemoryLimiter,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
    logs: usize,
}

impl HostState {
    /// A store for one unit of work, with the limits armed.
    pub fn new_store(engine: &Engine, plugin: Arc<str>, limits: Limits) -> Store<HostState> {
        let stdout = MemoryOutputPipe::new(OUTPUT_CAP);
        let stderr = MemoryOutputPipe::new(OUTPUT_CAP);
        let wasi = WasiCtxBuilder::new()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .wall_clock(FrozenClock)
            .build();
        let state = HostState {
            plugin,
            wasi,
            table: ResourceTable::new(),
            limiter: MemoryLimiter { cap: limits.memory, exceeded: false },
            stdout,
            stderr,
            logs: 0,
        };
        let mut store = Store::new(engine, state);
        store.limiter(|state| &mut state.limiter);
        store.set_epoch_deadline(limits.epoch_ticks());
        store.epoch_deadline_trap();
        store
    }

    /// Whether a memory growth was refused during this store's life.
    pub fn memory_exceeded(&self) -> bool {
        self.limiter.exceeded
    }

    /// What the plugin wrote to stderr, lossily decoded.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.contents()).into_owned()
    }

    /// Sends captured stdout and stderr to the log (a store lives for one
    /// call, so its pipes hold that call's output only).
    pub fn flush_output_to_log(&self) {
        for (stream, pipe) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            let bytes = pipe.contents();
            for line in String::from_utf8_lossy(&bytes).lines() {
                log::info!(target: "plugin", "{} ({stream}): {}", self.plugin, printable(line));
            }
        }
        if self.logs > LOG_CAP {
            log::warn!(target: "plugin", "{}: dropped {} log messages over the limit of {LOG_CAP} per call", self.plugin, self.logs - LOG_CAP);
        }
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl bindings::types::Host for HostState {}

impl bindings::log::Host for HostState {
    fn log(&mut self, level: bindings::log::Level, message: String) {
        use bindings::log::Level;
        self.logs += 1;
        if self.logs > LOG_CAP {
            return;
        }
        let level = match level {
            Level::Trace => log::Level::Trace,
            Level::Debug => log::Level::Debug,
            Level::Info => log::Level::Info,
            Level::Warn => log::Level::Warn,
            Level::Error => log::Level::Error,
        };
        let mut message = message;
        if message.len() > LOG_MESSAGE_CAP {
            let mut end = LOG_MESSAGE_CAP;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
            message.push('…');
        }
        log::log!(target: "plugin", level, "{}: {}", self.plugin, printable(&message));
    }
}

/// Refuses memory growth past the cap and remembers that it did, so the
/// resulting trap can be reported as "exceeded its memory limit".
struct MemoryLimiter {
    cap: usize,
    exceeded: bool,
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.cap {
            self.exceeded = true;
            wasmtime::bail!("memory limit exceeded");
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        // Tables hold function references; a million is far beyond any
        // real plugin and bounds the host memory they can claim.
        Ok(desired <= 1_000_000)
    }
}

struct FrozenClock;

impl HostWallClock for FrozenClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }

    fn now(&self) -> Duration {
        Duration::ZERO
    }
}
