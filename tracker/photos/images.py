"""Turning an uploaded file into the photo's stored sizes (Pillow), once, at upload. Pure: bytes in, bytes out.

- Only JPEG, PNG and WebP are accepted, recognised by their content (the file name and the browser's type are
  not trusted).
- A picture of more than :data:`MAX_PIXELS` is refused before it is decoded (a "decompression bomb": a small
  file that unpacks into gigabytes).
- The EXIF orientation is applied to the pixels, then every piece of metadata is dropped: EXIF (GPS position,
  camera and lens serial numbers, dates), XMP, IPTC, comments. The colour profile (ICC) stays, so colours do
  not shift, when Pillow can read it and it describes the stored pixels (RGB or greyscale); otherwise it goes.
- A picture longer than :data:`MAX_SIDE` on a side is refused (a JPEG cannot hold it); a picture the encoder
  cannot write is refused as damaged.
- Every size is a JPEG: a PNG or WebP with transparency is laid on white first (a release, a PDF and a Word
  file print on white). See docs/photos.md.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from ..models.photos import PhotoSize

#: The formats accepted, as Pillow names them (recognised by content).
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
#: Largest picture accepted, in pixels (40 megapixels: a camera's photo, far from a bomb's billions; decoding
#: one takes about 120 MB of memory as RGB).
MAX_PIXELS = 40_000_000
#: Longest side accepted, in pixels: a JPEG cannot be larger than 65,535 on a side (kept a little below).
MAX_SIDE = 65_500
#: Longest side of each size, in pixels (``None``: as uploaded); a smaller picture is never enlarged.
LONG_SIDE: dict[PhotoSize, int | None] = {
    PhotoSize.THUMB: 320,
    PhotoSize.WEB: 1280,
    PhotoSize.PRINT: 2400,
    PhotoSize.FULL: None,
}
#: JPEG quality of each size.
QUALITY: dict[PhotoSize, int] = {
    PhotoSize.THUMB: 80,
    PhotoSize.WEB: 84,
    PhotoSize.PRINT: 82,
    PhotoSize.FULL: 92,
}
MEDIA_TYPE = "image/jpeg"
EXTENSION = "jpg"


class ImageRefused(ValueError):
    """The file is not a photo this site keeps; ``reason`` says why (``not_image``, ``too_large``, ``damaged``)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


@dataclass(frozen=True)
class DerivedFile:
    """One stored size: JPEG bytes, their dimensions and sha256."""

    size: PhotoSize
    data: bytes
    width: int
    height: int
    media_type: str = MEDIA_TYPE

    @property
    def sha256(self) -> str:
        """Hex sha256 of the bytes (the ETag, and the name in the filesystem backend)."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class ProcessedPhoto:
    """What an upload became: the picture's dimensions (orientation applied) and every size."""

    width: int
    height: int
    source_format: str
    files: tuple[DerivedFile, ...]

    def file(self, size: PhotoSize) -> DerivedFile:
        """The file of ``size``."""
        return next(f for f in self.files if f.size == size)


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """The first frame of an accepted picture, decoded; :class:`ImageRefused` for anything else."""
    with warnings.catch_warnings():
        # Pillow warns, then refuses, past its own limit; a warning here is a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(BytesIO(data), formats=ACCEPTED_FORMATS)
        except UnidentifiedImageError:
            raise ImageRefused("not_image") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused("too_large") from None
        except (OSError, SyntaxError, ValueError) as error:
            raise ImageRefused("damaged", str(error)) from None
        width, height = image.size
        if width < 1 or height < 1:
            raise ImageRefused("damaged")
        if width * height > max_pixels or max(width, height) > MAX_SIDE:
            raise ImageRefused("too_large")
        try:
            image.seek(0)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused("too_large") from None
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise ImageRefused("damaged", str(error)) from None
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB (or greyscale) pixels, transparency laid on white."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode.startswith("I"):
        # 16-bit greyscale (PNG): scale 0-65535 to 0-255; converting directly would clip it to white.
        return image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode == "F":
        return image.convert("L")
    return image.convert("RGB")


def _encode(image: Image.Image, size: PhotoSize, icc_profile: bytes | None) -> DerivedFile:
    long_side = LONG_SIDE[size]
    picture = image
    if long_side is not None and max(image.size) > long_side:
        picture = image.copy()
        picture.thumbnail((long_side, long_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    # Nothing of the upload's metadata travels: the encoder is given the pixels and the colour profile only.
    picture.info = {}
    buffer = BytesIO()
    options: dict[str, object] = {"quality": QUALITY[size], "optimize": True, "progressive": size != PhotoSize.THUMB}
    if icc_profile:
        options["icc_profile"] = icc_profile
    picture.save(buffer, format="JPEG", **options)
    return DerivedFile(size, buffer.getvalue(), picture.width, picture.height)


def _usable_profile(icc_profile: object, mode: str) -> bytes | None:
    """The ICC profile if Pillow can read it and it describes pixels of ``mode`` (RGB or greyscale); else none
    (a damaged profile, or a CMYK one left from pixels converted to RGB, would shift or break the colours)."""
    if not isinstance(icc_profile, bytes) or not icc_profile:
        return None
    try:
        profile = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
        space = str(profile.profile.xcolor_space).strip()
    except (OSError, ValueError, TypeError, AttributeError, ImageCms.PyCMSError):
        return None
    return icc_profile if space == {"RGB": "RGB", "L": "GRAY"}.get(mode) else None


def process(data: bytes, *, max_pixels: int = MAX_PIXELS) -> ProcessedPhoto:
    """Every stored size of the picture in ``data``; :class:`ImageRefused` when it is not one to keep."""
    image = _open(data, max_pixels)
    source_format = str(image.format)
    icc_profile = image.info.get("icc_profile")
    try:
        oriented = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, TypeError, KeyError):
        oriented = image  # an unreadable EXIF block: the pixels as stored
    try:
        flat = _flatten(oriented)
        if flat.mode not in ("RGB", "L"):
            flat = flat.convert("RGB")
        profile = _usable_profile(icc_profile, flat.mode)
        files = tuple(_encode(flat, size, profile) for size in PhotoSize)
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        # What the JPEG encoder (or a conversion) cannot do with these pixels: a refusal, not a failure.
        raise ImageRefused("damaged", str(error)) from None
    return ProcessedPhoto(flat.width, flat.height, source_format, files)
