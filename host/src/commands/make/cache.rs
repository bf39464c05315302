//! Skipping a target that already succeeded on the same inputs, as
//! Turborepo does: the key is the target, the project, the digest of its
//! inputs (see [`crate::projects::inputs`]), the make program and the
//! declared environment; an entry keeps the output to replay and how long
//! the run took. A target is cacheable when it writes nothing later work
//! needs (`[projects.cache] targets`, default `test` and `lint`), or when
//! its outputs are declared: then it is skipped only while they are as the
//! run left them. Outputs are checked, never restored.
//!
//! A key is computed when the project is about to start, after its
//! dependencies ran, so it describes the files the run really saw.
//! Entries live in the cache directory under `make/`, one file each,
//! written atomically; a missing or damaged one is a miss.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use globset::GlobSet;
use sha2::{Digest as _, Sha256};

use crate::config::MakeCacheConfig;
use crate::context::Context;
use crate::error::Error;
use crate::projects::Workspace;
use crate::projects::inputs::{Digest, Inputs, outputs_digest};
use crate::store::{self, Magic, Reader, Writer};

const MAGIC: &Magic = b"WBMAKE01";

/// What a cache hit replays.
pub struct Entry {
    pub output: Vec<u8>,
    /// How long the run that succeeded took.
    pub elapsed: Duration,
    outputs: Option<Digest>,
}

pub struct Cache<'a> {
    workspace: &'a Workspace,
    dir: PathBuf,
    target: String,
    /// The declared outputs' globs, and the same compiled.
    outputs: Option<(Vec<String>, GlobSet)>,
    /// What goes into every key besides the project's inputs.
    environment: String,
    inputs: Inputs<'a>,
}

/// The hex digest an entry is stored under.
pub struct Key(String);

impl<'a> Cache<'a> {
    /// The cache for this run, or none: not asked for (`--cache`,
    /// `[projects.cache] enabled`), turned off (`--no-cache`), without a
    /// cache directory, or for a target that is not cacheable.
    pub fn open(
        context: &Context,
        workspace: &'a Workspace,
        target: &str,
        make: &str,
        asked: bool,
    ) -> Result<Option<Cache<'a>>, Error> {
        let config: &MakeCacheConfig = &context.config.projects.cache;
        if !(asked || config.enabled) {
            return Ok(None);
        }
        let Some(dir) = context.cache_dir() else {
            log::info!("make: the cache is off (--no-cache, or no cache directory)");
            return Ok(None);
        };
        let outputs = match config.outputs.get(target) {
            Some(patterns) => Some((
                patterns.clone(),
                crate::globs::glob_set(patterns, &format!("[projects.cache.outputs] {target}"))?,
            )),
            None if config.targets.iter().any(|cacheable| cacheable == target) => None,
            None => {
                let why = format!(
                    "make: `{target}` is not cached: list it in [projects.cache] targets, or declare its outputs in [projects.cache.outputs]"
                );
                // Asked for by flag, silence would read as a cache that never hits.
                if asked {
                    log::warn!("{why}");
                } else {
                    log::info!("{why}");
                }
                return Ok(None);
            }
        };
        let ignore_changes =
            crate::globs::glob_set(&context.config.projects.ignore_changes, "[projects] ignore-changes")?;
        let excluded = outputs.as_ref().map_or_else(GlobSet::empty, |(_, globs)| globs.clone());
        Ok(Some(Cache {
            workspace,
            dir: dir.join("make"),
            target: target.to_string(),
            outputs,
            environment: environment(context, make, &config.env),
            inputs: Inputs::new(workspace, ignore_changes, excluded),
        }))
    }

    /// The key of the project's target as its files are now; none when a
    /// file cannot be read (then it runs, and nothing is recorded).
    pub fn key(&mut self, project: usize) -> Option<Key> {
        let digests = self.inputs.global().and_then(|global| Ok((global, self.inputs.project(project)?)));
        let (global, inputs) = match digests {
            Ok(digests) => digests,
            Err(error) => {
                log::warn!(
                    "make: not caching {}: cannot read its inputs: {error}",
                    self.workspace.projects[project].name
                );
                return None;
            }
        };
        let mut hasher = Sha256::new();
        for part in [MAGIC.as_slice(), self.target.as_bytes(), self.workspace.projects[project].path.as_bytes()] {
            hasher.update(part);
            hasher.update(b"\0");
        }
        hasher.update(inputs);
        hasher.update(global);
        hasher.update(self.environment.as_bytes());
        if let Some((patterns, _)) = &self.outputs {
            hasher.update(patterns.join("\0").as_bytes());
        }
        Some(Key(crate::hex::encode(&hasher.finalize())))
    }

    /// The entry a run on these inputs left, if its outputs (when declared)
    /// are still as it left them.
    pub fn lookup(&self, project: usize, key: &Key) -> Option<Entry> {
        let stored = store::read(&self.path(key), MAGIC)?;
        let entry = decode(stored.payload())?;
        if entry.outputs != self.outputs_now(project) {
            log::info!(
                "make: {}'s outputs changed since it ran, so it runs again",
                self.workspace.projects[project].name
            );
            return None;
        }
        Some(entry)
    }

    /// Remembers a success. A cache that cannot be written costs time,
    /// never the run.
    pub fn record(&mut self, project: usize, key: &Key, output: &[u8], elapsed: Duration) {
        self.inputs.forget(project);
        let mut writer = Writer::with_capacity(output.len() + 64);
        writer.u64(u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX));
        writer.long_bytes(output);
        match self.outputs_now(project) {
            Some(digest) => {
                writer.u8(1);
                writer.bytes(&digest);
            }
            None => writer.u8(0),
        }
        if let Err(error) = store::write(&self.path(key), MAGIC, &writer.out, false) {
            log::warn!("make: cannot write the cache at {}: {error}", self.dir.display());
        }
    }

    /// The project ran and failed: its files may have changed.
    pub fn forget(&mut self, project: usize) {
        self.inputs.forget(project);
    }

    fn outputs_now(&self, project: usize) -> Option<Digest> {
        let (patterns, globs) = self.outputs.as_ref()?;
        let dir = &self.workspace.projects[project].dir;
        // An unreadable output is a digest no entry has.
        Some(outputs_digest(&self.workspace.root, dir, globs, patterns).unwrap_or([0xff; 32]))
    }

    fn path(&self, key: &Key) -> PathBuf {
        self.dir.join(&key.0[..2]).join(&key.0)
    }
}

