//! Running the catalog over a page.
//!
//! One Aho-Corasick pass over the page's live script sources, inline code,
//! `<noscript>` bodies and stylesheet links finds which services could be
//! present at all (their `needles`), and in which of those texts; only
//! those services' regexes are compiled, and each runs only over the texts
//! that hold one of its service's needles (so a service's code and settings
//! must sit in a script that names one of its needles). Inline code is matched with JavaScript comments blanked
//! out, so `// ga('create', 'UA-1-1')` in a script is not a detection.
//!
//! Patterns are compiled as ASCII-only byte regexes: the snippets they look
//! for are ASCII, and without Unicode classes a pattern compiles about ten
//! times faster, which matters because every call starts a fresh instance.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::bytes::{Regex, RegexBuilder};
use workbench_plugin::detector::{
    Detection, Evidence, EvidenceSource, Page, Position, Script, ScriptState, Setting, offset_position,
};

use crate::catalog::{CATALOG, From, Service};
use crate::js;

/// Evidence text is cut to this many characters.
const MATCHED_CHARS: usize = 120;

/// Values a snippet carries when it is a template or switched off, never
/// real settings.
const PLACEHOLDERS: &[&str] =
    &["xxxx", "your_", "your-", "yourid", "{{", "{%", "<%", "${", "%s", "replace_me", "insert_"];
const EMPTY_VALUES: &[&str] = &["", "0", "false", "null", "undefined", "none", "nil", "disabled", "off"];

/// Which service each needle belongs to, in the automata's pattern order.
static OWNERS: LazyLock<Vec<usize>> = LazyLock::new(|| {
    CATALOG.iter().enumerate().flat_map(|(index, service)| service.needles.iter().map(move |_| index)).collect()
});

/// The needles as an NFA, quick to build, for an instance's first pages.
static NEEDLES_NFA: LazyLock<AhoCorasick> = LazyLock::new(|| needles(AhoCorasickKind::ContiguousNFA));
/// The needles as a DFA: about 2 ms to build, then a scan of a real page's
/// scripts about a tenth faster, so it pays once a batch is long.
static NEEDLES_DFA: LazyLock<AhoCorasick> = LazyLock::new(|| needles(AhoCorasickKind::DFA));
/// Pages an instance scans with the NFA before it builds the DFA.
const NFA_PAGES: usize = 32;
static PAGES_SEEN: AtomicUsize = AtomicUsize::new(0);

fn needles(kind: AhoCorasickKind) -> AhoCorasick {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(CATALOG.iter().flat_map(|service| service.needles.iter()))
        .expect("the catalog's needles build an automaton")
}

/// The automaton for this page: the NFA while the instance is young.
fn automaton() -> &'static AhoCorasick {
    if PAGES_SEEN.fetch_add(1, Ordering::Relaxed) < NFA_PAGES { &NEEDLES_NFA } else { &NEEDLES_DFA }
}

/// Compiled patterns, keyed by the address of their text in the catalog
/// (hashing a pointer, not a 60-byte pattern, on every one of the
/// thousands of lookups a page makes).
static REGEXES: LazyLock<Mutex<HashMap<usize, Regex, BuildHasherDefault<AddressHasher>>>> =
    LazyLock::new(|| Mutex::new(HashMap::default()));

/// Hashes an address by one multiplication: the keys are a few hundred
/// distinct pointers into static data, not attacker-chosen text, so
/// SipHash's flood resistance buys nothing and cost about 1% of a page.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_usize(&mut self, address: usize) {
        // Fibonacci hashing: hashbrown takes buckets from the low bits and
        // tags from the high ones; the product spreads the address over both.
        self.0 = (address as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// How every catalog pattern is compiled (see the module docs).
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern).unicode(false).build()
}

