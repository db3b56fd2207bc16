"""A subject's photo: checked and re-encoded before it is stored, so that what is kept is a plain JPEG of a
bounded size with no metadata (no camera, no GPS position, no embedded payload) whatever was uploaded."""

from __future__ import annotations

import base64
import binascii
import io

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from lockstep.errors import InvalidInput

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # width x height before decoding: no decompression bombs
SIDE = 1200  # the stored photo fits in SIDE x SIDE
FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}  # MPO: the multi-picture JPEG of phones


def clean_photo(data: bytes, field: str = "photo") -> bytes:
    if len(data) > MAX_BYTES:
        raise InvalidInput(_("A photo has at most 5 MB."), fields={field: [f"{len(data):,} bytes"]})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            if kind not in FORMATS:
                raise InvalidInput(_("A photo is a JPEG, PNG or WebP image."), fields={field: [str(kind)]})
            if width * height > MAX_PIXELS:
                raise InvalidInput(_("The photo has too many pixels."), fields={field: [f"{width}x{height}"]})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGB")  # upright, as the camera meant it
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(
            _("The photo is not a readable image."), fields={field: [_("unreadable")]}
        ) from None
    picture.info.clear()  # no comment, no ICC profile, no EXIF carried over
    picture.thumbnail((SIDE, SIDE))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85, optimize=True)  # no exif: Pillow writes none unless given
    return out.getvalue()


def photo_from_base64(text: str, field: str = "photo") -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(_("The photo is not valid base64."), fields={field: [_("invalid")]}) from None
