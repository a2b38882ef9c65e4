"""Turns bytes a visitor uploads into the small image a network sees, safely.

Uploads are untrusted: anything can arrive under a ``.jpg`` name. :func:`prepare_image` therefore

- refuses empty input and input over :data:`MAX_BYTES` before any decoding;
- lets Pillow try only the formats in :data:`ALLOWED_FORMATS` (``Image.open(..., formats=...)``), so
  a file is never handed to the parsers of formats nobody needs here (TIFF and its many codecs,
  PSD, EPS, which would call Ghostscript, ...);
- checks the pixel count from the header against :data:`MAX_PIXELS` *before* decoding, so a tiny
  file declaring a 20000x20000 picture (a decompression bomb) is rejected without allocating it;
- decodes only the first frame of animations.

Every refusal is an :class:`ImageError` with a short ``code`` and a message in the visitor's
language; nothing else escapes, so a page can show the message and carry on.

This module does not import TensorFlow.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from cnn_core import locales

MAX_BYTES = 10 * 1024 * 1024
"""Largest upload accepted, in bytes (matches ``maxUploadSize = 10`` in .streamlit/config.toml)."""

MAX_PIXELS = 40_000_000
"""Largest picture accepted, in pixels (a 50 MP phone photo is ~8160x6120 = 50 M; 40 M keeps the
worst-case decoded RGBA buffer near 160 MB). Below Pillow's own ``MAX_IMAGE_PIXELS``, so our check
fires first; Pillow's ``DecompressionBombError``/``Warning`` are still caught and reported."""

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")
"""Pillow format ids we decode. JPEG also covers MPO (multi-picture JPEG from some cameras)."""

UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "gif", "bmp"]
"""File extensions for ``st.file_uploader(type=...)`` (a hint for the browser only: the content
decides, not the name)."""

DISPLAY_MAX_SIDE = 1024
"""The longer side of :attr:`PreparedImage.original` is at most this many pixels."""

# Magic numbers of image formats we recognise but refuse, to tell "unsupported format" apart from
# "not an image at all". Only bytes are compared: these parsers never run.
_KNOWN_OTHER_FORMATS: list[tuple[bytes, int, str]] = [
    (b"II*\x00", 0, "TIFF"),
    (b"MM\x00*", 0, "TIFF"),
    (b"ftypheic", 4, "HEIC"),
    (b"ftypheix", 4, "HEIC"),
    (b"ftyphevc", 4, "HEIC"),
    (b"ftypmif1", 4, "HEIF"),
    (b"ftypmsf1", 4, "HEIF"),
    (b"ftypavif", 4, "AVIF"),
    (b"8BPS", 0, "PSD"),
    (b"\x00\x00\x01\x00", 0, "ICO"),
    (b"\x00\x00\x00\x0cjP  ", 0, "JPEG 2000"),
    (b"\xff\x4f\xff\x51", 0, "JPEG 2000"),
    (b"qoif", 0, "QOI"),
    (b"%!PS", 0, "EPS"),
    (b"%PDF", 0, "PDF"),
    (b"\xff\x0a", 0, "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", 0, "JPEG XL"),
]

# Signatures of the formats we do decode: a file that starts like one but fails to open is damaged.
_ALLOWED_MAGIC: list[tuple[bytes, int]] = [
    (b"\x89PNG\r\n\x1a\n", 0),
    (b"\xff\xd8\xff", 0),
    (b"GIF87a", 0),
    (b"GIF89a", 0),
    (b"WEBP", 8),
    (b"BM", 0),
]

_ERROR_CODES = (
    "empty",
    "too_large",
    "too_many_pixels",
    "unsupported_format",
    "not_an_image",
    "corrupt",
)


class ImageError(ValueError):
    """An upload that cannot be used as a picture, with a message for the visitor.

    Attributes:
        code: one of ``"empty"``, ``"too_large"``, ``"too_many_pixels"``,
            ``"unsupported_format"``, ``"not_an_image"``, ``"corrupt"``.
        params: values for the message's placeholders (e.g. ``size_mb``, ``limit_mb``).
    """

    def __init__(self, code: str, **params):
        if code not in _ERROR_CODES:
            raise ValueError(f"Unknown image error code {code!r}.")
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}" if params else code)

    def message(self, lang: str) -> str:
        """Returns what went wrong, in ``lang`` (``"pt"`` or ``"en"``)."""
        # Numbers are written in the visitor's language (``10,5 MB`` in Portuguese).
        params = {
            name: locales.format_number(value, lang, 1) if isinstance(value, float) else value
            for name, value in self.params.items()
        }
        return locales.t(f"images.error.{self.code}", lang, **params)

    def __repr__(self) -> str:
        return f"ImageError(code={self.code!r}, params={self.params!r})"


