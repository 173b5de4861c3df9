"""The engine's result types: labels, cues, identifiers and a classification."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LABELS: tuple[str, ...] = (
    "illegal_adoption",
    "surrogacy",
    "bride_trafficking",
    "forced_labour_recruitment",
    "sexual_exploitation",
    "benign",
)
BENIGN = "benign"


@dataclass(frozen=True)
class Cue:
    """One reason for a label, for the reviewer.

    ``text`` is the phrase as it appears in the post (``text == post[start:end]``),
    ``normalised`` its resolved form (``宀宝`` -> ``男宝``, ``加v`` -> ``加微信``), ``label``
    the label it weighs for and ``weight`` its contribution to that label's logit
    (coefficient x tf-idf, summed over the n-grams inside the phrase).
    """

    text: str
    normalised: str
    label: str
    weight: float
    start: int
    end: int


@dataclass(frozen=True)
class Identifier:
    """A contact detail or place found in a post; ``value`` is normalised, ``raw`` as written."""

    kind: str
    value: str
    raw: str
    start: int
    end: int


@dataclass(frozen=True)
class Classification:
    """A post's label, its probability, every label's probability, cues and identifiers."""

    label: str
    score: float
    scores: dict[str, float]
    cues: list[Cue]
    identifiers: list[Identifier]
    flagged: bool
    model_version: str
    threshold: float = field(default=0.5)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI's output line without the id)."""
        return {
            "label": self.label,
            "score": round(self.score, 4),
            "scores": {label: round(p, 4) for label, p in self.scores.items()},
            "flagged": self.flagged,
            "cues": [asdict(cue) | {"weight": round(cue.weight, 4)} for cue in self.cues],
            "identifiers": [asdict(identifier) for identifier in self.identifiers],
            "model_version": self.model_version,
        }
