//! `workbench plugins info NAME`: one plugin in full.

use serde_json::{Value, json};

use super::Format;
use super::list::{roles, summary_json};
use crate::context::Context;
use crate::error::{Error, Exit};
use crate::plugins::bindings::detector::ServiceInfo;
use crate::plugins::bindings::lint_check::CheckerInfo;
use crate::plugins::bindings::site_step::StepInfo;
use crate::plugins::bindings::template_helper::HelperInfo;
use crate::plugins::{Plugin, PluginFailure, Role};
use crate::wit_json;

pub fn run(context: &Context, name: &str, format: Format) -> Result<Exit, Error> {
    let runtime = context.runtime()?;
    // Only the plugin asked about is compiled (every one only when no
    // bundled or file plugin has that name, to list the names there are).
    let set = context.plugin_search(&runtime)?.load_named(&runtime, &[name]);
    let Some(plugin) = set.find(name) else {
        let known: Vec<&str> = set.plugins.iter().map(Plugin::name).collect();
        let help = if known.is_empty() {
            "no plugins were found; add them with --plugin PATH or [plugins] paths in workbench.toml".to_string()
        } else {
            format!("known plugins: {}", known.join(", "))
        };
        return Err(Error::input(format!("no plugin named `{name}`")).help(help));
    };
    let options = context
        .config
        .plugins
        .options
        .get(name)
        .map_or_else(|| "{}".to_string(), |table| serde_json::to_string(table).unwrap_or_default());
    let details = role_details(plugin, &options);
    match format {
        Format::Json => {
            let mut document = summary_json(plugin);
            document["options-schema"] = plugin.info.options_schema.as_deref().map_or(Value::Null, wit_json::metadata);
            document["cache-dir"] = json!(runtime.cache().dir().map(|dir| dir.display().to_string()));
            for (role, detail) in &details {
                document[key(*role)] = match detail {
                    Ok(detail) => detail.to_json(),
                    Err(failure) => json!({ "error": failure.to_string() }),
                };
            }
            outln!(context, "{:#}", json!({ "version": 1, "plugin": document }));
        }
        Format::Human => {
            print_summary(context, plugin, runtime.cache().dir());
            for (role, detail) in &details {
                outln!(context);
                match detail {
                    Ok(detail) => detail.print(context),
                    Err(failure) => outln!(context, "  {}: error: {failure}", key(*role)),
                }
            }
        }
    }
    let failed = details.iter().any(|(_, detail)| detail.is_err());
    Ok(if failed { Exit::PluginFailure } else { Exit::Success })
}

/// What one role of a plugin says about itself.
enum Detail {
    Services(Vec<ServiceInfo>),
    Lint(CheckerInfo),
    Helpers(Vec<HelperInfo>),
    Step(StepInfo),
}

/// What each role adds: services, rules, helpers, step scheduling.
fn role_details(plugin: &Plugin, options: &str) -> Vec<(Role, Result<Detail, PluginFailure>)> {
    let detail = |role: Role| match role {
        Role::Detector => plugin.detector_services().map(Detail::Services),
        Role::LintCheck => plugin.lint_describe().map(Detail::Lint),
        Role::TemplateHelper => plugin.helpers().map(Detail::Helpers),
        Role::SiteStep => plugin.step_describe(options).map(Detail::Step),
    };
    plugin.contract.roles.iter().map(|&role| (role, detail(role))).collect()
}

/// The key a role's detail has in `--format json`.
fn key(role: Role) -> &'static str {
    match role {
        Role::Detector => "services",
        Role::LintCheck => "lint",
        Role::TemplateHelper => "helpers",
        Role::SiteStep => "step",
    }
}

impl Detail {
    fn to_json(&self) -> Value {
        match self {
            Detail::Services(services) => services.iter().map(wit_json::service_info).collect(),
            Detail::Lint(info) => wit_json::checker_info(info),
            Detail::Helpers(helpers) => helpers.iter().map(wit_json::helper_info).collect(),
            Detail::Step(info) => wit_json::step_info(info),
        }
    }

    fn print(&self, context: &Context) {
        match self {
            Detail::Services(services) => {
                outln!(context, "  services:");
                for service in services {
                    let settings = if service.settings.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", service.settings.join(", "))
                    };
                    outln!(
                        context,
                        "    {:<28} {:<14} {}{settings}",
                        service.service,
                        service.category.name(),
                        service.name
                    );
                }
            }
            Detail::Lint(info) => {
                let files = if info.patterns.is_empty() { "every file".to_string() } else { info.patterns.join(", ") };
                outln!(context, "  checks:   {files}");
                outln!(context, "  rules:");
                for rule in &info.rules {
                    let fix = if rule.fixable { " (fixable)" } else { "" };
                    let severity = wit_json::severity(rule.default_severity);
                    outln!(context, "    {:<28} {severity:<8} {}{fix}", rule.id, rule.summary);
                }
            }
            Detail::Helpers(helpers) => {
                outln!(context, "  helpers:");
                for helper in helpers {
                    outln!(context, "    {:<20} {}", helper.name, helper.description);
                }
            }
            Detail::Step(info) => {
                let step = if info.per_file { "per file (runs in parallel batches)" } else { "whole site" };
                outln!(context, "  step:     {step}");
                let files = match &info.patterns {
                    None => "every file".to_string(),
                    Some(patterns) if patterns.is_empty() => "none".to_string(),
                    Some(patterns) => patterns.join(", "),
                };
                outln!(context, "  files:    {files}");
                if !info.reads.is_empty() {
                    outln!(context, "  reads:    {}", info.reads.join(", "));
                }
                for copy in &info.copies {
                    outln!(context, "  copies:   {} -> {}/", copy.from, copy.to);
                }
            }
        }
    }
}

/// What every plugin has: name, roles, contract, where it came from.
fn print_summary(context: &Context, plugin: &Plugin, cache_dir: Option<&std::path::Path>) {
    outln!(context, "{} {}", plugin.name(), plugin.info.version);
    if !plugin.info.description.is_empty() {
        outln!(context, "  {}", plugin.info.description);
    }
    outln!(context);
    outln!(context, "  roles:    {}", roles(plugin));
    outln!(context, "  wit:      workbench:plugin@{}", plugin.contract.version);
    outln!(context, "  source:   {}", plugin.source);
    outln!(context, "  size:     {} KiB", plugin.size.div_ceil(1024));
    match cache_dir {
        Some(dir) => outln!(context, "  cache:    {} ({})", plugin.cache.describe(), dir.display()),
        None => outln!(context, "  cache:    {}", plugin.cache.describe()),
    }
    if plugin.info.options_schema.is_some() {
        outln!(context, "  options:  takes options (schema: `workbench plugins info {} --format json`)", plugin.name());
    }
}
