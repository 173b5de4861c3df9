"""From a DNA-confirmed candidate to the way home: the DNA module's own search started
for the candidate (reviewed there), the reunion recorded for a self-searcher, a rescued
victim sent to the victim's record, and the family's public status."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from homeward.core.errors import ActorError, DomainError
from homeward.core.models import AuditEvent, User
from homeward.dna.models import MatchCandidate, MatchRun
from homeward.reunion import services
from homeward.reunion.models import Candidate, SearchRegistration
from homeward.reunion.services.registration import family_stage
from homeward.reunion.tests.test_services import _story, sample_both_sides

pytestmark = pytest.mark.django_db


@pytest.fixture
def compared(
    owner: User,
    public_search: SearchRegistration,
    self_search: SearchRegistration,
    django_capture_on_commit_callbacks: Any,
    make_user: Callable[..., User],
    settings: Any,
    tmp_path: Any,
) -> Candidate:
    """The family's candidate, both sides sampled, the DNA comparison requested (the
    DNA module's search runs after commit)."""
    candidate = _story(owner, public_search, self_search, django_capture_on_commit_callbacks)
    sample_both_sides(
        public_search,
        self_search,
        make_user,
        settings,
        tmp_path,
        django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=True):
        return services.candidate_request_dna(actor=owner, candidate=candidate)


def test_requesting_dna_starts_the_dna_modules_own_search_whose_review_shows_here(
    compared: Candidate,
) -> None:
    # the targeted comparison supports, and the DNA module searched the man's specimen
    assert compared.dna_decision == "SUPPORTS"
    assert compared.dna_run is not None
    run = MatchRun.objects.get(pk=compared.dna_run_id)
    assert run.status == MatchRun.Status.DONE
    assert compared.search.tracking_code in run.purpose
    hit = MatchCandidate.objects.get(run=run, family__code="FAM0000")
    assert hit.review == MatchCandidate.Review.CANDIDATE
    # the candidate page reads the DNA module's review (labels only)
    outcome = services.dna_review(compared)
    assert outcome is not None
    assert outcome.review == MatchCandidate.Review.CANDIDATE
    # a second comparison does not start a second search
    again = services.candidate_compare_dna(actor=compared.decided_by, candidate=compared)
    assert again.dna_run_id == run.pk
    assert MatchRun.objects.count() == 1


def test_the_police_record_the_reunion_of_a_self_searcher_and_the_family_sees_it(
    owner: User, compared: Candidate, public_search: SearchRegistration
) -> None:
    # not before the DNA confirmation
    with pytest.raises(DomainError) as early:
        services.candidate_reunite(
            actor=owner, candidate=compared, reunited_on=timezone.localdate()
        )
    assert early.value.code == "reunion_candidate_state"
    confirmed = services.candidate_confirm(actor=owner, candidate=compared, note="DNA比中")
    public_search.refresh_from_db()
    with translation.override("en"):
        assert family_stage(public_search) == (
            "Your family member has been found. The police will contact you."
        )
    # a date in the future, or before the confirmation, names its field
    with pytest.raises(ValidationError) as future:
        services.candidate_reunite(
            actor=owner,
            candidate=confirmed,
            reunited_on=timezone.localdate() + timedelta(days=1),
        )
    assert "reunited_on" in future.value.message_dict
    with pytest.raises(ValidationError) as before:
        services.candidate_reunite(
            actor=owner,
            candidate=confirmed,
            reunited_on=timezone.localdate() - timedelta(days=3),
        )
    assert "reunited_on" in before.value.message_dict
    # the reunion is recorded, audited, and the family's status says so
    reunited = services.candidate_reunite(
        actor=owner,
        candidate=confirmed,
        reunited_on=timezone.localdate(),
        note="在万州区公安局认亲",
    )
    assert reunited.reunited_on == timezone.localdate()
    assert reunited.reunion_note == "在万州区公安局认亲"
    event = AuditEvent.objects.get(action="reunion_candidate_reunite")
    assert event.detail["purpose"] == public_search.tracking_code
    public_search.refresh_from_db()
    with translation.override("en"):
        assert family_stage(public_search) == "Your family has met again (团聚). We wish you well."
    with pytest.raises(DomainError) as twice:
        services.candidate_reunite(
            actor=owner, candidate=reunited, reunited_on=timezone.localdate()
        )
    assert twice.value.code == "reunion_candidate_state"


def test_another_districts_police_cannot_record_a_reunion(
    owner: User, outsider: User, compared: Candidate, client_for: Callable[[User], Client]
) -> None:
    services.candidate_confirm(actor=owner, candidate=compared, note="DNA比中")
    with pytest.raises(DomainError) as refused:
        services.candidate_reunite(
            actor=outsider, candidate=compared, reunited_on=timezone.localdate()
        )
    assert refused.value.code == ActorError.OUT_OF_AREA
    response = client_for(outsider).post(
        f"/reunion/candidates/{compared.pk}/reunite/",
        {"reunited_on": timezone.localdate().isoformat(), "confirm": "on"},
    )
    assert response.status_code == 404
    compared.refresh_from_db()
    assert compared.reunited_on is None


def test_the_candidate_page_says_only_dna_confirms_and_records_the_reunion(
    owner: User, compared: Candidate, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    page = client.get(f"/reunion/candidates/{compared.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="only-dna"' in body and "只有DNA" in body
    assert 'data-testid="dna-module-review"' in body and "比中待复核" in body
    services.candidate_confirm(actor=owner, candidate=compared, note="DNA比中")
    # a bad date is a field error on the page, nothing stored
    bad = client.post(
        f"/reunion/candidates/{compared.pk}/reunite/",
        {"reunited_on": "2026-13-40", "confirm": "on"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert bad.status_code == 200
    assert "“团聚日期”请填写有效日期" in bad.content.decode()
    compared.refresh_from_db()
    assert compared.reunited_on is None
    good = client.post(
        f"/reunion/candidates/{compared.pk}/reunite/",
        {"reunited_on": timezone.localdate().isoformat(), "note": "认亲", "confirm": "on"},
    )
    assert good.status_code == 302
    shown = client.get(f"/reunion/candidates/{compared.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'data-testid="reunited"' in shown.content.decode()
