"""Reading posts: an operation's export (JSONL, CSV or XLSX; UTF-8, UTF-16 or GBK) and
the partner API's items, checked field by field. Nothing here writes to the database.

The encoding of a text file is decided as every import of the platform decides it
(:func:`homeward.kinship.io.detect_encoding`); the header of a table is matched against
each column's English and Chinese names (:class:`homeward.core.imports.Column`)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.core.imports import Column, RowError
from homeward.kinship.io import TextEncodingError, detect_encoding, text_rows

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_POSTS = 50_000
MAX_TEXT = 5000

COLUMNS = (
    Column("post_id", ("post_id", "id", "帖子编号", "帖子id", "编号")),
    Column("platform", ("platform", "平台")),
    Column("url", ("url", "链接", "网址"), required=False),
    Column("author", ("author", "author_handle", "作者", "账号", "发布者"), required=False),
    Column("posted_at", ("posted_at", "time", "发布时间", "时间"), required=False),
    Column("text", ("text", "content", "内容", "正文")),
    Column("district", ("district", "区县", "地区"), required=False),
)
COLUMN_LABELS = {
    "post_id": "帖子编号 post_id",
    "platform": "平台 platform",
    "url": "链接 url",
    "author": "作者 author",
    "posted_at": "发布时间 posted_at",
    "text": "内容 text",
    "district": "区县 district",
}
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
)


class FileRefused(ValueError):
    """The file as a whole cannot be read (encoding, format, no header)."""


@dataclass
class PostRow:
    """One post as read from a file or an API item, before it is stored."""

    row: int
    post_id: str
    platform: str
    text: str
    url: str = ""
    author: str = ""
    posted_at: datetime | None = None
    district: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class ReadResult:
    rows: list[PostRow]
    errors: list[RowError]
    encoding: str = ""


def parse_time(text: str) -> datetime | None:
    """A post's time as platforms export it; naive times are Beijing time. Raises
    ValueError when it is not a time."""
    value = text.strip()
    if not value:
        return None
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
        for pattern in _DATE_FORMATS:
            try:
                moment = datetime.strptime(value, pattern)  # noqa: DTZ007 - zone added below
                break
            except ValueError:
                continue
    if moment is None:
        raise ValueError(value)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment


def check_values(row: int, values: Mapping[str, object]) -> PostRow:
    """A post from its values, with every field's problem in ``errors`` (Chinese)."""
    errors: dict[str, list[str]] = {}

    def text_of(key: str) -> str:
        value = values.get(key)
        return "" if value is None else str(value).strip()

    post_id, platform, text = text_of("post_id"), text_of("platform"), text_of("text")
    url, author, district = text_of("url"), text_of("author"), text_of("district")
    if not post_id:
        errors.setdefault("post_id", []).append(_("Give the post's id on the platform."))
    elif len(post_id) > 128:
        errors.setdefault("post_id", []).append(_("A post id has at most 128 characters."))
    if not platform:
        errors.setdefault("platform", []).append(_("Give the platform."))
    if not text:
        errors.setdefault("text", []).append(_("The post's text is empty."))
    elif len(text) > MAX_TEXT:
        errors.setdefault("text", []).append(_("A post has at most 5,000 characters."))
    if url and (len(url) > 500 or not url.lower().startswith(("http://", "https://"))):
        errors.setdefault("url", []).append(
            _("Give the post's address starting with http:// or https://.")
        )
    if len(author) > 200:
        errors.setdefault("author", []).append(_("An author handle has at most 200 characters."))
    posted_at = None
    raw_time = values.get("posted_at")
    if raw_time not in (None, ""):
        if isinstance(raw_time, datetime):
            posted_at = (
                raw_time if timezone.is_aware(raw_time) else raw_time.replace(tzinfo=SHANGHAI)
            )
        else:
            try:
                posted_at = parse_time(str(raw_time))
            except ValueError:
                errors.setdefault("posted_at", []).append(
                    _("Not a time: write it as 2026-11-03 14:20.")
                )
    if posted_at is not None and posted_at > timezone.now() + timedelta(hours=1):
        errors.setdefault("posted_at", []).append(_("The time is in the future."))
    return PostRow(
        row=row,
        post_id=post_id,
        platform=platform,
        text=text,
        url=url,
        author=author,
        posted_at=posted_at,
        district=district,
        errors=errors,
    )


def _row_errors(post: PostRow) -> list[RowError]:
    return [
        RowError(post.row, COLUMN_LABELS.get(key, key), message)
        for key, messages in post.errors.items()
        for message in messages
    ]


