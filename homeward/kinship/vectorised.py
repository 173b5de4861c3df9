"""Vectorised per-locus likelihood ratios over allele codes (NumPy broadcasting).

These functions compute the same duo and couple LRs as :mod:`.likelihood` for whole
arrays of genotypes at once. The search uses them to build its lookup tables: one query
genotype against every possible reference genotype, or one child against every possible
(father, mother) pair. Alleles are integer codes into a :class:`LocusKernel`. Arguments
are broadcast together, so ``father`` of shape ``(G, 1)`` and ``mother`` of shape
``(1, G)`` give a ``(G, G)`` table. Agreement with the reference is tested on random data.

The algebra follows the reference exactly (see :mod:`.likelihood` for the hypotheses and
the ``simple`` mutation rules). The child's alleles are ``a`` and ``b`` (``a == b`` for a
homozygote). ``het`` masks the second ordering, which exists only for heterozygotes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .likelihood import KinshipParams
from .mutation import Role, model_matrix, repeat_steps
from .profiles import allele_sort_key

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

_NO_STEP = 10_000
"""Step count standing for "no mutation path" (its weight underflows to 0)."""


@dataclass(frozen=True)
class LocusKernel:
    """Per-locus constants indexed by allele code.

    Attributes
    ----------
    locus : str
    alleles : tuple of str
        Label of each allele code.
    p : ndarray, shape (n_alleles,), float64
        Frequencies as used in likelihoods (floored).
    steps : ndarray, shape (n_alleles, n_alleles), int32
        ``simple`` model repeat steps between codes.
    matrices : Mapping[str, ndarray]
        Matrix models only: role -> ``(n_alleles, n_alleles)`` float64 mutation matrix
        in code order.
    drift : Mapping[str, ndarray]
        Matrix models only: role -> ``p @ M``, shape ``(n_alleles,)``: the probability
        that an untested parent of that role transmits each allele (theta 0).
    """

    locus: str
    alleles: tuple[str, ...]
    p: FloatArray
    steps: npt.NDArray[np.int32]
    matrices: Mapping[str, FloatArray]
    drift: Mapping[str, FloatArray]

    @classmethod
    def build(
        cls, locus: str, alleles: Sequence[str], p: Sequence[float], params: KinshipParams
    ) -> LocusKernel:
        """Kernel for ``alleles`` (code order) with frequencies ``p``.

        Matrix models are defined over exactly these alleles (the reference gets the same
        universe through its ``extra_alleles`` argument).
        """
        labels = tuple(alleles)
        n = len(labels)
        steps = np.zeros((n, n), dtype=np.int32)
        for i, x in enumerate(labels):
            for j, y in enumerate(labels):
                steps[i, j] = repeat_steps(x, y)
        matrices: dict[str, FloatArray] = {}
        drift: dict[str, FloatArray] = {}
        frequencies = np.asarray(p, dtype=np.float64)
        model = params.mutation
        if model.kind in ("stepwise", "equal", "proportional"):
            universe = tuple(sorted(labels, key=allele_sort_key))
            position = np.array([universe.index(a) for a in labels], dtype=np.intp)
            freqs = dict(zip(labels, p, strict=True))
            roles: tuple[Role, ...] = ("father", "mother", "duo")
            for role in roles:
                matrix = model_matrix(model, role, universe, freqs).values
                matrices[role] = matrix[np.ix_(position, position)]
                drift[role] = frequencies @ matrices[role]
        return cls(locus, labels, frequencies, steps, matrices, drift)


def _plain(parent1: IntArray, parent2: IntArray, allele: IntArray) -> FloatArray:
    """``T(G -> a)`` without mutation."""
    result: FloatArray = ((parent1 == allele).astype(np.float64) + (parent2 == allele)) * 0.5
    return result


def _count(parent1: IntArray, parent2: IntArray, allele: IntArray) -> FloatArray:
    result: FloatArray = (parent1 == allele).astype(np.float64) + (parent2 == allele)
    return result


def _min_positive(*steps: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    result = np.full(np.broadcast_shapes(*(s.shape for s in steps)), _NO_STEP, dtype=np.int32)
    for s in steps:
        result = np.minimum(result, np.where(s > 0, s, _NO_STEP))
    return result


def _weight(nstar: npt.NDArray[np.int32], rate: float, factor: float) -> FloatArray:
    """Per-path probability ``1/2 * rate * 1/2 * factor**(n* - 1)`` (0 without a path)."""
    exponent = np.where(nstar >= _NO_STEP, 0, nstar - 1)
    return np.where(nstar >= _NO_STEP, 0.0, 0.25 * rate * np.power(factor, exponent, dtype=float))


@dataclass(frozen=True)
class _Mutated:
    """``simple``-model mutational transmissions of one parent towards ``a`` and ``b``.

    ``ab_a`` = ``T(G -> a | candidates {a, b})``, ``a_a`` = ``T(G -> a | {a})``, etc.
    """

    ab_a: FloatArray
    ab_b: FloatArray
    a_a: FloatArray
    b_b: FloatArray


def _mutated(
    kernel: LocusKernel,
    parent1: IntArray,
    parent2: IntArray,
    a: IntArray,
    b: IntArray,
    rate: float,
    factor: float,
) -> _Mutated:
    s1a, s2a = kernel.steps[parent1, a], kernel.steps[parent2, a]
    s1b, s2b = kernel.steps[parent1, b], kernel.steps[parent2, b]
    n_ab = _min_positive(s1a, s2a, s1b, s2b)
    n_a = _min_positive(s1a, s2a)
    n_b = _min_positive(s1b, s2b)
    w_ab, w_a, w_b = (_weight(n, rate, factor) for n in (n_ab, n_a, n_b))
    return _Mutated(
        ab_a=w_ab * ((s1a == n_ab).astype(np.float64) + (s2a == n_ab)),
        ab_b=w_ab * ((s1b == n_ab).astype(np.float64) + (s2b == n_ab)),
        a_a=w_a * ((s1a == n_a).astype(np.float64) + (s2a == n_a)),
        b_b=w_b * ((s1b == n_b).astype(np.float64) + (s2b == n_b)),
    )


def _matrix_transmission(
    matrix: FloatArray, parent1: IntArray, parent2: IntArray, allele: IntArray
) -> FloatArray:
    return 0.5 * (matrix[parent1, allele] + matrix[parent2, allele])


def _child_probability(
    kernel: LocusKernel,
    a: IntArray,
    b: IntArray,
    count_a: FloatArray,
    count_b: FloatArray,
    n_seen: int,
    theta: float,
) -> FloatArray:
    """Balding-Nichols probability of the child's genotype after ``n_seen`` typed alleles."""
    het = a != b
    pa, pb = kernel.p[a], kernel.p[b]
    first = (count_a * theta + (1.0 - theta) * pa) / (1.0 + (n_seen - 1) * theta)
    second_count = count_b + np.where(het, 0.0, 1.0)
    second = (second_count * theta + (1.0 - theta) * pb) / (1.0 + n_seen * theta)
    return np.asarray(first * second * np.where(het, 2.0, 1.0), dtype=np.float64)


