//! The services this plugin knows: where each one's snippet shows, and
//! where its settings sit.
//!
//! Each entry is data. `needles` are literal, case-insensitive substrings
//! (they pick the candidates cheaply): every pattern below is looked for only
//! in texts that hold one of them, so each snippet and each setting needs a
//! needle in its own script. `src`, `code`, `noscript` and `stylesheet` are
//! regexes whose match is evidence; `loader` is the service's script URL,
//! evidence both as a script's `src` and in inline code that loads it (a
//! snippet that builds its own script tag); `weak_src` counts only together with one of this service's
//! settings (a loader several services share); `settings` are regexes whose
//! first capture group is the value. Patterns look for the snippet's code,
//! not the service's name, so prose, config flags and `dns-prefetch` links
//! never match.

use workbench_plugin::detector::Category;

/// Where a setting is read from.
#[derive(Debug, Clone, Copy)]
pub enum From {
    /// A live script's `src`.
    Src,
    /// A live inline script, comments blanked.
    Code,
    /// Either: a URL the page loads as a `src` or from its own code.
    Loaded,
    /// An attribute of a script this service's `src` patterns matched.
    Attribute(&'static str),
    /// A `<noscript>` body (tracking pixels).
    Noscript,
    /// The page markup, read only once the service is found by other evidence.
    Markup,
}

#[derive(Debug, Clone, Copy)]
pub struct Extract {
    pub key: &'static str,
    pub from: From,
    pub pattern: &'static str,
}

const fn src(key: &'static str, pattern: &'static str) -> Extract {
    Extract { key, from: From::Src, pattern }
}
const fn code(key: &'static str, pattern: &'static str) -> Extract {
    Extract { key, from: From::Code, pattern }
}
const fn loaded(key: &'static str, pattern: &'static str) -> Extract {
    Extract { key, from: From::Loaded, pattern }
}
const fn attr(key: &'static str, name: &'static str, pattern: &'static str) -> Extract {
    Extract { key, from: From::Attribute(name), pattern }
}
const fn noscript(key: &'static str, pattern: &'static str) -> Extract {
    Extract { key, from: From::Noscript, pattern }
}
const fn markup(key: &'static str, pattern: &'static str) -> Extract {
    Extract { key, from: From::Markup, pattern }
}

#[derive(Debug)]
pub struct Service {
    pub id: &'static str,
    pub name: &'static str,
    pub category: Kind,
    pub needles: &'static [&'static str],
    pub loader: &'static [&'static str],
    pub src: &'static [&'static str],
    pub weak_src: &'static [&'static str],
    pub code: &'static [&'static str],
    pub noscript: &'static [&'static str],
    pub stylesheet: &'static [&'static str],
    pub settings: &'static [Extract],
    /// Detected only when a setting was found (ids tell look-alikes apart).
    pub needs_setting: bool,
    /// A regex over a matched `src` whose first group is the version.
    pub version: Option<&'static str>,
}

const BASE: Service = Service {
    id: "",
    name: "",
    category: Kind::Other,
    needles: &[],
    loader: &[],
    src: &[],
    weak_src: &[],
    code: &[],
    noscript: &[],
    stylesheet: &[],
    settings: &[],
    needs_setting: false,
    version: None,
};

/// The WIT `category` cases this catalog uses: a `Copy` twin, since the
/// WIT type (with its `named(string)` case) cannot sit in a `static`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Analytics,
    TagManager,
    Chat,
    Advertising,
    Social,
    AbTesting,
    ErrorTracking,
    Performance,
    Payments,
    Security,
    Comments,
    Other,
}

impl std::convert::From<Kind> for Category {
    fn from(kind: Kind) -> Category {
        match kind {
            Kind::Analytics => Category::Analytics,
            Kind::TagManager => Category::TagManager,
            Kind::Chat => Category::Chat,
            Kind::Advertising => Category::Advertising,
            Kind::Social => Category::Social,
            Kind::AbTesting => Category::AbTesting,
            Kind::ErrorTracking => Category::ErrorTracking,
            Kind::Performance => Category::Performance,
            Kind::Payments => Category::Payments,
            Kind::Security => Category::Security,
            Kind::Comments => Category::Comments,
            Kind::Other => Category::Other,
        }
    }
}

const ANALYTICS: Kind = Kind::Analytics;
const TAG_MANAGER: Kind = Kind::TagManager;
const CHAT: Kind = Kind::Chat;
const ADVERTISING: Kind = Kind::Advertising;
const SOCIAL: Kind = Kind::Social;
const AB_TESTING: Kind = Kind::AbTesting;
const ERROR_TRACKING: Kind = Kind::ErrorTracking;
const PERFORMANCE: Kind = Kind::Performance;
const PAYMENTS: Kind = Kind::Payments;
const SECURITY: Kind = Kind::Security;
const COMMENTS: Kind = Kind::Comments;
const OTHER: Kind = Kind::Other;

/// A quote, for patterns over JavaScript.
macro_rules! q {
    () => {
        r#"["']"#
    };
}

/// Lytics' v3 snippet: `_c: {cid: "ACCOUNT", url: "//c.lytics.io", ...}`.
const LYTICS_V3: &str = concat!(
    r"\bcid",
    q!(),
    r"?\s*:\s*",
    q!(),
    r"([a-f0-9]{16,})",
    q!(),
    r"[^}]*?url",
    q!(),
    r"?\s*:\s*",
    q!(),
    r"(?:https?:)?//c\.lytics\.io"
);

/// Optimize's anti-flicker snippet, which hides the page until the named
/// container has run: `(window, document.documentElement, 'async-hide',
/// 'dataLayer', 4000, {'GTM-XXXX': true})`.
const ANTI_FLICKER: &str = concat!(
    q!(),
    r"async-hide",
    q!(),
    r"\s*,\s*",
    q!(),
    r"\w+",
    q!(),
    r"\s*,\s*\d+\s*,\s*\{\s*",
    q!(),
    r"((?:GTM|OPT)-[A-Z0-9]{4,})",
    q!(),
    r"\s*:\s*(?:true|!0)"
);

