"""A class on one server: many visitors at once while a run trains (not a test).

Starts a real ``streamlit run app.py`` server, has one visitor start the quick demo on the Train
page, then lets ``--visitors`` more arrive within ``--arrival`` seconds, each with its own Streamlit
session and visitor cookie: each opens a concept page, waits until the page has finished drawing,
and changes one control; ``--trainers`` of them then open the Train page and press the quick demo.
The server's memory (RSS of the server and any child processes, from ``/proc``) is sampled all
along.

Two kinds of visitors (``--client``):

* ``protocol`` (the default): each visitor is a :class:`bench.st_client.StreamlitSession`, the
  Streamlit protocol over one websocket, all in this one asyncio process. It measures the server
  alone: "drawn" is the time from asking for a run to the server's ``script_finished``. It leaves
  out the browser's own work and the network (see ``bench/st_client.py``), so add those for what a
  visitor waits on a slow laptop.
* ``browser``: each visitor is a context of one headless Chromium. Closer to a visitor, but the
  tabs share the machine's cores with the server: on a small machine they mostly measure
  themselves (an upper bound of what a visitor waits).

It prints the machine's load average and core count, p50/p95 of the time until a concept page has
finished drawing and of a control's rerun, the errors seen (timeouts, exceptions, a page showing
the app's friendly error message in place of a crash, pages not found), the places in line the
trainers were given, and the server's peak memory; then a JSON line.

Usage::

    CNN_STUDIO_DATA=../shared/data python bench/load.py              # 30 visitors in 90 s, 5 train
    CNN_STUDIO_DATA=../shared/data python bench/load.py --arrival 20     # the class in one burst
    CNN_STUDIO_DATA=../shared/data python bench/load.py --idle --trainers 0   # nothing training
    CNN_STUDIO_DATA=../shared/data python bench/load.py --visitors 3 --trainers 1 --arrival 5
    CNN_STUDIO_DATA=../shared/data python bench/load.py --client browser   # headless Chromium

Run it on an otherwise idle machine (the load average printed first tells).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import random
import re
import shutil
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
from bench.st_client import ProtocolError, StreamlitSession, new_visitor_id  # noqa: E402

# (URL path, stable key of the slider a visitor moves there)
CONCEPT_PAGES = [
    ("inputs", "inputs_patch"),
    ("convolution", "conv_filters"),
    ("activation", "activation_x"),
    ("pooling", "pooling_size"),
    ("fully_connected", "fully_connected_boost"),
]
VISITOR_COOKIE = "cnn_studio_vid"  # ui/identity.py COOKIE
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


@functools.cache
def _friendly_error() -> str:
    """The start of the translated message a page shows instead of a traceback (ui/safety.py):
    with ``showErrorDetails = "none"`` a crash draws no exception element, only this."""
    from cnn_core.locales import t

    return t("safety.error.unexpected", "en")[:40]


async def _app_error(page) -> str | None:
    errors = await page.locator('[data-testid="stException"]').all_inner_texts()
    if errors:
        return errors[0][:200]
    alerts = await page.locator('[data-testid="stAlert"]').all_inner_texts()
    friendly = [text for text in alerts if _friendly_error() in text]
    return f"friendly error shown: {friendly[0][:160]}" if friendly else None


async def _press_quick_demo(page, url: str, timeout_ms: float, linger_s: float) -> str:
    """Opens the Train page, presses the quick demo, returns the run state text shown."""
    await page.goto(f"{url}/train?lang=en", timeout=timeout_ms)
    await _drawn(page, timeout_ms)
    button = page.locator(".st-key-train_quick button")
    if await button.count() == 0:
        button = page.locator(".st-key-train_start button")
    await button.first.click(timeout=timeout_ms)
    await _drawn(page, timeout_ms)
    await page.wait_for_timeout(linger_s * 1000)  # a refresh or two of the live fragment
    return await page.locator('[data-testid="stMain"]').inner_text()


def _place_pattern() -> re.Pattern:
    # The queue's own sentence ("In line: you are number {position}. ..."), up to the number.
    from cnn_core import locales

    prefix = locales.catalog()["queue.page.waiting"]["en"].split("{position}")[0]
    return re.compile(re.escape(prefix.strip()) + r"\s*(\d+)", re.IGNORECASE)


PLACE = _place_pattern()


def queue_place(text: str) -> int | str | None:
    """The place in line a trainer was given, or ``"training"`` when it started at once."""
    match = PLACE.search(text)
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
            text = await _press_quick_demo(page, url, timeout_ms, args.linger)
            results["places"].append(queue_place(text))
            error = await _app_error(page)
            if error:
                results["errors"].append(f"trainer {index}: {error}")
    except Exception as exc:  # a timeout is a result here, not a crash of the benchmark
        results["errors"].append(f"visitor {index} {path}: {type(exc).__name__}: {exc}"[:300])
    finally:
        await context.close()


async def run_browser(url: str, args, results: dict) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=os.environ.get("CNN_STUDIO_CHROMIUM", "/usr/bin/chromium"),
            args=chromium_args(),
        )
        first = await browser.new_context(locale="en-US")
        first_page = await first.new_page()
        text = await _press_quick_demo(first_page, url, args.timeout * 1000, args.linger)
        results["first_run"] = queue_place(text)
        await asyncio.sleep(args.warmup)  # the run is past data loading and tracing
        rng = random.Random(0)
        t0 = time.monotonic()
        starts = sorted(t0 + rng.uniform(0, args.arrival) for _ in range(args.visitors))
        await asyncio.gather(
            *(visitor(browser, url, i, args, results, starts[i], rng) for i in range(args.visitors))
        )
        await first.close()
        await browser.close()


# --- the protocol client: sessions over the websocket, no browser ------------------------------


def _session(url: str) -> StreamlitSession:
    return StreamlitSession(url, cookies={VISITOR_COOKIE: new_visitor_id()}, query="lang=en")


def _note(results: dict, who: str, run, session: StreamlitSession) -> None:
    """Records what a visitor would have seen go wrong in one run."""
    for error in run.exceptions:
        results["errors"].append(f"{who}: exception {error}")
    if any(_friendly_error() in text for text in session.texts()):
        results["errors"].append(f"{who}: the page crashed (its friendly error message shown)")
    if run.page_not_found is not None:
        results["errors"].append(f"{who}: page not found {run.page_not_found!r}")
    if run.status not in ("finished", "fragment_finished"):
        results["errors"].append(f"{who}: script ended {run.status}")


def session_place(session: StreamlitSession) -> int | str | None:
    """The trainer's place, read from the main area's texts as a visitor would read it."""
    match = PLACE.search("\n".join(session.texts()))
    if match:
        return int(match.group(1))
    # No place: the live panel's Stop button says it trains (the page's other texts also say
    # "training", so the word alone proves nothing here).
    return "training" if "train_stop" in session.widgets() else None


async def protocol_quick_demo(session: StreamlitSession, who: str, args, results: dict):
    """Opens the Train page in ``session``, presses the quick demo, returns the place given."""
    opened = await session.open("train", timeout=args.timeout)
    _note(results, f"{who} train page", opened, session)
    pressed = await session.click("train_quick", timeout=args.timeout)
    _note(results, f"{who} quick demo", pressed, session)
    place = session_place(session)
    if place is None:  # not drawn yet: keep the page open as a tab would, then read again
        await session.follow_auto_reruns(args.linger)
        place = session_place(session)
    return place


async def protocol_visitor(url: str, index: int, args, results: dict, start_at: float, rng):
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    path, control = CONCEPT_PAGES[index % len(CONCEPT_PAGES)]
    who = f"visitor {index} {path}"
    session = _session(url)
    try:
        await session.connect(timeout=args.timeout)
        results["connect_s"].append(session.connect_s)
        opened = await session.open(path, timeout=args.timeout)
        results["open_s"].append(opened.seconds)
        _note(results, who, opened, session)
        if control:
            changed = await session.nudge(
                control, -1 if rng.random() < 0.5 else 1, timeout=args.timeout
            )
            results["rerun_s"].append(changed.seconds)
            _note(results, f"{who} {control}", changed, session)
        if index < args.trainers:
            results["places"].append(await protocol_quick_demo(session, who, args, results))
    except (TimeoutError, ProtocolError, KeyError, ValueError, OSError) as exc:
        # A timeout or a missing control is a result here, not a crash of the benchmark.
        text = str(exc) or f"no answer within {args.timeout:.0f} s"
        results["errors"].append(f"{who}: {type(exc).__name__}: {text}"[:300])
    finally:
        await session.close()


async def run_protocol(url: str, args, results: dict) -> None:
    first = _session(url)
    await first.connect(timeout=args.timeout)
    if args.idle:  # the baseline: the same visitors with nothing training
        results["first_run"] = "none (--idle)"
        await first.open("train", timeout=args.timeout)
    else:
        results["first_run"] = await protocol_quick_demo(first, "first visitor", args, results)
    # The first visitor keeps the Train page open all along: its live panel asks for a redraw
    # every second, as the open tab of the browser client does.
    stop = asyncio.Event()
    watching = asyncio.create_task(first.follow_auto_reruns(float("inf"), stop=stop))
    try:
        await asyncio.sleep(args.warmup)  # the run is past data loading and tracing
        rng = random.Random(0)
        t0 = time.monotonic()
        starts = sorted(t0 + rng.uniform(0, args.arrival) for _ in range(args.visitors))
        await asyncio.gather(
            *(protocol_visitor(url, i, args, results, starts[i], rng) for i in range(args.visitors))
        )
    finally:
        stop.set()
        live_runs = await watching
        results["live_panel_runs"] = len(live_runs)
        await first.close()


async def run(args) -> dict:
    port = _free_port()
    runs = tempfile.mkdtemp(prefix="cnn-studio-load-")
    server = start_server(port, runs)
    url = f"http://127.0.0.1:{port}"
    sampler = MemorySampler(server.pid)
    sampler.start()
    results: dict = {"open_s": [], "rerun_s": [], "connect_s": [], "errors": [], "places": []}
    try:
        if args.client == "browser":
            await run_browser(url, args, results)
        else:
            await run_protocol(url, args, results)
    finally:
        sampler.done.set()
        sampler.join()
        server.terminate()
        server.wait(timeout=20)
    results["rss_before_mb"] = sampler.samples[0] if sampler.samples else 0.0
    results["rss_peak_mb"] = max(sampler.samples, default=0.0)
    results["first_run_speed"] = first_run_speed(Path(runs))
    shutil.rmtree(runs, ignore_errors=True)
    return results


def first_run_speed(runs: Path) -> dict | None:
    """What the first run trained within its time budget, read from its folder: the cost of the
    visitors to training (compare with ``--visitors 0``)."""
    folders = sorted(p for p in runs.iterdir() if (p / "metrics.json").exists())
    if not folders:
        return None
    first = folders[0]
    log = json.loads((first / "metrics.json").read_text())["epoch_log"]
    settings = json.loads((first / "settings.json").read_text())
    meta = json.loads((first / "meta.json").read_text())
    batches = sum(entry.get("batches", 0) for entry in log)
    seconds = sum(entry.get("seconds", 0.0) for entry in log)
    images = batches * settings["batch_size"]
    return {
        "backend": meta.get("backend", "thread"),
        "images": images,
        "seconds": round(seconds, 1),
        "images_per_s": round(images / seconds, 1) if seconds else None,
        "status": meta.get("status"),
    }


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
    parser.add_argument("--arrival", type=float, default=90.0, help="seconds over which they come")
    parser.add_argument("--warmup", type=float, default=8.0, help="seconds of training first")
    parser.add_argument("--timeout", type=float, default=60.0, help="per step, seconds")
    parser.add_argument(
        "--linger", type=float, default=2.5, help="seconds a trainer keeps the Train page open"
    )
    parser.add_argument(
        "--idle", action="store_true", help="no first run: the same visitors on an idle server"
    )
    parser.add_argument(
        "--client",
        choices=("protocol", "browser"),
        default="protocol",
        help="protocol: websocket sessions (the server alone); browser: headless Chromium tabs",
    )
    args = parser.parse_args()
    if not os.environ.get("CNN_STUDIO_DATA"):
        raise SystemExit("set CNN_STUDIO_DATA to the datasets folder (see README)")
    # Another program's load makes every figure below worse: say how busy the machine was.
    load_average = os.getloadavg()
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    print(
        f"machine: {cores} CPU cores ({usable} usable here), load average "
        + " / ".join(f"{value:.2f}" for value in load_average)
        + " (1 / 5 / 15 min) at start"
    )
    results = asyncio.run(run(args))

    def fmt(value):
        return "-" if value is None else f"{value:.2f}"

    print(
        f"{args.visitors} visitors within {args.arrival:.0f} s, {args.trainers} press Train "
        f"({args.client} client)"
    )
    print("| what | p50 | p95 | n |\n|---|---|---|---|")
    rows = [("open_s", "concept page drawn (s)"), ("rerun_s", "control changed, rerun (s)")]
    if results["connect_s"]:
        rows.append(("connect_s", "websocket connected (s)"))
    for name, label in rows:
        values = results[name]
        print(f"| {label} | {fmt(pct(values, 50))} | {fmt(pct(values, 95))} | {len(values)} |")
    print(f"first run: {results['first_run']}; trainers' places in line: {results['places']}")
    speed = results.get("first_run_speed")
    if speed:
        print(
            f"first run trained {speed['images']} images in {speed['seconds']} s of its budget "
            f"({speed['images_per_s']} img/s, {speed['backend']}, {speed['status']})"
        )
    if "live_panel_runs" in results:
        print(
            f"live panel redraws asked by the first visitor's open Train page: "
            f"{results['live_panel_runs']}"
        )
    print(
        f"server RSS: {results['rss_before_mb']:.0f} MB at start, "
        f"peak {results['rss_peak_mb']:.0f} MB"
    )
    print(f"errors: {len(results['errors'])}")
    for error in results["errors"]:
        print("  ", error)
    summary = {
        "client": args.client,
        "cpu_cores": cores,
        "load_average": [round(value, 2) for value in load_average],
        "visitors": args.visitors,
        "trainers": args.trainers,
        "open_p50_s": pct(results["open_s"], 50),
        "open_p95_s": pct(results["open_s"], 95),
        "rerun_p50_s": pct(results["rerun_s"], 50),
        "rerun_p95_s": pct(results["rerun_s"], 95),
        "places": results["places"],
        "errors": len(results["errors"]),
        "rss_peak_mb": round(results["rss_peak_mb"]),
        "first_run_speed": results.get("first_run_speed"),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
