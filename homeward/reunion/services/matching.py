"""Matching: run the linkage engine for verified family searches and store the ranked
candidates.

A search is matched after it is verified or corrected; after a found person is
registered or corrected, the searches it can change are matched again
(:func:`searches_affected_by`), and the tick job re-ranks each
verified search at least every ``REMATCH_HOURS`` (the nightly full run, spread over
the day and restartable: the state is ``matched_at`` in the database).

A candidate someone has acted on (DNA requested, not the same person, confirmed)
is never removed by a new run; "not the same person" is excluded from every search.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.tick import paced
from homeward.linkage.index import FoundIndex
from homeward.linkage.records import FieldError
from homeward.reunion import engine
from homeward.reunion.models import Candidate, SearchRegistration

TOP = 20
REMATCH_HOURS = 24


def searches_to_match() -> QuerySet[SearchRegistration]:
    return SearchRegistration.objects.filter(
        status=SearchRegistration.Status.VERIFIED, kind=SearchRegistration.Kind.FAMILY
    )


def _index() -> FoundIndex:
    return engine.matchable_index()


def _match_one(search_id: int, index: FoundIndex, now: datetime) -> int:
    """Rank the found persons for one search; returns the number of candidates kept."""
    with transaction.atomic():
        search = (
            SearchRegistration.objects.select_for_update(of=("self",))
            .select_related("division", "township")
            .filter(pk=search_id, status=SearchRegistration.Status.VERIFIED)
            .first()
        )
        if search is None:
            return 0
        existing = {str(c.found_id): c for c in Candidate.objects.filter(search=search)}
        excluded = [f for f, c in existing.items() if c.state == Candidate.State.NOT_SAME]
        try:
            report = engine.report_record(search)
        except FieldError:
            return 0  # checked when written; an unreadable old row is not matched
        ranked = [c for c in index.search(report, top=TOP, exclude=excluded) if c.band]
        kept: set[str] = set()
        for rank, hit in enumerate(ranked, start=1):
            values = {
                "rank": rank,
                "score": hit.weight,
                "posterior": min(max(hit.posterior, 0.0), 1.0),
                "band": hit.band,
                "contributions": engine.contributions_json(hit.levels, hit.contributions),
                "engine_version": engine.ENGINE,
                "ranked_at": now,
            }
            kept.add(hit.found_id)
            current = existing.get(hit.found_id)
            if current is None:
                Candidate.objects.create(search=search, found_id=int(hit.found_id), **values)
            else:
                Candidate.objects.filter(pk=current.pk).update(**values)
        # Open candidates that fell out of the ranking go; acted-on ones stay, after.
        stale = [c.pk for f, c in existing.items() if f not in kept]
        Candidate.objects.filter(pk__in=stale, state=Candidate.State.OPEN).delete()
        for offset, pk in enumerate(
            Candidate.objects.filter(pk__in=stale).order_by("-score").values_list("pk", flat=True)
        ):
            Candidate.objects.filter(pk=pk).update(rank=len(ranked) + offset + 1)
        SearchRegistration.objects.filter(pk=search.pk).update(matched_at=now)
        audit_record(
            actor=None,
            action=AuditAction.REUNION_MATCH,
            obj=search,
            detail={
                "candidates": len(ranked),
                "likely": sum(1 for c in ranked if c.band == Candidate.Band.LIKELY),
                "found_persons": index.n,
            },
            actor_username="system",
        )
        return len(ranked)


def search_match(search_id: int, *, now: datetime | None = None) -> int:
    """Background task body: one search against every found person."""
    return _match_one(search_id, _index(), now or timezone.now())


def searches_match(
    search_ids: Iterable[int], *, now: datetime | None = None, batch: int | None = None
) -> int:
    """Several searches against one index, in committed batches (one search each)."""
    now = now or timezone.now()
    ids = list(search_ids)
    if not ids:
        return 0
    index = _index()
    size = batch or settings.TICK_BATCH_SIZE
    count = 0
    for search_id in paced(ids, size):
        _match_one(search_id, index, now)
        count += 1
    return count


def searches_affected_by(found_id: int) -> list[int]:
    """The verified searches a registered or corrected found person can change: those
    it is already a candidate of, and those it could now enter with a band. The second
    set is found by scoring every search against an index of this one person, with the
    whole table's size as N: the competition of the others is left out, so its
    probability is never understated and no search it would enter is missed."""
    searches = searches_to_match()
    affected = set(
        Candidate.objects.filter(found_id=found_id, search__in=searches).values_list(
            "search_id", flat=True
        )
    )
    found = engine.matchable_found().filter(pk=found_id).first()
    if found is None:  # no longer searched (matched, closed): only its candidacies
        return sorted(affected)
    single = engine.build_index([found])
    if single.n == 0:
        return sorted(affected)
    single.n = max(engine.matchable_found().count(), 1)
    for search in searches.select_related("division", "township").iterator(chunk_size=500):
        if search.pk in affected:
            continue
        try:
            report = engine.report_record(search)
        except FieldError:
            continue
        if any(hit.band for hit in single.search(report, top=1)):
            affected.add(search.pk)
    return sorted(affected)


def found_match(found_id: int, *, now: datetime | None = None) -> int:
    """After a found person is registered or corrected: the searches it can change are
    ranked again in full; the others keep their ranking (their probabilities move
    only by the one more person in the table) until the daily re-rank."""
    return searches_match(searches_affected_by(found_id), now=now)


def searches_rematch_due(now: datetime | None = None) -> int:
    """Tick job: verified searches not ranked for ``REMATCH_HOURS`` are ranked again."""
    now = now or timezone.now()
    due = searches_to_match().filter(
        Q(matched_at__isnull=True) | Q(matched_at__lt=now - timedelta(hours=REMATCH_HOURS))
    )
    ids = list(due.order_by("matched_at", "pk").values_list("pk", flat=True)[:1000])
    return searches_match(ids, now=now)
