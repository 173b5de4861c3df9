"""DNA kinship likelihood engine (Django-free: NumPy and the standard library only).

Built under issue 3. The import-linter contract in ``pyproject.toml`` keeps Django and the
apps out of this package.

Modules
-------
profiles
    Allele labels (strings, validated), genotypes (order-free), profiles, locus names.
frequencies
    Frequency tables with a documented policy: renormalisation, exclusion of incomplete
    loci (SE33 of the Chinese table), NRC II floor 5/2N (N = 2,500 -> 0.001), digest.
mutation
    ``simple`` stepwise rule of Chinese practice (default), Familias ``stepwise`` matrix,
    ``equal``/``proportional``.
likelihood
    Per-locus duo, trio and couple LRs with theta: the slow, obviously-correct reference.
compare
    Whole-profile comparisons with combined log10 LR, W, inconsistent-locus count, CPE,
    decision band and provenance.
decisions
    Decision bands (SUPPORTS / EXCLUDES / INCONCLUSIVE / INSUFFICIENT_LOCI) and exclusion
    power.
vectorised, index, search
    Columnar reference index (``.npy`` segments, memory-mapped) and the vectorised
    two-way search (child -> couples and single parents; parents -> children).
simulate
    Reproducible families and unrelated people for benchmarks and accuracy reports.
io, cli
    All file I/O; ``python -m homeward.kinship compare``.

Example
-------
>>> from homeward.kinship import (Profile, compare_duo, load_frequency_table,
...                               bundled_table_path)
>>> table = load_frequency_table(bundled_table_path("china"))
>>> child = Profile.build("C", {"vWA": "14/17", "TH01": "9"})
>>> father = Profile.build("F", {"vWA": "17/18", "TH01": "7/9"})
>>> result = compare_duo(table, father, child, parent_role="father")
>>> result.loci_compared, result.inconsistent_loci, result.decision.value
(2, 0, 'INSUFFICIENT_LOCI')
"""

from __future__ import annotations

from .compare import compare_couple, compare_duo, compare_trio
from .decisions import (
    Decision,
    DecisionRules,
    cumulative_exclusion_power,
    decide,
    exclusion_power_duo,
    exclusion_power_trio,
    probability_of_parentage,
)
from .frequencies import FrequencyError, FrequencyPolicy, FrequencyTable, LocusFrequencies
from .index import FamilyRecord, ReferenceIndex, ReferenceIndexError
from .io import bundled_table_path, load_frequency_table, read_profiles_csv
from .likelihood import KinshipParams, LocusLR, couple_locus, duo_locus, trio_locus
from .mutation import MutationModel, stepwise_matrix
from .profiles import AMELOGENIN, Genotype, Profile, ProfileError, make_genotype
from .results import ENGINE_VERSION, KinshipResult, LocusResult, Provenance
from .search import Direction, ParentQuery, SearchHit, SearchResult, score_all, search
from .simulate import PANELS, SimulatedPopulation, simulate_families

__version__ = ENGINE_VERSION

__all__ = [
    "AMELOGENIN",
    "ENGINE_VERSION",
    "PANELS",
    "Decision",
    "DecisionRules",
    "Direction",
    "FamilyRecord",
    "FrequencyError",
    "FrequencyPolicy",
    "FrequencyTable",
    "Genotype",
    "KinshipParams",
    "KinshipResult",
    "LocusFrequencies",
    "LocusLR",
    "LocusResult",
    "MutationModel",
    "ParentQuery",
    "Profile",
    "ProfileError",
    "Provenance",
    "ReferenceIndex",
    "ReferenceIndexError",
    "SearchHit",
    "SearchResult",
    "SimulatedPopulation",
    "bundled_table_path",
    "compare_couple",
    "compare_duo",
    "compare_trio",
    "couple_locus",
    "cumulative_exclusion_power",
    "decide",
    "duo_locus",
    "exclusion_power_duo",
    "exclusion_power_trio",
    "load_frequency_table",
    "make_genotype",
    "probability_of_parentage",
    "read_profiles_csv",
    "score_all",
    "search",
    "simulate_families",
    "stepwise_matrix",
    "trio_locus",
]
