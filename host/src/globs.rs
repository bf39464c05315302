//! Globs as every command reads them (`[lint] include`, a step's
//! `patterns`, `[site] ignore`): globset syntax, where `*` also crosses
//! `/`, and `**/x` matches `x` at the top too.

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::error::Error;

/// `origin` names where the globs came from, for the error.
pub fn glob_set(patterns: &[String], origin: &str) -> Result<GlobSet, Error> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|error| {
            Error::input(format!("{origin}: bad glob {pattern:?}: {error}"))
                .help("globs use `*`, `**`, `?`, `[...]` and `{a,b}`")
        })?;
        builder.add(glob);
        // `**/Makefile` should also match a Makefile at the top.
        if let Some(rest) = pattern.strip_prefix("**/") {
            builder.add(Glob::new(rest).map_err(|error| {
                Error::input(format!("{origin}: bad glob {pattern:?}: {error}"))
                    .help("fix the pattern: `*` matches within a folder, `**` across folders")
            })?);
        }
    }
    builder.build().map_err(|error| Error::input(format!("{origin}: {error}")).help("fix the patterns there"))
}
