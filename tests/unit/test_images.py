"""The upload pipeline: every mode and format we accept, and every way a file can be unusable."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from cnn_core import images
from cnn_core.images import ImageError, prepare_image, upscale_nearest

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def encode(im: Image.Image, fmt: str, **kwargs) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kwargs)
    return buf.getvalue()


def solid(color, size=(40, 40), mode="RGB") -> Image.Image:
    return Image.new(mode, size, color)


def close_to(pixel, expected, tol=6) -> bool:
    return all(abs(int(a) - int(b)) <= tol for a, b in zip(pixel, expected, strict=True))


# --- what we accept ----------------------------------------------------------------------------


def test_rgb_png_becomes_uint8_hwc_of_the_requested_size():
    prepared = prepare_image(encode(solid(BLUE, (50, 70)), "PNG"), size=(32, 32))
    assert prepared.array.shape == (32, 32, 3)
    assert prepared.array.dtype == np.uint8
    assert prepared.format == "PNG"
    assert prepared.original.mode == "RGB"
    assert prepared.original.size == (50, 70)
    assert (prepared.array == BLUE).all()


def test_size_is_height_width_like_input_shape():
    prepared = prepare_image(encode(solid(RED, (64, 64)), "PNG"), size=(24, 40))
    assert prepared.array.shape == (24, 40, 3)
    assert prepared.cropped.size == (40, 24)


def test_centre_crop_keeps_the_middle_of_a_wide_picture():
    # 64x32: a red left quarter, green middle half, blue right quarter. The square crop is the
    # middle 32x32, which is all green.
    im = Image.new("RGB", (64, 32), GREEN)
    im.paste(RED, (0, 0, 16, 32))
    im.paste(BLUE, (48, 0, 64, 32))
    prepared = prepare_image(encode(im, "PNG"), size=(8, 8))
    assert prepared.original.size == (64, 32)
    for pixel in prepared.array.reshape(-1, 3):
        assert close_to(pixel, GREEN, tol=10)


def test_downscale_averages_instead_of_sampling():
    # A 1-pixel checkerboard shrunk 8x must come out mid-grey; nearest-neighbour sampling would
    # keep pure black or pure white.
    board = (np.indices((256, 256)).sum(axis=0) % 2 * 255).astype(np.uint8)
    prepared = prepare_image(encode(Image.fromarray(board, "L"), "PNG"), size=(32, 32))
    assert abs(float(prepared.array.mean()) - 127.5) < 3
    assert prepared.array.std() < 10


def test_rgba_png_is_composited_onto_the_background():
    im = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    im.paste((0, 0, 0, 255), (0, 0, 16, 32))  # left half opaque black, right half transparent
    im.paste((0, 0, 0, 128), (16, 0, 32, 16))  # top-right quadrant: half-transparent black
    data = encode(im, "PNG")
    white = prepare_image(data, size=(32, 32)).array
    assert (white[:, :16] == 0).all()
    assert (white[16:, 16:] == 255).all()
    assert close_to(white[4, 24], (127, 127, 127), tol=2)
    grey_bg = prepare_image(data, size=(32, 32), background=(100, 150, 200)).array
    assert (grey_bg[16:, 16:] == (100, 150, 200)).all()


def test_la_png_is_composited_onto_the_background():
    im = Image.new("LA", (32, 32), (0, 0))
    im.paste((50, 255), (0, 0, 32, 16))
    prepared = prepare_image(encode(im, "PNG"), size=(32, 32))
    assert (prepared.array[:16] == 50).all()
    assert (prepared.array[16:] == 255).all()


def test_palette_with_transparency_uses_the_background():
    im = Image.new("P", (32, 32), 0)
    im.putpalette([255, 0, 0] + [0, 0, 255] * 255)
    im.paste(1, (0, 16, 32, 32))  # bottom half index 1 (blue); top half index 0 (transparent)
    data = encode(im, "PNG", transparency=0)
    prepared = prepare_image(data, size=(32, 32), background=(0, 255, 0))
    assert prepared.source_mode == "P"
    assert (prepared.array[:16] == GREEN).all()
    assert (prepared.array[16:] == BLUE).all()


def test_palette_without_transparency_keeps_its_colours():
    im = Image.new("RGB", (32, 32), RED).convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    prepared = prepare_image(encode(im, "GIF"), size=(16, 16))
    assert prepared.format == "GIF"
    assert (prepared.array == RED).all()


def test_sixteen_bit_grey_png_is_rescaled_not_clipped():
    values = np.full((32, 32), 32768, dtype=np.uint16)
    values[:, 16:] = 65535
    data = encode(Image.fromarray(values), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")
    prepared = prepare_image(data, size=(32, 32))
    assert close_to(prepared.array[0, 0], (128, 128, 128), tol=1)
    assert (prepared.array[:, 20:] == 255).all()


def test_cmyk_jpeg_is_converted_to_rgb():
    im = Image.new("CMYK", (32, 32), (0, 255, 255, 0))  # no cyan/black, full magenta+yellow: red
    prepared = prepare_image(encode(im, "JPEG", quality=95), size=(8, 8))
    assert prepared.source_mode == "CMYK"
    assert close_to(prepared.array[4, 4], RED, tol=12)


def test_animated_gif_uses_only_the_first_frame():
    frames = [solid(RED), solid(BLUE), solid(GREEN)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    prepared = prepare_image(buf.getvalue(), size=(16, 16))
    assert prepared.animated
    assert (prepared.array == RED).all()


def test_animated_webp_uses_only_the_first_frame():
    frames = [solid(BLUE), solid(RED)]
    buf = io.BytesIO()
    frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    prepared = prepare_image(buf.getvalue(), size=(16, 16))
    assert prepared.format == "WEBP"
    assert (prepared.array == BLUE).all()


def test_multi_picture_jpeg_uses_the_first_picture():
    buf = io.BytesIO()
    solid(RED).save(buf, "MPO", save_all=True, append_images=[solid(BLUE)])
    prepared = prepare_image(buf.getvalue(), size=(8, 8))
    assert prepared.format == "MPO"
    assert close_to(prepared.array[4, 4], RED, tol=6)


def test_webp_and_bmp_are_accepted():
    for fmt in ("WEBP", "BMP"):
        kwargs = {"lossless": True} if fmt == "WEBP" else {}
        prepared = prepare_image(encode(solid(GREEN), fmt, **kwargs), size=(8, 8))
        assert prepared.format == fmt
        assert (prepared.array == GREEN).all()


def test_exif_orientation_6_is_applied():
    # Stored 40 wide x 20 high: red left half, blue right half. Orientation 6 means "rotate 90°
    # clockwise to display": upright it is 20x40, red on top.
    im = Image.new("RGB", (40, 20), BLUE)
    im.paste(RED, (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(im, "JPEG", quality=95, exif=exif.tobytes())
    prepared = prepare_image(data, size=(32, 16))
    assert prepared.rotated
    assert prepared.source_size == (40, 20)
    assert prepared.original.size == (20, 40)
    assert close_to(prepared.original.getpixel((10, 5)), RED, tol=20)
    assert close_to(prepared.original.getpixel((10, 35)), BLUE, tol=20)
    assert close_to(prepared.array[2, 8], RED, tol=20)
    assert close_to(prepared.array[29, 8], BLUE, tol=20)


def test_no_exif_means_not_rotated():
    prepared = prepare_image(encode(solid(RED, (40, 20)), "JPEG"), size=(8, 8))
    assert not prepared.rotated
    assert prepared.original.size == (40, 20)


def test_grayscale_to_one_channel_and_to_three():
    im = Image.new("L", (32, 32), 90)
    data = encode(im, "PNG")
    one = prepare_image(data, size=(28, 28), channels=1)
    assert one.array.shape == (28, 28, 1)
    assert one.cropped.mode == "L"
    assert (one.array == 90).all()
    three = prepare_image(data, size=(32, 32))
    assert (three.array == 90).all() and three.array.shape == (32, 32, 3)


def test_rgb_to_one_channel_uses_luma():
    prepared = prepare_image(encode(solid(RED), "PNG"), size=(4, 4), channels=1)
    # ITU-R 601 luma of pure red: 0.299 * 255 = 76.
    assert (np.abs(prepared.array.astype(int) - 76) <= 1).all()


def test_big_pictures_are_shrunk_for_display():
    side = images.DISPLAY_MAX_SIDE
    png = prepare_image(encode(solid(RED, (3000, 2000)), "PNG"), size=(32, 32))
    assert png.original.size == (side, round(side * 2000 / 3000))
    assert png.source_size == (3000, 2000)
    # JPEGs are decoded at a reduced scale (1/4 here): between half and all of the display size.
    jpeg = prepare_image(encode(solid(RED, (3000, 2000)), "JPEG", quality=80), size=(32, 32))
    assert side // 2 <= max(jpeg.original.size) <= side
    assert jpeg.original.size[0] * 2000 == jpeg.original.size[1] * 3000
    assert close_to(jpeg.array[16, 16], RED, tol=8)


def test_array_is_a_plain_writable_copy():
    prepared = prepare_image(encode(solid(RED), "PNG"))
    prepared.array[0, 0, 0] = 1  # callers may edit it without touching the PIL image
    assert prepared.cropped.getpixel((0, 0)) == RED
    assert prepared.array.flags.c_contiguous


def test_upscale_nearest_repeats_pixels():
    small = Image.fromarray(np.array([[0, 255], [255, 0]], dtype=np.uint8), "L")
    big = np.asarray(upscale_nearest(small, 4))
    assert big.shape == (8, 8)
    assert (big[:4, :4] == 0).all() and (big[:4, 4:] == 255).all()


def test_repr_is_readable():
    text = repr(prepare_image(encode(solid(RED), "PNG")))
    assert "PNG" in text and "(32, 32, 3)" in text


# --- what we refuse ----------------------------------------------------------------------------


def _bomb_png(width: int, height: int) -> bytes:
    return encode(Image.new("1", (width, height)), "PNG")


def _tiff() -> bytes:
    return encode(solid(RED), "TIFF")


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"

BROKEN = {
    "empty": (b"", "empty"),
    "text": (b"just some words\n" * 20, "not_an_image"),
    "random": (np.random.default_rng(0).integers(0, 256, 5000, np.uint8).tobytes(), "not_an_image"),
    "html": (HTML, "not_an_image"),
    "svg": (SVG, "unsupported_format"),
    "tiff": (_tiff(), "unsupported_format"),
    "truncated_png": (encode(solid(RED, (200, 200)), "PNG")[:300], "corrupt"),
    "truncated_jpeg": (
        encode(Image.effect_noise((200, 200), 60).convert("RGB"), "JPEG")[:1500],
        "corrupt",
    ),
    "png_header_only": (encode(solid(RED), "PNG")[:33], "corrupt"),
    # 20000 x 20000 1-bit: ~50 KB on disk, 400 megapixels (Pillow's own error fires).
    "bomb_20000": (_bomb_png(20000, 20000), "too_many_pixels"),
    # 10000 x 10000: over our cap, under Pillow's error threshold (only a warning there).
    "bomb_10000": (_bomb_png(10000, 10000), "too_many_pixels"),
    # 7000 x 7000 = 49 M: over our 40 M cap, under Pillow's warning threshold.
    "bomb_7000": (_bomb_png(7000, 7000), "too_many_pixels"),
}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("name", list(BROKEN))
def test_unusable_files_raise_image_error_with_messages_in_both_languages(name):
    data, code = BROKEN[name]
    with pytest.raises(ImageError) as info:
        prepare_image(data)
    error = info.value
    assert error.code == code, f"{name}: {error!r}"
    pt, en = error.message("pt"), error.message("en")
    assert pt and en and pt != en
    assert "{" not in pt and "{" not in en
    assert isinstance(error, ValueError)


def test_unsupported_format_names_the_format():
    with pytest.raises(ImageError) as info:
        prepare_image(_tiff())
    assert info.value.params["format"] == "TIFF"
    assert "TIFF" in info.value.message("en") and "TIFF" in info.value.message("pt")


def test_over_the_byte_cap_is_refused_before_decoding(monkeypatch):
    opened = []
    monkeypatch.setattr(images.Image, "open", lambda *a, **k: opened.append(a))
    data = b"\x89PNG" + b"\x00" * images.MAX_BYTES
    with pytest.raises(ImageError) as info:
        prepare_image(data)
    assert info.value.code == "too_large"
    assert opened == []
    assert "10" in info.value.message("en") and "10" in info.value.message("pt")


def test_pixel_cap_is_checked_before_pixels_are_decoded(monkeypatch):
    bomb = _bomb_png(7000, 7000)
    loads = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(
        ImageFile.ImageFile, "load", lambda self: loads.append(self.size) or real_load(self)
    )
    with pytest.raises(ImageError):
        prepare_image(bomb)
    assert loads == []
    prepare_image(encode(solid(RED), "PNG"))
    assert loads and set(loads) == {(40, 40)}  # the spy does see a normal decode


def test_bad_arguments_are_programming_errors_not_image_errors():
    with pytest.raises(TypeError):
        prepare_image("not bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="channels"):
        prepare_image(encode(solid(RED), "PNG"), channels=2)


def test_unknown_error_code_is_refused():
    with pytest.raises(ValueError):
        ImageError("nope")


_VALID = [
    encode(solid(RED, (24, 16)), "PNG"),
    encode(Image.effect_noise((24, 24), 50).convert("RGB"), "JPEG"),
    encode(solid(BLUE, (16, 16)), "GIF"),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.integers(0, len(_VALID) - 1),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
    cut=st.integers(0, 10_000),
)
def test_damaged_files_never_escape_as_anything_but_image_error(which, edits, cut):
    data = bytearray(_VALID[which])
    for position, value in edits:
        data[position % len(data)] = value
    data = bytes(data[: max(0, len(data) - cut % len(data))])
    try:
        prepared = prepare_image(data, size=(8, 8))
    except ImageError as error:
        assert error.message("en")
    else:
        assert prepared.array.shape == (8, 8, 3)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_escape_as_anything_but_image_error(data):
    try:
        prepared = prepare_image(data)
    except ImageError as error:
        assert error.code in {"empty", "not_an_image", "unsupported_format", "corrupt"}
    else:
        assert prepared.array.shape == (32, 32, 3)


def test_module_does_not_import_tensorflow():
    code = "import sys, cnn_core.images; assert 'tensorflow' not in sys.modules; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


def test_too_large_message_writes_the_size_in_the_visitors_language(monkeypatch):
    monkeypatch.setattr(images.Image, "open", lambda *a, **k: None)
    data = b"\x89PNG" + b"\x00" * (images.MAX_BYTES + 2**19)  # 10.5 MiB
    with pytest.raises(ImageError) as info:
        prepare_image(data)
    assert "10,5 MB" in info.value.message("pt")
    assert "10.5 MB" in info.value.message("en")
    assert "10.5" not in info.value.message("pt")


def test_upright_size_is_the_full_file_size_not_the_display_copy():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (120, 60, 30)).save(buffer, "JPEG", quality=70)
    prepared = prepare_image(buffer.getvalue())
    assert max(prepared.original.size) < 3000  # shrunk for display
    assert prepared.upright_size == (3000, 2000)
