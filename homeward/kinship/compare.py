"""Whole-profile comparisons: duo, trio and couple, with decisions and provenance.

Loci enter the combined index when the child, the tested parent(s) and the frequency
table all have them. A couple falls back to a duo at a locus where one parent is untyped;
a trio falls back to a duo where the mother is untyped. Every other locus is listed in
``provenance.loci_skipped`` with the reason (untyped, excluded from the table, ...).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping

from .decisions import (
    DecisionRules,
    Shape,
    cumulative_exclusion_power,
    decide,
    locus_exclusion_power,
)
from .frequencies import FrequencyTable
from .likelihood import KinshipParams, LocusLR, ParentRole, couple_locus, duo_locus, trio_locus
from .profiles import Genotype, Profile
from .results import ENGINE_VERSION, KinshipResult, LocusResult, Provenance


def engine_parameters(table: FrequencyTable, params: KinshipParams) -> dict[str, object]:
    """Parameters recorded in provenance: theta, mutation model, frequency policy."""
    return {**params.as_dict(), "frequencies": table.policy.as_dict()}


def make_provenance(
    table: FrequencyTable,
    params: KinshipParams,
    loci_used: tuple[str, ...],
    loci_skipped: Mapping[str, str],
    index_size: int | None = None,
) -> Provenance:
    """Provenance record of a result."""
    return Provenance(
        engine_version=ENGINE_VERSION,
        parameters=engine_parameters(table, params),
        table_source=table.source,
        table_digest=table.digest,
        loci_used=loci_used,
        loci_skipped=dict(loci_skipped),
        index_size=index_size,
    )


def _candidate_loci(table: FrequencyTable, *profiles: Profile) -> list[str]:
    names: set[str] = set()
    for profile in profiles:
        names.update(profile.genotypes)
    order = {name: i for i, name in enumerate(table.loci)}
    return sorted(names, key=lambda name: (order.get(name, len(order)), name))


def _extras(
    universe: Mapping[str, Collection[str]] | None,
) -> Callable[[str], Collection[str]]:
    def extra(locus: str) -> Collection[str]:
        return universe.get(locus, ()) if universe is not None else ()

    return extra


def _skip_reason(table: FrequencyTable, locus: str) -> str | None:
    if locus in table:
        return None
    if locus in table.excluded:
        return f"excluded from the frequency table: {table.excluded[locus]}"
    return "not in the frequency table"


def _locus_row(
    table: FrequencyTable,
    locus: str,
    shape: Shape,
    genotypes: dict[str, Genotype | None],
    value: LocusLR,
) -> LocusResult:
    power = locus_exclusion_power(table.locus(locus).population, shape)
    return LocusResult(
        locus=locus,
        shape=shape,
        genotypes=genotypes,
        lr=value.lr,
        log10_lr=value.log10_lr,
        inconsistent=value.inconsistent,
        mutation_applied=value.mutation_applied,
        exclusion_power=power,
        note=value.note,
    )


def _combine(
    shape: Shape,
    samples: dict[str, str],
    rows: list[LocusResult],
    skipped: dict[str, str],
    warnings: list[str],
    table: FrequencyTable,
    params: KinshipParams,
    rules: DecisionRules,
) -> KinshipResult:
    log10_cpi = math.fsum(row.log10_lr for row in rows) if rows else 0.0
    if any(row.log10_lr == -math.inf for row in rows):
        log10_cpi = -math.inf
    inconsistent = sum(1 for row in rows if row.inconsistent)
    compared = len(rows)
    cpe = cumulative_exclusion_power(row.exclusion_power for row in rows)
    for locus in table.excluded:
        skipped.setdefault(locus, f"excluded from the frequency table: {table.excluded[locus]}")
    provenance = make_provenance(table, params, tuple(row.locus for row in rows), skipped)
    return KinshipResult(
        shape=shape,
        samples=samples,
        loci=tuple(rows),
        log10_cpi=log10_cpi,
        inconsistent_loci=inconsistent,
        loci_compared=compared,
        cpe=cpe,
        cpe_meets_rule=cpe >= rules.required_cpe,
        decision=decide(log10_cpi, inconsistent, compared, shape, rules),
        provenance=provenance,
        warnings=tuple(warnings),
    )


def compare_duo(
    table: FrequencyTable,
    parent: Profile,
    child: Profile,
    params: KinshipParams | None = None,
    rules: DecisionRules | None = None,
    *,
    parent_role: str = "parent",
    universe: Mapping[str, Collection[str]] | None = None,
) -> KinshipResult:
    """Duo comparison: alleged parent vs child (other parent untyped).

    Parameters
    ----------
    table : FrequencyTable
    parent, child : Profile
    params : KinshipParams, optional
        Defaults: theta 0, ``simple`` mutation model.
    rules : DecisionRules, optional
    parent_role : str
        Label of the parent in the result (``father``, ``mother`` or ``parent``).
    universe : Mapping[str, collection of str], optional
        Matrix mutation models only: extra alleles per locus (a search passes the
        index's alleles so that both paths use the same matrices).

    Returns
    -------
    KinshipResult
    """
    params = params or KinshipParams()
    rules = rules or DecisionRules()
    extra = _extras(universe)
    role: ParentRole = parent_role if parent_role in ("father", "mother") else "parent"  # type: ignore[assignment]
    rows: list[LocusResult] = []
    skipped: dict[str, str] = {}
    for locus in _candidate_loci(table, parent, child):
        g_parent, g_child = parent.genotype(locus), child.genotype(locus)
        reason = _skip_reason(table, locus)
        if reason is None and g_child is None:
            reason = "child not typed"
        if reason is None and g_parent is None:
            reason = f"{parent_role} not typed"
        if reason is not None or g_parent is None or g_child is None:
            skipped[locus] = reason or "not typed"
            continue
        value = duo_locus(
            g_parent, g_child, table.locus(locus), params, extra(locus), parent_role=role
        )
        genotypes: dict[str, Genotype | None] = {"child": g_child, parent_role: g_parent}
        rows.append(_locus_row(table, locus, "duo", genotypes, value))
    samples = {"child": child.sample_id, parent_role: parent.sample_id}
    return _combine("duo", samples, rows, skipped, [], table, params, rules)


def compare_trio(
    table: FrequencyTable,
    mother: Profile,
    alleged_father: Profile,
    child: Profile,
    params: KinshipParams | None = None,
    rules: DecisionRules | None = None,
    *,
    universe: Mapping[str, Collection[str]] | None = None,
) -> KinshipResult:
    """Trio paternity index: known mother, alleged father.

    Where the mother is untyped the locus falls back to the father-child duo.
    """
    params = params or KinshipParams()
    rules = rules or DecisionRules()
    extra = _extras(universe)
    rows: list[LocusResult] = []
    skipped: dict[str, str] = {}
    warnings: list[str] = []
    for locus in _candidate_loci(table, mother, alleged_father, child):
        g_m, g_f, g_c = (p.genotype(locus) for p in (mother, alleged_father, child))
        reason = _skip_reason(table, locus)
        if reason is None and g_c is None:
            reason = "child not typed"
        if reason is None and g_f is None:
            reason = "alleged father not typed"
        if reason is not None or g_f is None or g_c is None:
            skipped[locus] = reason or "not typed"
            continue
        freqs = table.locus(locus)
        genotypes: dict[str, Genotype | None] = {"child": g_c, "mother": g_m, "father": g_f}
        if g_m is None:
            value = duo_locus(g_f, g_c, freqs, params, extra(locus), parent_role="father")
            rows.append(_locus_row(table, locus, "duo", genotypes, value))
            continue
        value = trio_locus(g_m, g_f, g_c, freqs, params, extra(locus))
        if value.mother_inconsistent:
            warnings.append(f"{locus}: the mother shares no allele with the child")
        rows.append(_locus_row(table, locus, "trio", genotypes, value))
    samples = {
        "child": child.sample_id,
        "mother": mother.sample_id,
        "father": alleged_father.sample_id,
    }
    return _combine("trio", samples, rows, skipped, warnings, table, params, rules)


def compare_couple(
    table: FrequencyTable,
    father: Profile,
    mother: Profile,
    child: Profile,
    params: KinshipParams | None = None,
    rules: DecisionRules | None = None,
    *,
    universe: Mapping[str, Collection[str]] | None = None,
) -> KinshipResult:
    """Couple vs child: both parents alleged vs all three unrelated.

    Where one parent is untyped the locus falls back to the other parent's duo.
    """
    params = params or KinshipParams()
    rules = rules or DecisionRules()
    extra = _extras(universe)
    rows: list[LocusResult] = []
    skipped: dict[str, str] = {}
    for locus in _candidate_loci(table, father, mother, child):
        g_f, g_m, g_c = (p.genotype(locus) for p in (father, mother, child))
        reason = _skip_reason(table, locus)
        if reason is None and g_c is None:
            reason = "child not typed"
        if reason is None and g_f is None and g_m is None:
            reason = "neither parent typed"
        if reason is not None or g_c is None:
            skipped[locus] = reason or "not typed"
            continue
        freqs = table.locus(locus)
        genotypes: dict[str, Genotype | None] = {"child": g_c, "father": g_f, "mother": g_m}
        if g_f is not None and g_m is not None:
            value = couple_locus(g_f, g_m, g_c, freqs, params, extra(locus))
            rows.append(_locus_row(table, locus, "couple", genotypes, value))
        else:
            single = g_f or g_m
            if single is None:  # pragma: no cover - excluded above
                continue
            value = duo_locus(
                single,
                g_c,
                freqs,
                params,
                extra(locus),
                parent_role="father" if g_f is not None else "mother",
            )
            rows.append(_locus_row(table, locus, "duo", genotypes, value))
    samples = {"child": child.sample_id, "father": father.sample_id, "mother": mother.sample_id}
    return _combine("couple", samples, rows, skipped, [], table, params, rules)
