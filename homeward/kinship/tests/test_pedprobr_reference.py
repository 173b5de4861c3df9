"""The engine against the reference R implementation (pedtools 2.11, pedmut 0.9.1,
pedprobr 1.1.0): 800 single-locus duo, trio and couple cases on loci of the Chinese
table, without mutation and with the Familias stepwise model, at theta 0 and 0.01.

The vectors were computed once by ``data/pedprobr/pedprobr_lr.R`` from the cases written
by ``data/pedprobr/make_cases.py``; see ``data/pedprobr/PROVENANCE.md``. R is not needed
to run this test.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from homeward.kinship.frequencies import LocusFrequencies
from homeward.kinship.likelihood import KinshipParams, couple_locus, duo_locus, trio_locus
from homeward.kinship.mutation import MutationModel
from homeward.kinship.profiles import Genotype, make_genotype

VECTORS = Path(__file__).with_name("data") / "pedprobr" / "vectors.tsv"
TOLERANCE = 1e-12
"""Relative agreement required (observed: below 2e-14)."""


@dataclass(frozen=True)
class Vector:
    id: str
    shape: str
    model: str
    theta: float
    params: KinshipParams
    freqs: LocusFrequencies
    father: Genotype | None
    mother: Genotype | None
    child: Genotype
    lr: float


def _genotype(text: str) -> Genotype | None:
    return None if text == "-" else make_genotype(text)


def _vectors() -> Iterator[Vector]:
    with VECTORS.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            model = MutationModel(
                kind=row["model"],  # type: ignore[arg-type]
                paternal_rate=float(row["paternal_rate"]),
                maternal_rate=float(row["maternal_rate"]),
                duo_rate=float(row["duo_rate"]),
                step_factor=float(row["range"]) or 0.1,
                microvariant_rate=float(row["rate2"]),
            )
            child = _genotype(row["child"])
            assert child is not None
            yield Vector(
                id=row["id"],
                shape=row["shape"],
                model=row["model"],
                theta=float(row["theta"]),
                params=KinshipParams(theta=float(row["theta"]), mutation=model),
                freqs=LocusFrequencies(
                    row["locus"],
                    row["alleles"].split(","),
                    [float(f) for f in row["freqs"].split(",")],
                    renormalise=False,
                    floor=0.0,
                ),
                father=_genotype(row["father"]),
                mother=_genotype(row["mother"]),
                child=child,
                lr=float(row["lr"]),
            )


ALL = list(_vectors())


def _engine(v: Vector) -> float:
    if v.shape == "duo_father":
        assert v.father is not None
        return duo_locus(v.father, v.child, v.freqs, v.params, parent_role="father").lr
    if v.shape == "duo_mother":
        assert v.mother is not None
        return duo_locus(v.mother, v.child, v.freqs, v.params, parent_role="mother").lr
    assert v.father is not None and v.mother is not None
    if v.shape == "trio":
        return trio_locus(v.mother, v.father, v.child, v.freqs, v.params).lr
    return couple_locus(v.father, v.mother, v.child, v.freqs, v.params).lr


def test_the_vector_file_covers_every_shape_model_and_theta() -> None:
    combos = {(v.shape, v.model, v.theta) for v in ALL}
    assert len(ALL) == 800
    assert combos == {
        (shape, model, theta)
        for shape in ("duo_father", "duo_mother", "trio", "couple")
        for model in ("none", "stepwise")
        for theta in (0.0, 0.01)
    }
    # The hard cases are there: apparent exclusions and LRs far from 1.
    assert sum(1 for v in ALL if v.model == "stepwise" and v.lr < 0.01) > 50
    assert sum(1 for v in ALL if v.model == "none" and v.lr == 0.0) > 20


@pytest.mark.parametrize("vector", ALL, ids=lambda v: f"{v.id}-{v.shape}-{v.model}-{v.theta}")
def test_engine_agrees_with_pedprobr(vector: Vector) -> None:
    value = _engine(vector)
    if math.isnan(vector.lr):
        # 0/0: a trio whose known mother shares no allele with the child, without a
        # mutation model. The engine leaves such a locus out of the product (LR 1, noted).
        assert vector.shape == "trio" and vector.model == "none"
        assert vector.mother is not None and vector.father is not None
        locus = trio_locus(vector.mother, vector.father, vector.child, vector.freqs, vector.params)
        assert (locus.lr, locus.mother_inconsistent) == (1.0, True) and locus.note
    elif vector.lr == 0.0:
        assert value == 0.0
    else:
        assert value == pytest.approx(vector.lr, rel=TOLERANCE, abs=0.0)
