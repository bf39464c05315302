//! The user's rule levels: `[lint.rules]` for the whole tree, and
//! `[[lint.overrides]]` for paths matching globs (later ones win).

use std::collections::HashMap;

use globset::GlobSet;

use super::walk;
use crate::config::{ForeignFiles, LintConfig};
use crate::error::Error;
use crate::plugins::bindings::types::Severity;

/// A level: a severity, or `None` for `off`.
type Level = Option<Severity>;

pub struct Severities {
    global: HashMap<String, Level>,
    overrides: Vec<(GlobSet, HashMap<String, Level>)>,
    /// `[lint] foreign-files`: what vendored, generated and test-data files show.
    pub foreign_files: ForeignFiles,
}

impl Severities {
    pub fn from_config(
        config: &LintConfig,
        file: &str,
        known: impl Fn(&str) -> bool,
        suggest: impl Fn(&str) -> String,
    ) -> Result<Severities, Error> {
        let table = |rules: &std::collections::BTreeMap<String, String>, section: &str| {
            rules
                .iter()
                .map(|(id, level)| {
                    if !known(id) {
                        return Err(
                            Error::input(format!("{file}: {section} names an unknown rule `{id}`")).help(suggest(id))
                        );
                    }
                    let level = match level.as_str() {
                        "off" => None,
                        "info" => Some(Severity::Info),
                        "warning" => Some(Severity::Warning),
                        "error" => Some(Severity::Error),
                        other => {
                            return Err(Error::input(format!("{file}: {section} \"{id}\" = {other:?} is not a level"))
                                .help("use \"off\", \"info\", \"warning\" or \"error\""));
                        }
                    };
                    Ok((id.clone(), level))
                })
                .collect::<Result<HashMap<_, _>, Error>>()
        };
        let global = table(&config.rules, "[lint.rules]")?;
        let overrides = config
            .overrides
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let section = format!("[[lint.overrides]] #{}", index + 1);
                if entry.paths.is_empty() {
                    return Err(Error::input(format!("{file}: {section} has no `paths`"))
                        .help("give the globs it applies to, e.g. paths = [\"tests/**\"]"));
                }
                Ok((walk::glob_set(&entry.paths, &format!("{file}: {section}"))?, table(&entry.rules, &section)?))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Severities { global, overrides, foreign_files: config.foreign_files })
    }

    /// The user's level for a rule at a path; `None` leaves the plugin's.
    pub fn level(&self, rule: &str, path: &str) -> Option<Level> {
        self.overrides
            .iter()
            .rev()
            .filter(|(paths, _)| paths.is_match(path))
            .find_map(|(_, rules)| rules.get(rule).copied())
            .or_else(|| self.global.get(rule).copied())
    }
}
