"""Reproducible simulation of families and unrelated people from a frequency table.

Founders draw their alleles independently from each locus's population distribution
(renormalised, no floor: the table as a description of the population). A child gets
one random allele from each parent. With probability mu (paternal or maternal rate of
the mutation model) the transmitted allele mutates: up or down with probability 1/2,
by ``n`` repeats with ``P(n) = (1 - f) f**(n - 1)``, where ``f`` is the model's step
factor. This is the same "each extra step 10x rarer" shape as the ``simple`` model. A
mutated allele keeps its microvariant fraction. An allele the table does not list is
appended to that locus's label list. The same seed always gives the same population.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .frequencies import FrequencyTable
from .index import ReferenceIndex, encode_pairs
from .mutation import MutationModel
from .profiles import Profile, allele_value

AlleleArray = npt.NDArray[np.int16]

GOLDENEYE_20A = (
    "D3S1358",
    "D13S317",
    "D7S820",
    "D5S818",
    "CSF1PO",
    "D8S1179",
    "D21S11",
    "D16S539",
    "D2S1338",
    "D18S51",
    "vWA",
    "TH01",
    "FGA",
    "TPOX",
    "D19S433",
    "D12S391",
    "D6S1043",
    "Penta D",
    "Penta E",
)
"""The 19 STRs of the Goldeneye DNA ID 20A kit (plus Amelogenin), the standard panel."""
IDENTIFILER_15 = tuple(
    name for name in GOLDENEYE_20A if name not in {"D12S391", "D6S1043", "Penta D", "Penta E"}
)
"""The 15 STRs of Identifiler."""
PANEL_21 = (*GOLDENEYE_20A, "D1S1656", "D2S441")
"""Goldeneye 20A plus D1S1656 and D2S441 (a 21-locus Goldeneye-like panel)."""
SIFASTR_23 = (*PANEL_21, "D10S1248", "D22S1045")
"""The 23 STRs of the SiFaSTR 23plex kit."""
PANELS: dict[int, tuple[str, ...]] = {
    15: IDENTIFILER_15,
    19: GOLDENEYE_20A,
    21: PANEL_21,
    23: SIFASTR_23,
}


@dataclass(frozen=True)
class SimulatedPopulation:
    """Simulated families and unrelated people as allele-code arrays.

    Attributes
    ----------
    loci : tuple of str
    alleles : dict[str, list of str]
        Per-locus labels of the allele codes (table alleles, then mutation products).
    father, mother, child : ndarray, shape (n_families, n_loci, 2), int16
    unrelated : ndarray, shape (n_unrelated, n_loci, 2), int16
    mutations : int
        Number of mutated transmissions among the children.
    """

    loci: tuple[str, ...]
    alleles: dict[str, list[str]]
    father: AlleleArray
    mother: AlleleArray
    child: AlleleArray
    unrelated: AlleleArray
    mutations: int

    def profile(self, role: str, i: int, sample_id: str | None = None) -> Profile:
        """One person as a Profile (``role``: father, mother, child or unrelated)."""
        codes: AlleleArray = getattr(self, role)[i]
        genotypes = {}
        for locus, (x, y) in zip(self.loci, codes.tolist(), strict=True):
            labels = self.alleles[locus]
            genotypes[locus] = (labels[x], labels[y])
        return Profile.build(sample_id or f"{role[0].upper()}{i:07d}", genotypes)

    def profiles(self, role: str, prefix: str | None = None) -> list[Profile]:
        """Every person of a role as Profiles."""
        count = getattr(self, role).shape[0]
        tag = prefix if prefix is not None else role[0].upper()
        return [self.profile(role, i, f"{tag}{i:07d}") for i in range(count)]

    def index_codes(self, index: ReferenceIndex, role: str) -> npt.NDArray[np.uint16]:
        """Genotype codes of a role in ``index``'s coding, shape (n_loci_of_index, n)."""
        people: AlleleArray = getattr(self, role)
        codes = np.zeros((len(index.loci), people.shape[0]), dtype=np.uint16)
        for column, locus in enumerate(self.loci):
            if locus not in index.loci:
                continue
            mapping = index.translate(locus, self.alleles[locus])
            codes[index.loci.index(locus)] = encode_pairs(
                mapping[people[:, column, 0]], mapping[people[:, column, 1]]
            )
        return codes


