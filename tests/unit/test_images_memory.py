"""Uploads are prepared in bounded memory: small files that decode to 40 megapixels included.

Each file is prepared in a fresh Python process that reads the kernel's own peak-memory counter
(``VmHWM`` in ``/proc/self/status``, reset through ``/proc/self/clear_refs``), so Pillow's C
allocations count, not just Python objects.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnn_core.images import MAX_WEBP_PIXELS, ImageError, prepare_image
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="needs Linux /proc to read peak memory"
)

#: The goal of issue 11: any allowed file is prepared with at most this much extra peak memory.
BUDGET_MB = 400
W, H = 8000, 5000  # 40 megapixels, the most accepted

_MEASURE = r"""
import json, sys
from cnn_core.images import prepare_image

def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024

data = open(sys.argv[1], "rb").read()
try:  # warm up: the Pillow plugins are imported before the baseline is taken
    prepare_image(open(sys.argv[2], "rb").read())
except Exception:
    pass
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM to the current RSS
    base = status("VmRSS")
except OSError:
    base = status("VmHWM")
prepared = prepare_image(data)
peak = status("VmHWM") - base
print(json.dumps({"peak_mb": peak / 2**20, "array": prepared.array.tolist()}))
"""


def _files(folder: Path) -> dict[str, Path]:
    ramp = (np.arange(W, dtype=np.uint32)[None, :] * 8 % 65536).astype(np.uint16)
    made = {
        # the three: 88 KB 16-bit grey, 165 KB RGBA, 53 KB palette with transparency
        "gray16.png": Image.fromarray(np.broadcast_to(ramp, (H, W)).copy()),
        "rgba.png": Image.new("RGBA", (W, H), (10, 200, 30, 128)),
        "palette_transparent.png": None,
        "gray_alpha.png": Image.new("LA", (W, H), (90, 100)),
        "rgb.png": Image.new("RGB", (W, H), (90, 100, 3)),
        "palette.gif": None,
        "progressive.jpg": Image.new("RGB", (W, H), (90, 120, 200)),
        "biggest.webp": Image.new("RGBA", (4000, MAX_WEBP_PIXELS // 4000), (90, 120, 200, 100)),
    }
    palette = Image.new("P", (W, H), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    palette.paste(1, (0, 0, W // 2, H))  # left half red, right half transparent
    paths = {}
    for name, im in made.items():
        path = folder / name
        if im is None:  # the palette picture, as PNG and as GIF
            palette.save(path, transparency=0)
        elif name.endswith(".jpg"):
            im.save(path, quality=80, progressive=True)
        elif name.endswith(".webp"):
            im.save(path, lossless=True)
        else:
            im.save(path)
        paths[name] = path
    Image.new("RGB", (8, 8)).save(folder / "warm.png")
    Image.new("RGB", (8, 8)).save(folder / "warm.jpg")
    Image.new("RGB", (8, 8)).save(folder / "warm.webp")
    Image.new("P", (8, 8)).save(folder / "warm.gif")
    return paths


@pytest.fixture(scope="module")
def heavy_files(tmp_path_factory) -> dict[str, Path]:
    return _files(tmp_path_factory.mktemp("heavy"))


def _prepare_in_fresh_process(path: Path) -> dict:
    warm = path.with_name("warm" + path.suffix)
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), str(warm)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _on_white(rgb, alpha):
    return tuple(round(c * alpha / 255 + 255 * (1 - alpha / 255)) for c in rgb)


@pytest.mark.parametrize(
    "name",
    [
        "gray16.png",
        "rgba.png",
        "palette_transparent.png",
        "gray_alpha.png",
        "rgb.png",
        "palette.gif",
        "progressive.jpg",
        "biggest.webp",
    ],
)
def test_heavy_uploads_stay_within_the_memory_budget(heavy_files, name):
    path = heavy_files[name]
    assert path.stat().st_size < 2 * 2**20  # small files...
    result = _prepare_in_fresh_process(path)
    assert result["peak_mb"] <= BUDGET_MB, f"{name}: +{result['peak_mb']:.0f} MB"
    array = np.array(result["array"], dtype=np.uint8)
    assert array.shape == (32, 32, 3)
    # ...and still the right picture, converted after shrinking.
    expected = {
        "gray16.png": None,  # a ramp, checked below
        "rgba.png": _on_white((10, 200, 30), 128),
        "gray_alpha.png": _on_white((90, 90, 90), 100),
        "rgb.png": (90, 100, 3),
        "progressive.jpg": (90, 120, 200),
        "biggest.webp": _on_white((90, 120, 200), 100),
    }.get(name)
    if expected is not None:
        assert np.abs(array.astype(int) - expected).max() <= 3, array[16, 16]
    if name == "gray16.png":
        # 16-bit values are rescaled, not clipped to white: the ramp spans dark to bright.
        assert array.min() < 60 and array.max() > 190
    if name in ("palette_transparent.png", "palette.gif"):
        # The centre crop (32x32 of a 8:5 picture) shows red on the left, white on the right.
        assert tuple(array[16, 2]) == (255, 0, 0) and tuple(array[16, 29]) == (255, 255, 255)


def test_webp_past_its_own_pixel_limit_is_refused_before_decoding(tmp_path):
    path = tmp_path / "huge.webp"
    Image.new("RGB", (5000, 4000), (1, 2, 3)).save(path, lossless=True)
    with pytest.raises(ImageError) as info:
        prepare_image(path.read_bytes())
    assert info.value.code == "too_many_pixels" and info.value.params["limit"] == "16"


def test_the_meter_sees_pillows_own_allocations(tmp_path):
    # A control for the measurement: 160 MB allocated in C by Pillow, none by Python objects.
    code = _MEASURE.replace(
        "prepared = prepare_image(data)",
        "from PIL import Image\nbig = Image.new('RGBA', (8000, 5000), (1, 2, 3, 4))\n"
        "prepared = prepare_image(data)",
    )
    sample = tmp_path / "small.png"
    Image.new("RGB", (64, 48), (1, 2, 3)).save(sample)
    done = subprocess.run(
        [sys.executable, "-c", code, str(sample), str(sample)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)["peak_mb"] >= 150


def test_prepared_photos_are_cached_by_content(monkeypatch):
    from cnn_core import images

    calls = []
    real = images.prepare_image

    def counting(data, **options):
        calls.append(len(data))
        return real(data, **options)

    monkeypatch.setattr(images, "prepare_image", counting)
    images._CACHE.clear()
    png = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 20, 30)).save(png, "PNG")
    first = images.prepare_image_cached(png.getvalue(), size=(32, 32))
    again = images.prepare_image_cached(bytes(png.getvalue()), size=(32, 32))
    assert len(calls) == 1  # decoded once
    assert (first.array == again.array).all() and first.array is not again.array
    again.array[:] = 0  # each caller owns its array
    assert images.prepare_image_cached(png.getvalue(), size=(32, 32)).array.any()
    images.prepare_image_cached(png.getvalue(), size=(28, 28), channels=1)
    assert len(calls) == 2  # another size is another entry
    for i in range(images._CACHE_SIZE + 2):
        other = io.BytesIO()
        Image.new("RGB", (8, 8), (i, 0, 0)).save(other, "PNG")
        images.prepare_image_cached(other.getvalue())
    assert len(images._CACHE) == images._CACHE_SIZE
