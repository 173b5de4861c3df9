"""Uploads of an operation's export: JSONL, CSV and XLSX, in UTF-8, GBK and UTF-16; all or
nothing with every bad row listed; run in the background with progress."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import Workbook

from homeward.core.models import User
from homeward.screening.intake import FileRefused, read_posts
from homeward.screening.models import IntakeBatch, Operation, Post
from homeward.screening.services import intake_request_upload
from homeward.screening.tests.conftest import SELLER_AD, SELLER_REPOST, WARNING

pytestmark = pytest.mark.django_db

ROWS = [
    {
        "post_id": "t1",
        "platform": "微信",
        "url": "https://example.cn/p/1",
        "author": "卖家甲",
        "posted_at": "2026-11-03 14:20",
        "text": SELLER_AD,
        "district": "渝中区",
    },
    {
        "post_id": "t2",
        "platform": "douyin",
        "url": "",
        "author": "卖家乙",
        "posted_at": "2026/11/04 09:00",
        "text": SELLER_REPOST,
        "district": "500103",
    },
    {
        "post_id": "t3",
        "platform": "抖音",
        "url": "",
        "author": "",
        "posted_at": "",
        "text": WARNING,
        "district": "",
    },
]
HEADER_ZH = ["帖子编号", "平台", "链接", "作者", "发布时间", "内容", "区县"]
KEYS = ["post_id", "platform", "url", "author", "posted_at", "text", "district"]


def _csv(rows: list[dict[str, str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER_ZH)
    for row in rows:
        writer.writerow([row[k] for k in KEYS])
    return buffer.getvalue().encode(encoding)


def _xlsx(rows: list[dict[str, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(KEYS)
    for row in rows:
        sheet.append([row[k] for k in KEYS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _jsonl(rows: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode(encoding)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("export.csv", _csv(ROWS, "gbk")),
        ("export.csv", _csv(ROWS, "utf-16")),
        ("export.csv", _csv(ROWS, "utf-8-sig")),
        ("export.jsonl", _jsonl(ROWS)),
        ("export.jsonl", _jsonl(ROWS, "gbk")),
        ("export.jsonl", _jsonl(ROWS, "utf-16")),
        ("export.xlsx", _xlsx(ROWS)),
    ],
)
def test_an_export_is_read_in_every_format_and_encoding(name: str, content: bytes) -> None:
    result = read_posts(content, name)
    assert result.errors == []
    assert [row.text for row in result.rows] == [r["text"] for r in ROWS]
    assert result.rows[0].posted_at is not None and result.rows[0].posted_at.hour == 14


def test_every_bad_row_is_listed_with_its_column() -> None:
    bad = [
        dict(ROWS[0]),
        dict(ROWS[1], text=""),
        dict(ROWS[2], posted_at="昨天下午"),
        dict(ROWS[0], url="ftp://x"),
    ]
    result = read_posts(_csv(bad, "gbk"), "export.csv")
    found = {(e.row, e.column.split()[0]) for e in result.errors}
    assert (3, "内容") in found  # row 2 of data is row 3 of the file
    assert (4, "发布时间") in found
    assert (5, "链接") in found
    assert any(e.row == 5 and "row" not in e.reason for e in result.errors)  # same post as row 2


def test_a_file_with_a_missing_column_or_an_unknown_format_is_refused() -> None:
    result = read_posts("平台,内容\n微信,你好\n".encode(), "export.csv")
    assert result.errors and result.errors[0].row == 1
    with pytest.raises(FileRefused):
        read_posts(b"\x00\x01\x02", "export.pdf")
    with pytest.raises(FileRefused):
        read_posts(b"not a workbook", "export.xlsx")


def test_an_upload_is_imported_in_the_background_and_classified(
    cyberspace: User, operation: Operation
) -> None:
    # given / when (tasks run in-process after commit in the test settings)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = intake_request_upload(
            actor=cyberspace, operation=operation, file_name="export.csv", content=_csv(ROWS, "gbk")
        )
    batch.refresh_from_db()
    # then
    assert batch.status == IntakeBatch.Status.DONE, batch.errors
    assert batch.progress == 100 and batch.created == 3 and batch.content == ""
    assert batch.flagged >= 2
    posts = Post.objects.filter(operation=operation)
    assert posts.count() == 3 and not posts.filter(classified_at__isnull=True).exists()
    assert posts.get(platform_post_id="t2").cluster_head_id == posts.get(platform_post_id="t1").pk


def test_an_upload_with_a_bad_row_imports_nothing_and_lists_it(
    cyberspace: User, operation: Operation
) -> None:
    from django.test import TestCase

    rows = [dict(ROWS[0]), dict(ROWS[1], platform="快手"), dict(ROWS[2], district="火星区")]
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = intake_request_upload(
            actor=cyberspace, operation=operation, file_name="bad.jsonl", content=_jsonl(rows)
        )
    batch.refresh_from_db()
    assert batch.status == IntakeBatch.Status.REJECTED
    assert {(e["row"], e["column"].split()[0]) for e in batch.errors} == {(2, "平台"), (3, "区县")}
    assert not Post.objects.exists()
    assert batch.content == ""


def test_uploading_again_does_not_duplicate_posts(cyberspace: User, operation: Operation) -> None:
    from django.test import TestCase

    for _ in range(2):
        with TestCase.captureOnCommitCallbacks(execute=True):
            batch = intake_request_upload(
                actor=cyberspace, operation=operation, file_name="e.xlsx", content=_xlsx(ROWS)
            )
    batch.refresh_from_db()
    assert batch.status == IntakeBatch.Status.DONE and batch.created == 0
    assert Post.objects.count() == 3
