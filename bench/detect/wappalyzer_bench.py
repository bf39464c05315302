"""python-Wappalyzer over the same pages as `workbench detect`, for
bench/detect/run.sh: each file is analyzed as a response body (no headers)
with the technologies file the package bundles (no network)."""
import sys
import warnings

warnings.filterwarnings("ignore")
from Wappalyzer import Wappalyzer, WebPage  # noqa: E402

wappalyzer = Wappalyzer.latest()
found = 0
files = sys.argv[1:]
for path in files:
    with open(path, "rb") as handle:
        html = handle.read().decode("utf-8", "replace")
    page = WebPage("https://example.com/" + path, html, {})
    found += len(wappalyzer.analyze(page))
print(f"{len(files)} pages, {found} technologies")
