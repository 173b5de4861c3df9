"""Shared fixtures of the kinship tests (no Django)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from homeward.kinship.frequencies import FrequencyPolicy, FrequencyTable, LocusFrequencies
from homeward.kinship.io import bundled_table_path, load_frequency_table
from homeward.kinship.profiles import Genotype, make_genotype

SET_A = {"10": 0.05, "11": 0.10, "12": 0.15, "13": 0.20, "14": 0.25, "15": 0.15, "16": 0.10}
"""FORMULAS.md Set A: generic locus frequencies."""


def g(text: str) -> Genotype:
    """Genotype from ``"12/13"`` or ``"16"``."""
    return make_genotype(text)


def locus(frequencies: Mapping[str, float], name: str = "L") -> LocusFrequencies:
    """A locus with exactly these frequencies (no renormalisation, no floor)."""
    return LocusFrequencies(
        name, list(frequencies), list(frequencies.values()), renormalise=False, floor=0.0
    )


def table_of(loci: Mapping[str, Mapping[str, float]], **policy: object) -> FrequencyTable:
    """A FrequencyTable from nested dicts (policy defaults: no renormalisation, no floor)."""
    settings: dict[str, object] = {"renormalise": False, "floor_n": None, **policy}
    rows = [
        (i, [name, allele, repr(freq)])
        for i, (name, allele, freq) in enumerate(
            ((n, a, f) for n, alleles in loci.items() for a, f in alleles.items()), start=2
        )
    ]
    return FrequencyTable.from_rows(rows, FrequencyPolicy(**settings))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def china() -> FrequencyTable:
    """The bundled Chinese Appendix D table with the default policy."""
    return load_frequency_table(bundled_table_path("china"))


@pytest.fixture(scope="session")
def norway() -> FrequencyTable:
    """The bundled Norwegian (forrel) table with the default policy."""
    return load_frequency_table(bundled_table_path("norway"))


@pytest.fixture(scope="session")
def set_a() -> LocusFrequencies:
    """FORMULAS.md Set A locus."""
    return locus(SET_A)
