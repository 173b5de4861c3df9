"""Reading and writing labelled posts (JSONL): ``{"id", "text", "label", ...}``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .types import LABELS

DATA_DIR = Path(__file__).resolve().parent / "data"
STYLES = ("wechat_moments", "douyin_comment", "tieba", "classified", "qq_group")


class CorpusError(ValueError):
    """A line of a corpus file is not a valid labelled post (names the file and line)."""


@dataclass(frozen=True)
class LabelledPost:
    id: str
    text: str
    label: str
    style: str = ""
    hard_negative: bool = False
    source: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "text": self.text,
            "label": self.label,
            "style": self.style,
            "hard_negative": self.hard_negative,
            "source": self.source,
        }


def read_posts(path: Path, *, labelled: bool = True) -> Iterator[LabelledPost]:
    """Posts of a JSONL file; every bad line raises :class:`CorpusError` with its number."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise CorpusError(f"{path}:{number}: not JSON ({error.msg})") from error
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise CorpusError(f"{path}:{number}: a line is an object with a 'text' string")
            label = row.get("label", "")
            if labelled and label not in LABELS:
                raise CorpusError(f"{path}:{number}: label {label!r} is not one of {LABELS}")
            yield LabelledPost(
                id=str(row.get("id", f"{path.stem}-{number}")),
                text=row["text"],
                label=str(label),
                style=str(row.get("style", "")),
                hard_negative=bool(row.get("hard_negative", False)),
                source=str(row.get("source", "")),
            )


def write_posts(path: Path, posts: Iterable[LabelledPost]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for post in posts:
            handle.write(json.dumps(post.as_json(), ensure_ascii=False) + "\n")
            count += 1
    return count


def corpus_files(directory: Path = DATA_DIR) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def load_corpus(directory: Path = DATA_DIR) -> list[LabelledPost]:
    posts: list[LabelledPost] = []
    for path in corpus_files(directory):
        posts.extend(read_posts(path))
    return posts


def digest(paths: Iterable[Path]) -> str:
    """sha256 over the files' bytes, in name order (the training data's fingerprint)."""
    hasher = hashlib.sha256()
    for path in sorted(paths):
        hasher.update(path.name.encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()
