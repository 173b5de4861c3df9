"""Synthetic DNA demo data: reference families of missing children and children of
unknown origin, simulated from the Chinese frequency table (never real genotypes).
Imported through the same service as a laboratory export."""

from __future__ import annotations

import csv
import io

from homeward.core.models import User
from homeward.dna.engine import frequency_table
from homeward.dna.kits import KIT_LOCI, Kit
from homeward.dna.models import Specimen
from homeward.dna.services import specimens_import
from homeward.kinship.simulate import simulate_families

LAB = "重庆市公安局刑侦总队DNA实验室"


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def seed_dna(*, families: int = 40, seed: int = 20211229) -> int:
    """Register ``families`` couples (every fifth with the father only) and, for half of
    them, their child among as many unrelated children of unknown origin."""
    if Specimen.objects.exists():
        return 0
    analyst = User.objects.get(username="demo.dna")
    population = simulate_families(
        frequency_table(),
        families,
        seed=seed,
        loci=KIT_LOCI[Kit.AGCU_EX22].autosomal,
        unrelated=families // 2,
    )
    parents = [["sample", "locus", "allele1", "allele2", "family", "family_role"]]
    for i in range(families):
        roles = ("father",) if i % 5 == 4 else ("father", "mother")
        for role in roles:
            profile = population.profile(role, i, f"CQ-{role[0].upper()}{i:04d}")
            parents += [
                [profile.sample_id, locus, a, b, f"XZ2026-{i:04d}", role]
                for locus, (a, b) in profile.genotypes.items()
            ]
    children = [["sample", "locus", "allele1", "allele2"]]
    for i in range(0, families, 2):
        profile = population.profile("child", i, f"CQ-C{i:04d}")
        children += [
            [profile.sample_id, locus, a, b] for locus, (a, b) in profile.genotypes.items()
        ]
    for i in range(families // 2):
        profile = population.profile("unrelated", i, f"CQ-U{i:04d}")
        children += [
            [profile.sample_id, locus, a, b] for locus, (a, b) in profile.genotypes.items()
        ]
    total = 0
    for name, rows, sample_type in (
        ("demo-parents.csv", parents, Specimen.SampleType.PARENT_OF_MISSING_CHILD),
        ("demo-children.csv", children, Specimen.SampleType.UNKNOWN_ORIGIN_CHILD),
    ):
        batch = specimens_import(
            actor=analyst,
            file_name=name,
            data=_csv(rows),
            kit=Kit.AGCU_EX22,
            sample_type=sample_type,
            lab=LAB,
        )
        total += batch.specimen_count
    return total
