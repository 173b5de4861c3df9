"""Whole-profile comparisons, decision bands, W, CPE and provenance; simulation."""

from __future__ import annotations

import doctest
import importlib
import math

import numpy as np
import pytest

from homeward.kinship.compare import compare_couple, compare_duo, compare_trio
from homeward.kinship.decisions import (
    Decision,
    DecisionRules,
    cumulative_exclusion_power,
    decide,
    exclusion_power_duo,
    probability_of_parentage,
)
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.likelihood import KinshipParams
from homeward.kinship.mutation import MutationModel
from homeward.kinship.profiles import Profile
from homeward.kinship.results import ENGINE_VERSION
from homeward.kinship.simulate import GOLDENEYE_20A, IDENTIFILER_15, PANELS, simulate_families

RULES = DecisionRules()


@pytest.mark.parametrize(
    ("log10_cpi", "inconsistent", "loci", "shape", "expected"),
    [
        (4.0, 0, 19, "duo", Decision.SUPPORTS),
        (3.9999, 0, 19, "duo", Decision.INCONCLUSIVE),
        (6.0, 2, 19, "trio", Decision.SUPPORTS),
        (6.0, 3, 19, "trio", Decision.INCONCLUSIVE),
        (-4.01, 3, 19, "duo", Decision.EXCLUDES),
        (-4.0, 3, 19, "duo", Decision.INCONCLUSIVE),  # CPI = 0.0001 is not < 0.0001
        (-9.0, 2, 19, "duo", Decision.INCONCLUSIVE),
        (-math.inf, 5, 21, "couple", Decision.EXCLUDES),
        (12.0, 0, 18, "couple", Decision.INSUFFICIENT_LOCI),
        (-12.0, 6, 15, "duo", Decision.INSUFFICIENT_LOCI),
    ],
)
def test_decision_bands(
    log10_cpi: float, inconsistent: int, loci: int, shape: str, expected: Decision
) -> None:
    assert decide(log10_cpi, inconsistent, loci, shape, RULES) is expected  # type: ignore[arg-type]


def test_rules_are_configurable() -> None:
    rules = DecisionRules(min_loci_duo=23, support_cpi=1e6)
    assert decide(5.0, 0, 23, "duo", rules) is Decision.INCONCLUSIVE
    assert decide(7.0, 0, 19, "trio", rules) is Decision.SUPPORTS
    assert decide(7.0, 0, 22, "duo", rules) is Decision.INSUFFICIENT_LOCI
    assert rules.as_dict()["min_loci"] == {"duo": 23, "trio": 19, "couple": 19}


def test_probability_of_parentage() -> None:
    assert probability_of_parentage(4.0) == pytest.approx(10_000 / 10_001)
    assert probability_of_parentage(0.0) == 0.5
    assert probability_of_parentage(-math.inf) == 0.0
    assert probability_of_parentage(400.0) == 1.0


def test_cpe_of_standard_panels_justifies_19_loci(china: FrequencyTable) -> None:
    def duo_cpe(loci: tuple[str, ...]) -> float:
        return cumulative_exclusion_power(
            exclusion_power_duo(china.locus(name).population) for name in loci
        )

    assert duo_cpe(IDENTIFILER_15) < 0.9999 < duo_cpe(GOLDENEYE_20A)


@pytest.fixture(scope="module")
def family(china: FrequencyTable) -> dict[str, Profile]:
    pop = simulate_families(
        china, 1, seed=2024, loci=PANELS[21], unrelated=3, mutation=MutationModel("none")
    )
    return {
        "father": pop.profile("father", 0, "F"),
        "mother": pop.profile("mother", 0, "M"),
        "child": pop.profile("child", 0, "C"),
        "stranger": pop.profile("unrelated", 0, "U"),
        "stranger2": pop.profile("unrelated", 1, "V"),
    }


def test_true_family_supports_and_stranger_excludes(
    china: FrequencyTable, family: dict[str, Profile]
) -> None:
    duo = compare_duo(china, family["father"], family["child"], parent_role="father")
    trio = compare_trio(china, family["mother"], family["father"], family["child"])
    couple = compare_couple(china, family["father"], family["mother"], family["child"])
    for result in (duo, trio, couple):
        assert result.decision is Decision.SUPPORTS
        assert result.inconsistent_loci == 0 and result.loci_compared == 21
        assert result.w == pytest.approx(probability_of_parentage(result.log10_cpi))
        assert result.cpe_meets_rule
    assert couple.log10_cpi == pytest.approx(
        trio.log10_cpi + compare_duo(china, family["mother"], family["child"]).log10_cpi
    )
    stranger = compare_duo(china, family["stranger"], family["child"])
    assert stranger.inconsistent_loci >= 3
    assert stranger.decision is Decision.EXCLUDES
    assert all(row.lr > 0 for row in stranger.loci)  # mutation model: never 0


def test_allele_order_and_duplicates_do_not_matter(
    china: FrequencyTable, family: dict[str, Profile]
) -> None:
    reversed_child = Profile.build(
        "C", {k: [v[1], v[0]] for k, v in family["child"].genotypes.items()}
    )
    first = compare_couple(china, family["father"], family["mother"], family["child"])
    second = compare_couple(china, family["father"], family["mother"], reversed_child)
    assert first.log10_cpi == second.log10_cpi
    model = KinshipParams(mutation=MutationModel("none"))
    swapped = compare_couple(china, family["mother"], family["father"], family["child"], model)
    assert swapped.log10_cpi == pytest.approx(
        compare_couple(china, family["father"], family["mother"], family["child"], model).log10_cpi
    )


