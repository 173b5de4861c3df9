"""Issue 17 defect 2: a hit's per-locus table (genotypes of child, father and mother) is
encrypted at rest like a specimen's genotype, and the rows stored in clear before are
sealed by the data migration."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from homeward.core.models import User
from homeward.dna.models import MatchCandidate
from homeward.dna.tests.test_dna_module import (
    CANARY_LOCUS,
    _imported_and_searched,
    _index_dir,
    analyst,
)

__all__ = ["_index_dir", "analyst"]  # fixtures used by this module's tests


def _raw_column(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT per_locus_table FROM dna_matchcandidate WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_a_search_stores_the_per_locus_table_encrypted(
    analyst: User, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    run = _imported_and_searched(
        analyst,
        django_capture_on_commit_callbacks,
        families=2,
        unrelated=0,
        specimen="C0001",
        purpose="刑案2026-60",
    )
    candidate = MatchCandidate.objects.get(run=run, rank=1)
    raw = _raw_column(candidate.pk)
    assert CANARY_LOCUS not in raw and '"child"' not in raw
    rows = json.loads(MatchCandidate.objects.get(pk=candidate.pk).per_locus_table)
    assert CANARY_LOCUS in {row["locus"] for row in rows}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_seals_tables_stored_in_clear_and_demotes_rows_below_the_threshold(
    make_user: Callable[..., User],
) -> None:
    from homeward.core.roles import Role
    from homeward.dna.models import Specimen

    user = make_user(roles=[Role.DNA_ANALYST], agency_code="cq-public_security")
    specimen = Specimen.objects.create(
        specimen_id="OLD-C1",
        sample_type="unknown_child",
        collecting_agency=user.agency,
        division_id=user.agency.division_id or _seat(),
        lab="lab",
        kit="other",
        genotype="{}",
        loci_count=0,
        created_by=user,
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("dna", "0003_checkrequest")])
    old = executor.loader.project_state([("dna", "0003_checkrequest")]).apps
    OldRun = old.get_model("dna", "MatchRun")
    OldCandidate = old.get_model("dna", "MatchCandidate")
    run = OldRun.objects.create(
        direction="child", query_specimen_id=specimen.pk, purpose="old-run", requested_by_id=user.pk
    )
    table = [{"locus": CANARY_LOCUS, "child": "12/13", "father": "12/14", "mother": "13/15"}]
    common = {
        "run": run,
        "child_specimen_id": specimen.pk,
        "parent_specimen_id": specimen.pk,
        "hypothesis": "duo",
        "log10_lr": 1.0,
        "inconsistent_loci": 0,
        "loci_compared": 19,
        "per_locus": table,
    }
    supported = OldCandidate.objects.create(rank=1, decision="SUPPORTS", **common)
    below = OldCandidate.objects.create(rank=2, decision="EXCLUDES", **common)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert CANARY_LOCUS not in _raw_column(supported.pk)
    assert json.loads(MatchCandidate.objects.get(pk=supported.pk).per_locus_table) == table
    assert MatchCandidate.objects.get(pk=supported.pk).review == "candidate"
    assert MatchCandidate.objects.get(pk=below.pk).review == "below"


def _seat() -> int:
    from homeward.core.models import Division

    return Division.objects.get(code="500103").pk
