"""Online screening engine (issue 15), Django-free: classify Chinese posts into six labels
with explanations, extract contact identifiers and places, cluster reposts (MinHash LSH)
and link posts that share identifiers into networks.

The Django app ``homeward.screening``, the clue module (identifiers of a clue) and the
command line ``python -m homeward.screening`` use only the names exported here.

The names are loaded on first use (PEP 562): the identifier extractor needs only the
normaliser, so a clue's intake does not pay for loading numpy, scipy and datasketch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .identifiers import extract_identifiers
    from .model import Model, ModelFormatError, load_model
    from .neardup import (
        NearDuplicateIndex,
        estimated_similarity,
        lsh_band_keys,
        minhash_signature,
    )
    from .networks import link_networks
    from .normalise import normalise, normalise_with_map
    from .types import BENIGN, LABELS, Classification, Cue, Identifier

# Exported name -> the submodule that defines it.
_WHERE: dict[str, str] = {
    "BENIGN": "types",
    "LABELS": "types",
    "Classification": "types",
    "Cue": "types",
    "Identifier": "types",
    "Model": "model",
    "ModelFormatError": "model",
    "load_model": "model",
    "NearDuplicateIndex": "neardup",
    "estimated_similarity": "neardup",
    "lsh_band_keys": "neardup",
    "minhash_signature": "neardup",
    "extract_identifiers": "identifiers",
    "link_networks": "networks",
    "normalise": "normalise",
    "normalise_with_map": "normalise",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{where}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "BENIGN",
    "LABELS",
    "Classification",
    "Cue",
    "Identifier",
    "Model",
    "ModelFormatError",
    "NearDuplicateIndex",
    "estimated_similarity",
    "extract_identifiers",
    "link_networks",
    "load_model",
    "lsh_band_keys",
    "minhash_signature",
    "normalise",
    "normalise_with_map",
]
