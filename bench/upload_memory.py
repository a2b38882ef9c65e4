"""Peak memory and time of preparing the heaviest uploads the app accepts (issue 11, item 6).

Small files that decode to the most pixels allowed: a 16-bit grey PNG, an RGBA PNG, a palette
PNG with transparency (the issue measured +1,066 / +914 / +680 MB for these), a grey+alpha PNG,
an RGB PNG, a GIF, a progressive JPEG (40 megapixels each) and a 16-megapixel RGBA WebP. Each is
prepared (:func:`cnn_core.images.prepare_image`) in a fresh Python process that reads the kernel's
peak-RSS counter (``VmHWM``, reset through ``/proc/self/clear_refs``), so Pillow's C allocations
count. Goal: at most +400 MB and 3 s per file. Linux only.

Usage:
    python bench/upload_memory.py [--repeat 3]

Prints a table, then one JSON line: ``{file: {"kb", "peak_mb", "seconds"}}`` (medians).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
W, H = 8000, 5000

_MEASURE = r"""
import json, sys, time
from cnn_core.images import prepare_image

def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024

data = open(sys.argv[1], "rb").read()
try:
    prepare_image(open(sys.argv[2], "rb").read())  # plugins imported before the baseline
except Exception:
    pass
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
base = status("VmRSS")
start = time.perf_counter()
prepare_image(data)
seconds = time.perf_counter() - start
print(json.dumps({"peak_mb": (status("VmHWM") - base) / 2**20, "seconds": seconds}))
"""


def make_files(folder: Path) -> list[Path]:
    """Writes the heavy test files (and tiny warm-up files of each format) into ``folder``."""
    ramp = (np.arange(W, dtype=np.uint32)[None, :] * 8 % 65536).astype(np.uint16)
    palette = Image.new("P", (W, H), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    palette.paste(1, (0, 0, W // 2, H))
    jobs = [
        ("gray16.png", Image.fromarray(np.broadcast_to(ramp, (H, W)).copy()), {}),
        ("rgba.png", Image.new("RGBA", (W, H), (10, 200, 30, 128)), {}),
        ("palette_transparent.png", palette, {"transparency": 0}),
        ("gray_alpha.png", Image.new("LA", (W, H), (90, 100)), {}),
        ("rgb.png", Image.new("RGB", (W, H), (90, 100, 3)), {}),
        ("palette.gif", palette, {"transparency": 0}),
        ("progressive.jpg", Image.new("RGB", (W, H), (90, 120, 200)), {"progressive": True}),
        ("rgba_16mp.webp", Image.new("RGBA", (4000, 4000), (9, 12, 20, 100)), {"lossless": True}),
    ]
    paths = []
    for name, im, options in jobs:
        im.save(folder / name, **options)
        paths.append(folder / name)
    for suffix in (".png", ".gif", ".jpg", ".webp"):
        Image.new("RGB", (8, 8)).save(folder / f"warm{suffix}")
    return paths


def measure(path: Path) -> dict:
    """Prepares ``path`` in a fresh process; returns ``{"peak_mb", "seconds"}``."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), str(path.with_name("warm" + path.suffix))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per file (median)")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for path in make_files(Path(tmp)):
            runs = [measure(path) for _ in range(max(1, args.repeat))]
            results[path.name] = {
                "kb": round(path.stat().st_size / 1024),
                "peak_mb": round(statistics.median(r["peak_mb"] for r in runs)),
                "seconds": round(statistics.median(r["seconds"] for r in runs), 2),
            }
    print(f"{'file':<26} {'KB':>6} {'peak +MB':>9} {'seconds':>8}")
    for name, r in results.items():
        print(f"{name:<26} {r['kb']:>6} {r['peak_mb']:>9} {r['seconds']:>8}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
