//! cargo-generate's Rhai: the hooks (`init`, `pre`, `post`), the `rhai`
//! filter and the `[conditional]` expressions, with the API cargo-generate
//! gives scripts and nothing more.
//!
//! A script reads and sets the template's values (`variable::`), works on
//! files inside the template's working copy only (`file::`, paths that leave
//! it are refused), reads the two folders (`env::`) and runs commands
//! (`system::command`) only when the user passed `--trust`, cargo-generate's
//! `--allow-commands`. Every engine has limits cargo-generate does not set:
//! a script is untrusted, so it gets a number of operations, a wall-clock
//! time and sizes for its strings, arrays and maps.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use heck::{
    ToKebabCase, ToLowerCamelCase, ToPascalCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase,
    ToUpperCamelCase,
};
use liquid::model::{KString, Value as LiquidValue, ValueView as _};
use rhai::{Array, Dynamic, Engine, EvalAltResult, Module, Scope};

use crate::error::{Error, Result};

/// The values templates render with; hooks and filters change them as they run.
pub type Values = Arc<Mutex<liquid::Object>>;

type Outcome<T> = std::result::Result<T, Box<EvalAltResult>>;

/// What a script may reach.
#[derive(Clone, Debug)]
pub struct Reach {
    pub values: Values,
    /// The template's working copy: `file::` paths are inside it, commands run in it.
    pub working: PathBuf,
    /// `env::destination_directory`.
    pub destination: PathBuf,
    /// `--trust`: `system::command` runs.
    pub trust: bool,
    /// `variable::prompt` asks on the terminal; otherwise it takes its default.
    pub ask: bool,
    /// `system::date()`: (year, month, day), of `SOURCE_DATE_EPOCH` when set.
    pub today: (i64, i64, i64),
}

/// A script longer than this is stopped: no hook of a real template comes near.
const TIME_LIMIT: Duration = Duration::from_secs(10);
const MAX_OPERATIONS: u64 = 100_000_000;
const MAX_SIZE: usize = 16 * 1024 * 1024;
const MAX_ITEMS: usize = 1_000_000;

pub fn lock(values: &Values) -> MutexGuard<'_, liquid::Object> {
    values.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs each hook script in order; a failing one stops the run.
pub fn run_hooks(reach: &Reach, scripts: &[String], stage: &str, origin: &str) -> Result<()> {
    for script in scripts {
        let engine = engine(reach);
        let path = inside(&reach.working, script).map_err(|_| {
            Error::input(format!("{origin}: the {stage} hook `{script}` is outside the template"))
                .help("name hook scripts by their path inside the template, as cargo-generate.toml's [hooks] expects")
        })?;
        let returned = engine.eval_file::<Dynamic>(path).map_err(|error| {
            let help = if error.to_string().contains("--trust") {
                "pass --trust to let the template run its commands, as `cargo generate --allow-commands` does"
            } else {
                "fix the hook script, or ask the template's author"
            };
            Error::input(format!("{origin}/{script}: the {stage} hook failed: {error}")).help(help)
        })?;
        // cargo-generate shows what a hook returns.
        if let Ok(text) = returned.into_string()
            && !text.is_empty()
        {
            eprintln!("{script}: {text}");
        }
    }
    Ok(())
}

/// A `[conditional."EXPR"]` key: true when the expression is (an error is false).
pub fn condition(values: &Values, expression: &str) -> bool {
    let mut scope = Scope::new();
    for (name, value) in lock(values).iter() {
        if let Ok(value) = to_rhai(value.to_value()) {
            scope.push_dynamic(name.as_str().to_string(), value);
        }
    }
    let mut engine = Engine::new();
    limit(&mut engine);
    engine.eval_expression_with_scope::<bool>(&mut scope, expression).unwrap_or(false)
}

