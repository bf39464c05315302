#!/usr/bin/env python3
"""Proposes each page's services and settings, independently of workbench.

A second reading of every page: Python's own HTML parser (not lol_html), and
signatures written from each vendor's documented snippet (not from the
services plugin's catalog). It proposes; the person labelling decides.
`truth.json` keeps the decisions: `hand` records what was read by hand,
`overrides` corrects a proposal (a page's service set to `null` is absent,
an object replaces its settings, `consent-gated` included), and `files`
holds the result, rewritten by this script.

    bench/detect/corpus/gather.sh          # the pages, into files/
    bench/detect/corpus/label.py           # files/ + overrides -> truth.json
    bench/detect/corpus/label.py --review  # every proposal with its evidence

Only live code counts, as a browser would run it: a `<script>` with a
JavaScript type (or none), its `src`, its inline text with JavaScript
comments removed, `<noscript>` pixels and frames, stylesheet links, and
attributes of live elements. A script typed `text/plain` (consent managers
hold scripts so) counts as consent-gated. Nothing inside HTML comments,
prose, JSON-LD, `dns-prefetch`/`preconnect` links counts.
"""
import html.parser
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript",
            "application/ecmascript", "text/jscript", "text/livescript", "application/x-javascript"}

# where: src (live script src), code (live inline JS), noscript (URLs in
# <noscript>), link (stylesheet href), attr (attributes of live elements:
# scripts, ins, div, iframe, ...), frame (iframe src outside noscript).
# A service is present when one `seen` pattern matches; `ids` read settings
# (first group) wherever listed, on pages where the service is present.
Q = r"[\"']"
SIGS = {
    "google-analytics": dict(
        seen=[("src", r"google-analytics\.com/(?:analytics|ga|urchin)\.js"), ("src", r"stats\.g\.doubleclick\.net/dc\.js"),
              ("code", r"google-analytics\.com/(?:analytics|ga|urchin)\.js"), ("code", r"_gaq\.push"),
              ("code", r"\bga\(\s*" + Q + r"create"), ("code", r"gtag\(\s*" + Q + r"config" + Q + r"\s*,\s*" + Q + r"UA-"),
              ("src", r"gtag/js\?id=UA-"), ("code", r"_uacct\s*=")],
        ids=[("tracking-id", "code", r"(?<![\w-])(UA-\d{4,10}-\d{1,4})\b"), ("tracking-id", "src", r"id=(UA-\d{4,10}-\d{1,4})")],
        # a UA id a tag manager or another vendor carries is not a GA snippet's
        needs_id=True),
    "google-analytics-4": dict(
        seen=[("src", r"gtag/js\?id=G-"), ("code", r"gtag\(\s*" + Q + r"config" + Q + r"\s*,\s*" + Q + r"G-")],
        ids=[("measurement-id", "src", r"gtag/js\?id=(G-[A-Z0-9]+)"),
             ("measurement-id", "code", r"gtag\(\s*" + Q + r"config" + Q + r"\s*,\s*" + Q + r"(G-[A-Z0-9]+)")]),
    "google-ads": dict(
        seen=[("src", r"gtag/js\?id=AW-"), ("code", r"gtag\(\s*" + Q + r"config" + Q + r"\s*,\s*" + Q + r"AW-"),
              ("src", r"googleadservices\.com/pagead/conversion"), ("code", r"google_conversion_id\s*=")],
        ids=[("conversion-id", "src", r"gtag/js\?id=(AW-\d+)"),
             ("conversion-id", "code", r"gtag\(\s*" + Q + r"config" + Q + r"\s*,\s*" + Q + r"(AW-\d+)"),
             ("conversion-id", "code", r"google_conversion_id\s*=\s*(\d+)")]),
    "google-tag-manager": dict(
        seen=[("src", r"googletagmanager\.com/gtm\.js"), ("code", r"googletagmanager\.com/gtm\.js"),
              ("noscript", r"googletagmanager\.com/ns\.html")],
        ids=[("container-id", "src", r"gtm\.js\?id=(GTM-[A-Z0-9]+)"), ("container-id", "noscript", r"ns\.html\?id=(GTM-[A-Z0-9]+)"),
             ("container-id", "code", r"googletagmanager\.com/gtm\.js\?id=(GTM-[A-Z0-9]+)"),
             ("container-id", "code", Q + r"script" + Q + r"\s*,\s*" + Q + r"\w+" + Q + r"\s*,\s*" + Q + r"(GTM-[A-Z0-9]+)" + Q),
             ("container-id", "code", r"containerId" + Q + r"?\s*:\s*" + Q + r"(GTM-[A-Z0-9]+)"),
             ("container-id", "code", r"loadGTM\(\s*" + Q + r"(GTM-[A-Z0-9]+)")]),
    "google-optimize": dict(
        seen=[("src", r"googleoptimize\.com/optimize\.js"), ("code", r"optimize_id" + Q + r"?\s*:"),
              ("code", r"\bga\(\s*" + Q + r"(?:\w+\.)?require" + Q + r"\s*,\s*" + Q + r"(?:GTM|OPT)-")],
        ids=[("container-id", "src", r"optimize\.js\?id=((?:GTM|OPT)-[A-Z0-9]+)"),
             ("container-id", "code", r"optimize_id" + Q + r"?\s*:\s*" + Q + r"((?:GTM|OPT)-[A-Z0-9]+)"),
             ("container-id", "code", r"require" + Q + r"\s*,\s*" + Q + r"((?:GTM|OPT)-[A-Z0-9]+)")]),
    "google-adsense": dict(
        seen=[("src", r"pagead2\.googlesyndication\.com/pagead/(?:js/adsbygoogle|show_ads)\.js"),
              ("code", r"google_ad_client" + Q + r"?\s*[:=]")],
        ids=[("publisher-id", "attr", r"^(ca-pub-\d+)$"), ("publisher-id", "src", r"client=(ca-pub-\d+)"),
             ("publisher-id", "code", r"google_ad_client" + Q + r"?\s*[:=]\s*" + Q + r"((?:ca-)?pub-\d{10,})"),
             ("publisher-id", "code", r"AddAdSenseService\(\s*" + Q + r"(ca-pub-\d{10,})")]),
    "google-publisher-tag": dict(
        seen=[("src", r"(?:securepubads\.g\.doubleclick\.net|googletagservices\.com)/tag/js/gpt\.js"),
              ("code", r"(?:securepubads\.g\.doubleclick\.net|googletagservices\.com)/tag/js/gpt\.js")],
        ids=[("network-code", "code", r"defineSlot\(\s*" + Q + r"/(\d+)")]),
    "recaptcha": dict(
        seen=[("src", r"(?:google|recaptcha)\.(?:com|net)/recaptcha/(?:api|enterprise)\.js")],
        ids=[("site-key", "attr", r"^(6L[\w-]{38})$"), ("site-key", "src", r"render=(6L[\w-]{38})")]),
    "google-maps": dict(
        seen=[("src", r"maps\.google(?:apis)?\.com/maps/api/js")],
        ids=[("api-key", "src", r"maps/api/js\?(?:[^#]*&)?key=([\w-]+)")]),
    "google-fonts": dict(
        seen=[("link", r"fonts\.googleapis\.com/css"), ("style", r"@import\s+url\(\s*[\"']?(?:https?:)?//fonts\.googleapis\.com/css"),
              ("code", r"WebFont\.load\(\s*\{\s*google\s*:")],
        ids=[]),
    "segment": dict(
        seen=[("src", r"cdn\.segment\.(?:com|io)/analytics\.js/v1/"), ("code", r"cdn\.segment\.(?:com|io)/analytics\.js")],
        ids=[("write-key", "src", r"analytics\.js/v1/(\w+)/"), ("write-key", "code", r"analytics\.load\(\s*" + Q + r"(\w+)" + Q)]),
    "adroll": dict(seen=[("code", r"adroll_adv_id\s*=")],
                   ids=[("advertiser-id", "code", r"adroll_adv_id\s*=\s*" + Q + r"(\w+)"), ("pixel-id", "code", r"adroll_pix_id\s*=\s*" + Q + r"(\w+)")]),
    "amplitude": dict(seen=[("src", r"cdn\.amplitude\.com/"), ("code", r"cdn\.amplitude\.com/")],
                      ids=[("api-key", "code", r"\.init\(\s*" + Q + r"([0-9a-f]{32})" + Q)]),
    "kissmetrics": dict(seen=[("code", r"_kmq"), ("src", r"(?:kissmetrics\.com|doug1izaerwt3\.cloudfront\.net)/")],
                        ids=[("api-key", "code", r"_kmk\s*=\s*" + Q + r"?([0-9a-f]{40})"), ("api-key", "code", r"doug1izaerwt3\.cloudfront\.net/([0-9a-f]{40})\.1\.js"),
                             ("api-key", "src", r"doug1izaerwt3\.cloudfront\.net/([0-9a-f]{40})\.1\.js")]),
    "optimizely": dict(seen=[("src", r"cdn\.optimizely\.com/(?:js|public)/")],
                       ids=[("project-id", "src", r"cdn\.optimizely\.com/js/(\d+)\.js"), ("account-id", "src", r"cdn\.optimizely\.com/public/(\d+)/")]),
    "vwo": dict(seen=[("code", r"_vwo_code"), ("src", r"visualwebsiteoptimizer\.com/")],
                ids=[("account-id", "code", r"account_id\s*=\s*(\d+)")]),
    "quantcast": dict(seen=[("src", r"quantserve\.com/quant\.js"), ("code", r"quantserve\.com/quant\.js"), ("code", r"_qevents")],
                      ids=[("p-code", "code", r"qacct" + Q + r"?\s*:\s*" + Q + r"(p-[\w-]+)"),
                           ("p-code", "noscript", r"pixel\.quantserve\.com/pixel/(p-[\w-]+)\.gif")]),
    "hotjar": dict(seen=[("code", r"static\.hotjar\.com/c/hotjar-"), ("src", r"static\.hotjar\.com/c/hotjar-")],
                   ids=[("site-id", "code", r"hjid\s*:\s*(\d+)"), ("snippet-version", "code", r"hjsv\s*:\s*(\d+)"),
                        ("site-id", "src", r"hotjar-(\d+)\.js")]),
    "matomo": dict(seen=[("code", r"_paq\.push"), ("src", r"/(?:piwik|matomo)\.(?:js|php)")],
                   ids=[("site-id", "code", r"setSiteId" + Q + r"\s*,\s*" + Q + r"?(\d+)"),
                        ("tracker-url", "code", r"\bvar\s+u\s*=\s*" + Q + r"([^\"']+)" + Q + r"[^;]*;[\s\S]*setTrackerUrl"),
                        ("site-id", "noscript", r"/(?:piwik|matomo)\.php\?idsite=(\d+)")]),
    "yandex-metrica": dict(seen=[("src", r"mc\.yandex\.ru/metrika/"), ("code", r"mc\.yandex\.ru/metrika/"), ("noscript", r"mc\.yandex\.ru/watch/")],
                           ids=[("counter-id", "code", r"\bym\(\s*(\d+)\s*,\s*" + Q + r"init"), ("counter-id", "code", r"yaCounter(\d+)\b"),
                                ("counter-id", "noscript", r"mc\.yandex\.ru/watch/(\d+)")]),
    "chartbeat": dict(seen=[("src", r"static\.chartbeat\.com/js/"), ("code", r"static\.chartbeat\.com/js/")],
                      ids=[("uid", "code", r"\buid\s*[:=]\s*" + Q + r"?(\d+)"),
                           ("domain", "code", r"(?<!document\.)\bdomain\s*[:=]\s*(?:" + Q + Q + r"\s*\|\|\s*)?" + Q + r"([\w.-]+)" + Q)]),
    "statcounter": dict(seen=[("src", r"statcounter\.com/counter/counter"), ("code", r"sc_project\s*=")],
                        ids=[("project", "code", r"sc_project\s*=\s*(\d+)"), ("security", "code", r"sc_security\s*=\s*" + Q + r"(\w+)")]),
    "hubspot": dict(seen=[("src", r"js\.hs-scripts\.com/\d+\.js"), ("src", r"js\.hs-analytics\.net/analytics/"), ("src", r"js\.hsforms\.net/")],
                    ids=[("portal-id", "src", r"js\.hs-scripts\.com/(\d+)\.js"), ("portal-id", "src", r"hs-analytics\.net/analytics/\d+/(\d+)\.js")]),
    "marketo": dict(seen=[("src", r"munchkin\.marketo\.net/"), ("code", r"munchkin\.marketo\.net/")],
                    ids=[("munchkin-id", "code", r"Munchkin\.init\(\s*" + Q + r"(\d{3}-[A-Z]{3}-\d{3})" + Q)]),
    "tealium": dict(seen=[("src", r"tags\.tiqcdn\.com/utag/"), ("code", r"tags\.tiqcdn\.com/utag/")],
                    ids=[("account", "any", r"tiqcdn\.com/utag/([\w-]+)/"), ("profile", "any", r"tiqcdn\.com/utag/[\w-]+/([\w.-]+)/"),
                         ("environment", "any", r"tiqcdn\.com/utag/[\w-]+/[\w.-]+/([\w-]+)/utag")]),
    "adobe-launch": dict(seen=[("src", r"assets\.adobedtm\.com/"), ("code", r"assets\.adobedtm\.com/")],
                         ids=[("property", "any", r"adobedtm\.com/(?:[\w-]+/)*(launch-EN[0-9a-f]+)(?:-[a-z]+)?(?:\.min)?\.js")]),
    "intercom": dict(seen=[("src", r"widget\.intercom\.io/widget/"), ("code", r"widget\.intercom\.io/widget/"), ("code", r"intercomSettings")],
                     ids=[("app-id", "code", r"app_id\s*:\s*" + Q + r"(\w+)"), ("app-id", "any", r"widget\.intercom\.io/widget/(\w+)")]),
    "sentry": dict(seen=[("src", r"(?:browser\.sentry-cdn\.com|js\.sentry-cdn\.com)/"), ("code", r"Sentry\.init\("), ("code", r"Raven\.config\(")],
                   ids=[("dsn", "code", r"(https://\w+@[\w.-]+/\d+)")]),
    "new-relic": dict(seen=[("code", r"NREUM"), ("src", r"js-agent\.newrelic\.com/")],
                      ids=[("application-id", "code", r"applicationID" + Q + r"?\s*[:=]\s*" + Q + r"([\d,]+)"),
                           ("license-key", "code", r"licenseKey" + Q + r"?\s*[:=]\s*" + Q + r"([\w-]+)")]),
    "facebook-pixel": dict(seen=[("code", r"connect\.facebook\.net/[\w_]+/fbevents\.js"), ("src", r"connect\.facebook\.net/[\w_]+/fbevents\.js"),
                                 ("code", r"\bfbq\(\s*" + Q + r"init"), ("noscript", r"facebook\.com/tr\?id=")],
                           ids=[("pixel-id", "code", r"\bfbq\(\s*" + Q + r"init" + Q + r"\s*,\s*" + Q + r"?(\d{6,})"),
                                ("pixel-id", "noscript", r"facebook\.com/tr\?id=(\d{6,})")]),
    "facebook-sdk": dict(seen=[("src", r"connect\.facebook\.net/[\w_]+/(?:sdk|all)(?:/debug)?\.js"),
                               ("code", r"connect\.facebook\.net/[\w_]+/(?:sdk|all)(?:/debug)?\.js")],
                         ids=[("app-id", "code", r"appId" + Q + r"?\s*:\s*" + Q + r"?(\d{6,})"), ("app-id", "any", r"[?#&]appId=(\d{6,})"),
                              ("sdk-version", "code", r"version\s*:\s*" + Q + r"(v\d+\.\d+)" + Q), ("sdk-version", "any", r"sdk\.js#[^\"']*?version=(v\d+\.\d+)")]),
    "twitter-widgets": dict(seen=[("src", r"platform\.twitter\.com/widgets\.js"), ("code", r"platform\.twitter\.com/widgets\.js")], ids=[]),
    "twitter-pixel": dict(seen=[("src", r"static\.ads-twitter\.com/uwt\.js"), ("code", r"static\.ads-twitter\.com/uwt\.js")],
                          ids=[("pixel-id", "code", r"twq\(\s*" + Q + r"init" + Q + r"\s*,\s*" + Q + r"(\w+)")]),
    "linkedin-insight": dict(seen=[("code", r"_linkedin_partner_id"), ("src", r"snap\.licdn\.com/li\.lms-analytics/")],
                             ids=[("partner-id", "code", r"_linkedin_partner_id\s*=\s*" + Q + r"?(\d+)")]),
    "pinterest-tag": dict(seen=[("code", r"s\.pinimg\.com/ct/core\.js"), ("code", r"pintrk\(\s*" + Q + r"load"), ("noscript", r"ct\.pinterest\.com/v3/\?tid=")],
                          ids=[("tag-id", "code", r"pintrk\(\s*" + Q + r"load" + Q + r"\s*,\s*" + Q + r"(\d+)"), ("tag-id", "noscript", r"ct\.pinterest\.com/v3/\?tid=(\d+)")]),
    "microsoft-uet": dict(seen=[("code", r"bat\.bing\.com/bat\.js"), ("src", r"bat\.bing\.com/bat\.js")],
                          ids=[("tag-id", "code", r"\bti\s*:\s*" + Q + r"?(\d+)")]),
    "criteo": dict(seen=[("src", r"static\.criteo\.net/js/ld/ld\.js"), ("src", r"dynamic\.criteo\.com/js/ld/ld\.js"),
                         ("code", r"criteo_q"), ("src", r"static\.criteo\.net/js/ld/publishertag\.js")],
                   ids=[("account", "code", r"setAccount" + Q + r"?\s*,\s*account\s*:\s*" + Q + r"?(\d+)"), ("account", "src", r"ld\.js\?a=(\d+)")]),
    "taboola": dict(seen=[("src", r"cdn\.taboola\.com/libtrc/"), ("code", r"cdn\.taboola\.com/libtrc/")],
                    ids=[("publisher", "any", r"cdn\.taboola\.com/libtrc/([\w-]+)/loader\.js")]),
    "outbrain": dict(seen=[("src", r"widgets\.outbrain\.com/outbrain\.js"), ("code", r"widgets\.outbrain\.com/outbrain\.js")], ids=[]),
    "addthis": dict(seen=[("src", r"addthis\.com/js/\d+/addthis_widget\.js"), ("code", r"addthis\.com/js/\d+/addthis_widget\.js")],
                    ids=[("pub-id", "any", r"addthis_widget\.js#pubid=([\w-]+)"), ("pub-id", "code", r"\bpubid\s*[:=]\s*" + Q + r"(ra-[\w]+)")]),
    "sharethis": dict(seen=[("src", r"sharethis\.com/(?:js/sharethis\.js|button/buttons\.js)")],
                      ids=[("property", "src", r"sharethis\.js#property=(\w+)")]),
    "disqus": dict(seen=[("src", r"\.disqus\.com/(?:embed|count)\.js"), ("code", r"\.disqus\.com/(?:embed|count)\.js"),
                         ("code", r"disqus_shortname\s*=")],
                   ids=[("shortname", "any", r"//([\w-]+)\.disqus\.com/(?:embed|count)\.js"),
                        ("shortname", "code", r"disqus_shortname\s*=\s*" + Q + r"([\w-]+)")]),
    "onetrust": dict(seen=[("src", r"cdn\.cookielaw\.org/|optanon\.blob\.core\.windows\.net/|cookie-cdn\.cookiepro\.com/")],
                     ids=[("domain-script", "attr", r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:-test)?)$"),
                          ("domain-script", "src", r"cookielaw\.org/consent/([0-9a-f-]{36}(?:-test)?)\.js")]),
    "cookiebot": dict(seen=[("src", r"consent\.cookiebot\.com/uc\.js")],
                      ids=[("domain-group-id", "attr", r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")]),
    "adobe-fonts": dict(seen=[("src", r"use\.typekit\.net/\w+\.js"), ("link", r"use\.typekit\.net/\w+\.css"), ("code", r"use\.typekit\.net/\w+\.js")],
                        ids=[("kit-id", "any", r"use\.typekit\.net/(\w+)\.(?:js|css)")]),
    "crazy-egg": dict(seen=[("src", r"script\.crazyegg\.com/pages/scripts/"), ("code", r"script\.crazyegg\.com/pages/scripts/")],
                      ids=[("account", "any", r"crazyegg\.com/pages/scripts/(\d{4}/\d{4})\.js")]),
    "mouseflow": dict(seen=[("src", r"cdn\.mouseflow\.com/projects/"), ("code", r"cdn\.mouseflow\.com/projects/")],
                      ids=[("website-id", "any", r"mouseflow\.com/projects/([0-9a-f-]{36})\.js")]),
    "microsoft-clarity": dict(seen=[("code", r"clarity\.ms/tag/"), ("src", r"clarity\.ms/tag/")], ids=[("project-id", "any", r"clarity\.ms/tag/(\w+)")]),
}
# Services of the catalog no page here shows are still looked for, by their host.
for name, host in {
    "alexa": r"d31qbv1cthcecs\.cloudfront\.net/atrk\.js", "customerio": r"assets\.customer\.io/assets/track\.js",
    "drip": r"tag\.getdrip\.com/", "fullstory": r"fullstory\.com/s/fs\.js|edge\.fullstory\.com/", "heap": r"cdn\.heapanalytics\.com/",
    "inspectlet": r"cdn\.inspectlet\.com/", "keen": r"keen-tracking|d26b395fwzu5fz\.cloudfront\.net/keen", "lytics": r"c\.lytics\.io\b",
    "mixpanel": r"cdn\.mxpnl\.com/|cdn4\.mxpnl\.com/", "olark": r"static\.olark\.com/", "totango": r"totango\.com/totango",
    "trackjs": r"cdn\.trackjs\.com/", "woopra": r"static\.woopra\.com/", "plausible": r"plausible\.io/js/", "fathom": r"cdn\.usefathom\.com/",
    "cloudflare-web-analytics": r"static\.cloudflareinsights\.com/beacon", "posthog": r"posthog", "umami": r"umami\.is/|/umami\.js",
    "simple-analytics": r"simpleanalyticscdn\.com/", "vercel-analytics": r"/_vercel/insights/", "baidu-analytics": r"hm\.baidu\.com/hm\.js",
    "smartlook": r"rec\.smartlook\.com/", "logrocket": r"cdn\.(?:lr-ingest\.io|logrocket\.io)/", "pendo": r"cdn\.pendo\.io/",
    "pardot": r"pi\.pardot\.com/pd\.js|piAId", "klaviyo": r"static\.klaviyo\.com/", "drift": r"js\.driftt\.com/",
    "crisp": r"client\.crisp\.chat/", "zendesk-chat": r"static\.zdassets\.com/ekr/snippet\.js|v2\.zopim\.com/", "tawk": r"embed\.tawk\.to/",
    "livechat": r"cdn\.livechatinc\.com/", "tidio": r"code\.tidio\.co/", "freshchat": r"wchat\.freshchat\.com/",
    "bugsnag": r"d2wy8f7a9ursnm\.cloudfront\.net/|bugsnag", "rollbar": r"_rollbarConfig", "datadog-rum": r"datadoghq-browser-agent\.com/",
    "tiktok-pixel": r"analytics\.tiktok\.com/i18n/pixel", "snap-pixel": r"sc-static\.net/scevent\.min\.js", "stripe": r"js\.stripe\.com/v\d",
    "paypal": r"paypal\.com/sdk/js|paypalobjects\.com/api/checkout", "calendly": r"assets\.calendly\.com/", "typeform": r"embed\.typeform\.com/",
}.items():
    SIGS[name] = dict(seen=[("src", host), ("code", host)], ids=[], unlabelled_ids=True)


class Page(html.parser.HTMLParser):
    """The live parts of a page, as a browser would run them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []  # (where, text, consent_gated)
        self.script = None
        self.style = False
        self.noscript = 0

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if self.noscript:
            for k in ("src", "href", "data-src"):
                if a.get(k):
                    self.parts.append(("noscript", a[k], False))
        if tag == "noscript":
            self.noscript += 1
        elif tag == "script":
            kind = a.get("type", "").strip().lower()
            gated = kind == "text/plain"
            live = kind in JS_TYPES or gated
            self.script = (live, gated, [])
            if live:
                src = a.get("src") or (a.get("data-src") if gated else "")
                if src:
                    self.parts.append(("src", src, gated))
                for k, v in a.items():
                    if k not in ("src", "type") and v:
                        self.parts.append(("attr", v, gated))
        elif tag == "style":
            self.style = True
        elif tag == "link" and "stylesheet" in a.get("rel", "").lower().split() and not self.noscript:
            self.parts.append(("link", a.get("href", ""), False))
        elif tag == "iframe" and not self.noscript:
            self.parts.append(("frame", a.get("src", ""), False))
        if tag in ("ins", "div", "iframe", "button", "form", "span", "a"):
            for k, v in a.items():
                if k.startswith("data-") and v:
                    self.parts.append(("attr", v, False))

    def handle_endtag(self, tag):
        if tag == "script" and self.script:
            live, gated, text = self.script
            if live and text:
                self.parts.append(("code", strip_js_comments("".join(text)), gated))
            self.script = None
        elif tag == "style":
            self.style = False
        elif tag == "noscript" and self.noscript:
            self.noscript -= 1

    def handle_data(self, data):
        if self.script:
            self.script[2].append(data)
        elif self.style:
            self.parts.append(("style", data, False))
        elif self.noscript and "<" in data:
            # html.parser keeps <noscript> markup; a pixel written as text is read as markup
            for m in re.finditer(r"""(?:src|href)\s*=\s*["']([^"']+)""", data):
                self.parts.append(("noscript", m.group(1), False))


def strip_js_comments(code):
    """JavaScript with its comments blanked (strings and regex-free enough for snippets)."""
    out, i, n = [], 0, len(code)
    while i < n:
        c = code[i]
        if c in "\"'`":
            j = i + 1
            while j < n and code[j] != c:
                j += 2 if code[j] == "\\" else 1
            out.append(code[i:j + 1])
            i = j + 1
        elif code.startswith("//", i) and (i == 0 or code[i - 1] not in ":\\"):
            j = code.find("\n", i)
            i = n if j < 0 else j
        elif code.startswith("/*", i):
            j = code.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif code.startswith("<!--", i):
            i += 4
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read(path):
    raw = path.read_bytes()
    m = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", raw[:4096], re.I)
    for enc in ([m.group(1).decode()] if m else []) + ["utf-8", "windows-1252"]:
        try:
            return raw.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", "replace")


def propose(path):
    page = Page()
    page.feed(read(path))
    page.close()
    found = {}
    for name, sig in SIGS.items():
        hits = [(w, g) for where, pat in sig["seen"] for (w, text, g) in page.parts
                if w == where and re.search(pat, text, re.I)]
        if not hits:
            continue
        settings = {}
        for key, where, pat in sig["ids"]:
            for w, text, _ in page.parts:
                if where == w or (where == "any" and w in ("src", "code", "noscript", "link")):
                    for m in re.finditer(pat, text):
                        settings.setdefault(key, [])
                        if m.group(1) not in settings[key]:
                            settings[key].append(m.group(1))
        if sig.get("needs_id") and not settings:
            continue
        found[name] = {"consent-gated": all(g for _, g in hits), "settings": settings}
        if sig.get("unlabelled_ids"):
            found[name]["settings-unread"] = True
    return found


def main():
    truth_path = HERE / "truth.json"
    truth = json.loads(truth_path.read_text()) if truth_path.exists() else {}
    overrides = truth.get("overrides", {})
    ids = [line.split("\t")[0] for line in (HERE / "manifest.tsv").read_text().splitlines()[1:]]
    files = {}
    for pid in ids:
        path = HERE / "files" / f"{pid}.html"
        if not path.exists():
            sys.exit(f"{path}: missing; run gather.sh first")
        found = propose(path)
        if "--review" in sys.argv:
            for name, d in sorted(found.items()):
                print(pid, name, json.dumps(d["settings"]), "gated" if d["consent-gated"] else "")
        for name, fix in overrides.get(pid, {}).items():
            if fix is None:
                found.pop(name, None)
            else:
                found[name] = {"consent-gated": fix.get("consent-gated", False), "settings": fix.get("settings", {})}
        files[pid] = {k: {kk: vv for kk, vv in v.items() if kk != "settings-unread"} for k, v in sorted(found.items())}
    truth = {
        "about": "Services and settings per page (ids of manifest.tsv): label.py proposes them from its own reading of each page; `overrides` holds the hand decisions that correct a proposal; `hand` records what was read by hand. Regenerate: gather.sh, then label.py (keeps about, hand and overrides).",
        "hand": truth.get("hand", []),
        "overrides": overrides,
        "files": files,
    }
    truth_path.write_text(json.dumps(truth, indent=1, ensure_ascii=False, sort_keys=False) + "\n")
    services = sum(len(v) for v in files.values())
    settings = sum(len(vals) for v in files.values() for d in v.values() for vals in d["settings"].values())
    print(f"{len(files)} pages, {services} services, {settings} settings -> {truth_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
