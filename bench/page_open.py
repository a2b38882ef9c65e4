"""How fast do the pages open and show their title, compared with a page that imports TensorFlow?

Each measurement is a cold start: a fresh Python process imports Streamlit, runs ``app.py``
switched to the page through ``streamlit.testing.v1.AppTest`` (the same path the page tests use),
and reports how long that took and which modules it loaded. The parent also times the whole
process (interpreter start-up included). The TensorFlow reference is a trivial one-line page that
imports ``tensorflow`` (its cost is the import and nothing else).

The pages that need TensorFlow (Train, Evaluate, Classify) must still show their title and
introduction at once: for every page the child also notes when the page called ``st.title`` and
its first ``st.markdown`` after it (the introduction), counted from the start of the process, and
whether TensorFlow was already imported at that moment. Goal: title and introduction within 1.5 s,
before TensorFlow.

Usage::

    python bench/page_open.py                   # 3 cold runs per page, table + JSON
    python bench/page_open.py --repeat 5 --json bench_page_open.json
    python bench/page_open.py --pages pages/03_activation.py
    python bench/page_open.py --repeat 1 --pages pages/09_evaluate.py --no-reference

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
# Pages that import TensorFlow, after drawing their title and introduction.
TF_PAGES = ["pages/08_train.py", "pages/09_evaluate.py", "pages/10_classify.py"]
# Reference pages given as source: the smallest page possible, without and with TensorFlow.
TRIVIAL = "import streamlit as st\nst.write(1)\n"
TRIVIAL_TF = "import tensorflow as tf\nimport streamlit as st\nst.write(len(tf.__version__))\n"
REFERENCE = "trivial page + import tensorflow"

# Runs in the child process. Times are taken before the first heavy import.
CHILD = """
import json, resource, sys, time
start = time.perf_counter()
import streamlit as st
from streamlit.testing.v1 import AppTest
imported = time.perf_counter()
marks = {}


def _watch(name, after=None):
    # Notes the first call of st.<name> (after st.<after>, if given): wall time and TF state.
    real = getattr(st, name)

    def wrapper(*args, **kwargs):
        if name not in marks and (after is None or after in marks):
            marks[name] = {"wall": time.time(), "tensorflow": "tensorflow" in sys.modules}
        return real(*args, **kwargs)

    setattr(st, name, wrapper)


_watch("title")
_watch("markdown", after="title")
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
    "marks": marks,
}))
"""


def measure(target: str, source: str = "") -> dict:
    """One cold run of ``target`` (a page path, or a label when ``source`` is given)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    data_dir = ROOT.parent / "shared" / "data"
    if "CNN_STUDIO_DATA" not in env and (data_dir / "cifar10.npz").exists():
        env["CNN_STUDIO_DATA"] = str(data_dir)
    begin = time.perf_counter()
    begin_wall = time.time()
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
    marks = figures.pop("marks")
    for name, field in (("title", "title"), ("markdown", "intro")):
        mark = marks.get(name)
        figures[f"{field}_s"] = None if mark is None else mark["wall"] - begin_wall
        figures[f"tensorflow_before_{field}"] = None if mark is None else mark["tensorflow"]
    return figures


def summarize(runs: list[dict]) -> dict:
    """Median (and min) of the timings; the module facts of the last run."""
    out = {}
    for field in ("process_s", "in_process_s", "script_s", "peak_rss_mb", "title_s", "intro_s"):
        values = [r[field] for r in runs if r.get(field) is not None]
        out[field] = statistics.median(values) if values else None
        out[f"{field}_min"] = min(values) if values else None
    for field in ("tensorflow_before_title", "tensorflow_before_intro"):
        out[field] = any(r.get(field) for r in runs)
    for field in ("modules", "tensorflow", "keras", "exceptions"):
        out[field] = runs[-1][field]
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per page (default 3)")
    parser.add_argument("--pages", nargs="*", default=None, help="page files to measure")
    parser.add_argument("--json", type=Path, default=None, help="also write the JSON here")
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the two trivial reference pages"
    )
    args = parser.parse_args(argv)

    pages = args.pages or [p for p in CONCEPT_PAGES + TF_PAGES if (ROOT / p).exists()]
    targets: list[tuple[str, str]] = [(page, "") for page in pages]
    if not args.no_reference:
        targets = [("trivial page", TRIVIAL), (REFERENCE, TRIVIAL_TF), *targets]

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

    reference = results[REFERENCE]["process_s"] if REFERENCE in results else None
    header = (
        f"{'page':34} {'title s':>8} {'intro s':>8} {'TF first?':>9} {'process s':>9} "
        f"{'script s':>9} {'vs TF':>6} {'modules':>8} {'TF?':>4} {'RSS MB':>7}"
    )
    print(header)
    print("-" * len(header))

    def seconds(value) -> str:
        return "-" if value is None else f"{value:.2f}"

    for name, r in results.items():
        r["ratio_to_tf_page"] = r["process_s"] / reference if reference else None
        tf_first = r["tensorflow_before_title"] or r["tensorflow_before_intro"]
        print(
            f"{name:34} {seconds(r['title_s']):>8} {seconds(r['intro_s']):>8} "
            f"{'YES' if tf_first else 'no':>9} {r['process_s']:9.2f} {r['script_s']:9.2f} "
            f"{seconds(r['ratio_to_tf_page']):>6} {r['modules']:8d} "
            f"{'yes' if r['tensorflow'] else 'no':>4} {r['peak_rss_mb']:7.0f}"
        )
        if r["exceptions"]:
            print(f"    exceptions: {r['exceptions']}")
    print(
        f"\nMedian of {args.repeat} cold runs each; 'title s' / 'intro s' = fresh interpreter "
        f"to the page's st.title / its first st.markdown after it (goal: 1.5 s); 'TF first?' = "
        f"TensorFlow was imported before them; 'process s' = fresh interpreter to page drawn, "
        f"'script s' = AppTest run after importing Streamlit, 'vs TF' = process time / "
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
