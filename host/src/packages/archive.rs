//! A template fetched as a `.tar.gz`: read into memory, every entry
//! checked before any is kept. An entry with `..`, an absolute path, a
//! hard link, or a symbolic link that points outside the archive is
//! refused, and so is an archive that unpacks to more than the cap. A
//! single top-level folder (as GitHub's archives have) is taken off.
//!
//! `scaffold --push` packs a template the same way, under a top folder
//! named after it, and reproducibly: the same files give the same bytes,
//! so an unchanged template pushed again has the same archive digest.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// (path, bytes, executable) of every file, `/`-separated.
pub type Files = BTreeMap<String, (Vec<u8>, bool)>;

/// Entries an archive may hold (a bomb of empty files stops here).
const MAX_ENTRIES: usize = 20_000;

pub fn read_tar_gz(bytes: &[u8], cap: u64) -> Result<Files, String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut files: BTreeMap<PathBuf, (Vec<u8>, bool)> = BTreeMap::new();
    let mut links: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut total = 0_u64;
    let entries = archive.entries().map_err(|error| format!("it is not a .tar.gz: {error}"))?;
    for (index, entry) in entries.enumerate() {
        if index >= MAX_ENTRIES {
            return Err(format!("it holds more than {MAX_ENTRIES} entries"));
        }
        let mut entry = entry.map_err(|error| format!("it is not a .tar.gz, or is cut short: {error}"))?;
        let raw = entry.path().map_err(|error| format!("an entry's name is unreadable: {error}"))?.into_owned();
        let path =
            inside(&raw).ok_or_else(|| format!("its entry `{}` is absolute or climbs out with `..`", raw.display()))?;
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        if kind.is_hard_link() {
            return Err(format!("its entry `{}` is a hard link", raw.display()));
        }
        if kind.is_symlink() {
            let target = entry.link_name().ok().flatten().map(std::borrow::Cow::into_owned).unwrap_or_default();
            let resolved = path.parent().map(|parent| parent.join(&target)).and_then(|joined| inside(&joined));
            match resolved {
                Some(resolved) if !target.is_absolute() => links.push((path, resolved)),
                _ => {
                    return Err(format!(
                        "its entry `{}` is a link to `{}`, outside the archive",
                        raw.display(),
                        target.display()
                    ));
                }
            }
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        total += entry.size();
        if total > cap {
            return Err(format!("it unpacks to more than {} MiB", cap >> 20));
        }
        let executable = entry.header().mode().is_ok_and(|mode| mode & 0o111 != 0);
        let mut contents = Vec::new();
        entry.by_ref().take(cap).read_to_end(&mut contents).map_err(|error| format!("it is cut short: {error}"))?;
        files.insert(path, (contents, executable));
    }
    for (link, target) in links {
        let file = files.get(&target).cloned().ok_or_else(|| {
            format!("its link `{}` points to `{}`, which is not a file in it", link.display(), target.display())
        })?;
        files.insert(link, file);
    }
    let named: BTreeMap<String, (Vec<u8>, bool)> =
        files.into_iter().map(|(path, file)| (path.to_string_lossy().replace('\\', "/"), file)).collect();
    Ok(strip_single_folder(named))
}

/// Packs `files` (path, bytes, executable) under the folder `top/`:
/// entries sorted by path, owner and times zeroed, modes 0644 or 0755.
pub fn write_tar_gz<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8], bool)>,
    top: &str,
) -> Result<Vec<u8>, String> {
    let mut sorted: Vec<_> = files.into_iter().collect();
    sorted.sort_by_key(|(path, _, _)| *path);
    // flate2's gzip header carries no time or name unless asked to.
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best()));
    for (path, contents, executable) in sorted {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(contents.len() as u64);
        header.set_mode(if executable { 0o755 } else { 0o644 });
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        builder
            .append_data(&mut header, format!("{top}/{path}"), contents)
            .map_err(|error| format!("cannot pack `{path}`: {error}"))?;
    }
    let encoder = builder.into_inner().map_err(|error| error.to_string())?;
    encoder.finish().map_err(|error| error.to_string())
}

