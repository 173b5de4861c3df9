"""Every published test vector of FORMULAS.md (Sets A, D and E), theta closed forms (4.5)
and the simple mutation formulas (4.1)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from homeward.kinship.compare import compare_duo, compare_trio
from homeward.kinship.decisions import exclusion_power_duo, exclusion_power_trio
from homeward.kinship.likelihood import (
    KinshipParams,
    couple_locus,
    duo_locus,
    pedigree_likelihood_duo,
    pedigree_likelihood_trio,
    trio_locus,
)
from homeward.kinship.mutation import (
    MutationModel,
    equal_matrix,
    proportional_matrix,
    repeat_steps,
    stepwise_matrix,
)
from homeward.kinship.profiles import Profile

from .conftest import SET_A, g, locus, table_of

NO_MUTATION = KinshipParams(mutation=MutationModel("none"))
SIMPLE = KinshipParams()
MU = 0.002


# --- Set A: generic locus, theta = 0, no mutation ------------------------------------

DUO_VECTORS = [
    ("D1", "12/12", "12/12", 6.666666667),
    ("D2", "12/13", "12/12", 3.333333333),
    ("D3", "12/12", "12/13", 3.333333333),
    ("D4", "12/13", "12/13", 2.916666667),
    ("D5", "12/14", "12/13", 1.666666667),
    ("D6", "12/13", "14/15", 0.0),
]

TRIO_VECTORS = [
    ("T1", "12/12", "12/12", "12/12", 6.666666667),
    ("T2", "12/12", "12/13", "12/12", 3.333333333),
    ("T3", "12/13", "12/12", "12/12", 6.666666667),
    ("T4", "12/13", "12/14", "12/12", 3.333333333),
    ("T5", "12/12", "13/13", "12/13", 5.0),
    ("T6", "12/12", "13/14", "12/13", 2.5),
    ("T7", "12/13", "12/12", "12/13", 2.857142857),
    ("T8", "12/13", "12/13", "12/13", 2.857142857),
    ("T9", "12/13", "13/14", "12/13", 1.428571429),
    ("T10", "12/14", "13/13", "12/13", 5.0),
    ("T11", "12/14", "13/15", "12/13", 2.5),
    ("T12", "12/13", "14/15", "12/13", 0.0),
]

COUPLE_VECTORS = [
    ("B1", "13/14", "12/15", "12/13", 4.166666667),
    ("B2", "12/13", "12/13", "12/13", 8.333333333),
    ("B3", "12/12", "12/12", "12/12", 44.44444444),
    ("B4", "12/14", "13/13", "12/13", 8.333333333),
]


@pytest.mark.parametrize(("vid", "af", "ch", "expected"), DUO_VECTORS)
def test_set_a_duo(vid: str, af: str, ch: str, expected: float) -> None:
    value = duo_locus(g(af), g(ch), locus(SET_A), NO_MUTATION)
    assert value.lr == pytest.approx(expected, abs=1e-9), vid
    assert value.inconsistent == (expected == 0.0)


@pytest.mark.parametrize(("vid", "mo", "af", "ch", "expected"), TRIO_VECTORS)
def test_set_a_trio(vid: str, mo: str, af: str, ch: str, expected: float) -> None:
    value = trio_locus(g(mo), g(af), g(ch), locus(SET_A), NO_MUTATION)
    assert value.lr == pytest.approx(expected, abs=1e-9), vid
    assert value.inconsistent == (expected == 0.0)


@pytest.mark.parametrize(("vid", "fa", "mo", "ch", "expected"), COUPLE_VECTORS)
def test_set_a_couple(vid: str, fa: str, mo: str, ch: str, expected: float) -> None:
    freqs = locus(SET_A)
    value = couple_locus(g(fa), g(mo), g(ch), freqs, NO_MUTATION)
    assert value.lr == pytest.approx(expected, rel=1e-9), vid
    # Brenner's identity: couple LR = trio PI (mother known) x mother-child duo index.
    trio = trio_locus(g(mo), g(fa), g(ch), freqs, NO_MUTATION).lr
    duo = duo_locus(g(mo), g(ch), freqs, NO_MUTATION).lr
    assert value.lr == pytest.approx(trio * duo, rel=1e-12)


def test_set_a_exclusions_are_never_zero_with_the_default_model() -> None:
    assert duo_locus(g("12/13"), g("14/15"), locus(SET_A), SIMPLE).lr > 0.0
    assert trio_locus(g("12/13"), g("14/15"), g("12/13"), locus(SET_A), SIMPLE).lr > 0.0


# --- Set D: NIJ textbook trio and the Chinese textbook 5.22 ---------------------------

NIJ = {
    "D3S1358": {"15": 0.2, "16": 0.2315, "99": 0.5685},
    "vWA": {"17": 0.2627, "18": 0.2219, "20": 0.1, "99": 0.4154},
    "FGA": {"21": 0.1, "23": 0.1581, "25": 0.2, "27": 0.1, "99": 0.4419},
    "D18S51": {"14": 0.1, "18": 0.0918, "20": 0.1, "99": 0.7082},
}
NIJ_CASE = {  # locus: (mother, child, alleged father, published PI)
    "D3S1358": ("16", "16", "15/16", 2.1598),
    "vWA": ("17/18", "17/18", "18/20", 1.0317),
    "FGA": ("25/27", "23/25", "21/23", 3.1625),
    "D18S51": ("14/18", "18", "18/20", 5.4466),
}


def test_set_d_nij_trio() -> None:
    table = table_of(NIJ)
    mother = Profile.build("MO", {k: v[0] for k, v in NIJ_CASE.items()})
    child = Profile.build("CH", {k: v[1] for k, v in NIJ_CASE.items()})
    father = Profile.build("AF", {k: v[2] for k, v in NIJ_CASE.items()})
    result = compare_trio(table, mother, father, child, NO_MUTATION)
    by_locus = {row.locus: row.lr for row in result.loci}
    # The course truncates to 4 decimals (1.031779 -> 1.0317, 3.162555 -> 3.1625).
    for name, (_, _, _, published) in NIJ_CASE.items():
        assert math.floor(by_locus[name] * 1e4) / 1e4 == pytest.approx(published, abs=1e-12)
    # Its CPI 38.3815 is the product of the truncated PIs, truncated; the exact CPI is
    # 38.3858 (0.011% higher).
    truncated = math.prod(math.floor(v * 1e4) / 1e4 for v in by_locus.values())
    assert math.floor(truncated * 1e4) / 1e4 == pytest.approx(38.3815, abs=1e-12)
    assert result.cpi == pytest.approx(38.3815, rel=2e-4)
    assert result.loci_compared == 4
    assert result.inconsistent_loci == 0


def test_set_d_chinese_textbook_fga() -> None:
    freqs = locus({"22": 0.2, "23": 0.2, "24": 0.1, "25": 0.0958, "99": 0.4042}, "FGA")
    value = trio_locus(g("22/23"), g("24/25"), g("23/25"), freqs, NO_MUTATION)
    assert value.lr == pytest.approx(0.5 / 0.0958)
    assert round(value.lr, 2) == 5.22


# --- Set E: forrel / pedprobr / pedmut -------------------------------------------------


def test_set_e1_duo_lrs_and_product_over_markers() -> None:
    # forrel's allele "A" is written "1" here (STR labels are repeat numbers).
    table = table_of({"M1": {"1": 0.05, "2": 0.95}, "M2": {"1": 0.1, "2": 0.9}})
    father = Profile.build("fa", {"M1": "1", "M2": "1"})
    child = Profile.build("ch", {"M1": "1", "M2": "1"})
    result = compare_duo(table, father, child, NO_MUTATION)
    lrs = {row.locus: row.lr for row in result.loci}
    assert lrs["M1"] == pytest.approx(20.0)
    assert lrs["M2"] == pytest.approx(10.0)
    assert result.cpi == pytest.approx(200.0)


def test_set_e2_quick_lr() -> None:
    assert duo_locus(g("1/1"), g("1/1"), locus({"1": 0.1, "2": 0.9}), NO_MUTATION).lr == (
        pytest.approx(10.0)
    )


def test_set_e3_trio_and_duo_likelihoods_and_ratios() -> None:
    p = {"1": 0.2, "2": 0.8}
    trio_likelihood = pedigree_likelihood_trio(g("1/2"), g("1/2"), g("1/2"), p)
    duo_likelihood = pedigree_likelihood_duo(g("1/2"), g("1/2"), p)
    assert trio_likelihood == pytest.approx(2 * 0.2**2 * 0.8**2) == pytest.approx(0.0512)
    assert duo_likelihood == pytest.approx(0.2 * 0.8) == pytest.approx(0.16)
    # As LR ratios: H1 likelihood / H2 likelihood (everybody unrelated).
    het = 2 * 0.2 * 0.8
    freqs = locus(p)
    assert couple_locus(g("1/2"), g("1/2"), g("1/2"), freqs, NO_MUTATION).lr == pytest.approx(
        trio_likelihood / het**3
    )
    assert duo_locus(g("1/2"), g("1/2"), freqs, NO_MUTATION).lr == pytest.approx(
        duo_likelihood / het**2
    )


def test_set_e4_mutation_likelihoods() -> None:
    p, q = 0.9, 0.1
    freqs = {"1": p, "2": q}
    equal = equal_matrix(["1", "2"], 0.1)
    assert equal["1", "2"] == pytest.approx(0.1)
    likelihood = pedigree_likelihood_trio(g("1/1"), g("1/1"), g("2/2"), freqs, equal)
    assert likelihood == pytest.approx(p**4 * equal["1", "2"] ** 2)
    # The engine's couple LR under the same model is that likelihood over P(F)P(M)P(C).
    model = KinshipParams(mutation=MutationModel("equal", paternal_rate=0.1, maternal_rate=0.1))
    lr = couple_locus(g("1/1"), g("1/1"), g("2/2"), locus(freqs), model).lr
    assert lr == pytest.approx(likelihood / (p**2 * p**2 * q**2))

    proportional = proportional_matrix(["1", "2"], [p, q], 0.1)
    alpha = 0.1 / (p * (1 - p) + q * (1 - q))
    assert proportional["1", "2"] == pytest.approx(alpha * q)
    duo = pedigree_likelihood_duo(g("1/1"), g("2/2"), freqs, proportional)
    assert duo == pytest.approx(p**2 * q * proportional["1", "2"])
    model = KinshipParams(mutation=MutationModel("proportional", duo_rate=0.1))
    lr = duo_locus(g("1/1"), g("2/2"), locus(freqs), model).lr
    assert lr == pytest.approx(duo / (p**2 * q**2))


def test_set_e7_stepwise_matrix_exactly() -> None:
    alleles = ("1", "1.5", "2", "3")
    matrix = stepwise_matrix(alleles, 0.6, 0.3, 0.5)
    expected = np.array(
        [
            [0.1, 0.3, 0.4, 0.2],
            [0.1, 0.7, 0.1, 0.1],
            [0.3, 0.3, 0.1, 0.3],
            [0.2, 0.3, 0.4, 0.1],
        ]
    )
    np.testing.assert_allclose(matrix.values, expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(matrix.values.sum(axis=1), 1.0, atol=1e-15)


def test_set_e8_exclusion_power() -> None:
    assert exclusion_power_duo([0.1, 0.9]) == pytest.approx(2 * 0.1**2 * 0.9**2)
    assert exclusion_power_duo([0.1, 0.9]) == pytest.approx(0.0162)


def test_trio_exclusion_power_by_brute_force() -> None:
    p = {"a": 0.5, "b": 0.3, "c": 0.15, "d": 0.05}
    alleles = list(p)
    excluded = 0.0
    for m1 in alleles:
        for m2 in alleles:
            for maternal in (m1, m2):
                for paternal in alleles:
                    weight = p[m1] * p[m2] * 0.5 * p[paternal]
                    child = {maternal, paternal}
                    for r1 in alleles:
                        for r2 in alleles:
                            # the random man is excluded if no (m, f) assignment works
                            ok = any(
                                x in (m1, m2) and y in (r1, r2)
                                for x in child
                                for y in child
                                if {x, y} == child
                            )
                            if not ok:
                                excluded += weight * p[r1] * p[r2]
    assert exclusion_power_trio(list(p.values())) == pytest.approx(excluded, rel=1e-12)


# --- Theta closed forms (4.5) --------------------------------------------------------

THETAS = [0.0, 0.01, 0.02, 0.03, 0.1]
PA, PB = SET_A["12"], SET_A["13"]


@pytest.mark.parametrize("theta", THETAS)
def test_theta_duo_closed_forms(theta: float) -> None:
    freqs, params = locus(SET_A), KinshipParams(theta=theta)
    t = theta
    cases = {
        ("12/14", "12/13"): (1 + 2 * t) / (4 * (t + (1 - t) * PA)),
        ("12/12", "12/12"): (1 + 2 * t) / (3 * t + (1 - t) * PA),
        ("12/13", "12/12"): (1 + 2 * t) / (2 * (2 * t + (1 - t) * PA)),
        ("12/13", "12/13"): (1 + 2 * t)
        * (2 * t + (1 - t) * (PA + PB))
        / (4 * (t + (1 - t) * PA) * (t + (1 - t) * PB)),
    }
    for (af, ch), expected in cases.items():
        assert duo_locus(g(af), g(ch), freqs, params).lr == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("theta", THETAS)
def test_theta_trio_closed_forms(theta: float) -> None:
    freqs, params, t = locus(SET_A), KinshipParams(theta=theta), theta
    pb = SET_A["13"]
    # (mother, alleged father, child): paternal allele 13 unambiguous.
    cases = {
        ("12/12", "13/13", "12/13"): (1 + 3 * t) / (2 * t + (1 - t) * pb),  # n_b = 2
        ("12/12", "13/14", "12/13"): (1 + 3 * t) / (2 * (t + (1 - t) * pb)),  # n_b = 1
        ("12/13", "13/14", "13/13"): 0.5 * (1 + 3 * t) / (2 * t + (1 - t) * pb),  # n_b = 2
        ("12/13", "12/13", "12/13"): (1 + 3 * t) / (4 * t + (1 - t) * (PA + PB)),
    }
    for (mo, af, ch), expected in cases.items():
        assert trio_locus(g(mo), g(af), g(ch), freqs, params).lr == pytest.approx(
            expected, rel=1e-12
        )


# --- Simple mutation model (4.1) -------------------------------------------------------


@pytest.mark.parametrize(
    ("af", "k", "n"),
    [("14/15", 1, 1), ("14/14", 2, 1), ("12/14", 2, 1), ("15/16", 1, 2), ("16/17", 1, 3)],
)
def test_simple_trio_formula(af: str, k: int, n: int) -> None:
    # Mother 12/12, child 12/13: the paternal allele is 13.
    value = trio_locus(g("12/12"), g(af), g("12/13"), locus(SET_A), SIMPLE)
    assert value.inconsistent and value.mutation_applied
    assert value.lr == pytest.approx(k * MU / (4 * PB * 10 ** (n - 1)), rel=1e-12)


def test_simple_trio_uses_the_paternal_rate_and_ignores_the_mother() -> None:
    model = KinshipParams(mutation=MutationModel(paternal_rate=0.003, maternal_rate=0.0001))
    value = trio_locus(g("12/12"), g("14/15"), g("12/13"), locus(SET_A), model)
    assert value.lr == pytest.approx(0.003 / (4 * PB), rel=1e-12)


@pytest.mark.parametrize(
    ("af", "ch", "paths"),
    [
        ("12/13", "14/15", [("14", 1)]),  # 13 -> 14
        ("11/16", "13/14", [("13", 2), ("14", 2)]),  # 11 -> 13 and 16 -> 14
        ("12/14", "13/13", [("13", 1)] * 4),  # homozygous child: both alleles, both paths
        ("10/10", "12/15", [("12", 2), ("12", 2)]),  # a homozygous parent counts twice
    ],
)
def test_simple_duo_formula(af: str, ch: str, paths: list[tuple[str, int]]) -> None:
    value = duo_locus(g(af), g(ch), locus(SET_A), SIMPLE)
    expected = sum(MU / (8 * SET_A[c] * 10 ** (n - 1)) for c, n in paths)
    assert value.inconsistent
    assert value.lr == pytest.approx(expected, rel=1e-12)


def test_simple_duo_uses_the_duo_rate() -> None:
    model = KinshipParams(mutation=MutationModel(duo_rate=0.004, paternal_rate=0.001))
    value = duo_locus(g("12/13"), g("14/15"), locus(SET_A), model)
    assert value.lr == pytest.approx(0.004 / (8 * SET_A["14"]))


def test_simple_couple_single_mutation_in_either_parent() -> None:
    # Father 12/12 and mother 12/14 each share 12 with child 12/13, but together they
    # cannot make 13: father 12->13 (2 paths, mu_f) or mother 12->13 or 14->13 (mu_m).
    value = couple_locus(g("12/12"), g("12/14"), g("12/13"), locus(SET_A), SIMPLE)
    mu_f, mu_m = 0.002, 0.0005
    x = 0.5 * (2 * 0.25 * mu_f) + 1.0 * (2 * 0.25 * mu_m)
    assert value.inconsistent
    assert value.lr == pytest.approx(x / (2 * PA * PB), rel=1e-12)


def test_simple_couple_double_mutation() -> None:
    value = couple_locus(g("10/10"), g("16/16"), g("12/15"), locus(SET_A), SIMPLE)
    # mother 16 -> 15 (1 step, 2 paths) and father 10 -> 12 (2 steps, 2 paths)
    expected = (2 * 0.25 * 0.0005) * (2 * 0.25 * 0.002 * 0.1) / (2 * PA * SET_A["15"])
    assert value.lr == pytest.approx(expected, rel=1e-12)


def test_microvariant_steps() -> None:
    assert repeat_steps("9.3", "10") == 2  # partial repeat: ceil(0.7) + 1
    assert repeat_steps("9.3", "10.3") == 1
    assert repeat_steps("9.3", "9") == 2
    assert repeat_steps("12", "15") == 3
