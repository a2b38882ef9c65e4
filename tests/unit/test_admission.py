"""The host's admission check: hostile designs refused before anything is allocated."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc

import pytest

from cnn_core import admission
from cnn_core import design as designs
from cnn_core.admission import AdmissionError, check_admission, estimate_run
from cnn_core.presets import get_preset
from cnn_core.spec import ModelSpec, SpecError, summarize
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _known_host(monkeypatch):
    # Deterministic limits: the defaults, the constant speed, nothing measured.
    for name in (admission.MAX_RUN_ENV, admission.MAX_TRAIN_ENV, admission.MACS_PER_S_ENV):
        monkeypatch.delenv(name, raising=False)
    admission._forget_measurements()
    yield
    admission._forget_measurements()


def conv(filters, k=3, **extra):
    return {"type": "Conv2D", "filters": filters, "kernel_size": k, "padding": "same", **extra}


HEAD = [{"type": "GlobalAveragePooling2D"}, {"type": "Dense", "units": 10, "activation": "softmax"}]
# The issue's design: passes the spec's batch-32 check, needs ~8 GiB at batch 512.
WIDE = ModelSpec([conv(512, activation="relu") for _ in range(8)] + HEAD)
# Fits in memory, but 4,000 training images take ~12 minutes at the assumed speed.
SLOW = ModelSpec([conv(256, activation="relu") for _ in range(4)] + HEAD)


def blog_settings(**changes):
    return {**designs.default_settings(), **changes}


def refused(spec, settings, **kwargs) -> AdmissionError:
    with pytest.raises(AdmissionError) as info:
        check_admission(spec, settings, **kwargs)
    return info.value


def test_the_issues_wide_design_passes_the_spec_but_not_admission():
    assert summarize(WIDE).ok  # the old check, activations at batch 32 only
    err = refused(WIDE, blog_settings(batch_size=512))
    # Its test pass (batches of 256) does not fit either, so a smaller batch is no fix.
    assert err.code == "memory"
    assert err.args_dict["need_mb"] > 8000 and err.args_dict["limit_mb"] == 600
    assert err.args_dict["batch"] == 512
    en, pt = err.message("en"), err.message("pt")
    assert "8,326 MB" in en and "8.326 MB" in pt and "512" in en
    assert "conv2d_" in en  # names the layer whose outputs take the memory
    assert err.fix("pt") != err.fix("en")


def test_a_design_that_fits_at_a_smaller_batch_is_told_which():
    # Three full-size 256-channel maps per image (1.5 GB at batch 512), few multiplications.
    layers = [
        conv(256, k=1),
        {"type": "BatchNormalization"},
        {"type": "Activation", "activation": "relu"},
    ]
    spec = ModelSpec(layers + HEAD)
    settings = blog_settings(batch_size=512, optimizer="adamw")
    assert summarize(spec).ok
    err = refused(spec, settings)
    assert err.code == "memory_batch" and err.args_dict["batch"] == 512
    fit = err.args_dict["fit_batch"]
    assert 16 <= fit < 512 and f"{fit}" in err.fix("en")
    check_admission(spec, {**settings, "batch_size": fit})
    assert refused(spec, {**settings, "batch_size": fit + 1}).code == "memory_batch"


def test_memory_counts_weights_gradients_and_optimizer_slots():
    spec = get_preset("fast")
    summary = summarize(spec)
    sgd = admission.training_memory(summary, 256, "sgd")
    adam = admission.training_memory(summary, 256, "adamw")
    assert sgd.activations == summary.activation_bytes * 256
    assert sgd.weights == summary.total_params * 4 * 2  # weights + gradients
    assert adam.weights == summary.total_params * 4 * 4  # + two Adam moments
    # Training memory grows with the batch; the test pass does not depend on it.
    assert admission.training_memory(summary, 512).training > adam.training
    assert admission.training_memory(summary, 16).evaluation == adam.evaluation


def test_the_test_pass_counts_even_when_training_batches_are_small():
    # Four full-size 1024-filter maps: batch 16 trains in ~500 MB, but the test runs batches of
    # 256 images (two maps of 4 MB each per image, ~2 GB).
    spec = ModelSpec([conv(1024, k=1) for _ in range(4)] + HEAD)
    err = refused(spec, blog_settings(batch_size=16, optimizer="sgd"))
    assert err.code == "memory" and err.args_dict["need_mb"] > 1500


def test_input_shape_must_be_the_datasets():
    lenet_mnist = get_preset("lenet", (28, 28, 1), 10)
    err = refused(lenet_mnist, blog_settings(dataset="cifar10"))
    assert err.code == "input_shape"
    assert "28x28x1" in err.message("en") and "32x32x3" in err.message("en")
    assert "CIFAR-10" in err.message("pt") and "32x32x3" in err.fix("pt")
    check_admission(lenet_mnist, blog_settings(dataset="mnist"))
    check_admission(lenet_mnist, blog_settings(dataset="fashion_mnist"))
    assert refused(get_preset("lenet"), blog_settings(dataset="mnist")).code == "input_shape"


def test_classes_must_be_the_datasets_and_have_an_upper_bound():
    with pytest.raises(SpecError) as info:
        get_preset("blog", num_classes=40_000)
    assert [p.code for p in info.value.problems] == ["bad_num_classes"]
    assert "1,000" in info.value.message("en")
    hundred = get_preset("blog", num_classes=100)
    err = refused(hundred, blog_settings())
    assert err.code == "num_classes" and err.args_dict == {
        "classes": 100,
        "dataset": "cifar10",
        "expected": 10,
    }
    assert "100" in err.message("pt") and "10" in err.fix("en")


def test_unknown_dataset_is_refused():
    assert refused(get_preset("blog"), blog_settings(dataset="imagenet")).code == "dataset"


def test_a_network_too_slow_for_the_least_useful_run_is_refused():
    settings = blog_settings(batch_size=16)
    err = refused(SLOW, settings)
    assert err.code == "compute"
    estimate = estimate_run(SLOW, settings)
    assert err.args_dict["need_s"] == pytest.approx(estimate.minimum_s)
    assert err.args_dict["limit_s"] == 600 and err.args_dict["least"] == 4000
    assert estimate.minimum_s > 600 and estimate.total_s > 10 * 600
    en = err.message("en")
    assert "10 min" in en and "13 min" in en and "4,000" in en  # needed, allowed, for what
    assert "4.000" in err.message("pt")
    # The fix names a training-set size that fits; it does.
    fit = err.args_dict["fit_images"]
    assert 1000 <= fit < 4000 and f"{fit:,}" in err.fix("en")
    check_admission(SLOW, {**settings, "train_size": fit})
    with pytest.raises(AdmissionError):
        check_admission(SLOW, {**settings, "train_size": fit + 100})


def test_a_network_too_slow_even_for_a_few_images_gets_another_fix(monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "100")
    err = refused(SLOW, blog_settings(batch_size=16))
    assert err.code == "compute_network" and err.args_dict["fit_images"] < 1000
    assert "filters" in err.fix("en") and "{" not in err.fix("en")


def test_the_cap_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "20")
    assert admission.max_run_seconds() == 20
    # Under a 20 s cap the blog's run is admitted (the cap will end it)...
    check_admission(get_preset("blog"), blog_settings())
    # ...under 10 s, 4,000 images (~14 s at the assumed speed) do not fit.
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "10")
    assert refused(get_preset("blog"), blog_settings()).code == "compute"
    # A host's typo is said at once, not silently replaced by the default.
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "not a number")
    with pytest.raises(ValueError):
        admission.max_run_seconds()
    # "off" (a private machine): bounded by the longest time budget a run may ask for.
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "off")
    assert admission.max_run_seconds() == admission.UNCAPPED_RUN_S


def test_small_training_sets_are_judged_by_their_own_size(monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_MAX_RUN_S", "10")
    check_admission(get_preset("blog"), blog_settings(train_size=1000))


def test_a_time_budget_bounds_the_estimate():
    spec = get_preset("fast")
    long = estimate_run(spec, blog_settings(epochs=30))
    short = estimate_run(spec, blog_settings(epochs=30, time_budget_s=60))
    assert short.train_s == 60 and long.train_s == pytest.approx(30 * long.epoch_s)
    assert short.total_s < long.total_s
    tiny = estimate_run(spec, blog_settings(epochs=30, time_budget_s=5))
    assert tiny.minimum_s < short.minimum_s  # a budget shorter than the least run bounds it
    # Continue drops the budget: its extra epochs count in full.
    more = estimate_run(spec, blog_settings(time_budget_s=60), extra_epochs=5)
    assert more.train_s == pytest.approx(5 * more.epoch_s)


def test_runs_longer_than_the_cap_are_admitted_and_the_estimate_says_so():
    # The blog's 40 epochs take longer than ten minutes; the cap ends the run by itself.
    estimate = estimate_run(get_preset("blog"), blog_settings())
    assert not estimate.fits and estimate.minimum_s < estimate.cap_s
    check_admission(get_preset("blog"), blog_settings())


def test_continue_checks_its_extra_epochs():
    spec = get_preset("blog")
    check_admission(spec, blog_settings(), purpose="continue", extra_epochs=5)
    assert refused(spec, blog_settings(), purpose="continue", extra_epochs=0).code == "extra_epochs"
    assert refused(WIDE, blog_settings(batch_size=512), purpose="continue", extra_epochs=1)
    with pytest.raises(ValueError):
        check_admission(spec, blog_settings(), purpose="anything")


def test_the_speed_measurement_is_bounded_too():
    # Measuring runs ~6-20 batches: the slow design at batch 512 would take minutes.
    err = refused(SLOW, blog_settings(batch_size=64), purpose="measure")
    assert err.code == "measure_time" and err.args_dict["limit_s"] == 60
    check_admission(get_preset("blog"), blog_settings(), purpose="measure")


def test_a_measured_speed_replaces_the_constant(monkeypatch):
    spec = get_preset("blog")
    macs = summarize(spec).total_macs
    assert admission.host_macs_per_second() == admission.DEFAULT_MACS_PER_S
    assert admission.record_speed(spec, macs / 25e9) == pytest.approx(25e9)
    assert admission.host_macs_per_second() == pytest.approx(25e9)
    # A tiny network measures per-step overhead, not the host: not recorded.
    assert admission.record_speed(get_preset("lenet"), 1e-3) is None
    assert admission.host_macs_per_second() == pytest.approx(25e9)
    monkeypatch.setenv("CNN_STUDIO_MACS_PER_S", "1e9")
    assert admission.host_macs_per_second() == 1e9


@pytest.mark.parametrize(
    ("preset", "dataset", "recipe"),
    [
        ("blog", "cifar10", "blog"),
        ("lenet", "cifar10", "blog"),
        ("lenet", "mnist", "blog"),
        ("lenet", "fashion_mnist", "blog"),
        ("fast", "cifar10", "fast"),
        ("fast_small", "cifar10", "fast"),
        ("fast_small", "cifar10", "quick_demo"),
        ("fast", "cifar10", "ten_minutes"),
    ],
)
def test_ordinary_presets_with_their_recipes_are_admitted(preset, dataset, recipe):
    from cnn_core.data import _SHAPES
    from cnn_core.train import fast_settings, quick_demo_settings

    spec = get_preset(preset, _SHAPES[dataset], 10)
    settings = {
        "blog": designs.preset_settings(preset, dataset),
        "fast": designs.preset_settings(preset, dataset),
        "quick_demo": quick_demo_settings().to_dict(),
        "ten_minutes": fast_settings(time_budget_s=600, val_size=0).to_dict(),
    }[recipe]
    for purpose in ("train", "measure"):
        assert check_admission(spec, settings, purpose=purpose) is None
    check_admission(spec, settings, purpose="continue", extra_epochs=5)


def test_dataset_table_matches_the_data_module():
    from cnn_core.data import _NUM_CLASSES, _SHAPES

    assert admission.DATASET_SHAPES == _SHAPES and admission.DATASET_CLASSES == _NUM_CLASSES


@pytest.mark.parametrize(
    ("spec", "settings"),
    [
        (WIDE, {"batch_size": 512}),
        (SLOW, {"batch_size": 16}),
        (get_preset("lenet", (28, 28, 1), 10), {"dataset": "cifar10"}),
        (get_preset("blog", num_classes=100), {}),
    ],
    ids=["wide_batch_512", "hours_per_epoch", "mnist_design_on_cifar", "100_classes"],
)
def test_hostile_designs_are_refused_without_allocating(spec, settings):
    tracemalloc.start()
    try:
        with pytest.raises(AdmissionError):
            check_admission(spec, blog_settings(**settings))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 2**20  # bytes of Python objects, not gigabytes of tensors


def test_the_engine_refuses_before_building_anything(monkeypatch, tmp_path):
    from cnn_core import model, train

    def explode(*args, **kwargs):
        raise AssertionError("a refused design must not reach Keras")

    monkeypatch.setattr(model, "build_model", explode)
    monkeypatch.setattr(train, "build_for_training", explode, raising=False)
    settings = train.TrainSettings(batch_size=512, epochs=1)
    with pytest.raises(AdmissionError):
        train.start_training(WIDE, settings, owner="visitor-x", runs_dir=tmp_path)
    assert not any(tmp_path.rglob("meta.json"))  # no run folder either


def test_links_and_files_carrying_a_hostile_design_are_refused():
    hostile = {"spec": WIDE.to_dict(), "settings": blog_settings(batch_size=512)}
    for read in (
        lambda d: designs.decode(designs.encode(d)),
        lambda d: designs.from_json(designs.to_json(d)),
    ):
        with pytest.raises(designs.DesignError) as info:
            read(hostile)
        [problem] = info.value.problems
        assert problem.code == "admission"
        assert "8,326 MB" in info.value.message("en") and "8.326 MB" in info.value.message("pt")
    wrong_shape = {
        "spec": get_preset("lenet", (28, 28, 1), 10).to_dict(),
        "settings": blog_settings(),
    }
    with pytest.raises(designs.DesignError):
        designs.decode(designs.encode(wrong_shape))


def test_admission_imports_no_tensorflow():
    code = (
        "import sys; import cnn_core.admission, cnn_core.design; "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