/// Runs `f` with the compiled form of a catalog pattern (compiled once per
/// instance, and only if a page needs it).
fn with_regex<T>(pattern: &'static str, f: impl FnOnce(&Regex) -> T) -> T {
    let mut cache = REGEXES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let regex = cache.entry(pattern.as_ptr() as usize).or_insert_with(|| {
        compile(pattern).unwrap_or_else(|error| panic!("catalog pattern `{pattern}` is invalid: {error}"))
    });
    f(regex)
}

/// A script the engine reads: live or waiting for consent.
struct Live<'a> {
    script: &'a Script,
    /// The inline text with JavaScript comments blanked.
    code: String,
    gated: bool,
}

pub fn detect(page: &Page) -> Vec<Detection> {
    let live: Vec<&Script> = page
        .scripts
        .iter()
        .filter(|script| matches!(script.state, ScriptState::Active | ScriptState::ConsentBlocked))
        .collect();
    let stylesheets: Vec<_> =
        page.links.iter().filter(|link| link.rel.split_whitespace().any(|rel| rel == "stylesheet")).collect();

    // Needles are looked for in the raw texts: blanking comments only
    // removes text, so a needle of the blanked code is one of the raw text
    // too, and only scripts holding a needle need blanking (most inline
    // scripts of a real page hold none).
    let (automaton, owners) = (automaton(), &*OWNERS);
    let texts: Vec<&str> = live
        .iter()
        .flat_map(|script| [script.src.as_deref().unwrap_or(""), script.text.as_str()])
        .chain(page.noscripts.iter().map(|noscript| noscript.text.as_str()))
        .chain(stylesheets.iter().map(|link| link.href.as_str()))
        .collect();
    // `needled[service * texts + text]`: a needle of the service is in the text.
    let mut needled = vec![false; CATALOG.len() * texts.len()];
    let mut candidates = vec![false; CATALOG.len()];
    let mut code_needled = vec![false; live.len()];
    for (index, text) in texts.iter().enumerate() {
        for found in automaton.find_overlapping_iter(*text) {
            let service = owners[found.pattern().as_usize()];
            candidates[service] = true;
            needled[service * texts.len() + index] = true;
            if index < 2 * live.len() && index % 2 == 1 {
                code_needled[index / 2] = true;
            }
        }
    }
    let scripts: Vec<Live> = live
        .iter()
        .zip(&code_needled)
        .map(|(script, needled)| Live {
            script,
            code: if *needled { js::blank_comments(&script.text) } else { String::new() },
            gated: script.state == ScriptState::ConsentBlocked,
        })
        .collect();

    let mut detections = Vec::new();
    for (index, service) in CATALOG.iter().enumerate().filter(|(index, _)| candidates[*index]) {
        let row = Needled {
            flags: &needled[index * texts.len()..(index + 1) * texts.len()],
            scripts: scripts.len(),
            noscripts: page.noscripts.len(),
        };
        if let Some(detection) = detect_service(service, page, &scripts, &stylesheets, &row) {
            detections.push(detection);
        }
    }
    detections
}

/// Which of the page's texts hold one of a service's needles.
struct Needled<'a> {
    flags: &'a [bool],
    scripts: usize,
    noscripts: usize,
}

impl Needled<'_> {
    fn src(&self, script: usize) -> bool {
        self.flags[2 * script]
    }
    fn code(&self, script: usize) -> bool {
        self.flags[2 * script + 1]
    }
    fn noscript(&self, noscript: usize) -> bool {
        self.flags[2 * self.scripts + noscript]
    }
    fn link(&self, link: usize) -> bool {
        self.flags[2 * self.scripts + self.noscripts + link]
    }
}

/// Evidence and whether it came from a consent-blocked script.
type Hit = (Evidence, bool);

