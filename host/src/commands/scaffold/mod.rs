//! `workbench scaffold TEMPLATE DEST`: a new project from a template, the
//! Khaos pipeline (read, find placeholders, ask, render, write) with the
//! modern scaffolders' features: typed prompts, validation, non-interactive
//! runs, git-hosted templates, an answers file and `--update`.
//!
//! One concern per file: `source` finds and reads a template, `template`
//! reads its manifest (Khaos or native; `cookiecutter` and `copier` read
//! those formats, which `jinja` renders with `ansible`'s filters for
//! copier, `pyyaml` writing copier's answers), `prompt` and `answers` fill
//! in the questions, `helpers` and `render` produce the files in memory, `write`
//! puts them on disk atomically, `update` merges a newer template version
//! into a project; `pinned` reads the templates `[scaffold.sources]` names,
//! pinned in workbench.lock, and `push` publishes a template to an OCI
//! registry for them.

pub mod ansible;
pub mod answers;
pub mod cargo_generate;
pub mod cookiecutter;
pub mod copier;
pub mod helpers;
pub mod hooks;
pub mod jinja;
pub mod liquid_engine;
pub mod pinned;
pub mod prompt;
pub mod push;
pub mod pyyaml;
pub mod render;
pub mod rhai_hooks;
pub mod source;
pub mod template;
pub mod update;
pub mod write;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, FixedOffset};
use clap::Args;
use handlebars::Handlebars;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::plugins::{Runtime, Source};
use crate::progress::Progress;
use answers::Given;
use template::{Entry, Format, Template, Tree};

/// Written into every generated project; `--update` reads it.
pub const ANSWERS_FILE: &str = ".workbench-answers.toml";

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools, reason = "each is a flag of the command line")]
pub struct ScaffoldArgs {
    /// The template: a name (see --list), a path (./dir), or a git URL with
    /// an optional #branch, #tag or #commit. With --update: the project.
    #[arg(required_unless_present = "list", add = clap_complete::engine::ArgValueCompleter::new(crate::commands::completions::values::templates))]
    pub template: Option<String>,
    /// The new project's folder; it must not exist or must be empty (see --force).
    #[arg(required_unless_present_any = ["list", "update", "push"])]
    pub dest: Option<PathBuf>,
    /// List the templates found in the template folders, with descriptions.
    #[arg(long, conflicts_with_all = ["dest", "update"])]
    pub list: bool,
    /// Answer a question: `--set name=my-tool`; repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Answers from a TOML, JSON or YAML file (an earlier project's
    /// .workbench-answers.toml works too).
    #[arg(long, value_name = "FILE")]
    pub values: Option<PathBuf>,
    /// Take the default of every question not answered by --set/--values, without asking.
    #[arg(long)]
    pub defaults: bool,
    /// Write into an existing folder that has files (files of the same name
    /// are replaced; nothing is deleted).
    #[arg(long)]
    pub force: bool,
    /// Make the new project a git repository with one initial commit.
    #[arg(long)]
    pub git: bool,
    /// The template is in this folder of the repository or path given.
    #[arg(long, value_name = "DIR")]
    pub subdir: Option<String>,
    /// Re-render the project at TEMPLATE (a folder made by `scaffold`) with
    /// its template's newer version, merging with your edits.
    #[arg(long, conflicts_with_all = ["dest", "subdir", "force", "git"])]
    pub update: bool,
    /// Publish TEMPLATE to an OCI registry instead (`oci://HOST/NS/NAME:TAG`,
    /// or `ns:name@version` through `[registries]`), for other repositories'
    /// `[scaffold.sources]`.
    #[arg(long, value_name = "REF", conflicts_with_all = ["dest", "list", "update", "set", "values", "defaults", "force", "git"])]
    pub push: Option<String>,
    /// Run the code the template carries (cookiecutter's hooks) as its own
    /// tool would; without it each one is named in a warning and skipped.
    #[arg(long, conflicts_with_all = ["list", "push"])]
    pub trust: bool,
    /// human, or json: the files created and the answers (or with --list,
    /// the templates), as one document on stdout (docs/json.md).
    #[arg(long, value_enum, default_value_t, conflicts_with = "update")]
    pub format: crate::commands::Format,
}

/// The bar a git template's fetch counts its objects on.
fn fetching(context: &Context) -> Progress {
    Progress::new(context, Some(0), "{spinner} fetching the template: {pos}/{len} objects ({elapsed})")
}

