//! What the user asked to look at: URLs, files, stdin, or a list of them,
//! optionally one shard of it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use url::Url;

use crate::context::Context;
use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Url(Url),
    File(PathBuf),
    Stdin,
}

impl Target {
    /// `-` is stdin; `http://` and `https://` are URLs; anything else is a
    /// file path (a bare `example.com` is refused with a hint, not guessed).
    pub fn parse(text: &str) -> Result<Target, Error> {
        if text == "-" {
            return Ok(Target::Stdin);
        }
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return Url::parse(text).map(Target::Url).map_err(|error| {
                Error::input(format!("`{text}` is not a valid URL: {error}"))
                    .help("give an http(s) URL, a path to an HTML file, or `-` for stdin")
            });
        }
        if let Some((scheme, _)) = text.split_once("://") {
            return Err(Error::input(format!("`{text}`: workbench detect fetches only http and https, not {scheme}"))
                .help("save the page to a file and pass its path"));
        }
        let path = PathBuf::from(text);
        if !path.exists() && looks_like_a_host(text) {
            return Err(Error::input(format!("`{text}` is neither a URL nor an existing file"))
                .help(format!("to fetch it, write the scheme: https://{text}")));
        }
        Ok(Target::File(path))
    }
}

fn looks_like_a_host(text: &str) -> bool {
    let host = text.split('/').next().unwrap_or(text);
    let extension = std::path::Path::new(host).extension().and_then(|extension| extension.to_str()).unwrap_or("");
    host.contains('.')
        && !["html", "htm", "xhtml"].iter().any(|known| extension.eq_ignore_ascii_case(known))
        && !host.starts_with('.')
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Url(url) => write!(f, "{url}"),
            Target::File(path) => write!(f, "{}", path.display()),
            Target::Stdin => write!(f, "-"),
        }
    }
}

/// `--list FILE`: one target a line; blank lines and `#` comments skipped.
/// A bad line is an error naming the file and line, before any fetching.
pub fn read_list(path: &Path, context: &Context) -> Result<Vec<Target>, Error> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(&mut *context.stdin())
    } else {
        std::fs::read_to_string(context.resolve(path))
    }
    .map_err(|error| {
        Error::input(format!("cannot read the target list {}: {error}", path.display()))
            .help("check the path given to --list; `-` reads the list from stdin")
    })?;
    let mut targets = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let target = Target::parse(line).map_err(|error| {
            let message = format!("{}:{}: {}", path.display(), index + 1, error.message());
            let help = error.help_text().map(str::to_string);
            let error = Error::input(message).help("each line of the list is a URL, a file or `#` comment");
            match help {
                Some(help) => error.help(help),
                None => error.help("fix or remove that line; lines starting with # are comments"),
            }
        })?;
        if target == Target::Stdin && path == Path::new("-") {
            return Err(Error::input(format!("-:{}: stdin is already the target list", index + 1))
                .help("with `--list -`, name pages as files or URLs, not `-`"));
        }
        targets.push(target);
    }
    Ok(targets)
}

/// `--shard i/n`: the i-th of n interleaved slices (1-based), so n machines
/// given the same list each take a disjoint, balanced part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let invalid = || format!("`{text}` is not a shard; write i/n with 1 <= i <= n, e.g. 2/4");
        let (index, count) = text.split_once('/').ok_or_else(invalid)?;
        let index: usize = index.trim().parse().map_err(|_| invalid())?;
        let count: usize = count.trim().parse().map_err(|_| invalid())?;
        if index == 0 || count == 0 || index > count {
            return Err(invalid());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    pub fn select<T>(self, items: Vec<T>) -> Vec<T> {
        items
            .into_iter()
            .enumerate()
            .filter(|(position, _)| position % self.count == self.index - 1)
            .map(|(_, item)| item)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_classified() {
        assert_eq!(Target::parse("-").unwrap(), Target::Stdin);
        assert!(matches!(Target::parse("HTTPS://Example.com/x").unwrap(), Target::Url(_)));
        assert_eq!(Target::parse("page.html").unwrap(), Target::File("page.html".into()));
    }

    #[test]
    fn a_bare_host_gets_a_hint() {
        let error = Target::parse("example.com").unwrap_err();
        assert!(error.help_text().unwrap().contains("https://example.com"));
        assert!(Target::parse("ftp://example.com/").is_err());
    }

    #[test]
    fn shards_partition_the_list() {
        let items: Vec<usize> = (0..10).collect();
        let parts: Vec<Vec<usize>> = (1..=3).map(|index| Shard { index, count: 3 }.select(items.clone())).collect();
        assert_eq!(parts[0], vec![0, 3, 6, 9]);
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 10);
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert_eq!("2/3".parse::<Shard>().unwrap(), Shard { index: 2, count: 3 });
    }
}