fn detect_service(
    service: &'static Service,
    page: &Page,
    scripts: &[Live],
    stylesheets: &[&workbench_plugin::detector::Link],
    needled: &Needled,
) -> Option<Detection> {
    let mut hits: Vec<Hit> = Vec::new();
    let mut weak: Vec<Hit> = Vec::new();
    for (index, live) in scripts.iter().enumerate() {
        if let Some(src) = live.script.src.as_ref().filter(|_| needled.src(index)) {
            for pattern in service.src.iter().chain(service.loader) {
                if with_regex(pattern, |regex| regex.is_match(src.as_bytes())) {
                    hits.push((src_evidence(live.script, src), live.gated));
                }
            }
            for pattern in service.weak_src {
                if with_regex(pattern, |regex| regex.is_match(src.as_bytes())) {
                    weak.push((src_evidence(live.script, src), live.gated));
                }
            }
        }
        for pattern in service.code.iter().chain(service.loader).filter(|_| needled.code(index)) {
            if let Some((start, end)) = find(pattern, &live.code) {
                hits.push((code_evidence(live, start, end), live.gated));
            }
        }
    }
    for (_, noscript) in page.noscripts.iter().enumerate().filter(|(index, _)| needled.noscript(*index)) {
        for pattern in service.noscript {
            if let Some((start, end)) = find(pattern, &noscript.text) {
                let position = offset_position(&noscript.text, noscript.position, start);
                hits.push((evidence(EvidenceSource::Noscript, &noscript.text[start..end], Some(position)), false));
            }
        }
    }
    for (_, link) in stylesheets.iter().enumerate().filter(|(index, _)| needled.link(*index)) {
        for pattern in service.stylesheet {
            if with_regex(pattern, |regex| regex.is_match(link.href.as_bytes())) {
                hits.push((evidence(EvidenceSource::Link, &link.href, Some(link.position)), false));
            }
        }
    }
    if hits.is_empty() && weak.is_empty() {
        return None;
    }

    let (settings, rejected) = settings(service, page, scripts, &hits, &weak, needled);
    // The snippet is there but its id is empty or a placeholder: a template
    // pasted from the docs, or a service switched off.
    if settings.is_empty() && rejected {
        return None;
    }
    // A shared loader (gtag.js serves Google Analytics 4, Google Ads and
    // Universal Analytics) counts only with this service's own id.
    if hits.is_empty() && settings.is_empty() {
        return None;
    }
    if service.needs_setting && settings.is_empty() {
        return None;
    }
    hits.extend(weak);
    let consent_gated = hits.iter().all(|(_, gated)| *gated);
    let version = version(service, &hits);
    let confidence = if settings.is_empty() && hits.iter().all(|(evidence, _)| evidence.source == EvidenceSource::Link)
    {
        80
    } else {
        100
    };
    Some(Detection {
        service: service.id.into(),
        name: service.name.into(),
        category: service.category.into(),
        confidence,
        version,
        settings,
        evidence: hits.into_iter().map(|(evidence, _)| evidence).collect(),
        consent_gated,
    })
}