def _log10_ratio(x: FloatArray, y: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        return np.asarray(np.log10(x) - np.log10(y), dtype=np.float64)


def duo_log10_lr(
    kernel: LocusKernel,
    child: tuple[npt.ArrayLike, npt.ArrayLike],
    parent: tuple[npt.ArrayLike, npt.ArrayLike],
    params: KinshipParams,
    other: Role = "mother",
) -> tuple[FloatArray, BoolArray]:
    """Duo log10 LRs for broadcast arrays of child and parent allele codes.

    Parameters
    ----------
    kernel : LocusKernel
    child : (array_like of int, array_like of int)
        Child allele codes ``(a, b)``.
    parent : (array_like of int, array_like of int)
        Alleged parent allele codes.
    params : KinshipParams
    other : {"mother", "father"}
        Matrix models only: whose matrix the untested other parent transmits through
        (``mother`` when the tested parent is the father or of unknown sex).

    Returns
    -------
    log10_lr : ndarray, float64
        Broadcast shape of the inputs; ``-inf`` for LR 0 (``none`` model).
    inconsistent : ndarray, bool
        Same shape.

    Examples
    --------
    >>> k = LocusKernel.build("L", ["12", "13"], [0.15, 0.85], KinshipParams())
    >>> lr, bad = duo_log10_lr(k, (0, 0), (0, 0), KinshipParams())
    >>> round(float(10 ** lr), 6), bool(bad)
    (6.666667, False)
    """
    a, b = (np.asarray(c, dtype=np.intp) for c in child)
    p1, p2 = (np.asarray(c, dtype=np.intp) for c in parent)
    model, theta = params.mutation, params.theta
    het = (a != b).astype(np.float64)
    t_a, t_b = _plain(p1, p2, a), _plain(p1, p2, b)
    count_a, count_b = 2.0 * t_a, 2.0 * t_b
    q_a = (count_a * theta + (1.0 - theta) * kernel.p[a]) / (1.0 + theta)
    q_b = (count_b * theta + (1.0 - theta) * kernel.p[b]) / (1.0 + theta)
    x0 = t_a * q_b + het * t_b * q_a
    inconsistent = x0 == 0.0
    if model.kind == "simple":
        mut = _mutated(kernel, p1, p2, a, b, model.duo_rate, model.step_factor)
        x = np.where(inconsistent, mut.ab_a * q_b + het * mut.ab_b * q_a, x0)
    elif model.kind == "none":
        x = x0
    else:
        matrix = kernel.matrices["duo"]
        s_a = _matrix_transmission(matrix, p1, p2, a)
        s_b = _matrix_transmission(matrix, p1, p2, b)
        # The untested parent's alleles, drawn given the tested parent's, go through its
        # own matrix: sum_g P(g | P) M[g, .].
        untyped, drift = kernel.matrices[other], kernel.drift[other]
        u_a = ((1.0 - theta) * drift[a] + theta * (untyped[p1, a] + untyped[p2, a])) / (1.0 + theta)
        u_b = ((1.0 - theta) * drift[b] + theta * (untyped[p1, b] + untyped[p2, b])) / (1.0 + theta)
        x = s_a * u_b + het * s_b * u_a
    y = _child_probability(kernel, a, b, count_a, count_b, 2, theta)
    log_lr = _log10_ratio(np.asarray(x, dtype=np.float64), y)
    return np.broadcast_to(log_lr, inconsistent.shape).copy(), np.asarray(inconsistent)


def couple_log10_lr(
    kernel: LocusKernel,
    child: tuple[npt.ArrayLike, npt.ArrayLike],
    father: tuple[npt.ArrayLike, npt.ArrayLike],
    mother: tuple[npt.ArrayLike, npt.ArrayLike],
    params: KinshipParams,
) -> tuple[FloatArray, BoolArray]:
    """Couple-vs-child log10 LRs for broadcast arrays of allele codes.

    Parameters
    ----------
    kernel : LocusKernel
    child, father, mother : (array_like of int, array_like of int)
        Allele codes; all six arrays are broadcast together.
    params : KinshipParams

    Returns
    -------
    log10_lr : ndarray, float64
    inconsistent : ndarray, bool
        No Mendelian explanation without mutation.

    Examples
    --------
    >>> k = LocusKernel.build("L", ["12", "13"], [0.15, 0.85], KinshipParams())
    >>> lr, _ = couple_log10_lr(k, (0, 0), (0, 0), (0, 0), KinshipParams())
    >>> round(float(10 ** lr), 6)  # 1 / p12**2
    44.444444
    """
    a, b = (np.asarray(c, dtype=np.intp) for c in child)
    f1, f2 = (np.asarray(c, dtype=np.intp) for c in father)
    m1, m2 = (np.asarray(c, dtype=np.intp) for c in mother)
    model, theta = params.mutation, params.theta
    het = (a != b).astype(np.float64)
    tf_a, tf_b = _plain(f1, f2, a), _plain(f1, f2, b)
    tm_a, tm_b = _plain(m1, m2, a), _plain(m1, m2, b)
    # Orderings (maternal, paternal): (a, b) and, for heterozygotes, (b, a).
    x0 = tm_a * tf_b + het * tm_b * tf_a
    inconsistent = x0 == 0.0
    if model.kind == "simple":
        mf = _mutated(kernel, f1, f2, a, b, model.paternal_rate, model.step_factor)
        mm = _mutated(kernel, m1, m2, a, b, model.maternal_rate, model.step_factor)
        father_mutated = tm_a * np.where(tm_b > 0.0, mf.ab_b, mf.b_b) + het * tm_b * np.where(
            tm_a > 0.0, mf.ab_a, mf.a_a
        )
        mother_mutated = tf_b * np.where(tf_a > 0.0, mm.ab_a, mm.a_a) + het * tf_a * np.where(
            tf_b > 0.0, mm.ab_b, mm.b_b
        )
        x1 = father_mutated + mother_mutated
        x2 = mm.a_a * mf.b_b + het * mm.b_b * mf.a_a
        x = np.where(x0 > 0.0, x0, np.where(x1 > 0.0, x1, x2))
    elif model.kind == "none":
        x = x0
    else:
        fm, mm_ = kernel.matrices["father"], kernel.matrices["mother"]
        sf_a, sf_b = _matrix_transmission(fm, f1, f2, a), _matrix_transmission(fm, f1, f2, b)
        sm_a, sm_b = _matrix_transmission(mm_, m1, m2, a), _matrix_transmission(mm_, m1, m2, b)
        x = sm_a * sf_b + het * sm_b * sf_a
    if theta == 0.0:  # Y = P(C) does not depend on the parents
        count_a = count_b = np.zeros((), dtype=np.float64)
    else:
        count_a = _count(f1, f2, a) + _count(m1, m2, a)
        count_b = _count(f1, f2, b) + _count(m1, m2, b)
    y = _child_probability(kernel, a, b, count_a, count_b, 4, theta)
    log_lr = _log10_ratio(np.asarray(x, dtype=np.float64), y)
    return np.broadcast_to(log_lr, inconsistent.shape).copy(), np.asarray(inconsistent)


def genotype_alleles(n_alleles: int) -> tuple[IntArray, IntArray]:
    """Allele codes ``(i, j)``, ``i <= j``, of every genotype in triangular order.

    Genotype ``k`` (0-based) is ``j (j + 1) / 2 + i``; the index stores ``k + 1``.

    Examples
    --------
    >>> genotype_alleles(2)
    (array([0, 0, 1]), array([0, 1, 1]))
    """
    high = np.repeat(np.arange(n_alleles, dtype=np.intp), np.arange(1, n_alleles + 1))
    low = np.arange(n_alleles * (n_alleles + 1) // 2, dtype=np.intp) - high * (high + 1) // 2
    return low, high


def couple_table(
    kernel: LocusKernel, child: tuple[int, int], params: KinshipParams
) -> tuple[FloatArray, BoolArray]:
    """One child genotype against every (father, mother) genotype pair of the locus.

    Same values as :func:`couple_log10_lr` on the full grid, computed by blocks: pairs
    where a parent carries a child allele go through the general formula. In the large
    block where neither does, every path is a double mutation (or a matrix
    transmission), and that block is a sum of outer products.

    Parameters
    ----------
    kernel : LocusKernel
    child : (int, int)
        Child allele codes.
    params : KinshipParams

    Returns
    -------
    log10_lr : ndarray, shape (G, G), float64
        Row = father genotype, column = mother genotype (triangular order).
    inconsistent : ndarray, shape (G, G), bool
    """
    first, second = genotype_alleles(len(kernel.alleles))
    a, b = child
    touches = (first == a) | (second == a) | (first == b) | (second == b)
    some, none = np.flatnonzero(touches), np.flatnonzero(~touches)
    size = first.size
    values = np.empty((size, size), dtype=np.float64)
    bad = np.ones((size, size), dtype=np.bool_)
    every = (first[None, :], second[None, :])
    values[some], bad[some] = couple_log10_lr(
        kernel, child, (first[some, None], second[some, None]), every, params
    )
    if none.size:
        strip, strip_bad = couple_log10_lr(
            kernel,
            child,
            (first[none, None], second[none, None]),
            (first[None, some], second[None, some]),
            params,
        )
        values[np.ix_(none, some)], bad[np.ix_(none, some)] = strip, strip_bad
        values[np.ix_(none, none)] = _bulk(kernel, child, first[none], second[none], params)
    return values, bad


def _bulk(
    kernel: LocusKernel,
    child: tuple[int, int],
    first: IntArray,
    second: IntArray,
    params: KinshipParams,
) -> FloatArray:
    """log10 LR where neither parent carries a child allele (rows father, columns mother)."""
    a, b = np.asarray(child[0], dtype=np.intp), np.asarray(child[1], dtype=np.intp)
    het = 1.0 if child[0] != child[1] else 0.0
    model = params.mutation
    if model.kind == "none":
        return np.full((first.size, first.size), -np.inf)
    if model.kind == "simple":
        mf = _mutated(kernel, first, second, a, b, model.paternal_rate, model.step_factor)
        mm = _mutated(kernel, first, second, a, b, model.maternal_rate, model.step_factor)
        x = np.multiply.outer(mf.b_b, mm.a_a) + het * np.multiply.outer(mf.a_a, mm.b_b)
    else:
        fm, mm_ = kernel.matrices["father"], kernel.matrices["mother"]
        sf_a, sf_b = (
            _matrix_transmission(fm, first, second, a),
            _matrix_transmission(fm, first, second, b),
        )
        sm_a, sm_b = (
            _matrix_transmission(mm_, first, second, a),
            _matrix_transmission(mm_, first, second, b),
        )
        x = np.multiply.outer(sf_b, sm_a) + het * np.multiply.outer(sf_a, sm_b)
    zero = np.zeros((), dtype=np.float64)
    y = _child_probability(kernel, a, b, zero, zero, 4, params.theta)
    return _log10_ratio(np.asarray(x, dtype=np.float64), y)
