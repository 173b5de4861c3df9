"""Mutation models for apparent exclusions (FORMULAS.md sections 4.1 and 4.2).

``simple`` (default) - the stepwise rule of Chinese GB/T 37223-based practice. It is used
only at a locus where the genotypes are inconsistent with inheritance. A parent allele
``g`` becomes child allele ``c`` with probability ``mu * 1/2 * factor**(n - 1)``, where
``n`` is the number of repeat steps (``factor`` = 0.1: each extra step is 10x rarer).
Only the minimum non-zero step between the parent's alleles and the child alleles the
parent must have supplied is used. This gives, for a trio, ``k mu / (4 p_c 10**(n-1))``,
and for a duo ``sum mu / (8 p_ci 10**(n-1))``. A difference that is not a whole number of
repeats (for example ``9.3`` -> ``10``) counts as ``ceil(|d|) + 1`` steps: a partial-repeat
change is taken to be 10x rarer than a whole step. This is an engine policy, because the
source formulas do not cover it. Defaults: mu = 0.002 paternal and duo, 0.0005 maternal.

``stepwise`` - the Familias/pedmut stepwise matrix (rate, ``rate2`` between integer
alleles and microvariants, ``range``) applied to every transmission, consistent or not.
``equal`` and ``proportional`` are the other pedmut models, kept for the published tests.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from .profiles import Genotype, allele_value

MutationKind = Literal["none", "simple", "stepwise", "equal", "proportional"]
Role = Literal["father", "mother", "duo"]
MUTATION_KINDS: tuple[MutationKind, ...] = ("none", "simple", "stepwise", "equal", "proportional")


@dataclass(frozen=True)
class MutationModel:
    """Mutation model and rates.

    Attributes
    ----------
    kind : {"none", "simple", "stepwise", "equal", "proportional"}
        Model. ``none`` lets an inconsistent locus give LR 0.
    paternal_rate : float
        Per-meiosis rate of the father in trios and couples (0.002).
    maternal_rate : float
        Per-meiosis rate of the mother in trios and couples (0.0005).
    duo_rate : float
        Rate of the tested parent in a duo, whatever its sex (0.002).
    step_factor : float
        ``simple``: relative probability of each extra step (0.1). ``stepwise``: ``range``.
    microvariant_rate : float
        ``stepwise`` only: ``rate2``, integer <-> microvariant (1e-6).
    """

    kind: MutationKind = "simple"
    paternal_rate: float = 0.002
    maternal_rate: float = 0.0005
    duo_rate: float = 0.002
    step_factor: float = 0.1
    microvariant_rate: float = 1e-6

    def __post_init__(self) -> None:
        if self.kind not in MUTATION_KINDS:
            raise ValueError(f"unknown mutation model {self.kind!r}; use one of {MUTATION_KINDS}")
        for name in ("paternal_rate", "maternal_rate", "duo_rate", "microvariant_rate"):
            value = getattr(self, name)
            if not 0.0 <= value < 1.0:
                raise ValueError(f"{name} must be in [0, 1), got {value}")
        if not self.step_factor > 0.0:
            raise ValueError("step_factor must be positive")

    def rate(self, role: Role) -> float:
        """Mutation rate of a transmission by ``role``."""
        if role == "father":
            return self.paternal_rate
        if role == "mother":
            return self.maternal_rate
        return self.duo_rate

    def as_dict(self) -> dict[str, object]:
        """Plain-data description for provenance records."""
        data: dict[str, object] = {"model": self.kind}
        if self.kind != "none":
            data.update(
                mu_paternal=self.paternal_rate,
                mu_maternal=self.maternal_rate,
                mu_duo=self.duo_rate,
            )
        if self.kind == "simple":
            data["step_factor"] = self.step_factor
        if self.kind == "stepwise":
            data.update(range=self.step_factor, rate2=self.microvariant_rate)
        return data


def repeat_steps(parent_allele: str, child_allele: str) -> int:
    """Number of repeat steps between two STR alleles for the ``simple`` model.

    Whole-repeat differences count as they are; a difference that is not a whole number
    of repeats counts as ``ceil(|d|) + 1`` (a partial-repeat change is 10x rarer).

    Examples
    --------
    >>> repeat_steps("12", "13"), repeat_steps("15", "12"), repeat_steps("9.3", "10")
    (1, 3, 2)
    """
    difference = abs(allele_value(parent_allele) - allele_value(child_allele))
    whole = round(difference)
    if abs(difference - whole) < 1e-6:
        return int(whole)
    return math.ceil(difference) + 1


def simple_mutation_transmission(
    parent: Genotype,
    target: str,
    candidates: Collection[str],
    rate: float,
    step_factor: float = 0.1,
) -> float:
    """Probability that ``parent`` transmits ``target`` by mutation (``simple`` model).

    The minimum non-zero step ``n*`` is taken over every (parent allele, candidate child
    allele) pair; each parent allele at ``n*`` steps from ``target`` contributes
    ``1/2 * rate * 1/2 * step_factor**(n* - 1)`` (choice of parent allele, mutation,
    direction, extra steps).

    Parameters
    ----------
    parent : Genotype
        The transmitting parent.
    target : str
        The child allele to produce.
    candidates : collection of str
        The child alleles this parent may have supplied; ``target`` must be one of them.
    rate : float
        Mutation rate mu of this transmission.
    step_factor : float
        Relative probability of each extra step.

    Returns
    -------
    float
        Transmission probability (0 if ``target`` is not a candidate).

    Examples
    --------
    >>> simple_mutation_transmission(("11", "13"), "12", {"12"}, 0.002)  # k = 2, n = 1
    0.001
    """
    if target not in candidates:
        return 0.0
    steps = [repeat_steps(g, c) for g in parent for c in candidates]
    positive = [s for s in steps if s > 0]
    if not positive:
        return 0.0
    nstar = min(positive)
    paths = sum(1 for g in parent if repeat_steps(g, target) == nstar)
    return paths * 0.5 * rate * 0.5 * step_factor ** (nstar - 1)


class TransmissionMatrix:
    """Mutation matrix ``M[i, j] = P(parent allele i is transmitted as j)``.

    Attributes
    ----------
    alleles : tuple of str
        Row/column labels.
    values : ndarray, shape (n_alleles, n_alleles), float64
        Row-stochastic matrix.
    """

    __slots__ = ("_index", "alleles", "values")

    def __init__(self, alleles: Sequence[str], values: npt.NDArray[np.float64]) -> None:
        if values.shape != (len(alleles), len(alleles)):
            raise ValueError("matrix shape does not match the alleles")
        self.alleles = tuple(alleles)
        self.values = values
        self._index = {a: i for i, a in enumerate(self.alleles)}

    def __getitem__(self, pair: tuple[str, str]) -> float:
        return float(self.values[self._index[pair[0]], self._index[pair[1]]])

    def transmission(self, parent: Genotype, target: str) -> float:
        """``T(G -> a) = (M[g1, a] + M[g2, a]) / 2``."""
        column = self._index[target]
        return 0.5 * float(
            self.values[self._index[parent[0]], column]
            + self.values[self._index[parent[1]], column]
        )


def equal_matrix(alleles: Sequence[str], rate: float) -> TransmissionMatrix:
    """pedmut ``equal``: ``rate/(n-1)`` off the diagonal, ``1 - rate`` on it.

    Examples
    --------
    >>> equal_matrix(["1", "2"], 0.1)["1", "2"]
    0.1
    """
    n = len(alleles)
    if n == 1:
        return TransmissionMatrix(alleles, np.ones((1, 1)))
    values = np.full((n, n), rate / (n - 1))
    np.fill_diagonal(values, 1.0 - rate)
    return TransmissionMatrix(alleles, values)


def proportional_matrix(
    alleles: Sequence[str], frequencies: Sequence[float], rate: float
) -> TransmissionMatrix:
    """pedmut ``proportional``: ``M = (1 - a) I + a 1 p^T`` with ``a = rate / sum p(1-p)``."""
    p = np.asarray(frequencies, dtype=np.float64)
    alpha = rate / float(np.sum(p * (1.0 - p)))
    values = (1.0 - alpha) * np.eye(len(p)) + alpha * np.tile(p, (len(p), 1))
    if np.any(values > 1.0):
        raise ValueError("impossible proportional mutation matrix; reduce the rate")
    return TransmissionMatrix(alleles, values)


def microvariant_group(label: str) -> int:
    """pedmut's microvariant group: ``(x - round(x)) * 10`` (round half to even, as R)."""
    value = allele_value(label)
    return round((value - round(value)) * 10)


