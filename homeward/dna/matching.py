"""Kinship searches: keep the engine's reference index in step with the database and
turn engine hits into reviewable candidates.

The index on disk (``settings.DNA_INDEX_DIR``) is derived data: it can always be
rebuilt from the database (``manage.py dna_rebuild_index``). It holds allele codes
and sample or family ids, never names; keep the directory on an encrypted volume.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.dna.engine import frequency_table, profile_from_json
from homeward.dna.kits import KIT_LOCI
from homeward.dna.models import MatchCandidate, MatchRun, ReferenceFamily, Specimen
from homeward.kinship.decisions import Decision
from homeward.kinship.index import FamilyRecord, ReferenceIndex
from homeward.kinship.profiles import Profile, genotype_label
from homeward.kinship.search import Direction, ParentQuery, SearchHit, search

SINGLE_PARENT_PREFIX = "P:"
LABEL_WIDTH = 48
_lock = threading.Lock()


def index_loci() -> tuple[str, ...]:
    """Every autosomal locus of the supported kits that the frequency table scores."""
    table = frequency_table()
    wanted = {locus for kit in KIT_LOCI.values() for locus in kit.autosomal}
    return tuple(locus for locus in table.loci if locus in wanted)


def _index_path() -> Path:
    return Path(settings.DNA_INDEX_DIR)


def open_index() -> ReferenceIndex:
    path = _index_path()
    if (path / "manifest.json").exists():
        return ReferenceIndex.open(path, mmap=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return ReferenceIndex.create(
        index_loci(), table=frequency_table(), path=path, label_width=LABEL_WIDTH
    )


def _profile(specimen: Specimen) -> Profile:
    return profile_from_json(specimen.specimen_id, specimen.genotype)


def specimen_profile(specimen: Specimen) -> Profile:
    """The engine profile of a specimen (its decrypted genotype)."""
    return _profile(specimen)


def family_profiles(family: ReferenceFamily) -> tuple[Profile | None, Profile | None]:
    """Father's and mother's profiles of a family (its active members)."""
    record = _family_record(family.code, family.specimens.filter(status=Specimen.Status.ACTIVE))
    return record.father, record.mother


def _family_record(label: str, members: Iterable[Specimen]) -> FamilyRecord:
    father = mother = None
    for member in members:
        if member.family_role == Specimen.FamilyRole.MOTHER:
            mother = _profile(member)
        else:
            father = _profile(member)
    return FamilyRecord(label, father=father, mother=mother)


@contextmanager
def index_lock() -> Iterator[None]:
    """Serialise the writers of the index across processes (two Celery workers
    refreshing it at once): an exclusive ``flock`` on a file beside the index directory
    (beside, so that a rebuild that removes the directory does not remove the lock).
    Taken outside the database transaction, so the transaction commits before another
    writer reads the database and the manifest."""
    import fcntl
    import os

    path = _index_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def index_sync() -> int:
    """Append to the index every child and family (or newly completed family) that is
    not in it yet. Idempotent; returns the number of rows appended. Files are made
    0600 (directories 0700) as it goes, an index written by an older version included."""
    from homeward.kinship.io import make_private

    with _lock, index_lock(), transaction.atomic():
        make_private(_index_path())
        index = open_index()
        active = Specimen.objects.filter(status=Specimen.Status.ACTIVE)
        children = list(
            active.exclude(sample_type=Specimen.SampleType.PARENT_OF_MISSING_CHILD)
            .filter(indexed=False)
            .select_for_update()
        )
        if children:
            index.add_children([_profile(s) for s in children])
            Specimen.objects.filter(pk__in=[s.pk for s in children]).update(indexed=True)
        records: list[FamilyRecord] = []
        for family in ReferenceFamily.objects.select_for_update():
            members = [m for m in family.specimens.all() if m.status == Specimen.Status.ACTIVE]
            if members and len(members) > family.indexed_members:
                records.append(_family_record(family.code, members))
                ReferenceFamily.objects.filter(pk=family.pk).update(indexed_members=len(members))
        singles = list(
            active.filter(
                sample_type=Specimen.SampleType.PARENT_OF_MISSING_CHILD,
                family__isnull=True,
                indexed=False,
            ).select_for_update()
        )
        for single in singles:
            records.append(
                FamilyRecord(SINGLE_PARENT_PREFIX + single.specimen_id, father=_profile(single))
            )
        if singles:
            Specimen.objects.filter(pk__in=[s.pk for s in singles]).update(indexed=True)
        if records:
            index.add_families(records)
        return len(children) + len(records)


def index_rebuild() -> int:
    """Throw the index away and build it again from the database."""
    import shutil

    with _lock, index_lock():
        shutil.rmtree(_index_path(), ignore_errors=True)
        Specimen.objects.update(indexed=False)
        ReferenceFamily.objects.update(indexed_members=0)
    return index_sync()


def _query(run: MatchRun) -> Profile | ParentQuery:
    specimen = run.query_specimen
    if run.direction == MatchRun.Direction.CHILD_AGAINST_PARENTS:
        assert specimen is not None  # noqa: S101  (the constraint guarantees a query)
        return _profile(specimen)
    members: list[Specimen] = (
        list(run.query_family.specimens.filter(status=Specimen.Status.ACTIVE))
        if run.query_family
        else [m for m in (specimen,) if m is not None]
    )
    record = _family_record("query", members)
    return ParentQuery(father=record.father, mother=record.mother)


def _per_locus(hit: SearchHit) -> list[dict[str, object]]:
    rows = []
    for locus in hit.result.loci:
        genotypes = locus.genotypes
        rows.append(
            {
                "locus": locus.locus,
                "child": genotype_label(genotypes.get("child")),
                "father": genotype_label(genotypes.get("father") or genotypes.get("parent")),
                "mother": genotype_label(genotypes.get("mother")),
                "lr": f"{locus.lr:.4g}",
                "inconsistent": locus.inconsistent,
            }
        )
    return rows


def _candidate_targets(run: MatchRun, hit: SearchHit) -> dict[str, object] | None:
    if run.direction == MatchRun.Direction.CHILD_AGAINST_PARENTS:
        assert run.query_specimen is not None  # noqa: S101
        if hit.reference_id.startswith(SINGLE_PARENT_PREFIX):
            parent = Specimen.objects.filter(
                specimen_id=hit.reference_id[len(SINGLE_PARENT_PREFIX) :]
            ).first()
            return (
                {"child_specimen": run.query_specimen, "parent_specimen": parent, "family": None}
                if parent
                else None
            )
        family = ReferenceFamily.objects.filter(code=hit.reference_id).first()
        return (
            {"child_specimen": run.query_specimen, "family": family, "parent_specimen": None}
            if family
            else None
        )
    child = Specimen.objects.filter(specimen_id=hit.reference_id).first()
    if child is None:
        return None
    return {
        "child_specimen": child,
        "family": run.query_family,
        "parent_specimen": None if run.query_family else run.query_specimen,
    }


def match_run_execute(run_id: int) -> MatchRun:
    """Run one queued search and store its candidates with their provenance."""
    run = MatchRun.objects.select_related("query_specimen", "query_family").get(pk=run_id)
    if run.status in {MatchRun.Status.DONE, MatchRun.Status.FAILED}:
        return run
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.RUNNING, progress=10)
    try:
        index_sync()
        MatchRun.objects.filter(pk=run.pk).update(progress=40)
        direction = (
            Direction.CHILD_TO_PARENTS
            if run.direction == MatchRun.Direction.CHILD_AGAINST_PARENTS
            else Direction.PARENTS_TO_CHILDREN
        )
        if settings.DNA_SEARCH_SHARDS > 1:
            from homeward.dna.sharding import sharded_search

            result, _reports = sharded_search(
                _index_path(),
                _query(run),
                direction,
                top_k=settings.DNA_TOP_K * 2,
                shards=settings.DNA_SEARCH_SHARDS,
                table=frequency_table(),
                queue=settings.DNA_SHARD_QUEUE,
            )
        else:
            result = search(
                open_index(),
                _query(run),
                direction,
                top_k=settings.DNA_TOP_K * 2,
                table=frequency_table(),
            )
    except Exception as error:  # the run records its failure; the reason is kept short
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED,
            error=type(error).__name__[:200],
            finished_at=timezone.now(),
        )
        raise
    with transaction.atomic():
        seen: set[str] = set()
        rank = 0
        for hit in result.hits:
            # The same family can have an older one-parent row: keep its best row only.
            if hit.reference_id in seen:
                continue
            targets = _candidate_targets(run, hit)
            if (
                targets is None
                or targets["child_specimen"] == run.query_specimen
                and run.direction == MatchRun.Direction.PARENTS_AGAINST_CHILDREN
            ):
                continue
            seen.add(hit.reference_id)
            rank += 1
            judgement = hit.judgement
            MatchCandidate.objects.create(
                run=run,
                rank=rank,
                hypothesis=hit.result.shape,
                log10_lr=hit.log10_lr if hit.log10_lr != float("-inf") else -999.0,
                inconsistent_loci=hit.result.inconsistent_loci,
                loci_compared=hit.result.loci_compared,
                decision=str(hit.decision),
                # Only a hit over the threshold at the database's size is a candidate.
                review=MatchCandidate.Review.CANDIDATE
                if hit.decision == Decision.SUPPORTS
                else MatchCandidate.Review.BELOW_THRESHOLD,
                expected_chance_hits=judgement.expected_chance_hits if judgement else None,
                posterior=judgement.posterior if judgement else None,
                per_locus_table=json.dumps(_per_locus(hit), ensure_ascii=False),
                **targets,
            )
            if rank >= settings.DNA_TOP_K:
                break
        provenance = result.provenance.as_dict()
        provenance["index_size"] = result.scanned
        provenance["over_support"] = result.over_support
        provenance["timings"] = result.timings
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.DONE,
            progress=100,
            provenance=provenance,
            finished_at=timezone.now(),
        )
        audit_record(
            actor=None,
            action=AuditAction.DNA_SEARCH_DONE,
            obj=run,
            detail={"candidates": rank, "scanned": result.scanned},
            actor_username="system",
        )
    run.refresh_from_db()
    return run
