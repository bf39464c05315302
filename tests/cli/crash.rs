//! Crash safety (issue 9): `build`, `lint --fix` and `scaffold` killed with
//! SIGKILL at random moments leave either the old complete result or the
//! new complete one, never a half-written file that looks complete.
//!
//! Each test times one uninterrupted run, then kills runs after a random
//! delay up to that long. The seed is printed on failure; set
//! `CRASH_SEED` to replay it.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{Test, repo_root};

const KILLS: usize = 25;

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Dice(u64);

impl Dice {
    fn new() -> Dice {
        let seed = std::env::var("CRASH_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(7, |t| u64::from(t.subsec_nanos()) ^ t.as_secs())
        });
        Dice(seed | 1)
    }

    fn below(&mut self, bound: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        let micros = u64::try_from(bound.as_micros()).unwrap_or(u64::MAX).max(1);
        Duration::from_micros(self.0 % micros)
    }
}

/// Every file under `dir` (dot-files of the tool's own, like the build's
/// spare, left out) with its bytes; `None` when `dir` does not exist.
fn tree(dir: &Path) -> Option<BTreeMap<String, Vec<u8>>> {
    if !dir.exists() {
        return None;
    }
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path.strip_prefix(dir).expect("inside").display().to_string();
                files.insert(name, std::fs::read(&path).expect("read file"));
            }
        }
    }
    Some(files)
}

/// Runs the command `KILLS` times, killing each run after a random delay up
/// to `window`, and checks `state()` after each against `allowed`.
fn kill_repeatedly(
    test: &Test,
    args: &[&str],
    window: Duration,
    mut before_each: impl FnMut(usize),
    mut check: impl FnMut(usize, &str),
) {
    let mut dice = Dice::new();
    let seed = dice.0;
    for round in 0..KILLS {
        before_each(round);
        let mut child = test
            .command_for(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start");
        std::thread::sleep(dice.below(window));
        let _ = child.kill();
        let _ = child.wait();
        check(round, &format!("round {round}, CRASH_SEED={seed}"));
    }
}

/// The hidden temporary files and folders of killed runs in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".workbench-") || name.starts_with(".tmp"))
        .collect()
}

fn timed(test: &Test, args: &[&str]) -> Duration {
    let started = Instant::now();
    test.run_args(&args.iter().map(ToString::to_string).collect::<Vec<_>>()).code(0);
    started.elapsed()
}

fn site_version(test: &Test, version: &str) {
    for page in 0..40 {
        let body = format!(
            "---\ntitle: Page {page} {version}\n---\n# Page {page}\n\n{}\n",
            format!("{version} words ").repeat(200)
        );
        std::fs::write(test.dir().join(format!("site/p{page}.md")), body).expect("write page");
    }
}

#[test]
fn a_killed_build_leaves_the_old_output_or_the_new_one() {
    let test = Test::new().file("workbench.toml", "[site]\nsteps = [\"markdown\"]\n").file("site/index.md", "# Home\n");
    let outputs: Vec<_> = ["one", "two"]
        .iter()
        .map(|version| {
            site_version(&test, version);
            timed(&test, &["build"]);
            (timed(&test, &["build"]), tree(&test.dir().join("build")).expect("build/"))
        })
        .collect();
    let window = outputs.iter().map(|(took, _)| *took).max().unwrap_or_default();
    kill_repeatedly(
        &test,
        &["build"],
        window,
        |round| site_version(&test, if round % 2 == 0 { "one" } else { "two" }),
        |_, label| {
            let now = tree(&test.dir().join("build")).expect("build/ is never missing");
            assert!(outputs.iter().any(|(_, output)| *output == now), "{label}: build/ is neither output");
        },
    );
}

#[test]
fn a_killed_lint_fix_leaves_each_file_original_or_fixed() {
    let test = Test::new();
    let original = "line with trailing space   \n".repeat(2000);
    let fixed = "line with trailing space\n".repeat(2000);
    let files: Vec<String> = (0..30).map(|i| format!("notes{i}.txt")).collect();
    let reset = || {
        for name in &files {
            std::fs::write(test.dir().join(name), &original).expect("write");
        }
    };
    reset();
    let window = {
        let started = Instant::now();
        test.run_args(&["lint".into(), "--fix".into()]);
        started.elapsed()
    };
    for name in &files {
        assert_eq!(
            std::fs::read_to_string(test.dir().join(name)).unwrap(),
            fixed,
            "an uninterrupted --fix fixes {name}"
        );
    }
    kill_repeatedly(
        &test,
        &["lint", "--fix"],
        window,
        |_| reset(),
        |_, label| {
            for name in &files {
                let now = std::fs::read_to_string(test.dir().join(name)).expect("the file is never missing");
                assert!(now == original || now == fixed, "{label}: {name} is half fixed ({} bytes)", now.len());
            }
            let strays: Vec<_> = std::fs::read_dir(test.dir())
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| !files.contains(name))
                .collect();
            assert!(strays.iter().all(|name| name.starts_with('.')), "{label}: left behind {strays:?}");
        },
    );
    // The next whole run sweeps up what the killed ones left.
    reset();
    test.run_args(&["lint".into(), "--fix".into()]);
    assert_eq!(leftovers(test.dir()), Vec::<String>::new());
}

#[test]
fn a_killed_scaffold_leaves_no_project_or_a_whole_one() {
    // A fixed clock, so two whole runs write the same answers file.
    let test = Test::new().env("SOURCE_DATE_EPOCH", "1700000000");
    let template = repo_root().join("templates/site").display().to_string();
    let args = ["scaffold", template.as_str(), "out", "--defaults"];
    let window = timed(&test, &args);
    let whole = tree(&test.dir().join("out")).expect("out/");
    kill_repeatedly(
        &test,
        &args,
        window,
        |_| {
            let _ = std::fs::remove_dir_all(test.dir().join("out"));
        },
        |_, label| {
            let now = tree(&test.dir().join("out"));
            assert!(now.is_none() || now.as_ref() == Some(&whole), "{label}: out/ is half made");
            let strays: Vec<_> = std::fs::read_dir(test.dir())
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name != "out" && !name.starts_with('.'))
                .collect();
            assert!(strays.is_empty(), "{label}: left behind {strays:?}, which look like projects");
        },
    );
    let _ = std::fs::remove_dir_all(test.dir().join("out"));
    timed(&test, &args);
    assert_eq!(leftovers(test.dir()), Vec::<String>::new(), "the next whole run sweeps up");
}
