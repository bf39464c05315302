//! Host-side types generated from `wit/` (the `everything` world, so one
//! set of types serves every role; a plugin's own roles are read from its
//! exports, see `contract`, and its functions are found by `exports`).

#![allow(clippy::all, clippy::pedantic)]

wasmtime::component::bindgen!({
    path: "../wit",
    world: "everything",
    // `Category` is compared with its known cases.
    additional_derives: [PartialEq],
});

pub use exports::workbench::plugin::{detector, lint_check, meta, site_step, template_helper};
pub use workbench::plugin::{log, types};

use detector::{Category, EvidenceSource};

impl Category {
    /// The closed set's cases with their WIT names.
    const NAMED: [(Category, &'static str); 12] = [
        (Category::Analytics, "analytics"),
        (Category::TagManager, "tag-manager"),
        (Category::Chat, "chat"),
        (Category::Advertising, "advertising"),
        (Category::Social, "social"),
        (Category::AbTesting, "ab-testing"),
        (Category::ErrorTracking, "error-tracking"),
        (Category::Performance, "performance"),
        (Category::Payments, "payments"),
        (Category::Security, "security"),
        (Category::Comments, "comments"),
        (Category::Other, "other"),
    ];

    /// The name users see: the case's WIT name, or the detector's own.
    pub fn name(&self) -> &str {
        match self {
            Category::Named(name) => name,
            known => Self::NAMED.iter().find_map(|(case, name)| (case == known).then_some(*name)).unwrap_or("other"),
        }
    }

    /// A known case by its name, else the detector's own category: a name
    /// from the closed set always means its case, whichever way it came.
    pub fn parse(name: &str) -> Category {
        Self::NAMED
            .iter()
            .find_map(|(case, known)| (*known == name).then(|| case.clone()))
            .unwrap_or_else(|| Category::Named(name.to_string()))
    }

    /// `named("analytics")` is `analytics`.
    #[must_use]
    pub fn normalized(self) -> Category {
        match self {
            Category::Named(name) => Category::parse(&name),
            known => known,
        }
    }
}

impl EvidenceSource {
    const NAMED: [(EvidenceSource, &'static str); 12] = [
        (EvidenceSource::ScriptSrc, "script-src"),
        (EvidenceSource::InlineScript, "inline-script"),
        (EvidenceSource::Attribute, "attribute"),
        (EvidenceSource::Header, "header"),
        (EvidenceSource::Cookie, "cookie"),
        (EvidenceSource::Meta, "meta"),
        (EvidenceSource::Link, "link"),
        (EvidenceSource::Html, "html"),
        (EvidenceSource::Noscript, "noscript"),
        (EvidenceSource::Comment, "comment"),
        (EvidenceSource::Implied, "implied"),
        (EvidenceSource::Other, "other"),
    ];

    pub fn name(self) -> &'static str {
        Self::NAMED.iter().find_map(|&(case, name)| (case == self).then_some(name)).unwrap_or("other")
    }

    pub fn parse(name: &str) -> Option<EvidenceSource> {
        Self::NAMED.iter().find_map(|&(case, known)| (known == name).then_some(case))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_and_source_round_trips_through_its_name() {
        for (case, name) in Category::NAMED {
            assert_eq!(case.name(), name);
            assert_eq!(Category::parse(name), case);
        }
        for (case, name) in EvidenceSource::NAMED {
            assert_eq!(case.name(), name);
            assert_eq!(EvidenceSource::parse(name), Some(case));
        }
    }

    #[test]
    fn a_detectors_own_category_keeps_its_name_unless_it_is_a_known_one() {
        assert_eq!(Category::parse("cms").name(), "cms");
        assert_eq!(Category::Named("chat".into()).normalized(), Category::Chat);
    }

    #[test]
    fn the_name_tables_follow_the_wit() {
        let wit = include_str!("../../../wit/detector.wit");
        let cases = |keyword: &str| -> Vec<String> {
            let start = wit.find(keyword).expect("declared in detector.wit");
            let body = &wit[start..];
            let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
            body.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.starts_with("///"))
                .filter_map(|line| line.strip_suffix(','))
                .filter(|case| !case.contains('('))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(cases("variant category"), Category::NAMED.map(|(_, name)| name.to_string()));
        assert_eq!(cases("enum evidence-source"), EvidenceSource::NAMED.map(|(_, name)| name.to_string()));
    }
}
