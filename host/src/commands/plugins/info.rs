//! `workbench plugins info NAME`: one plugin in full.

use serde_json::{Value, json};

use super::Format;
use super::list::{roles, summary_json};
use crate::context::Context;
use crate::error::{Error, Exit};
use crate::plugins::{Plugin, PluginFailure, Role, json as wit_json};

pub fn run(context: &Context, name: &str, format: Format) -> Result<Exit, Error> {
    let runtime = context.runtime()?;
    let set = context.plugin_search().load(&runtime);
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
            for (key, value) in &details {
                document[key.as_str()] =
                    value.clone().unwrap_or_else(|failure| json!({ "error": failure.to_string() }));
            }
            outln!(context, "{document:#}");
        }
        Format::Human => print_human(context, plugin, &details, runtime.cache().dir()),
    }
    let failed = details.iter().any(|(_, detail)| detail.is_err());
    Ok(if failed { Exit::PluginFailure } else { Exit::Success })
}

type Detail = (String, Result<Value, PluginFailure>);

/// What each role adds: services, rules, helpers, step scheduling.
fn role_details(plugin: &Plugin, options: &str) -> Vec<Detail> {
    let mut details = Vec::new();
    for role in &plugin.contract.roles {
        let detail = match role {
            Role::Detector => plugin
                .detector_services()
                .map(|services| Value::Array(services.iter().map(wit_json::service_info).collect())),
            Role::LintCheck => plugin.lint_describe().map(|info| wit_json::checker_info(&info)),
            Role::TemplateHelper => {
                plugin.helpers().map(|helpers| Value::Array(helpers.iter().map(wit_json::helper_info).collect()))
            }
            Role::SiteStep => plugin.step_describe(options).map(|info| wit_json::step_info(&info)),
        };
        let key = match role {
            Role::Detector => "services",
            Role::LintCheck => "lint",
            Role::TemplateHelper => "helpers",
            Role::SiteStep => "step",
        };
        details.push((key.to_string(), detail));
    }
    details
}

fn print_human(context: &Context, plugin: &Plugin, details: &[Detail], cache_dir: Option<&std::path::Path>) {
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
    for (key, detail) in details {
        outln!(context);
        let value = match detail {
            Ok(value) => value,
            Err(failure) => {
                outln!(context, "  {key}: error: {failure}");
                continue;
            }
        };
        match key.as_str() {
            "services" => {
                outln!(context, "  services:");
                for service in value.as_array().into_iter().flatten() {
                    let settings: Vec<&str> =
                        service["settings"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                    let settings =
                        if settings.is_empty() { String::new() } else { format!(" [{}]", settings.join(", ")) };
                    outln!(
                        context,
                        "    {:<28} {:<14} {}{settings}",
                        service["service"].as_str().unwrap_or(""),
                        service["category"].as_str().unwrap_or(""),
                        service["name"].as_str().unwrap_or("")
                    );
                }
            }
            "lint" => {
                let patterns: Vec<&str> =
                    value["patterns"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                outln!(
                    context,
                    "  checks:   {}",
                    if patterns.is_empty() { "every file".to_string() } else { patterns.join(", ") }
                );
                outln!(context, "  rules:");
                for rule in value["rules"].as_array().into_iter().flatten() {
                    let fix = if rule["fixable"].as_bool() == Some(true) { " (fixable)" } else { "" };
                    outln!(
                        context,
                        "    {:<28} {:<8} {}{fix}",
                        rule["id"].as_str().unwrap_or(""),
                        rule["default-severity"].as_str().unwrap_or(""),
                        rule["summary"].as_str().unwrap_or("")
                    );
                }
            }
            "helpers" => {
                outln!(context, "  helpers:");
                for helper in value.as_array().into_iter().flatten() {
                    outln!(
                        context,
                        "    {:<20} {}",
                        helper["name"].as_str().unwrap_or(""),
                        helper["description"].as_str().unwrap_or("")
                    );
                }
            }
            _ => {
                outln!(
                    context,
                    "  step:     {}",
                    if value["per-file"].as_bool() == Some(true) {
                        "per file (runs in parallel batches)"
                    } else {
                        "whole site"
                    }
                );
                let files = match value["patterns"].as_array() {
                    None => "every file".to_string(),
                    Some(patterns) if patterns.is_empty() => "none".to_string(),
                    Some(patterns) => patterns.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
                };
                outln!(context, "  files:    {files}");
                let reads: Vec<&str> =
                    value["reads"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                if !reads.is_empty() {
                    outln!(context, "  reads:    {}", reads.join(", "));
                }
                for copy in value["copies"].as_array().into_iter().flatten() {
                    outln!(
                        context,
                        "  copies:   {} -> {}/",
                        copy["from"].as_str().unwrap_or(""),
                        copy["to"].as_str().unwrap_or("")
                    );
                }
            }
        }
    }
}
