"""Result records: per-locus rows, combined results and their provenance."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .decisions import Decision, Shape, probability_of_parentage
from .profiles import Genotype, Profile, genotype_label

ENGINE_VERSION = "1.0.0"
"""Version of the kinship engine, recorded in every result."""


def finite_or_none(value: float) -> float | None:
    """``value`` if finite, else None (JSON has no infinities).

    Examples
    --------
    >>> finite_or_none(2.5), finite_or_none(float("-inf"))
    (2.5, None)
    """
    return value if math.isfinite(value) else None


def power_of_ten(log10_value: float) -> float:
    """``10 ** log10_value`` without overflow errors (inf above 1e308, 0 for -inf)."""
    if log10_value == -math.inf:
        return 0.0
    if log10_value > 308.0:
        return math.inf
    return float(10.0**log10_value)


@dataclass(frozen=True)
class Provenance:
    """What a result was computed with.

    Attributes
    ----------
    engine_version : str
    parameters : Mapping[str, object]
        theta, mutation model and rates, frequency policy (floor, renormalisation).
    table_source : str
    table_digest : str
        sha256 of the normalised frequency table.
    loci_used : tuple of str
    loci_skipped : Mapping[str, str]
        Locus -> reason (not typed, excluded from the table, ...).
    index_size : int or None
        Number of reference profiles searched (searches only).
    """

    engine_version: str
    parameters: Mapping[str, object]
    table_source: str
    table_digest: str
    loci_used: tuple[str, ...]
    loci_skipped: Mapping[str, str] = field(default_factory=dict)
    index_size: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-ready)."""
        return {
            "engine_version": self.engine_version,
            "parameters": dict(self.parameters),
            "table_source": self.table_source,
            "table_digest": self.table_digest,
            "loci_used": list(self.loci_used),
            "loci_skipped": dict(self.loci_skipped),
            "index_size": self.index_size,
        }


@dataclass(frozen=True)
class LocusResult:
    """One locus of a comparison.

    Attributes
    ----------
    locus : str
    shape : {"duo", "trio", "couple"}
        Shape actually evaluated at this locus (a couple falls back to a duo where one
        parent is untyped; a trio falls back to a duo where the mother is untyped).
    genotypes : Mapping[str, Genotype or None]
        Role (``child``, ``father``, ``mother``, ``parent``) -> genotype.
    lr : float
    log10_lr : float
        ``-inf`` when ``lr`` is 0.
    inconsistent : bool
    mutation_applied : bool
    exclusion_power : float
        PE of the locus for its shape (trio PE for couples).
    note : str
    flags : tuple of str
        Alleles scored at the frequency floor (off-ladder, rare or unlisted).
    """

    locus: str
    shape: Shape
    genotypes: Mapping[str, Genotype | None]
    lr: float
    log10_lr: float
    inconsistent: bool
    mutation_applied: bool
    exclusion_power: float
    note: str = ""
    flags: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-ready)."""
        return {
            "locus": self.locus,
            "shape": self.shape,
            "genotypes": {role: genotype_label(g) for role, g in self.genotypes.items()},
            "lr": self.lr,
            "log10_lr": finite_or_none(self.log10_lr),
            "inconsistent": self.inconsistent,
            "mutation_applied": self.mutation_applied,
            "exclusion_power": self.exclusion_power,
            "note": self.note,
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class KinshipResult:
    """A combined comparison.

    Attributes
    ----------
    shape : {"duo", "trio", "couple"}
    samples : Mapping[str, str]
        Role -> sample id.
    loci : tuple of LocusResult
    log10_cpi : float
        Sum of per-locus log10 LRs (``-inf`` if any LR is 0).
    inconsistent_loci : int
    loci_compared : int
    cpe : float
        Cumulative exclusion power of the compared loci.
    cpe_meets_rule : bool
        ``cpe >= rules.required_cpe``.
    decision : Decision
    provenance : Provenance
    warnings : tuple of str
    """

    shape: Shape
    samples: Mapping[str, str]
    loci: tuple[LocusResult, ...]
    log10_cpi: float
    inconsistent_loci: int
    loci_compared: int
    cpe: float
    cpe_meets_rule: bool
    decision: Decision
    provenance: Provenance
    warnings: tuple[str, ...] = ()

    @property
    def cpi(self) -> float:
        """Combined index (``inf`` above 1e308)."""
        return power_of_ten(self.log10_cpi)

    @property
    def w(self) -> float:
        """Probability of parentage ``W = CPI / (CPI + 1)`` with prior 1/2."""
        return probability_of_parentage(self.log10_cpi)

    @property
    def rare_alleles(self) -> bool:
        """Whether an allele scored at the frequency floor touches this result."""
        return any(row.flags for row in self.loci)

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-ready)."""
        return {
            "shape": self.shape,
            "samples": dict(self.samples),
            "loci": [row.as_dict() for row in self.loci],
            "cpi": finite_or_none(self.cpi),
            "log10_cpi": finite_or_none(self.log10_cpi),
            "w": self.w,
            "inconsistent_loci": self.inconsistent_loci,
            "loci_compared": self.loci_compared,
            "cpe": self.cpe,
            "cpe_meets_rule": self.cpe_meets_rule,
            "decision": self.decision.value,
            "rare_alleles": self.rare_alleles,
            "warnings": list(self.warnings),
            "provenance": self.provenance.as_dict(),
        }


