#!/usr/bin/env python3
"""Scores `workbench detect` against truth.json, per service.

    bench/detect/corpus/score.py                      # build/workbench
    bench/detect/corpus/score.py --workbench PATH     # another binary
    bench/detect/corpus/score.py --disagreements      # list every one
    bench/detect/corpus/score.py --plugin OLD.wasm    # an older services plugin

Presence: a (page, service) pair is a hit when both say the service is
there, a miss when only the truth does, a false alarm when only workbench
does. Settings: (page, service, key, value) quadruples, the same way, over
the keys the truth labels.
"""
import argparse
import collections
import json
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent


def detect(binary, plugins, pages):
    listing = "\n".join(str(p) for p in pages) + "\n"
    cmd = [binary, "detect", "--format", "ndjson", "--list", "-"]
    for p in plugins:
        cmd += ["--plugin", p]
    out = subprocess.run(cmd, input=listing, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)}: exit {out.returncode}\n{out.stderr}")
    found = {}
    for line in out.stdout.splitlines():
        record = json.loads(line)
        pid = pathlib.Path(record["target"]).stem
        found[pid] = {
            d["service"]: {"_settings": {(s["key"], s["value"]) for s in d["settings"]}, "_gated": d["consent-gated"]}
            for d in record["detections"]
        }
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workbench", default=str(ROOT / "build" / "workbench"))
    ap.add_argument("--plugin", action="append", default=[])
    ap.add_argument("--disagreements", action="store_true")
    args = ap.parse_args()
    truth = json.loads((HERE / "truth.json").read_text())["files"]
    pages = [HERE / "files" / f"{pid}.html" for pid in truth]
    missing = [p for p in pages if not p.exists()]
    if missing:
        sys.exit(f"{missing[0]}: missing; run gather.sh first")
    found = detect(args.workbench, args.plugin, pages)

    presence = collections.defaultdict(lambda: [0, 0, 0])  # hits, misses, false alarms
    settings = collections.defaultdict(lambda: [0, 0, 0])
    gated = [0, 0]
    lines = []
    for pid, labels in truth.items():
        got = found.get(pid, {})
        for service in sorted(set(labels) | set(got)):
            want, have = labels.get(service), got.get(service)
            if want and have:
                presence[service][0] += 1
                gated[0] += 1
                if want["consent-gated"] != have["_gated"]:
                    gated[1] += 1
                    lines.append(f"{pid} {service}: consent-gated {have['_gated']}, truth {want['consent-gated']}")
            elif want:
                presence[service][1] += 1
                lines.append(f"{pid} {service}: missed")
            else:
                presence[service][2] += 1
                lines.append(f"{pid} {service}: false alarm {sorted(have['_settings'])}")
            if not want:
                continue
            labelled = set(want["settings"])
            want_set = {(k, v) for k, vs in want["settings"].items() for v in vs}
            have_set = {(k, v) for k, v in (have or {"_settings": set()})["_settings"] if k in labelled}
            for kv in want_set & have_set:
                settings[service][0] += 1
            for kv in sorted(want_set - have_set):
                settings[service][1] += 1
                lines.append(f"{pid} {service}: setting missed {kv[0]}={kv[1]}")
            for kv in sorted(have_set - want_set):
                settings[service][2] += 1
                lines.append(f"{pid} {service}: setting wrong {kv[0]}={kv[1]}")

    def table(title, counts):
        print(f"\n{title}\n")
        print("| service | truth | hits | misses | false alarms | precision | recall |")
        print("|---|---|---|---|---|---|---|")
        total = [0, 0, 0]
        for service, (h, m, f) in sorted(counts.items(), key=lambda kv: (-sum(kv[1][:2]), kv[0])):
            total = [total[0] + h, total[1] + m, total[2] + f]
            print(f"| {service} | {h + m} | {h} | {m} | {f} | {ratio(h, h + f)} | {ratio(h, h + m)} |")
        h, m, f = total
        p, r = (h / (h + f) if h + f else 1), (h / (h + m) if h + m else 1)
        f1 = 2 * p * r / (p + r) if p + r else 0
        print(f"| **all** | {h + m} | {h} | {m} | {f} | {p:.3f} | {r:.3f} |")
        print(f"\n{title}: precision {p:.3f}, recall {r:.3f}, F1 {f1:.3f}")

    print(f"{len(truth)} pages")
    table("Presence", presence)
    table("Settings", settings)
    print(f"\nconsent-gated mark agrees on {gated[0] - gated[1]} of {gated[0]} services found by both")
    if args.disagreements:
        print("\nDisagreements:")
        print("\n".join(lines) or "none")


def ratio(a, b):
    return f"{a / b:.3f}" if b else "-"


if __name__ == "__main__":
    main()
