"""How long the Classify page takes from uploaded bytes to everything it draws.

Measures, for the blog's model (the shipped pretrained one when present, else the same architecture
untrained, which costs the same), the median over N repetitions of:

- decode + crop + resize (:func:`cnn_core.images.prepare_image`) for a 32x32 PNG, a 640x480 JPEG
  and a 12-megapixel phone JPEG;
- the forward pass alone (``Predictor.predict``), all feature maps, one Grad-CAM, and the
  combined ``Predictor.explain`` (probabilities + every feature map + Grad-CAM in one call);
- ``explain`` right after ``keras.backend.clear_session()``, which Streamlit runs after every
  script run (so this is what a page rerun actually pays);
- ``model.predict`` on one image, for comparison;
- the total the page pays: decode of the photo + explain.

Usage:
    python bench/classify_latency.py [--n 50] [--no-jit] [--json-only]

Prints a table, then one JSON line with every figure in milliseconds.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PIL import Image

from cnn_core.images import prepare_image


def _photo_like(width: int, height: int, seed: int = 0) -> Image.Image:
    """A smooth picture with texture, so JPEG sizes resemble real photos."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (height // 64 + 2, width // 64 + 2, 3), np.uint8)
    base = Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)
    noise = rng.normal(0, 12, (height, width, 3))
    return Image.fromarray(np.clip(np.asarray(base) + noise, 0, 255).astype(np.uint8))


def _encode(im: Image.Image, fmt: str, **kwargs) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kwargs)
    return buf.getvalue()


def _median_ms(fn, n: int, setup=None) -> float:
    times = []
    for _ in range(n):
        if setup:
            setup()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _model():
    try:
        from cnn_core.pretrained import list_pretrained, load_pretrained

        for info in list_pretrained("cifar10"):
            if info.spec.to_dict().get("layers") == _blog_layers():
                return load_pretrained(info.name), f"pretrained:{info.name}"
    except Exception:
        pass
    from cnn_core.model import build_model
    from cnn_core.presets import get_preset

    return build_model(get_preset("blog")), "blog (untrained, same cost)"


def _blog_layers():
    from cnn_core.presets import get_preset

    return get_preset("blog").to_dict()["layers"]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=50, help="repetitions per figure (median)")
    parser.add_argument("--no-jit", action="store_true", help="plain tf.function, no XLA")
    parser.add_argument("--json-only", action="store_true")
    args = parser.parse_args(argv)
    n = max(3, args.n)

    import keras

    from cnn_core.explain import Predictor

    model, model_name = _model()
    started = time.perf_counter()
    predictor = Predictor(model, jit_compile=not args.no_jit)
    warm_s = time.perf_counter() - started

    files = {
        "png_32x32": _encode(_photo_like(32, 32), "PNG"),
        "jpeg_640x480": _encode(_photo_like(640, 480), "JPEG", quality=90),
        "jpeg_4032x3024": _encode(_photo_like(4032, 3024), "JPEG", quality=90),
    }
    size = predictor.input_shape[:2]
    results: dict[str, float] = {}
    for name, data in files.items():
        prepare_image(data, size=size)
        results[f"decode_resize_{name}"] = _median_ms(lambda d=data: prepare_image(d, size=size), n)

    x = prepare_image(files["jpeg_640x480"], size=size).array
    for _ in range(3):
        predictor.explain(x)
        predictor.feature_maps(x)
        predictor.predict(x)
    results["forward"] = _median_ms(lambda: predictor.predict(x), n)
    results["feature_maps"] = _median_ms(lambda: predictor.feature_maps(x), n)
    results["grad_cam"] = _median_ms(lambda: predictor.grad_cam(x, 3), n)
    results["explain_one_call"] = _median_ms(lambda: predictor.explain(x), n)
    results["explain_after_clear_session"] = _median_ms(
        lambda: predictor.explain(x), max(3, n // 5), setup=lambda: keras.backend.clear_session()
    )
    batch = x[None].astype(np.float32)
    model.predict(batch, verbose=0)
    results["keras_model_predict"] = _median_ms(
        lambda: model.predict(batch, verbose=0), max(3, n // 5)
    )
    results["total_640x480_jpeg"] = (
        results["decode_resize_jpeg_640x480"] + results["explain_one_call"]
    )
    results["total_12mp_jpeg"] = (
        results["decode_resize_jpeg_4032x3024"] + results["explain_one_call"]
    )
    results["total_rerun_640x480"] = (
        results["decode_resize_jpeg_640x480"] + results["explain_after_clear_session"]
    )
    meta = {
        "model": model_name,
        "xla": not args.no_jit,
        "n": n,
        "warm_up_s": round(warm_s, 2),
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }
    report = {**meta, "ms": {k: round(v, 2) for k, v in results.items()}}
    if not args.json_only:
        print(f"Classify latency -- model {model_name}, XLA {'on' if meta['xla'] else 'off'}, ")
        print(f"median of {n}, warm-up {warm_s:.1f} s, load average {meta['load_average']}")
        print(f"{'step':<34}{'ms':>10}")
        print("-" * 44)
        for key, value in results.items():
            print(f"{key:<34}{value:>10.2f}")
    print(json.dumps(report))
    return report


if __name__ == "__main__":
    main()
