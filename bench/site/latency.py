#!/usr/bin/env python3
"""Save-to-output latency of a running dev server or watcher.

Appends a unique line to SOURCE, then polls OUTPUT (every millisecond)
until the line's text appears there; repeats RUNS times with a pause
between saves, and prints the median, min and max in milliseconds. With
--events URL (workbench serve's server-sent events) it also times the
`reload` event a browser tab would get.

usage: latency.py SOURCE OUTPUT [--runs N] [--events URL] [--label NAME]
"""
import argparse
import http.client
import os
import statistics
import sys
import threading
import time
import urllib.parse


def listen(url, reloads):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    connection.request("GET", parts.path)
    response = connection.getresponse()
    while True:
        line = response.readline()
        if not line:
            return
        if line.strip() == b"event: reload":
            reloads.append(time.perf_counter())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("output")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--events")
    parser.add_argument("--label", default="")
    parser.add_argument("--pause", type=float, default=1.0)
    args = parser.parse_args()

    reloads = []
    if args.events:
        threading.Thread(target=listen, args=(args.events, reloads), daemon=True).start()
        time.sleep(0.5)

    original = open(args.source, encoding="utf-8").read()
    to_disk, to_event = [], []
    try:
        for run in range(args.runs):
            marker = f"latency marker {os.getpid()} {run} {time.time_ns()}"
            seen_events = len(reloads)
            started = time.perf_counter()
            with open(args.source, "w", encoding="utf-8") as source:
                source.write(original + f"\n{marker}\n")
            deadline = started + 30
            while True:
                try:
                    with open(args.output, encoding="utf-8", errors="replace") as output:
                        if marker in output.read():
                            break
                except FileNotFoundError:
                    pass
                if time.perf_counter() > deadline:
                    sys.exit(f"{args.label}: {args.output} never showed the edit")
                time.sleep(0.001)
            to_disk.append((time.perf_counter() - started) * 1000)
            if args.events:
                while len(reloads) <= seen_events and time.perf_counter() < deadline:
                    time.sleep(0.001)
                if len(reloads) > seen_events:
                    to_event.append((reloads[seen_events] - started) * 1000)
            time.sleep(args.pause)
    finally:
        with open(args.source, "w", encoding="utf-8") as source:
            source.write(original)

    def summary(values):
        return f"median {statistics.median(values):7.1f} ms  (min {min(values):.1f}, max {max(values):.1f}, n={len(values)})"

    print(f"{args.label:<28} save -> HTML on disk: {summary(to_disk)}")
    if to_event:
        print(f"{args.label:<28} save -> reload event: {summary(to_event)}")


if __name__ == "__main__":
    main()
