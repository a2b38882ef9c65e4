"""Makes the bundled samples in cnn_core/assets/ from the real test sets (reproducible).

For each dataset it keeps the first ``--per-class`` test images of every class, in test-set order,
with their original test indices, and writes ``<dataset>_sample.npz`` (arrays ``x``, ``y``,
``indices``; uint8 images as in the source, no pickle) with ``np.savez_compressed``. Running it
twice gives the same arrays.

Usage::

    CNN_STUDIO_DATA=../shared/data python scripts/make_sample.py [--per-class 100]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cnn_core.data import DATASETS, SAMPLE_DIR, load_dataset  # noqa: E402


def first_per_class(y: np.ndarray, per_class: int, num_classes: int = 10) -> np.ndarray:
    """Returns the sorted indices of the first ``per_class`` labels of each class in ``y``."""
    picks = [np.flatnonzero(y == c)[:per_class] for c in range(num_classes)]
    return np.sort(np.concatenate(picks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR)
    parser.add_argument("datasets", nargs="*", default=list(DATASETS))
    args = parser.parse_args()
    if not os.environ.get("CNN_STUDIO_DATA"):
        print("Set CNN_STUDIO_DATA to the folder with the real datasets.", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.datasets:
        data = load_dataset(name, val_size=0)
        indices = first_per_class(data.y_test, args.per_class)
        x = data.x_test[indices]
        if x.shape[-1] == 1:  # stored like the source files: (N, 28, 28) for MNIST-like sets
            x = x[..., 0]
        path = args.out / f"{name}_sample.npz"
        np.savez_compressed(path, x=x, y=data.y_test[indices], indices=indices.astype(np.int32))
        print(f"{path}: {len(indices)} images, {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
