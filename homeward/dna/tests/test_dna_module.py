"""The police-only DNA module end to end: import with every error listed, a child
found among registered couples, review before anyone else is told, and no access for
anyone outside the DNA role (issue 3)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.core.errors import DomainError
from homeward.core.models import AuditEvent, User
from homeward.core.roles import Role
from homeward.dna.engine import frequency_table
from homeward.dna.kits import KIT_LOCI, Kit
from homeward.dna.models import ImportBatch, MatchCandidate, MatchRun, Specimen
from homeward.dna.services import candidate_review, match_run_start, specimens_import
from homeward.kinship.simulate import simulate_families

pytestmark = pytest.mark.django_db

LOCI = KIT_LOCI[Kit.AGCU_EX22].autosomal
CANARY_LOCUS = "D8S1179"


@pytest.fixture(autouse=True)
def _index_dir(settings: object, tmp_path: Path) -> None:
    settings.DNA_INDEX_DIR = tmp_path / "dna-index"  # type: ignore[attr-defined]


@pytest.fixture
def analyst(make_user: Callable[..., User]) -> User:
    return make_user(roles=[Role.DNA_ANALYST], agency_code="cq-public_security", username="dna.lab")


def _verified(user: User, client_for: Callable[[User], Client]) -> Client:
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    client = client_for(user)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post("/account/otp/", {"otp_token": f"{code:06d}"})
    return client


def _reauthenticate(user: User, client: Client, *, steps_ahead: int = 1) -> object:
    """Step-up with the next time step's code (the current one was used at sign-in)."""
    device = TOTPDevice.objects.get(user=user)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    from homeward.testing.factories import TEST_PASSWORD

    return client.post(
        "/account/reauthenticate/", {"password": TEST_PASSWORD, "otp_token": f"{code:06d}"}
    )


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def _population(n: int = 30, unrelated: int = 10) -> object:
    return simulate_families(frequency_table(), n, seed=7, loci=LOCI, unrelated=unrelated)


def _long_rows(
    population: object, role: str, prefix: str, *, family: bool = False
) -> list[list[str]]:
    rows = []
    people = getattr(population, role)
    for i in range(people.shape[0]):
        profile = population.profile(role, i, f"{prefix}{i:04d}")  # type: ignore[attr-defined]
        for locus, (a, b) in profile.genotypes.items():
            row = [profile.sample_id, locus, a, b]
            if family:
                row += [f"FAM{i:04d}", role]
            rows.append(row)
    return rows


def _import_population(analyst: User, population: object) -> None:
    header = ["sample", "locus", "allele1", "allele2", "family", "family_role"]
    parents = _long_rows(population, "father", "F", family=True) + _long_rows(
        population, "mother", "M", family=True
    )
    batch = specimens_import(
        actor=analyst,
        file_name="parents.csv",
        data=_csv([header, *parents]),
        kit=Kit.AGCU_EX22,
        sample_type=Specimen.SampleType.PARENT_OF_MISSING_CHILD,
        lab="市公安局刑侦总队DNA实验室",
    )
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    children = _long_rows(population, "child", "C") + _long_rows(population, "unrelated", "U")
    batch = specimens_import(
        actor=analyst,
        file_name="children.csv",
        data=_csv([header[:4], *children]),
        kit=Kit.AGCU_EX22,
        sample_type=Specimen.SampleType.UNKNOWN_ORIGIN_CHILD,
        lab="市公安局刑侦总队DNA实验室",
    )
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors


def import_retest(analyst: User, child_id: str, new_id: str) -> Specimen:
    """A new specimen of the child, typed again (the same genotype): the re-test."""
    from homeward.kinship.profiles import AMELOGENIN

    genotype = json.loads(Specimen.objects.get(specimen_id=child_id).genotype)
    rows = [
        [new_id, locus, alleles[0], alleles[-1]]
        for locus, alleles in genotype.items()
        if locus != AMELOGENIN
    ]
    batch = specimens_import(
        actor=analyst,
        file_name="retest.csv",
        data=_csv([["sample", "locus", "allele1", "allele2"], *rows]),
        kit=Kit.AGCU_EX22,
        sample_type=Specimen.SampleType.UNKNOWN_ORIGIN_CHILD,
        lab="市公安局刑侦总队DNA实验室",
    )
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    return Specimen.objects.get(specimen_id=new_id)


