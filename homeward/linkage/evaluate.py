"""Metrics of a ranking against the truth: recall@k, MRR, false links.

Examples
--------
>>> ranked = {"R1": [("F1", "likely"), ("F2", "")], "R2": [("F9", "possible")],
...           "R3": [("F5", "likely")]}
>>> m = metrics(ranked, truth={"R1": "F1", "R2": "F7"}, reports=["R1", "R2", "R3", "R4"])
>>> m.recall_at_1, m.mrr, m.no_match_with_likely
(0.5, 0.5, 0.5)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Metrics:
    reports: int
    with_match: int
    without_match: int
    recall_at_1: float
    recall_at_10: float
    mrr: float
    # Share of reports without a true match that have a candidate in the "likely" band.
    no_match_with_likely: float
    # Share of reports without a true match that have any candidate at all.
    no_match_with_candidate: float
    # Share of reports with a true match whose top "likely" candidate is someone else.
    wrong_likely_at_1: float
    true_match_likely: float  # share of reports with a match where the match is likely

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def metrics(
    ranked: Mapping[str, Sequence[tuple[str, str]]],
    *,
    truth: Mapping[str, str],
    reports: Sequence[str],
) -> Metrics:
    """``ranked``: report id -> [(found id, band)], best first (absent: no candidate)."""
    with_match = [r for r in reports if r in truth]
    without = [r for r in reports if r not in truth]
    hits1 = hits10 = 0
    reciprocal = 0.0
    wrong_likely = 0
    true_likely = 0
    for report in with_match:
        candidates = list(ranked.get(report, ()))
        ids = [c[0] for c in candidates]
        target = truth[report]
        if target in ids:
            rank = ids.index(target) + 1
            reciprocal += 1.0 / rank
            hits1 += rank == 1
            hits10 += rank <= 10
            if candidates[rank - 1][1] == "likely":
                true_likely += 1
        if candidates and candidates[0][1] == "likely" and candidates[0][0] != target:
            wrong_likely += 1
    no_match_likely = sum(
        1 for r in without if any(band == "likely" for _, band in ranked.get(r, ()))
    )
    no_match_any = sum(1 for r in without if ranked.get(r))
    n_with = max(len(with_match), 1)
    n_without = max(len(without), 1)
    return Metrics(
        reports=len(reports),
        with_match=len(with_match),
        without_match=len(without),
        recall_at_1=hits1 / n_with,
        recall_at_10=hits10 / n_with,
        mrr=reciprocal / n_with,
        no_match_with_likely=no_match_likely / n_without,
        no_match_with_candidate=no_match_any / n_without,
        wrong_likely_at_1=wrong_likely / n_with,
        true_match_likely=true_likely / n_with,
    )
