//! A template's own code (cookiecutter's hooks, copier's tasks), run only
//! with `--trust`.
//!
//! Without it every hook is named in a warning and skipped, as
//! `cookiecutter --accept-hooks no` does. With it they run as cookiecutter
//! runs them: `pre_prompt` in a copy of the template before its questions,
//! `pre_gen_project` in the new project's empty folder and
//! `post_gen_project` in it once the files are there; a hook is rendered
//! with the answers first (not `pre_prompt`), a `.py` hook runs with
//! `python3` and any other file as an executable, with the user's
//! environment. Its output goes to stderr, so `--format json` stays one
//! document. A failing hook stops the run, and a project folder the run
//! created is removed, as cookiecutter removes it.

use std::os::fd::AsFd as _;
use std::path::Path;
use std::process::{Command, Stdio};

use super::render::Engine;
use super::template::{Hook, Template, Tree};
use crate::error::{Error, Result};

/// A hook ready to run: its script rendered with the answers, or a
/// command (copier's tasks).
pub struct Ready {
    pub name: String,
    /// Where it is, for messages.
    pub path: String,
    pub run: Run,
}

pub enum Run {
    Script(Vec<u8>),
    /// An argument list, run after the files are written with `STAGE=task`.
    Command(Vec<String>),
}

impl Ready {
    pub fn command(origin: &str, command: Vec<String>) -> Ready {
        Ready {
            name: "post_gen_project".into(),
            path: format!("{origin} `{}`", command.join(" ")),
            run: Run::Command(command),
        }
    }
}

/// Warns about every hook and task `--trust` would have run.
pub fn warn_skipped(template: &Template, origin: &str) {
    for hook in &template.hooks {
        log::warn!(
            "{origin}/{} not run: a hook is code from the template's author; pass --trust to run it as cookiecutter does",
            hook.path
        );
    }
    if let Some(settings) = template.copier.as_ref().filter(|settings| !settings.tasks.is_empty()) {
        log::warn!(
            "{origin}: {} task{} in `_tasks` not run: tasks are commands from the template's author; pass --trust to run them as `copier copy --trust` does",
            settings.tasks.len(),
            if settings.tasks.len() == 1 { "" } else { "s" }
        );
    }
}

/// The hooks called `name` (`pre_gen_project`, `post_gen_project`), rendered.
pub fn render(
    template: &Template,
    name: &str,
    engine: &Engine,
    context: &serde_json::Value,
    origin: &str,
) -> Result<Vec<Ready>> {
    template
        .hooks
        .iter()
        .filter(|hook| hook.name == name)
        .map(|hook| {
            let at = format!("{origin}/{}", hook.path);
            let script = match std::str::from_utf8(&hook.contents) {
                Ok(text) => engine
                    .render(&at, text, context)
                    .map_err(|failure| Error::input(format!("{at}: {}", failure.reason)).help("fix the hook there"))?
                    .into_bytes(),
                Err(_) => hook.contents.clone(),
            };
            Ok(Ready { name: hook.name.clone(), path: at, run: Run::Script(script) })
        })
        .collect()
}

/// Runs the hooks named `name` in `cwd`.
pub fn run(hooks: &[Ready], name: &str, cwd: &Path) -> Result<()> {
    for hook in hooks.iter().filter(|hook| hook.name == name) {
        match &hook.run {
            Run::Script(script) => run_script(&hook.path, script, cwd)?,
            Run::Command(argv) => {
                let mut command = Command::new(&argv[0]);
                command.args(&argv[1..]).env("STAGE", "task");
                run_command(&hook.path, command, cwd)?;
            }
        }
    }
    Ok(())
}

/// `pre_prompt`: runs in a copy of the template, which it may change (its
/// questions, say); returns the copy's files.
pub fn pre_prompt(tree: &Tree, hooks: &[Hook], origin: &str) -> Result<Option<Tree>> {
    let scripts: Vec<&Hook> = hooks.iter().filter(|hook| hook.name == "pre_prompt").collect();
    if scripts.is_empty() {
        return Ok(None);
    }
    let copy = tempfile::tempdir().map_err(|error| {
        Error::input(format!("cannot make a folder for the pre_prompt hook: {error}")).help("check TMPDIR")
    })?;
    for (path, entry) in tree {
        let target = copy.path().join(path);
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, &entry.contents))
            .and_then(|()| if entry.executable { super::write::make_executable(&target) } else { Ok(()) });
        written.map_err(|error| {
            Error::input(format!("cannot copy {origin}/{path} for the pre_prompt hook: {error}")).help("check TMPDIR")
        })?;
    }
    for hook in scripts {
        run_script(&format!("{origin}/{}", hook.path), &hook.contents, copy.path())?;
    }
    let label = format!("{origin} (after hooks/pre_prompt)");
    super::source::load_dir(copy.path(), &label).map(|loaded| Some(loaded.tree))
}

fn run_script(path: &str, script: &[u8], cwd: &Path) -> Result<()> {
    let extension = Path::new(path).extension().map(|extension| format!(".{}", extension.to_string_lossy()));
    let failed = |message: String| {
        Error::input(message).help("the hook is the template's code: fix it, or run without --trust to skip it")
    };
    let mut file = tempfile::Builder::new()
        .prefix("workbench-hook-")
        .suffix(extension.as_deref().unwrap_or(""))
        .tempfile()
        .map_err(|error| failed(format!("cannot write {path} to run it: {error}")))?;
    std::io::Write::write_all(&mut file, script)
        .map_err(|error| failed(format!("cannot write {path} to run it: {error}")))?;
    let script_path = file.into_temp_path();
    super::write::make_executable(&script_path)
        .map_err(|error| failed(format!("cannot make {path} executable: {error}")))?;
    let command = if extension.as_deref() == Some(".py") {
        let mut command = Command::new("python3");
        command.arg(&script_path);
        command
    } else {
        Command::new(&script_path)
    };
    run_command(path, command, cwd)
}

fn run_command(path: &str, mut command: Command, cwd: &Path) -> Result<()> {
    let failed = |message: String| {
        Error::input(message).help("the hook is the template's code: fix it, or run without --trust to skip it")
    };
    // The hook's output is for the user, and stdout is for --format json.
    let stdout = std::io::stderr().as_fd().try_clone_to_owned().map_or_else(|_| Stdio::inherit(), Stdio::from);
    let status = command
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(stdout)
        .status()
        .map_err(|error| failed(format!("cannot run {path}: {error}")))?;
    if !status.success() {
        let code = status.code().map_or_else(|| "a signal".to_string(), |code| format!("exit status {code}"));
        return Err(failed(format!("{path} failed ({code})")));
    }
    Ok(())
}