/// `path` made plain (`a/./b` is `a/b`) if it stays inside; `None` if it
/// is absolute or climbs out.
fn inside(path: &Path) -> Option<PathBuf> {
    let mut plain = PathBuf::new();
    for part in path.components() {
        match part {
            Component::Normal(name) => plain.push(name),
            Component::CurDir => {}
            Component::ParentDir => {
                if !plain.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!plain.as_os_str().is_empty()).then_some(plain)
}

fn strip_single_folder(files: Files) -> Files {
    let first = files.keys().next().and_then(|path| path.split_once('/')).map(|(folder, _)| format!("{folder}/"));
    match first {
        Some(prefix) if files.keys().all(|path| path.starts_with(&prefix)) => {
            files.into_iter().map(|(path, file)| (path[prefix.len()..].to_string(), file)).collect()
        }
        _ => files,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_gz(entries: &[(&str, tar::EntryType, &[u8], Option<&str>)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        for (path, kind, contents, link) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_entry_type(*kind);
            header.set_size(contents.len() as u64);
            header.set_mode(0o644);
            // Written raw, so names `set_path` would refuse reach the reader.
            let name = path.as_bytes();
            header.as_old_mut().name[..name.len()].copy_from_slice(name);
            if let Some(link) = link {
                header.set_link_name(link).unwrap();
            }
            header.set_cksum();
            builder.append(&header, *contents).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    const FILE: tar::EntryType = tar::EntryType::Regular;
    const LINK: tar::EntryType = tar::EntryType::Symlink;

    #[test]
    fn a_template_archive_is_read_without_its_top_folder_and_links_inside_resolve() {
        let bytes = tar_gz(&[
            ("t-1.0/template.toml", FILE, b"description = \"x\"\n", None),
            ("t-1.0/template/a.txt", FILE, b"a\n", None),
            ("t-1.0/template/b.txt", LINK, b"", Some("a.txt")),
        ]);
        let files = read_tar_gz(&bytes, 1 << 20).unwrap();
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(names, ["template.toml", "template/a.txt", "template/b.txt"]);
        assert_eq!(files["template/b.txt"].0, b"a\n");
    }

    #[test]
    fn a_packed_template_reads_back_the_same_and_packs_to_the_same_bytes() {
        let files =
            [("template/{{name}}/run.sh", &b"#!/bin/sh\n"[..], true), ("template.toml", &b"x = 1\n"[..], false)];
        let packed = write_tar_gz(files, "t").unwrap();
        assert_eq!(write_tar_gz(files, "t").unwrap(), packed);
        let read = read_tar_gz(&packed, 1 << 20).unwrap();
        assert_eq!(read["template/{{name}}/run.sh"], (b"#!/bin/sh\n".to_vec(), true));
        assert_eq!(read["template.toml"], (b"x = 1\n".to_vec(), false));
        // A template whose only folder is template/ keeps it: the top folder is the one taken off.
        let only = write_tar_gz([("template/a", &b"a"[..], false)], "t").unwrap();
        assert!(read_tar_gz(&only, 1 << 20).unwrap().contains_key("template/a"));
    }

    #[test]
    fn entries_that_leave_the_archive_are_refused() {
        let climbing = tar_gz(&[("t/../../etc/x", FILE, b"x", None)]);
        assert!(read_tar_gz(&climbing, 1 << 20).unwrap_err().contains("climbs out"));
        let absolute = tar_gz(&[("/etc/x", FILE, b"x", None)]);
        assert!(read_tar_gz(&absolute, 1 << 20).unwrap_err().contains("absolute"));
        let link_out = tar_gz(&[("t/a", LINK, b"", Some("../../etc/passwd"))]);
        assert!(read_tar_gz(&link_out, 1 << 20).unwrap_err().contains("outside the archive"));
        let absolute_link = tar_gz(&[("t/a", LINK, b"", Some("/etc/passwd"))]);
        assert!(read_tar_gz(&absolute_link, 1 << 20).unwrap_err().contains("outside the archive"));
        let big = tar_gz(&[("t/a", FILE, &[0_u8; 4096], None)]);
        assert!(read_tar_gz(&big, 1024).unwrap_err().contains("more than"));
        assert!(read_tar_gz(b"not an archive", 1 << 20).is_err());
    }
}
