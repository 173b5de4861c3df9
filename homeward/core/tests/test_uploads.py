"""One upload pipeline (core.uploads) for every picture and PDF people send: pixel caps
read from the header before decoding, EXIF orientation applied, metadata (EXIF, JPEG
comments) gone, HEIC refused clearly, PDFs rewritten without active content
(issue 17 defects 6, 7 and 11; issue 19; SECURITY.md WEB-03, DP-07)."""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    TextStringObject,
)

from homeward.core.errors import DomainError
from homeward.core.models import Division, User
from homeward.core.uploads import _too_many_pixels, reencode_photo, sanitize_pdf
from homeward.tips.models import Tip

CANARY_ID = "500101201801010011"
CANARY_ADDRESS = "重庆市渝中区解放碑1号".encode()


def _png_claiming(width: int, height: int) -> bytes:
    """A valid PNG of ``width`` x ``height`` black grey pixels whose zlib stream is tiny
    (a decompression bomb: a few KB on the wire, gigabytes once decoded)."""
    row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(min(height, 64)))
    data += compressor.flush()  # only the first rows: the header is what matters

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _jpeg(size: tuple[int, int], **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="JPEG", **save)  # type: ignore[arg-type]
    return buffer.getvalue()


def _segments(jpeg: bytes) -> list[int]:
    """The markers of a JPEG's header segments, up to the start of scan."""
    markers, position = [], 2
    while position < len(jpeg) and jpeg[position] == 0xFF:
        marker = jpeg[position + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        (length,) = struct.unpack(">H", jpeg[position + 2 : position + 4])
        position += 2 + length
    return markers


def _upload(content: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


# --- Pixel caps ---------------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), [(20000, 20000), (11000, 11000), (5000, 4000)])
def test_a_png_claiming_too_many_pixels_is_refused_before_it_is_decoded(
    width: int, height: int
) -> None:
    content = _png_claiming(width, height)
    assert len(content) < 100_000
    with pytest.raises(DomainError) as error:
        reencode_photo(_upload(content, "bomb.png"))
    assert error.value.code == "bad_photo"
    assert error.value.message == _too_many_pixels(16_000_000).message


@pytest.mark.django_db
def test_a_decompression_bomb_on_the_anonymous_clue_form_is_a_field_error_not_a_500() -> None:
    cache.clear()
    client = Client()
    page = client.get("/public/report/")
    key = re.search(rb'name="idempotency_key" value="([0-9a-f]+)"', page.content)
    assert key is not None
    response = client.post(
        "/public/report/",
        {
            "category": "child_selling",
            "narrative": "有人在车站附近出价八万元出售一名男婴。",
            "division": Division.objects.get(code="500103").pk,
            "idempotency_key": key.group(1).decode(),
            "pictures": _upload(_png_claiming(20000, 20000), "bomb.png"),
        },
    )
    assert response.status_code == 200
    assert b'class="errorlist"' in response.content
    with translation.override("zh-hans"):
        expected = _too_many_pixels(16_000_000).message
    assert expected.encode() in response.content
    assert not Tip.objects.exists()


def test_no_module_but_the_upload_pipeline_decodes_uploaded_pictures() -> None:
    """Every upload path (clue, alert, sighting, person, plan evidence) goes through
    core.uploads, so the caps there hold for all of them."""
    package = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "uploads.py"
        and re.search(r"Image\.open\(|PdfReader\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --- Phone photos ---------------------------------------------------------------------------


def test_a_large_phone_jpeg_is_accepted_and_scaled_down() -> None:
    exif = Image.Exif()
    exif[0x0110] = "Phone 15"  # camera model
    content = _jpeg((6000, 4000), exif=exif, quality=90)
    stored = Image.open(reencode_photo(_upload(content, "IMG_2041.JPG")))
    assert stored.format == "JPEG" and max(stored.size) == 1600 and stored.size == (1600, 1067)
    assert not stored.getexif()


def test_a_phone_mpo_photo_is_accepted() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "green").save(
        buffer, format="MPO", save_all=True, append_images=[Image.new("RGB", (400, 300))]
    )
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    stored = Image.open(reencode_photo(_upload(buffer.getvalue())))
    assert stored.format == "JPEG" and stored.size == (400, 300)


def test_the_exif_orientation_is_applied_before_the_metadata_is_dropped() -> None:
    # A phone held upright stores a landscape sensor picture and "rotate 90° clockwise".
    sensor = Image.new("RGB", (400, 200), "white")
    sensor.paste((255, 0, 0), (0, 0, 200, 200))  # left half red
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    sensor.save(buffer, format="JPEG", exif=exif, quality=95)
    stored = Image.open(reencode_photo(_upload(buffer.getvalue())))
    assert stored.size == (200, 400)  # portrait, as the person saw it
    red, green, _blue = stored.convert("RGB").getpixel((100, 50))  # type: ignore[misc]
    assert red > 200 and green < 60  # the red half is now on top
    assert not stored.getexif()


def test_a_heic_photo_gets_a_clear_message() -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    with pytest.raises(DomainError) as error:
        reencode_photo(_upload(heic, "IMG_0001.HEIC"))
    assert error.value.code == "bad_photo" and "HEIC" in error.value.message


# --- Metadata -------------------------------------------------------------------------------


def test_jpeg_comments_exif_and_icc_do_not_survive_re_encoding() -> None:
    comment = f"身份证 {CANARY_ID} 住址 重庆市渝中区解放碑1号".encode()
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (29.0, 33.0, 0.0)}  # GPS
    content = _jpeg((300, 200), exif=exif, comment=comment)
    assert CANARY_ID.encode() in content and 0xFE in _segments(content)
    assert Image.open(io.BytesIO(content)).info.get("comment") == comment

    stored = reencode_photo(_upload(content)).read()

    assert CANARY_ID.encode() not in stored and CANARY_ADDRESS not in stored
    assert 0xFE not in _segments(stored)  # COM
    assert not {0xE1, 0xE2, 0xED} & set(_segments(stored))  # APP1 EXIF/XMP, APP2 ICC, APP13
    reopened = Image.open(io.BytesIO(stored))
    assert "comment" not in reopened.info and not reopened.getexif()


def test_a_png_text_chunk_does_not_survive_re_encoding() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", CANARY_ID)
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50)).save(buffer, format="PNG", pnginfo=info)
    stored = reencode_photo(_upload(buffer.getvalue(), "x.png")).read()
    assert CANARY_ID.encode() not in stored


