"""Reading genotype tables as exported by the common kits, with every error listed.

Two layouts are accepted, as CSV or XLSX:

* long: one row per (specimen, locus): ``sample, locus, allele1, allele2``;
* wide: one row per specimen: ``sample`` then one column per locus holding
  ``15,16`` or ``15/16`` (a single allele means a homozygote).

Optional columns in either layout: ``family`` and ``family_role`` (father/mother) for
the parents of a missing child. Nothing is stored here: the caller gets parsed
specimens and a list of errors, and imports only when the list is empty.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from homeward.kinship.profiles import ProfileError, make_genotype, resolve_locus

SAMPLE_COLUMNS = ("sample", "specimen", "specimen_id", "sample name", "sample_name", "样本编号")
LOCUS_COLUMNS = ("locus", "marker", "基因座")
ALLELE_COLUMNS = ("allele1", "allele 1", "allele2", "allele 2", "allele3", "allele 3")
FAMILY_COLUMNS = ("family", "family_role")
MAX_ROWS = 200_000


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ParsedSpecimen:
    specimen_id: str
    first_row: int
    genotypes: dict[str, tuple[str, str]] = field(default_factory=dict)
    amelogenin: tuple[str, str] | None = None
    family: str = ""
    family_role: str = ""


class FileUnreadable(Exception):  # noqa: N818 - a refusal, carried to the import's errors
    """The file cannot be read as a table: a corrupt or renamed workbook, or text whose
    encoding cannot be decided. ``reason`` is for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _rows_from_csv(data: bytes) -> tuple[str, Iterator[list[str]]]:
    """Text in the encoding it was saved in (BOM, UTF-8, else GB18030/GBK or Big5 weighed
    by charset-normalizer; refused when two read it differently): ``kinship.io``."""
    from homeward.kinship.io import TextEncodingError, detect_encoding, text_rows

    try:
        encoding = detect_encoding(data[: 1 << 20], complete=len(data) <= 1 << 20)
    except TextEncodingError:
        raise FileUnreadable(
            _(
                "The encoding of the file cannot be decided (it reads as more than one, or "
                "as none). Save it again as UTF-8 CSV or as XLSX."
            )
        ) from None

    def rows() -> Iterator[list[str]]:
        try:
            yield from text_rows(io.BytesIO(data), encoding)
        except TextEncodingError:
            raise FileUnreadable(
                _(
                    "Part of the file is not in %(encoding)s, the encoding of its start. Save "
                    "the whole file again in one encoding (UTF-8)."
                )
                % {"encoding": encoding.name}
            ) from None

    return encoding.name, rows()


