use std::fmt::Write as _;

use serde_json::json;

use super::{Format, report_load_failures};
use crate::context::Context;
use crate::error::{Error, Exit};
use crate::plugins::Plugin;

pub fn run(context: &Context, format: Format) -> Result<Exit, Error> {
    let runtime = context.runtime()?;
    let set = context.plugin_search(&runtime)?.load(&runtime);
    match format {
        Format::Json => {
            let plugins: Vec<_> = set.plugins.iter().map(summary_json).collect();
            let failures: Vec<_> = set
                .failures
                .iter()
                .map(|failure| json!({ "source": failure.source.to_string(), "error": failure.message }))
                .collect();
            outln!(context, "{:#}", json!({ "version": 1, "plugins": plugins, "failures": failures }));
        }
        Format::Human => {
            if set.plugins.is_empty() {
                outln!(context, "no plugins found");
                outln!(
                    context,
                    "  add some with --plugin PATH, [plugins] paths in workbench.toml, or $WORKBENCH_PLUGIN_PATH"
                );
            } else {
                print_table(context, &set.plugins);
            }
        }
    }
    Ok(if report_load_failures(context, &set) { Exit::PluginFailure } else { Exit::Success })
}

pub fn roles(plugin: &Plugin) -> String {
    plugin.contract.roles.iter().map(|role| role.name()).collect::<Vec<_>>().join(", ")
}

pub fn summary_json(plugin: &Plugin) -> serde_json::Value {
    json!({
        "name": plugin.name(),
        "version": plugin.info.version,
        "description": plugin.info.description,
        "roles": plugin.contract.roles.iter().map(|role| role.name()).collect::<Vec<_>>(),
        "wit": plugin.contract.version.to_string(),
        "source": plugin.source.to_string(),
        "size": plugin.size,
        "cache": plugin.cache.describe(),
    })
}

fn print_table(context: &Context, plugins: &[Plugin]) {
    let rows: Vec<[String; 6]> = plugins
        .iter()
        .map(|plugin| {
            [
                plugin.name().to_string(),
                plugin.info.version.clone(),
                roles(plugin),
                plugin.contract.version.to_string(),
                plugin.cache.short().to_string(),
                plugin.source.to_string(),
            ]
        })
        .collect();
    let header = ["NAME", "VERSION", "ROLES", "WIT", "CACHE", "SOURCE"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 6]| {
        let mut out = String::new();
        for (index, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if index + 1 == cells.len() {
                out.push_str(cell);
            } else {
                let _ = write!(out, "{cell:<width$}  ");
            }
        }
        outln!(context, "{}", out.trim_end());
    };
    line(header);
    for row in &rows {
        line([&row[0], &row[1], &row[2], &row[3], &row[4], &row[5]]);
    }
}
