"""Turns bytes a visitor uploads into the small image a network sees, safely.

Uploads are untrusted: anything can arrive under a ``.jpg`` name. :func:`prepare_image` therefore

- refuses empty input and input over :data:`MAX_BYTES` before any decoding;
- lets Pillow try only the formats in :data:`ALLOWED_FORMATS` (``Image.open(..., formats=...)``), so
  a file is never handed to the parsers of formats nobody needs here (TIFF and its many codecs,
  PSD, EPS, which would call Ghostscript, ...);
- checks the pixel count from the header against :data:`MAX_PIXELS` *before* decoding, so a tiny
  file declaring a 20000x20000 picture (a decompression bomb) is rejected without allocating it;
- decodes only the first frame of animations;
- keeps memory bounded (at most ~+250 MB for the biggest file accepted, against +1 GB before):
  JPEGs are decoded at 1/2-1/8 scale (``Image.draft``); other formats, which cannot be, are
  shrunk by a whole factor in their own mode, a thin band at a time, and converted (16-bit,
  palette, transparency) only once small. WebP, whose decoder keeps several full-size copies,
  has a lower pixel limit (:data:`MAX_WEBP_PIXELS`).

Every refusal is an :class:`ImageError` with a short ``code`` and a message in the visitor's
language; nothing else escapes, so a page can show the message and carry on.

This module does not import TensorFlow.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from PIL import Image

from cnn_core import locales

MAX_BYTES = 10 * 1024 * 1024
"""Largest upload accepted, in bytes (matches ``maxUploadSize = 10`` in .streamlit/config.toml)."""

MAX_PIXELS = 40_000_000
"""Largest picture accepted, in pixels (a 50 MP phone photo is ~8160x6120 = 50 M; 40 M keeps the
worst-case decoded RGBA buffer near 160 MB). Below Pillow's own ``MAX_IMAGE_PIXELS``, so our check
fires first; Pillow's ``DecompressionBombError``/``Warning`` are still caught and reported."""

MAX_WEBP_PIXELS = 16_000_000
"""Largest WebP picture accepted, in pixels. Pillow's WebP decoder cannot decode at a smaller
scale and holds about four full-size RGBA copies while decoding (~15 bytes per pixel: 40 MP measured
+611 MB); 16 MP (a 12 MP phone photo fits) keeps it near 250 MB."""

_PIXEL_LIMITS = {"WEBP": MAX_WEBP_PIXELS}

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