def _rows_from_xlsx(data: bytes) -> tuple[str, Iterator[list[str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError):
        raise FileUnreadable(
            _(
                "The file is not a readable Excel workbook (.xlsx): it is damaged, or another "
                "kind of file renamed. Export it again from the kit software."
            )
        ) from None

    def rows() -> Iterator[list[str]]:
        try:
            for row in sheet.iter_rows(values_only=True):
                yield ["" if cell is None else _cell_text(cell) for cell in row]
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
            raise FileUnreadable(
                _("The Excel workbook is damaged part-way through. Export it again.")
            ) from None

    return "XLSX", rows()


def _cell_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_rows(file_name: str, data: bytes) -> tuple[str, Iterator[list[str]]]:
    """The encoding (or ``XLSX``) and the rows of an uploaded table.

    Raises :class:`FileUnreadable`, here or while the rows are read."""
    if file_name.lower().endswith(".xlsx"):
        return _rows_from_xlsx(data)
    return _rows_from_csv(data)


def _header_index(header: list[str], names: Iterable[str]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def parse_table(
    rows: Iterable[list[str]],
    *,
    locus_map: Mapping[str, str],
    allowed_loci: frozenset[str] | None,
) -> tuple[list[ParsedSpecimen], list[RowError]]:
    """Parse a genotype table. Returns specimens and every error found (row numbers are
    1-based and count the header)."""
    iterator = iter(rows)
    try:
        header = next(iterator)
    except StopIteration:
        return [], [RowError(1, "", _("The file is empty."))]
    sample_col = _header_index(header, SAMPLE_COLUMNS)
    if sample_col is None:
        return [], [RowError(1, "sample", _("No sample column (sample, specimen_id or 样本编号)."))]
    locus_col = _header_index(header, LOCUS_COLUMNS)
    if locus_col is not None:
        return _parse_long(header, iterator, sample_col, locus_col, locus_map, allowed_loci)
    return _parse_wide(header, iterator, sample_col, locus_map, allowed_loci)


def _family_fields(header: list[str], row: list[str]) -> tuple[str, str]:
    family_col = _header_index(header, ("family",))
    role_col = _header_index(header, ("family_role",))
    family = row[family_col].strip() if family_col is not None and family_col < len(row) else ""
    role = row[role_col].strip().lower() if role_col is not None and role_col < len(row) else ""
    return family, role


def _check_locus(
    name: str, row: int, locus_map: Mapping[str, str], allowed: frozenset[str] | None
) -> tuple[str | None, RowError | None]:
    try:
        locus = resolve_locus(name, locus_map)
    except ProfileError:
        return None, RowError(row, "locus", _("Unknown locus %(name)s.") % {"name": name[:40]})
    if allowed is not None and locus not in allowed and locus != "Amelogenin":
        return None, RowError(
            row, "locus", _("Locus %(name)s is not in the selected kit.") % {"name": locus}
        )
    return locus, None


def _add_genotype(
    specimen: ParsedSpecimen, locus: str, alleles: list[str], row: int, column: str
) -> RowError | None:
    alleles = [a.strip() for a in alleles if a and a.strip()]
    if not alleles:
        return None  # not typed
    if len(alleles) > 2:
        return RowError(row, column, _("More than two alleles at %(locus)s.") % {"locus": locus})
    if locus in specimen.genotypes or (locus == "Amelogenin" and specimen.amelogenin):
        return RowError(row, "locus", _("Locus %(locus)s appears twice.") % {"locus": locus})
    try:
        genotype = make_genotype(alleles, locus=locus)
    except ProfileError:
        return RowError(row, column, _("Malformed allele at %(locus)s.") % {"locus": locus})
    if locus == "Amelogenin":
        specimen.amelogenin = genotype
    else:
        specimen.genotypes[locus] = genotype
    return None


def _specimen_for(
    specimens: dict[str, ParsedSpecimen], sample: str, row: int, errors: list[RowError]
) -> ParsedSpecimen | None:
    if not sample:
        errors.append(RowError(row, "sample", _("The sample id is empty.")))
        return None
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{1,40}", sample):
        errors.append(
            RowError(
                row,
                "sample",
                _("A sample id has 1 to 40 letters, digits, dots, hyphens or underscores."),
            )
        )
        return None
    return specimens.setdefault(sample, ParsedSpecimen(sample, row))


def _parse_long(
    header: list[str],
    rows: Iterator[list[str]],
    sample_col: int,
    locus_col: int,
    locus_map: Mapping[str, str],
    allowed: frozenset[str] | None,
) -> tuple[list[ParsedSpecimen], list[RowError]]:
    allele_cols = [
        i
        for i, name in enumerate(header)
        if name.strip().lower().replace(" ", "") in {"allele1", "allele2", "allele3", "allele4"}
    ]
    specimens: dict[str, ParsedSpecimen] = {}
    errors: list[RowError] = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS:
            errors.append(RowError(number, "", _("Too many rows in one file.")))
            break
        if not any(cell.strip() for cell in row):
            continue
        specimen = _specimen_for(
            specimens, row[sample_col].strip() if sample_col < len(row) else "", number, errors
        )
        if specimen is None:
            continue
        family, role = _family_fields(header, row)
        specimen.family = specimen.family or family
        specimen.family_role = specimen.family_role or role
        locus, error = _check_locus(
            row[locus_col] if locus_col < len(row) else "", number, locus_map, allowed
        )
        if error:
            errors.append(error)
            continue
        assert locus is not None  # noqa: S101  (narrowing: _check_locus returns one of the two)
        alleles = [row[i] for i in allele_cols if i < len(row)]
        error = _add_genotype(specimen, locus, alleles, number, "allele")
        if error:
            errors.append(error)
    return list(specimens.values()), errors


def _parse_wide(
    header: list[str],
    rows: Iterator[list[str]],
    sample_col: int,
    locus_map: Mapping[str, str],
    allowed: frozenset[str] | None,
) -> tuple[list[ParsedSpecimen], list[RowError]]:
    errors: list[RowError] = []
    locus_columns: dict[int, str] = {}
    skip = {h for h in SAMPLE_COLUMNS} | set(FAMILY_COLUMNS)
    for index, name in enumerate(header):
        if index == sample_col or name.strip().lower() in skip or not name.strip():
            continue
        locus, error = _check_locus(name, 1, locus_map, allowed)
        if error:
            errors.append(RowError(1, name[:40], error.reason))
        elif locus is not None:
            locus_columns[index] = locus
    specimens: dict[str, ParsedSpecimen] = {}
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        sample = row[sample_col].strip() if sample_col < len(row) else ""
        if sample in seen:
            errors.append(
                RowError(number, "sample", _("Sample %(id)s appears twice.") % {"id": sample})
            )
            continue
        specimen = _specimen_for(specimens, sample, number, errors)
        if specimen is None:
            continue
        seen.add(sample)
        specimen.family, specimen.family_role = _family_fields(header, row)
        for index, locus in locus_columns.items():
            cell = row[index] if index < len(row) else ""
            error = _add_genotype(
                specimen, locus, re.split(r"[,/;\s]+", cell.strip()), number, header[index][:40]
            )
            if error:
                errors.append(error)
    return list(specimens.values()), errors
