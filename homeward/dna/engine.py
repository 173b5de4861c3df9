"""The DNA module's side of the kinship engine: the frequency table in use and the
conversion between stored genotypes and engine profiles."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache

from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.io import bundled_table_path, load_frequency_table
from homeward.kinship.profiles import AMELOGENIN, Profile


@lru_cache(maxsize=1)
def frequency_table() -> FrequencyTable:
    """The Chinese 59-locus table (Appendix D) with the engine's default policy."""
    return load_frequency_table(bundled_table_path("china"))


def genotype_json(
    genotypes: Mapping[str, tuple[str, str]], amelogenin: tuple[str, str] | None
) -> str:
    data: dict[str, list[str]] = {locus: list(pair) for locus, pair in sorted(genotypes.items())}
    if amelogenin:
        data[AMELOGENIN] = list(amelogenin)
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"))


def profile_from_json(specimen_id: str, genotype: str) -> Profile:
    data: dict[str, list[str]] = json.loads(genotype) if genotype else {}
    return Profile.build(specimen_id, data)