def _to_rgb(im: Image.Image, background: tuple[int, int, int], sixteen_bit: bool) -> Image.Image:
    """Converts a (small, already shrunk) picture to RGB; transparent pixels become ``background``.

    Args:
        im: the picture in a working mode (see :func:`_working_mode`).
        background: RGB colour placed behind transparent pixels.
        sixteen_bit: whether the file stored 16-bit values (rescaled, not clipped at 255).
    """
    mode = im.mode
    if mode in ("I", "F"):
        values = np.asarray(im, dtype=np.float64)
        # 16-bit data must be rescaled, not clipped at 255 (which would turn it nearly white).
        top = 65535.0 if sixteen_bit or values.max(initial=0) > 255 else 255.0
        if mode == "F" and values.max(initial=0) <= 1.0:
            top = 1.0
        gray = np.clip(np.rint(values / top * 255.0), 0, 255).astype(np.uint8)
        im = Image.fromarray(gray, mode="L")
        mode = "L"
    if mode in ("RGBA", "LA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        base = Image.new("RGBA", rgba.size, (*background, 255))
        return Image.alpha_composite(base, rgba).convert("RGB")
    if mode == "RGB":
        return im
    return im.convert("RGB")


# Modes Image.reduce() works in (Pillow 10-13); others are converted band by band first.
_REDUCIBLE = frozenset(("L", "LA", "La", "RGB", "RGBA", "RGBa", "I", "F", "CMYK"))
# Rows converted at a time while shrinking: bounds the temporary copy to a thin band.
_BAND_ROWS = 256


def _working_mode(im: Image.Image) -> str:
    """The mode a decoded picture is shrunk in: its own when possible, keeping transparency."""
    mode, transparent = im.mode, "transparency" in im.info
    if mode in ("P", "PA"):
        return "RGBA" if transparent or mode == "PA" else "RGB"
    if mode == "1":
        return "L"
    if mode.startswith("I;16"):
        return "I"
    if transparent and mode in ("L", "RGB"):
        return "LA" if mode == "L" else "RGBA"
    return mode if mode in _REDUCIBLE else "RGB"


def _convert(band: Image.Image, mode: str, transparency) -> Image.Image:
    if band.mode == mode:
        return band
    if transparency is not None:
        band.info["transparency"] = transparency
    return band.convert(mode)


def _shrink_native(im: Image.Image, max_side: int) -> Image.Image:
    """Shrinks a decoded picture by a whole factor *before* converting it.

    Converting a 40-megapixel palette or 16-bit picture to RGBA (and compositing it) would take
    several copies of 160 MB each; here a thin band at a time is converted to the working mode
    and box-reduced (``Image.reduce``: the mean of each ``factor x factor`` block, with alpha
    premultiplied), so besides the decoded picture only the small result and one band exist.

    Args:
        im: the decoded picture (any mode).
        max_side: the result's longer side ends between ``max_side`` and ``2 * max_side``.

    Returns:
        A new image in :func:`_working_mode`, or a converted copy when no shrinking is needed.
    """
    mode = _working_mode(im)
    transparency = im.info.get("transparency")
    width, height = im.size
    factor = max(1, max(width, height) // max(1, max_side))
    if factor == 1:
        return _convert(im.copy() if im.mode == mode else im, mode, transparency)
    out = Image.new(mode, (-(-width // factor), -(-height // factor)))
    rows = factor * max(1, _BAND_ROWS // factor)
    for top in range(0, height, rows):
        band = im.crop((0, top, width, min(height, top + rows)))
        small = _convert(band, mode, transparency).reduce(factor)
        out.paste(small, (0, top // factor))
        del band, small
    return out


# EXIF orientation -> the transpose that turns the picture upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


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
        fmt = im.format or ""
        most = _PIXEL_LIMITS.get(fmt, MAX_PIXELS)
        if src_w * src_h > most:
            raise ImageError(
                "too_many_pixels",
                pixels=f"{src_w}x{src_h}",
                limit=f"{most / 1e6:.0f}",
            )
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

        orientation = _orientation(im)
        try:
            # Shrink first, convert after: the full-size picture is never copied or converted.
            small = _shrink_native(im, max_side)
            upright = small.transpose(_UPRIGHT[orientation]) if orientation in _UPRIGHT else small
            rgb = _to_rgb(
                upright, tuple(int(c) for c in background), source_mode.startswith("I;16")
            )
        except Exception as exc:
            raise ImageError("corrupt") from exc
        rotated = orientation in _UPRIGHT
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


MAX_FILES_PER_PAGE = 8
"""Most photos one page prepares at once (Classify takes several); more are left out, with a
message, so one visitor cannot queue dozens of decodes."""

_CACHE_SIZE = 8  # prepared photos kept (each <= ~3 MB: the display copy is at most 1024 px)
_CACHE: OrderedDict[tuple, PreparedImage] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def prepare_image_cached(data: bytes, **options) -> PreparedImage:
    """:func:`prepare_image`, remembered by the file's SHA-256, so reruns of a page do not decode
    the same upload again.

    Args:
        data: the file's bytes.
        **options: the keyword arguments of :func:`prepare_image` (``size``, ``channels``, ...).

    Returns:
        A :class:`PreparedImage` whose ``array`` is the caller's own copy.

    Raises:
        ImageError: as :func:`prepare_image` (refusals are not cached: they are cheap).
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"prepare_image expects bytes, got {type(data).__name__}.")
    settings = tuple(sorted((name, repr(value)) for name, value in options.items()))
    key = (hashlib.sha256(data).hexdigest(), settings)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
    if hit is None:
        hit = prepare_image(data, **options)
        with _CACHE_LOCK:
            _CACHE[key] = hit
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return dataclasses.replace(hit, array=hit.array.copy())


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
