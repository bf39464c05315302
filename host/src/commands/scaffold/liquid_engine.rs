//! cargo-generate's Liquid: the `liquid` crate cargo-generate renders with,
//! its standard library, heck's case filters (`kebab_case`, `snake_case`,
//! ...) and the `rhai` filter that runs a script of the template, with
//! cargo-generate's forgiving render: a variable nobody set becomes an
//! empty text (and stays one for the files after), and a template that
//! still fails renders as its own text.

use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use heck::{
    ToKebabCase, ToLowerCamelCase, ToPascalCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase,
    ToUpperCamelCase,
};
use liquid::model::{KString, Value};
use liquid_core::parser::{FilterArguments, ParameterReflection};
use liquid_core::{Filter, FilterReflection, ParseFilter, Runtime, ValueView};

use super::rhai_hooks::{self, Reach, Values};

/// The Rhai scripts the `rhai` filter ran: they are not part of the project.
pub type FilterScripts = Arc<Mutex<Vec<PathBuf>>>;

/// A case filter: its name in templates and heck's conversion.
type Case = (&'static str, fn(&str) -> String);

/// A parser with cargo-generate's filters; `reach` is what `rhai` filter scripts get.
pub fn parser(reach: &Reach, scripts: &FilterScripts) -> liquid::Parser {
    let cases: [Case; 8] = [
        ("kebab_case", |text| text.to_kebab_case()),
        ("lower_camel_case", |text| text.to_lower_camel_case()),
        ("pascal_case", |text| text.to_pascal_case()),
        ("shouty_kebab_case", |text| text.to_shouty_kebab_case()),
        ("shouty_snake_case", |text| text.to_shouty_snake_case()),
        ("snake_case", |text| text.to_snake_case()),
        ("title_case", |text| text.to_title_case()),
        ("upper_camel_case", |text| text.to_upper_camel_case()),
    ];
    let mut builder = liquid::ParserBuilder::with_stdlib();
    for (name, convert) in cases {
        builder = builder.filter(CaseFilter {
            about: About { name, description: "changes the case of a text, as heck does" },
            convert,
        });
    }
    builder
        .filter(RhaiFilter {
            about: About { name: "rhai", description: "runs a Rhai script of the template" },
            // A filter script sees the template's copy as both of its folders, as in cargo-generate.
            reach: Reach { destination: reach.working.clone(), ..reach.clone() },
            scripts: scripts.clone(),
        })
        .build()
        .expect("no partials, so building cannot fail")
}

/// Renders `text` as cargo-generate does: a parse error is an error; an
/// unknown variable is set to "" and the render tried again; any other
/// failure gives `text` back unrendered.
pub fn render(parser: &liquid::Parser, values: &Values, text: &str) -> liquid_core::Result<String> {
    let template = parser.parse(text)?;
    loop {
        let snapshot = rhai_hooks::lock(values).clone();
        let error = match template.render(&snapshot) {
            Ok(rendered) => return Ok(rendered),
            Err(error) => error.to_string(),
        };
        let Some(name) = requested_variable(&error) else { return Ok(text.to_string()) };
        let mut values = rhai_hooks::lock(values);
        if values.contains_key(name) {
            // cargo-generate would retry forever here.
            return Ok(text.to_string());
        }
        values.insert(KString::from_string(name.to_string()), Value::scalar(""));
    }
}

/// The variable liquid's "Unknown variable" error names (the rest of that line).
fn requested_variable(error: &str) -> Option<&str> {
    let (_, after) = error.split_once("requested variable=")?;
    Some(after.split('\n').next().unwrap_or(after))
}

/// A path with each of its names rendered then made a safe file name, as
/// cargo-generate renames files and folders (`{{project-name}}.rs`).
pub fn rename(parser: &liquid::Parser, values: &Values, path: &Path) -> liquid_core::Result<PathBuf> {
    let mut renamed = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(name) => {
                let rendered = render(parser, values, &name.to_string_lossy())?;
                renamed.push(sanitize_filename::sanitize_with_options(
                    rendered,
                    sanitize_filename::Options { windows: cfg!(windows), truncate: true, replacement: "_" },
                ));
            }
            other => renamed.push(other),
        }
    }
    Ok(renamed)
}

/// A filter's name and description, as liquid lists filters.
#[derive(Clone, Debug)]
struct About {
    name: &'static str,
    description: &'static str,
}

impl FilterReflection for About {
    fn name(&self) -> &str {
        self.name
    }
    fn description(&self) -> &str {
        self.description
    }
    fn positional_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
}

#[derive(Clone, Debug)]
struct CaseFilter {
    about: About,
    convert: fn(&str) -> String,
}

impl fmt::Display for CaseFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.about.name)
    }
}

impl ParseFilter for CaseFilter {
    fn parse(&self, arguments: FilterArguments) -> liquid_core::Result<Box<dyn Filter>> {
        no_arguments(arguments, self.about.name)?;
        Ok(Box::new(self.clone()))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        &self.about
    }
}

impl Filter for CaseFilter {
    fn evaluate(&self, input: &dyn ValueView, _: &dyn Runtime) -> liquid_core::Result<Value> {
        let text = input.as_scalar().ok_or_else(|| liquid_core::Error::with_msg("String expected"))?;
        Ok(Value::scalar((self.convert)(text.into_string().as_str())))
    }
}

fn no_arguments(mut arguments: FilterArguments, name: &str) -> liquid_core::Result<()> {
    if arguments.positional.next().is_some() || arguments.keyword.next().is_some() {
        return Err(liquid_core::Error::with_msg(format!("the `{name}` filter takes no arguments")));
    }
    Ok(())
}

/// `{{ "script.rhai" | rhai }}`: the text the template's script returns.
#[derive(Clone, Debug)]
struct RhaiFilter {
    about: About,
    reach: Reach,
    scripts: FilterScripts,
}

impl fmt::Display for RhaiFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.about.name)
    }
}

impl ParseFilter for RhaiFilter {
    fn parse(&self, arguments: FilterArguments) -> liquid_core::Result<Box<dyn Filter>> {
        no_arguments(arguments, "rhai")?;
        Ok(Box::new(self.clone()))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        &self.about
    }
}

impl Filter for RhaiFilter {
    fn evaluate(&self, input: &dyn ValueView, _: &dyn Runtime) -> liquid_core::Result<Value> {
        let name = input.to_kstr().to_string();
        let path = rhai_hooks::inside(&self.reach.working, &name)
            .map_err(|_| liquid_core::Error::with_msg(format!("Filter script {name} is outside the template")))?;
        self.scripts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(path.clone());
        match rhai_hooks::engine(&self.reach).eval_file::<String>(path) {
            Ok(text) => Ok(Value::scalar(text)),
            Err(error) => {
                log::warn!("Filter script {name} not found or failed: {error}");
                Err(liquid_core::Error::with_msg(format!("Filter script {name} not found or failed: {error}")))
            }
        }
    }
}
