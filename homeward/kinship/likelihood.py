"""Per-locus likelihood ratios: the slow, obviously-correct reference.

Everything here enumerates transmissions one by one (FORMULAS.md sections 3 and 4.5).
The vectorised search (:mod:`.vectorised`) is tested against these functions.

Notation: ``T(G -> a)`` is the probability that a parent with genotype ``G`` transmits
allele ``a`` (copies of ``a`` in ``G`` / 2 without mutation). Random alleles are drawn by
Balding-Nichols sequential sampling: after ``n`` typed alleles, ``m`` of them ``a``, the
next allele is ``a`` with probability ``(m theta + (1 - theta) p_a) / (1 + (n - 1) theta)``.
The typed alleles that condition the draws are those of every tested person of the
hypothesis shape (alleged parent; mother and alleged father; both alleged parents).

Shapes, with ``X = P(data | related)`` and ``Y = P(data | unrelated)`` (common factors
cancelled):

* duo (alleged parent P vs child C, other parent untyped):
  ``X = sum_(t,o) T(P -> t) U(o | P)``, ``Y = P(C | P)``;
* trio (known mother M, alleged father AF):
  ``X = sum_(m,f) T(M -> m) T(AF -> f)``, ``Y = sum_(m,f) T(M -> m) U(f | M, AF)``;
* couple (both alleged vs all three unrelated):
  ``X = sum_(m,f) T(M -> m) T(F -> f)``, ``Y = P(C | F, M)``.

``U(a | seen)`` is the probability that an *untested* parent (the duo's other parent, the
trio's random man) transmits ``a``. Without a matrix model it is the draw probability
``P(a | seen)``. Under a matrix model (``stepwise``, ``equal``, ``proportional``) the
untested parent's own alleles are drawn and then pass through that parent's mutation
matrix, ``U(a | seen) = sum_g P(g | seen) M[g, a]``, as in pedprobr, where every
transmission of the pedigree goes through the transmitting parent's matrix whether the
parent is typed or not. The untested parent's matrix is the one of its sex: the mother's
(``maternal_rate``) when the tested parent of a duo is the father or of unknown sex, the
father's (``paternal_rate``) when the tested parent is the mother, and the father's for the
trio's random man. A child is never transmitted to under H2 (it is drawn as a founder), so
``Y`` of the duo and the couple has no mutation term.

Apparent exclusions under the ``simple`` model (see :mod:`.mutation`):

* duo: the parent transmits by mutation, candidates = the child's alleles;
* trio: a mother who shares no allele with the child transmits by mutation (rate
  ``maternal``, candidates = the child's alleles) in both X and Y. If X is still 0, the
  alleged father transmits by mutation the alleles the mother did not supply;
* couple: if no Mendelian explanation exists, the sum over single-mutation
  explanations (father mutated, or mother mutated, each to the alleles the other parent
  did not supply). If there is none, both parents mutated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

from .frequencies import LocusFrequencies
from .mutation import (
    MutationModel,
    Role,
    TransmissionMatrix,
    model_matrix,
    simple_mutation_transmission,
)
from .profiles import Genotype

Transmission = Callable[[str], float]
ParentRole = Literal["father", "mother", "parent"]
"""Sex of the tested parent of a duo (``parent`` when it is not known)."""


@dataclass(frozen=True)
class KinshipParams:
    """Likelihood parameters.

    Attributes
    ----------
    theta : float
        Balding-Nichols coancestry coefficient (0 by default; 0.01-0.03 typical).
    mutation : MutationModel
        Mutation model and rates.
    """

    theta: float = 0.0
    mutation: MutationModel = field(default_factory=MutationModel)

    def __post_init__(self) -> None:
        if not 0.0 <= self.theta < 1.0:
            raise ValueError(f"theta must be in [0, 1), got {self.theta}")

    def as_dict(self) -> dict[str, object]:
        """Plain-data description for provenance records."""
        return {"theta": self.theta, "mutation": self.mutation.as_dict()}


@dataclass(frozen=True)
class LocusLR:
    """Likelihood ratio at one locus.

    Attributes
    ----------
    lr : float
        ``X / Y`` (0 only with the ``none`` mutation model).
    x, y : float
        Numerator and denominator (common factors cancelled).
    inconsistent : bool
        The tested parent(s) cannot have transmitted the child's alleles without a
        mutation (an apparent exclusion).
    mutation_applied : bool
        The ``simple`` model replaced a zero numerator.
    mother_inconsistent : bool
        Trio only: the known mother shares no allele with the child.
    note : str
        Remark (e.g. a locus that cannot be evaluated).
    """

    lr: float
    x: float
    y: float
    inconsistent: bool
    mutation_applied: bool = False
    mother_inconsistent: bool = False
    note: str = ""

    @property
    def log10_lr(self) -> float:
        """``log10(lr)``; ``-inf`` when ``lr`` is 0."""
        return math.log10(self.lr) if self.lr > 0.0 else -math.inf


def orderings(child: Genotype) -> list[tuple[str, str]]:
    """Ordered ways to split the child's genotype into (first, second) alleles.

    Examples
    --------
    >>> orderings(("12", "13")), orderings(("12", "12"))
    ([('12', '13'), ('13', '12')], [('12', '12')])
    """
    a, b = child
    return [(a, b)] if a == b else [(a, b), (b, a)]


def plain_transmission(parent: Genotype, allele: str) -> float:
    """``T(G -> a)`` without mutation: copies of ``a`` in ``G`` / 2.

    Examples
    --------
    >>> plain_transmission(("12", "12"), "12"), plain_transmission(("12", "13"), "13")
    (1.0, 0.5)
    """
    return (int(parent[0] == allele) + int(parent[1] == allele)) / 2.0


def draw_probability(
    allele: str, seen: Sequence[str], freqs: LocusFrequencies, theta: float
) -> float:
    """Balding-Nichols probability that the next allele is ``allele`` given ``seen``.

    Examples
    --------
    >>> from homeward.kinship.frequencies import LocusFrequencies
    >>> lf = LocusFrequencies("L", ["12"], [1.0], renormalise=False, floor=0.0)
    >>> draw_probability("12", ["12", "13"], lf, 0.0)
    1.0
    """
    p = freqs.p(allele)
    if theta == 0.0:
        return p
    n = len(seen)
    m = sum(1 for a in seen if a == allele)
    return (m * theta + (1.0 - theta) * p) / (1.0 + (n - 1) * theta)


def sequence_probability(
    alleles: Sequence[str], seen: Sequence[str], freqs: LocusFrequencies, theta: float
) -> float:
    """Probability of drawing ``alleles`` in this order after ``seen`` (sampling updates)."""
    observed = list(seen)
    probability = 1.0
    for allele in alleles:
        probability *= draw_probability(allele, observed, freqs, theta)
        observed.append(allele)
    return probability


def genotype_probability(
    genotype: Genotype, seen: Sequence[str], freqs: LocusFrequencies, theta: float
) -> float:
    """Probability of an unordered genotype drawn after ``seen`` (2pq or p^2 at theta 0)."""
    return sum(sequence_probability(order, seen, freqs, theta) for order in orderings(genotype))


def _transmission_function(
    parent: Genotype,
    role: Role,
    model: MutationModel,
    freqs: LocusFrequencies,
    case_alleles: Collection[str],
) -> Transmission:
    """``T(parent -> .)`` under a matrix model, or plain for ``none``/``simple``."""
    if model.kind in ("none", "simple"):
        return partial(plain_transmission, parent)
    universe = freqs.universe(case_alleles)
    p = {a: freqs.p(a) for a in universe}
    matrix: TransmissionMatrix = model_matrix(model, role, universe, p)
    return lambda allele: matrix.transmission(parent, allele)


def untyped_parent_role(tested: ParentRole) -> Role:
    """Mutation role of the untested other parent of a duo.

    Examples
    --------
    >>> untyped_parent_role("father"), untyped_parent_role("mother"), untyped_parent_role("parent")
    ('mother', 'father', 'mother')
    """
    return "father" if tested == "mother" else "mother"


def _untyped_transmission(
    role: Role,
    model: MutationModel,
    freqs: LocusFrequencies,
    case_alleles: Collection[str],
    seen: Sequence[str],
    theta: float,
) -> Transmission:
    """``U(. | seen)``: an untested parent's transmission (see the module docstring).

    Plain draws without a matrix model; otherwise ``sum_g P(g | seen) M[g, .]`` over the
    matrix's universe.
    """
    if model.kind in ("none", "simple"):
        return lambda allele: draw_probability(allele, seen, freqs, theta)
    universe = freqs.universe(case_alleles)
    p = {a: freqs.p(a) for a in universe}
    matrix = model_matrix(model, role, universe, p)
    weights = [draw_probability(a, seen, freqs, theta) for a in universe]
    drifted = {
        target: math.fsum(
            w * matrix[source, target] for source, w in zip(universe, weights, strict=True)
        )
        for target in universe
    }
    return lambda allele: drifted[allele]


def _mutated(
    parent: Genotype, candidates: Collection[str], rate: float, model: MutationModel
) -> Transmission:
    frozen = frozenset(candidates)
    return lambda allele: simple_mutation_transmission(
        parent, allele, frozen, rate, model.step_factor
    )


def duo_locus(
    parent: Genotype,
    child: Genotype,
    freqs: LocusFrequencies,
    params: KinshipParams,
    extra_alleles: Collection[str] = (),
    *,
    parent_role: ParentRole = "parent",
) -> LocusLR:
    """Duo LR: alleged parent vs child, the other parent untyped (FORMULAS.md 3.1).

    Parameters
    ----------
    parent, child : Genotype
        Genotypes of the alleged parent and the child.
    freqs : LocusFrequencies
        Frequencies of the locus.
    params : KinshipParams
        theta and mutation model (the duo rate applies whatever the parent's sex).
    extra_alleles : collection of str
        Matrix models only: alleles added to the matrix's universe (the table's alleles
        plus those of the case). A search passes the index's alleles.
    parent_role : {"father", "mother", "parent"}
        Sex of the tested parent. Matrix models only: it chooses the untested other
        parent's matrix (the mother's unless the tested parent is the mother).

    Returns
    -------
    LocusLR

    Examples
    --------
    >>> from homeward.kinship.frequencies import LocusFrequencies
    >>> lf = LocusFrequencies("L", ["12", "13", "14"], [0.15, 0.2, 0.65],
    ...                       renormalise=False, floor=0.0)
    >>> round(duo_locus(("12", "13"), ("12", "13"), lf, KinshipParams()).lr, 9)
    2.916666667
    """
    model, theta = params.mutation, params.theta
    seen = list(parent)
    pairs = orderings(child)
    case = {*parent, *child, *extra_alleles}
    transmit = _transmission_function(parent, "duo", model, freqs, case)
    other = _untyped_transmission(untyped_parent_role(parent_role), model, freqs, case, seen, theta)

    def numerator(t_parent: Transmission) -> float:
        return sum(t_parent(t) * other(o) for t, o in pairs)

    x0 = sum(plain_transmission(parent, t) for t, _ in pairs)
    inconsistent = x0 == 0.0
    mutation_applied = False
    if model.kind == "simple" and inconsistent:
        x = numerator(_mutated(parent, set(child), model.duo_rate, model))
        mutation_applied = True
    else:
        x = numerator(transmit)
    y = genotype_probability(child, seen, freqs, theta)
    return LocusLR(x / y, x, y, inconsistent, mutation_applied)


def trio_locus(
    mother: Genotype,
    alleged_father: Genotype,
    child: Genotype,
    freqs: LocusFrequencies,
    params: KinshipParams,
    extra_alleles: Collection[str] = (),
) -> LocusLR:
    """Trio PI: known mother, alleged father (FORMULAS.md 3.2).

    Examples
    --------
    >>> from homeward.kinship.frequencies import LocusFrequencies
    >>> lf = LocusFrequencies("L", ["12", "13", "14"], [0.15, 0.2, 0.65],
    ...                       renormalise=False, floor=0.0)
    >>> trio_locus(("12", "12"), ("13", "14"), ("12", "13"), lf, KinshipParams()).lr
    2.5
    """
    model, theta = params.mutation, params.theta
    seen = [*mother, *alleged_father]
    pairs = orderings(child)
    case = {*mother, *alleged_father, *child, *extra_alleles}
    mother_inconsistent = not set(mother) & set(child)
    # Mendelian check of the alleged father given what the mother can supply.
    inconsistent = not any(
        (mother_inconsistent or plain_transmission(mother, m) > 0)
        and plain_transmission(alleged_father, f) > 0
        for m, f in pairs
    )
    mutation_applied = False
    note = ""
    if model.kind in ("none", "simple"):
        t_mother: Transmission = partial(plain_transmission, mother)
        if mother_inconsistent and model.kind == "simple":
            t_mother = _mutated(mother, set(child), model.maternal_rate, model)
            mutation_applied = True
        x = sum(t_mother(m) * plain_transmission(alleged_father, f) for m, f in pairs)
        if x == 0.0 and model.kind == "simple":
            needed = {f for m, f in pairs if t_mother(m) > 0.0}
            t_father = _mutated(alleged_father, needed, model.paternal_rate, model)
            x = sum(t_mother(m) * t_father(f) for m, f in pairs)
            mutation_applied = True
    else:
        t_mother = _transmission_function(mother, "mother", model, freqs, case)
        t_father_m = _transmission_function(alleged_father, "father", model, freqs, case)
        x = sum(t_mother(m) * t_father_m(f) for m, f in pairs)
    random_man = _untyped_transmission("father", model, freqs, case, seen, theta)
    y = sum(t_mother(m) * random_man(f) for m, f in pairs)
    if y == 0.0:
        note = "mother inconsistent with the child; locus not evaluable without mutation"
        return LocusLR(1.0, x, y, inconsistent, mutation_applied, mother_inconsistent, note)
    return LocusLR(x / y, x, y, inconsistent, mutation_applied, mother_inconsistent, note)


def couple_locus(
    father: Genotype,
    mother: Genotype,
    child: Genotype,
    freqs: LocusFrequencies,
    params: KinshipParams,
    extra_alleles: Collection[str] = (),
) -> LocusLR:
    """Couple LR: both parents alleged vs all three unrelated (FORMULAS.md 3.3).

    Examples
    --------
    >>> from homeward.kinship.frequencies import LocusFrequencies
    >>> lf = LocusFrequencies("L", ["12", "13"], [0.15, 0.85], renormalise=False, floor=0.0)
    >>> round(couple_locus(("12", "12"), ("12", "12"), ("12", "12"), lf, KinshipParams()).lr, 8)
    44.44444444
    """
    model, theta = params.mutation, params.theta
    seen = [*father, *mother]
    pairs = orderings(child)  # (maternal allele, paternal allele)
    case = {*father, *mother, *child, *extra_alleles}

    def p_mother(m: str) -> float:
        return plain_transmission(mother, m)

    def p_father(f: str) -> float:
        return plain_transmission(father, f)

    x0 = sum(p_mother(m) * p_father(f) for m, f in pairs)
    inconsistent = x0 == 0.0
    mutation_applied = False
    if model.kind in ("none", "simple"):
        x = x0
        if inconsistent and model.kind == "simple":
            mutation_applied = True
            need_f = {f for m, f in pairs if p_mother(m) > 0.0}
            need_m = {m for m, f in pairs if p_father(f) > 0.0}
            mu_f = _mutated(father, need_f, model.paternal_rate, model)
            mu_m = _mutated(mother, need_m, model.maternal_rate, model)
            x = sum(mu_m(m) * p_father(f) + p_mother(m) * mu_f(f) for m, f in pairs)
            if x == 0.0:
                x = sum(
                    _mutated(mother, {m}, model.maternal_rate, model)(m)
                    * _mutated(father, {f}, model.paternal_rate, model)(f)
                    for m, f in pairs
                )
    else:
        t_mother = _transmission_function(mother, "mother", model, freqs, case)
        t_father = _transmission_function(father, "father", model, freqs, case)
        x = sum(t_mother(m) * t_father(f) for m, f in pairs)
    y = genotype_probability(child, seen, freqs, theta)
    return LocusLR(x / y, x, y, inconsistent, mutation_applied)


def pedigree_likelihood_trio(
    father: Genotype,
    mother: Genotype,
    child: Genotype,
    frequencies: Mapping[str, float],
    matrix: TransmissionMatrix | None = None,
) -> float:
    """Full likelihood ``P(F) P(M) sum T(M -> m) T(F -> f)`` (Hardy-Weinberg founders).

    Used to check the published pedigree likelihoods (FORMULAS.md Set E, vectors 3-4).

    Examples
    --------
    >>> round(pedigree_likelihood_trio(("1", "2"), ("1", "2"), ("1", "2"),
    ...                                {"1": 0.2, "2": 0.8}), 10)
    0.0512
    """

    def founder(g: Genotype) -> float:
        pa, pb = frequencies[g[0]], frequencies[g[1]]
        return pa * pa if g[0] == g[1] else 2.0 * pa * pb

    def transmit(g: Genotype, a: str) -> float:
        return matrix.transmission(g, a) if matrix is not None else plain_transmission(g, a)

    x = sum(transmit(mother, m) * transmit(father, f) for m, f in orderings(child))
    return founder(father) * founder(mother) * x


def pedigree_likelihood_duo(
    parent: Genotype,
    child: Genotype,
    frequencies: Mapping[str, float],
    matrix: TransmissionMatrix | None = None,
) -> float:
    """Full likelihood ``P(P) sum T(P -> t) p_o`` of a parent-child pair.

    Examples
    --------
    >>> round(pedigree_likelihood_duo(("1", "2"), ("1", "2"), {"1": 0.2, "2": 0.8}), 10)
    0.16
    """
    pa, pb = frequencies[parent[0]], frequencies[parent[1]]
    founder = pa * pa if parent[0] == parent[1] else 2.0 * pa * pb

    def transmit(a: str) -> float:
        return (
            matrix.transmission(parent, a) if matrix is not None else plain_transmission(parent, a)
        )

    return founder * sum(transmit(t) * frequencies[o] for t, o in orderings(child))