def test_provenance_and_skipped_loci(china: FrequencyTable, family: dict[str, Profile]) -> None:
    child = Profile.build("C", {**family["child"].genotypes, "SE33": "20/21"})
    partial = dict(family["father"].genotypes)
    del partial["vWA"]
    result = compare_duo(china, Profile("F", partial), child, KinshipParams(theta=0.01))
    prov = result.provenance.as_dict()
    assert prov["engine_version"] == ENGINE_VERSION
    assert prov["table_digest"] == china.digest
    assert prov["parameters"]["theta"] == 0.01
    assert prov["parameters"]["mutation"] == {
        "model": "simple",
        "mu_paternal": 0.002,
        "mu_maternal": 0.0005,
        "mu_duo": 0.002,
        "step_factor": 0.1,
    }
    assert prov["parameters"]["frequencies"]["floor"] == 0.001
    assert prov["parameters"]["frequencies"]["renormalise"] is True
    assert prov["loci_skipped"]["vWA"] == "parent not typed"
    assert "0.954" in prov["loci_skipped"]["SE33"]
    assert "vWA" not in prov["loci_used"] and len(prov["loci_used"]) == 20
    assert result.decision is Decision.SUPPORTS
    as_dict = result.as_dict()
    assert as_dict["loci"][0]["genotypes"]["child"].count("/") == 1


def test_insufficient_loci(china: FrequencyTable, family: dict[str, Profile]) -> None:
    few = {k: v for k, v in family["child"].genotypes.items() if k in IDENTIFILER_15}
    result = compare_duo(china, family["father"], Profile("C", few))
    assert result.loci_compared == 15
    assert result.decision is Decision.INSUFFICIENT_LOCI
    assert not result.cpe_meets_rule


def test_trio_and_couple_fallbacks(china: FrequencyTable, family: dict[str, Profile]) -> None:
    mother = dict(family["mother"].genotypes)
    del mother["FGA"]
    trio = compare_trio(china, Profile("M", mother), family["father"], family["child"])
    shapes = {row.locus: row.shape for row in trio.loci}
    assert shapes["FGA"] == "duo" and shapes["vWA"] == "trio"
    couple = compare_couple(china, family["father"], Profile("M", mother), family["child"])
    assert {row.locus: row.shape for row in couple.loci}["FGA"] == "duo"
    # A mother inconsistent with the child is reported.
    odd = dict(family["mother"].genotypes)
    odd["TH01"] = ("20", "21")
    warned = compare_trio(china, Profile("M", odd), family["father"], family["child"])
    assert any("TH01" in w for w in warned.warnings)
    strict = compare_trio(
        china,
        Profile("M", odd),
        family["father"],
        family["child"],
        KinshipParams(mutation=MutationModel("none")),
    )
    th01 = next(row for row in strict.loci if row.locus == "TH01")
    assert th01.lr == 1.0 and "not evaluable" in th01.note


def test_no_mutation_model_gives_zero(china: FrequencyTable, family: dict[str, Profile]) -> None:
    result = compare_duo(
        china, family["stranger"], family["child"], KinshipParams(mutation=MutationModel("none"))
    )
    assert result.log10_cpi == -math.inf and result.cpi == 0.0 and result.w == 0.0
    assert result.as_dict()["log10_cpi"] is None
    assert result.decision is Decision.EXCLUDES


# --- simulation -----------------------------------------------------------------------


def test_simulation_is_reproducible_and_mutates(china: FrequencyTable) -> None:
    a = simulate_families(china, 2000, seed=9, loci=GOLDENEYE_20A, unrelated=10)
    b = simulate_families(china, 2000, seed=9, loci=GOLDENEYE_20A, unrelated=10)
    c = simulate_families(china, 2000, seed=10, loci=GOLDENEYE_20A, unrelated=10)
    assert np.array_equal(a.child, b.child) and a.alleles == b.alleles
    assert not np.array_equal(a.child, c.child)
    # 2000 children x 19 loci x (0.002 + 0.0005): about 95 mutations expected.
    assert 50 < a.mutations < 150
    none = simulate_families(china, 500, seed=9, loci=GOLDENEYE_20A, mutation=MutationModel("none"))
    assert none.mutations == 0
    for i in range(20):
        child = none.profile("child", i)
        father = none.profile("father", i)
        mother = none.profile("mother", i)
        assert compare_couple(china, father, mother, child).inconsistent_loci == 0


# --- doctests ---------------------------------------------------------------------------

MODULES = [
    "profiles",
    "frequencies",
    "mutation",
    "likelihood",
    "decisions",
    "results",
    "vectorised",
    "index",
    "io",
    "simulate",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(f"homeward.kinship.{name}")
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_package_doctest() -> None:
    module = importlib.import_module("homeward.kinship")
    failures, tried = doctest.testmod(module)
    assert failures == 0 and tried > 0


def test_the_accuracy_report_finds_true_couples_first_and_is_reproducible() -> None:
    from homeward.kinship.accuracy import accuracy_report
    from homeward.kinship.io import bundled_table_path, load_frequency_table
    from homeward.kinship.simulate import PANELS

    table = load_frequency_table(bundled_table_path("china"))
    panels = {19: PANELS[19], 21: PANELS[21]}
    first = accuracy_report(table, queries=20, decoys=2000, seed=5, panels=panels)
    again = accuracy_report(table, queries=20, decoys=2000, seed=5, panels=panels)
    assert first == again
    assert [row["loci"] for row in first["rows"]] == [19, 21]
    for row in first["rows"]:
        assert row["couple"]["rank1_rate"] == 1.0
        assert 0.0 <= row["single"]["rank1_rate"] <= 1.0
        assert row["couple"]["median_true_log10_lr"] > row["single"]["median_true_log10_lr"]