def _label(value: float) -> str:
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _mutate(
    label: str, rng: np.random.Generator, factor: float, alleles: list[str], index: dict[str, int]
) -> int:
    steps = int(rng.geometric(1.0 - factor)) if factor < 1.0 else 1
    sign = 1 if rng.random() < 0.5 else -1
    value = allele_value(label) + sign * steps
    if value < 1.0:
        value = allele_value(label) + steps
    new = _label(value)
    if new not in index:
        index[new] = len(alleles)
        alleles.append(new)
    return index[new]


def simulate_families(
    table: FrequencyTable,
    n: int,
    seed: int,
    loci: Sequence[str] | None = None,
    *,
    unrelated: int = 0,
    mutation: MutationModel | None = None,
) -> SimulatedPopulation:
    """Simulate ``n`` father-mother-child families and ``unrelated`` people.

    Parameters
    ----------
    table : FrequencyTable
    n : int
        Number of families.
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same population.
    loci : sequence of str, optional
        Loci to simulate (default: every usable locus of the table).
    unrelated : int
        Number of unrelated people.
    mutation : MutationModel, optional
        Rates of the children's transmissions (default: ``MutationModel()``:
        0.002 paternal, 0.0005 maternal). ``kind="none"`` disables mutation.

    Returns
    -------
    SimulatedPopulation

    Examples
    --------
    >>> from homeward.kinship.io import bundled_table_path, load_frequency_table
    >>> table = load_frequency_table(bundled_table_path("china"))
    >>> pop = simulate_families(table, 3, seed=7, loci=["vWA", "TH01"], unrelated=2)
    >>> pop.child.shape, pop.unrelated.shape
    ((3, 2, 2), (2, 2, 2))
    """
    model = mutation or MutationModel()
    chosen = tuple(loci) if loci is not None else table.loci
    rng = np.random.default_rng(seed)
    alleles: dict[str, list[str]] = {}
    shape = (n, len(chosen), 2)
    father = np.zeros(shape, dtype=np.int16)
    mother = np.zeros(shape, dtype=np.int16)
    child = np.zeros(shape, dtype=np.int16)
    others = np.zeros((unrelated, len(chosen), 2), dtype=np.int16)
    mutations = 0
    rates = (0.0, 0.0) if model.kind == "none" else (model.paternal_rate, model.maternal_rate)
    for column, locus in enumerate(chosen):
        lf = table.locus(locus)
        labels = list(lf.alleles)
        position = {label: i for i, label in enumerate(labels)}
        cdf = np.cumsum(np.asarray(lf.population, dtype=np.float64))
        cdf /= cdf[-1]

        def draw(size: tuple[int, ...], cdf: npt.NDArray[np.float64] = cdf) -> AlleleArray:
            picked = np.searchsorted(cdf, rng.random(size), side="right")
            return np.minimum(picked, len(cdf) - 1).astype(np.int16)

        father[:, column] = draw((n, 2))
        mother[:, column] = draw((n, 2))
        rows = np.arange(n)
        for parent, target, rate in ((father, 0, rates[0]), (mother, 1, rates[1])):
            chosen_allele = rng.integers(0, 2, size=n)
            child[:, column, target] = parent[rows, column, chosen_allele]
            mutated = np.flatnonzero(rng.random(n) < rate)
            for i in mutated.tolist():
                label = labels[int(child[i, column, target])]
                child[i, column, target] = _mutate(label, rng, model.step_factor, labels, position)
            mutations += int(mutated.size)
        others[:, column] = draw((unrelated, 2))
        alleles[locus] = labels
    return SimulatedPopulation(chosen, alleles, father, mother, child, others, mutations)


def random_index_codes(
    index: ReferenceIndex,
    table: FrequencyTable,
    n: int,
    seed: int,
    *,
    chunk: int = 1 << 20,
) -> npt.NDArray[np.uint16]:
    """Genotype codes of ``n`` unrelated people in ``index``'s coding (bulk decoys).

    Same population model as :func:`simulate_families`, generated chunk by chunk with
    bounded memory. Loci of the index that the table lacks stay untyped.

    Returns
    -------
    ndarray, shape (n_index_loci, n), uint16
    """
    rng = np.random.default_rng(seed)
    codes = np.zeros((len(index.loci), n), dtype=np.uint16)
    for row, locus in enumerate(index.loci):
        if locus not in table:
            continue
        lf = table.locus(locus)
        mapping = index.translate(locus, lf.alleles)
        cdf = np.cumsum(np.asarray(lf.population, dtype=np.float64))
        cdf /= cdf[-1]
        for start in range(0, n, chunk):
            size = min(chunk, n - start)
            first = np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)
            second = np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)
            codes[row, start : start + size] = encode_pairs(mapping[first], mapping[second])
    return codes