/// `.workbench-answers.toml`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswersFile {
    /// When the project was generated: every render of it (including the
    /// old one `--update` rebuilds) uses this time for `date`.
    generated: String,
    /// `--trust` was given: the template's hooks ran.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    trusted: bool,
    template: source::Origin,
    answers: toml::Table,
}

pub fn run(context: &Context, args: &ScaffoldArgs) -> Result<Exit> {
    let cwd = context.cwd().to_path_buf();
    if args.list {
        list(context, &cwd, args.format);
        return Ok(Exit::Success);
    }
    let template_arg = args.template.as_deref().expect("clap requires TEMPLATE");
    if let Some(target) = &args.push {
        return push::run(context, template_arg, args.subdir.as_deref(), target);
    }
    let given = given(args)?;
    if args.update {
        return run_update(context, &cwd.join(template_arg), given);
    }
    let dest = cwd.join(args.dest.as_deref().expect("clap requires DEST"));
    // Before any question: answering them all to be refused at the end is no way to learn it.
    write::check_destination(&dest, args.force, args.git)?;
    let loaded = load(context, template_arg, args.subdir.as_deref())?;
    let mut template = Template::from_tree(loaded.tree.clone(), &loaded.label)?;
    if !args.trust {
        hooks::warn_skipped(&template, &loaded.label);
    } else if let Some(tree) = hooks::pre_prompt(&loaded.tree, &template.hooks, &loaded.label)? {
        template = Template::from_tree(tree, &loaded.label)?;
    }
    let now = now(context)?;
    let basename = dest.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let setting = Setting {
        context,
        // copier records the template as it was named, a relative path included.
        source: template_arg,
        described: loaded.described.as_deref(),
        dest: &dest,
        now,
        basename: &basename,
        repo_root: loaded.repo_root.as_deref(),
        trust: args.trust,
    };
    let Rendered { answers, mut files, folders, hooks, messages: [before, after] } =
        setting.render(&template, &given, true, &loaded.label)?;
    let talk = !context.global.quiet && args.format != crate::commands::Format::Json;
    if let Some(before) = before.filter(|_| talk) {
        errln!(context, "{}", before.trim_end());
    }
    let rendered = files.len();
    let record = AnswersFile {
        generated: now.to_rfc3339(),
        trusted: args.trust,
        template: loaded.origin.clone(),
        answers: to_table(&answers)?,
    };
    // A copier template writes its own answers file, in copier's format.
    if template.format != Format::Copier {
        files.insert(ANSWERS_FILE.into(), Entry { contents: answers_text(&record)?.into_bytes(), executable: false });
    }
    if let Some(settings) = &template.copier {
        skip_existing(&mut files, &settings.skip_if_exists, &dest)?;
    }
    let message = format!("Initial commit from template {}", loaded.label);
    let git = args.git.then(|| write::GitInit { message: &message });
    let written = if hooks.is_empty() {
        write::write_project(&dest, &files, &folders, args.force, git.as_ref())?
    } else {
        write_with_hooks(&dest, (&files, &folders), args.force, git.as_ref(), &hooks)?
    };
    if args.format == crate::commands::Format::Json {
        let document = serde_json::json!({
            "version": 1,
            "destination": dest.display().to_string(),
            "template": loaded.label,
            "files": files.keys().collect::<Vec<_>>(),
            "replaced": written.replaced,
            "answers": record.answers,
            "git": args.git,
        });
        outln!(context, "{document:#}");
        return Ok(Exit::Success);
    }
    if context.global.quiet {
        return Ok(Exit::Success);
    }
    for path in &written.replaced {
        errln!(context, "replaced {path}");
    }
    errln!(context, "created {} from {} ({rendered} files)", dest.display(), loaded.label);
    if let Some(after) = after {
        errln!(context, "{}", after.trim_end());
    }
    Ok(Exit::Success)
}

/// copier's `_skip_if_exists`: files of those patterns already in DEST
/// (a `--force` run) are left as they are.
fn skip_existing(files: &mut Tree, patterns: &[String], dest: &Path) -> Result<()> {
    if patterns.is_empty() || !dest.is_dir() {
        return Ok(());
    }
    let skip = template::pattern_matcher(
        Path::new("/"),
        patterns.iter().map(String::as_str),
        "_skip_if_exists",
        "copier.yml",
    )?;
    files.retain(|path, _| !(dest.join(path).exists() && skip.matched_path_or_any_parents(path, false).is_ignore()));
    Ok(())
}