def confirm_by_retest(
    candidate: MatchCandidate, *, first: User, second: User, retest: Specimen
) -> MatchCandidate:
    """Re-sampling asked by the first analyst, confirmed by a second on the re-test."""
    candidate_review(actor=first, candidate=candidate, to="resampling", note="")
    return candidate_review(
        actor=second,
        candidate=candidate,
        to="confirmed",
        note="复检报告2026-90",
        retest_specimen_id=retest.specimen_id,
    )


def _imported_and_searched(
    analyst: User,
    capture: Callable[..., object],
    *,
    families: int,
    unrelated: int,
    specimen: str,
    purpose: str,
) -> MatchRun:
    """Import simulated families and children, then search one specimen (tasks run on
    commit, as in production)."""
    with capture(execute=True):  # type: ignore[operator]
        _import_population(analyst, _population(n=families, unrelated=unrelated))
        run = match_run_start(
            actor=analyst, specimen=Specimen.objects.get(specimen_id=specimen), purpose=purpose
        )
    run.refresh_from_db()
    return run


def test_a_child_of_unknown_origin_finds_its_parents_first(
    analyst: User, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    # given thirty registered couples and their children (plus unrelated people)
    population = _population()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _import_population(analyst, population)
    assert Specimen.objects.count() == 30 * 3 + 10
    # when child 5 is searched
    child = Specimen.objects.get(specimen_id="C0005")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        run = match_run_start(actor=analyst, specimen=child, purpose="刑案2026-0042")
    run.refresh_from_db()
    # then its own family ranks first, as a couple, supporting parentage
    assert run.status == MatchRun.Status.DONE, run.error
    best = run.candidates.get(rank=1)
    assert best.family is not None and best.family.code == "FAM0005"
    assert best.hypothesis == "couple"
    assert best.decision == "SUPPORTS" and best.log10_lr > 4
    assert run.provenance["table_digest"] and run.provenance["index_size"] == 30
    assert len(json.loads(best.per_locus_table)) == len(LOCI)
    assert AuditEvent.objects.filter(action="dna_search", detail__purpose="刑案2026-0042").exists()


def test_a_run_with_shards_gives_the_candidates_of_a_single_scan(
    analyst: User, settings: object, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    """DNA_SEARCH_SHARDS > 1 sends the scan through homeward.dna.sharding (in-process here,
    tasks being eager; on Celery workers in test_sharded_search)."""
    single = _imported_and_searched(
        analyst,
        django_capture_on_commit_callbacks,
        families=6,
        unrelated=4,
        specimen="C0004",
        purpose="刑案2026-70",
    )
    settings.DNA_SEARCH_SHARDS = 3  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        sharded = match_run_start(
            actor=analyst, specimen=Specimen.objects.get(specimen_id="C0004"), purpose="刑案2026-71"
        )
    sharded.refresh_from_db()
    assert sharded.provenance["timings"]["shards"] == 3.0

    def rows(run: MatchRun) -> list[tuple[object, ...]]:
        return list(
            run.candidates.order_by("rank").values_list("family__code", "log10_lr", "decision")
        )

    assert rows(sharded) == rows(single) and rows(single)[0][0] == "FAM0004"


def test_parents_find_their_child_among_unknown_children(
    analyst: User, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    run = _imported_and_searched(
        analyst,
        django_capture_on_commit_callbacks,
        families=12,
        unrelated=5,
        specimen="M0003",
        purpose="寻亲2026-7",
    )
    run.refresh_from_db()
    best = run.candidates.get(rank=1)
    assert best.child_specimen.specimen_id == "C0003"
    assert best.family is not None and best.family.code == "FAM0003"


def test_an_import_with_errors_stores_nothing_and_lists_every_row(analyst: User) -> None:
    population = _population(n=2, unrelated=0)
    rows = [["sample", "locus", "allele1", "allele2"], *_long_rows(population, "child", "C")]
    rows.append(["C0000", "D99S999", "12", "13"])  # unknown locus
    rows.append(["C0001", "Penta Q", "12", ""])  # unknown locus
    rows[3][2] = "twelve"  # malformed allele, file row 4 (the header is row 1)
    rows.append(["C0009", "vWA", "14", "15"])  # too few loci for C0009
    batch = specimens_import(
        actor=analyst,
        file_name="bad.csv",
        data=_csv(rows),
        kit=Kit.AGCU_EX22,
        sample_type=Specimen.SampleType.UNKNOWN_ORIGIN_CHILD,
        lab="lab",
    )
    assert batch.status == ImportBatch.Status.REJECTED
    reasons = [(e["row"], e["column"]) for e in batch.errors]
    assert (4, "allele") in reasons
    assert (len(rows) - 1, "locus") in reasons and (len(rows) - 2, "locus") in reasons
    assert (len(rows), "sample") in reasons  # C0009: one locus is too few
    assert Specimen.objects.count() == 0


def test_a_wide_table_and_a_duplicate_specimen(analyst: User) -> None:
    population = _population(n=1, unrelated=0)
    profile = population.profile("child", 0, "W0001")  # type: ignore[attr-defined]
    header = ["sample", *profile.genotypes]
    row = ["W0001", *(f"{a}/{b}" for a, b in profile.genotypes.values())]
    kwargs = {"kit": Kit.AGCU_EX22, "sample_type": Specimen.SampleType.RESCUED_VICTIM, "lab": "lab"}
    first = specimens_import(
        actor=analyst, file_name="wide.csv", data=_csv([header, row]), **kwargs
    )
    assert first.status == ImportBatch.Status.IMPORTED and first.specimen_count == 1
    again = specimens_import(
        actor=analyst, file_name="wide.csv", data=_csv([header, row]), **kwargs
    )
    assert again.status == ImportBatch.Status.REJECTED
    assert "W0001" in again.errors[0]["reason"]
    three = specimens_import(
        actor=analyst,
        file_name="w3.csv",
        data=_csv([header, ["W0002", "10/11/12", *row[2:]]]),
        **kwargs,
    )
    assert three.status == ImportBatch.Status.REJECTED
    assert (
        "More than two alleles" in three.errors[0]["reason"] or "两个" in three.errors[0]["reason"]
    )


def test_only_public_security_may_import(make_user: Callable[..., User]) -> None:
    caseworker = make_user(
        roles=[Role.CIVIL_AFFAIRS_CASEWORKER], agency_code="500101-civil_affairs"
    )
    with pytest.raises(DomainError) as error:
        specimens_import(
            actor=caseworker,
            file_name="x.csv",
            data=b"sample,locus\n",
            kit=Kit.OTHER,
            sample_type="parent",
            lab="x",
        )
    assert error.value.code == "not_public_security"
    assert error.value.status == 403


def test_a_match_is_confirmed_only_after_resampling(
    analyst: User,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    """Issue 18: confirmation needs a re-test specimen that matches and a second analyst."""
    run = _imported_and_searched(
        analyst,
        django_capture_on_commit_callbacks,
        families=3,
        unrelated=1,
        specimen="C0001",
        purpose="刑案2026-1",
    )
    second = make_user(
        roles=[Role.DNA_ANALYST], agency_code="cq-public_security", username="dna.lab2"
    )
    retest = import_retest(analyst, "C0001", "C0001-R")
    candidate = MatchCandidate.objects.get(run=run, rank=1)
    with pytest.raises(DomainError) as error:
        candidate_review(
            actor=second,
            candidate=candidate,
            to="confirmed",
            note="复检",
            retest_specimen_id="C0001-R",
        )
    assert error.value.status == 409
    candidate_review(actor=analyst, candidate=candidate, to="resampling", note="")
    # the analyst who ran the search (and asked for re-sampling) cannot confirm
    with pytest.raises(DomainError) as error:
        candidate_review(
            actor=analyst,
            candidate=candidate,
            to="confirmed",
            note="复检报告2026-88",
            retest_specimen_id="C0001-R",
        )
    assert error.value.code == "second_analyst_required"
    # no re-test, a specimen already compared, a re-test of someone else: refused
    for specimen_id, code in (
        ("", "retest_required"),
        ("C0001", "retest_required"),
        ("F0001", "retest_required"),
        ("U0000", "retest_no_match"),
    ):
        with pytest.raises(DomainError) as error:
            candidate_review(
                actor=second,
                candidate=candidate,
                to="confirmed",
                note="复检报告2026-88",
                retest_specimen_id=specimen_id,
            )
        assert error.value.code == code, specimen_id
    with pytest.raises(DomainError) as refused:
        candidate_review(
            actor=second, candidate=candidate, to="confirmed", note="", retest_specimen_id="C0001-R"
        )
    assert refused.value.code == "purpose_required"
    confirmed = candidate_review(
        actor=second,
        candidate=candidate,
        to="confirmed",
        note="复检报告2026-88",
        retest_specimen_id="C0001-R",
    )
    assert confirmed.review == MatchCandidate.Review.CONFIRMED
    assert confirmed.retest_specimen == retest and (confirmed.retest_log10_lr or 0) > 4
    assert AuditEvent.objects.filter(action="dna_match_review").count() == 2
    assert AuditEvent.objects.filter(detail__retest="C0001-R").exists()


def test_the_review_page_says_why_a_confirmation_is_refused(
    analyst: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    run = _imported_and_searched(
        analyst,
        django_capture_on_commit_callbacks,
        families=2,
        unrelated=0,
        specimen="C0001",
        purpose="刑案2026-2",
    )
    candidate = MatchCandidate.objects.get(run=run, rank=1)
    candidate_review(actor=analyst, candidate=candidate, to="resampling", note="")
    client = _verified(analyst, client_for)
    url = f"/dna/candidates/{candidate.pk}/"
    own = client.post(url, {"to": "confirmed", "note": "复检报告1", "retest_specimen": "X"})
    assert own.status_code == 200 and "第二名" in own.content.decode()
    second = make_user(
        roles=[Role.DNA_ANALYST], agency_code="cq-public_security", username="dna.lab3"
    )
    other = _verified(second, client_for)
    missing = other.post(url, {"to": "confirmed", "note": "复检报告1", "retest_specimen": ""})
    assert missing.status_code == 200
    assert re.search(r'id="id_retest_specimen"[^>]*aria-invalid', missing.content.decode()) or (
        "复检" in missing.content.decode()
    )
    import_retest(analyst, "C0001", "C0001-R2")
    done = other.post(url, {"to": "confirmed", "note": "复检报告1", "retest_specimen": "C0001-R2"})
    assert done.status_code == 302
    assert MatchCandidate.objects.get(pk=candidate.pk).review == "confirmed"


def test_pages_for_the_analyst_with_a_stated_purpose(
    analyst: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    client = _verified(analyst, client_for)
    population = _population(n=3, unrelated=1)
    header = ["sample", "locus", "allele1", "allele2", "family", "family_role"]
    parents = _long_rows(population, "father", "F", family=True) + _long_rows(
        population, "mother", "M", family=True
    )
    upload = SimpleUploadedFile("parents.csv", _csv([header, *parents]), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(
            "/dna/import/",
            {"file": upload, "kit": Kit.AGCU_EX22, "sample_type": "parent", "lab": "刑侦总队"},
        )
    assert response.status_code == 302
    assert client.get("/dna/").status_code == 200
    detail = client.get("/dna/specimens/F0001/")
    assert CANARY_LOCUS.encode() not in detail.content  # no genotype without a purpose
    # Loci need a fresh step-up: password and a new code (AUTH-08).
    refused = client.post("/dna/specimens/F0001/", {"purpose": "寻亲2026-3"})
    assert refused.status_code == 302 and "/account/reauthenticate/" in refused["Location"]
    assert _reauthenticate(analyst, client).status_code == 302  # type: ignore[attr-defined]
    shown = client.post("/dna/specimens/F0001/", {"purpose": "寻亲2026-3"})
    assert CANARY_LOCUS.encode() in shown.content
    assert AuditEvent.objects.filter(action="dna_read", detail__purpose="寻亲2026-3").exists()
    assert client.post("/dna/specimens/F0001/search/", {"search-purpose": ""}).status_code == 302
    assert not MatchRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        started = client.post("/dna/specimens/F0001/search/", {"search-purpose": "寻亲2026-3"})
    run = MatchRun.objects.get()
    assert started["Location"] == f"/dna/runs/{run.pk}/"
    assert client.get(started["Location"]).status_code == 200
    bad = SimpleUploadedFile("x.txt", b"hello", content_type="text/plain")
    assert (
        b"errorlist"
        in client.post(
            "/dna/import/", {"file": bad, "kit": "other", "sample_type": "parent", "lab": "x"}
        ).content
    )


@pytest.mark.parametrize("role", [Role.CIVIL_AFFAIRS_CASEWORKER, Role.INVESTIGATOR, Role.ANALYST])
def test_nobody_outside_the_dna_role_sees_anything(
    role: Role,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    analyst: User,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    run = _imported_and_searched(
        analyst,
        django_capture_on_commit_callbacks,
        families=2,
        unrelated=0,
        specimen="C0001",
        purpose="刑案2026-5",
    )
    candidate = MatchCandidate.objects.filter(run=run).first()
    assert candidate is not None
    agency = "cq-public_security" if role == Role.INVESTIGATOR else "500101-civil_affairs"
    outsider = make_user(roles=[role], agency_code=agency)
    client = client_for(outsider)
    for path in (
        "/dna/",
        "/dna/import/",
        "/dna/specimens/C0001/",
        "/dna/runs/",
        f"/dna/runs/{run.pk}/",
        f"/dna/candidates/{candidate.pk}/",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert CANARY_LOCUS.encode() not in response.content  # no genotype, no per-locus table
    assert client.post("/dna/specimens/C0001/", {"purpose": "curious"}).status_code == 403


def test_the_printable_report_is_chinese_marked_unconfirmed_and_audited(
    analyst: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    run = _imported_and_searched(
        analyst,
        django_capture_on_commit_callbacks,
        families=3,
        unrelated=0,
        specimen="C0002",
        purpose="刑案2026-9",
    )
    candidate = MatchCandidate.objects.get(run=run, rank=1)
    client = _verified(analyst, client_for)
    _reauthenticate(analyst, client)
    html = client.post(
        f"/dna/candidates/{candidate.pk}/report/", {"purpose": "刑案2026-9"}
    ).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "比中待复核" in html and "C0002" in html and "FAM0002" in html
    assert AuditEvent.objects.filter(action="dna_report_print").count() == 1


def test_the_index_rebuilds_from_the_database_and_searches_still_rank_the_family_first(
    analyst: User, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    from django.core.management import call_command

    population = _population(n=5, unrelated=2)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _import_population(analyst, population)
    out = io.StringIO()
    call_command("dna_rebuild_index", stdout=out)
    assert "12 rows" in out.getvalue()  # 5 families + 5 children + 2 unrelated
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        run = match_run_start(
            actor=analyst, specimen=Specimen.objects.get(specimen_id="C0004"), purpose="刑案2026-11"
        )
    assert MatchCandidate.objects.get(run=run, rank=1).family.code == "FAM0004"  # type: ignore[union-attr]


def test_the_pdf_report_holds_the_chinese_text_and_the_watermark(
    analyst: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    from pypdf import PdfReader

    run = _imported_and_searched(
        analyst,
        django_capture_on_commit_callbacks,
        families=3,
        unrelated=0,
        specimen="C0001",
        purpose="刑案2026-12",
    )
    candidate = MatchCandidate.objects.get(run=run, rank=1)
    client = _verified(analyst, client_for)
    _reauthenticate(analyst, client)
    response = client.post(f"/dna/candidates/{candidate.pk}/report.pdf", {"purpose": "复核2026-12"})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "比中待复核" in text and "刑案2026-12" in text and "FAM0001" in text
    assert "dna.lab" in text  # the watermark names who printed it
    assert AuditEvent.objects.filter(action="dna_report_print", detail__format="pdf").exists()


def test_the_accuracy_page_runs_a_simulation(
    analyst: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    from homeward.dna.models import AccuracyReport

    client = _verified(analyst, client_for)
    from django.utils import translation

    empty = client.get("/dna/accuracy/")
    with translation.override("zh-hans"):
        assert translation.gettext("No simulation has been run yet.") in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert client.post("/dna/accuracy/", {"queries": "10", "decoys": "1000"}).status_code == 302
    report = AccuracyReport.objects.get()
    assert report.status == AccuracyReport.Status.DONE
    assert [row["loci"] for row in report.results["rows"]] == [15, 19, 21, 23]
    html = client.get("/dna/accuracy/").content.decode()
    assert "100%" in html  # true couples rank first


def test_linking_a_specimen_to_a_person_and_the_confirmed_match_seam(
    analyst: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    from homeward.dna.models import ReferenceFamily
    from homeward.dna.selectors import confirmed_family_for_child
    from homeward.people.services import person_create

    population = _population(n=2, unrelated=0)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _import_population(analyst, population)
    from homeward.core.models import Division
    from homeward.core.roles import Role
    from homeward.testing.factories import UserFactory, agency

    # The people are registered by an investigator: a DNA analyst does not register people.
    registrar = UserFactory(roles=[Role.INVESTIGATOR], agency=agency("cq-public_security"))
    child_person = person_create(
        actor=registrar, full_name="无名氏甲", division=Division.objects.get(code="500101")
    )
    missing = person_create(
        actor=registrar, full_name="李小明", division=Division.objects.get(code="500101")
    )
    client = _verified(analyst, client_for)
    # The analyst links the family to the child it searches for, on a parent's specimen
    # page: a bad number is a field error, a person out of scope is refused.
    father = ReferenceFamily.objects.get(code="FAM0001").specimens.first()
    assert father is not None
    page = f"/dna/specimens/{father.specimen_id}/"
    bad = client.post(page, {"family-person_id": "x", "family-purpose": "寻亲2026-21"})
    assert bad.status_code == 200
    assert re.search(r'name="family-person_id"[^>]*aria-invalid="true"', bad.content.decode())
    linked = client.post(page, {"family-person_id": missing.pk, "family-purpose": "寻亲2026-21"})
    assert linked.status_code == 302
    assert ReferenceFamily.objects.get(code="FAM0001").missing_child == missing
    assert AuditEvent.objects.get(action="dna_family_link").detail["person"] == missing.pk
    response = client.post(
        "/dna/specimens/C0001/", {"link-person_id": child_person.pk, "link-purpose": "寻亲2026-21"}
    )
    assert response.status_code == 302, re.findall(
        r'<ul class="errorlist"[^>]*>(.*?)</ul>', response.content.decode()
    )
    assert Specimen.objects.get(specimen_id="C0001").person_link.person == child_person
    assert confirmed_family_for_child(child_person.pk) is None  # nothing before confirmation
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        run = match_run_start(
            actor=analyst, specimen=Specimen.objects.get(specimen_id="C0001"), purpose="寻亲2026-21"
        )
    candidate = MatchCandidate.objects.get(run=run, rank=1)
    second = UserFactory(roles=[Role.DNA_ANALYST], agency=agency("cq-public_security"))
    retest = import_retest(analyst, "C0001", "C0001-R")
    confirm_by_retest(candidate, first=analyst, second=second, retest=retest)
    assert confirmed_family_for_child(child_person.pk) == missing.pk


def test_the_step_up_lasts_five_minutes_and_a_wrong_code_is_refused(
    analyst: User, client_for: Callable[[User], Client]
) -> None:
    from datetime import timedelta

    import time_machine
    from django.conf import settings
    from django.utils import timezone

    population = _population(n=1, unrelated=0)
    profile = population.profile("child", 0, "S0001")  # type: ignore[attr-defined]
    rows = [
        ["sample", "locus", "allele1", "allele2"],
        *[[profile.sample_id, locus, a, b] for locus, (a, b) in profile.genotypes.items()],
    ]
    specimens_import(
        actor=analyst,
        file_name="s.csv",
        data=_csv(rows),
        kit=Kit.AGCU_EX22,
        sample_type="rescued_victim",
        lab="x",
    )
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client = _verified(analyst, client_for)
        wrong = client.post(
            "/account/reauthenticate/", {"password": "wrong-Password-9!", "otp_token": "123456"}
        )
        assert wrong.status_code == 200
        assert AuditEvent.objects.filter(action="reauthentication_failed").exists()
        assert _reauthenticate(analyst, client).status_code == 302  # type: ignore[attr-defined]
        assert (
            CANARY_LOCUS.encode()
            in client.post("/dna/specimens/S0001/", {"purpose": "救助2026-1"}).content
        )
        traveller.shift(settings.STEP_UP_WINDOW + timedelta(minutes=1))
        again = client.post("/dna/specimens/S0001/", {"purpose": "救助2026-1"})
        assert again.status_code == 302 and "/account/reauthenticate/" in again["Location"]
