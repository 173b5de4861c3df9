"""The training corpus: hand-written posts (``data/handwritten/*.tsv``) and seeded
templates x slot fillers (:mod:`.templates`), written as JSONL into ``data/``."""

from __future__ import annotations

import json
from pathlib import Path

from .corpus import LabelledPost, write_posts
from .types import LABELS

DEFAULT_SEED = 15


def read_handwritten(directory: Path) -> list[LabelledPost]:
    """TSV lines ``label<TAB>style<TAB>hard_negative(0/1)<TAB>text``."""
    posts: list[LabelledPost] = []
    for path in sorted(directory.glob("*.tsv")):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip() or line.startswith("#"):
                    continue
                parts = line.rstrip("\n").split("\t", 3)
                if len(parts) != 4 or parts[0] not in LABELS or parts[2] not in ("0", "1"):
                    raise ValueError(f"{path}:{number}: expected label, style, 0/1, text")
                label, style, hard, text = parts
                posts.append(
                    LabelledPost(
                        id=f"hw-{path.stem}-{number:04d}",
                        text=text,
                        label=label,
                        style=style,
                        hard_negative=hard == "1",
                        source="handwritten",
                    )
                )
    return posts


def write_generated(out_dir: Path, *, seed: int = DEFAULT_SEED) -> int:
    """Rewrite ``handwritten.jsonl`` and ``templated.jsonl`` in ``out_dir``."""
    count = write_posts(out_dir / "handwritten.jsonl", read_handwritten(out_dir / "handwritten"))
    try:
        from .templates import generate_posts
    except ImportError:  # pragma: no cover - before the templates exist
        return count
    count += write_posts(out_dir / "templated.jsonl", generate_posts(seed=seed))
    return count


def _dump(posts: list[LabelledPost]) -> str:
    return "\n".join(json.dumps(p.as_json(), ensure_ascii=False) for p in posts)