@dataclass(frozen=True, repr=False)
class PreparedImage:
    """An uploaded picture, and what a network with a given input size sees of it.

    Attributes:
        original: the picture as an RGB PIL image, upright (EXIF rotation applied), transparency
            composited onto the background, scaled down so its longer side is at most
            :data:`DISPLAY_MAX_SIDE` (big JPEGs are decoded at 1/2, 1/4 or 1/8 scale, so theirs
            lands between half and all of it).
        cropped: the centre crop with the model's aspect ratio, resized to the model's input size
            (PIL, mode ``"RGB"`` or ``"L"``).
        array: ``cropped`` as ``uint8`` of shape ``(height, width, channels)``.
        format: Pillow's name of the file format (``"JPEG"``, ``"PNG"``, ...).
        source_mode: Pillow mode of the file before conversion (``"RGBA"``, ``"I;16"``, ...).
        source_size: ``(width, height)`` stored in the file, before rotation.
        rotated: whether an EXIF orientation was applied.
        animated: whether the file had more than one frame (only the first is used).
    """

    original: Image.Image
    cropped: Image.Image
    array: np.ndarray
    format: str = ""
    source_mode: str = ""
    source_size: tuple[int, int] = (0, 0)
    rotated: bool = False
    animated: bool = False

    @property
    def upright_size(self) -> tuple[int, int]:
        """``(width, height)`` of the full-size picture as shown, i.e. after the EXIF rotation.

        ``original`` may be scaled down for display; this is the size the file really has.
        """
        w, h = self.source_size
        ow, oh = self.original.size
        if w != h and (ow > oh) != (w > h):  # a quarter turn swapped the sides
            return h, w
        return w, h

    def __repr__(self) -> str:
        w, h = self.source_size
        return (
            f"PreparedImage(format={self.format!r}, source={w}x{h} {self.source_mode}, "
            f"array={self.array.shape} {self.array.dtype}, rotated={self.rotated}, "
            f"animated={self.animated})"
        )


def _sniff_other_format(data: bytes) -> str | None:
    head = data[:64]
    for magic, offset, name in _KNOWN_OTHER_FORMATS:
        if head[offset : offset + len(magic)] == magic:
            return name
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower():
        return "SVG"
    return None


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError("too_many_pixels", pixels="", limit=f"{MAX_PIXELS / 1e6:.0f}") from exc
    except Image.UnidentifiedImageError as exc:
        if any(data[at : at + len(magic)] == magic for magic, at in _ALLOWED_MAGIC):
            raise ImageError("corrupt") from exc
        other = _sniff_other_format(data)
        if other:
            raise ImageError("unsupported_format", format=other) from exc
        raise ImageError("not_an_image") from exc
    except Exception as exc:
        # A header that names an allowed format but is damaged (bad dimensions, broken chunk...).
        raise ImageError("corrupt") from exc


