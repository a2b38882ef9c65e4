"""A class on one server: many visitors at once while a run trains (not a test).

Starts a real ``streamlit run app.py`` server, has one visitor start the quick demo on the Train
page, then lets ``--visitors`` more arrive within ``--arrival`` seconds, each in its own browser
context of one headless Chromium (its own Streamlit session and cookies): each opens a concept page,
waits until the page has finished drawing, and changes one control; ``--trainers`` of them then
open the Train page and press the quick demo. The server's memory (RSS of the server and any child
processes, from ``/proc``) is sampled all along.

It prints p50/p95 of the time until a concept page has finished drawing and of a control's rerun,
the errors seen (timeouts, exceptions shown by the app), the places in line the trainers were
given, and the server's peak memory; then a JSON line.

Usage::

    CNN_STUDIO_DATA=../shared/data python bench/load.py                  # 30 visitors, 5 train
    CNN_STUDIO_DATA=../shared/data python bench/load.py --visitors 5 --trainers 2   # a quick look

Run it on an otherwise idle machine: the browser shares the cores with the server, as a class's
laptops would not, so the figures are an upper bound of what a visitor waits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.app_memory import chromium_args, start_server  # noqa: E402 -- after sys.path

# (URL path, stable key of the control a visitor changes there)
CONCEPT_PAGES = [
    ("inputs", None),
    ("convolution", "conv_filters"),
    ("activation", "activation_x"),
    ("pooling", None),
    ("fully_connected", None),
]
DRAWN_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """RSS of ``pid`` and all its descendants, in MB (a training child counts too)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.samples.append(tree_rss_mb(self.pid))
            time.sleep(self.every)


async def _drawn(page, timeout_ms: float) -> None:
    await page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    # A rerun starts a moment after the input; give it that moment before waiting for the end.
    await page.wait_for_timeout(150)
    await page.wait_for_function(DRAWN_JS, timeout=timeout_ms)


async def _app_error(page) -> str | None:
    errors = await page.locator('[data-testid="stException"]').all_inner_texts()
    return errors[0][:200] if errors else None


async def _press_quick_demo(page, url: str, timeout_ms: float) -> str:
    """Opens the Train page, presses the quick demo, returns the run state text shown."""
    await page.goto(f"{url}/train?lang=en", timeout=timeout_ms)
    await _drawn(page, timeout_ms)
    button = page.locator(".st-key-train_quick button")
    if await button.count() == 0:
        button = page.locator(".st-key-train_start button")
    await button.first.click(timeout=timeout_ms)
    await _drawn(page, timeout_ms)
    await page.wait_for_timeout(2500)  # one refresh of the live fragment
    return await page.locator('[data-testid="stMain"]').inner_text()


def queue_place(text: str) -> int | str | None:
    """The place in line a trainer was given, or ``"training"`` when it started at once."""
    match = re.search(r"in line[^\d]{0,40}(\d+)", text, re.IGNORECASE)
    if match:
        return int(match.group(1))
    if re.search(r"\btraining\b|\bepoch\b", text, re.IGNORECASE):
        return "training"
    return None


async def visitor(
    browser, url: str, index: int, args, results: dict, start_at: float, rng: random.Random
):
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = await context.new_page()
    timeout_ms = args.timeout * 1000
    path, control = CONCEPT_PAGES[index % len(CONCEPT_PAGES)]
    try:
        t0 = time.perf_counter()
        await page.goto(f"{url}/{path}?lang=en", timeout=timeout_ms)
        await _drawn(page, timeout_ms)
        results["open_s"].append(time.perf_counter() - t0)
        error = await _app_error(page)
        if error:
            results["errors"].append(f"visitor {index} {path}: {error}")
        if control:
            slider = page.locator(f".st-key-{control} input[type='range']")
            if await slider.count():
                t0 = time.perf_counter()
                await slider.first.focus()
                await page.keyboard.press("ArrowLeft" if rng.random() < 0.5 else "ArrowRight")
                await _drawn(page, timeout_ms)
                results["rerun_s"].append(time.perf_counter() - t0)
        if index < args.trainers:
            text = await _press_quick_demo(page, url, timeout_ms)
            results["places"].append(queue_place(text))
            error = await _app_error(page)
            if error:
                results["errors"].append(f"trainer {index}: {error}")
    except Exception as exc:  # a timeout is a result here, not a crash of the benchmark
        results["errors"].append(f"visitor {index} {path}: {type(exc).__name__}: {exc}"[:300])
    finally:
        await context.close()


