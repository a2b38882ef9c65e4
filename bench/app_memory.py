"""Memory of a running app server while a visitor trains on CIFAR-10 (not a test).

Starts ``streamlit run app.py`` as Streamlit Community Cloud would, opens the Train page in
headless Chromium with a design in its URL (as the Build page's share link does), presses
*Start training*, and samples the server process's resident memory (RSS, from ``/proc``) until the
run has finished and been evaluated. Prints a table and a JSON line.

Usage::

    CNN_STUDIO_DATA=../shared/data python bench/app_memory.py            # fast and blog, 60 s each
    CNN_STUDIO_DATA=../shared/data python bench/app_memory.py --seconds 30 --designs fast

The fast design uses the long-run variant of the fast recipe (batches of 256), the recipe's most
memory-hungry setting; the blog design uses the blog's recipe (batches of 32).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def chromium_args() -> list[str]:
    from tests.e2e.conftest import CHROMIUM_ARGS  # the browser tests' flags, kept in one place

    return CHROMIUM_ARGS


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def design_token(name: str, seconds: float) -> str:
    from cnn_core.design import encode
    from cnn_core.presets import get_preset
    from cnn_core.train import TrainSettings, fast_settings

    if name == "fast":
        settings = fast_settings().replace(time_budget_s=seconds)
    else:
        settings = TrainSettings(time_budget_s=seconds, schedule="cosine")
    design = {"spec": get_preset(name).to_dict(), "settings": settings.to_dict()}
    return encode(design)


def start_server(port: int, runs: str) -> subprocess.Popen:
    env = {**os.environ, "CNN_STUDIO_RUNS": runs, "TF_CPP_MIN_LOG_LEVEL": "2"}
    args = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    args += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("streamlit did not start within 60 s")


def wait_idle(page, timeout_ms: int = 120_000) -> None:
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning';
        }""",
        timeout=timeout_ms,
    )


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=60, help="time budget of each run")
    p.add_argument("--designs", nargs="*", default=["fast", "blog"], choices=["fast", "blog"])
    p.add_argument("--port", type=int, default=8599)
    p.add_argument("--chromium", default="/usr/bin/chromium")
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    runs = tempfile.mkdtemp(prefix="cnn-studio-memory-")
    server = start_server(args.port, runs)
    samples: list[tuple[float, float]] = []
    stop = threading.Event()
    t0 = time.monotonic()

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.monotonic() - t0, rss_mb(server.pid)))
            time.sleep(0.2)

    threading.Thread(target=sample, daemon=True).start()
    result = {"load_average": os.getloadavg(), "runs": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=args.chromium, args=chromium_args()
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            for name in args.designs:
                url = f"http://127.0.0.1:{args.port}/train?lang=en&design="
                page.goto(url + design_token(name, args.seconds))
                wait_idle(page)
                before = rss_mb(server.pid)
                started = time.monotonic() - t0
                page.locator(".st-key-train_start button").click()
                # The run ends by its budget, then evaluates on the 10,000 test images.
                deadline = time.monotonic() + args.seconds + 240
                finished = False
                while time.monotonic() < deadline:
                    runs_done = list(Path(runs).glob("*/evaluation.json"))
                    if len(runs_done) > len(result["runs"]):
                        finished = True
                        break
                    time.sleep(1)
                time.sleep(3)  # the page's next refresh reads the finished run
                ended = time.monotonic() - t0
                during = [mb for t, mb in samples if started <= t <= ended]
                row = {
                    "design": name,
                    "finished": finished,
                    "rss_before_mb": round(before),
                    "peak_rss_mb": round(max(during or [0])),
                    "rss_after_mb": round(rss_mb(server.pid)),
                }
                result["runs"].append(row)
                print(
                    f"{name:>5}: server RSS before {row['rss_before_mb']} MB, peak while training "
                    f"{row['peak_rss_mb']} MB, after {row['rss_after_mb']} MB"
                    + ("" if finished else " (run did not finish in time)"),
                    flush=True,
                )
            browser.close()
    finally:
        stop.set()
        result["peak_rss_mb"] = round(max(mb for _, mb in samples)) if samples else None
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(runs, ignore_errors=True)
    print(f"peak server RSS over the whole session: {result['peak_rss_mb']} MB (goal < 1,200 MB)")
    print("JSON " + json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