pub static CATALOG: &[Service] = &[
    // --- Google ---
    Service {
        id: "google-analytics-4",
        name: "Google Analytics 4",
        category: ANALYTICS,
        needles: &["googletagmanager.com/gtag", "gtag("],
        weak_src: &[r"googletagmanager\.com/gtag/js"],
        settings: &[
            src("measurement-id", r"googletagmanager\.com/gtag/js\?(?:[^#]*&)?id=(G-[A-Z0-9]{4,})"),
            code(
                "measurement-id",
                concat!(r"gtag\(\s*", q!(), r"config", q!(), r"\s*,\s*", q!(), r"(G-[A-Z0-9]{4,})", q!()),
            ),
        ],
        needs_setting: true,
        ..BASE
    },
    Service {
        id: "google-ads",
        name: "Google Ads",
        category: ADVERTISING,
        needles: &["googletagmanager.com/gtag", "gtag(", "googleadservices.com", "google_conversion_id"],
        weak_src: &[r"googletagmanager\.com/gtag/js"],
        src: &[r"googleadservices\.com/pagead/conversion(?:_async)?\.js"],
        code: &[concat!(r"google_conversion_id", q!(), r"?\s*[:=]\s*\d+")],
        settings: &[
            src("conversion-id", r"googletagmanager\.com/gtag/js\?(?:[^#]*&)?id=(AW-\d{6,})"),
            code("conversion-id", concat!(r"gtag\(\s*", q!(), r"config", q!(), r"\s*,\s*", q!(), r"(AW-\d{6,})", q!())),
            code("conversion-id", concat!(r"google_conversion_id", q!(), r"?\s*[:=]\s*(\d{6,})")),
            code("conversion-label", concat!(r"send_to", q!(), r"?\s*:\s*", q!(), r"AW-\d+/([\w-]+)", q!())),
        ],
        needs_setting: true,
        ..BASE
    },
    Service {
        id: "google-analytics",
        name: "Google Analytics (Universal)",
        category: ANALYTICS,
        needles: &[
            "google-analytics.com",
            "googletagmanager.com/gtag",
            "ga(",
            "_gaq",
            "gtag(",
            "_uacct",
            "'create'",
            "\"create\"",
        ],
        src: &[r"google-analytics\.com/(?:analytics|ga|urchin)\.js", r"stats\.g\.doubleclick\.net/dc\.js"],
        weak_src: &[r"googletagmanager\.com/gtag/js"],
        code: &[
            // `ga('create', 'UA-...')` under any queue name: MonsterInsights'
            // `__gaTracker`, or whatever the loader's last argument says
            concat!(q!(), r"create", q!(), r"\s*,\s*", q!(), r"UA-\d{4,10}-\d{1,4}", q!()),
            concat!(r"_gaq\.push\(\s*\[\s*", q!(), r"_setAccount", q!()),
            // a UA- id is Universal Analytics' own, whoever loads gtag.js
            concat!(r"gtag\(\s*", q!(), r"config", q!(), r"\s*,\s*", q!(), r"UA-\d{4,10}-\d{1,4}", q!()),
            r"google-analytics\.com/(?:analytics|ga)\.js",
        ],
        settings: &[
            code("tracking-id", concat!(q!(), r"create", q!(), r"\s*,\s*", q!(), r"(UA-\d{4,10}-\d{1,4})", q!())),
            code(
                "tracking-id",
                concat!(
                    q!(),
                    r"create",
                    q!(),
                    r"\s*,\s*\{[^}]*?trackingId",
                    q!(),
                    r"?\s*:\s*",
                    q!(),
                    r"(UA-\d{4,10}-\d{1,4})",
                    q!()
                ),
            ),
            code("tracking-id", concat!(r"_setAccount", q!(), r"\s*,\s*", q!(), r"(UA-\d{4,10}-\d{1,4})", q!())),
            code(
                "tracking-id",
                concat!(r"gtag\(\s*", q!(), r"config", q!(), r"\s*,\s*", q!(), r"(UA-\d{4,10}-\d{1,4})", q!()),
            ),
            src("tracking-id", r"googletagmanager\.com/gtag/js\?(?:[^#]*&)?id=(UA-\d{4,10}-\d{1,4})"),
            code("tracking-id", concat!(r"\b_uacct\s*=\s*", q!(), r"(UA-\d{4,10}-\d{1,4})", q!())),
        ],
        needs_setting: true,
        ..BASE
    },
    Service {
        id: "google-tag-manager",
        name: "Google Tag Manager",
        category: TAG_MANAGER,
        needles: &["googletagmanager.com/gtm.js", "googletagmanager.com/ns.html", "containerid", "gtm("],
        loader: &[r"googletagmanager\.com/gtm\.js"],
        noscript: &[r"googletagmanager\.com/ns\.html\?id=GTM-"],
        settings: &[
            src("container-id", r"gtm\.js\?(?:[^#]*&)?id=(GTM-[A-Z0-9]{4,})"),
            code(
                "container-id",
                concat!(
                    r"\(\s*window\s*,\s*document\s*,\s*",
                    q!(),
                    r"script",
                    q!(),
                    r"\s*,\s*",
                    q!(),
                    r"\w+",
                    q!(),
                    r"\s*,\s*",
                    q!(),
                    r"(GTM-[A-Z0-9]{4,})",
                    q!()
                ),
            ),
            noscript("container-id", r"googletagmanager\.com/ns\.html\?id=(GTM-[A-Z0-9]{4,})"),
            // Containers a site's own loader takes: a config object's
            // `containerId`, or a call like `vanilla.loadGTM('GTM-...')`.
            code("container-id", concat!(r"\bcontainerId", q!(), r"?\s*:\s*", q!(), r"(GTM-[A-Z0-9]{4,})", q!())),
            code("container-id", concat!(r"GTM\w*\(\s*", q!(), r"(GTM-[A-Z0-9]{4,})", q!(), r"\s*\)")),
        ],
        ..BASE
    },
    Service {
        id: "google-optimize",
        name: "Google Optimize",
        category: AB_TESTING,
        needles: &["googleoptimize.com", "optimize_id", "require", "async-hide"],
        src: &[r"googleoptimize\.com/optimize\.js"],
        code: &[
            concat!(q!(), r"?optimize_id", q!(), r"?\s*:\s*", q!(), r"(?:GTM|OPT)-[A-Z0-9]{4,}"),
            concat!(r"\bga\(\s*", q!(), r"(?:\w+\.)?require", q!(), r"\s*,\s*", q!(), r"(?:GTM|OPT)-[A-Z0-9]{4,}"),
            ANTI_FLICKER,
        ],
        settings: &[
            src("container-id", r"optimize\.js\?(?:[^#]*&)?id=((?:GTM|OPT)-[A-Z0-9]{4,})"),
            code("container-id", concat!(r"optimize_id", q!(), r"?\s*:\s*", q!(), r"((?:GTM|OPT)-[A-Z0-9]{4,})", q!())),
            code("container-id", concat!(r"require", q!(), r"\s*,\s*", q!(), r"((?:GTM|OPT)-[A-Z0-9]{4,})", q!())),
            code("container-id", ANTI_FLICKER),
        ],
        ..BASE
    },
    Service {
        id: "google-adsense",
        name: "Google AdSense",
        category: ADVERTISING,
        needles: &["adsbygoogle", "googlesyndication.com/pagead/", "google_ad_client", "addadsenseservice("],
        src: &[
            r"pagead2\.googlesyndication\.com/pagead/js/adsbygoogle\.js",
            r"googlesyndication\.com/pagead/show_ads\.js",
        ],
        settings: &[
            src("publisher-id", r"adsbygoogle\.js\?(?:[^#]*&)?client=(ca-pub-\d{10,20})"),
            markup("publisher-id", r#"data-ad-client=["']?(ca-pub-\d{10,20})\b"#),
            code("publisher-id", r#"google_ad_client["']?\s*[:=]\s*["']((?:ca-)?pub-\d{10,20})["']"#),
            code("publisher-id", r#"\bGS_googleAddAdSenseService\(\s*["'](ca-pub-\d{10,20})["']"#),
        ],
        ..BASE
    },
    Service {
        id: "google-publisher-tag",
        name: "Google Publisher Tag (Ad Manager)",
        category: ADVERTISING,
        needles: &["doubleclick.net/tag/js/gpt", "googletagservices.com/tag/js/gpt", "defineslot("],
        loader: &[r"(?:securepubads\.g\.doubleclick\.net|www\.googletagservices\.com)/tag/js/gpt\.js"],
        settings: &[code("network-code", r#"defineSlot\(\s*["']/(\d{3,})/"#)],
        ..BASE
    },
    Service {
        id: "recaptcha",
        name: "reCAPTCHA",
        category: SECURITY,
        needles: &["google.com/recaptcha", "recaptcha.net/recaptcha", "gstatic.com/recaptcha", "grecaptcha."],
        src: &[r"(?:www\.google\.com|www\.recaptcha\.net)/recaptcha/(?:api|enterprise)\.js"],
        settings: &[
            src("site-key", r"recaptcha/(?:api|enterprise)\.js\?(?:[^#]*&)?render=(6L[\w-]{38})"),
            markup("site-key", r#"data-sitekey=["']?(6L[\w-]{38})\b"#),
            code("site-key", r#"grecaptcha\.(?:execute|render)\(\s*["'](6L[\w-]{38})["']"#),
        ],
        ..BASE
    },
    Service {
        id: "google-maps",
        name: "Google Maps",
        category: OTHER,
        needles: &["maps.googleapis.com/maps/api/js"],
        src: &[r"maps\.googleapis\.com/maps/api/js"],
        settings: &[src("api-key", r"maps/api/js\?(?:[^#]*&)?key=(AIza[\w-]{35})")],
        ..BASE
    },
    Service {
        id: "google-fonts",
        name: "Google Fonts",
        category: OTHER,
        needles: &["fonts.googleapis.com/css", "webfont.load("],
        stylesheet: &[r"fonts\.googleapis\.com/css2?\?"],
        // the Web Font Loader asking for Google's families
        code: &[r"\bWebFont\.load\(\s*\{\s*google\s*:"],
        ..BASE
    },
    // --- Segment's Sherlock set ---
    Service {
        id: "segment",
        name: "Segment",
        category: ANALYTICS,
        needles: &["segment.com/analytics.js", "segment.io/analytics.js", "analytics.load(", "_writekey"],
        loader: &[r"cdn\.segment\.(?:com|io)/analytics\.js/v1/"],
        code: &[r"\banalytics\.load\(\s*[\x22\x27][A-Za-z0-9]{10,}[\x22\x27]"],
        settings: &[
            src("write-key", r"analytics\.js/v1/([A-Za-z0-9]{10,})/analytics"),
            code("write-key", r#"\banalytics\.load\(\s*["']([^"'\s]*)["']"#),
            code("write-key", r#"_writeKey\s*=\s*["']([A-Za-z0-9]{10,})["']"#),
        ],
        ..BASE
    },
    Service {
        id: "adroll",
        name: "AdRoll",
        category: ADVERTISING,
        needles: &["adroll_adv_id", "adroll.com/j/"],
        src: &[r"s\.adroll\.com/j/"],
        code: &[r"adroll_adv_id\s*=\s*[\x22\x27][A-Z0-9]{6,}"],
        settings: &[
            code("advertiser-id", r#"adroll_adv_id\s*=\s*["']([A-Z0-9]{6,})["']"#),
            code("pixel-id", r#"adroll_pix_id\s*=\s*["']([A-Z0-9]{6,})["']"#),
            src("advertiser-id", r"s\.adroll\.com/j/([A-Z0-9]{6,})/roundtrip\.js"),
        ],
        ..BASE
    },
    Service {
        id: "alexa",
        name: "Alexa Certify",
        category: ANALYTICS,
        needles: &["atrk_acct", "atrk.js"],
        src: &[r"d31qbv1cthcecs\.cloudfront\.net/atrk\.js"],
        code: &[r"_atrk_opts\s*=\s*\{"],
        settings: &[
            code("account", r#"atrk_acct\s*:\s*["']([A-Za-z0-9]{6,})["']"#),
            code("domain", r#"_atrk_opts\s*=\s*\{[^}]*?domain\s*:\s*["']([^"']+)["']"#),
        ],
        ..BASE
    },
    Service {
        id: "amplitude",
        name: "Amplitude",
        category: ANALYTICS,
        needles: &["amplitude"],
        src: &[r"cdn\.amplitude\.com/(?:libs/(?:amplitude|analytics-browser)-|script/)"],
        code: &[r"\bamplitude(?:\.getInstance\(\s*\))?\.init\(\s*[\x22\x27][a-f0-9]{32}"],
        settings: &[
            code("api-key", r#"\bamplitude(?:\.getInstance\(\s*\))?\.init\(\s*["']([a-f0-9]{32})["']"#),
            src("api-key", r"cdn\.amplitude\.com/script/([a-f0-9]{32})\.js"),
        ],
        version: Some(r"amplitude-(\d+(?:\.\d+)+)"),
        ..BASE
    },
    Service {
        id: "customerio",
        name: "Customer.io",
        category: ANALYTICS,
        needles: &["customer.io/assets/track"],
        loader: &[r"assets\.customer\.io/assets/track(?:-eu)?\.js"],
        settings: &[
            attr("site-id", "data-site-id", r"^([a-f0-9]{10,})$"),
            code("site-id", r#"setAttribute\(\s*["']data-site-id["']\s*,\s*["']([a-f0-9]{10,})["']"#),
        ],
        ..BASE
    },
    Service {
        id: "drip",
        name: "Drip",
        category: ANALYTICS,
        needles: &["getdrip.com", "_dcq"],
        src: &[r"tag\.getdrip\.com/\d+\.js"],
        code: &[r"_dcs\.account\s*=\s*[\x22\x27]\d+"],
        settings: &[
            code("account", r#"_dcs\.account\s*=\s*["'](\d{5,})["']"#),
            src("account", r"tag\.getdrip\.com/(\d{5,})\.js"),
        ],
        ..BASE
    },
    Service {
        id: "fullstory",
        name: "FullStory",
        category: ANALYTICS,
        needles: &["_fs_org", "fullstory.com/s/fs.js"],
        src: &[r"(?:edge\.)?fullstory\.com/s/fs\.js"],
        code: &[r#"(?:window\[\s*["']_fs_org["']\s*\]|_fs_org)\s*=\s*["']"#, r"fullstory\.com/s/fs\.js"],
        settings: &[
            code("org", r#"(?:window\[\s*["']_fs_org["']\s*\]|_fs_org)\s*=\s*["']([\w-]{4,})["']"#),
            code("org", r#"orgId["']?\s*:\s*["']([\w-]{4,})["']"#),
        ],
        ..BASE
    },
    Service {
        id: "heap",
        name: "Heap",
        category: ANALYTICS,
        needles: &["heapanalytics.com", "heap.load("],
        src: &[r"cdn\.(?:us\.)?heapanalytics\.com/js/heap-\d+\.js"],
        code: &[r#"\bheap\.load\(\s*["']?\d{5,}"#],
        settings: &[code("app-id", r#"\bheap\.load\(\s*["']?(\d{5,})"#), src("app-id", r"heap-(\d{5,})\.js")],
        ..BASE
    },
    Service {
        id: "inspectlet",
        name: "Inspectlet",
        category: ANALYTICS,
        needles: &["inspectlet", "__insp"],
        src: &[r"cdn\.inspectlet\.com/inspectlet\.js"],
        code: &[r#"__insp\.push\(\s*\[\s*["']wid["']"#],
        settings: &[
            code("wid", r#"__insp\.push\(\s*\[\s*["']wid["']\s*,\s*(\d+)"#),
            src("wid", r"inspectlet\.js\?(?:[^#]*&)?wid=(\d+)"),
        ],
        ..BASE
    },
    Service {
        id: "intercom",
        name: "Intercom",
        category: CHAT,
        needles: &["intercom"],
        loader: &[r"widget\.intercom\.io/widget/"],
        src: &[r"js\.intercomcdn\.com/"],
        code: &[r"\bintercomSettings\s*=\s*\{[^}]*?app_id", r#"\bIntercom\(\s*["']boot["']"#],
        settings: &[
            code("app-id", r#"\bintercomSettings\s*=\s*\{[^}]*?app_id["']?\s*:\s*["']([^"']*)["']"#),
            code("app-id", r#"\bIntercom\(\s*["']boot["']\s*,\s*\{[^}]*?app_id["']?\s*:\s*["']([a-z0-9]{6,})["']"#),
            loaded("app-id", r"widget\.intercom\.io/widget/([a-z0-9]{6,})"),
        ],
        needs_setting: true,
        ..BASE
    },
    Service {
        id: "keen",
        name: "Keen IO",
        category: ANALYTICS,
        needles: &["keen"],
        src: &[r"keen-tracking(?:-[\d.]+)?(?:\.min)?\.js", r"d26b395fwzu5fz\.cloudfront\.net/keen-"],
        code: &[r"\bnew\s+Keen(?:Tracking)?\s*\(\s*\{"],
        settings: &[
            code(
                "project-id",
                r#"\bnew\s+Keen(?:Tracking)?\s*\(\s*\{[^}]*?projectId["']?\s*:\s*["']([a-f0-9]{24})["']"#,
            ),
            code(
                "write-key",
                r#"\bnew\s+Keen(?:Tracking)?\s*\(\s*\{[^}]*?writeKey["']?\s*:\s*["']([A-Fa-f0-9]{32,})["']"#,
            ),
        ],
        version: Some(r"keen-tracking-(\d+(?:\.\d+)+)"),
        ..BASE
    },
    Service {
        id: "kissmetrics",
        name: "KISSmetrics",
        category: ANALYTICS,
        needles: &["kissmetrics", "_kmk", "_kmq"],
        src: &[r"(?:i|scripts|doug1izaerwt3)\.kissmetrics\.(?:com|io)/"],
        code: &[r"\b_kmk\s*=\s*_kmk\s*\|\|", r"kissmetrics\.(?:com|io)/i\.js"],
        settings: &[
            code("api-key", r#"\b_kmk\s*=\s*_kmk\s*\|\|\s*["']([a-f0-9]{40})["']"#),
            src("api-key", r"kissmetrics\.(?:com|io)/([a-f0-9]{40})\.\d+\.js"),
            code("api-key", r"kissmetrics\.(?:com|io)/['\x22]?\s*\+?\s*['\x22]?([a-f0-9]{40})\.\d+\.js"),
        ],
        ..BASE
    },
    Service {
        id: "lytics",
        name: "Lytics",
        category: ANALYTICS,
        needles: &["lytics", "jstag.init"],
        src: &[r"c\.lytics\.io/(?:api/tag/|static/io)"],
        code: &[r"\bjstag\.init\(\s*\{", LYTICS_V3],
        settings: &[
            code("account-id", r#"\bjstag\.init\(\s*\{[^}]*?cid["']?\s*:\s*["']([a-f0-9]{16,})["']"#),
            src("account-id", r"c\.lytics\.io/api/tag/([a-f0-9]{16,})/"),
            code("account-id", LYTICS_V3),
        ],
        ..BASE
    },
    Service {
        id: "mixpanel",
        name: "Mixpanel",
        category: ANALYTICS,
        needles: &["mixpanel", "mxpnl.com"],
        loader: &[r"cdn\d?\.mxpnl\.com/libs/mixpanel"],
        src: &[r"cdn\.mxpnl\.com/libs/mixpanel"],
        code: &[r#"\bmixpanel\.init\(\s*["'][a-f0-9]{32}"#],
        settings: &[code("token", r#"\bmixpanel\.init\(\s*["']([^"']*)["']"#)],
        version: Some(r"mixpanel-(\d+(?:\.\d+)+)"),
        ..BASE
    },
    Service {
        id: "olark",
        name: "Olark",
        category: CHAT,
        needles: &["olark"],
        loader: &[r"static\.olark\.com/jsclient/loader"],
        code: &[r#"\bolark\.identify\(\s*["']"#],
        settings: &[code("site-id", r#"\bolark\.identify\(\s*["'](\d{4}-\d{3}-\d{2}-\d{4})["']"#)],
        ..BASE
    },
    Service {
        id: "optimizely",
        name: "Optimizely",
        category: AB_TESTING,
        needles: &["optimizely.com/"],
        src: &[r"cdn\.optimizely\.com/(?:js|public)/\d+"],
        settings: &[
            src("project-id", r"cdn\.optimizely\.com/js/(\d{5,})\.js"),
            src("account-id", r"cdn\.optimizely\.com/public/(\d{5,})/"),
            src("project-id", r"cdn\.optimizely\.com/public/\d+/s/(\d{5,})_"),
        ],
        ..BASE
    },
    Service {
        id: "vwo",
        name: "VWO",
        category: AB_TESTING,
        needles: &["visualwebsiteoptimizer.com", "_vwo_code"],
        src: &[r"dev\.visualwebsiteoptimizer\.com/(?:j\.php|lib/|deploy/)"],
        code: &[r"\b_vwo_code\b", r"visualwebsiteoptimizer\.com/j\.php"],
        settings: &[
            code("account-id", r"\baccount_id\s*=\s*(\d{3,})"),
            src("account-id", r"j\.php\?(?:[^#]*&)?a=(\d{3,})"),
        ],
        version: Some(r"[?&]v=(\d+(?:\.\d+)*)"),
        ..BASE
    },
    Service {
        id: "quantcast",
        name: "Quantcast",
        category: ADVERTISING,
        needles: &["quantserve.com", "_qevents", "__qc"],
        src: &[r"(?:secure|edge)\.quantserve\.com/quant\.js"],
        // the loader built as `(https ? "https://secure" : "http://edge") + ".quantserve.com/quant.js"`
        code: &[r"_qevents\.push\(\s*\{", r"__qc\.push", r"\.quantserve\.com/quant\.js"],
        noscript: &[r"pixel\.quantserve\.com/pixel/p-"],
        settings: &[
            code("p-code", r#"qacct["']?\s*:\s*["'](p-[\w-]{6,})["']"#),
            noscript("p-code", r"pixel\.quantserve\.com/pixel/(p-[\w-]{6,})\.gif"),
        ],
        ..BASE
    },
    Service {
        id: "totango",
        name: "Totango",
        category: ANALYTICS,
        needles: &["totango"],
        src: &[r"(?:tracker|s3)\.totango\.com/|totango\d?(?:\.\d+)*(?:\.min)?\.js"],
        code: &[r"\btotango_options\s*=\s*\{"],
        settings: &[code("service-id", r#"\btotango_options\s*=\s*\{[^}]*?service_id["']?\s*:\s*["']([\w-]{6,})["']"#)],
        ..BASE
    },
    Service {
        id: "trackjs",
        name: "TrackJS",
        category: ERROR_TRACKING,
        needles: &["trackjs"],
        src: &[r"cdn\.trackjs\.com/agent/", r"d2zah9y47r7bi2\.cloudfront\.net/releases/"],
        code: &[r"\bTrackJS\.install\(\s*\{", r"\b_trackJs\s*=\s*\{", r"window\._trackJs\s*="],
        settings: &[code(
            "token",
            r#"(?:TrackJS\.install\(\s*\{|_trackJs\s*=\s*\{)[^}]*?token["']?\s*:\s*["']([a-f0-9]{32})["']"#,
        )],
        version: Some(r"agent/v(\d+)/"),
        ..BASE
    },
    Service {
        id: "woopra",
        name: "Woopra",
        category: ANALYTICS,
        needles: &["woopra"],
        src: &[r"static\.woopra\.com/js/(?:w|t/\d+)\.js"],
        code: &[r"\bwoopra\.config\(\s*\{", r"static\.woopra\.com/js/"],
        settings: &[code("domain", r#"\bwoopra\.config\(\s*\{[^}]*?domain["']?\s*:\s*["']([\w.-]+\.[a-z]{2,})["']"#)],
        ..BASE
    },
    // --- Analytics ---
    Service {
        id: "hotjar",
        name: "Hotjar",
        category: ANALYTICS,
        needles: &["hotjar", "_hjsettings"],
        src: &[r"static\.hotjar\.com/c/hotjar-\d+\.js"],
        code: &[r"\b_hjSettings\s*=\s*\{\s*hjid\s*:\s*\d+", r"static\.hotjar\.com/c/hotjar-"],
        settings: &[
            code("site-id", r"\b_hjSettings\s*=\s*\{\s*hjid\s*:\s*(\d{4,})"),
            src("site-id", r"hotjar-(\d{4,})\.js"),
            code("snippet-version", r"\bhjsv\s*:\s*(\d+)"),
        ],
        ..BASE
    },
    Service {
        id: "matomo",
        name: "Matomo (Piwik)",
        category: ANALYTICS,
        needles: &["matomo", "piwik", "_paq"],
        src: &[r"/(?:matomo|piwik)\.js(?:$|\?)", r"cdn\.matomo\.cloud/"],
        code: &[r#"\b_paq\.push\(\s*\[\s*["']setSiteId["']"#, r#"\b_paq\.push\(\s*\[\s*["']trackPageView["']"#],
        noscript: &[r"/(?:matomo|piwik)\.php\?idsite="],
        settings: &[
            code("site-id", r#"setSiteId["']\s*,\s*["']?(\d+)"#),
            code("tracker-url", r#"\bvar\s+u\s*=\s*["']((?:https?:)?//[^"']+)["']"#),
            noscript("site-id", r"(?:matomo|piwik)\.php\?idsite=(\d+)"),
        ],
        ..BASE
    },
    Service {
        id: "plausible",
        name: "Plausible",
        category: ANALYTICS,
        needles: &["plausible"],
        src: &[r"plausible\.io/js/(?:script|plausible|pa-)[\w.-]*\.js", r"/js/plausible(?:\.[\w-]+)*\.js$"],
        settings: &[
            attr("domain", "data-domain", r"^([\w.,-]+)$"),
            attr("api", "data-api", r"^(.+)$"),
            src("script-id", r"plausible\.io/js/(pa-[\w-]+)\.js"),
        ],
        ..BASE
    },
    Service {
        id: "fathom",
        name: "Fathom Analytics",
        category: ANALYTICS,
        needles: &["usefathom.com", "fathom("],
        src: &[r"cdn\.usefathom\.com/(?:script|tracker)\.js"],
        code: &[r#"\bfathom\(\s*["']set["']\s*,\s*["']siteId["']"#],
        settings: &[
            attr("site-id", "data-site", r"^([A-Z]{5,10})$"),
            code("site-id", r#"\bfathom\(\s*["']set["']\s*,\s*["']siteId["']\s*,\s*["']([A-Z]{5,10})["']"#),
        ],
        ..BASE
    },
    Service {
        id: "cloudflare-web-analytics",
        name: "Cloudflare Web Analytics",
        category: ANALYTICS,
        needles: &["cloudflareinsights.com"],
        src: &[r"static\.cloudflareinsights\.com/beacon\.min\.js"],
        settings: &[attr("token", "data-cf-beacon", r#""token"\s*:\s*"([a-f0-9]{32})""#)],
        ..BASE
    },
    Service {
        id: "yandex-metrica",
        name: "Yandex Metrica",
        category: ANALYTICS,
        needles: &["mc.yandex", "metrika", "ym("],
        src: &[r"mc\.yandex\.(?:ru|com)/metrika/(?:tag|watch)\.js", r"yandex-metrica-watch/(?:tag|watch)\.js"],
        code: &[
            r#"\bym\(\s*\d+\s*,\s*["']init["']"#,
            r"\bnew\s+Ya\.Metrika2?\(\s*\{",
            r"mc\.yandex\.(?:ru|com)/metrika/",
        ],
        noscript: &[r"mc\.yandex\.(?:ru|com)/watch/\d+"],
        settings: &[
            code("counter-id", r#"\bym\(\s*(\d{5,})\s*,\s*["']init["']"#),
            code("counter-id", r"\bnew\s+Ya\.Metrika2?\(\s*\{\s*id\s*:\s*(\d{5,})"),
            noscript("counter-id", r"mc\.yandex\.(?:ru|com)/watch/(\d{5,})"),
        ],
        ..BASE
    },
    Service {
        id: "microsoft-clarity",
        name: "Microsoft Clarity",
        category: ANALYTICS,
        needles: &["clarity"],
        src: &[r"www\.clarity\.ms/tag/"],
        code: &[r"clarity\.ms/tag/"],
        settings: &[
            src("project-id", r"clarity\.ms/tag/([a-z0-9]{8,12})"),
            code(
                "project-id",
                r#"\)\(\s*window\s*,\s*document\s*,\s*["']clarity["']\s*,\s*["']script["']\s*,\s*["']([a-z0-9]{8,12})["']\s*\)"#,
            ),
        ],
        ..BASE
    },
    Service {
        id: "chartbeat",
        name: "Chartbeat",
        category: ANALYTICS,
        needles: &["chartbeat", "_sf_async_config"],
        src: &[r"static\.chartbeat\.com/js/chartbeat(?:_mab)?(?:\.min)?\.js"],
        code: &[r"\b_sf_async_config\s*(?:=|\.uid\s*=)"],
        settings: &[
            code("uid", r#"\b_sf_async_config\.uid\s*=\s*["']?(\d{3,})"#),
            code("uid", r#"\b_sf_async_config\s*=\s*\{[^}]*?uid["']?\s*:\s*["']?(\d{3,})"#),
            // `domain = '' || 'edition.cnn.com'`: a server-side default left empty
            code("domain", r#"\b_sf_async_config\.domain\s*=\s*(?:["']{2}\s*\|\|\s*)?["']([\w.-]+)["']"#),
            code("domain", r#"\b_sf_async_config\s*=\s*\{[^}]*?domain["']?\s*:\s*["']([\w.-]+)["']"#),
        ],
        ..BASE
    },
    Service {
        id: "statcounter",
        name: "StatCounter",
        category: ANALYTICS,
        needles: &["statcounter", "sc_project"],
        src: &[r"(?:www|secure)\.statcounter\.com/counter/counter(?:_xhtml)?\.js"],
        code: &[r"\bsc_project\s*=\s*\d+"],
        settings: &[
            code("project", r"\bsc_project\s*=\s*(\d{4,})"),
            code("security", r#"\bsc_security\s*=\s*["']([a-f0-9]{6,})["']"#),
        ],
        ..BASE
    },
    Service {
        id: "posthog",
        name: "PostHog",
        category: ANALYTICS,
        needles: &["posthog"],
        src: &[r"(?:[\w-]+\.)?(?:i\.)?posthog\.com/static/array\.js"],
        code: &[r#"\bposthog\.init\(\s*["']phc_"#],
        settings: &[
            code("api-key", r#"\bposthog\.init\(\s*["'](phc_[A-Za-z0-9]{20,})["']"#),
            code("api-host", r#"\bposthog\.init\([^)]*?api_host["']?\s*:\s*["'](https?://[^"']+)["']"#),
        ],
        ..BASE
    },
    Service {
        id: "umami",
        name: "Umami",
        category: ANALYTICS,
        needles: &["umami"],
        src: &[r"(?:analytics\.umami\.is/script\.js|/umami\.js$|cloud\.umami\.is/script\.js)"],
        settings: &[attr("website-id", "data-website-id", r"^([a-f0-9-]{36})$")],
        ..BASE
    },
    Service {
        id: "simple-analytics",
        name: "Simple Analytics",
        category: ANALYTICS,
        needles: &["simpleanalyticscdn.com"],
        src: &[r"scripts\.simpleanalyticscdn\.com/(?:latest|auto-events)\.js"],
        ..BASE
    },
    Service {
        id: "vercel-analytics",
        name: "Vercel Web Analytics",
        category: ANALYTICS,
        needles: &["/_vercel/insights/", "vercel-scripts.com"],
        src: &[
            r"/_vercel/insights/script\.js",
            r"cdn\.vercel-insights\.com/v1/script\.js",
            r"va\.vercel-scripts\.com/v1/script",
        ],
        ..BASE
    },
    Service {
        id: "baidu-analytics",
        name: "Baidu Analytics (Tongji)",
        category: ANALYTICS,
        needles: &["hm.baidu.com"],
        src: &[r"hm\.baidu\.com/hm\.js"],
        code: &[r"hm\.baidu\.com/hm\.js\?"],
        settings: &[
            src("site-id", r"hm\.js\?([a-f0-9]{32})"),
            code("site-id", r"hm\.baidu\.com/hm\.js\?([a-f0-9]{32})"),
        ],
        ..BASE
    },
    Service {
        id: "mouseflow",
        name: "Mouseflow",
        category: ANALYTICS,
        needles: &["mouseflow.com/projects/"],
        loader: &[r"cdn\.mouseflow\.com/projects/[a-f0-9-]{36}\.js"],
        settings: &[loaded("website-id", r"mouseflow\.com/projects/([a-f0-9-]{36})\.js")],
        ..BASE
    },
    Service {
        id: "crazy-egg",
        name: "Crazy Egg",
        category: ANALYTICS,
        needles: &["crazyegg.com"],
        loader: &[r"script\.crazyegg\.com/pages/scripts/\d{4}/\d{4}\.js"],
        settings: &[loaded("account", r"crazyegg\.com/pages/scripts/(\d{4}/\d{4})\.js")],
        ..BASE
    },
    Service {
        id: "smartlook",
        name: "Smartlook",
        category: ANALYTICS,
        needles: &["smartlook"],
        src: &[r"(?:rec|web-sdk)\.smartlook\.com/recorder\.js"],
        code: &[r#"\bsmartlook\(\s*["']init["']"#],
        settings: &[code("project-key", r#"\bsmartlook\(\s*["']init["']\s*,\s*["']([a-f0-9]{40})["']"#)],
        ..BASE
    },
    Service {
        id: "logrocket",
        name: "LogRocket",
        category: ANALYTICS,
        needles: &["logrocket", "lr-ingest", "lr-in.com"],
        src: &[r"cdn\.(?:logrocket\.io|lr-ingest\.(?:io|com)|lr-in\.com)/LogRocket\.min\.js"],
        code: &[r#"\bLogRocket\.init\(\s*["']"#],
        settings: &[code("app-id", r#"\bLogRocket\.init\(\s*["']([\w-]+/[\w-]+)["']"#)],
        ..BASE
    },
    Service {
        id: "pendo",
        name: "Pendo",
        category: ANALYTICS,
        needles: &["pendo"],
        loader: &[r"cdn\.(?:eu\.)?pendo\.io/agent/static/"],
        settings: &[
            src("api-key", r"pendo\.io/agent/static/([a-f0-9-]{36})/pendo\.js"),
            code("api-key", r#"\}\)\(\s*["']([a-f0-9-]{36})["']\s*\)"#),
        ],
        ..BASE
    },
    Service {
        id: "hubspot",
        name: "HubSpot",
        category: ANALYTICS,
        needles: &["hs-scripts.com", "hs-analytics.net", "hsforms.net", "hbspt.forms"],
        src: &[
            r"js(?:-\w+)?\.hs-scripts\.com/\d+\.js",
            r"js\.hs-analytics\.net/analytics/",
            r"js\.hsforms\.net/forms/",
        ],
        settings: &[
            src("portal-id", r"hs-scripts\.com/(\d{4,})\.js"),
            src("portal-id", r"hs-analytics\.net/analytics/\d+/(\d{4,})\.js"),
            code("portal-id", r#"hbspt\.forms\.create\(\s*\{[^}]*?portalId["']?\s*:\s*["'](\d{4,})["']"#),
        ],
        ..BASE
    },
    Service {
        id: "marketo",
        name: "Marketo Munchkin",
        category: ANALYTICS,
        needles: &["munchkin"],
        src: &[r"munchkin\.marketo\.net/munchkin(?:-beta)?\.js"],
        code: &[r#"\bMunchkin\.init\(\s*["']"#],
        settings: &[code("munchkin-id", r#"\bMunchkin\.init\(\s*["'](\d{3}-[A-Z]{3}-\d{3})["']"#)],
        ..BASE
    },
    Service {
        id: "pardot",
        name: "Pardot",
        category: ANALYTICS,
        needles: &["piaid", "pardot.com"],
        src: &[r"pi\.pardot\.com/pd\.js"],
        code: &[r#"\bpiAId\s*=\s*["']\d+"#],
        settings: &[
            code("account-id", r#"\bpiAId\s*=\s*["'](\d{4,})["']"#),
            code("campaign-id", r#"\bpiCId\s*=\s*["'](\d{2,})["']"#),
        ],
        ..BASE
    },
    Service {
        id: "klaviyo",
        name: "Klaviyo",
        category: ANALYTICS,
        needles: &["klaviyo"],
        src: &[r"static\.klaviyo\.com/onsite/js/"],
        settings: &[
            src("company-id", r"klaviyo\.js\?(?:[^#]*&)?company_id=([A-Za-z0-9]{6})"),
            src("company-id", r"static\.klaviyo\.com/onsite/js/([A-Za-z0-9]{6})/klaviyo"),
        ],
        ..BASE
    },
    // --- Tag managers ---
    Service {
        id: "tealium",
        name: "Tealium iQ",
        category: TAG_MANAGER,
        needles: &["tiqcdn.com/utag"],
        src: &[r"tags\.tiqcdn\.com/utag/[\w-]+/[\w.-]+/\w+/utag(?:\.sync)?\.js"],
        code: &[r"tags\.tiqcdn\.com/utag/"],
        settings: &[
            loaded("account", r"tiqcdn\.com/utag/([\w-]+)/[\w.-]+/\w+/"),
            loaded("profile", r"tiqcdn\.com/utag/[\w-]+/([\w.-]+)/\w+/"),
            src("environment", r"tiqcdn\.com/utag/[\w-]+/[\w.-]+/(\w+)/"),
            code("environment", r"tiqcdn\.com/utag/[\w-]+/[\w.-]+/(\w+)/utag"),
        ],
        ..BASE
    },
    Service {
        id: "adobe-launch",
        name: "Adobe Experience Platform Tags (Launch)",
        category: TAG_MANAGER,
        needles: &["assets.adobedtm.com"],
        src: &[r"assets\.adobedtm\.com/"],
        settings: &[src("property", r"assets\.adobedtm\.com/((?:[\w-]+/)*launch-[\w-]+?)(?:\.min)?\.js")],
        ..BASE
    },
    // --- Chat ---
    Service {
        id: "drift",
        name: "Drift",
        category: CHAT,
        needles: &["drift", "driftt.com"],
        src: &[r"js\.driftt\.com/include/"],
        code: &[r#"\bdrift\.load\(\s*["']"#],
        settings: &[
            code("embed-id", r#"\bdrift\.load\(\s*["']([a-z0-9]{8,})["']"#),
            src("embed-id", r"js\.driftt\.com/include/\d+/([a-z0-9]{8,})\.js"),
        ],
        ..BASE
    },
    Service {
        id: "crisp",
        name: "Crisp",
        category: CHAT,
        needles: &["crisp"],
        src: &[r"client\.crisp\.chat/l\.js"],
        code: &[r#"\bCRISP_WEBSITE_ID\s*=\s*["']"#],
        settings: &[code("website-id", r#"\bCRISP_WEBSITE_ID\s*=\s*["']([a-f0-9-]{36})["']"#)],
        ..BASE
    },
    Service {
        id: "zendesk-chat",
        name: "Zendesk Web Widget",
        category: CHAT,
        needles: &["zdassets.com", "zopim"],
        src: &[r"static\.zdassets\.com/ekr/snippet\.js", r"v2\.zopim\.com/"],
        settings: &[src("key", r"snippet\.js\?(?:[^#]*&)?key=([a-f0-9-]{36})")],
        ..BASE
    },
    Service {
        id: "tawk",
        name: "Tawk.to",
        category: CHAT,
        needles: &["embed.tawk.to"],
        loader: &[r"embed\.tawk\.to/[a-f0-9]{24}/"],
        settings: &[
            loaded("property-id", r"embed\.tawk\.to/([a-f0-9]{24})/"),
            loaded("widget-id", r"embed\.tawk\.to/[a-f0-9]{24}/(\w+)"),
        ],
        ..BASE
    },
    Service {
        id: "livechat",
        name: "LiveChat",
        category: CHAT,
        needles: &["livechatinc.com", "__lc"],
        src: &[r"cdn\.livechatinc\.com/tracking\.js"],
        code: &[r"\b__lc\.license\s*=\s*\d+"],
        settings: &[code("license", r"\b__lc\.license\s*=\s*(\d{4,})")],
        ..BASE
    },
    Service {
        id: "tidio",
        name: "Tidio",
        category: CHAT,
        needles: &["code.tidio.co"],
        src: &[r"code\.tidio\.co/[a-z0-9]{32}\.js"],
        settings: &[src("public-key", r"code\.tidio\.co/([a-z0-9]{32})\.js")],
        ..BASE
    },
    Service {
        id: "freshchat",
        name: "Freshchat",
        category: CHAT,
        needles: &["freshchat", "fcwidget"],
        src: &[r"wchat\.(?:eu\.)?freshchat\.com/js/widget\.js"],
        code: &[r"\bwindow\.fcWidget\.init\(\s*\{"],
        settings: &[code("token", r#"\bfcWidget\.init\(\s*\{[^}]*?token["']?\s*:\s*["']([a-f0-9-]{36})["']"#)],
        ..BASE
    },
    // --- Error tracking and performance ---
    Service {
        id: "sentry",
        name: "Sentry",
        category: ERROR_TRACKING,
        needles: &["sentry", "raven"],
        src: &[
            r"browser\.sentry-cdn\.com/[\d.]+/",
            r"js\.sentry-cdn\.com/[a-f0-9]{32}(?:\.min)?\.js",
            r"cdn\.ravenjs\.com/",
        ],
        code: &[r"\bSentry\.init\(\s*\{", r#"\bRaven\.config\(\s*["']"#],
        settings: &[
            code("dsn", r#"\bSentry\.init\(\s*\{[^}]*?dsn["']?\s*:\s*["'](https://[a-f0-9]{32}@[\w.-]+/\d+)["']"#),
            code("dsn", r#"\bRaven\.config\(\s*["'](https://[a-f0-9]{32}@[\w.-]+/\d+)["']"#),
            src("public-key", r"js\.sentry-cdn\.com/([a-f0-9]{32})(?:\.min)?\.js"),
        ],
        version: Some(r"browser\.sentry-cdn\.com/(\d+(?:\.\d+)+)/"),
        ..BASE
    },
    Service {
        id: "bugsnag",
        name: "Bugsnag",
        category: ERROR_TRACKING,
        needles: &["bugsnag"],
        src: &[r"d2wy8f7a9ursnm\.cloudfront\.net/v[\d.]+/bugsnag(?:\.min)?\.js"],
        code: &[r"\bBugsnag\.start\(", r"\bBugsnag\.apiKey\s*="],
        settings: &[
            code("api-key", r#"\bBugsnag\.start\(\s*(?:\{[^}]*?apiKey["']?\s*:\s*)?["']([a-f0-9]{32})["']"#),
            code("api-key", r#"\bBugsnag\.apiKey\s*=\s*["']([a-f0-9]{32})["']"#),
            attr("api-key", "data-apikey", r"^([a-f0-9]{32})$"),
        ],
        version: Some(r"cloudfront\.net/v(\d+(?:\.\d+)*)/bugsnag"),
        ..BASE
    },
    Service {
        id: "rollbar",
        name: "Rollbar",
        category: ERROR_TRACKING,
        needles: &["rollbar"],
        src: &[r"cdn\.rollbar\.com/rollbarjs/"],
        code: &[r"\b_rollbarConfig\s*=\s*\{"],
        settings: &[code(
            "access-token",
            r#"\b_rollbarConfig\s*=\s*\{[^}]*?accessToken["']?\s*:\s*["']([a-f0-9]{32})["']"#,
        )],
        ..BASE
    },
    Service {
        id: "new-relic",
        name: "New Relic Browser",
        category: PERFORMANCE,
        needles: &["nreum", "newrelic.com", "nr-data.net"],
        src: &[r"js-agent\.newrelic\.com/nr-"],
        code: &[r"\bNREUM\.(?:info|init|loader_config)\s*=", r"\bwindow\.NREUM\s*\|\|"],
        settings: &[
            code("application-id", r#"applicationID["']?\s*:\s*["']([\d,]+)["']"#),
            code("license-key", r#"licenseKey["']?\s*:\s*["']((?:NRJS-)?[a-f0-9]{10,})["']"#),
        ],
        version: Some(r"nr-(?:spa-|loader-spa-|full-)?(\d+(?:\.\d+)*)(?:\.min)?\.js"),
        ..BASE
    },
    Service {
        id: "datadog-rum",
        name: "Datadog RUM",
        category: PERFORMANCE,
        needles: &["datadog", "dd_rum"],
        src: &[r"www\.datadoghq-browser-agent\.com/(?:[\w-]+/)*datadog-rum"],
        code: &[r"\bDD_RUM\.init\(\s*\{", r"www\.datadoghq-browser-agent\.com/"],
        settings: &[
            code("application-id", r#"\bDD_RUM\.init\(\s*\{[^}]*?applicationId["']?\s*:\s*["']([a-f0-9-]{36})["']"#),
            code("client-token", r#"\bDD_RUM\.init\(\s*\{[^}]*?clientToken["']?\s*:\s*["'](pub[a-f0-9]{32})["']"#),
            code("site", r#"\bDD_RUM\.init\(\s*\{[^}]*?site["']?\s*:\s*["']([\w.-]+)["']"#),
        ],
        version: Some(r"datadog-rum(?:-v(\d+))?"),
        ..BASE
    },
    // --- Advertising pixels ---
    Service {
        id: "facebook-pixel",
        name: "Meta (Facebook) Pixel",
        category: ADVERTISING,
        needles: &["fbevents.js", "fbq(", "facebook.com/tr"],
        loader: &[r"connect\.facebook\.net/[\w-]+/fbevents\.js"],
        code: &[r#"\bfbq\(\s*["']init["']\s*,\s*["']?\d{10,20}"#],
        noscript: &[r"facebook\.com/tr\?id=\d+"],
        settings: &[
            code("pixel-id", r#"\bfbq\(\s*["']init["']\s*,\s*["']([^"']*)["']"#),
            noscript("pixel-id", r"facebook\.com/tr\?id=(\d{10,20})"),
        ],
        ..BASE
    },
    Service {
        id: "linkedin-insight",
        name: "LinkedIn Insight Tag",
        category: ADVERTISING,
        needles: &["licdn.com", "_linkedin_partner_id", "ads.linkedin.com"],
        src: &[r"snap\.licdn\.com/li\.lms-analytics/insight\.min\.js"],
        code: &[r"\b_linkedin_partner_id\s*=", r"snap\.licdn\.com/li\.lms-analytics/"],
        noscript: &[r"px\.ads\.linkedin\.com/collect/?\?pid=\d+"],
        settings: &[
            code("partner-id", r#"\b_linkedin_partner_id\s*=\s*["']?(\d{4,})"#),
            noscript("partner-id", r"px\.ads\.linkedin\.com/collect/?\?pid=(\d{4,})"),
        ],
        ..BASE
    },
    Service {
        id: "tiktok-pixel",
        name: "TikTok Pixel",
        category: ADVERTISING,
        needles: &["analytics.tiktok.com", "ttq."],
        loader: &[r"analytics\.tiktok\.com/i18n/pixel/"],
        code: &[r#"\bttq\.load\(\s*["']"#],
        settings: &[
            code("pixel-id", r#"\bttq\.load\(\s*["']([A-Z0-9]{15,25})["']"#),
            src("pixel-id", r"pixel/sdk\.js\?(?:[^#]*&)?sdkid=([A-Z0-9]{15,25})"),
        ],
        ..BASE
    },
    Service {
        id: "pinterest-tag",
        name: "Pinterest Tag",
        category: ADVERTISING,
        needles: &["pinimg.com/ct/core.js", "pintrk(", "ct.pinterest.com"],
        loader: &[r"s\.pinimg\.com/ct/core\.js"],
        code: &[r#"\bpintrk\(\s*["']load["']"#],
        noscript: &[r"ct\.pinterest\.com/v3/\?"],
        settings: &[
            code("tag-id", r#"\bpintrk\(\s*["']load["']\s*,\s*["'](\d{10,16})["']"#),
            noscript("tag-id", r"ct\.pinterest\.com/v3/\?(?:[^\x22\x27]*?&(?:amp;)?)?tid=(\d{10,16})"),
        ],
        ..BASE
    },
    Service {
        id: "snap-pixel",
        name: "Snap Pixel",
        category: ADVERTISING,
        needles: &["sc-static.net/scevent", "snaptr("],
        loader: &[r"sc-static\.net/scevent\.min\.js"],
        code: &[r#"\bsnaptr\(\s*["']init["']"#],
        settings: &[code("pixel-id", r#"\bsnaptr\(\s*["']init["']\s*,\s*["']([a-f0-9-]{36})["']"#)],
        ..BASE
    },
    Service {
        id: "twitter-pixel",
        name: "X (Twitter) Pixel",
        category: ADVERTISING,
        needles: &["ads-twitter.com", "twq("],
        src: &[r"static\.ads-twitter\.com/(?:uwt|oct)\.js"],
        code: &[r#"\btwq\(\s*["'](?:init|config)["']"#, r"static\.ads-twitter\.com/uwt\.js"],
        settings: &[code("pixel-id", r#"\btwq\(\s*["'](?:init|config)["']\s*,\s*["']([a-z0-9]{5,})["']"#)],
        ..BASE
    },
    Service {
        id: "microsoft-uet",
        name: "Microsoft Advertising (UET)",
        category: ADVERTISING,
        needles: &["bat.bing.com", "uetq"],
        loader: &[r"bat\.bing\.com/bat\.js"],
        code: &[r"\bnew\s+UET\("],
        noscript: &[r"bat\.bing\.com/action/0\?ti=\d+"],
        settings: &[
            code("tag-id", r#"\bti\s*:\s*["']?(\d{5,})"#),
            noscript("tag-id", r"bat\.bing\.com/action/0\?ti=(\d{5,})"),
        ],
        ..BASE
    },
    Service {
        id: "criteo",
        name: "Criteo OneTag",
        category: ADVERTISING,
        needles: &["criteo"],
        src: &[r"static\.criteo\.net/js/ld/(?:ld|publishertag)\.js", r"dynamic\.criteo\.com/js/ld/ld\.js"],
        settings: &[
            code("account", r#"event["']?\s*:\s*["']setAccount["']\s*,\s*account["']?\s*:\s*["']?(\d{3,})"#),
            src("account", r"ld\.js\?(?:[^#]*&)?a=(\d{3,})"),
        ],
        ..BASE
    },
    Service {
        id: "taboola",
        name: "Taboola",
        category: ADVERTISING,
        needles: &["cdn.taboola.com"],
        loader: &[r"cdn\.taboola\.com/libtrc/"],
        settings: &[
            src("publisher", r"libtrc/([\w-]+)/loader\.js"),
            code("publisher", r"cdn\.taboola\.com/libtrc/([\w-]+)/loader\.js"),
        ],
        ..BASE
    },
    Service {
        id: "outbrain",
        name: "Outbrain",
        category: ADVERTISING,
        needles: &["outbrain.com/outbrain.js"],
        loader: &[r"widgets\.outbrain\.com/outbrain\.js"],
        ..BASE
    },
    // --- Social ---
    Service {
        id: "facebook-sdk",
        name: "Facebook SDK",
        category: SOCIAL,
        needles: &["connect.facebook.net", "fb.init("],
        loader: &[r"connect\.facebook\.net/[\w-]+/(?:sdk|all)(?:/debug)?\.js"],
        code: &[r"\bFB\.init\(\s*\{"],
        settings: &[
            src("app-id", r"[#&?]appId=(\d{6,})"),
            code("app-id", r#"\bFB\.init\(\s*\{[^}]*?appId["']?\s*:\s*["']?(\d{6,})"#),
            code("app-id", r"connect\.facebook\.net/[\w-]+/sdk\.js#[^\x22\x27]*?appId=(\d{6,})"),
            src("sdk-version", r"[#&?]version=(v\d+\.\d+)"),
            code("sdk-version", r"connect\.facebook\.net/[\w-]+/sdk\.js#[^\x22\x27]*?version=(v\d+\.\d+)"),
            code("sdk-version", r#"\bFB\.init\(\s*\{[^}]*?version["']?\s*:\s*["'](v\d+\.\d+)["']"#),
        ],
        ..BASE
    },
    Service {
        id: "twitter-widgets",
        name: "X (Twitter) widgets",
        category: SOCIAL,
        needles: &["platform.twitter.com/widgets.js", "platform.x.com/widgets.js"],
        loader: &[r"platform\.(?:twitter|x)\.com/widgets\.js"],
        ..BASE
    },
    Service {
        id: "addthis",
        name: "AddThis",
        category: SOCIAL,
        needles: &["addthis.com/js/", "addthis_config"],
        loader: &[r"s7\.addthis\.com/js/\d+/addthis_widget\.js"],
        // ra- ids from addthis.com, wp- from its WordPress plugin, xa- the oldest
        settings: &[
            loaded("pub-id", r"addthis_widget\.js#(?:[^#]*&)?pubid=((?:ra|wp|xa)-[a-f0-9]{10,})"),
            code("pub-id", r#"\baddthis_config\b[^}]*?pubid["']?\s*:\s*["']((?:ra|wp|xa)-[a-f0-9]{10,})["']"#),
        ],
        ..BASE
    },
    Service {
        id: "sharethis",
        name: "ShareThis",
        category: SOCIAL,
        needles: &["sharethis.com/js/sharethis.js", "sharethis.com/button/buttons.js"],
        // buttons.js is ShareThis's older loader, still on many pages
        src: &[r"platform-api\.sharethis\.com/js/sharethis\.js", r"w[s3]?\.sharethis\.com/button/buttons\.js"],
        settings: &[src("property", r"sharethis\.js#(?:[^#]*&)?property=([a-f0-9]{16,})")],
        ..BASE
    },
    // --- Others ---
    Service {
        id: "disqus",
        name: "Disqus",
        category: COMMENTS,
        needles: &["disqus"],
        src: &[r"[\w-]+\.disqus\.com/(?:embed|count)\.js"],
        code: &[r"\.disqus\.com/(?:embed|count)\.js", r#"\bdisqus_shortname\s*=\s*["']"#],
        settings: &[
            loaded("shortname", r"//([\w-]+)\.disqus\.com/(?:embed|count)\.js"),
            code("shortname", r#"\bdisqus_shortname\s*=\s*["']([\w-]+)["']"#),
        ],
        ..BASE
    },
    Service {
        id: "stripe",
        name: "Stripe.js",
        category: PAYMENTS,
        needles: &["js.stripe.com", "stripe("],
        src: &[r"js\.stripe\.com/(?:v\d|basil|acacia|clover)"],
        settings: &[code("publishable-key", r#"\bStripe\(\s*["'](pk_(?:live|test)_[A-Za-z0-9]{20,})["']"#)],
        version: Some(r"js\.stripe\.com/(v\d+)"),
        ..BASE
    },
    Service {
        id: "paypal",
        name: "PayPal JS SDK",
        category: PAYMENTS,
        needles: &["paypal.com/sdk/js", "paypalobjects.com/api/checkout"],
        src: &[r"www\.paypal\.com/sdk/js", r"www\.paypalobjects\.com/api/checkout\.js"],
        settings: &[src("client-id", r"sdk/js\?(?:[^#]*&)?client-id=([\w-]{20,})")],
        ..BASE
    },
    Service {
        id: "cookiebot",
        name: "Cookiebot",
        category: OTHER,
        needles: &["consent.cookiebot.com"],
        src: &[r"consent\.cookiebot\.com/uc\.js"],
        settings: &[
            attr("domain-group-id", "data-cbid", r"^([a-f0-9-]{36})$"),
            src("domain-group-id", r"[?&]cbid=([a-f0-9-]{36})"),
        ],
        ..BASE
    },
    Service {
        id: "onetrust",
        name: "OneTrust",
        category: OTHER,
        needles: &["cookielaw.org", "onetrust.com"],
        src: &[
            r"cdn\.cookielaw\.org/(?:scripttemplates/otSDKStub|consent/)",
            r"optanon\.blob\.core\.windows\.net/",
            r"cdn\.cookielaw\.org/",
        ],
        settings: &[
            attr("domain-script", "data-domain-script", r"^([a-f0-9-]{36}(?:-test)?)$"),
            // the older loader names the domain script in its path
            src("domain-script", r"cdn\.cookielaw\.org/consent/([a-f0-9-]{36}(?:-test)?)\.js"),
        ],
        ..BASE
    },
    Service {
        id: "adobe-fonts",
        name: "Adobe Fonts (Typekit)",
        category: OTHER,
        needles: &["use.typekit.net"],
        src: &[r"use\.typekit\.net/[a-z0-9]+\.js"],
        stylesheet: &[r"use\.typekit\.net/[a-z0-9]+\.css"],
        settings: &[
            src("kit-id", r"use\.typekit\.net/([a-z0-9]{5,})\.js"),
            markup("kit-id", r#"<link\b[^>]*?href=["']?(?:https?:)?//use\.typekit\.net/([a-z0-9]{5,})\.css"#),
        ],
        ..BASE
    },
    Service {
        id: "calendly",
        name: "Calendly",
        category: OTHER,
        needles: &["assets.calendly.com"],
        src: &[r"assets\.calendly\.com/assets/external/widget\.js"],
        ..BASE
    },
    Service {
        id: "typeform",
        name: "Typeform",
        category: OTHER,
        needles: &["embed.typeform.com"],
        src: &[r"embed\.typeform\.com/(?:next/)?embed\.js"],
        ..BASE
    },
];