# --- PDF ------------------------------------------------------------------------------------


def _pdf_with_active_content() -> bytes:
    from reportlab.pdfgen import canvas

    page = io.BytesIO()
    drawing = canvas.Canvas(page)
    drawing.drawString(72, 720, "Minutes of the joint conference 2026")
    drawing.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(page.getvalue())))
    writer.add_attachment("payload.exe", b"MZ\x90\x00 canary-embedded")
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('pwned');"),
        }
    )
    names = writer._root_object["/Names"]
    names[NameObject("/JavaScript")] = DictionaryObject(  # type: ignore[index]
        {NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(script)])}
    )
    writer.add_metadata({"/Author": CANARY_ID})
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([]),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/URI"),
                    NameObject("/URI"): TextStringObject("http://evil.example/"),
                }
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.alert(2)"),
                }
            )
        }
    )
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(3)"),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _every_key(reader: PdfReader) -> set[str]:
    keys: set[str] = set()
    seen: set[int] = set()

    def walk(obj: object) -> None:
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                return
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            keys.update(obj.keys())
            keys.update(str(v) for v in obj.values() if isinstance(v, NameObject))
            for value in obj.values():
                walk(value)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                walk(value)

    walk(reader.trailer)
    return keys


def test_a_pdf_is_stored_without_javascript_actions_links_attachments_or_metadata() -> None:
    original = _pdf_with_active_content()
    before = _every_key(PdfReader(io.BytesIO(original)))
    assert {"/JavaScript", "/OpenAction", "/AA", "/Annots", "/EmbeddedFiles"} <= before

    stored = sanitize_pdf(io.BytesIO(original)).read()

    reader = PdfReader(io.BytesIO(stored))
    after = _every_key(reader)
    forbidden = {"/JavaScript", "/JS", "/OpenAction", "/AA", "/Annots", "/URI", "/Names"}
    assert not forbidden & after
    assert "/EmbeddedFiles" not in after and "/EmbeddedFile" not in after
    assert b"canary-embedded" not in stored and CANARY_ID.encode() not in stored
    assert "Minutes of the joint conference" in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    "content", [b"%PDF-1.4\n%nothing else\n", b"%PDF-1.7\n" + b"\x00" * 500, b"%PDF-"]
)
def test_a_broken_pdf_is_a_clear_error(content: bytes) -> None:
    with pytest.raises(DomainError) as error:
        sanitize_pdf(io.BytesIO(content))
    assert error.value.code == "bad_document"


@pytest.mark.django_db
def test_plan_evidence_pdf_is_rewritten_and_served_as_an_attachment(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    from datetime import date

    from django.utils import timezone

    from homeward.coordination import services
    from homeward.coordination.models import Measure
    from homeward.core.roles import Role

    year = timezone.localdate().year
    unit = make_user(roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code="cq-civil_affairs")
    plan = services.unit_plan_get_or_create(actor=unit, year=year)
    task = services.plan_task_add(
        actor=unit,
        plan=plan,
        measure=Measure.objects.order_by("pk").first(),
        title="救助管理机构甄别受害人",
        owner="社会事务处",
        deadline=date(year, 12, 31),
    )
    entry = services.progress_record(
        actor=unit,
        task=task,
        recorded_on=timezone.localdate(),
        text="会议纪要",
        attachment=SimpleUploadedFile("minutes.pdf", _pdf_with_active_content(), "application/pdf"),
    )
    response = client_for(unit).get(f"/plan/progress/{entry.pk}/attachment/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF-") and b"/JavaScript" not in body
    assert b"canary-embedded" not in body
