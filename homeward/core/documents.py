"""One way to hand a document to a user: PDF, Word or a spreadsheet, watermarked with who
printed or exported it, when and the request, audited in the same step, and served under
a safe file name (SECURITY.md DP-05). Every module's print and export views end here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import escape

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.models import User
from homeward.core.pdf import Watermark

CONTENT_TYPES = {
    "pdf": "application/pdf",
    # An HTML document that Word opens (and saves as .docx); no macros, no external parts.
    "doc": "application/msword; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def watermark_for(request: HttpRequest, user: User, *, audience: str = "") -> Watermark:
    """Who printed, when, and the request id (the audit event carries the same id)."""
    return Watermark(
        printed_by=f"{user.full_name} ({user.username})",
        printed_at=timezone.localtime(),
        request_id=str(getattr(request, "request_id", "")),
        audience=audience,
    )


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name; no quotes, slashes or newlines."""
    cleaned = "".join(c for c in filename if c not in '"\\/\r\n\t;') or "document"
    ascii_name = "".join(c if c.isascii() and c.isprintable() else "_" for c in cleaned)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(cleaned)}"


def document_response(
    *,
    user: User,
    content: bytes | str,
    fmt: str,
    filename: str,
    obj: Model | None = None,
    object_type: str = "",
    action: AuditAction = AuditAction.EXPORT,
    detail: Mapping[str, Any] | None = None,
    inline: bool = False,
) -> HttpResponse:
    """Audit the print or export and answer with the document. The caller has built
    ``content`` with :func:`watermark_for` (PDF, Word) or ``core.exports.xlsx_table``."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown document format {fmt!r}")
    audit_record(
        actor=user,
        action=action,
        obj=obj,
        object_type=object_type,
        detail={"format": fmt, **(detail or {})},
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response


def word_document(
    *,
    title: str,
    watermark: Watermark,
    paragraphs: Sequence[str] = (),
    sections: Sequence[tuple[str, Sequence[Sequence[str]]]] = (),
    lines: Sequence[str] = (),
) -> str:
    """A Word-compatible document (HTML that Word opens): the title, ``lines`` (short
    facts under the title), the paragraphs, then each (heading, table). The watermark is
    in the page header and footer Word prints on every page, and in the body at top and
    bottom for any other reader."""
    mark = escape(watermark.text())
    body = [f"<h1>{escape(title)}</h1>"]
    body += [f'<p class="facts">{escape(line)}</p>' for line in lines]
    body += [f"<p>{escape(text).replace(chr(10), '<br>')}</p>" for text in paragraphs]
    for heading, rows in sections:
        cells = "".join(
            "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>"
            for row in rows
        )
        body.append(f'<h2>{escape(heading)}</h2><table border="1" cellpadding="4">{cells}</table>')
    return (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:w="urn:schemas-microsoft-com:office:word"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        "<style>@page Section1 {mso-header: h1; mso-footer: f1; margin: 2cm;}"
        " div.Section1 {page: Section1;} p.mark {color: #b3261e; font-size: 8pt;}"
        " p.facts {color: #555555;}</style></head><body>"
        f'<div style="mso-element:header" id="h1"><p class="mark">{mark}</p></div>'
        f'<div style="mso-element:footer" id="f1"><p class="mark">{mark}</p></div>'
        f'<div class="Section1"><p class="mark" data-watermark="top">{mark}</p>'
        + "".join(body)
        + f'<p class="mark" data-watermark="bottom">{mark}</p></div></body></html>'
    )
