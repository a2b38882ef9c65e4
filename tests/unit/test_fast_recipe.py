"""The fast recipe's parts: half-size batches, the whitened first layer, their checks."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_core import locales
from cnn_core.presets import get_preset
from cnn_core.spec import ModelSpec
from cnn_core.train import (
    SHORT_RUN_S,
    RecipeError,
    SettingsError,
    TrainSettings,
    check_recipe,
    continue_training,
    fast_settings,
    half_size,
    load_run_model,
    make_dataset,
    quick_demo_settings,
    start_training,
)
from cnn_core.train.pipeline import SizeClock
from cnn_core.whiten import whitening_filters
from tests.engine_helpers import small_cifar

SMALL_FAST = ModelSpec(
    [
        {"type": "Conv2D", "filters": 24, "kernel_size": 2, "activation": "relu"},
        {"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same", "use_bias": False},
        {"type": "MaxPooling2D", "pool_size": 2},
        {"type": "BatchNormalization", "momentum": 0.8},
        {"type": "Activation", "activation": "relu"},
        {"type": "GlobalMaxPooling2D"},
        {"type": "Dense", "units": 10, "activation": "softmax"},
    ],
    name="small_fast",
)


@pytest.fixture
def small_data(data_dir):
    return small_cifar(data_dir, 400)


def _bn_inputs(model, x):
    """The first BatchNormalization layer and its input over ``x``, layer by layer."""
    import keras

    index = next(
        i
        for i, layer in enumerate(model.layers)
        if isinstance(layer, keras.layers.BatchNormalization)
    )
    h = x.astype(np.float32)
    for layer in model.layers[1:index]:
        h = layer(h)
    h = np.asarray(h, dtype=np.float32)
    return model.layers[index], h.reshape(-1, h.shape[-1])


def test_half_size_matches_keras_average_pooling():
    import keras

    x = np.random.default_rng(0).integers(0, 256, (5, 32, 32, 3)).astype(np.uint8)
    expected = keras.layers.AveragePooling2D(2)(x.astype(np.float32))
    got = half_size(x)
    assert got.shape == (5, 16, 16, 3) and got.dtype == np.uint8
    np.testing.assert_array_equal(got, np.floor(np.asarray(expected) + 0.5).astype(np.uint8))
    assert half_size(np.zeros((2, 28, 28, 1), np.uint8)).shape == (2, 14, 14, 1)
    assert half_size(np.zeros((2, 7, 9, 1), np.uint8)).shape == (2, 3, 4, 1)


def test_low_res_batches_come_first_then_full_size(small_data):
    settings = fast_settings(batch_size=100, epochs=2, low_res=0.5, seed=1)
    ds, steps = make_dataset(small_data.x_train, small_data.y_train, settings, 10, 0)
    sizes = [tuple(xb.shape[1:3]) for xb, _ in ds.take(10)]  # endless: epoch after epoch
    assert steps == 4
    assert sizes == [(16, 16)] * 4 + [(32, 32)] * 6  # the first half of 2 epochs of 4 steps
    clock = SizeClock(time_fraction=0.9)  # a time budget 90% spent: full size from now on
    ds, _ = make_dataset(small_data.x_train, small_data.y_train, settings, 10, 0, clock)
    assert {tuple(xb.shape[1:3]) for xb, _ in ds.take(5)} == {(32, 32)}


def test_fast_recipe_has_a_short_and_a_long_variant():
    short, long = fast_settings(time_budget_s=60), fast_settings(time_budget_s=600)
    assert short.batch_size < long.batch_size and short.low_res > long.low_res
    assert fast_settings(time_budget_s=SHORT_RUN_S).batch_size == short.batch_size
    assert fast_settings().batch_size == long.batch_size
    for recipe in (short, long, quick_demo_settings()):
        assert recipe.whiten and recipe.augment and 0 < recipe.low_res <= 0.9
        check_recipe(get_preset("fast"), recipe)
    assert quick_demo_settings().time_budget_s <= SHORT_RUN_S


@pytest.mark.parametrize("bad", [-0.1, 0.95, True, "half"])
def test_low_res_must_be_a_share_up_to_90_percent(bad):
    with pytest.raises(SettingsError):
        TrainSettings(low_res=bad)
    with pytest.raises(SettingsError):
        TrainSettings(whiten="yes")


def test_recipes_that_do_not_fit_the_network_are_refused_before_training(tmp_path):
    with pytest.raises(RecipeError) as wide:
        check_recipe(get_preset("blog"), TrainSettings(whiten=True))
    assert wide.value.key == "train.error.whiten_filters"
    assert wide.value.args_dict == {"filters": 128, "most": 54, "kernel": "3x3"}
    assert "128" in wide.value.message("pt") and "54" in wide.value.message("en")
    pool_first = ModelSpec([{"type": "MaxPooling2D"}, *SMALL_FAST.layers[1:]])
    with pytest.raises(RecipeError) as not_conv:
        check_recipe(pool_first, TrainSettings(whiten=True))
    assert not_conv.value.key == "train.error.whiten_not_conv"
    with pytest.raises(RecipeError) as flat:  # LeNet's Dense after Flatten needs 32x32 images
        check_recipe(get_preset("lenet"), TrainSettings(low_res=0.5))
    assert flat.value.key == "train.error.low_res"
    assert "16x16" in flat.value.message("en")
    for key in ("train.error.whiten_not_conv", "train.error.whiten_filters"):
        assert set(locales.catalog()[key]) == {"pt", "en"}
    with pytest.raises(RecipeError):
        start_training(
            get_preset("lenet"), TrainSettings(low_res=0.5), owner="me", runs_dir=tmp_path
        )
    assert not list(tmp_path.iterdir())  # refused before a run folder was made
    check_recipe(get_preset("lenet"), TrainSettings())  # nothing asked, nothing to refuse


def test_whitened_run_with_half_size_start_trains_saves_and_continues(small_data, tmp_path):
    settings = fast_settings(batch_size=100, epochs=2, val_size=100, low_res=0.5)
    handle = start_training(SMALL_FAST, settings, owner="me", runs_dir=tmp_path, data=small_data)
    assert handle.join(120)
    snap = handle.snapshot()
    assert snap.status == "finished", snap
    assert len(snap.epoch_log) == 2 and snap.evaluation is not None
    model = load_run_model(handle.run_id, "me", tmp_path)
    assert tuple(model.input_shape) == (None, 32, 32, 3)  # the saved model is full size
    first = model.get_layer("conv2d_1")
    assert not first.trainable
    kernel, bias = whitening_filters(small_data.x_train, (2, 2), 24)
    np.testing.assert_allclose(first.get_weights()[0], kernel, rtol=1e-6)
    np.testing.assert_allclose(first.get_weights()[1], bias, rtol=1e-6, atol=1e-6)
    more = continue_training(handle.run_id, 1, owner="me", runs_dir=tmp_path, data=small_data)
    assert more.join(120) and more.snapshot().status == "finished"
    again = load_run_model(handle.run_id, "me", tmp_path).get_layer("conv2d_1")
    np.testing.assert_array_equal(again.get_weights()[0], first.get_weights()[0])  # kept fixed


def test_the_fast_recipe_is_repeatable(small_data, tmp_path):
    settings = fast_settings(batch_size=100, epochs=1, val_size=100, low_res=0.5, seed=3)
    logs = []
    for _ in range(2):
        handle = start_training(
            SMALL_FAST, settings, owner="me", runs_dir=tmp_path, data=small_data
        )
        assert handle.join(120) and handle.snapshot().status == "finished"
        snap = handle.snapshot()
        logs.append(([e["loss"] for e in snap.epoch_log], snap.evaluation["loss"]))
    assert logs[0] == logs[1]


def test_settling_re_measures_batchnorm_statistics_on_full_size_images(small_data):
    import keras

    from cnn_core.model import build_model
    from cnn_core.train import settle_batchnorm

    keras.utils.set_random_seed(0)
    model = build_model(SMALL_FAST)
    before = [w.copy() for w in model.get_weights()]
    x = small_data.x_train
    assert settle_batchnorm(model, x, batch_size=100, batches=40)
    # What the BN layer sees, measured directly: its input over all the images.
    bn, features = _bn_inputs(model, x)
    np.testing.assert_allclose(bn.moving_mean.numpy(), features.mean(axis=0), rtol=0.1, atol=0.02)
    np.testing.assert_allclose(bn.moving_variance.numpy(), features.var(axis=0), rtol=0.25)
    trained = {id(v) for v in model.trainable_variables}
    for var, old in zip(model.weights, before, strict=True):
        if id(var) in trained:  # weights untouched: only the moving statistics moved
            np.testing.assert_array_equal(var.numpy(), old)
    assert not settle_batchnorm(
        build_model(ModelSpec(SMALL_FAST.layers[:2] + SMALL_FAST.layers[5:])), x
    )


def test_a_run_stopped_on_half_size_images_is_settled_before_the_test(small_data, tmp_path):
    settings = fast_settings(batch_size=100, epochs=1, val_size=100, low_res=0.9)
    handle = start_training(SMALL_FAST, settings, owner="me", runs_dir=tmp_path, data=small_data)
    assert handle.join(120) and handle.snapshot().status == "finished"
    model = load_run_model(handle.run_id, "me", tmp_path)
    bn, features = _bn_inputs(model, small_data.x_train)
    # 3 of the 4 steps were half-size; the saved statistics are the full-size ones regardless.
    np.testing.assert_allclose(bn.moving_mean.numpy(), features.mean(axis=0), rtol=0.15, atol=0.05)


def test_validation_during_the_half_size_start_uses_half_size_images(small_data, tmp_path):
    # 3 epochs of 4 steps, the first 90% half-size: epoch 1 ends on half-size images.
    settings = fast_settings(batch_size=100, epochs=3, val_size=100, low_res=0.9)
    handle = start_training(SMALL_FAST, settings, owner="me", runs_dir=tmp_path, data=small_data)
    assert handle.join(120)
    snap = handle.snapshot()
    assert snap.status == "finished", snap
    log = snap.epoch_log
    assert log[0].get("half_size") is True and not log[-1].get("half_size")
    assert all(0 <= e["val_accuracy"] <= 1 for e in log)
    model = load_run_model(handle.run_id, "me", tmp_path)
    assert tuple(model.input_shape) == (None, 32, 32, 3)
