"""Real pictures made with Pillow for the photo tests: photo-like content, metadata to strip, and bad files."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter

#: EXIF tags the tests put in and look for afterwards.
ORIENTATION = 0x0112
MAKE, MODEL = 0x010F, 0x0110
GPS_IFD, EXIF_IFD = 0x8825, 0x8769
BODY_SERIAL = 0xA431
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="40,24.0N"/></rdf:RDF>'
       b"</x:xmpmeta>")


def scene(width: int, height: int, seed: int = 1) -> Image.Image:
    """A photo-like RGB picture: gradients, shapes and fine grain (compresses like a photograph, not a flat fill)."""
    rng = random.Random(seed)  # noqa: S311 - test pictures, not secrets
    base = Image.merge("RGB", [
        Image.linear_gradient("L").resize((width, height)),
        Image.radial_gradient("L").resize((width, height)),
        Image.linear_gradient("L").rotate(90).resize((width, height)),
    ])
    draw = ImageDraw.Draw(base)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(max(width, height) // 30, max(width, height) // 6)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    base = base.filter(ImageFilter.GaussianBlur(max(width, height) / 400))
    grain = Image.effect_noise((width, height), 12).convert("RGB")
    return Image.blend(base, grain, 0.08)


def jpeg_with_metadata(width: int = 600, height: int = 400, orientation: int = 6, seed: int = 1) -> bytes:
    """A JPEG carrying GPS position, camera make/model/serial, an orientation tag and XMP."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "TestCam"
    exif[MODEL] = "TC-1000"
    exif.get_ifd(EXIF_IFD)[BODY_SERIAL] = "SERIAL-4242"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (40.0, 24.0, 5.5), 3: "E", 4: (49.0, 52.0, 1.2)})
    buffer = io.BytesIO()
    scene(width, height, seed).save(buffer, "JPEG", quality=90, exif=exif, xmp=XMP)
    return buffer.getvalue()


def png_with_alpha(width: int = 300, height: int = 200) -> bytes:
    """A PNG with a transparent half."""
    picture = scene(width, height, 2).convert("RGBA")
    picture.putalpha(Image.linear_gradient("L").resize((width, height)))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def webp(width: int = 320, height: int = 240) -> bytes:
    """A WebP photo."""
    buffer = io.BytesIO()
    scene(width, height, 3).save(buffer, "WEBP", quality=80)
    return buffer.getvalue()


def jpeg(width: int = 800, height: int = 600, seed: int = 4, quality: int = 90) -> bytes:
    """A plain JPEG photo."""
    buffer = io.BytesIO()
    scene(width, height, seed).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def bomb(width: int = 9000, height: int = 9000) -> bytes:
    """A small PNG that unpacks into more pixels than a photo has (81 megapixels of one colour)."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def stored_exif(data: bytes) -> dict:
    """Everything of EXIF a stored file still carries (tags, GPS and Exif IFDs), read back with Pillow."""
    picture = Image.open(io.BytesIO(data))
    exif = picture.getexif()
    found = dict(exif)
    found.update({f"gps:{k}": v for k, v in exif.get_ifd(GPS_IFD).items()})
    found.update({f"exif:{k}": v for k, v in exif.get_ifd(EXIF_IFD).items()})
    return found
