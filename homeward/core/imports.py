"""Bulk loads of reference data from CSV or XLSX, all or nothing, every bad row listed
(DESIGN.md rule 8, as the DNA import does).

A CSV file may be UTF-8 (with or without a BOM), UTF-16 or GB18030/GBK as Excel and
WPS save them on Chinese Windows: its encoding is decided the way the DNA import and the
kinship engine decide it (:func:`homeward.kinship.io.detect_encoding`, charset-normalizer
for the legacy codecs). An XLSX file is read from its first sheet.

Each row is saved by the module's own service (the same checks as the page); the first
row is the header, matched against each column's English and Chinese names.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from homeward.core.actors import require_permission
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.form_errors import field_messages
from homeward.core.models import Agency, Division, Township, User
from homeward.core.roles import P_REFERENCE
from homeward.kinship.io import TextEncodingError, detect_encoding, text_rows

MAX_ROWS = 50_000


class TableError(ValueError):
    """The file as a whole cannot be read (missing, wrong encoding, no header)."""


@dataclass(frozen=True)
class Column:
    """A column of an import: its key (the service's argument), the header names
    accepted for it, and whether a value is required."""

    key: str
    names: tuple[str, ...]
    required: bool = True


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_table(path: Path) -> Iterator[list[str]]:
    """Rows of a CSV (any of the encodings above) or XLSX file, header first."""
    if not path.is_file():
        raise TableError(f"no such file: {path}")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise TableError(f"{path}: not a readable XLSX workbook ({exc})") from None
        sheet = workbook.worksheets[0]
        return ([_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True))
    data = path.read_bytes()
    try:
        encoding = detect_encoding(data)
    except TextEncodingError as exc:
        raise TableError(f"{path}: {exc}") from None

    def rows() -> Iterator[list[str]]:
        try:
            for row in text_rows(io.BytesIO(data), encoding):
                yield [cell.strip() for cell in row]
        except TextEncodingError as exc:
            raise TableError(f"{path}: {exc}") from None

    return rows()


def records(
    rows: Iterable[list[str]], columns: Sequence[Column]
) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """``(row number, {key: text})`` for every non-blank row, and the errors of the
    header and of missing required values. Row numbers count the header as row 1."""
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        return [], [RowError(1, "", "the file is empty")]
    lowered = [name.strip().lower().lstrip("\ufeff") for name in header]
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for column in columns:
        found = next((lowered.index(n.lower()) for n in column.names if n.lower() in lowered), None)
        if found is not None:
            positions[column.key] = found
        elif column.required:
            errors.append(
                RowError(1, column.key, "no column " + " or ".join(repr(n) for n in column.names))
            )
    if errors:
        return [], errors
    result: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(iterator, start=2):
        if number > MAX_ROWS + 1:
            errors.append(RowError(number, "", f"more than {MAX_ROWS} rows; split the file"))
            break
        if not any(cell.strip() for cell in row):
            continue
        values = {
            key: (row[index].strip() if index < len(row) else "")
            for key, index in positions.items()
        }
        for column in columns:
            if column.required and not values.get(column.key):
                errors.append(RowError(number, column.key, "empty"))
        result.append((number, values))
    return result, errors


def import_records(
    *,
    actor: User,
    kind: str,
    source: str,
    rows: Sequence[tuple[int, Mapping[str, str]]],
    save: Callable[[Mapping[str, str]], object],
    errors: Sequence[RowError] = (),
) -> tuple[int, list[RowError]]:
    """Save every row with ``save`` in one transaction; if any row (or ``errors``, found
    before) is bad, nothing is kept and every bad row is returned.

    ``save`` raises :class:`ValidationError` (field errors, named by column) or
    :class:`DomainError` for a bad row, or :class:`LookupError` for a value that names
    nothing (an unknown district, user or school).
    """
    require_permission(actor, P_REFERENCE)
    found = list(errors)
    already_bad = {error.row for error in errors}
    saved = 0
    with transaction.atomic():
        for number, values in rows:
            if number in already_bad:
                continue  # its first error is listed; the service would repeat it
            try:
                with transaction.atomic():
                    save(values)
            except ValidationError as error:
                for field, messages in field_messages(error).items():
                    found.extend(RowError(number, field or "", m) for m in messages)
            except DomainError as error:
                found.append(RowError(number, "", error.message))
            except LookupError as error:
                column, _sep, reason = str(error.args[0] if error.args else error).partition(":")
                found.append(RowError(number, column.strip(), reason.strip()))
            else:
                saved += 1
        if found:
            transaction.set_rollback(True)
            return 0, sorted(found, key=lambda e: (e.row, e.column))
        audit_record(
            actor=actor,
            action=AuditAction.REFERENCE_IMPORT,
            object_type=kind,
            detail={"rows": saved, "source": source},
        )
    return saved, []


# --- Looking up what a cell names ----------------------------------------------------------


def division_named(text: str, column: str = "district") -> Division:
    """A district by its GB/T 2260 code or its Chinese name."""
    found = (
        Division.objects.filter(code=text).first() or Division.objects.filter(name_zh=text).first()
    )
    if found is None:
        raise LookupError(f"{column}: no district {text!r} (a code such as 500103 or 渝中区)")
    return found


def agency_named(text: str, column: str) -> Agency:
    """An agency by its code (500103-civil_affairs) or its Chinese name."""
    found = Agency.objects.filter(code=text).first() or Agency.objects.filter(name_zh=text).first()
    if found is None:
        raise LookupError(f"{column}: no agency {text!r}")
    return found


def township_named(text: str, division: Division, column: str = "township") -> Township:
    """A township of ``division`` by its statistical code or its name."""
    found = (
        Township.objects.filter(code=text).first()
        or Township.objects.filter(division=division, name_zh=text).first()
    )
    if found is None:
        raise LookupError(f"{column}: no township {text!r} in {division.name_zh}")
    return found


def user_named(text: str, column: str = "username") -> User:
    found = User.objects.filter(username=text).select_related("agency").first()
    if found is None:
        raise LookupError(f"{column}: no user {text!r}")
    return found


class ImportCommand(BaseCommand):
    """The import commands (``FILE --actor USERNAME``): all or nothing; every bad row
    is printed with its row number and column, and nothing is saved."""

    kind = ""
    columns: Sequence[Column] = ()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV (UTF-8, UTF-16 or GBK) or XLSX")
        parser.add_argument(
            "--actor",
            required=True,
            help="username of the system administrator doing the import (audited)",
        )

    def key_of(self, values: Mapping[str, str]) -> tuple[str, ...]:
        """What makes two rows the same record (a repeat in one file is an error)."""
        raise NotImplementedError

    def save(self, actor: User, values: Mapping[str, str]) -> object:
        raise NotImplementedError

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        try:
            actor = user_named(str(options["actor"]), "--actor")
        except LookupError as error:
            raise CommandError(str(error)) from None
        try:
            rows, errors = records(read_table(path), self.columns)
        except TableError as error:
            raise CommandError(str(error)) from None
        seen: dict[tuple[str, ...], int] = {}
        for number, values in rows:
            key = self.key_of(values)
            if key in seen:
                errors.append(RowError(number, "", f"the same record as row {seen[key]}"))
            else:
                seen[key] = number
        try:
            saved, errors = import_records(
                actor=actor,
                kind=self.kind,
                source=path.name,
                rows=rows,
                save=lambda values: self.save(actor, values),
                errors=errors,
            )
        except DomainError as refusal:
            raise CommandError(f"{actor.username}: {refusal.message}") from None
        if errors:
            for row_error in errors:
                self.stderr.write(str(row_error))
            raise CommandError(f"{len(errors)} error(s); nothing was imported")
        self.stdout.write(self.style.SUCCESS(f"{saved} {self.kind} row(s) imported"))
