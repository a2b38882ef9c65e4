"""The Classify page under AppTest: uploads (good, broken, several), the sample photo, pickers."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from cnn_core import locales
from cnn_core.data import class_names, load_sample
from cnn_core.images import ImageError, prepare_image
from tests.conftest import app_test
from ui import classify as cl
from ui import models

PAGE = "pages/10_classify.py"
UNTRAINED = models.untrained_choice()


def png(color=(200, 30, 30), size=(64, 48), pattern=False) -> bytes:
    im = Image.new("RGB", size, color)
    if pattern:
        arr = np.asarray(im).copy()
        arr[::4] = 255 - arr[::4]
        im = Image.fromarray(arr)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def open_page(lang="en"):
    at = app_test(PAGE, lang, timeout=240)
    # The untrained blog model is always there; pick it so the test does not depend on which
    # pretrained models ship.
    at.session_state["classify_model"] = UNTRAINED.key
    return at.run()


def predictor():
    return cl.get_predictor(UNTRAINED, owner="")


def expected_label(data: bytes, lang: str) -> str:
    p = predictor()
    x = prepare_image(data, size=p.input_shape[:2]).array
    return class_names("cifar10", lang)[int(np.argmax(p.predict(x)))]


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def chart_caption(at) -> str:
    return next(c for c in texts(at.caption) if c.startswith(("Most likely", "Mais provável")))


@pytest.mark.parametrize("lang", locales.LANGUAGES)
def test_opens_with_an_invitation_and_an_honest_untrained_warning(lang):
    at = open_page(lang)
    assert not at.exception, texts(at.exception)
    assert at.title[0].value == locales.t("classify.title", lang)
    assert locales.t("classify.empty", lang) in texts(at.info)
    assert locales.t("classify.untrained_warning", lang) in texts(at.warning)
    uploader = at.file_uploader(key="classify_upload")
    assert uploader.accept_multiple_files
    assert set(uploader.allowed_type) >= {".jpg", ".png", ".webp"}


def test_uploading_a_png_shows_the_models_prediction():
    data = png(pattern=True)
    at = open_page("en")
    at.file_uploader(key="classify_upload").set_value(("photo.png", data, "image/png")).run()
    assert not at.exception, texts(at.exception)
    label = expected_label(data, "en")
    assert chart_caption(at).startswith(f"Most likely: {label} (")
    # An untrained model spreads its bets: the page must say it is unsure, naming its guess.
    warnings = texts(at.warning)
    assert any(f"best guess is **{label}**" in w for w in warnings), warnings
    assert "The photo: 64×48 pixels." in texts(at.caption)
    assert len(at.get("plotly_chart")) == 2  # probabilities and Grad-CAM


def test_broken_upload_shows_a_translated_error_and_the_good_photo_still_works():
    good, bad = png(), b"definitely not a picture"
    at = open_page("pt")
    at.file_uploader(key="classify_upload").set_value(
        [("notas.png", bad, "image/png"), ("foto.png", good, "image/png")]
    ).run()
    assert not at.exception, texts(at.exception)
    message = ImageError("not_an_image").message("pt")
    assert texts(at.error) == [f"notas\\.png: {message}"]
    assert chart_caption(at).startswith(f"Mais provável: {expected_label(good, 'pt')} (")


def test_several_photos_make_a_gallery_and_the_picker_chooses_which_to_explain():
    photos = [("a.png", png((250, 250, 250)), "image/png"), ("b.png", png((0, 0, 90)), "image/png")]
    at = open_page("en")
    at.file_uploader(key="classify_upload").set_value(photos).run()
    pick = at.selectbox(key="classify_pick")
    assert pick.options == ["1. a.png", "2. b.png"]
    # Both are new: the last one added is analysed first.
    assert pick.value == 1
    assert chart_caption(at).startswith(f"Most likely: {expected_label(photos[1][1], 'en')} (")
    pick.set_value(0).run()
    assert not at.exception
    assert at.selectbox(key="classify_pick").value == 0
    assert chart_caption(at).startswith(f"Most likely: {expected_label(photos[0][1], 'en')} (")


@pytest.mark.parametrize("lang", locales.LANGUAGES)
def test_a_photo_added_later_is_analysed_at_once(lang):
    first = ("a.png", png((250, 250, 250)), "image/png")
    second = ("b.png", png((0, 0, 90), pattern=True), "image/png")
    at = open_page(lang)
    at.file_uploader(key="classify_upload").set_value([first]).run()
    at.file_uploader(key="classify_upload").set_value([first, second]).run()
    assert not at.exception, texts(at.exception)
    assert at.selectbox(key="classify_pick").value == 1  # no need to look for the picker
    head = locales.t("classify.top_k", lang) and (
        "Most likely" if lang == "en" else "Mais provável"
    )
    assert chart_caption(at).startswith(f"{head}: {expected_label(second[1], lang)} (")
    # Going back to the first photo sticks: only a newly added photo takes over.
    at.selectbox(key="classify_pick").set_value(0).run()
    at.slider(key="classify_top_k").set_value(3).run()
    assert at.selectbox(key="classify_pick").value == 0
    assert chart_caption(at).startswith(f"{head}: {expected_label(first[1], lang)} (")


@pytest.mark.parametrize(("lang", "dataset"), [("pt", None), ("en", "cifar10"), ("pt", "mnist")])
def test_opens_with_the_best_shipped_model_for_the_dataset(lang, dataset):
    from cnn_core.pretrained import best_pretrained, title

    at = app_test(PAGE, lang, timeout=240)
    if dataset is not None:
        at.session_state["design"] = {"spec": {}, "settings": {"dataset": dataset}}
    at.run()
    assert not at.exception, texts(at.exception)
    best = best_pretrained(dataset or "cifar10")
    assert at.selectbox(key="classify_model").value == f"pre:{best.name}"
    picker = at.selectbox(key="classify_model")
    shown = picker.proto.options[picker.index]
    assert title(best.name, lang) in shown
    assert locales.format_percent(best.accuracy, lang) in shown


def test_sample_button_works_without_any_upload():
    at = open_page("en")
    at.button(key="classify_sample").click().run()
    assert not at.exception, texts(at.exception)
    index = at.session_state["classify_sample_index"]
    x, y = load_sample("cifar10")
    truth = class_names("cifar10", "en")[int(y[index])]
    p = predictor()
    best = class_names("cifar10", "en")[int(np.argmax(p.predict(x[index])))]
    assert chart_caption(at).startswith(f"Most likely: {best} (")
    assert "The photo: 32×32 pixels." in texts(at.caption)
    sample_photo = cl.sample_photo("cifar10", index)
    assert sample_photo is not None and int(y[index]) == sample_photo[1]
    assert truth in locales.t("classify.sample_name", "en", index=index, label=truth)


def test_layer_and_grad_cam_pickers():
    at = open_page("en")
    at.file_uploader(key="classify_upload").set_value(("p.png", png(pattern=True), "image/png"))
    at.run()
    layer = at.selectbox(key="classify_layer")
    names = predictor().layer_names
    assert layer.options[0].startswith(f"{names[0]}: 32×32×")
    layer.set_value(names[-1]).run()
    assert not at.exception
    maps = predictor().feature_maps(prepare_image(png(pattern=True)).array)[names[-1]]
    h, w, c = maps.shape
    assert any(cap.startswith(f"{c} maps of {h}×{w} in {names[-1]}") for cap in texts(at.caption))
    # The photo was decoded once and remembered for the reruns.
    memo = at.session_state["classify_prepared"]
    assert len(memo) == 1
    first = next(iter(memo.values()))
    cam_box = next(s for s in at.selectbox if str(s.key).startswith("classify_cam_class_"))
    other = (cam_box.index + 1) % 10
    cam_box.set_value(other).run()
    assert not at.exception
    remembered = list(at.session_state["classify_prepared"].values())
    assert len(remembered) == 1 and remembered[0] is first
    label = class_names("cifar10", "en")[other]
    assert f'Heat map for "{label}" over the crop the network received;' in " ".join(
        texts(at.caption)
    )


# --- helpers, without a page --------------------------------------------------------------------


@pytest.mark.parametrize("lang", locales.LANGUAGES)
def test_handle_upload_never_raises_and_speaks_the_language(lang):
    for data, code in [(b"", "empty"), (b"GIF89a broken", "corrupt"), (b"<svg></svg>", None)]:
        result = cl.handle_upload(cl.Photo("x", data), (32, 32, 3), lang)
        assert result.prepared is None and result.error
        if code:
            assert result.error == ImageError(code).message(lang)
    ok = cl.handle_upload(cl.Photo("x", png()), (28, 28, 1), lang)
    assert ok.error is None and ok.prepared.array.shape == (28, 28, 1)


def test_channel_grid_lays_out_tiles_on_one_colour_scale():
    fmap = np.zeros((2, 3, 4), np.float32)
    fmap[..., 1] = 5.0  # the brightest channel
    grid, low, high = cl.channel_grid(fmap, target_width=40, gap=1)
    assert (low, high) == (0.0, 5.0)
    cols = 4
    zoom = (40 // cols - 1) // 3
    assert grid.shape == (2 * zoom, cols * (3 * zoom + 1) - 1, 3)
    viridis = cl._lut("Viridis")
    assert (grid[0, 0] == viridis[0]).all()  # channel 0: all at the low end
    assert (grid[0, 3 * zoom + 1] == viridis[255]).all()  # channel 1: all at the high end
    assert (grid[0, 3 * zoom] == 255).all()  # white gap


def test_cam_overlay_keeps_the_photo_where_the_map_is_zero():
    prepared = prepare_image(png((10, 120, 200), size=(40, 40)))
    zero = cl.cam_overlay(prepared, np.zeros((32, 32), np.float32), 1.0)
    base = np.asarray(prepared.original.resize((cl.CAM_SIZE, cl.CAM_SIZE)))
    assert np.abs(zero.astype(int) - base.astype(int)).max() <= 2
    hot = np.zeros((32, 32), np.float32)
    hot[:8, :8] = 1
    lit = cl.cam_overlay(prepared, hot, 1.0)
    assert np.abs(lit[:40, :40].astype(int) - base[:40, :40].astype(int)).max() > 50
    assert np.abs(lit[-40:, -40:].astype(int) - base[-40:, -40:].astype(int)).max() <= 2
    assert cl.hottest_region(hot) == "classify.where.top_left"


def test_hottest_region_names_each_ninth():
    for (i, j), name in {(0, 0): "top_left", (15, 15): "center", (31, 16): "bottom"}.items():
        cam = np.zeros((32, 32))
        cam[i, j] = 1
        assert cl.hottest_region(cam) == f"classify.where.{name}"


def test_file_names_cannot_inject_markdown():
    assert cl.escape_markdown("![x](http://e/x.png)") == "\\!\\[x\\]\\(http\\://e/x\\.png\\)"
    assert cl.escape_markdown("a\nb") == "ab"


def test_bright_background_detects_paper_digits():
    paper = np.full((28, 28, 1), 240, np.uint8)
    paper[10:18, 12:16] = 20
    assert cl.bright_background(paper)
    assert not cl.bright_background(255 - paper)


# --- a model this visitor trained ----------------------------------------------------------------

OWNER = "classify-test-visitor-0123456789"


def _trained_mnist_run(runs_dir) -> str:
    """A real run folder holding a small MNIST model (random weights stand in for training)."""
    from cnn_core import runs
    from cnn_core.model import build_model
    from cnn_core.spec import ModelSpec

    spec = ModelSpec(
        layers=[
            {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
            {"type": "MaxPooling2D", "pool_size": 2},
            {"type": "Flatten"},
            {"type": "Dense", "units": 10, "activation": "softmax"},
        ],
        input_shape=(28, 28, 1),
        name="tiny_mnist",
    )
    folder = runs.create_run_folder(OWNER, spec.to_dict(), {"dataset": "mnist"}, runs_dir)
    build_model(spec).save(folder / "model.keras")
    runs.write_json(folder / "metrics.json", {"epoch_log": [{"epoch": 1, "accuracy": 0.9}]})
    runs.write_json(folder / "evaluation.json", {"accuracy": 0.875})
    runs.update_meta(folder, status="finished")
    return folder.name


def test_a_run_of_this_visitor_is_offered_and_used_with_one_channel(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_STUDIO_RUNS", str(tmp_path))
    run_id = _trained_mnist_run(tmp_path)
    choices = models.model_choices(OWNER)
    run_choice = next(c for c in choices if c.kind == "run")
    assert (run_choice.name, run_choice.dataset, run_choice.epochs) == (run_id, "mnist", 1)
    assert all(c.kind != "run" for c in models.model_choices("someone-else-0123456789"))

    # A dark digit on white paper: the page offers to invert it, as MNIST digits are light on
    # black, and switches the toggle on by itself.
    paper = Image.new("L", (56, 56), 235)
    paper.paste(20, (24, 8, 32, 48))
    buf = io.BytesIO()
    paper.save(buf, "PNG")
    at = app_test(PAGE, "en", timeout=240)
    at.session_state["vid"] = OWNER
    at.session_state["classify_model"] = run_choice.key
    at.run()
    assert not at.exception, texts(at.exception)
    options = at.selectbox(key="classify_model").options
    assert any(f"Your run {run_id} (MNIST" in o and "accuracy 87.5%" in o for o in options)
    assert at.selectbox(key="classify_model").value == run_choice.key
    assert not any(w == locales.t("classify.untrained_warning", "en") for w in texts(at.warning))
    at.file_uploader(key="classify_upload").set_value(("digit.png", buf.getvalue(), "image/png"))
    at.run()
    assert not at.exception, texts(at.exception)
    toggle = next(tg for tg in at.toggle if str(tg.key).startswith("classify_invert_"))
    assert toggle.value is True
    p = cl.get_predictor(run_choice, OWNER)
    assert p.input_shape == (28, 28, 1)
    x = 255 - prepare_image(buf.getvalue(), size=(28, 28), channels=1).array
    digit = str(int(np.argmax(p.predict(x))))
    assert chart_caption(at).startswith(f"Most likely: {digit} (")
    assert "Centre crop, shrunk to 28×28: this is all the network gets." in texts(at.caption)


def test_a_sample_added_after_uploads_is_the_one_analysed_and_thumbnails_say_predicted():
    photos = [("a.png", png((250, 250, 250)), "image/png")]
    at = open_page("pt")
    at.file_uploader(key="classify_upload").set_value(photos).run()
    at.button(key="classify_sample").click().run()
    assert not at.exception, texts(at.exception)
    assert at.selectbox(key="classify_pick").value == 1  # photo 2, the new sample
    index = at.session_state["classify_sample_index"]
    x, _ = load_sample("cifar10")
    best = class_names("cifar10", "pt")[int(np.argmax(predictor().predict(x[index])))]
    assert chart_caption(at).startswith(f"Mais provável: {best} (")
    (gallery,) = [im for im in at.get("image") if len(im.proto.imgs) == 2]
    captions = [img.caption for img in gallery.proto.imgs]
    assert captions[1] == locales.t("classify.gallery.predicted", "pt", index=2, label=best)
    # Choosing photo 1 again sticks (the sample only takes over once, when it is added).
    at.selectbox(key="classify_pick").set_value(0).run()
    assert at.selectbox(key="classify_pick").value == 0


def test_the_photo_size_is_the_files_own_and_numbers_are_localized():
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (30, 90, 160)).save(buffer, "JPEG", quality=60)
    at = open_page("pt")
    at.file_uploader(key="classify_upload").set_value(
        ("grande.jpg", buffer.getvalue(), "image/jpeg")
    ).run()
    assert not at.exception, texts(at.exception)
    assert "A foto: 3.000×2.000 pixels." in texts(at.caption)
    timing = next(c for c in texts(at.caption) if c.startswith("Decodificar"))
    assert "." not in timing.split("rede (")[1].split("ms")[0]  # 6,7 ms, not 6.7 ms
    assert locales.t("classify.upload.what", "pt") in texts(at.caption)
    for box in at.selectbox:
        assert box.proto.placeholder == locales.t("classify.placeholder", "pt")


def test_the_probability_chart_treats_digit_class_names_as_categories():
    names = [str(d) for d in range(10)]
    probs = np.linspace(0.01, 0.19, 10)
    probs = probs / probs.sum()
    figure, _ = cl.probability_chart(probs, names, 5)
    assert figure.layout.yaxis.type == "category"
    assert list(figure.layout.yaxis.categoryarray) == ["5", "6", "7", "8", "9"]