/// cookiecutter's order: the project folder is made, `pre_gen_project`
/// runs in it, the files are written, `post_gen_project` runs; a failure
/// removes the folder when this run made it.
fn write_with_hooks(
    dest: &Path,
    (files, folders): (&Tree, &[String]),
    force: bool,
    git: Option<&write::GitInit<'_>>,
    ready: &[hooks::Ready],
) -> Result<write::Written> {
    let created = !dest.exists();
    std::fs::create_dir_all(dest).map_err(|error| {
        Error::input(format!("cannot create {}: {error}", dest.display()))
            .help("check that the destination is writable")
    })?;
    let undo = |error: Error| {
        if created {
            let _ = std::fs::remove_dir_all(dest);
        }
        error
    };
    hooks::run(ready, "pre_gen_project", dest).map_err(undo)?;
    // What pre_gen_project wrote there stays, as with cookiecutter.
    let force = force || std::fs::read_dir(dest).is_ok_and(|mut entries| entries.next().is_some());
    let written = write::write_project(dest, files, folders, force, git).map_err(undo)?;
    hooks::run(ready, "post_gen_project", dest).map_err(undo)?;
    Ok(written)
}

/// The template TEMPLATE names: a `[scaffold.sources]` entry, else a name,
/// path or git URL.
fn load(context: &Context, template: &str, subdir: Option<&str>) -> Result<source::Loaded> {
    match context.config.scaffold.sources.get(template) {
        Some(source) => pinned::load(context, template, source, &fetching(context)),
        None => source::load(
            template,
            subdir,
            &context.config,
            context.cwd(),
            context.cache_home().as_deref(),
            &fetching(context),
        ),
    }
}

fn given(args: &ScaffoldArgs) -> Result<Given> {
    let set = args
        .set
        .iter()
        .map(|pair| {
            pair.split_once('=').map(|(key, value)| (key.trim().to_string(), value.to_string())).ok_or_else(|| {
                Error::input(format!("--set {pair}: expected KEY=VALUE")).help("for example --set name=my-tool")
            })
        })
        .collect::<Result<_>>()?;
    let values = args
        .values
        .as_deref()
        .map(|path| Ok::<_, Error>((path.display().to_string(), answers::read_values(path)?)))
        .transpose()?;
    Ok(Given { set, values, previous: Map::new(), defaults: args.defaults })
}

/// The run's time: `SOURCE_DATE_EPOCH` when set (reproducible output, as
/// in reproducible builds), else now in the local zone.
fn now(context: &Context) -> Result<DateTime<FixedOffset>> {
    match context.var("SOURCE_DATE_EPOCH") {
        Some(text) if !text.trim().is_empty() => {
            let seconds: i64 = text.trim().parse().map_err(|_| {
                Error::input(format!("SOURCE_DATE_EPOCH={text} is not a number of seconds"))
                    .help("unset it, or set it to a Unix time such as 1700000000")
            })?;
            DateTime::from_timestamp(seconds, 0).map(|time| time.fixed_offset()).ok_or_else(|| {
                Error::input(format!("SOURCE_DATE_EPOCH={text} is out of range"))
                    .help("set SOURCE_DATE_EPOCH to a Unix time such as 1700000000, or unset it")
            })
        }
        _ => Ok(chrono::Local::now().fixed_offset()),
    }
}

/// The values every template gets without asking.
fn automatic(format: Format, setting: &Setting<'_>, label: &str) -> Map<String, Value> {
    let (basename, now, repo_root) = (setting.basename, setting.now, setting.repo_root);
    let mut values = Map::new();
    values.insert("basename".into(), json!(basename));
    match format {
        // Khaos's `date` is a JavaScript Date: `{{date}}` prints its string.
        Format::Khaos => {
            values.insert("date".into(), json!(helpers::js_date_string(now)));
        }
        Format::Copier | Format::CargoGenerate => {
            values.clear();
        }
        // What cookiecutter adds to `cookiecutter.` itself.
        Format::Cookiecutter => {
            values.clear();
            let output_dir =
                std::path::absolute(setting.dest).ok().and_then(|dest| dest.parent().map(Path::to_path_buf));
            values.insert("_template".into(), json!(label));
            values.insert("_repo_dir".into(), json!(label));
            values.insert("_output_dir".into(), json!(output_dir.unwrap_or_default().display().to_string()));
            values.insert("_checkout".into(), Value::Null);
        }
        Format::Native => {
            values.insert("date".into(), json!(now.format("%Y-%m-%d").to_string()));
            values.insert("year".into(), json!(now.format("%Y").to_string()));
            let (name, email) = git_identity();
            values.insert("git".into(), json!({ "user": { "name": name, "email": email } }));
            if let Some(root) = repo_root {
                values.insert("template".into(), json!({ "repo": root.display().to_string() }));
            }
        }
    }
    values
}

