"""How fast do the concept pages open, compared with a page that imports TensorFlow?

Each measurement is a cold start: a fresh Python process imports Streamlit, runs ``app.py``
switched to the page through ``streamlit.testing.v1.AppTest`` (the same path the page tests use),
and reports how long that took and which modules it loaded. The parent also times the whole
process (interpreter start-up included). The TensorFlow reference is a trivial one-line page that
imports ``tensorflow`` (its cost is the import and nothing else), and, when it imports TensorFlow,
the Train page.

Usage::

    python bench/page_open.py                   # 3 cold runs per page, table + JSON
    python bench/page_open.py --repeat 5 --json bench_page_open.json
    python bench/page_open.py --pages pages/03_activation.py

Prints a table (median of the runs) with the ratio of each page's time to the TensorFlow page,
then the raw figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONCEPT_PAGES = [
    "pages/01_inputs.py",
    "pages/02_convolution.py",
    "pages/03_activation.py",
    "pages/04_pooling.py",
    "pages/05_fully_connected.py",
]
TF_PAGE = "pages/08_train.py"
# Reference pages given as source: the smallest page possible, without and with TensorFlow.
TRIVIAL = "import streamlit as st\nst.write(1)\n"
TRIVIAL_TF = "import tensorflow as tf\nimport streamlit as st\nst.write(len(tf.__version__))\n"
REFERENCE = "trivial page + import tensorflow"

# Runs in the child process. Times are taken before the first heavy import.
CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from streamlit.testing.v1 import AppTest
imported = time.perf_counter()
target, source = sys.argv[1], sys.argv[2]
if source:
    at = AppTest.from_string(source, default_timeout=300)
else:
    at = AppTest.from_file("app.py", default_timeout=300)
    at.query_params["lang"] = "en"
    at.switch_page(target)
at.run()
done = time.perf_counter()
print(json.dumps({
    "script_s": done - imported,
    "in_process_s": done - start,
    "modules": len(sys.modules),
    "tensorflow": "tensorflow" in sys.modules,
    "keras": "keras" in sys.modules,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "exceptions": [str(e.value)[:200] for e in at.exception],
}))
"""


def measure(target: str, source: str = "") -> dict:
    """One cold run of ``target`` (a page path, or a label when ``source`` is given)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    data_dir = ROOT.parent / "shared" / "data"
    if "CNN_STUDIO_DATA" not in env and (data_dir / "cifar10.npz").exists():
        env["CNN_STUDIO_DATA"] = str(data_dir)
    begin = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), target, source],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.perf_counter() - begin
    if result.returncode != 0:
        raise RuntimeError(f"{target} failed:\n{result.stderr[-2000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["process_s"] = wall
    return figures


def summarize(runs: list[dict]) -> dict:
    """Median (and min) of the timings; the module facts of the last run."""
    out = {}
    for field in ("process_s", "in_process_s", "script_s", "peak_rss_mb"):
        values = [r[field] for r in runs]
        out[field] = statistics.median(values)
        out[f"{field}_min"] = min(values)
    for field in ("modules", "tensorflow", "keras", "exceptions"):
        out[field] = runs[-1][field]
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per page (default 3)")
    parser.add_argument("--pages", nargs="*", default=None, help="page files to measure")
    parser.add_argument("--json", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args(argv)

    pages = args.pages or [p for p in CONCEPT_PAGES if (ROOT / p).exists()]
    targets: list[tuple[str, str]] = [("trivial page", TRIVIAL), (REFERENCE, TRIVIAL_TF)]
    targets += [(page, "") for page in pages]
    if (ROOT / TF_PAGE).exists() and TF_PAGE not in pages:
        targets.append((TF_PAGE, ""))

    results: dict[str, dict] = {}
    # Interleave the pages (round-robin) so a slow spell on the shared machine hits all alike.
    raw: dict[str, list[dict]] = {name: [] for name, _ in targets}
    for round_index in range(args.repeat):
        for name, source in targets:
            print(f"  run {round_index + 1}/{args.repeat}: {name}", file=sys.stderr, flush=True)
            raw[name].append(measure(name, source))
    for name, runs in raw.items():
        results[name] = summarize(runs)
        results[name]["runs"] = runs

    reference = results[REFERENCE]["process_s"]
    header = (
        f"{'page':34} {'process s':>9} {'script s':>9} {'vs TF':>6} {'modules':>8} "
        f"{'TF?':>4} {'RSS MB':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        r["ratio_to_tf_page"] = r["process_s"] / reference
        print(
            f"{name:34} {r['process_s']:9.2f} {r['script_s']:9.2f} "
            f"{r['ratio_to_tf_page']:6.2f} {r['modules']:8d} "
            f"{'yes' if r['tensorflow'] else 'no':>4} {r['peak_rss_mb']:7.0f}"
        )
        if r["exceptions"]:
            print(f"    exceptions: {r['exceptions']}")
    print(
        f"\nMedian of {args.repeat} cold runs each; 'process s' = fresh interpreter to page "
        f"drawn, 'script s' = AppTest run after importing Streamlit, 'vs TF' = process time / "
        f"'{REFERENCE}'."
    )
    report = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "repeat": args.repeat,
        "reference": REFERENCE,
        "results": results,
    }
    print(json.dumps(report, indent=1, default=float))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=float))
    return report


if __name__ == "__main__":
    main()
