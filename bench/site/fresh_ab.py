#!/usr/bin/env python3
"""Two workbench binaries, fresh builds of the same generated site, run
alternately (old, new, new, old, ...) so drift on a shared machine falls
on both alike; hyperfine runs one command's runs back to back.

usage: bench/site/fresh_ab.py OLD_BINARY NEW_BINARY [PAGES [RUNS]]
(default 10000 pages, 20 runs each, on /dev/shm)
"""
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

old, new = (os.path.realpath(path) for path in sys.argv[1:3])
pages = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 20
here = os.path.dirname(os.path.realpath(__file__))
work = tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
try:
    subprocess.run([sys.executable, f"{here}/generate.py", f"{work}/generated", str(pages)], check=True, stdout=subprocess.DEVNULL)
    binaries = {"old": old, "new": new}
    for who in binaries:
        shutil.copytree(f"{work}/generated/workbench", f"{work}/{who}")

    def build(who):
        env = {**os.environ, "WORKBENCH_CACHE_DIR": f"{work}/cache-{who}"}
        subprocess.run([binaries[who], "build", "--quiet"], cwd=f"{work}/{who}", env=env, check=True)

    for who in binaries:  # untimed: compiles the plugins into each cache
        build(who)
    times = {"old": [], "new": []}
    for run in range(runs):
        for who in ("old", "new") if run % 2 == 0 else ("new", "old"):
            shutil.rmtree(f"{work}/{who}/build", ignore_errors=True)
            for path in glob.glob(f"{work}/{who}/.build.*"):
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
            started = time.perf_counter()
            build(who)
            times[who].append(time.perf_counter() - started)
    o, n = statistics.median(times["old"]), statistics.median(times["new"])
    print(f"{pages} pages, fresh, medians of {runs} alternating runs: old {o:.3f} s, new {n:.3f} s, new/old {n / o:.3f}")
finally:
    shutil.rmtree(work, ignore_errors=True)