def _to_rgb(im: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """Converts any decoded mode to RGB; transparent pixels become ``background``."""
    mode = im.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        values = np.asarray(im, dtype=np.float64)
        # 16-bit data must be rescaled, not clipped at 255 (which would turn it nearly white).
        top = 65535.0 if mode.startswith("I;16") or values.max(initial=0) > 255 else 255.0
        if mode == "F" and values.max(initial=0) <= 1.0:
            top = 1.0
        gray = np.clip(np.rint(values / top * 255.0), 0, 255).astype(np.uint8)
        im = Image.fromarray(gray, mode="L")
        mode = "L"
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    if has_alpha:
        rgba = im.convert("RGBA")
        base = Image.new("RGBA", rgba.size, (*background, 255))
        return Image.alpha_composite(base, rgba).convert("RGB")
    if mode == "RGB":
        return im
    return im.convert("RGB")


def _fit_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def prepare_image(
    data: bytes,
    *,
    size: tuple[int, int] = (32, 32),
    channels: int = 3,
    background: tuple[int, int, int] = (255, 255, 255),
    max_side: int = DISPLAY_MAX_SIDE,
) -> PreparedImage:
    """Decodes an uploaded picture and prepares it for a network's input.

    The picture is turned upright (EXIF orientation), transparency is composited onto
    ``background``, 16-bit, palette, CMYK and grayscale pictures become 8-bit RGB, and only the
    first frame of an animation is used. Then the largest centred crop with the aspect ratio of
    ``size`` is resized to ``size`` with a Lanczos filter (which averages the pixels it drops, so
    small details do not alias).

    Args:
        data: the file's bytes.
        size: ``(height, width)`` of the network input, as in ``input_shape[:2]``.
        channels: 3 for RGB, 1 for grayscale (luma, ITU-R 601).
        background: RGB colour placed behind transparent pixels.
        max_side: longest side of :attr:`PreparedImage.original`.

    Returns:
        A :class:`PreparedImage`.

    Raises:
        ImageError: if the data is empty, over :data:`MAX_BYTES`, not an image, an image format
            outside :data:`ALLOWED_FORMATS`, larger than :data:`MAX_PIXELS`, or damaged.
        TypeError: if ``data`` is not bytes-like.
        ValueError: if ``size`` or ``channels`` is invalid.
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"prepare_image expects bytes, got {type(data).__name__}.")
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels}.")
    height, width = (int(v) for v in size)
    if height < 1 or width < 1:
        raise ValueError(f"size must be positive, got {size}.")
    if not data:
        raise ImageError("empty")
    if len(data) > MAX_BYTES:
        raise ImageError(
            "too_large",
            size_mb=len(data) / 2**20,
            limit_mb=MAX_BYTES // 2**20,
        )

    im = _open(data)
    try:
        src_w, src_h = im.size
        if src_w < 1 or src_h < 1:
            raise ImageError("corrupt")
        if src_w * src_h > MAX_PIXELS:
            raise ImageError(
                "too_many_pixels",
                pixels=f"{src_w}x{src_h}",
                limit=f"{MAX_PIXELS / 1e6:.0f}",
            )
        fmt = im.format or ""
        source_mode = im.mode
        animated = bool(getattr(im, "is_animated", False))
        if fmt in ("JPEG", "MPO"):
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: a 12 MP photo then decodes several
            # times faster and smaller. The result keeps at least half of ``max_side`` on its
            # longer side, plenty for display and for a network input of a few dozen pixels.
            im.draft(None, _fit_size(src_w, src_h, max(1, max_side // 2)))
        try:
            im.seek(0)
            im.load()
        except ImageError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageError(
                "too_many_pixels", pixels=f"{src_w}x{src_h}", limit=f"{MAX_PIXELS / 1e6:.0f}"
            ) from exc
        except Exception as exc:  # truncated or damaged data: Pillow raises many types
            raise ImageError("corrupt") from exc

        try:
            upright = ImageOps.exif_transpose(im)
        except Exception:  # a broken EXIF block should not cost the picture its upload
            upright = im
        rotated = upright is not im and _orientation(im) in (2, 3, 4, 5, 6, 7, 8)
        try:
            rgb = _to_rgb(upright, tuple(int(c) for c in background))
        except Exception as exc:
            raise ImageError("corrupt") from exc
    finally:
        im.close()

    if max(rgb.size) > max_side:
        rgb = rgb.resize(_fit_size(*rgb.size, max_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    # reducing_gap: shrink by whole factors with a box filter first, then Lanczos the rest; same
    # look, and ~10x cheaper when a 1000-pixel photo becomes 32x32.
    cropped = centre_crop(rgb, width / height).resize(
        (width, height), Image.Resampling.LANCZOS, reducing_gap=3.0
    )
    if channels == 1:
        cropped = cropped.convert("L")
    array = np.asarray(cropped, dtype=np.uint8)
    if channels == 1:
        array = array[:, :, None]
    array = np.array(array, dtype=np.uint8, copy=True, order="C")  # writable, owns its data
    return PreparedImage(
        original=rgb,
        cropped=cropped,
        array=array,
        format=fmt,
        source_mode=source_mode,
        source_size=(src_w, src_h),
        rotated=rotated,
        animated=animated,
    )


def centre_crop(im: Image.Image, aspect: float) -> Image.Image:
    """Returns the largest centred box of ``im`` whose width/height is ``aspect``.

    This is the part of a picture :func:`prepare_image` keeps. Cropping before resizing (rather
    than resizing with a ``box``, as ``ImageOps.fit`` does) keeps the filter from pulling in
    pixels from outside the crop.
    """
    w, h = im.size
    if w / h > aspect:
        new_w = max(1, min(w, round(h * aspect)))
        left = (w - new_w) // 2
        return im.crop((left, 0, left + new_w, h))
    new_h = max(1, min(h, round(w / aspect)))
    top = (h - new_h) // 2
    return im.crop((0, top, w, top + new_h))


def _orientation(im: Image.Image) -> int | None:
    try:
        return im.getexif().get(0x0112)
    except Exception:
        return None


def upscale_nearest(image: Image.Image, factor: int = 8) -> Image.Image:
    """Enlarges a small image by repeating pixels, so each one shows as a visible square.

    Args:
        image: a PIL image (e.g. the 32x32 input).
        factor: how many screen pixels each image pixel becomes, per side.

    Returns:
        The enlarged PIL image.
    """
    factor = max(1, int(factor))
    return image.resize((image.width * factor, image.height * factor), Image.Resampling.NEAREST)
