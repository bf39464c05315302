//! What `workbench init` finds in a repository, and the commented
//! workbench.toml it writes for it: every section a user may want, with
//! what was found filled in and the rest commented out.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Folders a site's sources usually sit in (Metalsmith's and Hugo's `src`
/// and `content` as well as workbench's own `site`).
const SITE_FOLDERS: [&str; 3] = ["site", "src/site", "content"];

pub struct Survey {
    /// The site's source folder, relative.
    site: Option<String>,
    /// Folders (relative) holding a Makefile: the monorepo's projects.
    projects: Vec<PathBuf>,
    /// A templates/ folder of the repository's own.
    templates: bool,
}

impl Survey {
    pub fn of(root: &Path) -> Survey {
        let site = SITE_FOLDERS.iter().find(|folder| root.join(folder).is_dir()).map(|folder| (*folder).to_string());
        let mut projects = Vec::new();
        let walker = ignore::WalkBuilder::new(root).max_depth(Some(4)).build();
        for entry in walker.flatten() {
            let name = entry.file_name().to_string_lossy();
            if matches!(name.as_ref(), "Makefile" | "makefile" | "GNUmakefile")
                && let Some(folder) = entry.path().parent()
            {
                projects.push(folder.strip_prefix(root).unwrap_or(folder).to_path_buf());
            }
        }
        projects.sort();
        projects.dedup();
        Survey { site, projects, templates: root.join("templates").is_dir() }
    }

    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(site) = &self.site {
            parts.push(format!("a site in {site}/"));
        }
        match self.projects.len() {
            0 => {}
            1 => parts.push("1 Makefile".to_string()),
            count => parts.push(format!("{count} Makefiles")),
        }
        if self.templates {
            parts.push("templates/".to_string());
        }
        if parts.is_empty() {
            "nothing workbench knows yet, so every section is commented out".into()
        } else {
            parts.join(", ")
        }
    }

    pub fn next_steps(&self) -> Vec<String> {
        let mut steps = Vec::new();
        if self.site.is_some() {
            steps.push("`workbench build` builds the site, `workbench serve` serves it with live reload".to_string());
        }
        if !self.projects.is_empty() {
            steps.push(
                "`workbench projects` lists the projects; `workbench make test --changed` tests what a change reaches"
                    .into(),
            );
            steps.push("`workbench lint` checks the Makefiles (and more) against the conventions".into());
        }
        steps.push(
            "`workbench scaffold --list` shows the templates; `workbench plugins add SOURCE` adds a plugin".into(),
        );
        steps
    }

    /// The file's text.
    pub fn config(&self) -> String {
        let mut text = String::from(
            "# workbench.toml, written by `workbench init`. Every key is optional;\n\
             # README.md (\"Configuration\") lists them all.\n",
        );
        text.push_str("\n[site]                          # `workbench build` and `workbench serve`\n");
        match &self.site {
            Some(site) => {
                let _ = writeln!(text, "source = {site:?}");
                text.push_str("destination = \"build\"\n");
                text.push_str("steps = [\"drafts\", \"markdown\", \"permalinks\", { plugin = \"layouts\", options = { default = \"page.html\" } }]\n");
            }
            None => {
                text.push_str("# source = \"site\"\n# destination = \"build\"\n# steps = [\"drafts\", \"markdown\", \"layouts\"]\n");
            }
        }
        text.push_str("\n[lint]                          # `workbench lint`\n");
        text.push_str("# exclude = [\"vendor/**\"]\n# [lint.rules]\n# \"make/phony-declared\" = \"error\"\n");
        text.push_str("\n[projects]                      # `workbench projects` and `workbench make`\n");
        if self.projects.is_empty() {
            text.push_str(
                "# Every folder with a Makefile is a project; none was found.\n# include = [\"packages/*\"]\n",
            );
        } else {
            let _ = writeln!(text, "# Every folder with a Makefile is a project; {} found:", self.projects.len());
            for project in self.projects.iter().take(12) {
                let shown = if project.as_os_str().is_empty() { ".".into() } else { project.display().to_string() };
                let _ = writeln!(text, "#   {shown}");
            }
            text.push_str("# exclude = [\"vendor/**\"]\n");
        }
        text.push_str("\n[scaffold]                      # `workbench scaffold`\n");
        if self.templates {
            text.push_str("templates = [\"templates\"]     # your own templates win over the built-in ones by name\n");
        } else {
            text.push_str("# templates = [\"templates\"]\n");
        }
        text.push_str(
            "\n[plugins]                       # every command's plugins\n\
             # time-limit-ms = 5000\n\
             # memory-limit-mib = 512\n\
             \n# `workbench plugins add SOURCE` writes [plugins.sources] and pins it in workbench.lock.\n",
        );
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_found_is_filled_in_and_the_rest_commented_out() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("site")).unwrap();
        std::fs::create_dir_all(dir.path().join("api")).unwrap();
        std::fs::write(dir.path().join("api/Makefile"), "all:\n").unwrap();
        let survey = Survey::of(dir.path());
        let config = survey.config();
        assert!(config.contains("\nsource = \"site\"\n"), "{config}");
        assert!(config.contains("#   api\n"), "{config}");
        assert!(config.contains("# templates = "), "{config}");
        assert_eq!(survey.summary(), "a site in site/, 1 Makefile");
        crate::config::Config::parse(&config, Path::new("workbench.toml")).expect("what init writes parses");
        let empty = Survey::of(tempfile::tempdir().unwrap().path()).config();
        crate::config::Config::parse(&empty, Path::new("workbench.toml")).expect("parses when nothing was found");
    }
}