fn decode(payload: &[u8]) -> Option<Entry> {
    let mut reader = Reader::new(payload);
    let elapsed = Duration::from_micros(reader.u64()?);
    let output = reader.long_bytes()?.to_vec();
    let outputs = match reader.u8()? {
        0 => None,
        _ => Some(reader.bytes()?.try_into().ok()?),
    };
    Some(Entry { output, elapsed, outputs })
}

/// The make program, the variables that change what make does, and the
/// declared ones, as `NAME=value` lines (unset and empty differ).
fn environment(context: &Context, make: &str, declared: &[String]) -> String {
    let mut names: BTreeMap<&str, Option<String>> = BTreeMap::new();
    for name in ["MAKEFLAGS", "MFLAGS", "GNUMAKEFLAGS"] {
        // Only the job server's flags are as good as none.
        names.insert(name, context.var(name).map(|flags| stable_flags(&flags)).filter(|flags| !flags.is_empty()));
    }
    for name in declared {
        names.insert(name, context.var(name));
    }
    let mut text = format!("make={make}\n");
    for (name, value) in names {
        match value {
            Some(value) => _ = writeln!(text, "{name}={value}"),
            None => _ = writeln!(text, "{name} unset"),
        }
    }
    text
}

/// Make's flags without those that differ from run to run and change no
/// result: the job count and the jobserver's file descriptors, which a
/// workbench started by `make -j` inherits.
fn stable_flags(flags: &str) -> String {
    flags
        .split_whitespace()
        .filter(|word| !word.starts_with("--jobserver") && !word.starts_with("-j") && !word.starts_with("--jobs"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn make_flags_count_without_the_jobserver() {
        assert_eq!(stable_flags(" -j2 --jobserver-auth=3,4 -- CC=clang"), "-- CC=clang");
        assert_eq!(stable_flags("w --jobserver-auth=fifo:/tmp/x"), "w");
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let mut writer = Writer::with_capacity(16);
        writer.u64(1_500_000);
        writer.long_bytes(b"ok\n");
        writer.u8(1);
        writer.bytes(&[7; 32]);
        let entry = decode(&writer.out).unwrap();
        assert_eq!(entry.elapsed, Duration::from_millis(1500));
        assert_eq!(entry.output, b"ok\n");
        assert_eq!(entry.outputs, Some([7; 32]));
        assert!(decode(&writer.out[..writer.out.len() - 1]).is_none(), "truncated");
    }
}
