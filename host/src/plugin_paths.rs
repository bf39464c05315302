//! The paths plugins hand back, and the project files they may read: both
//! stay inside their root, whatever a plugin asks for.

use std::path::{Component, Path, PathBuf};

use crate::error::Error;
use crate::plugins::bindings::site_step::ProjectFile;

/// An output path is relative, `/`-separated, and names a file below the
/// output root: no `..`, no absolute path, no NUL, no empty segment.
pub fn check_output_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.contains('\0') {
        return Err("the path holds a NUL byte");
    }
    if path.starts_with('/') || path.contains('\\') || Path::new(path).is_absolute() {
        return Err("the path is absolute or uses `\\`; output paths are relative and `/`-separated");
    }
    if path.split('/').any(|segment| segment.is_empty() || segment == "." || segment == "..") {
        return Err("the path has an empty, `.` or `..` segment; output paths stay inside the output directory");
    }
    Ok(())
}

/// A directory a step names (`copies.from`) or a glob's fixed prefix: it
/// must stay inside the project.
pub fn inside(root: &Path, relative: &str) -> Option<PathBuf> {
    let path = Path::new(relative);
    let mut joined = root.to_path_buf();
    for component in path.components() {
        match component {
            Component::Normal(part) => joined.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(joined)
}

/// The project files matching a step's `reads` globs. Each glob is walked
/// from its fixed prefix (`layouts/**` walks `layouts/`), so a step that
/// reads its templates does not walk the whole project.
pub fn read_project_files(root: &Path, globs: &[String], label: &str) -> Result<Vec<ProjectFile>, Error> {
    if globs.is_empty() {
        return Ok(Vec::new());
    }
    let set = crate::globs::glob_set(globs, label)?;
    let mut found = std::collections::BTreeMap::new();
    for glob in globs {
        let prefix: Vec<&str> = glob.split('/').take_while(|part| !part.contains(['*', '?', '[', '{'])).collect();
        // A glob without wildcards names one file: walk its directory.
        let prefix = if prefix.len() == glob.split('/').count() { &prefix[..prefix.len() - 1] } else { &prefix[..] };
        let Some(start) = inside(root, &prefix.join("/")) else {
            return Err(Error::plugin(format!("{label} asks to read {glob:?}, outside the project"))
                .help("plugins may read only files below the directory of workbench.toml"));
        };
        if !start.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&start).follow_links(false) {
            let entry = entry.map_err(|error| {
                Error::input(format!("{label}: cannot read {}: {error}", start.display()))
                    .help("check the folder the `reads` globs start from")
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let Some(path) = relative.to_str().map(|path| path.replace('\\', "/")) else { continue };
            if !set.is_match(&path) || found.contains_key(&path) {
                continue;
            }
            let contents = std::fs::read(entry.path()).map_err(|error| {
                Error::input(format!("{}: cannot read: {error}", entry.path().display()))
                    .help("make the file readable, or narrow the step's `reads`")
            })?;
            found.insert(path, contents);
        }
    }
    Ok(found.into_iter().map(|(path, contents)| ProjectFile { path, contents }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_stay_inside() {
        assert!(check_output_path("posts/hello/index.html").is_ok());
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "a\\b", "a\0b", "./a"] {
            assert!(check_output_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn step_directories_stay_inside_the_project() {
        let root = Path::new("/project");
        assert_eq!(inside(root, "static/img"), Some(PathBuf::from("/project/static/img")));
        assert_eq!(inside(root, ""), Some(PathBuf::from("/project")));
        assert_eq!(inside(root, "../etc"), None);
        assert_eq!(inside(root, "/etc"), None);
    }
}
