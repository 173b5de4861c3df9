"""Online screening engine (issue 15), Django-free: classify Chinese posts into six labels
with explanations, extract contact identifiers and places, cluster reposts (MinHash LSH)
and link posts that share identifiers into networks.

The Django app ``homeward.screening`` and the command line ``python -m
homeward.screening`` use only the names exported here.
"""

from __future__ import annotations

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