/// Where a scaffolded Rust plugin finds workbench's SDK (`{{workbench.sdk}}`):
/// `[scaffold] sdk` when set (a path, relative to workbench.toml, or a git
/// URL); else the SDK in the workbench checkout the template came from;
/// else the workbench repository, as a git dependency. Never a path into a
/// checkout that is not there.
fn sdk_source(context: &Context, repo_root: Option<&Path>) -> String {
    if let Some(sdk) = &context.config.scaffold.sdk {
        if sdk.contains("://") {
            return sdk.clone();
        }
        let path = context.config.base_dir().join(sdk);
        return std::path::absolute(&path).unwrap_or(path).display().to_string();
    }
    repo_root
        .map(|root| root.join("guest-plugins/sdk"))
        .filter(|sdk| sdk.join("Cargo.toml").is_file())
        .map_or_else(|| env!("CARGO_PKG_REPOSITORY").to_string(), |sdk| sdk.display().to_string())
}

/// Where a scaffolded plugin in another language finds the WIT package
/// (`{{workbench.wit}}`): that of the workbench checkout the template came
/// from, else `wit` in the project, which its Makefile fills with
/// `workbench plugins wit` when missing.
fn wit_source(repo_root: Option<&Path>) -> String {
    repo_root
        .map(|root| root.join("wit"))
        .filter(|wit| wit.join("types.wit").is_file())
        .map_or_else(|| "wit".to_string(), |wit| wit.display().to_string())
}

/// git's `user.name` and `user.email` (empty when unset).
fn git_identity() -> (String, String) {
    let config = git2::Config::open_default().ok();
    let get = |key: &str| config.as_ref().and_then(|config| config.get_string(key).ok()).unwrap_or_default();
    (get("user.name"), get("user.email"))
}

/// A template's engine, with its helper plugins loaded.
struct Prepared {
    engine: render::Engine,
    /// Kept as long as the plugins: its ticker enforces their time limits.
    _runtime: Option<Runtime>,
    /// Set when a helper plugin's call failed, so the error exits 3.
    plugin_failed: Arc<AtomicBool>,
}

impl Prepared {
    /// A render error caused by a failed plugin call is a plugin failure.
    fn classify<T>(&self, result: Result<T>) -> Result<T> {
        result.map_err(|error| {
            if self.plugin_failed.load(Ordering::Relaxed) {
                let plugin_error = Error::plugin(error.message())
                    .help("the template's helper failed: fix the helper or the template that calls it");
                match error.help_text() {
                    Some(help) => plugin_error.help(help),
                    None => plugin_error,
                }
            } else {
                error
            }
        })
    }
}

fn prepare(context: &Context, template: &Template, given: &Given, now: DateTime<FixedOffset>) -> Result<Prepared> {
    let plugin_failed = Arc::new(AtomicBool::new(false));
    if let Some(setup) = &template.jinja {
        let setup = cookiecutter::original(setup, template, given);
        return Ok(Prepared {
            engine: render::Engine::Jinja(jinja::Jinja::new(&setup, now)),
            _runtime: None,
            plugin_failed,
        });
    }
    let mut registry = render::engine(template.format, now);
    let (runtime, plugin_helpers) = load_helper_plugins(context, template, &mut registry, &plugin_failed)?;
    // `{{name}}` calls a helper before it reads a value of the same name.
    let is_helper = |name: &str| template::is_known_helper(name) || plugin_helpers.iter().any(|known| known == name);
    if let Some(prompt) = template.prompts.iter().find(|prompt| is_helper(&prompt.name)) {
        return Err(Error::input(format!(
            "the template's question `{}` has the name of a helper, so `{{{{{}}}}}` would call the helper",
            prompt.name, prompt.name
        ))
        .help("rename the question in template.toml"));
    }
    Ok(Prepared { engine: render::Engine::Handlebars(registry), _runtime: runtime, plugin_failed })
}

