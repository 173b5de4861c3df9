"""One pipeline for every file the platform accepts from people (SECURITY.md WEB-03, DP-07).

Pictures (a clue's pictures, an alert's or a sighting's photo, a person's photo, the
plan's evidence) go through :func:`reencode_photo`: the size of the file and the pixel
count read from the header are checked *before* anything is decoded (a 48 KB PNG can
claim 20000 x 20000 pixels and cost gigabytes), a phone's JPEG is decoded at a reduced
scale, the EXIF orientation is applied, and the picture is written again as a JPEG that
carries no metadata at all: no EXIF (GPS), no comment segment, no ICC or XMP.

PDF documents go through :func:`sanitize_pdf`: the pages are copied into a new document
without what a PDF reader could act on (JavaScript, open actions, links, forms,
embedded files, annotations) and without its metadata. Both return content under a
generated name; callers store it and serve it only through an authorised view.
"""

from __future__ import annotations

import io
import secrets
import warnings
from enum import StrEnum
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from homeward.core.errors import DomainError

# The longest side of a stored picture: enough to recognise a face on a poster.
PHOTO_MAX_SIDE = 1600
# Formats a phone or a camera writes; MPO is the JPEG with a depth picture many phones
# save. GIF, SVG, TIFF, BMP and the rest are refused.
PHOTO_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})
# A JPEG is decoded at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling), so even a
# 200-megapixel photo costs little; other formats are decoded whole and get a lower cap.
SCALED_FORMATS = frozenset({"JPEG", "MPO"})
# HEIF/HEIC brands in the ISO base media "ftyp" box (an iPhone's default format).
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
# Keys a PDF reader acts on, never copied into a stored document.
PDF_ACTIVE_KEYS = frozenset(
    {"/AA", "/OpenAction", "/JavaScript", "/JS", "/Annots", "/AcroForm", "/Names", "/URI"}
)
# Metadata (XMP streams, application data) is dropped as well.
PDF_METADATA_KEYS = frozenset({"/Metadata", "/PieceInfo"})
PDF_MAX_PAGES = 300


class UploadError(StrEnum):
    BAD_PHOTO = "bad_photo"
    BAD_DOCUMENT = "bad_document"


def _size_of(upload: IO[bytes]) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(position)
    return int(size)


def _is_heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def _pixel_cap(image_format: str) -> int:
    if image_format in SCALED_FORMATS:
        return int(settings.PHOTO_MAX_PIXELS)
    return int(settings.PHOTO_MAX_PIXELS_UNSCALED)


def _bad_photo(message: str) -> DomainError:
    return DomainError(UploadError.BAD_PHOTO, message)


def _too_many_pixels(cap: int) -> DomainError:
    return _bad_photo(
        _(
            "The picture has too many pixels (at most %(megapixels)d million). "
            "Send a smaller copy of it."
        )
        % {"megapixels": cap // 1_000_000}
    )


def reencode_photo(upload: IO[bytes]) -> ContentFile[bytes]:
    """Check, orient and re-encode a picture as a JPEG without metadata.

    Raises ``DomainError(bad_photo)`` with a message for the person who sent it: a file
    over ``PHOTO_MAX_BYTES``, a picture over the pixel cap, a HEIC photo, anything that
    is not JPEG, PNG or WebP, or a file that does not decode.
    """
    if _size_of(upload) > settings.PHOTO_MAX_BYTES:
        raise _bad_photo(
            _("The photo file is too large (at most %(megabytes)d MB).")
            % {"megabytes": settings.PHOTO_MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if _is_heif(head):
        raise _bad_photo(
            _(
                "HEIC photos cannot be read. Send the photo as JPEG (on an iPhone: "
                "Settings, Camera, Formats, Most Compatible), or send a screenshot of it."
            )
        )
    try:
        with warnings.catch_warnings():
            # Our own cap below decides; Pillow's warning threshold is not an error.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format or ""
                if image_format not in PHOTO_FORMATS:
                    raise _bad_photo(_("The photo must be in JPEG, PNG or WebP format."))
                # Image.open reads only the header: the size is known before decoding.
                width, height = image.size
                if width * height > _pixel_cap(image_format):
                    raise _too_many_pixels(_pixel_cap(image_format))
                if image_format in SCALED_FORMATS:
                    image.draft("RGB", (PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
                image.load()
                # The orientation tag goes with the metadata, so apply it first.
                oriented = ImageOps.exif_transpose(image) or image
                rgb = oriented.convert("RGB")
    except Image.DecompressionBombError as error:
        # Pillow's own header check (twice Image.MAX_IMAGE_PIXELS) fired in Image.open.
        raise _too_many_pixels(int(settings.PHOTO_MAX_PIXELS_UNSCALED)) from error
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise _bad_photo(_("The image file could not be recognised.")) from error
    rgb.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    # A fresh image: no info dictionary, so no comment, EXIF, ICC profile or XMP can be
    # copied by the encoder (Pillow writes image.info["comment"] back as a COM segment).
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{secrets.token_hex(16)}.jpg")


def is_pdf(upload: IO[bytes]) -> bool:
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    return head == b"%PDF-"


def _drop_active(obj: Any, seen: set[int]) -> None:
    """Remove the keys a reader acts on from every dictionary reachable from ``obj``."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    if isinstance(obj, IndirectObject):
        if id(obj.pdf) * 1_000_003 + obj.idnum in seen:
            return
        seen.add(id(obj.pdf) * 1_000_003 + obj.idnum)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        for key in (PDF_ACTIVE_KEYS | PDF_METADATA_KEYS) & set(obj.keys()):
            del obj[key]
        if obj.get("/S") in {"/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData"}:
            obj.clear()
            return
        for value in list(obj.values()):
            _drop_active(value, seen)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            _drop_active(value, seen)


def sanitize_pdf(upload: IO[bytes]) -> ContentFile[bytes]:
    """Copy a PDF's pages into a new document without active content or metadata.

    The pages (text, pictures, fonts) are kept; JavaScript, open and page actions,
    links, form fields, annotations, embedded files, the document's name tree and its
    metadata are not. A file that does not parse as a PDF, is encrypted, or has more
    than ``PDF_MAX_PAGES`` pages raises ``DomainError(bad_document)``.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise DomainError(
                UploadError.BAD_DOCUMENT,
                _("The PDF is password-protected. Attach a copy without a password."),
            )
        if len(reader.pages) > PDF_MAX_PAGES:
            raise DomainError(
                UploadError.BAD_DOCUMENT,
                _("The PDF has more than %(pages)d pages.") % {"pages": PDF_MAX_PAGES},
            )
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        seen: set[int] = set()
        for page in writer.pages:
            _drop_active(page, seen)
        # pypdf's writer makes a fresh catalog and info; clear what it carries over.
        for key in (PDF_ACTIVE_KEYS | PDF_METADATA_KEYS) & set(writer._root_object.keys()):
            del writer._root_object[key]
        buffer = io.BytesIO()
        writer.write(buffer)
    except DomainError:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise DomainError(
            UploadError.BAD_DOCUMENT, _("The PDF could not be read. Attach another copy.")
        ) from error
    return ContentFile(buffer.getvalue(), name=f"{secrets.token_hex(16)}.pdf")
