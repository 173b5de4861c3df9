"""All file I/O of the engine: CSV files of reports, found persons and predictions, the
bundled model, exported column tables."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from .model import Model
from .records import (
    FOUND_COLUMNS,
    REPORT_COLUMNS,
    FieldError,
    Found,
    Report,
    found_from_fields,
    report_from_fields,
)

R = TypeVar("R", Report, Found)

BUNDLED_MODEL = Path(__file__).with_name("data") / "model.json"
# The same comparisons trained without labels (one-to-one EM from the domain prior on
# the generator's tuning seeds; bench/linkage_fit.py --em), shipped for comparison.
EM_MODEL = BUNDLED_MODEL.with_name("model_em.json")


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based line number in the file (header is line 1)
    column: str
    message: str


class CsvError(ValueError):
    """A file that cannot be used: every problem, not only the first."""

    def __init__(self, path: str, problems: Sequence[RowProblem]) -> None:
        lines = "; ".join(f"line {p.row}, {p.column}: {p.message}" for p in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(f"{path}: {lines}{more}")
        self.path = path
        self.problems = list(problems)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); UTF-16 with a BOM; else GB18030 (Excel in China)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read_table(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    text = _decode(Path(path).read_bytes())
    reader = csv.DictReader(io.StringIO(text))
    return [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]


def _require(path: str, rows: list[dict[str, str]], columns: Sequence[str], key: str) -> None:
    header = set(rows[0]) if rows else set()
    if rows and key not in header:
        raise CsvError(path, [RowProblem(1, key, f"missing column; expected {', '.join(columns)}")])


def read_reports(path: str | os.PathLike[str]) -> list[Report]:
    rows = read_table(path)
    _require(str(path), rows, REPORT_COLUMNS, "report_id")
    return _parse(str(path), rows, report_from_fields, "report_id")


def read_found(path: str | os.PathLike[str]) -> list[Found]:
    rows = read_table(path)
    _require(str(path), rows, FOUND_COLUMNS, "found_id")
    return _parse(str(path), rows, found_from_fields, "found_id")


def _parse(
    path: str, rows: list[dict[str, str]], parse: Callable[[dict[str, str]], R], key: str
) -> list[R]:
    out: list[R] = []
    problems: list[RowProblem] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        try:
            record = parse(row)
        except FieldError as error:
            problems.append(RowProblem(number, error.field, error.message))
            continue
        if record.id in seen:
            problems.append(RowProblem(number, key, f"duplicate id {record.id!r}"))
            continue
        seen.add(record.id)
        out.append(record)
    if problems:
        raise CsvError(path, problems)
    return out


def write_rows(
    path: str | os.PathLike[str], columns: Sequence[str], rows: Iterable[Mapping[str, object]]
) -> None:
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


def read_model(path: str | os.PathLike[str]) -> Model:
    return Model.from_json(Path(path).read_text(encoding="utf-8"))


def write_model(path: str | os.PathLike[str], model: Model) -> None:
    Path(path).write_text(model.to_json() + "\n", encoding="utf-8")


def read_bundled_model() -> Model:
    return read_model(BUNDLED_MODEL)


def read_em_model() -> Model:
    """The model trained without labels (see :data:`EM_MODEL`)."""
    return read_model(EM_MODEL)


def save_columns(path: str | os.PathLike[str], arrays: Mapping[str, np.ndarray]) -> None:
    """An exported column table (``.npz``, no pickles: ids are stored as text)."""
    prepared = {k: (v.astype(str) if v.dtype == object else v) for k, v in arrays.items()}
    np.savez(path, allow_pickle=False, **prepared)


def load_columns(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}