@lru_cache(maxsize=512)
def stepwise_matrix(
    alleles: tuple[str, ...], rate: float, rate2: float, range_: float
) -> TransmissionMatrix:
    """Familias/pedmut ``stepwise`` matrix (FORMULAS.md section 4.2).

    Within a microvariant group ``M[i, j] = rate * range**|i-j| / sum_k range**|i-k|``;
    to another group ``rate2 / (number of alleles in other groups)``; the diagonal is what
    is left (``1 - rate``, ``1 - rate2`` or ``1 - rate - rate2``).

    Examples
    --------
    >>> m = stepwise_matrix(("1", "1.5", "2", "3"), 0.6, 0.3, 0.5)
    >>> [round(m["1", b], 10) for b in ("1", "1.5", "2", "3")]
    [0.1, 0.3, 0.4, 0.2]
    """
    if rate + rate2 > 1.0:
        raise ValueError("rate + rate2 must be <= 1")
    n = len(alleles)
    numbers = [allele_value(a) for a in alleles]
    groups = [microvariant_group(a) for a in alleles]
    values = np.zeros((n, n), dtype=np.float64)
    if n == 1:
        values[0, 0] = 1.0
        return TransmissionMatrix(alleles, values)
    for i in range(n):
        same = [j for j in range(n) if groups[j] == groups[i]]
        others = n - len(same)
        if len(same) == n:
            values[i, i] = 1.0 - rate
        elif len(same) == 1:
            values[i, i] = 1.0 - rate2
        else:
            values[i, i] = 1.0 - rate - rate2
        weights = {j: range_ ** abs(numbers[i] - numbers[j]) for j in same if j != i}
        total = sum(weights.values())
        for j, weight in weights.items():
            values[i, j] = weight / total * rate
        for j in range(n):
            if groups[j] != groups[i]:
                values[i, j] = rate2 / others
    return TransmissionMatrix(alleles, values)


def model_matrix(
    model: MutationModel,
    role: Role,
    alleles: tuple[str, ...],
    frequencies: Mapping[str, float],
) -> TransmissionMatrix:
    """Matrix of a matrix-based model (``stepwise``, ``equal``, ``proportional``)."""
    rate = model.rate(role)
    if model.kind == "stepwise":
        return stepwise_matrix(alleles, rate, model.microvariant_rate, model.step_factor)
    if model.kind == "equal":
        return equal_matrix(alleles, rate)
    if model.kind == "proportional":
        p = [frequencies[a] for a in alleles]
        total = sum(p)
        return proportional_matrix(alleles, [f / total for f in p], rate)
    raise ValueError(f"model {model.kind!r} has no matrix")
