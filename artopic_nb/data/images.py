"""Reading image files: finding them, checking them, decoding them to 8-bit sRGB.

Every file goes through the same steps, whether it is probed when a collection is built
(:func:`probe_file`: hashed, and fully decoded at a small scale so that truncation shows) or
loaded for a model (:func:`load_image`): the bytes are opened with a pixel-count guard
(:func:`open_checked`), decoded with EXIF orientation applied, and converted to RGB through
any embedded colour profile (:func:`to_rgb`, :func:`to_srgb`). A file that cannot be used
raises :class:`ImageLoadError`, whose ``reason`` says why in a few words. Thumbnails are
kept in memory by a :class:`ThumbnailMemory`, and on disk checked by :func:`check_jpeg`.

Example
-------
>>> from artopic_nb.data.images import load_image, probe_file
>>> image = load_image("art/portrait.jpg", max_size=512)        # doctest: +SKIP
>>> probe_file(Path("art/broken.jpg"), DEFAULT_MAX_PIXELS).reason   # doctest: +SKIP
'truncated file'
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import stat
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = [
    "DECODE_VERSION",
    "DEFAULT_MAX_PIXELS",
    "IMAGE_EXTENSIONS",
    "ImageLoadError",
    "ImageProbe",
    "ThumbnailMemory",
    "check_jpeg",
    "decode_image",
    "display_path",
    "find_image_files",
    "load_image",
    "open_checked",
    "probe_file",
    "to_rgb",
    "to_srgb",
]

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif"})
#: Images with more pixels than this are refused (decompression-bomb guard): 100 megapixels.
DEFAULT_MAX_PIXELS = 100_000_000
#: Part of every cache key built from decoded pixels; bumped when decoding changes them
#: (2: embedded colour profiles converted to sRGB).
DECODE_VERSION = 2


class ImageLoadError(Exception):
    """An image file that cannot be used; ``reason`` says why in a few words."""

    def __init__(self, path: str | os.PathLike, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@functools.lru_cache(maxsize=1)
def _srgb_profile():
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def to_srgb(image: Image.Image) -> Image.Image:
    """Convert an RGB, CMYK or greyscale image with an embedded colour profile to sRGB.

    Museum photography is often tagged Adobe RGB or a print (CMYK) profile; read as if it
    were sRGB its colours come out dull or shifted, for the models as for the eye. An image
    without a profile, already sRGB, or with a profile that cannot be read is returned as is.
    """
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "CMYK", "L"):
        return image
    from PIL import ImageCms

    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(source).lower().replace(" ", ""):
            return image
        return ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a damaged profile: the pixels are still usable as they are


def to_rgb(image: Image.Image) -> Image.Image:
    """Convert any PIL mode to 8-bit RGB (through an embedded colour profile, if any).

    Transparency (RGBA, LA, palette with a transparent colour) is composited on white,
    16-bit and 32-bit greyscale are rescaled to 0..255 rather than clipped (float images
    whose values lie in 0..1 are read as such), CMYK, YCbCr, LAB and the rest go through
    PIL's own conversion.

    Example
    -------
    >>> to_rgb(Image.new("RGBA", (2, 2), (0, 0, 0, 0))).getpixel((0, 0))
    (255, 255, 255)
    """
    image = to_srgb(image)
    if image.mode == "RGB":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.nan_to_num(np.asarray(image, dtype=np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        peak = float(arr.max(initial=0))
        if image.mode.startswith("I;16"):
            top = 65535.0
        elif image.mode == "F" and peak <= 1.0:
            top = 1.0
        elif peak <= 255:
            top = 255.0
        elif peak <= 65535:
            top = 65535.0
        else:
            top = peak
        arr = np.clip(arr / top * 255.0, 0, 255).round().astype(np.uint8)
        return Image.fromarray(arr).convert("RGB")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def open_checked(data: bytes, path: str | os.PathLike, max_pixels: int) -> Image.Image:
    """Open image bytes with PIL (lazily: the pixels are decoded later), refusing empty
    files, non-images and images of more than ``max_pixels`` pixels with an
    :class:`ImageLoadError` that names ``path``.

    Example
    -------
    >>> try:
    ...     open_checked(b"", "a.jpg", DEFAULT_MAX_PIXELS)
    ... except ImageLoadError as exc:
    ...     print(exc.reason)
    empty file (0 bytes)
    """
    if not data:
        raise ImageLoadError(path, "empty file (0 bytes)")
    try:
        image = _open_quietly(data)
    except Image.DecompressionBombError as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))  # PIL: "Image size (N pixels) exceeds"
        size = f"{int(found[1]):,} pixels" if found else "its size"
        raise ImageLoadError(path, f"over the pixel limit ({size} > {max_pixels:,} pixels; "
                                   "a possible decompression bomb)") from None
    except UnidentifiedImageError:
        raise ImageLoadError(path, "not an image (unrecognised format)") from None
    except Exception as exc:  # PIL raises many types on malformed headers
        if "truncated" in str(exc).lower():  # the file ends inside its header
            raise ImageLoadError(path, "truncated file") from None
        raise ImageLoadError(path, f"corrupt header ({type(exc).__name__}: {exc})") from None
    width, height = image.size
    if width * height > max_pixels:
        raise ImageLoadError(
            path, f"over the pixel limit ({width}x{height} > {max_pixels:,} pixels)"
        )
    return image


#: Held while PIL opens a file: the warnings filters are process-wide, and images are
#: opened from a thread pool (opening reads only the header, so the wait is short).
_OPEN_LOCK = threading.Lock()


def _open_quietly(data: bytes) -> Image.Image:
    """``Image.open`` without PIL's ``DecompressionBombWarning``: ``max_pixels`` is the
    limit that applies here, and an image over it becomes a skip reason, not a warning.
    Any other warning raised meanwhile is passed on."""
    with _OPEN_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        image = Image.open(io.BytesIO(data))
    for w in caught:
        if not issubclass(w.category, Image.DecompressionBombWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return image


def decode_image(image: Image.Image, path: str | os.PathLike, max_size: int | None,
                 min_side: int | None = None) -> Image.Image:
    """Fully decode (truncation shows here), apply EXIF orientation, convert to RGB.

    ``image`` comes from :func:`open_checked`; ``path`` names it in errors; ``max_size`` and
    ``min_side`` as in :func:`load_image`.
    """
    try:
        if image.format == "JPEG" and (max_size or min_side):
            # JPEG DCT scaling: a much faster decode at 1/2, 1/4 or 1/8 scale that keeps
            # both sides at least as large as requested
            request = min(x for x in (max_size, min_side) if x)
            image.draft("RGB", (request, request))
        image.load()
        image = ImageOps.exif_transpose(image)
    except OSError as exc:
        reason = "truncated file" if "truncated" in str(exc).lower() else f"corrupt data ({exc})"
        raise ImageLoadError(path, reason) from None
    except Exception as exc:
        raise ImageLoadError(path, f"corrupt data ({type(exc).__name__}: {exc})") from None
    try:
        image = to_rgb(image)
        if max_size is not None and max(image.size) > max_size:
            image.thumbnail((max_size, max_size), Image.Resampling.BICUBIC)
    except OSError as exc:  # lazy decoders (some TIFFs) fail only here
        raise ImageLoadError(path, f"corrupt data ({exc})") from None
    except Exception as exc:
        raise ImageLoadError(
            path, f"unsupported image mode {image.mode!r} ({type(exc).__name__}: {exc})"
        ) from None
    return image


def load_image(
    path: str | os.PathLike, max_size: int | None = None, max_pixels: int = DEFAULT_MAX_PIXELS,
    min_side: int | None = None,
) -> Image.Image:
    """Load one image as RGB (EXIF-rotated, first frame), or raise :class:`ImageLoadError`.

    ``max_size`` bounds the longer side (JPEGs are decoded at reduced scale, which is fast).
    ``min_side`` lets a JPEG decode at reduced scale as long as its shorter side stays at
    least that long (what a model's preprocessing resizes to anyway).

    Example
    -------
    >>> load_image("art/portrait.jpg", max_size=256).size      # doctest: +SKIP
    (192, 256)
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImageLoadError(path, f"unreadable ({exc.strerror or exc})") from None
    return decode_image(open_checked(data, path, max_pixels), path, max_size, min_side)


@dataclass
class ImageProbe:
    """What :func:`probe_file` found: the content hash and the size (EXIF-rotated) of a usable
    image, or the ``reason`` it cannot be used."""

    path: Path
    hash: str | None = None
    width: int = 0
    height: int = 0
    reason: str | None = None


def display_path(path: str | os.PathLike) -> str:
    """``path`` as valid Unicode text: undecodable bytes of a file name shown as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def probe_file(path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> ImageProbe:
    """Hash a file and check that it decodes completely (at a small scale, for speed).

    Example
    -------
    >>> probe_file(Path("art/empty.jpg")).reason                 # doctest: +SKIP
    'empty file (0 bytes)'
    """
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        # Such a name cannot go into a DataFrame (pandas stores strings as UTF-8), a
        # parquet file, JSON or HTML; skipping it openly beats failing later on save.
        return ImageProbe(path, reason="file name is not valid UTF-8; rename the file "
                                       "(e.g. convmv -f latin1 -t utf8)")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            return ImageProbe(path, reason="not a regular file")
        data = path.read_bytes()
    except OSError as exc:
        return ImageProbe(path, reason=f"unreadable ({exc.strerror or exc})")
    try:
        image = open_checked(data, path, max_pixels)
        width, height = image.size[::-1] if _has_rotation(image) else image.size
        decode_image(image, path, max_size=64)
    except ImageLoadError as exc:
        return ImageProbe(path, reason=exc.reason)
    return ImageProbe(path, hashlib.sha256(data).hexdigest(), width, height)


def _has_rotation(image: Image.Image) -> bool:
    try:
        return image.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    except Exception:
        return False


def find_image_files(folder: Path, recursive: bool = True
                     ) -> tuple[list[Path], list[tuple[str, str]]]:
    """Image files under ``folder`` and the (path, reason) of folders that could not be read.

    Symbolic links to folders are not followed, so a link loop cannot hang the walk.
    """
    problems: list[tuple[str, str]] = []

    def on_error(exc: OSError) -> None:
        problems.append((display_path(exc.filename), f"unreadable folder ({exc.strerror or exc})"))

    files: list[Path] = []
    for root, dirs, names in os.walk(folder, onerror=on_error, followlinks=False):
        dirs.sort()
        if not recursive:
            dirs.clear()
        for name in names:
            if Path(name).suffix.lower() in IMAGE_EXTENSIONS:
                files.append(Path(root) / name)
    return files, problems


def check_jpeg(data: bytes) -> None:
    """Raise when ``data`` is not a complete JPEG (a damaged cached thumbnail).

    The start and end markers catch a truncated file and the parsed header catches other
    bytes; the pixels are not decoded, as that would cost a warm report a third of its time.
    """
    if not data.startswith(b"\xff\xd8") or not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise ValueError("not a complete JPEG")
    with Image.open(io.BytesIO(data)) as image:
        if image.format != "JPEG" or not image.width or not image.height:
            raise ValueError("not a JPEG image")


class ThumbnailMemory:
    """JPEG thumbnails in memory by key, the least recently used dropped beyond a bound in
    bytes; safe across threads.

    Example
    -------
    >>> memory = ThumbnailMemory()
    >>> memory.put((0, 96), b"jpeg", limit=1 << 20)
    >>> memory.get((0, 96)), memory.get((1, 96))
    (b'jpeg', None)
    """

    def __init__(self):
        self.entries: OrderedDict[tuple[int, int], bytes] = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()

    def get(self, key: tuple[int, int]) -> bytes | None:
        """The thumbnail under ``key``, now the most recently used, or None."""
        with self.lock:
            data = self.entries.get(key)
            if data is not None:
                self.entries.move_to_end(key)
            return data

    def put(self, key: tuple[int, int], data: bytes, limit: int) -> None:
        """Keep ``data`` under ``key``, then drop the least recently used beyond ``limit``
        bytes (the newest always stays)."""
        with self.lock:
            if key not in self.entries:
                self.entries[key] = data
                self.bytes += len(data)
            while self.bytes > limit and len(self.entries) > 1:
                _, old = self.entries.popitem(last=False)
                self.bytes -= len(old)