async def run(args) -> dict:
    from playwright.async_api import async_playwright

    port = _free_port()
    runs = tempfile.mkdtemp(prefix="cnn-studio-load-")
    server = start_server(port, runs)
    url = f"http://127.0.0.1:{port}"
    sampler = MemorySampler(server.pid)
    sampler.start()
    results: dict = {"open_s": [], "rerun_s": [], "errors": [], "places": []}
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=os.environ.get("CNN_STUDIO_CHROMIUM", "/usr/bin/chromium"),
                args=chromium_args(),
            )
            first = await browser.new_context(locale="en-US")
            first_page = await first.new_page()
            text = await _press_quick_demo(first_page, url, args.timeout * 1000)
            results["first_run"] = queue_place(text)
            await asyncio.sleep(args.warmup)  # the run is past data loading and tracing
            rng = random.Random(0)
            t0 = time.monotonic()
            starts = sorted(t0 + rng.uniform(0, args.arrival) for _ in range(args.visitors))
            await asyncio.gather(
                *(
                    visitor(browser, url, i, args, results, starts[i], rng)
                    for i in range(args.visitors)
                )
            )
            await first.close()
            await browser.close()
    finally:
        sampler.done.set()
        sampler.join()
        server.terminate()
        server.wait(timeout=20)
    results["rss_before_mb"] = sampler.samples[0] if sampler.samples else 0.0
    results["rss_peak_mb"] = max(sampler.samples, default=0.0)
    return results


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=30)
    parser.add_argument("--trainers", type=int, default=5, help="visitors who also press Train")
    parser.add_argument("--arrival", type=float, default=10.0, help="seconds over which they come")
    parser.add_argument("--warmup", type=float, default=8.0, help="seconds of training first")
    parser.add_argument("--timeout", type=float, default=60.0, help="per step, seconds")
    args = parser.parse_args()
    if not os.environ.get("CNN_STUDIO_DATA"):
        raise SystemExit("set CNN_STUDIO_DATA to the datasets folder (see README)")
    results = asyncio.run(run(args))

    def fmt(value):
        return "-" if value is None else f"{value:.2f}"

    print(f"{args.visitors} visitors within {args.arrival:.0f} s, {args.trainers} press Train")
    print("| what | p50 | p95 | n |\n|---|---|---|---|")
    for name in ("open_s", "rerun_s"):
        values = results[name]
        label = "concept page drawn (s)" if name == "open_s" else "control changed, rerun (s)"
        print(f"| {label} | {fmt(pct(values, 50))} | {fmt(pct(values, 95))} | {len(values)} |")
    print(f"first run: {results['first_run']}; trainers' places in line: {results['places']}")
    print(
        f"server RSS: {results['rss_before_mb']:.0f} MB at start, "
        f"peak {results['rss_peak_mb']:.0f} MB"
    )
    print(f"errors: {len(results['errors'])}")
    for error in results["errors"]:
        print("  ", error)
    summary = {
        "visitors": args.visitors,
        "trainers": args.trainers,
        "open_p50_s": pct(results["open_s"], 50),
        "open_p95_s": pct(results["open_s"], 95),
        "rerun_p50_s": pct(results["rerun_s"], 50),
        "rerun_p95_s": pct(results["rerun_s"], 95),
        "places": results["places"],
        "errors": len(results["errors"]),
        "rss_peak_mb": round(results["rss_peak_mb"]),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
