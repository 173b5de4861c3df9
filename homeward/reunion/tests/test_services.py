"""Reunion services: registration, verification, matching, candidate actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, Division, User
from homeward.dna.models import CheckRequest
from homeward.reunion import services
from homeward.reunion.models import Candidate, FoundPerson, SearchRegistration
from homeward.reunion.tests.conftest import FAMILY_FIELDS, unknown_victim

pytestmark = pytest.mark.django_db


def _verify(actor: User, search: SearchRegistration, capture: Any) -> SearchRegistration:
    with capture(execute=True):
        return services.search_verify(actor=actor, search=search, version=search.version)


def test_public_registration_gets_a_code_and_secret_and_only_its_state(
    public_search: SearchRegistration, yuzhong: Division
) -> None:
    # given a family's registration on the public site
    submission = services.search_submit_public(
        idempotency_key="family-key-2", kind="family", division=yuzhong, **FAMILY_FIELDS
    )
    # then it is stored, encrypted, with a tracking code, and its secret opens its state
    assert submission.created and submission.secret
    search = submission.search
    assert search.tracking_code.startswith("XQ")
    assert search.status == SearchRegistration.Status.SUBMITTED
    assert search.channel == SearchRegistration.Channel.PUBLIC
    view = services.search_status_for_family(
        tracking_code=search.tracking_code.lower(), secret=submission.secret
    )
    assert view is not None
    assert view.tracking_code == search.tracking_code
    assert view.stage == services.registration.family_stage(search)
    assert services.search_status_for_family(tracking_code=search.tracking_code, secret="X") is None
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name, contact_phone FROM reunion_searchregistration")
        raw = [value for row in cursor.fetchall() for value in row]
    assert all("王小强" not in v and "13800000000" not in v for v in raw)


def test_a_retry_returns_the_same_registration_and_a_reused_key_is_refused(
    public_search: SearchRegistration, yuzhong: Division
) -> None:
    again = services.search_submit_public(
        idempotency_key="family-key-1", kind="family", division=yuzhong, **FAMILY_FIELDS
    )
    assert not again.created and again.search.pk == public_search.pk and again.secret == ""
    with pytest.raises(DomainError) as reused:
        services.search_submit_public(
            idempotency_key="family-key-1",
            kind="family",
            division=yuzhong,
            **{**FAMILY_FIELDS, "name": "别人家的孩子"},
        )
    assert reused.value.status == 409
    assert reused.value.code == "idempotency_key_reused"
    assert SearchRegistration.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("missing_date", "1998-13"), ("birth_date", "去年"), ("sex", "boy"), ("age_stated", 300)],
)
def test_bad_values_name_their_field_and_store_nothing(
    yuzhong: Division, field: str, value: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        services.search_submit_public(
            idempotency_key="k", kind="family", division=yuzhong, **{**FAMILY_FIELDS, field: value}
        )
    assert field in error.value.message_dict
    assert not SearchRegistration.objects.exists()


def test_the_public_cannot_register_a_self_search(yuzhong: Division) -> None:
    with pytest.raises(ValidationError):
        services.search_submit_public(
            idempotency_key="k", kind="self", division=yuzhong, **FAMILY_FIELDS
        )


def test_verification_registers_the_child_and_asks_for_the_familys_blood(
    owner: User, public_search: SearchRegistration, django_capture_on_commit_callbacks: Any
) -> None:
    search = _verify(owner, public_search, django_capture_on_commit_callbacks)
    assert search.status == SearchRegistration.Status.VERIFIED
    assert search.person is not None and search.person.full_name == "王小强"
    request = CheckRequest.objects.get(pk=search.dna_request_id)
    assert request.source == CheckRequest.Source.FAMILY_SEARCH
    assert request.person_id == search.person_id
    assert search.tracking_code in request.reason
    assert AuditEvent.objects.filter(action="reunion_search_verify", object_id=str(search.pk))
    # and a verified search cannot be verified twice
    with pytest.raises(DomainError) as again:
        services.search_verify(actor=owner, search=search, version=search.version)
    assert again.value.code == services.ReunionError.BAD_TRANSITION


def test_only_police_of_the_district_verify(
    outsider: User, caseworker: User, public_search: SearchRegistration
) -> None:
    # Police of another district: outside their area; civil affairs: not the police.
    for actor, code in ((outsider, "out_of_area"), (caseworker, "not_public_security")):
        with pytest.raises(DomainError) as refused:
            services.search_verify(actor=actor, search=public_search, version=1)
        assert refused.value.status == 403
        assert refused.value.code == code
    public_search.refresh_from_db()
    assert public_search.status == SearchRegistration.Status.SUBMITTED


def test_a_stale_version_is_a_conflict(owner: User, public_search: SearchRegistration) -> None:
    with pytest.raises(DomainError) as conflict:
        services.search_verify(actor=owner, search=public_search, version=7)
    assert conflict.value.status == 409
    assert conflict.value.code == "version_conflict"


def _story(
    owner: User, public_search: SearchRegistration, self_search: SearchRegistration, capture: Any
) -> Candidate:
    _verify(owner, self_search, capture)
    _verify(owner, public_search, capture)
    return Candidate.objects.get(search=public_search)


def test_the_self_searcher_is_ranked_likely_for_the_familys_search(
    owner: User,
    public_search: SearchRegistration,
    self_search: SearchRegistration,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given the self-search (小名 幺娃, a river, bone age, a birthmark on the left shoulder)
    # when both are verified (matching runs after commit)
    candidate = _story(owner, public_search, self_search, django_capture_on_commit_callbacks)
    # then the man is the family's candidate, "likely", with the reasons
    assert candidate.found.self_search_id == self_search.pk
    assert candidate.band == Candidate.Band.LIKELY
    reasons = {c["field"]: c["level"] for c in candidate.contributions}
    assert reasons["name"] == "nickname_exact"
    assert reasons["marks"] == "same_place"
    assert reasons["landmarks"] in {"one", "several"}
    assert sum(c["bits"] for c in candidate.contributions) == pytest.approx(candidate.score, 1e-2)
    public_search.refresh_from_db()
    assert public_search.matched_at is not None


def test_an_unverified_self_search_is_not_searched(
    owner: User,
    public_search: SearchRegistration,
    self_search: SearchRegistration,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _verify(owner, public_search, django_capture_on_commit_callbacks)
    assert not Candidate.objects.exists()


def test_not_the_same_person_is_never_suggested_again(
    owner: User,
    public_search: SearchRegistration,
    self_search: SearchRegistration,
    django_capture_on_commit_callbacks: Any,
) -> None:
    candidate = _story(owner, public_search, self_search, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        services.candidate_not_same(actor=owner, candidate=candidate, note=" ")
    services.candidate_not_same(actor=owner, candidate=candidate, note="比对照片明显不是")
    # the nightly run ranks again: the pair stays rejected, and is not suggested anew
    assert services.searches_match([public_search.pk]) == 1
    rows = list(Candidate.objects.filter(search=public_search))
    assert [(c.found_id, c.state) for c in rows] == [(candidate.found_id, Candidate.State.NOT_SAME)]


def test_requesting_dna_for_an_unsampled_found_person_asks_the_police_to_sample_him(
    owner: User,
    public_search: SearchRegistration,
    self_search: SearchRegistration,
    django_capture_on_commit_callbacks: Any,
) -> None:
    candidate = _story(owner, public_search, self_search, django_capture_on_commit_callbacks)
    candidate = services.candidate_request_dna(actor=owner, candidate=candidate)
    assert candidate.state == Candidate.State.DNA_REQUESTED
    request = CheckRequest.objects.get(pk=candidate.dna_request_id)
    assert request.source == CheckRequest.Source.REUNION_CANDIDATE
    self_search.refresh_from_db()
    assert request.person_id == self_search.person_id
    # nothing to compare yet, so nothing can be confirmed
    with pytest.raises(DomainError) as early:
        services.candidate_compare_dna(actor=owner, candidate=candidate)
    assert early.value.code == services.ReunionError.NOT_SAMPLED
    with pytest.raises(DomainError) as unconfirmed:
        services.candidate_confirm(actor=owner, candidate=candidate)
    assert unconfirmed.value.code == services.ReunionError.NO_DNA_SUPPORT


def test_a_found_person_is_registered_once_from_a_victim_of_unknown_identity(
    owner: User, outsider: User, person_factory: Any, yuzhong: Division
) -> None:
    victim = unknown_victim(owner, person_factory, yuzhong)
    found = services.found_person_register(
        actor=owner,
        source="victim",
        source_id=victim.pk,
        est_age_low=5,
        est_age_high=7,
        age_method="dental",
        marks="右耳前小孔",
    )
    assert found.division_id == yuzhong.pk and found.victim_id == victim.pk
    with pytest.raises(DomainError) as twice:
        services.found_person_register(actor=owner, source="victim", source_id=victim.pk)
    assert twice.value.status == 409
    assert twice.value.code == "reunion_found_person_exists"
    with pytest.raises(DomainError) as elsewhere:
        services.found_person_register(actor=outsider, source="victim", source_id=victim.pk)
    assert elsewhere.value.status == 404
    assert elsewhere.value.code == "reunion_source_not_found"
    with pytest.raises(ValidationError):
        services.found_person_register(
            actor=owner, source="found_child", source_id=1, est_age_low=9, est_age_high=3
        )


def test_a_correction_in_the_person_register_is_searched_at_once_not_after_the_cache(
    owner: User, person_factory: Any, yuzhong: Division, settings: Any
) -> None:
    """A found person's name, sex and date of birth live on the person record of its
    source (here a rescued victim). Correcting them there bumps that record's version, so
    the cached index is rebuilt at the next search, not after REUNION_INDEX_CACHE_SECONDS."""
    from homeward.people.services import person_update
    from homeward.reunion import engine

    settings.REUNION_INDEX_CACHE_SECONDS = 86400
    victim = unknown_victim(owner, person_factory, yuzhong, created_by=owner)
    person = victim.person
    found = services.found_person_register(actor=owner, source="victim", source_id=victim.pk)
    first = engine.matchable_index()
    assert engine.matchable_index() is first
    assert engine.found_fields(found)["name"] == ""  # a placeholder is no name
    person.refresh_from_db()
    person_update(actor=owner, person=person, version=person.version, full_name="李小军")
    second = engine.matchable_index()
    assert second is not first
    found.refresh_from_db()
    assert engine.found_fields(found)["name"] == "李小军"
    assert engine.matchable_index() is second


def test_the_tick_job_reranks_searches_not_ranked_for_a_day(
    owner: User,
    public_search: SearchRegistration,
    self_search: SearchRegistration,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    _story(owner, public_search, self_search, django_capture_on_commit_callbacks)
    assert services.searches_rematch_due() == 0
    later = timezone.now() + timedelta(hours=25)
    assert services.searches_rematch_due(later) == 1
    public_search.refresh_from_db()
    assert public_search.matched_at == later


def test_dna_confirmation_links_the_search_and_the_found_person(
    owner: User,
    public_search: SearchRegistration,
    self_search: SearchRegistration,
    django_capture_on_commit_callbacks: Any,
    make_user: Callable[..., User],
    settings: Any,
    tmp_path: Any,
) -> None:
    candidate = _story(owner, public_search, self_search, django_capture_on_commit_callbacks)
    sample_both_sides(
        public_search,
        self_search,
        make_user,
        settings,
        tmp_path,
        django_capture_on_commit_callbacks,
    )
    # when the police request the comparison, the kinship engine runs at once
    candidate = services.candidate_request_dna(actor=owner, candidate=candidate)
    assert candidate.dna_decision == "SUPPORTS"
    assert candidate.log10_lr_dna is not None and candidate.log10_lr_dna > 4
    assert candidate.combined_posterior is not None and candidate.combined_posterior > 0.999
    assert candidate.dna_request_id is None
    # then confirming links both sides
    candidate = services.candidate_confirm(actor=owner, candidate=candidate, note="DNA比中")
    public_search.refresh_from_db()
    self_search.refresh_from_db()
    found = FoundPerson.objects.get(self_search=self_search)
    assert candidate.state == Candidate.State.CONFIRMED
    assert public_search.status == SearchRegistration.Status.MATCHED
    assert found.status == FoundPerson.Status.MATCHED
    assert self_search.status == SearchRegistration.Status.MATCHED
    view = services.search_status_for_family(tracking_code=public_search.tracking_code, secret="")
    assert view is None  # the secret is still needed


def sample_both_sides(
    search: SearchRegistration,
    self_search: SearchRegistration,
    make_user: Callable[..., User],
    settings: Any,
    tmp_path: Any,
    capture: Any,
    *,
    related: bool = True,
) -> None:
    """The DNA unit imports the parents (family FAM0000) and the man's specimen (the
    family's real child C0000, or an unrelated U0000), and links them to the search."""
    from homeward.core.roles import Role
    from homeward.dna.models import ReferenceFamily, Specimen
    from homeward.dna.services import family_link_missing_child, specimen_link_person
    from homeward.dna.tests.test_dna_module import _import_population, _population

    settings.DNA_INDEX_DIR = tmp_path / "dna-index"
    analyst = make_user(roles=[Role.DNA_ANALYST], agency_code="cq-public_security", username="dna")
    with capture(execute=True):
        _import_population(analyst, _population(n=1, unrelated=1))
    search.refresh_from_db()
    self_search.refresh_from_db()
    family_link_missing_child(
        actor=analyst,
        family=ReferenceFamily.objects.get(code="FAM0000"),
        person_id=search.person_id,
        purpose=f"寻亲 {search.tracking_code}",
    )
    specimen = Specimen.objects.get(specimen_id="C0000" if related else "U0000")
    specimen_link_person(
        actor=analyst, specimen=specimen, person_id=self_search.person_id, purpose="寻亲比对"
    )