fn load_helper_plugins(
    context: &Context,
    template: &Template,
    registry: &mut Handlebars<'static>,
    failed: &Arc<AtomicBool>,
) -> Result<(Option<Runtime>, Vec<String>)> {
    if template.helpers.is_empty() {
        return Ok((None, Vec::new()));
    }
    let mut names = Vec::new();
    let runtime = context.runtime()?;
    for (path, bytes) in &template.helpers {
        let plugin = runtime.load(&Source::File(PathBuf::from(path)), bytes).map_err(|error| {
            Error::plugin(error.to_string()).help("the template's helper plugin must be a template-helper component")
        })?;
        let plugin = Arc::new(plugin);
        let helpers = plugin.helpers().map_err(|failure| Error::plugin(failure.to_string()).help(failure.help()))?;
        for helper in helpers {
            names.push(helper.name.clone());
            registry.register_helper(
                &helper.name.clone(),
                Box::new(helpers::PluginHelper::new(plugin.clone(), helper.name, failed.clone())),
            );
        }
    }
    Ok((Some(runtime), names))
}

/// What every render of a project shares: a new project and both sides of
/// an update go through [`Setting::render`].
struct Setting<'a> {
    context: &'a Context,
    /// The template as the user named it (copier's `_src_path`).
    source: &'a str,
    /// Its commit as `git describe` names it (copier's `_commit`).
    described: Option<&'a str>,
    dest: &'a Path,
    now: DateTime<FixedOffset>,
    basename: &'a str,
    repo_root: Option<&'a Path>,
    /// Run the template's hooks (only a new project's render does).
    trust: bool,
}

/// A template's answers and the files they render to.
struct Rendered {
    answers: Map<String, Value>,
    files: Tree,
    /// Folders made with nothing in them (cookiecutter's and copier's).
    folders: Vec<String>,
    /// The hooks to run, rendered (only with `--trust`).
    hooks: Vec<hooks::Ready>,
    /// What the template asks to print before and after writing (copier's messages).
    messages: [Option<String>; 2],
}

impl Setting<'_> {
    /// Answers every question (on the terminal only when `ask` and there is
    /// one), then renders the files.
    fn render(&self, template: &Template, given: &Given, ask: bool, label: &str) -> Result<Rendered> {
        if template.format == Format::CargoGenerate {
            let run = cargo_generate::Run {
                context: self.context,
                dest: self.dest,
                now: self.now,
                trust: self.trust,
                ask: ask && self.context.interactive(),
            };
            let generated = cargo_generate::generate(&template.files, &run, given, label)?;
            return Ok(Rendered {
                answers: generated.answers,
                files: generated.files,
                folders: generated.folders,
                hooks: Vec::new(),
                messages: [None, None],
            });
        }
        let prepared = prepare(self.context, template, given, self.now)?;
        let mut automatic = automatic(template.format, self, label);
        if let Some(settings) = &template.copier {
            automatic.extend(copier::automatic(settings, self.source, self.dest));
        }
        if template.format == Format::Native {
            automatic.insert(
                "workbench".into(),
                json!({
                    "version": env!("CARGO_PKG_VERSION"),
                    "sdk": sdk_source(self.context, self.repo_root),
                    "wit": wit_source(self.repo_root),
                }),
            );
        }
        let mut terminal = answers::Terminal;
        let asker: Option<&mut dyn answers::Ask> =
            if ask && self.context.interactive() { Some(&mut terminal) } else { None };
        let answers::Collected { answers, mut context } =
            prepared.classify(answers::collect(template, &prepared.engine, automatic, given, asker))?;
        if let Some(settings) = &template.copier {
            copier::finish(template, settings, &prepared.engine, &mut context, (self.source, self.described))?;
        }
        let mut context = Value::Object(context);
        // Hooks render before the files, as cookiecutter renders
        // `pre_gen_project` first, and what they `update` the files see.
        let mut hooks = Vec::new();
        if self.trust {
            hooks = hooks::render(template, "pre_gen_project", &prepared.engine, &context, label)?;
        }
        if let (render::Engine::Jinja(jinja), Value::Object(values)) = (&prepared.engine, &mut context) {
            values.extend(jinja.take_updates());
        }
        let files = prepared.classify(render::render_tree(template, &prepared.engine, &context, label))?;
        let folders = render::kept_folders(template, &prepared.engine, &context, label, &files)?;
        if self.trust {
            hooks.extend(hooks::render(template, "post_gen_project", &prepared.engine, &context, label)?);
            if let Some(settings) = &template.copier {
                hooks.extend(
                    copier::tasks(settings, &prepared.engine, &context)?
                        .into_iter()
                        .map(|command| hooks::Ready::command("_tasks", command)),
                );
            }
        }
        let messages = match &template.copier {
            Some(settings) => copier::messages(settings, &prepared.engine, &context)?,
            None => [None, None],
        };
        Ok(Rendered { answers, files, folders, hooks, messages })
    }
}