@dataclass(frozen=True)
class DatabaseJudgement:
    """A hit judged with the size of the searched database.

    Attributes
    ----------
    database_size : int
        ``N``: candidates searched.
    chance_probability : float
        Upper bound of ``P(LR >= this hit's LR | unrelated)``.
    expected_chance_hits : float
        ``N * chance_probability``.
    posterior : float
        ``LR / (LR + N)``: probability of parentage with the database prior.
    support_bar_log10 : float
        log10 LR at which this kind of hit supports parentage.
    single_parent : bool
        The hit names one parent (the database bar applies).
    decision : Decision
        The band at database scale.
    """

    database_size: int
    chance_probability: float
    expected_chance_hits: float
    posterior: float
    support_bar_log10: float
    single_parent: bool
    decision: Decision

    def as_dict(self) -> dict[str, object]:
        """Plain-data form (JSON-ready)."""
        return {
            "database_size": self.database_size,
            "chance_probability": self.chance_probability,
            "expected_chance_hits": self.expected_chance_hits,
            "posterior": self.posterior,
            "support_bar_log10": self.support_bar_log10,
            "single_parent": self.single_parent,
            "decision": self.decision.value,
        }


@dataclass(frozen=True)
class ParentQuery:
    """Query of the parents-to-children direction (at least one parent)."""

    father: Profile | None = None
    mother: Profile | None = None


class Direction(StrEnum):
    """Search direction."""

    CHILD_TO_PARENTS = "child-to-parents"
    """A child of unknown origin against every registered couple and single parent."""
    PARENTS_TO_CHILDREN = "parents-to-children"
    """A parent or a couple against every child of unknown origin."""


@dataclass(frozen=True)
class SearchHit:
    """One ranked candidate.

    Attributes
    ----------
    rank : int
        1-based.
    row : int
        Row in the searched collection.
    reference_id : str
        Family id (child-to-parents) or child sample id (parents-to-children).
    father_id, mother_id : str or None
        Sample ids of the family's parents (child-to-parents only).
    score : float
        Fast float32 combined log10 LR used for ranking.
    result : KinshipResult
        Full comparison recomputed by the reference functions (per-locus table,
        ``log10_cpi``, inconsistent loci, loci compared, casework decision).
    judgement : DatabaseJudgement or None
        The hit judged with the size of the searched database (chance hits, posterior,
        bar, decision); see :mod:`.chance`.
    """

    rank: int
    row: int
    reference_id: str
    father_id: str | None
    mother_id: str | None
    score: float
    result: KinshipResult
    judgement: DatabaseJudgement | None = None

    @property
    def log10_lr(self) -> float:
        """Combined log10 LR (reference, float64)."""
        return self.result.log10_cpi

    @property
    def decision(self) -> Decision:
        """Decision band of the hit at database scale (the casework band without one)."""
        return self.judgement.decision if self.judgement is not None else self.result.decision

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-ready)."""
        return {
            "rank": self.rank,
            "row": self.row,
            "reference_id": self.reference_id,
            "father_id": self.father_id,
            "mother_id": self.mother_id,
            "score": finite_or_none(self.score),
            **{k: v for k, v in self.result.as_dict().items() if k != "provenance"},
            "casework_decision": self.result.decision.value,
            "decision": self.decision.value,
            "database": self.judgement.as_dict() if self.judgement is not None else None,
        }


@dataclass(frozen=True)
class SearchResult:
    """Outcome of a search.

    Attributes
    ----------
    direction : Direction
    query : dict
        Role -> sample id of the query.
    hits : tuple of SearchHit
        Best first.
    scanned : int
        Rows scored (size of the searched collection).
    over_support : int
        Rows whose fast score is at least ``log10(rules.support_cpi)``.
    provenance : Provenance
        Engine version, parameters, table digest, loci used, index size.
    timings : dict
        Seconds spent building lookup tables, scanning, and recomputing hits.
    """

    direction: Direction
    query: dict[str, str]
    hits: tuple[SearchHit, ...]
    scanned: int
    over_support: int
    provenance: Provenance
    timings: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-ready)."""
        return {
            "direction": self.direction.value,
            "query": self.query,
            "scanned": self.scanned,
            "over_support": self.over_support,
            "hits": [hit.as_dict() for hit in self.hits],
            "provenance": self.provenance.as_dict(),
            "timings": self.timings,
        }
