//! Colour on a terminal: whether to use it (`--color`, `NO_COLOR`,
//! `CLICOLOR_FORCE`, `CLICOLOR`, `TERM=dumb`, and whether the stream is a
//! terminal), and the styles every command paints with. The styles are
//! annotate-snippets' own, so a lint diagnostic and an `error:` line look
//! alike.

use std::fmt;

use anstyle::{AnsiColor, Style};

/// `--color`: when to colour output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` or `CLICOLOR=0` says otherwise
    /// (`CLICOLOR_FORCE` colours a pipe too).
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether a stream gets colour. In `auto`, the conventions in the order
/// cargo and ripgrep (through anstream) apply them: `NO_COLOR` (no-color.org)
/// wins, then `CLICOLOR_FORCE`, then `CLICOLOR=0`; then a terminal that is
/// not `TERM=dumb` is coloured. Empty variables count as unset.
pub fn enabled(choice: ColorChoice, var: impl Fn(&str) -> Option<String>, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if var("NO_COLOR").is_some() {
                false
            } else if var("CLICOLOR_FORCE").is_some_and(|value| value != "0") {
                true
            } else if var("CLICOLOR").is_some_and(|value| value == "0") {
                false
            } else {
                terminal && var("TERM").is_none_or(|term| term != "dumb")
            }
        }
    }
}

pub use annotate_snippets::renderer::{
    DEFAULT_ERROR_STYLE as ERROR, DEFAULT_HELP_STYLE as HELP, DEFAULT_INFO_STYLE as INFO, DEFAULT_NOTE_STYLE as NOTE,
    DEFAULT_WARNING_STYLE as WARNING,
};

/// Success (`ok`, `cached`, a passing count).
pub const OK: Style = AnsiColor::BrightGreen.on_default().bold();
/// Table headers and other emphasis.
pub const HEADER: Style = Style::new().bold();
/// What matters less: timings, skipped work.
pub const DIM: Style = Style::new().dimmed();

/// Paints text for one stream: styled when that stream gets colour, the
/// text alone otherwise, so callers write one format string for both.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    on: bool,
}

impl Paint {
    pub const fn new(on: bool) -> Paint {
        Paint { on }
    }

    pub const fn on(self) -> bool {
        self.on
    }

    pub fn paint<T: fmt::Display>(self, style: Style, text: T) -> Painted<T> {
        Painted { style: if self.on { style } else { Style::new() }, text }
    }

    /// `error:`, `warning:`, `help:`, ... in their colours.
    pub fn label(self, label: &'static str) -> Painted<&'static str> {
        let style = match label.trim_end_matches(':') {
            "error" => ERROR,
            "warning" => WARNING,
            "help" => HELP,
            "note" => NOTE,
            "info" => INFO,
            _ => HEADER,
        };
        self.paint(style, label)
    }
}

/// Text with the style to show it in (none when colour is off).
pub struct Painted<T> {
    style: Style,
    text: T,
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.style.render(), self.text, self.style.render_reset())
    }
}

#[cfg(test)]
mod tests {
    use super::{ColorChoice, ERROR, Paint, enabled};

    fn with<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(key, value)| *key == name && !value.is_empty()).map(|(_, v)| (*v).to_string())
    }

    #[test]
    fn auto_colours_a_terminal_and_nothing_else() {
        assert!(enabled(ColorChoice::Auto, with(&[]), true));
        assert!(!enabled(ColorChoice::Auto, with(&[]), false));
        assert!(!enabled(ColorChoice::Auto, with(&[("TERM", "dumb")]), true));
    }

    #[test]
    fn no_color_wins_over_clicolor_force_and_flags_win_over_both() {
        assert!(!enabled(ColorChoice::Auto, with(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]), true));
        assert!(enabled(ColorChoice::Auto, with(&[("CLICOLOR_FORCE", "1")]), false));
        assert!(!enabled(ColorChoice::Auto, with(&[("CLICOLOR_FORCE", "0")]), false));
        assert!(!enabled(ColorChoice::Auto, with(&[("CLICOLOR", "0")]), true));
        assert!(enabled(ColorChoice::Auto, with(&[("NO_COLOR", "")]), true), "an empty NO_COLOR is unset");
        assert!(enabled(ColorChoice::Always, with(&[("NO_COLOR", "1")]), false));
        assert!(!enabled(ColorChoice::Never, with(&[("CLICOLOR_FORCE", "1")]), true));
    }

    #[test]
    fn paint_adds_escapes_only_when_on() {
        assert_eq!(Paint::new(false).label("error").to_string(), "error");
        assert_eq!(
            Paint::new(true).label("error").to_string(),
            format!("{}error{}", ERROR.render(), ERROR.render_reset())
        );
    }
}