fn to_table(answers: &Map<String, Value>) -> Result<toml::Table> {
    toml::Table::try_from(answers).map_err(|error| {
        Error::input(format!("cannot record the answers: {error}"))
            .help("report this: the answers could not be written as TOML")
    })
}

fn answers_text(record: &AnswersFile) -> Result<String> {
    let body = toml::to_string(record).map_err(|error| {
        Error::input(format!("cannot record the answers: {error}"))
            .help("report this: the answers could not be written as TOML")
    })?;
    let newline = if body.ends_with('\n') { "" } else { "\n" };
    Ok(format!(
        "# Written by `workbench scaffold`: the template and your answers.\n\
         # `workbench scaffold --update .` reads it; keep it with the project.\n{body}{newline}"
    ))
}

fn list(context: &Context, cwd: &Path, format: crate::commands::Format) {
    let listed = source::list(&context.config, cwd);
    let aliases = &context.config.scaffold.aliases;
    // Only the files: which commit a template is at does not matter here.
    let described: Vec<(&source::Listed, Result<String>)> = listed
        .iter()
        .map(|item| {
            let template = item.tree().and_then(|tree| Template::from_tree(tree, &item.name));
            (item, template.map(|template| template.description.unwrap_or_default()))
        })
        .collect();
    if format == crate::commands::Format::Json {
        let mut templates: Vec<serde_json::Value> = described
            .iter()
            .map(|(item, description)| {
                serde_json::json!({
                    "name": item.name,
                    "path": item.place(),
                    "description": description.as_ref().ok(),
                    "error": description.as_ref().err().map(Error::message),
                })
            })
            .collect();
        templates
            .extend(aliases.iter().map(|(alias, target)| serde_json::json!({ "name": alias, "alias-of": target })));
        templates.extend(
            context
                .config
                .scaffold
                .sources
                .iter()
                .map(|(name, source)| serde_json::json!({ "name": name, "source": source })),
        );
        outln!(context, "{:#}", serde_json::json!({ "version": 1, "templates": templates }));
        return;
    }
    let sources = &context.config.scaffold.sources;
    if listed.is_empty() && aliases.is_empty() && sources.is_empty() {
        let dirs: Vec<String> =
            source::template_dirs(&context.config, cwd).iter().map(|d| d.display().to_string()).collect();
        errln!(context, "no templates in {}", dirs.join(", "));
        return;
    }
    let width = listed
        .iter()
        .map(|t| t.name.len())
        .chain(aliases.keys().map(String::len))
        .chain(sources.keys().map(String::len))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (item, description) in &described {
        let description = match description {
            Ok(description) => description.clone(),
            Err(error) => format!("(broken: {})", error.message()),
        };
        let description =
            if matches!(item.at, source::At::Builtin) { format!("{description} (built in)") } else { description };
        let _ = writeln!(out, "{:width$}  {description}", item.name);
    }
    for (alias, target) in aliases {
        let _ = writeln!(out, "{alias:width$}  alias of {target}");
    }
    for (name, source) in sources {
        let _ = writeln!(out, "{name:width$}  {source} (pinned in workbench.lock)");
    }
    out!(context, "{out}");
}

fn read_answers_file(answers_path: &Path) -> Result<AnswersFile> {
    let text = std::fs::read_to_string(answers_path).map_err(|error| {
        Error::input(format!("cannot read {}: {error}", answers_path.display()))
            .help("--update works on a folder made by `workbench scaffold`, which writes that file")
    })?;
    toml::from_str(&text).map_err(|error| {
        Error::input(format!("{}: {}", answers_path.display(), error.message()))
            .help("fix the answers file, or scaffold again into a new folder")
    })
}