/// The settings found, and whether any value was refused as empty or a
/// placeholder.
fn settings(
    service: &'static Service,
    page: &Page,
    scripts: &[Live],
    hits: &[Hit],
    weak: &[Hit],
    needled: &Needled,
) -> (Vec<Setting>, bool) {
    let mut found: Vec<Setting> = Vec::new();
    let mut rejected = false;
    let mut add = |key: &'static str, value: &str, evidence: Evidence| {
        let value = value.trim();
        if is_placeholder(value) {
            rejected = true;
            return;
        }
        if found.iter().any(|setting| setting.key == key && setting.value == value) {
            return;
        }
        found.push(Setting { key: key.into(), value: value.into(), evidence });
    };
    // Attributes are read only from scripts this service's sources matched.
    let matched_scripts: Vec<&Script> = scripts
        .iter()
        .filter(|live| {
            live.script.src.as_ref().is_some_and(|src| {
                hits.iter()
                    .chain(weak)
                    .any(|(evidence, _)| evidence.source == EvidenceSource::ScriptSrc && &evidence.matched == src)
            })
        })
        .map(|live| live.script)
        .collect();
    for extract in service.settings {
        if matches!(extract.from, From::Src | From::Loaded) {
            for (_, live) in scripts.iter().enumerate().filter(|(index, _)| needled.src(*index)) {
                let Some(src) = &live.script.src else { continue };
                for value in captures(extract.pattern, src) {
                    add(extract.key, &src[value.0..value.1], src_evidence(live.script, src));
                }
            }
        }
        if matches!(extract.from, From::Code | From::Loaded) {
            for (_, live) in scripts.iter().enumerate().filter(|(index, _)| needled.code(*index)) {
                for (start, end) in captures(extract.pattern, &live.code) {
                    add(extract.key, &live.code[start..end], code_evidence(live, start, end));
                }
            }
        }
        match extract.from {
            From::Src | From::Code | From::Loaded => {}
            From::Attribute(name) => {
                for script in &matched_scripts {
                    for (attribute, text) in &script.attributes {
                        if attribute != name {
                            continue;
                        }
                        for (start, end) in captures(extract.pattern, text) {
                            let matched = format!("{attribute}=\"{text}\"");
                            add(
                                extract.key,
                                &text[start..end],
                                evidence(EvidenceSource::Attribute, &matched, Some(script.position)),
                            );
                        }
                    }
                }
            }
            From::Noscript => {
                for (_, noscript) in page.noscripts.iter().enumerate().filter(|(index, _)| needled.noscript(*index)) {
                    for (start, end) in captures(extract.pattern, &noscript.text) {
                        let position = offset_position(&noscript.text, noscript.position, start);
                        add(
                            extract.key,
                            &noscript.text[start..end],
                            evidence(EvidenceSource::Noscript, &noscript.text[start..end], Some(position)),
                        );
                    }
                }
            }
            From::Markup => {
                // Settings in markup (a widget's `data-sitekey`) count only
                // once the service's script was found; never on their own.
                for (start, end) in captures(extract.pattern, &page.body) {
                    let position = offset_position(&page.body, Position { line: 1, column: 1 }, start);
                    add(
                        extract.key,
                        &page.body[start..end],
                        evidence(EvidenceSource::Html, &page.body[start..end], Some(position)),
                    );
                }
            }
        }
    }
    (found, rejected)
}

/// The first match, if it starts and ends on character boundaries (an
/// ASCII-only class can stop inside a multi-byte character).
fn find(pattern: &'static str, text: &str) -> Option<(usize, usize)> {
    with_regex(pattern, |regex| regex.find(text.as_bytes()).map(|m| (m.start(), m.end())))
        .filter(|(start, end)| text.is_char_boundary(*start) && text.is_char_boundary(*end))
}

/// The first capture group of every match, on character boundaries.
fn captures(pattern: &'static str, text: &str) -> Vec<(usize, usize)> {
    with_regex(pattern, |regex| {
        regex
            .captures_iter(text.as_bytes())
            .filter_map(|captures| captures.get(1))
            .map(|value| (value.start(), value.end()))
            .filter(|(start, end)| text.is_char_boundary(*start) && text.is_char_boundary(*end))
            .collect()
    })
}

fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    EMPTY_VALUES.contains(&lower.as_str()) || PLACEHOLDERS.iter().any(|placeholder| lower.contains(placeholder))
}

fn version(service: &Service, hits: &[Hit]) -> Option<String> {
    let pattern = service.version?;
    hits.iter().filter(|(evidence, _)| evidence.source == EvidenceSource::ScriptSrc).find_map(|(evidence, _)| {
        captures(pattern, &evidence.matched).first().map(|&(start, end)| evidence.matched[start..end].to_string())
    })
}

fn src_evidence(script: &Script, src: &str) -> Evidence {
    evidence(EvidenceSource::ScriptSrc, src, Some(script.position))
}

fn code_evidence(live: &Live, start: usize, end: usize) -> Evidence {
    let position = offset_position(&live.script.text, live.script.text_position, start);
    evidence(EvidenceSource::InlineScript, &live.script.text[start..end], Some(position))
}

fn evidence(source: EvidenceSource, matched: &str, position: Option<Position>) -> Evidence {
    let matched: String = matched.trim().chars().take(MATCHED_CHARS).collect();
    Evidence { source, matched, position }
}
