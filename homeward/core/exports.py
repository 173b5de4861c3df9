"""XLSX tables for every module's exports: a watermark row naming who exported the file
and when (also in the page header and footer), bold headers, frozen panes, and cells
that would start a formula stored as text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from homeward.core.context import current_request_context
from homeward.core.models import User

# Spreadsheet programs run a cell that starts like this as a formula.
_FORMULA_START = ("=", "+", "-", "@")


def watermark_text(user: User) -> str:
    """Who exported, their unit, when, and the request (the audit event has the same id)."""
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    text = _(
        "Confidential. Exported by %(name)s (%(username)s, %(agency)s) at %(time)s."
        " For official use only; do not pass on."
    ) % {
        "name": user.full_name,
        "username": user.username,
        "agency": user.agency.display_name,
        "time": stamp,
    }
    request_id = current_request_context().request_id
    if request_id:
        text += " " + _("Request %(id)s.") % {"id": request_id}
    return text


def xlsx_table(
    user: User, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    mark = watermark_text(user)
    sheet.append([mark])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.cell(row=1, column=1).font = Font(bold=True, color="B3261E")
    sheet.oddHeader.center.text = mark
    sheet.oddFooter.center.text = mark
    sheet.append(list(headers))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                cell.data_type = "s"  # text, never a formula
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
