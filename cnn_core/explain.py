"""What a trained network says about one picture, and why: probabilities, feature maps, Grad-CAM.

:class:`Predictor` wraps a Keras model once and answers from compiled TensorFlow graphs with a fixed
input signature (uint8 images, any batch size), so a prediction costs a couple of milliseconds
instead of the ~70 ms ``model.predict`` spends setting itself up on every call, and nothing is
re-traced from one picture to the next.

Grad-CAM (Selvaraju et al., 2017) answers "where did the network look?": take the gradient of the
class score (the logit, before softmax) with respect to the last convolution's feature maps, average
it over the positions of each channel to get one weight per channel, add up the channels with those
weights, keep the positive part (ReLU) and scale the map to the input's size and to [0, 1].

TensorFlow is imported when a :class:`Predictor` is made, not when this module is imported.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

__all__ = [
    "HIGH_ENTROPY",
    "LOW_CONFIDENCE",
    "Explanation",
    "MapStats",
    "Predictor",
    "map_stats",
    "normalized_entropy",
    "top_k",
]

LOW_CONFIDENCE = 0.5
"""A top probability under this is reported as a weak guess."""

HIGH_ENTROPY = 0.6
"""Entropy of the probabilities, as a fraction of the maximum ``log(num_classes)``, above which the
prediction is reported as uncertain (1.0 means all classes equally likely)."""

# Layers whose output is the same picture as their input at inference time, or just the input
# scaled: showing them as "what this layer sees" would repeat the previous map.
_SKIPPED_TYPES = {"InputLayer", "Rescaling", "Dropout", "SpatialDropout2D", "GaussianNoise"}
_CONV_TYPES = {"Conv2D", "SeparableConv2D", "DepthwiseConv2D"}
# Layers that keep the map's shape and act position by position: Grad-CAM looks past them.
_ELEMENTWISE_TYPES = {"BatchNormalization", "Activation", "ReLU", "LeakyReLU", "ELU", "PReLU"}
_MAX_CHUNK = 64


def normalized_entropy(probs) -> float:
    """Entropy of a probability vector divided by its maximum, ``log(len(probs))``.

    Args:
        probs: probabilities of each class (they are renormalized to sum to 1).

    Returns:
        0.0 for a one-hot vector, 1.0 for the uniform distribution.
    """
    p = np.asarray(probs, dtype=np.float64).ravel()
    if p.size < 2:
        return 0.0
    p = np.clip(p, 0.0, None)
    total = p.sum()
    if total <= 0:
        return 1.0
    p = p / total
    nz = p[p > 0]
    return float(-(nz * np.log(nz)).sum() / np.log(p.size))


def top_k(probs, k: int = 3) -> list[tuple[int, float]]:
    """The ``k`` most likely classes, most likely first.

    Args:
        probs: probabilities of each class, shape ``(num_classes,)``.
        k: how many to return (capped at the number of classes).

    Returns:
        A list of ``(class_index, probability)``.
    """
    p = np.asarray(probs, dtype=np.float64).ravel()
    k = max(0, min(int(k), p.size))
    order = np.argsort(-p, kind="stable")[:k]
    return [(int(i), float(p[i])) for i in order]


@dataclass(frozen=True)
class MapStats:
    """Summary of one layer's feature maps for one picture.

    Attributes:
        minimum: smallest value in the maps.
        maximum: largest value in the maps.
        zero_fraction: share of values that are exactly 0 (after ReLU: switched off).
        dead_channels: channels that are 0 everywhere for this picture.
        channels: number of channels.
    """

    minimum: float
    maximum: float
    zero_fraction: float
    dead_channels: int
    channels: int


def map_stats(fmap) -> MapStats:
    """Summarizes one picture's feature maps of shape ``(height, width, channels)``.

    Returns:
        A :class:`MapStats`.
    """
    a = np.asarray(fmap)
    if a.ndim != 3:
        raise ValueError(f"expected (height, width, channels), got shape {a.shape}")
    zero = a == 0
    return MapStats(
        minimum=float(a.min()),
        maximum=float(a.max()),
        zero_fraction=float(zero.mean()),
        dead_channels=int(zero.all(axis=(0, 1)).sum()),
        channels=int(a.shape[-1]),
    )


@dataclass(frozen=True, repr=False)
class Explanation:
    """One picture seen through a network.

    Attributes:
        probs: probability of each class, shape ``(num_classes,)``.
        top_k: the most likely classes as ``(class_index, probability)``, most likely first.
        feature_maps: output of every layer that produces a picture-like map (convolutions,
            pooling, activations...), by layer name in model order, each ``(h, w, channels)``.
        cam: Grad-CAM heat map for ``class_index``, ``(height, width)`` of the input, in [0, 1];
            ``None`` when the model has no convolution. All zeros when no position pushes the score
            up (see ``cam_empty``).
        class_index: the class the heat map explains (the top class unless asked otherwise).
        cam_layer: name of the convolution Grad-CAM used.
    """

    probs: np.ndarray
    top_k: list[tuple[int, float]]
    feature_maps: dict[str, np.ndarray]
    cam: np.ndarray | None
    class_index: int
    cam_layer: str | None

    @property
    def top_probability(self) -> float:
        """Probability of the most likely class."""
        return float(np.max(self.probs))

    @property
    def entropy(self) -> float:
        """Normalized entropy of :attr:`probs` (0 = certain, 1 = no idea)."""
        return normalized_entropy(self.probs)

    @property
    def uncertain(self) -> bool:
        """Whether the network is guessing (top probability low or probabilities spread out)."""
        return self.top_probability < LOW_CONFIDENCE or self.entropy > HIGH_ENTROPY

    @property
    def cam_empty(self) -> bool:
        """Whether the heat map is all zeros (nothing in the last conv layer raised the score)."""
        return self.cam is None or not np.any(self.cam > 0)

    def __repr__(self) -> str:
        top = ", ".join(f"{i}:{p:.2f}" for i, p in self.top_k)
        return (
            f"Explanation(top_k=[{top}], layers={len(self.feature_maps)}, "
            f"cam_layer={self.cam_layer!r}, entropy={self.entropy:.2f})"
        )


_top_k = top_k  # Predictor.explain has a parameter of the same name


def _layer_type(layer) -> str:
    return type(layer).__name__


def _rank(tensor) -> int:
    return len(tuple(tensor.shape))


class Predictor:
    """A Keras classifier ready to explain single pictures fast.

    Builds, once, a Keras model with one output per feature-map layer plus the probabilities, and
    wraps it in ``tf.function``s whose input signature is ``uint8[None, H, W, C]``: a batch of any
    size reuses the same graph.

    The graphs are compiled with XLA by default: XLA's compiled code survives
    ``keras.backend.clear_session()``, which empties TensorFlow's kernel cache (a plain
    ``tf.function`` then spends 150-400 ms rebuilding its kernels on the next call, an XLA one
    ~10 ms). Streamlit calls it after every script run; the app turns that off
    (:mod:`ui.runtime`), but this class does not rely on it, and warm both cost ~2-3 ms here
    (``bench/classify_latency.py`` with and without ``--no-jit``). XLA compiles per batch size,
    so batches are padded to a power of two (at most 64 per call).

    Args:
        model: a Keras classifier that takes 0-255 images (e.g. from
            :func:`cnn_core.model.build_model`, whose first layer rescales) and ends with
            probabilities, ideally a ``Dense`` layer with ``softmax`` (Grad-CAM then uses the
            logits, as in the paper; otherwise the log-probabilities).
        warm_up: trace the graphs now (about a second) rather than on first use.
        jit_compile: compile with XLA (see above).

    Raises:
        ValueError: if the model does not take images ``(H, W, C)``.
    """

    def __init__(self, model, *, warm_up: bool = True, jit_compile: bool = True):
        import keras
        import tensorflow as tf

        self.model = model
        shape = tuple(model.input_shape)
        if len(shape) != 4 or any(d is None for d in shape[1:]):
            raise ValueError(f"expected a model taking (H, W, C) images, got {shape}")
        self.input_shape: tuple[int, int, int] = tuple(int(d) for d in shape[1:])
        self.num_classes = int(model.output_shape[-1])

        self.map_layers = [
            layer
            for layer in model.layers
            if _layer_type(layer) not in _SKIPPED_TYPES and _rank(layer.output) == 4
        ]
        self.layer_names: list[str] = [layer.name for layer in self.map_layers]
        self._cam_index = self._find_cam_index()
        self.cam_layer: str | None = (
            self.layer_names[self._cam_index] if self._cam_index >= 0 else None
        )

        last = model.layers[-1]
        activation = getattr(getattr(last, "activation", None), "__name__", "")
        self._dense_logits = _layer_type(last) == "Dense" and activation == "softmax"
        self._last = last
        outputs = [model.output, *(layer.output for layer in self.map_layers)]
        if self._dense_logits:
            outputs.append(last.input)
        self._graph = keras.Model(model.inputs, outputs, name=f"{model.name}_explain")
        self._n_maps = len(self.map_layers)

        self._jit = bool(jit_compile)
        signature = [tf.TensorSpec([None, *self.input_shape], tf.uint8, name="images")]
        self._predict_fn = tf.function(
            self._predict_graph, input_signature=signature, jit_compile=self._jit
        )
        self._maps_fn = tf.function(
            self._maps_graph, input_signature=signature, jit_compile=self._jit
        )
        self._explain_fn = tf.function(
            self._explain_graph,
            input_signature=[*signature, tf.TensorSpec([None], tf.int32, name="class_index")],
            jit_compile=self._jit,
        )
        self._lock = threading.Lock()
        if warm_up:
            blank = np.zeros((1, *self.input_shape), np.uint8)
            self.predict(blank)
            if self.cam_layer:
                self.explain(blank[0])
            else:
                self.feature_maps(blank)

    def _find_cam_index(self) -> int:
        """Index (in ``map_layers``) of the map Grad-CAM uses: the last convolution's output,
        taken after the BatchNormalization/activation layers that directly follow it (a linear
        conv -> BN -> ReLU block is explained by its ReLU output, as in the paper)."""
        convs = [i for i, layer in enumerate(self.map_layers) if _layer_type(layer) in _CONV_TYPES]
        if not convs:
            return -1
        index = convs[-1]
        shape = tuple(self.map_layers[index].output.shape)
        while index + 1 < len(self.map_layers):
            nxt = self.map_layers[index + 1]
            if _layer_type(nxt) not in _ELEMENTWISE_TYPES or tuple(nxt.output.shape) != shape:
                break
            if nxt.input is not self.map_layers[index].output:
                break
            index += 1
        return index

    # --- graphs (traced once each) -------------------------------------------------------------

    def _forward(self, images):
        import tensorflow as tf

        outputs = self._graph(tf.cast(images, tf.float32), training=False)
        probs = tf.cast(outputs[0], tf.float32)
        maps = [tf.cast(m, tf.float32) for m in outputs[1 : 1 + self._n_maps]]
        return outputs, probs, maps

    def _scores(self, outputs, probs):
        import tensorflow as tf

        if self._dense_logits:
            hidden = tf.cast(outputs[-1], tf.float32)
            kernel = tf.cast(tf.convert_to_tensor(self._last.kernel), tf.float32)
            logits = tf.matmul(hidden, kernel)
            if self._last.use_bias:
                logits += tf.cast(tf.convert_to_tensor(self._last.bias), tf.float32)
            return logits
        return tf.math.log(probs + 1e-12)

    def _predict_graph(self, images):
        import tensorflow as tf

        return tf.cast(self.model(tf.cast(images, tf.float32), training=False), tf.float32)

    def _maps_graph(self, images):
        _, probs, maps = self._forward(images)
        return probs, maps

    def _explain_graph(self, images, class_index):
        import tensorflow as tf

        x = tf.cast(images, tf.float32)
        with tf.GradientTape() as tape:
            # Watching the input records every op after it, even when the weights are frozen.
            tape.watch(x)
            outputs = self._graph(x, training=False)
            probs = tf.cast(outputs[0], tf.float32)
            maps = [tf.cast(m, tf.float32) for m in outputs[1 : 1 + self._n_maps]]
            target = tf.where(
                class_index < 0, tf.argmax(probs, axis=-1, output_type=tf.int32), class_index
            )
            if self._cam_index < 0:
                return probs, maps, tf.zeros(tf.shape(images)[:3], tf.float32), target
            # The layer's own output, not its float32 copy: with mixed precision the copy is a
            # side branch the score does not depend on.
            raw_conv = outputs[1 + self._cam_index]
            conv = maps[self._cam_index]
            scores = self._scores(outputs, probs)
            # Summing over the batch keeps each picture's gradient separate: pictures do not
            # interact at inference time.
            score = tf.reduce_sum(tf.gather(scores, target, batch_dims=1))
        grads = tf.cast(tape.gradient(score, raw_conv), tf.float32)
        weights = tf.reduce_mean(grads, axis=[1, 2])
        cam = tf.nn.relu(tf.einsum("bhwk,bk->bhw", conv, weights))
        height, width = self.input_shape[0], self.input_shape[1]
        cam = tf.image.resize(cam[..., None], (height, width), method="bilinear")[..., 0]
        cam = tf.nn.relu(cam)
        peak = tf.reduce_max(cam, axis=[1, 2], keepdims=True)
        cam = tf.math.divide_no_nan(cam, peak)
        return probs, maps, cam, target

    # --- public API ----------------------------------------------------------------------------

    def _batch(self, x) -> tuple[np.ndarray, bool]:
        a = np.asarray(x)
        single = a.ndim == 3
        if single:
            a = a[None]
        if a.ndim != 4 or tuple(a.shape[1:]) != self.input_shape:
            raise ValueError(
                f"expected images of shape {self.input_shape} (or a batch of them), got {a.shape}"
            )
        if a.dtype != np.uint8:
            if np.issubdtype(a.dtype, np.floating) and a.size and float(np.nanmax(a)) <= 1.0:
                raise ValueError("pass 0-255 images (uint8), not 0-1 floats")
            a = np.clip(np.rint(a), 0, 255).astype(np.uint8)
        return np.ascontiguousarray(a), single

    def _call(self, fn, *args):
        # The first call traces the graph; tracing the same function from two sessions at once is
        # not safe, so it is serialized (later calls only run the graph and are quick).
        with self._lock:
            return fn(*args)

    def _batched(self, fn, batch: np.ndarray):
        """Runs ``fn`` over ``batch`` in chunks padded to a power of two; returns numpy outputs."""
        import tensorflow as tf

        if len(batch) == 0:
            batch = np.zeros((1, *self.input_shape), np.uint8)
            return tf.nest.map_structure(lambda t: t.numpy()[:0], self._call(fn, batch))
        parts = []
        for start in range(0, len(batch), _MAX_CHUNK):
            chunk = batch[start : start + _MAX_CHUNK]
            n = len(chunk)
            size = 1 << (n - 1).bit_length() if self._jit else n
            if size > n:
                pad = np.zeros((size - n, *self.input_shape), np.uint8)
                chunk = np.concatenate([chunk, pad])
            out = self._call(fn, chunk)
            parts.append(tf.nest.map_structure(lambda t, n=n: t.numpy()[:n], out))
        if len(parts) == 1:
            return parts[0]
        return tf.nest.map_structure(lambda *xs: np.concatenate(xs), *parts)

    def predict(self, x) -> np.ndarray:
        """Class probabilities.

        Args:
            x: uint8 images ``(N, H, W, C)``, or one image ``(H, W, C)``.

        Returns:
            ``(N, num_classes)`` float32, or ``(num_classes,)`` for one image.
        """
        batch, single = self._batch(x)
        probs = self._batched(self._predict_fn, batch)
        return probs[0] if single else probs

    def feature_maps(self, x) -> dict[str, np.ndarray]:
        """Every feature-map layer's output, by layer name, in model order.

        Args:
            x: uint8 images ``(N, H, W, C)``, or one image ``(H, W, C)``.

        Returns:
            ``{layer_name: (N, h, w, channels)}``, without the batch axis for one image.
        """
        batch, single = self._batch(x)
        _, maps = self._batched(self._maps_fn, batch)
        return {
            name: (m[0] if single else m) for name, m in zip(self.layer_names, maps, strict=True)
        }

    def grad_cam(self, x, class_index: int | None = None) -> np.ndarray:
        """Grad-CAM heat map of one picture for one class.

        Args:
            x: one uint8 image ``(H, W, C)`` (or a batch of one).
            class_index: the class to explain; ``None`` for the predicted class.

        Returns:
            ``(H, W)`` float32 in [0, 1]; all zeros when no position of the last convolution raises
            the class score.

        Raises:
            ValueError: if the model has no convolution layer.
        """
        if self.cam_layer is None:
            raise ValueError("this model has no convolution layer, so there is no Grad-CAM")
        return self.explain(x, top_k=0, class_index=class_index).cam

    def explain(self, x, top_k: int = 3, class_index: int | None = None) -> Explanation:
        """Probabilities, feature maps and Grad-CAM of one picture, from one graph call.

        Args:
            x: one uint8 image ``(H, W, C)`` (or a batch of one).
            top_k: how many classes to list.
            class_index: the class the heat map explains; ``None`` for the predicted class.

        Returns:
            An :class:`Explanation`.

        Raises:
            ValueError: if ``x`` is not one image of the model's input shape, or if
                ``class_index`` is out of range.
        """
        batch, _ = self._batch(x)
        if batch.shape[0] != 1:
            raise ValueError(f"explain takes one image, got a batch of {batch.shape[0]}")
        wanted = -1 if class_index is None else int(class_index)
        if not -1 <= wanted < self.num_classes:
            raise ValueError(f"class_index must be in [0, {self.num_classes}), got {class_index}")
        if class_index is not None and self.cam_layer is None:
            raise ValueError("this model has no convolution layer, so there is no Grad-CAM")
        probs, maps, cam, target = self._call(self._explain_fn, batch, np.array([wanted], np.int32))
        probs = probs.numpy()[0]
        return Explanation(
            probs=probs,
            top_k=_top_k(probs, top_k),
            feature_maps={
                name: m.numpy()[0] for name, m in zip(self.layer_names, maps, strict=True)
            },
            cam=cam.numpy()[0] if self.cam_layer else None,
            class_index=int(target.numpy()[0]),
            cam_layer=self.cam_layer,
        )

    def __repr__(self) -> str:
        return (
            f"Predictor(model={self.model.name!r}, input={self.input_shape}, "
            f"classes={self.num_classes}, maps={len(self.layer_names)}, "
            f"cam_layer={self.cam_layer!r})"
        )