/// An engine with cargo-generate's modules over `reach`.
pub fn engine(reach: &Reach) -> Engine {
    let mut engine = Engine::new();
    limit(&mut engine);
    // stdout may be a JSON document (`--format json`); script output goes to stderr.
    engine.on_print(|text| eprintln!("{text}"));
    engine.on_debug(|text, _, _| eprintln!("{text}"));
    engine.set_module_resolver(Imports {
        dir: reach.working.clone(),
        files: rhai::module_resolvers::FileModuleResolver::new_with_path(&reach.working),
    });
    engine
        .register_static_module("variable", variable_module(reach).into())
        .register_static_module("file", file_module(&reach.working).into())
        .register_static_module("system", system_module(reach).into())
        .register_static_module("env", env_module(reach).into())
        .register_fn("to_kebab_case", |text: &str| text.to_kebab_case())
        .register_fn("to_lower_camel_case", |text: &str| text.to_lower_camel_case())
        .register_fn("to_pascal_case", |text: &str| text.to_pascal_case())
        .register_fn("to_shouty_kebab_case", |text: &str| text.to_shouty_kebab_case())
        .register_fn("to_shouty_snake_case", |text: &str| text.to_shouty_snake_case())
        .register_fn("to_snake_case", |text: &str| text.to_snake_case())
        .register_fn("to_title_case", |text: &str| text.to_title_case())
        .register_fn("to_upper_camel_case", |text: &str| text.to_upper_camel_case())
        .register_fn("abort", |message: &str| -> Outcome<String> { Err(message.into()) });
    engine
}

/// `import "name"`: a script of the working copy, never one outside it.
struct Imports {
    dir: PathBuf,
    files: rhai::module_resolvers::FileModuleResolver,
}

impl rhai::ModuleResolver for Imports {
    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
        path: &str,
        position: rhai::Position,
    ) -> Outcome<rhai::Shared<Module>> {
        inside(&self.dir, path)?;
        self.files.resolve(engine, source, path, position)
    }
}

fn limit(engine: &mut Engine) {
    let started = Instant::now();
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_string_size(MAX_SIZE)
        .set_max_array_size(MAX_ITEMS)
        .set_max_map_size(MAX_ITEMS)
        .on_progress(move |_| {
            (started.elapsed() > TIME_LIMIT).then(|| Dynamic::from(format!("stopped after {} s", TIME_LIMIT.as_secs())))
        });
}

/// What `variable::get` sees of a value.
enum Named {
    Missing,
    Bool(bool),
    Text(String),
    List(Vec<LiquidValue>),
}

fn named(values: &Values, name: &str) -> Named {
    let values = lock(values);
    let Some(value) = values.get(name) else { return Named::Missing };
    if let Some(items) = value.as_array() {
        return Named::List(items.values().map(liquid::ValueView::to_value).collect());
    }
    match value.as_scalar() {
        Some(scalar) => match scalar.to_bool() {
            Some(flag) => Named::Bool(flag),
            None => Named::Text(scalar.to_kstr().to_string()),
        },
        None => Named::Missing,
    }
}

fn store(values: &Values, name: &str, value: LiquidValue) {
    lock(values).insert(KString::from_string(name.to_string()), value);
}