fn run_update(context: &Context, dest: &Path, mut given: Given) -> Result<Exit> {
    let answers_path = dest.join(ANSWERS_FILE);
    if !answers_path.exists()
        && let Some(copier_answers) = copier::find_answers(dest)?
    {
        return run_copier_update(context, dest, &copier_answers, given);
    }
    let record = read_answers_file(&answers_path)?;
    let Some(old_commit) = record.template.commit.clone() else {
        return Err(Error::input(format!(
            "{} records no template commit, so the project's starting point cannot be rebuilt",
            answers_path.display()
        ))
        .help("--update needs a template in git, with no uncommitted changes when the project was made"));
    };
    let now = DateTime::parse_from_rfc3339(&record.generated).map_err(|error| {
        Error::input(format!("{}: `generated`: {error}", answers_path.display()))
            .help("`generated` is an RFC 3339 time; fix it or scaffold again into a new folder")
    })?;
    let is_git = !Path::new(&record.template.source).is_absolute();
    let builtin = record.template.source.strip_prefix(source::BUILTIN);
    let (old_tree, new_loaded) = if let Some(name) = builtin {
        if source::builtin::tree(name).is_none() || old_commit != source::builtin::version() {
            return Err(Error::input(format!(
                "{} was made from the `{name}` template built into {old_commit}; this is {}, which carries only its own templates",
                answers_path.display(),
                source::builtin::version()
            ))
            .help("run --update with the workbench that made it, or scaffold from a template folder or git repository you keep"));
        }
        let loaded = source::load_builtin(name, record.template.subdir.as_deref())?;
        (loaded.tree.clone(), loaded)
    } else if is_git {
        let old = source::load_git(
            record.template.clone(),
            Some(&old_commit),
            context.cache_home().as_deref(),
            &fetching(context),
        )?
        .tree;
        let mut latest = record.template.clone();
        latest.commit = None;
        (old, source::load_git(latest, None, context.cache_home().as_deref(), &fetching(context))?)
    } else {
        let old = source::load_local_at(&record.template, &old_commit)?;
        (old, source::load_dir(Path::new(&record.template.source), &record.template.source)?)
    };
    given.previous = update::previous_answers(&record.answers);
    let setting = Setting {
        context,
        source: &record.template.source,
        described: None,
        dest,
        now,
        basename: &basename(dest),
        repo_root: new_loaded.repo_root.as_deref(),
        trust: false,
    };
    let label = new_loaded.label.clone();
    let versions = Versions { old_tree, old_commit: &old_commit, new: &new_loaded, old_described: None };
    let (new_answers, planned) = merge_versions(&setting, &versions, &given)?;
    let record = AnswersFile {
        generated: record.generated,
        trusted: record.trusted,
        template: new_loaded.origin,
        answers: to_table(&new_answers)?,
    };
    write::replace_file(dest, ANSWERS_FILE, answers_text(&record)?.as_bytes(), false)?;
    Ok(report_update(context, dest, &planned, &label))
}

/// `--update` of a project copier made: its answers file names the
/// template as it was given (`_src_path`) and its version (`_commit`); the
/// new answers file is the template's own, merged like every other file.
fn run_copier_update(context: &Context, dest: &Path, answers_path: &Path, mut given: Given) -> Result<Exit> {
    let recorded = copier::read_answers(answers_path)?;
    let Some(old_commit) = recorded.commit.clone() else {
        return Err(Error::input(format!(
            "{} records no `_commit`, so the template version the project was made from cannot be rebuilt",
            answers_path.display()
        ))
        .help("copier records `_commit` for a template in git (a git URL or a repository's root folder): make the project from one"));
    };
    let new_loaded = load(context, &recorded.src_path, None)?;
    let old_tree = if Path::new(&new_loaded.origin.source).is_absolute() {
        source::load_local_at(&new_loaded.origin, &old_commit)?
    } else {
        let mut origin = new_loaded.origin.clone();
        origin.commit = None;
        source::load_git(origin, Some(&old_commit), context.cache_home().as_deref(), &fetching(context))?.tree
    };
    given.previous = recorded.answers;
    let setting = Setting {
        context,
        source: &recorded.src_path,
        described: new_loaded.described.as_deref(),
        dest,
        now: now(context)?,
        basename: &basename(dest),
        repo_root: new_loaded.repo_root.as_deref(),
        trust: false,
    };
    let versions = Versions { old_tree, old_commit: &old_commit, new: &new_loaded, old_described: Some(&old_commit) };
    let (_, planned) = merge_versions(&setting, &versions, &given)?;
    Ok(report_update(context, dest, &planned, &new_loaded.label))
}

