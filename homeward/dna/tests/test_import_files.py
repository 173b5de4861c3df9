"""Issue 18, files as labs have them, through the import page: a corrupt or renamed
workbook and an undecidable encoding are listed errors (never a 500); a GBK or UTF-16 CSV
from Chinese Excel imports and the page says how it was read; a profile typed at fewer
loci than a decision needs is imported and marked."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from homeward.core.models import User
from homeward.dna.kits import Kit
from homeward.dna.models import ImportBatch, Specimen
from homeward.dna.tests.test_dna_module import _index_dir, _population, _verified, analyst

pytestmark = pytest.mark.django_db

__all__ = ["_index_dir", "analyst"]  # fixtures used by this module's tests


def _rows(loci: int | None = None, sample: str = "S-0001") -> list[list[str]]:
    profile = _population(n=1, unrelated=0).profile("child", 0, sample)  # type: ignore[attr-defined]
    items = list(profile.genotypes.items())[:loci]
    return [
        ["样本编号", "基因座", "allele1", "allele2"],
        *[[sample, locus, a, b] for locus, (a, b) in items],
    ]


def _text(rows: list[list[str]]) -> str:
    return "\r\n".join(",".join(row) for row in rows) + "\r\n"


def _post(client: Client, name: str, data: bytes) -> str:
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    response = client.post(
        "/dna/import/",
        {"file": upload, "kit": Kit.AGCU_EX22, "sample_type": "unknown_child", "lab": "实验室"},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "name, data",
    [
        ("profiles.xlsx", b"PK\x03\x04 this is not a workbook"),
        ("profiles.xlsx", "样本编号,基因座\n".encode("gbk")),  # a CSV renamed .xlsx
        ("profiles.xlsx", "truncated"),
    ],
)
def test_a_corrupt_or_renamed_workbook_is_a_listed_error(
    name: str, data: bytes | str, analyst: User, client_for: Callable[[User], Client]
) -> None:
    if data == "truncated":  # a real workbook cut short (an interrupted copy)
        data = _workbook()[:600]
    assert isinstance(data, bytes)
    html = _post(_verified(analyst, client_for), name, data)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED
    assert "Excel" in batch.errors[0]["reason"] or "工作簿" in batch.errors[0]["reason"]
    assert batch.errors[0]["reason"] in html
    assert not Specimen.objects.exists()


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
def test_a_csv_saved_by_chinese_excel_imports(
    encoding: str, analyst: User, client_for: Callable[[User], Client]
) -> None:
    html = _post(_verified(analyst, client_for), "gbk.csv", _text(_rows()).encode(encoding))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    assert Specimen.objects.filter(specimen_id="S-0001").exists()
    assert ("GB18030" if encoding == "gbk" else "UTF-16") in html


def test_a_file_mixing_two_encodings_is_refused_with_a_reason(
    analyst: User, client_for: Callable[[User], Client]
) -> None:
    data = _text(_rows()).encode("utf-8") + "S-0002,vWA,14,15,甲\r\n".encode("gbk")
    _post(_verified(analyst, client_for), "mixed.csv", data)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED
    assert not Specimen.objects.exists()


def test_a_profile_under_the_decision_minimum_is_imported_and_marked(
    analyst: User, client_for: Callable[[User], Client]
) -> None:
    client = _verified(analyst, client_for)
    html = _post(client, "short.csv", _text(_rows(loci=16)).encode())
    specimen = Specimen.objects.get(specimen_id="S-0001")
    assert specimen.loci_count == 16 and not specimen.decidable
    assert "19" in html  # the page says why: fewer than 19 loci cannot be decided
    listing = client.get("/dna/").content.decode()
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("too few to decide") in listing
    full = _post(client, "full.csv", _text(_rows(sample="S-0002")).encode())
    assert Specimen.objects.get(specimen_id="S-0002").decidable
    del full


def _workbook() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in _rows():
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_still_imports(analyst: User, client_for: Callable[[User], Client]) -> None:
    _post(_verified(analyst, client_for), "ok.xlsx", _workbook())
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