fn variable_module(reach: &Reach) -> Module {
    let mut module = Module::new();
    let values = reach.values.clone();
    module.set_native_fn("is_set", move |name: &str| -> Outcome<bool> {
        Ok(!matches!(named(&values, name), Named::Missing))
    });
    let values = reach.values.clone();
    module.set_native_fn("get", move |name: &str| -> Outcome<Dynamic> {
        Ok(match named(&values, name) {
            Named::Missing => Dynamic::from(String::new()),
            Named::Bool(flag) => Dynamic::from(flag),
            Named::Text(text) => Dynamic::from(text),
            Named::List(items) => Dynamic::from(items.into_iter().map(to_rhai).collect::<Outcome<Array>>()?),
        })
    });
    let values = reach.values.clone();
    module.set_native_fn("set", move |name: &str, value: &str| -> Outcome<()> {
        match named(&values, name) {
            Named::Missing | Named::Text(_) => {
                store(&values, name, LiquidValue::scalar(value.to_string()));
                Ok(())
            }
            _ => Err(format!("Variable {name} not a String").into()),
        }
    });
    let values = reach.values.clone();
    module.set_native_fn("set", move |name: &str, value: bool| -> Outcome<()> {
        match named(&values, name) {
            Named::Missing | Named::Bool(_) => {
                store(&values, name, LiquidValue::scalar(value));
                Ok(())
            }
            _ => Err(format!("Variable {name} not a bool").into()),
        }
    });
    let values = reach.values.clone();
    module.set_native_fn("set", move |name: &str, value: Array| -> Outcome<()> {
        match named(&values, name) {
            Named::Missing | Named::List(_) => {
                store(&values, name, to_liquid(Dynamic::from(value))?);
                Ok(())
            }
            _ => Err(format!("Variable {name} not an array").into()),
        }
    });
    let ask = reach.ask;
    module.set_native_fn("prompt", move |prompt: &str, default: bool| -> Outcome<bool> {
        if !ask {
            return Ok(default);
        }
        dialoguer::Confirm::new().with_prompt(prompt).default(default).interact().map_err(|e| e.to_string().into())
    });
    module.set_native_fn("prompt", move |prompt: &str| -> Outcome<String> { ask_text(ask, prompt, None, None) });
    module.set_native_fn("prompt", move |prompt: &str, default: &str| -> Outcome<String> {
        ask_text(ask, prompt, Some(default), None)
    });
    module.set_native_fn("prompt", move |prompt: &str, default: &str, pattern: &str| -> Outcome<String> {
        let pattern = regex::Regex::new(pattern).map_err(|_| "Invalid regex")?;
        ask_text(ask, prompt, Some(default), Some(&pattern))
    });
    module.set_native_fn("prompt", move |prompt: &str, default: &str, choices: Array| -> Outcome<String> {
        let choices: Vec<String> = choices.into_iter().map(|choice| choice.to_string()).collect();
        if !ask {
            return Ok(default.to_string());
        }
        let start = choices.iter().position(|choice| choice == default).unwrap_or(0);
        let picked = dialoguer::Select::new()
            .with_prompt(prompt)
            .items(&choices)
            .default(start)
            .interact()
            .map_err(|e| e.to_string())?;
        Ok(choices[picked].clone())
    });
    module
}

/// A text a hook asks for; without a terminal, its default (none is an error).
fn ask_text(ask: bool, prompt: &str, default: Option<&str>, pattern: Option<&regex::Regex>) -> Outcome<String> {
    if !ask {
        return default.map(str::to_string).ok_or_else(|| {
            format!("the hook asks `{prompt}` with no default, and there is no terminal to ask on").into()
        });
    }
    let mut input = dialoguer::Input::<String>::new().with_prompt(prompt);
    if let Some(default) = default {
        input = input.default(default.to_string());
    }
    if let Some(pattern) = pattern {
        let pattern = pattern.clone();
        input =
            input.validate_with(
                move |text: &String| {
                    if pattern.is_match(text) { Ok(()) } else { Err(format!("does not match {pattern}")) }
                },
            );
    }
    input.interact_text().map_err(|e| e.to_string().into())
}

/// `path` inside `dir`, `..` resolved without the file system; anything outside is refused.
pub fn inside(dir: &Path, path: &str) -> Outcome<PathBuf> {
    let mut resolved = PathBuf::new();
    for component in dir.join(path).components() {
        match component {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => resolved.push(other),
        }
    }
    if resolved.starts_with(dir) {
        Ok(resolved)
    } else {
        Err(format!("Path must be inside template dir: {path}").into())
    }
}

