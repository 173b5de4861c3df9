"""The vectorised kernels agree with the slow reference, genotype by genotype."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.kinship.frequencies import LocusFrequencies
from homeward.kinship.likelihood import KinshipParams, couple_locus, duo_locus, trio_locus
from homeward.kinship.mutation import MUTATION_KINDS, MutationModel
from homeward.kinship.profiles import Genotype, allele_sort_key
from homeward.kinship.vectorised import (
    LocusKernel,
    couple_log10_lr,
    couple_table,
    duo_log10_lr,
    genotype_alleles,
)

# Listed alleles with microvariants, plus two alleles the table does not list (floor).
LISTED = {"7": 0.05, "8": 0.2, "9": 0.1, "9.3": 0.3, "10": 0.2, "11": 0.1, "12.2": 0.05}
CODE_ORDER = ["9.3", "8", "10", "9", "11", "7", "12.2", "14", "6.1"]
FREQS = LocusFrequencies("L", list(LISTED), list(LISTED.values()), renormalise=True, floor=0.001)

PARAMS = [
    KinshipParams(theta=theta, mutation=MutationModel(kind))
    for kind in MUTATION_KINDS
    for theta in (0.0, 0.03)
]


def _kernel(params: KinshipParams) -> LocusKernel:
    return LocusKernel.build("L", CODE_ORDER, [FREQS.p(a) for a in CODE_ORDER], params)


def _genotype(i: int, j: int) -> Genotype:
    a, b = sorted((CODE_ORDER[i], CODE_ORDER[j]), key=allele_sort_key)
    return (a, b)


def _log10(value: float) -> float:
    return math.log10(value) if value > 0 else -math.inf


codes = st.integers(min_value=0, max_value=len(CODE_ORDER) - 1)
pairs = st.tuples(codes, codes)


@pytest.mark.parametrize("params", PARAMS, ids=lambda p: f"{p.mutation.kind}-{p.theta}")
@settings(max_examples=150, deadline=None)
@given(child=pairs, father=pairs, mother=pairs)
def test_couple_kernel_matches_reference(
    params: KinshipParams, child: tuple[int, int], father: tuple[int, int], mother: tuple[int, int]
) -> None:
    kernel = _kernel(params)
    fast, bad = couple_log10_lr(kernel, child, father, mother, params)
    slow = couple_locus(
        _genotype(*father), _genotype(*mother), _genotype(*child), FREQS, params, CODE_ORDER
    )
    assert bool(bad) == slow.inconsistent
    if slow.lr == 0.0:
        assert float(fast) == -math.inf
    else:
        assert float(fast) == pytest.approx(_log10(slow.lr), abs=1e-10)


@pytest.mark.parametrize("tested", ["father", "mother"])
@pytest.mark.parametrize("params", PARAMS, ids=lambda p: f"{p.mutation.kind}-{p.theta}")
@settings(max_examples=150, deadline=None)
@given(child=pairs, parent=pairs)
def test_duo_kernel_matches_reference(
    tested: str, params: KinshipParams, child: tuple[int, int], parent: tuple[int, int]
) -> None:
    """Either sex of tested parent: the untested other parent's matrix is the other sex's."""
    kernel = _kernel(params)
    fast, bad = duo_log10_lr(
        kernel, child, parent, params, "mother" if tested == "father" else "father"
    )
    slow = duo_locus(
        _genotype(*parent),
        _genotype(*child),
        FREQS,
        params,
        CODE_ORDER,
        parent_role="father" if tested == "father" else "mother",
    )
    assert bool(bad) == slow.inconsistent
    if slow.lr == 0.0:
        assert float(fast) == -math.inf
    else:
        assert float(fast) == pytest.approx(_log10(slow.lr), abs=1e-10)


@pytest.mark.parametrize("params", PARAMS, ids=lambda p: f"{p.mutation.kind}-{p.theta}")
@pytest.mark.parametrize("child", [(2, 5), (0, 0), (7, 8), (3, 6)])
def test_full_tables_match_reference(params: KinshipParams, child: tuple[int, int]) -> None:
    """One child against every (father, mother) pair: broadcast grid, block-wise table and
    the reference agree everywhere."""
    kernel = _kernel(params)
    first, second = genotype_alleles(len(CODE_ORDER))
    grid, grid_bad = couple_log10_lr(
        kernel,
        child,
        (first[:, None], second[:, None]),
        (first[None, :], second[None, :]),
        params,
    )
    table, table_bad = couple_table(kernel, child, params)
    assert table.shape == (first.size, first.size)
    np.testing.assert_array_equal(table_bad, grid_bad)
    np.testing.assert_allclose(table, grid, rtol=1e-12, atol=1e-12)
    for f in range(first.size):
        for m in range(0, first.size, 3):
            father, mother = _genotype(first[f], second[f]), _genotype(first[m], second[m])
            slow = couple_locus(father, mother, _genotype(*child), FREQS, params, CODE_ORDER)
            assert table[f, m] == pytest.approx(_log10(slow.lr), abs=1e-10)
            assert table_bad[f, m] == slow.inconsistent


@settings(max_examples=200, deadline=None)
@given(child=pairs, father=pairs, mother=pairs)
def test_couple_is_trio_times_mother_duo_when_consistent(
    child: tuple[int, int], father: tuple[int, int], mother: tuple[int, int]
) -> None:
    params = KinshipParams(mutation=MutationModel("none"))
    f, m, c = _genotype(*father), _genotype(*mother), _genotype(*child)
    couple = couple_locus(f, m, c, FREQS, params)
    mother_duo = duo_locus(m, c, FREQS, params)
    if mother_duo.lr == 0.0:
        return
    trio = trio_locus(m, f, c, FREQS, params)
    assert couple.lr == pytest.approx(trio.lr * mother_duo.lr, rel=1e-12, abs=1e-300)


@settings(max_examples=200, deadline=None)
@given(child=pairs, father=pairs, mother=pairs, theta=st.sampled_from([0.0, 0.02]))
def test_swapping_the_parents_of_a_couple(
    child: tuple[int, int], father: tuple[int, int], mother: tuple[int, int], theta: float
) -> None:
    """With equal paternal and maternal rates, the couple LR is symmetric in the parents."""
    model = MutationModel(paternal_rate=0.002, maternal_rate=0.002)
    params = KinshipParams(theta=theta, mutation=model)
    f, m, c = _genotype(*father), _genotype(*mother), _genotype(*child)
    assert couple_locus(f, m, c, FREQS, params).lr == pytest.approx(
        couple_locus(m, f, c, FREQS, params).lr, rel=1e-12
    )
    default = KinshipParams(theta=theta)
    first, second = couple_locus(f, m, c, FREQS, default), couple_locus(m, f, c, FREQS, default)
    if not first.inconsistent:  # mutation rates differ by sex only on exclusions
        assert first.lr == pytest.approx(second.lr, rel=1e-12)


def test_expected_lr_of_unrelated_is_one() -> None:
    """E[LR | unrelated] = 1 (theta 0, no mutation): sum over child genotypes of P(C) LR."""
    params = KinshipParams(mutation=MutationModel("none"))
    p = dict(zip(LISTED, FREQS.population, strict=True))
    parent = ("9", "9.3")
    total = 0.0
    for a in p:
        for b in p:
            child = tuple(sorted((a, b), key=allele_sort_key))
            total += p[a] * p[b] * duo_locus(parent, (child[0], child[1]), FREQS, params).lr
    assert total == pytest.approx(1.0, rel=1e-12)
