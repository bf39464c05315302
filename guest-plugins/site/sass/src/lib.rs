//! `sass`: SCSS and indented Sass to CSS, as @metalsmith/sass does and Zola
//! and Hugo do on build. Every `.scss`/`.sass` file the pattern takes
//! becomes a `.css` file at the same path; partials (`_name.scss`) are
//! there to be imported and leave the output. `@use` and `@import` resolve
//! against the importing file first, then the `load-paths`, which are
//! project folders the host reads for the step (plugins have no file
//! system). `entries` compiles stylesheets from outside the source folder.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Component, Path, PathBuf};

use grass::{Fs, Logger, OutputStyle};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use site_kit::Globs;
use workbench_plugin::site_step::{Error, Site, SiteFile, SiteStep, StepInfo, log};

#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct Settings {
    /// The stylesheets to compile (and the partials they may import).
    pattern: Globs,
    /// `compressed` (one line, what a site serves) or `expanded` (readable).
    style: Style,
    /// Project folders searched by `@use` and `@import` after the importing
    /// file's own folder, e.g. `["sass", "node_modules/bootstrap/scss"]`.
    load_paths: Vec<String>,
    /// Stylesheets outside the source folder: project path to output path,
    /// e.g. `{ "lib/theme.scss" = "css/theme.css" }`.
    entries: BTreeMap<String, String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            pattern: Globs::of(&["**/*.scss", "**/*.sass"]),
            style: Style::Compressed,
            load_paths: Vec::new(),
            entries: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
enum Style {
    Compressed,
    Expanded,
}

/// Where files live in the compiler's view: the site's files under one
/// root and the project's under another, so neither shadows the other and
/// a message can name each as the user knows it.
const SITE_ROOT: &str = "/site";
const PROJECT_ROOT: &str = "/project";

struct Sass;

impl SiteStep for Sass {
    type Options = Settings;

    fn describe(settings: &Settings) -> Result<StepInfo, Error> {
        let mut reads = Vec::new();
        for folder in &settings.load_paths {
            let folder = project_relative(folder, "load-paths")?;
            for extension in ["scss", "sass", "css"] {
                reads.push(format!("{folder}/**/*.{extension}"));
            }
        }
        for (from, to) in &settings.entries {
            reads.push(project_relative(from, "entries")?);
            if !is_stylesheet(from) {
                return Err(site_kit::bad_options(format!(
                    "`entries`: \"{from}\" is not a stylesheet; name a .scss or .sass file"
                )));
            }
            if to.is_empty() || to.starts_with('/') || to.split('/').any(|part| part == "..") {
                return Err(site_kit::bad_options(format!(
                    "`entries.\"{from}\"`: \"{to}\" must be a path inside the output, such as \"css/theme.css\""
                )));
            }
        }
        Ok(StepInfo { per_file: false, patterns: Some(settings.pattern.to_vec()), reads, copies: Vec::new() })
    }

    fn run(mut site: Site, settings: &Settings) -> Result<Site, Error> {
        let mut files = Files::default();
        for file in &site.files {
            files.add(&Path::new(SITE_ROOT).join(&file.path), &file.contents, display_name(file));
        }
        for read in &site.reads {
            files.add(&Path::new(PROJECT_ROOT).join(&read.path), &read.contents, read.path.clone());
        }
        let load_paths: Vec<PathBuf> =
            settings.load_paths.iter().map(|folder| Path::new(PROJECT_ROOT).join(folder.trim_matches('/'))).collect();
        let style = match settings.style {
            Style::Compressed => OutputStyle::Compressed,
            Style::Expanded => OutputStyle::Expanded,
        };
        let logger = StepLogger { files: &files };
        let options = grass::Options::default().fs(&files).logger(&logger).style(style).load_paths(&load_paths);

        let mut output = Vec::with_capacity(site.files.len());
        for file in std::mem::take(&mut site.files) {
            let name = file.path.rsplit('/').next().unwrap_or_default();
            if !is_stylesheet(name) {
                output.push(file);
                continue;
            }
            if name.starts_with('_') {
                continue;
            }
            let css = compile(&files, &Path::new(SITE_ROOT).join(&file.path), &options)?;
            output.push(SiteFile { path: css_path(&file.path), contents: css.into_bytes(), ..file });
        }
        for (from, to) in &settings.entries {
            let css = compile(&files, &Path::new(PROJECT_ROOT).join(from.trim_start_matches("./")), &options)?;
            output.push(SiteFile {
                path: to.clone(),
                source: from.clone(),
                contents: css.into_bytes(),
                metadata: "{}".into(),
            });
        }
        site.files = output;
        Ok(site)
    }
}

fn is_stylesheet(path: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("scss") || extension.eq_ignore_ascii_case("sass"))
}

/// `css/main.scss` → `css/main.css`.
fn css_path(path: &str) -> String {
    Path::new(path).with_extension("css").to_string_lossy().into_owned()
}

/// What a message calls a site file: where the user wrote it.
fn display_name(file: &SiteFile) -> String {
    if file.source.is_empty() { file.path.clone() } else { file.source.clone() }
}