fn file_module(dir: &Path) -> Module {
    let mut module = Module::new();
    let base = dir.to_path_buf();
    module.set_native_fn("exists", move |path: &str| -> Outcome<bool> { Ok(inside(&base, path)?.exists()) });
    let base = dir.to_path_buf();
    module.set_native_fn("rename", move |from: &str, to: &str| -> Outcome<()> {
        std::fs::rename(inside(&base, from)?, inside(&base, to)?).map_err(|e| e.to_string().into())
    });
    let base = dir.to_path_buf();
    module.set_native_fn("delete", move |path: &str| -> Outcome<()> {
        let path = inside(&base, path)?;
        let removed = if path.is_file() {
            std::fs::remove_file(&path)
        } else if path.exists() {
            std::fs::remove_dir_all(&path)
        } else {
            Ok(())
        };
        removed.map_err(|e| e.to_string().into())
    });
    let base = dir.to_path_buf();
    module.set_native_fn("write", move |path: &str, text: &str| -> Outcome<()> {
        std::fs::write(inside(&base, path)?, text).map_err(|e| e.to_string().into())
    });
    let base = dir.to_path_buf();
    module.set_native_fn("write", move |path: &str, lines: Array| -> Outcome<()> {
        let text = lines.iter().fold(String::new(), |mut text, line| {
            let _ = writeln!(text, "{line}");
            text
        });
        std::fs::write(inside(&base, path)?, text).map_err(|e| e.to_string().into())
    });
    let base = dir.to_path_buf();
    module.set_native_fn("listdir", move |path: &str| -> Outcome<Array> { listdir(&base, path) });
    let base = dir.to_path_buf();
    module.set_native_fn("listdir", move || -> Outcome<Array> { listdir(&base, ".") });
    module
}

fn listdir(base: &Path, path: &str) -> Outcome<Array> {
    let entries = std::fs::read_dir(inside(base, path)?).map_err(|e| e.to_string())?;
    Ok(entries
        .filter_map(std::result::Result::ok)
        .filter_map(|entry| entry.path().to_str().map(|text| Dynamic::from(text.to_string())))
        .collect())
}

fn env_module(reach: &Reach) -> Module {
    let mut module = Module::new();
    module.set_var("working_directory", reach.working.to_string_lossy().to_string());
    module.set_var("destination_directory", reach.destination.to_string_lossy().to_string());
    module
}

fn system_module(reach: &Reach) -> Module {
    let mut module = Module::new();
    let (cwd, trust) = (reach.working.clone(), reach.trust);
    module.set_native_fn("command", move |name: &str, args: Array| -> Outcome<Dynamic> {
        command(&cwd, name, &args, trust)
    });
    let (cwd, trust) = (reach.working.clone(), reach.trust);
    module.set_native_fn("command", move |name: &str| -> Outcome<Dynamic> { command(&cwd, name, &[], trust) });
    let (year, month, day) = reach.today;
    module.set_native_fn("date", move || -> Outcome<Dynamic> {
        let mut date = rhai::Map::new();
        date.insert("year".into(), Dynamic::from_int(year));
        date.insert("month".into(), Dynamic::from_int(month));
        date.insert("day".into(), Dynamic::from_int(day));
        Ok(Dynamic::from_map(date))
    });
    module
}