def _jsonl_rows(data: bytes) -> tuple[Iterator[tuple[int, dict[str, object] | None]], str]:
    try:
        encoding = detect_encoding(data)
    except TextEncodingError:
        raise FileRefused(
            _("The file's encoding cannot be decided; save it as UTF-8 and upload it again.")
        ) from None
    try:
        text = data.decode(encoding.codec)
    except UnicodeDecodeError:
        raise FileRefused(
            _("The file is not all in one encoding; save it as UTF-8 and upload it again.")
        ) from None

    def rows() -> Iterator[tuple[int, dict[str, object] | None]]:
        for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                yield number, None
                continue
            if not isinstance(item, dict):
                yield number, None
                continue
            aliases = {"id": "post_id", "time": "posted_at", "content": "text"}
            yield number, {aliases.get(str(k), str(k)): v for k, v in item.items()}

    return rows(), encoding.name


def _table_rows(data: bytes, name: str) -> tuple[Iterator[list[str]], str]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
            raise FileRefused(_("The file is not a readable Excel workbook (.xlsx).")) from None
        sheet = workbook.worksheets[0]

        def cells() -> Iterator[list[str]]:
            for row in sheet.iter_rows(values_only=True):
                yield [
                    ""
                    if cell is None
                    else cell.isoformat(sep=" ")
                    if isinstance(cell, datetime)
                    else str(int(cell))
                    if isinstance(cell, float) and cell.is_integer()
                    else str(cell).strip()
                    for cell in row
                ]

        return cells(), "XLSX"
    try:
        encoding = detect_encoding(data)
    except TextEncodingError:
        raise FileRefused(
            _("The file's encoding cannot be decided; save it as UTF-8 and upload it again.")
        ) from None
    return text_rows(io.BytesIO(data), encoding), encoding.name


def read_posts(data: bytes, name: str) -> ReadResult:
    """Every post of an operation's export, and every bad row (row numbers count a
    table's header as row 1, a JSONL file's lines from 1).

    Raises
    ------
    FileRefused
        When the file as a whole cannot be read.
    """
    lowered = name.lower()
    posts: list[PostRow] = []
    errors: list[RowError] = []
    if lowered.endswith((".jsonl", ".json", ".ndjson")):
        items, encoding = _jsonl_rows(data)
        try:
            for number, item in items:
                if item is None:
                    errors.append(RowError(number, "", _("This line is not a JSON object.")))
                    continue
                posts.append(check_values(number, item))
        except UnicodeDecodeError:
            raise FileRefused(_("The file is not all in one encoding.")) from None
    elif lowered.endswith((".csv", ".txt", ".xlsx", ".tsv")):
        rows, encoding = _table_rows(data, name)
        try:
            header = next(rows, None)
            if header is None:
                raise FileRefused(_("The file is empty."))
            lowered_header = [cell.strip().lower().lstrip("\ufeff") for cell in header]
            positions: dict[str, int] = {}
            for column in COLUMNS:
                found = next(
                    (
                        lowered_header.index(n.lower())
                        for n in column.names
                        if n.lower() in lowered_header
                    ),
                    None,
                )
                if found is not None:
                    positions[column.key] = found
                elif column.required:
                    errors.append(
                        RowError(
                            1,
                            COLUMN_LABELS[column.key],
                            _("The header has no column %(names)s.")
                            % {"names": " / ".join(column.names[:4])},
                        )
                    )
            if errors:
                return ReadResult([], errors, encoding)
            for number, row in enumerate(rows, start=2):
                if not any(cell.strip() for cell in row):
                    continue
                values = {
                    key: (row[index] if index < len(row) else "")
                    for key, index in positions.items()
                }
                posts.append(check_values(number, values))
        except TextEncodingError:
            raise FileRefused(
                _("The file is not all in one encoding; save it as UTF-8 and upload it again.")
            ) from None
    else:
        raise FileRefused(_("Upload a .jsonl, .csv or .xlsx file."))
    if not posts and not errors:
        raise FileRefused(_("The file holds no posts."))
    if len(posts) > MAX_POSTS:
        raise FileRefused(
            _("The file holds more than %(max)s posts; split it.") % {"max": f"{MAX_POSTS:,}"}
        )
    seen: dict[tuple[str, str], int] = {}
    for post in posts:
        errors.extend(_row_errors(post))
        key = (post.platform, post.post_id)
        if post.post_id and key in seen:
            errors.append(
                RowError(
                    post.row,
                    COLUMN_LABELS["post_id"],
                    _("The same post as row %(row)s.") % {"row": seen[key]},
                )
            )
        else:
            seen.setdefault(key, post.row)
    return ReadResult(posts, sorted(errors, key=lambda e: (e.row, e.column)), encoding)