/// A project path from options, checked to stay inside the project.
fn project_relative(path: &str, option: &str) -> Result<String, Error> {
    let trimmed = path.trim_start_matches("./").trim_end_matches('/');
    if trimmed.is_empty() || trimmed.starts_with('/') || trimmed.split('/').any(|part| part == "..") {
        return Err(site_kit::bad_options(format!(
            "`{option}`: \"{path}\" must be a path inside the project, such as \"sass\""
        )));
    }
    Ok(trimmed.to_string())
}

fn compile(files: &Files, path: &Path, options: &grass::Options<'_>) -> Result<String, Error> {
    grass::from_path(path, options).map_err(|error| Error::InvalidInput(files.describe(error)))
}

/// The stylesheets the compiler may read: the site's and the project
/// files the host read for the step, nothing else.
#[derive(Debug, Default)]
struct Files {
    contents: HashMap<PathBuf, Vec<u8>>,
    names: HashMap<PathBuf, String>,
}

impl Files {
    fn add(&mut self, path: &Path, contents: &[u8], name: String) {
        let path = normalize(path);
        self.contents.insert(path.clone(), contents.to_vec());
        self.names.insert(path, name);
    }

    /// The name the user knows a compiler path by.
    fn name(&self, path: &str) -> String {
        let path = normalize(Path::new(path));
        self.names.get(&path).cloned().unwrap_or_else(|| path.display().to_string())
    }

    /// `FILE:LINE:COLUMN: MESSAGE`, then the compiler's excerpt of the line.
    fn describe(&self, error: Box<grass::Error>) -> String {
        let text = error.to_string();
        match error.kind() {
            grass::ErrorKind::ParseError { message, loc, .. } => {
                // The text is `Error: MESSAGE`, four lines of excerpt, then the place.
                let excerpt: Vec<&str> = text.lines().skip(1).take(4).collect();
                format!(
                    "{}:{}:{}: {message}\n{}",
                    self.name(loc.file.name()),
                    loc.begin.line + 1,
                    loc.begin.column + 1,
                    excerpt.join("\n")
                )
            }
            _ => text.trim_end().replace(SITE_ROOT, "").replace(PROJECT_ROOT, ""),
        }
    }
}

impl Fs for Files {
    fn is_dir(&self, path: &Path) -> bool {
        let path = normalize(path);
        self.contents.keys().any(|file| file.starts_with(&path) && *file != path)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.contents.contains_key(&normalize(path))
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.contents.get(&normalize(path)).cloned().ok_or_else(|| {
            io::Error::new(io::ErrorKind::NotFound, format!("{} was not given to the step", path.display()))
        })
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        Ok(normalize(path))
    }
}

/// `..` and `.` resolved by text: there is no disk to ask, and no link to follow.
fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::from("/");
    for component in path.components() {
        match component {
            Component::Normal(part) => normal.push(part),
            Component::ParentDir => {
                normal.pop();
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    normal
}

/// `@warn` and `@debug` go to the build's log, naming the file and line.
#[derive(Debug)]
struct StepLogger<'a> {
    files: &'a Files,
}

impl Logger for StepLogger<'_> {
    fn debug(&self, location: grass::codemap::SpanLoc, message: &str) {
        log::debug(&format!("{}:{}: {message}", self.files.name(location.file.name()), location.begin.line + 1));
    }

    fn warn(&self, location: grass::codemap::SpanLoc, message: &str) {
        log::warn(&format!("{}:{}: {message}", self.files.name(location.file.name()), location.begin.line + 1));
    }
}

workbench_plugin::export_site_step!(Sass);

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Files {
        let mut files = Files::default();
        for (path, contents) in list {
            files.add(&Path::new(SITE_ROOT).join(path), contents.as_bytes(), (*path).to_string());
        }
        files
    }

    #[test]
    fn parent_folders_resolve_by_text_and_stop_at_the_root() {
        assert_eq!(normalize(Path::new("/site/css/../vars/./_a.scss")), PathBuf::from("/site/vars/_a.scss"));
        assert_eq!(normalize(Path::new("/site/../../x")), PathBuf::from("/x"));
    }

    #[test]
    fn an_error_names_the_file_line_and_column_as_the_user_wrote_them() {
        let files = files(&[("css/main.scss", "a {\n  color: red\n  b: c;\n}\n")]);
        let options = grass::Options::default().fs(&files);
        let message = compile(&files, Path::new("/site/css/main.scss"), &options).unwrap_err();
        let Error::InvalidInput(message) = message else { panic!("{message:?}") };
        assert!(message.starts_with("css/main.scss:3:"), "{message}");
    }

    #[test]
    fn imports_resolve_beside_the_importing_file() {
        let files = files(&[
            ("css/main.scss", "@use 'parts/colors';\na { color: colors.$red; }"),
            ("css/parts/_colors.scss", "$red: #f00;"),
        ]);
        let options = grass::Options::default().fs(&files).style(OutputStyle::Compressed);
        assert_eq!(compile(&files, Path::new("/site/css/main.scss"), &options).unwrap(), "a{color:red}");
    }
}