/// `system::command`: through `sh -c` in the working copy, as cargo-generate runs it.
fn command(cwd: &Path, name: &str, args: &[Dynamic], trust: bool) -> Outcome<Dynamic> {
    let args: Vec<String> = args.iter().map(ToString::to_string).collect();
    let full = if args.is_empty() { name.to_string() } else { format!("{name} {}", args.join(" ")) };
    if !trust {
        // Said here too: a hook that calls it inside `try` goes on without it.
        log::warn!("the template asked to run `{full}`; not run: commands from a template run only with --trust");
        return Err(format!(
            "the template asks to run the command `{full}`; it was not run (commands run only with --trust)"
        )
        .into());
    }
    let output = Command::new("sh").arg("-c").arg(&full).current_dir(cwd).output();
    match output {
        Ok(output) if output.status.success() => {
            if output.stdout.is_empty() {
                Ok(Dynamic::UNIT)
            } else {
                Ok(Dynamic::from(String::from_utf8_lossy(&output.stdout).trim().to_string()))
            }
        }
        Ok(output) => Err(format!(
            "System command `{full}` failed to execute: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into()),
        Err(error) => Err(format!("System command `{full}` failed to execute: {error}").into()),
    }
}

fn to_rhai(value: LiquidValue) -> Outcome<Dynamic> {
    match value {
        LiquidValue::Scalar(scalar) => Ok(match scalar.to_bool() {
            Some(flag) => Dynamic::from(flag),
            None => Dynamic::from(scalar.to_kstr().to_string()),
        }),
        LiquidValue::Array(items) => Ok(Dynamic::from(items.into_iter().map(to_rhai).collect::<Outcome<Array>>()?)),
        other => Err(format!("unsupported liquid value type for conversion to rhai: {other:?}").into()),
    }
}

fn to_liquid(value: Dynamic) -> Outcome<LiquidValue> {
    if let Ok(flag) = value.as_bool() {
        return Ok(LiquidValue::scalar(flag));
    }
    if value.is_string() {
        return Ok(LiquidValue::scalar(value.into_string()?));
    }
    let kind = value.type_name();
    match value.try_cast::<Array>() {
        Some(items) => Ok(LiquidValue::Array(items.into_iter().map(to_liquid).collect::<Outcome<Vec<_>>>()?)),
        None => Err(format!("expecting type to be string, bool or array but found a '{kind}' instead").into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(dir: &Path, trust: bool) -> Reach {
        Reach {
            values: Arc::new(Mutex::new(liquid::Object::new())),
            working: dir.to_path_buf(),
            destination: dir.to_path_buf(),
            trust,
            ask: false,
            today: (2024, 2, 29),
        }
    }

    #[test]
    fn file_paths_that_leave_the_working_copy_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine(&reach(dir.path(), false));
        for script in [r#"file::write("../escape.txt", "x")"#, r#"file::write("/tmp/escape.txt", "x")"#] {
            let error = engine.run(script).unwrap_err().to_string();
            assert!(error.contains("inside template dir"), "{script}: {error}");
        }
        engine.run(r#"file::write("a/../kept.txt", "x")"#).unwrap();
        std::fs::write(dir.path().join("helper.rhai"), "fn twice(x) { x * 2 }").unwrap();
        assert_eq!(engine.eval::<i64>(r#"import "helper" as h; h::twice(21)"#).unwrap(), 42);
        let error = engine.run(r#"import "../elsewhere" as e;"#).unwrap_err().to_string();
        assert!(error.contains("inside template dir"), "{error}");
        assert!(dir.path().join("kept.txt").is_file());
    }

    #[test]
    fn commands_run_only_with_trust() {
        let dir = tempfile::tempdir().unwrap();
        let error = engine(&reach(dir.path(), false)).run(r#"system::command("touch", ["ran"])"#).unwrap_err();
        assert!(error.to_string().contains("--trust"), "{error}");
        assert!(!dir.path().join("ran").exists());
        engine(&reach(dir.path(), true)).run(r#"system::command("touch", ["ran"])"#).unwrap();
        assert!(dir.path().join("ran").exists());
    }

    #[test]
    fn a_runaway_script_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let error = engine(&reach(dir.path(), false)).run("loop { }").unwrap_err();
        assert!(matches!(*error, EvalAltResult::ErrorTooManyOperations(..) | EvalAltResult::ErrorTerminated(..)));
    }

    #[test]
    fn variables_keep_their_type() {
        let dir = tempfile::tempdir().unwrap();
        let reach = reach(dir.path(), false);
        let engine = engine(&reach);
        engine
            .run(r#"variable::set("flag", true); variable::set("name", "x"); variable::set("list", ["a", "b"]);"#)
            .unwrap();
        assert!(engine.run(r#"variable::set("flag", "text")"#).is_err());
        assert!(engine.eval::<bool>(r#"variable::get("flag") && variable::get("list")[1] == "b""#).unwrap());
        assert!(condition(&reach.values, r#"name == "x" && flag"#));
        assert!(!condition(&reach.values, "undefined_name"));
    }
}