/// The project folder's own name, as the template sees it.
fn basename(dest: &Path) -> String {
    dest.canonicalize()
        .ok()
        .and_then(|dest| dest.file_name().map(|name| name.to_string_lossy().into_owned()))
        .unwrap_or_default()
}

/// The two versions of a template an update goes between.
struct Versions<'a> {
    old_tree: Tree,
    old_commit: &'a str,
    /// How copier named the old version, when it did.
    old_described: Option<&'a str>,
    new: &'a source::Loaded,
}

/// Renders the project's starting point (the old version with the recorded
/// answers, nothing asked) and the new version (new questions asked), and
/// merges the difference into DEST; returns the new answers and what changed.
fn merge_versions(
    setting: &Setting<'_>,
    versions: &Versions<'_>,
    given: &Given,
) -> Result<(Map<String, Value>, Vec<update::Planned>)> {
    let label = &versions.new.label;
    let old_template =
        Template::from_tree(versions.old_tree.clone(), &format!("{label} (at {})", short(versions.old_commit)))?;
    let new_template = Template::from_tree(versions.new.tree.clone(), label)?;
    let old_setting = Setting { described: versions.old_described, ..*setting };
    let old_given = Given { previous: given.previous.clone(), defaults: true, ..Given::default() };
    let old = old_setting.render(&old_template, &old_given, false, label)?;
    let Rendered { answers, files, .. } = setting.render(&new_template, given, true, label)?;
    let planned = update::plan(&old.files, &files, setting.dest)?;
    update::apply(setting.dest, &planned)?;
    Ok((answers, planned))
}

/// Names each changed file, and exits with findings when both sides changed one.
fn report_update(context: &Context, dest: &Path, planned: &[update::Planned], label: &str) -> Exit {
    let mut conflicts = Vec::new();
    for item in planned {
        let what = match item.change {
            update::Change::Updated => "updated",
            update::Change::Added => "added",
            update::Change::Merged => "merged",
            update::Change::Conflict => {
                conflicts.push(item.path.clone());
                "CONFLICT (markers written)"
            }
            update::Change::Removed => "removed",
            update::Change::KeptEdited => "kept (you edited it; the template removed it)",
            update::Change::KeptDeleted => "left deleted (the template changed it)",
            update::Change::KeptBinary => {
                conflicts.push(item.path.clone());
                "kept yours (binary file changed on both sides)"
            }
        };
        errln!(context, "{what:>10} {}", item.path);
    }
    if planned.is_empty() {
        errln!(context, "{} is up to date with {label}", dest.display());
    }
    if conflicts.is_empty() {
        return Exit::Success;
    }
    errln!(
        context,
        "error: {} file{} changed by both you and the template: {}\n  help: resolve the <<<<<<< markers, then commit",
        conflicts.len(),
        if conflicts.len() == 1 { "" } else { "s" },
        conflicts.join(", ")
    );
    Exit::Findings
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(10)]
}

#[cfg(test)]
mod in_process {
    use crate::error::Exit;
    use crate::testing::{InProcess, repo_root};

    #[test]
    fn renders_a_template_into_a_folder_of_the_current_directory() {
        let template = repo_root().join("templates/site");
        let project = InProcess::new().var("SOURCE_DATE_EPOCH", "1700000000");
        let ran = project.run(&["scaffold", template.to_str().unwrap(), "my-site", "--defaults"]);
        assert_eq!(ran.exit, Exit::Success, "{}", ran.stderr);
        assert!(ran.stderr.contains("created "), "{}", ran.stderr);
        assert!(project.dir().join("my-site/workbench.toml").is_file());
        let answers = std::fs::read_to_string(project.dir().join("my-site/.workbench-answers.toml")).unwrap();
        assert!(answers.contains("2023-11-14T22:13:20"), "SOURCE_DATE_EPOCH came through the context: {answers}");
    }

    #[test]
    fn a_bad_source_date_epoch_is_an_input_error() {
        let template = repo_root().join("templates/site");
        let ran = InProcess::new().var("SOURCE_DATE_EPOCH", "soon").run(&[
            "scaffold",
            template.to_str().unwrap(),
            "x",
            "--defaults",
        ]);
        assert_eq!(ran.exit, Exit::Usage);
        assert!(ran.stderr.contains("SOURCE_DATE_EPOCH=soon"), "{}", ran.stderr);
    }
}
