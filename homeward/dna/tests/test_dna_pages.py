"""The DNA pages through a browser's requests (issue 12, issue 17 defect 1): a child of
unknown origin searched end to end, candidates only above the decision threshold, the
row naming who it is, and one rule (a stated purpose and a fresh step-up) for every
page that shows loci."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from homeward.core.models import AuditEvent, User
from homeward.dna.models import MatchCandidate, MatchRun
from homeward.dna.tests.test_dna_module import (
    CANARY_LOCUS,
    _import_population,
    _population,
    _reauthenticate,
    _verified,
    analyst,
)

pytestmark = pytest.mark.django_db

__all__ = ["analyst"]  # the fixture, imported for this module's tests


@pytest.fixture(autouse=True)
def _index_dir(settings: object, tmp_path: object) -> None:
    settings.DNA_INDEX_DIR = tmp_path / "dna-index"  # type: ignore[attr-defined, operator]


def _child_search_through_pages(
    analyst: User,
    client: Client,
    capture: Callable[..., object],
    *,
    families: int = 4,
    unrelated: int = 3,
    child: str = "C0002",
) -> MatchRun:
    with capture(execute=True):  # type: ignore[operator]
        _import_population(analyst, _population(n=families, unrelated=unrelated))
        started = client.post(f"/dna/specimens/{child}/search/", {"search-purpose": "寻亲2026-44"})
    assert started.status_code == 302, started
    run = MatchRun.objects.get()
    assert started["Location"] == f"/dna/runs/{run.pk}/"
    return run


def test_a_child_of_unknown_origin_is_searched_end_to_end_through_the_pages(
    analyst: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    """Issue 12 break 1: the run of a specimen query (no family) gave a 500 on its page
    and on /dna/runs/ for everyone."""
    client = _verified(analyst, client_for)
    run = _child_search_through_pages(analyst, client, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.query_family is None and run.status == MatchRun.Status.DONE
    page = client.get(f"/dna/runs/{run.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "C0002" in html
    # the row names the family and who its parents are
    assert "FAM0002" in html and "F0002" in html and "M0002" in html
    polled = client.get(f"/dna/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert polled.status_code == 200
    listing = client.get("/dna/runs/")
    assert listing.status_code == 200 and "C0002" in listing.content.decode()
    best = MatchCandidate.objects.get(run=run, rank=1)
    assert best.family is not None and best.family.code == "FAM0002"
    detail = client.get(f"/dna/candidates/{best.pk}/")
    assert detail.status_code == 200


def test_the_candidate_column_names_each_row_and_excluded_rows_are_not_candidates(
    analyst: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    """Issue 12 DNA screens: only a hit over the decision threshold is 比中待复核; every
    row names its own counterpart, not the query's family code."""
    client = _verified(analyst, client_for)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _import_population(analyst, _population(n=5, unrelated=4))
        client.post("/dna/specimens/M0003/search/", {"search-purpose": "寻亲2026-45"})
    run = MatchRun.objects.get()
    candidates = list(MatchCandidate.objects.filter(run=run).order_by("rank"))
    assert len(candidates) > 2
    assert candidates[0].child_specimen.specimen_id == "C0003"
    assert candidates[0].decision == "SUPPORTS"
    assert candidates[0].review == MatchCandidate.Review.CANDIDATE
    below = [c for c in candidates if c.decision != "SUPPORTS"]
    assert below, "the other children are below the threshold"
    assert all(c.review == MatchCandidate.Review.BELOW_THRESHOLD for c in below)
    html = client.get(f"/dna/runs/{run.pk}/").content.decode()
    from homeward.testing.language import assert_no_english

    assert_no_english(html, where="run page")
    detail = client.get(f"/dna/candidates/{candidates[-1].pk}/").content.decode()
    assert_no_english(detail, where="candidate page")
    # each row names its child, and the query's family code is not repeated on every row
    for candidate in candidates:
        assert candidate.child_specimen.specimen_id in html
    assert html.count("FAM0003") <= 1
    assert html.count("比中待复核") == 1  # the one supported hit only
    for code in ("SUPPORTS", "EXCLUDES", "INCONCLUSIVE", ">couple<", ">duo<"):
        assert code not in html
    # a row below the threshold cannot be sent to re-sampling
    from homeward.core.errors import DomainError
    from homeward.dna.services import candidate_review

    with pytest.raises(DomainError):
        candidate_review(actor=analyst, candidate=below[0], to="resampling", note="")


@pytest.mark.parametrize("page", ["detail", "report", "pdf"])
def test_every_page_that_shows_loci_asks_a_purpose_and_a_fresh_step_up(
    page: str,
    analyst: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    """Issue 17 defect 1: the candidate page, the printable report and its PDF showed the
    three genotypes at every locus without the step-up of the specimen page."""
    client = _verified(analyst, client_for)
    run = _child_search_through_pages(
        analyst, client, django_capture_on_commit_callbacks, families=3, unrelated=0
    )
    candidate = MatchCandidate.objects.get(run=run, rank=1)
    url = {
        "detail": f"/dna/candidates/{candidate.pk}/",
        "report": f"/dna/candidates/{candidate.pk}/report/",
        "pdf": f"/dna/candidates/{candidate.pk}/report.pdf",
    }[page]
    canary = CANARY_LOCUS.encode()
    # no loci by GET, or without a purpose
    opened = client.get(url)
    assert opened.status_code in {200, 302}
    assert canary not in opened.content and opened.get("Content-Type") != "application/pdf"
    no_purpose = client.post(url, {"purpose": ""})
    assert canary not in no_purpose.content
    assert no_purpose.get("Content-Type") != "application/pdf"
    # a purpose without a fresh step-up goes to the step-up page
    refused = client.post(url, {"purpose": "寻亲2026-46"})
    assert refused.status_code == 302 and "/account/reauthenticate/" in refused["Location"]
    assert not AuditEvent.objects.filter(action="dna_read", detail__purpose="寻亲2026-46").exists()
    assert _reauthenticate(analyst, client).status_code == 302  # type: ignore[attr-defined]
    shown = client.post(url, {"purpose": "寻亲2026-46"})
    assert shown.status_code == 200
    if page == "pdf":
        assert shown["Content-Type"] == "application/pdf"
    else:
        assert canary in shown.content
    assert AuditEvent.objects.filter(action="dna_read", detail__purpose="寻亲2026-46").exists()


def test_an_outsider_gets_nothing_from_the_loci_pages(
    analyst: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    from homeward.core.roles import Role

    client = _verified(analyst, client_for)
    run = _child_search_through_pages(
        analyst, client, django_capture_on_commit_callbacks, families=2, unrelated=0, child="C0001"
    )
    candidate = MatchCandidate.objects.get(run=run, rank=1)
    outsider = client_for(make_user(roles=[Role.INVESTIGATOR], agency_code="cq-public_security"))
    for url in (
        f"/dna/candidates/{candidate.pk}/",
        f"/dna/candidates/{candidate.pk}/report/",
        f"/dna/candidates/{candidate.pk}/report.pdf",
    ):
        assert outsider.post(url, {"purpose": "curious-1"}).status_code == 403
        assert outsider.get(url).status_code == 403
