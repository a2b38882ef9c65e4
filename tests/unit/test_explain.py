"""Predictor on tiny models with hand-set weights: probabilities, feature maps and Grad-CAM."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core.explain import (
    Explanation,
    Predictor,
    map_stats,
    normalized_entropy,
    top_k,
)

keras = pytest.importorskip("keras")


def _input(shape):
    inputs = keras.Input(shape=shape, name="input")
    return inputs, keras.layers.Rescaling(1 / 255, name="rescale")(inputs)


def edge_model():
    """6x6x1 -> conv 3x3 (2 hand-set filters, relu) -> max pool 2x2 -> dense(3, softmax)."""
    inputs, x = _input((6, 6, 1))
    x = keras.layers.Conv2D(2, 3, activation="relu", name="conv")(x)
    x = keras.layers.MaxPooling2D(2, name="pool")(x)
    x = keras.layers.Dropout(0.5, name="drop")(x)
    x = keras.layers.Flatten(name="flat")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(x)
    model = keras.Model(inputs, outputs)
    kernel = np.zeros((3, 3, 1, 2), np.float32)
    kernel[:, :, 0, 0] = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]  # Sobel: dark-to-light, left-right
    kernel[:, :, 0, 1] = [[0, 0, 0], [0, 1, 0], [0, 0, 0]]  # identity
    model.get_layer("conv").set_weights([kernel, np.array([0.0, -0.25], np.float32)])
    rng = np.random.default_rng(1)
    model.get_layer("out").set_weights(
        [rng.normal(size=(8, 3)).astype(np.float32), np.array([0.1, 0.0, -0.1], np.float32)]
    )
    return model, kernel


def numpy_conv_relu(image01, kernel, bias):
    h, w = image01.shape[:2]
    kh, kw, _, k = kernel.shape
    out = np.zeros((h - kh + 1, w - kw + 1, k))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            patch = image01[i : i + kh, j : j + kw, :]
            out[i, j] = np.tensordot(patch, kernel, axes=([0, 1, 2], [0, 1, 2])) + bias
    return np.maximum(out, 0)


def quadrant_model(*, dense_softmax=True, stride=2):
    """8x8 RGB -> conv (ch0 = redness, ch1 = greenness) -> global average -> 2 classes.

    Class 0's score is the average redness, class 1's the average greenness, so Grad-CAM for class
    0 must light up where the picture is red.
    """
    inputs, x = _input((8, 8, 3))
    x = keras.layers.Conv2D(2, stride, strides=stride, activation="relu", name="conv")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    if dense_softmax:
        outputs = keras.layers.Dense(2, activation="softmax", name="out")(x)
    else:
        x = keras.layers.Dense(2, name="logits")(x)
        outputs = keras.layers.Activation("softmax", name="probs")(x)
    model = keras.Model(inputs, outputs)
    kernel = np.zeros((stride, stride, 3, 2), np.float32)
    kernel[:, :, 0, 0] = 1.0 / stride**2  # red -> channel 0
    kernel[:, :, 1, 1] = 1.0 / stride**2  # green -> channel 1
    model.get_layer("conv").set_weights([kernel, np.zeros(2, np.float32)])
    dense = model.get_layer("out" if dense_softmax else "logits")
    dense.set_weights([np.eye(2, dtype=np.float32) * 4, np.zeros(2, np.float32)])
    return model


def red_top_left_green_bottom_right():
    image = np.zeros((8, 8, 3), np.uint8)
    image[:4, :4, 0] = 255
    image[4:, 4:, 1] = 200
    return image


@pytest.fixture(scope="module")
def edge():
    model, kernel = edge_model()
    return model, kernel, Predictor(model, warm_up=False)


@pytest.fixture(scope="module")
def quadrant():
    return Predictor(quadrant_model(), warm_up=False)


def test_feature_maps_match_a_numpy_convolution_and_pooling(edge):
    _, kernel, predictor = edge
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (6, 6, 1), np.uint8)
    maps = predictor.feature_maps(image)
    # Rescaling and Dropout repeat their input; Flatten/Dense are not maps.
    assert list(maps) == ["conv", "pool"]
    expected = numpy_conv_relu(image / 255.0, kernel, np.array([0.0, -0.25]))
    np.testing.assert_allclose(maps["conv"], expected, atol=1e-5)
    pooled = expected.reshape(2, 2, 2, 2, 2).max(axis=(1, 3))
    np.testing.assert_allclose(maps["pool"], pooled, atol=1e-5)


def test_feature_maps_by_hand_on_a_vertical_edge(edge):
    _, _, predictor = edge
    image = np.zeros((6, 6, 1), np.uint8)
    image[:, 3:] = 255  # dark left half, white right half
    conv = predictor.feature_maps(image)["conv"]
    # Sobel over columns 1..3 (window at j=1) and 2..4 (j=2) straddles the edge: 1 + 2 + 1 = 4.
    np.testing.assert_allclose(conv[:, :, 0], [[0, 4, 4, 0]] * 4, atol=1e-5)
    # Identity filter minus 0.25 bias: the centre pixel (1.0 on the right) - 0.25, or 0 after ReLU.
    np.testing.assert_allclose(conv[:, :, 1], [[0, 0, 0.75, 0.75]] * 4, atol=1e-5)


def test_predict_matches_keras_for_a_batch_and_a_single_image(edge):
    model, _, predictor = edge
    batch = np.random.default_rng(2).integers(0, 256, (5, 6, 6, 1), np.uint8)
    expected = model(batch.astype(np.float32), training=False).numpy()
    probs = predictor.predict(batch)
    assert probs.shape == (5, 3)
    np.testing.assert_allclose(probs, expected, atol=1e-6)
    np.testing.assert_allclose(predictor.predict(batch[3]), expected[3], atol=1e-6)
    maps = predictor.feature_maps(batch)
    assert maps["conv"].shape == (5, 4, 4, 2)


def test_explain_returns_everything_from_one_call(edge):
    model, _, predictor = edge
    image = np.random.default_rng(3).integers(0, 256, (6, 6, 1), np.uint8)
    result = predictor.explain(image, top_k=2)
    assert isinstance(result, Explanation)
    expected = model(image[None].astype(np.float32)).numpy()[0]
    np.testing.assert_allclose(result.probs, expected, atol=1e-6)
    best = int(np.argmax(expected))
    assert result.class_index == best
    assert result.top_k[0][0] == best and len(result.top_k) == 2
    assert result.top_k[0][1] >= result.top_k[1][1]
    np.testing.assert_allclose(result.feature_maps["conv"], predictor.feature_maps(image)["conv"])
    assert result.cam.shape == (6, 6) and result.cam_layer == "conv"
    assert "Explanation(" in repr(result) and "conv" in repr(predictor)


def test_plain_graphs_give_the_same_answers_as_xla(edge):
    model, _, xla = edge
    plain = Predictor(model, jit_compile=False, warm_up=False)
    images = np.random.default_rng(7).integers(0, 256, (3, 6, 6, 1), np.uint8)
    np.testing.assert_allclose(plain.predict(images), xla.predict(images), atol=1e-5)
    a, b = plain.explain(images[0]), xla.explain(images[0])
    np.testing.assert_allclose(a.cam, b.cam, atol=1e-5)
    np.testing.assert_allclose(a.feature_maps["pool"], b.feature_maps["pool"], atol=1e-5)
    big = np.random.default_rng(8).integers(0, 256, (70, 6, 6, 1), np.uint8)  # two chunks
    np.testing.assert_allclose(plain.predict(big), xla.predict(big), atol=1e-5)
    assert xla.predict(big[:0]).shape == (0, 3)


def test_graphs_are_traced_once_whatever_the_batch_size(edge):
    _, _, predictor = edge
    rng = np.random.default_rng(4)
    for n in (1, 3, 8):
        predictor.predict(rng.integers(0, 256, (n, 6, 6, 1), np.uint8))
        predictor.feature_maps(rng.integers(0, 256, (n, 6, 6, 1), np.uint8))
    for c in (None, 0, 1, 2):
        predictor.explain(rng.integers(0, 256, (6, 6, 1), np.uint8), class_index=c)
    assert predictor._predict_fn.experimental_get_tracing_count() == 1
    assert predictor._maps_fn.experimental_get_tracing_count() == 1
    assert predictor._explain_fn.experimental_get_tracing_count() == 1


def test_grad_cam_equals_the_hand_computed_formula():
    # 1x1 conv (no resizing needed), flatten, dense: d logit_c / d A[i, j, k] = W[(i*4+j)*2+k, c].
    inputs, x = _input((4, 4, 2))
    x = keras.layers.Conv2D(2, 1, activation="relu", name="conv")(x)
    x = keras.layers.Flatten(name="flat")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(x)
    model = keras.Model(inputs, outputs)
    model.get_layer("conv").set_weights(
        [np.array([[[[1.0, 0.5], [-0.5, 1.0]]]], np.float32), np.zeros(2, np.float32)]
    )
    rng = np.random.default_rng(5)
    weights = rng.normal(size=(32, 3)).astype(np.float32)
    model.get_layer("out").set_weights([weights, np.zeros(3, np.float32)])
    image = rng.integers(0, 256, (4, 4, 2), np.uint8)
    predictor = Predictor(model, warm_up=False)

    maps = predictor.feature_maps(image)["conv"].astype(np.float64)
    for c in range(3):
        alpha = weights[:, c].reshape(4, 4, 2).mean(axis=(0, 1))
        cam = np.maximum((maps * alpha).sum(axis=-1), 0)
        expected = cam / cam.max() if cam.max() > 0 else cam
        np.testing.assert_allclose(predictor.grad_cam(image, c), expected, atol=1e-5)


@pytest.mark.parametrize("dense_softmax", [True, False], ids=["dense_softmax", "activation"])
def test_grad_cam_lights_up_the_region_the_class_depends_on(dense_softmax, quadrant):
    predictor = quadrant if dense_softmax else Predictor(quadrant_model(dense_softmax=False))
    image = red_top_left_green_bottom_right()
    red = predictor.grad_cam(image, 0)
    green = predictor.grad_cam(image, 1)
    assert red.shape == green.shape == (8, 8)
    assert red.min() >= 0 and red.max() == pytest.approx(1.0)
    # The 4x4 map is upsampled to 8x8: the heat sits in the red quadrant, fading at its edge.
    assert red[:3, :3].min() > 0.9
    assert red[5:, :].max() == pytest.approx(0) and red[:, 5:].max() == pytest.approx(0)
    assert green[5:, 5:].min() > 0.9
    assert green[:3, :].max() == pytest.approx(0) and green[:, :3].max() == pytest.approx(0)
    assert np.unravel_index(red.argmax(), red.shape) < (4, 4)


def test_grad_cam_of_the_predicted_class_by_default(quadrant):
    predictor = quadrant
    image = np.zeros((8, 8, 3), np.uint8)
    image[4:, 4:, 1] = 255  # only green: class 1 wins
    result = predictor.explain(image)
    assert result.class_index == 1
    np.testing.assert_allclose(result.cam, predictor.grad_cam(image, 1))
    np.testing.assert_allclose(predictor.grad_cam(image), predictor.grad_cam(image, 1))


def test_all_zero_map_gives_a_zero_heat_map_not_nan(quadrant):
    predictor = quadrant
    black = np.zeros((8, 8, 3), np.uint8)
    result = predictor.explain(black)
    assert np.isfinite(result.cam).all()
    assert (result.cam == 0).all()
    assert result.cam_empty
    # Equal probabilities: honest "no idea".
    assert result.uncertain and result.entropy == pytest.approx(1.0)


def test_frozen_models_still_get_a_heat_map():
    model = quadrant_model()
    model.trainable = False
    cam = Predictor(model, warm_up=False).grad_cam(red_top_left_green_bottom_right(), 0)
    assert cam[:3, :3].min() > 0.9


def test_grad_cam_uses_the_activation_after_a_linear_conv_and_batchnorm():
    inputs, x = _input((8, 8, 3))
    x = keras.layers.Conv2D(2, 2, strides=2, use_bias=False, name="conv")(x)
    x = keras.layers.BatchNormalization(name="bn")(x)
    x = keras.layers.Activation("relu", name="relu")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax", name="out")(x))
    kernel = np.zeros((2, 2, 3, 2), np.float32)
    kernel[:, :, 0, 0] = kernel[:, :, 1, 1] = 0.25
    model.get_layer("conv").set_weights([kernel])
    model.get_layer("out").set_weights([np.eye(2, dtype=np.float32) * 4, np.zeros(2, np.float32)])
    predictor = Predictor(model, warm_up=False)
    assert predictor.layer_names == ["conv", "bn", "relu"]
    assert predictor.cam_layer == "relu"
    cam = predictor.grad_cam(red_top_left_green_bottom_right(), 0)
    assert cam[:3, :3].min() > 0.9 and cam[5:, 5:].max() == pytest.approx(0)


def test_mixed_precision_models_get_float32_answers_and_a_heat_map():
    # As the Train page builds them: every layer in bfloat16 but the softmax.
    inputs = keras.Input(shape=(8, 8, 3), name="input")
    x = keras.layers.Rescaling(1 / 255, name="rescale", dtype="mixed_bfloat16")(inputs)
    x = keras.layers.Conv2D(
        2, 2, strides=2, activation="relu", name="conv", dtype="mixed_bfloat16"
    )(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap", dtype="mixed_bfloat16")(x)
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax", name="out")(x))
    kernel = np.zeros((2, 2, 3, 2), np.float32)
    kernel[:, :, 0, 0] = kernel[:, :, 1, 1] = 0.25
    model.get_layer("conv").set_weights([kernel, np.zeros(2, np.float32)])
    model.get_layer("out").set_weights([np.eye(2, dtype=np.float32) * 4, np.zeros(2, np.float32)])
    predictor = Predictor(model, warm_up=False)
    result = predictor.explain(red_top_left_green_bottom_right(), class_index=0)
    assert result.probs.dtype == np.float32 and result.cam.dtype == np.float32
    assert result.feature_maps["conv"].dtype == np.float32
    assert result.cam[:3, :3].min() > 0.9 and result.cam[5:, 5:].max() == pytest.approx(0)


def test_model_without_convolution_has_no_grad_cam():
    inputs, x = _input((4, 4, 1))
    x = keras.layers.Flatten(name="flat")(x)
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax", name="out")(x))
    predictor = Predictor(model, jit_compile=False)
    image = np.full((4, 4, 1), 9, np.uint8)
    assert predictor.cam_layer is None
    assert predictor.feature_maps(image) == {}
    result = predictor.explain(image)
    assert result.cam is None and result.cam_empty
    with pytest.raises(ValueError, match="convolution"):
        predictor.grad_cam(image, 0)


def test_bad_inputs_are_refused(edge):
    _, _, predictor = edge
    with pytest.raises(ValueError, match="shape"):
        predictor.predict(np.zeros((6, 5, 1), np.uint8))
    with pytest.raises(ValueError, match="0-255"):
        predictor.predict(np.full((6, 6, 1), 0.5, np.float32))
    with pytest.raises(ValueError, match="class_index"):
        predictor.explain(np.zeros((6, 6, 1), np.uint8), class_index=3)
    with pytest.raises(ValueError, match="one image"):
        predictor.explain(np.zeros((2, 6, 6, 1), np.uint8))
    # Whole-number floats are fine: they are 0-255 pixels in another dtype.
    ints = np.random.default_rng(6).integers(0, 256, (6, 6, 1))
    np.testing.assert_allclose(
        predictor.predict(ints.astype(np.float32)), predictor.predict(ints.astype(np.uint8))
    )


def test_top_k_and_entropy_by_hand():
    probs = np.array([0.1, 0.6, 0.3])
    assert top_k(probs, 2) == [(1, pytest.approx(0.6)), (2, pytest.approx(0.3))]
    assert len(top_k(probs, 10)) == 3
    assert normalized_entropy([1, 0, 0, 0]) == 0.0
    assert normalized_entropy([0.25] * 4) == pytest.approx(1.0)
    expected = -(0.5 * np.log(0.5) * 2) / np.log(4)
    assert normalized_entropy([0.5, 0.5, 0, 0]) == pytest.approx(expected)


def test_uncertainty_flags():
    def explanation(probs):
        probs = np.asarray(probs, np.float32)
        return Explanation(probs, top_k(probs), {}, None, int(np.argmax(probs)), None)

    assert not explanation([0.9, 0.05, 0.05]).uncertain
    assert explanation([0.45, 0.35, 0.2]).uncertain  # top below 50 %
    spread = [0.55] + [0.05] * 9  # top over 50 % but the rest is spread over 9 classes
    assert normalized_entropy(spread) > 0.6
    assert explanation(spread).uncertain


def test_map_stats_by_hand():
    fmap = np.zeros((2, 2, 3), np.float32)
    fmap[0, 0, 0] = 2.5
    fmap[1, 1, 2] = 0.5
    stats = map_stats(fmap)
    assert stats.minimum == 0 and stats.maximum == 2.5
    assert stats.zero_fraction == pytest.approx(10 / 12)
    assert stats.dead_channels == 1 and stats.channels == 3
    with pytest.raises(ValueError):
        map_stats(np.zeros((2, 2)))