def test_an_unrelated_specimen_does_not_support_and_cannot_be_confirmed(
    owner: User,
    public_search: SearchRegistration,
    self_search: SearchRegistration,
    django_capture_on_commit_callbacks: Any,
    make_user: Callable[..., User],
    settings: Any,
    tmp_path: Any,
) -> None:
    candidate = _story(owner, public_search, self_search, django_capture_on_commit_callbacks)
    sample_both_sides(
        public_search,
        self_search,
        make_user,
        settings,
        tmp_path,
        django_capture_on_commit_callbacks,
        related=False,
    )
    candidate = services.candidate_request_dna(actor=owner, candidate=candidate)
    assert candidate.dna_decision != "SUPPORTS"
    assert candidate.combined_posterior is not None and candidate.combined_posterior < 0.5
    with pytest.raises(DomainError) as unsupported:
        services.candidate_confirm(actor=owner, candidate=candidate)
    assert unsupported.value.code == "reunion_dna_does_not_support"


def test_a_new_found_person_reranks_only_the_searches_he_can_enter(
    owner: User,
    public_search: SearchRegistration,
    self_search: SearchRegistration,
    yuzhong: Division,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from homeward.reunion.services.matching import searches_affected_by

    # given the family's search for the boy, and another family's search for a girl
    # lost in 2015 (another sex, born twenty years later), both verified
    girl = services.search_register(
        actor=owner,
        kind="family",
        division=yuzhong,
        **{
            **FAMILY_FIELDS,
            "name": "刘小燕",
            "nickname": "燕子",
            "sex": "female",
            "birth_date": "2012-06",
            "age_stated": 3,
            "missing_date": "2015-08",
            "marks": "",
        },
    )
    _verify(owner, public_search, django_capture_on_commit_callbacks)
    _verify(owner, girl, django_capture_on_commit_callbacks)
    public_search.refresh_from_db()
    girl.refresh_from_db()
    girl_ranked_at = girl.matched_at
    # when the man's self-search is verified, he becomes a found person
    _verify(owner, self_search, django_capture_on_commit_callbacks)
    found = FoundPerson.objects.get(self_search=self_search)
    # then only the boy's search is ranked again, and he is its candidate
    assert searches_affected_by(found.pk) == [public_search.pk]
    girl.refresh_from_db()
    assert girl.matched_at == girl_ranked_at
    assert Candidate.objects.filter(search=public_search, found=found).exists()
    assert not Candidate.objects.filter(search=girl, found=found).exists()
    # and once he is the boy's candidate, a correction of his record re-ranks that search
    assert searches_affected_by(found.pk) == [public_search.pk]


def test_the_found_index_is_kept_while_the_table_is_unchanged(
    owner: User,
    public_search: SearchRegistration,
    self_search: SearchRegistration,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    from homeward.reunion import engine

    settings.REUNION_INDEX_CACHE_SECONDS = 300
    _verify(owner, self_search, django_capture_on_commit_callbacks)
    first = engine.matchable_index()
    # unchanged table: the same index object, not a rebuild
    assert engine.matchable_index() is first
    assert first.n == 1
    # a correction (a new version) rebuilds it
    found = FoundPerson.objects.get(self_search=self_search)
    with django_capture_on_commit_callbacks(execute=True):
        services.found_person_update(
            actor=owner, found=found, version=found.version, accent="重庆口音"
        )
    second = engine.matchable_index()
    assert second is not first
    # a confirmed (matched) found person leaves the table: rebuilt, and empty
    FoundPerson.objects.filter(pk=found.pk).update(status=FoundPerson.Status.MATCHED)
    assert engine.matchable_index().n == 0
    # with the cache off, every call rebuilds
    settings.REUNION_INDEX_CACHE_SECONDS = 0
    assert engine.matchable_index() is not engine.matchable_index()


def test_a_found_person_links_exactly_its_own_source(owner: User, yuzhong: Division) -> None:
    """The database refuses a found person without the link of its source (registering
    one through the services, with its link, is tested above)."""
    from django.db import IntegrityError, transaction

    from homeward.core.models import Agency

    agency = Agency.objects.filter(division=yuzhong).first()
    common = {"division": yuzhong, "owning_agency": agency, "registered_by": owner}
    for source in ("victim", "found_child", "registration_check", "self_search"):
        with pytest.raises(IntegrityError, match="CHECK|check"), transaction.atomic():
            FoundPerson.objects.create(source=source, **common)
    assert not FoundPerson.objects.exists()
