"""DNA pages: specimen registry, import with error report, genotype view behind a
stated purpose, match runs and their review. DNA role only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from homeward.core.errors import DomainError
from homeward.core.form_fields import posted_int
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_DNA_ADD, P_DNA_REVIEW, P_DNA_SEARCH, P_DNA_VIEW
from homeward.core.stepup import recently_reauthenticated
from homeward.dna.forms import FamilyLinkForm, ImportForm, PersonLinkForm, PurposeForm, ReviewForm
from homeward.dna.models import (
    ImportBatch,
    MatchCandidate,
    MatchRun,
    Specimen,
    SpecimenPersonLink,
)
from homeward.dna.reports import cpi_parts
from homeward.dna.selectors import (
    candidate_get_for_user,
    candidate_loci_read,
    imports_visible_to,
    run_get_for_user,
    runs_visible_to,
    specimen_genotype_read,
    specimen_get_for_user,
    specimens_visible_to,
)
from homeward.dna.services import (
    DnaError,
    candidate_review,
    family_link_missing_child,
    match_run_start,
    specimen_link_person,
    specimens_import,
)


def decision_min_loci() -> int:
    from homeward.kinship.decisions import DecisionRules

    return DecisionRules().min_loci_duo


def loci_gate(request: HttpRequest, *, back: str) -> HttpResponse | None:
    """One rule for every page that shows DNA loci (a specimen's genotype, a hit's
    per-locus table, the printable report and its PDF): the caller has a stated purpose
    from a :class:`PurposeForm` posted by the user, and the user re-authenticated within
    ``STEP_UP_WINDOW`` (SECURITY.md AUTH-08). Returns the redirect to the step-up page
    (coming back to ``back``), or None when the loci may be shown."""
    if recently_reauthenticated(request):
        return None
    return redirect(f"{reverse('core:reauthenticate')}?next={back}")


@requires(P_DNA_VIEW)
def specimen_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    specimens = specimens_visible_to(user)
    sample_type = request.GET.get("type", "")[:20]
    if sample_type:
        specimens = specimens.filter(sample_type=sample_type)
    page = Paginator(specimens, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dna/specimen_list.html",
        {"page": page, "sample_type": sample_type, "imports": imports_visible_to(user)[:5]},
    )


@requires(P_DNA_ADD)
@require_http_methods(["GET", "POST"])
def specimen_import(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    batch: ImportBatch | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = specimens_import(
                actor=user,
                file_name=upload.name,
                data=upload.read(),
                kit=form.cleaned_data["kit"],
                sample_type=form.cleaned_data["sample_type"],
                lab=form.cleaned_data["lab"],
                collected_on=form.cleaned_data["collected_on"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if batch.status == ImportBatch.Status.IMPORTED:
                messages.success(
                    request,
                    _("%(n)d specimens imported (file read as %(encoding)s).")
                    % {"n": batch.specimen_count, "encoding": getattr(batch, "encoding", "")},
                )
                undecidable = batch.specimens.filter(loci_count__lt=decision_min_loci()).count()
                if undecidable:
                    messages.warning(
                        request,
                        _(
                            "%(n)d of them are typed at fewer than %(min)d loci: they are "
                            "searched, but no comparison of them can be decided. Re-type them "
                            "with a fuller kit."
                        )
                        % {"n": undecidable, "min": decision_min_loci()},
                    )
                return redirect("dna:specimen_list")
    return render(request, "dna/import.html", {"form": form, "batch": batch})


@requires(P_DNA_VIEW)
@require_http_methods(["GET", "POST"])
def specimen_detail(request: HttpRequest, specimen_id: str) -> HttpResponse:
    user = current_user(request)
    specimen = specimen_get_for_user(user, specimen_id)
    linking = request.method == "POST" and "link-person_id" in request.POST
    family_linking = request.method == "POST" and "family-person_id" in request.POST
    form = PurposeForm(
        request.POST if request.method == "POST" and not (linking or family_linking) else None
    )
    link_form = PersonLinkForm(request.POST if linking else None, prefix="link")
    family_form = FamilyLinkForm(request.POST if family_linking else None, prefix="family")
    genotype = None
    if family_linking and specimen.family is not None and family_form.is_valid():
        try:
            family_link_missing_child(
                actor=user,
                family=specimen.family,
                person_id=family_form.cleaned_data["person_id"],
                purpose=family_form.cleaned_data["purpose"],
            )
        except Http404:
            family_form.add_error("person_id", _("No such person in your area of responsibility."))
        else:
            messages.success(request, _("The family is linked to its missing child."))
            return redirect("dna:specimen_detail", specimen_id=specimen.specimen_id)
    elif linking and link_form.is_valid():
        try:
            specimen_link_person(
                actor=user,
                specimen=specimen,
                person_id=link_form.cleaned_data["person_id"],
                purpose=link_form.cleaned_data["purpose"],
            )
        except Http404:
            link_form.add_error("person_id", _("No such person in your area of responsibility."))
        else:
            messages.success(request, _("Specimen linked to the person."))
            return redirect("dna:specimen_detail", specimen_id=specimen.specimen_id)
    elif form.is_bound and form.is_valid():
        refused = loci_gate(request, back=request.path)
        if refused is not None:
            return refused
        genotype = specimen_genotype_read(user, specimen, purpose=form.cleaned_data["purpose"])
    return render(
        request,
        "dna/specimen_detail.html",
        {
            "specimen": specimen,
            "form": form,
            "genotype": genotype,
            "search_form": PurposeForm(prefix="search"),
            "link_form": link_form,
            "family_form": family_form,
            "link": SpecimenPersonLink.objects.select_related("person")
            .filter(specimen=specimen)
            .first(),
        },
    )


@requires(P_DNA_SEARCH)
@require_POST
def specimen_search(request: HttpRequest, specimen_id: str) -> HttpResponse:
    user = current_user(request)
    specimen = specimen_get_for_user(user, specimen_id)
    form = PurposeForm(request.POST, prefix="search")
    if not form.is_valid():
        messages.error(request, _("State the purpose of the search (case or report number)."))
        return redirect("dna:specimen_detail", specimen_id=specimen.specimen_id)
    try:
        run = match_run_start(actor=user, specimen=specimen, purpose=form.cleaned_data["purpose"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("dna:specimen_detail", specimen_id=specimen.specimen_id)
    return redirect("dna:run_detail", pk=run.pk)


@requires(P_DNA_SEARCH)
def run_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        runs_visible_to(current_user(request)).select_related("query_specimen", "query_family"), 30
    ).get_page(request.GET.get("page"))
    return render(request, "dna/run_list.html", {"page": page})


def _name_rows(run: MatchRun, candidates: list[MatchCandidate]) -> None:
    """Give each row the person (or family) it is about, not the query's family code:
    the child for a parents' search; the family with its missing child and its parents,
    or the single parent, for a child's search. Also the chance-hit figure as text."""
    for c in candidates:
        if run.direction == MatchRun.Direction.PARENTS_AGAINST_CHILDREN or (
            c.family is None and c.parent_specimen is None
        ):
            specimen = c.child_specimen
            c.who = specimen.specimen_id  # type: ignore[attr-defined]
            c.what = specimen.get_sample_type_display()  # type: ignore[attr-defined]
        elif c.family is not None:
            family = c.family
            c.who = family.code  # type: ignore[attr-defined]
            specimen_ids = {
                m.family_role: m.specimen_id
                for m in family.specimens.all()
                if m.status == Specimen.Status.ACTIVE
            }
            c.what = " · ".join(  # type: ignore[attr-defined]
                f"{label} {specimen_ids[role]}"
                for role, label in Specimen.FamilyRole.choices
                if role in specimen_ids
            )
            specimen = None
            c.person = (  # type: ignore[attr-defined]
                family.missing_child.full_name if family.missing_child is not None else ""
            )
        else:
            specimen = c.parent_specimen
            assert specimen is not None  # noqa: S101  (a constraint: a family or a parent)
            c.who = specimen.specimen_id  # type: ignore[attr-defined]
            c.what = _("Single parent")  # type: ignore[attr-defined]
        if specimen is not None:
            link = getattr(specimen, "person_link", None)
            c.person = link.person.full_name if link is not None else ""  # type: ignore[attr-defined]
        chance = c.expected_chance_hits
        c.chance = "" if chance is None else f"{chance:.2g}"  # type: ignore[attr-defined]


def _link_of(specimen_field: str) -> str:
    return f"{specimen_field}__person_link__person"


@requires(P_DNA_SEARCH)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_get_for_user(current_user(request), pk)
    rows = list(
        run.candidates.select_related(
            "child_specimen",
            "parent_specimen",
            "family__missing_child",
            _link_of("child_specimen"),
            _link_of("parent_specimen"),
        ).prefetch_related("family__specimens")
    )
    _name_rows(run, rows)
    template = "dna/_run_body.html" if request.headers.get("HX-Request") else "dna/run_detail.html"
    return render(
        request,
        template,
        {
            "run": run,
            "candidates": [c for c in rows if c.is_candidate],
            "below": [c for c in rows if not c.is_candidate],
            "running": run.status in {MatchRun.Status.QUEUED, MatchRun.Status.RUNNING},
        },
    )


@requires(P_DNA_REVIEW)
@require_http_methods(["GET", "POST"])
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The hit's summary; its per-locus table (three people's genotypes) only for a
    stated purpose after a fresh step-up (:func:`loci_gate`)."""
    user = current_user(request)
    candidate = candidate_get_for_user(user, pk)
    reviewing = request.method == "POST" and "to" in request.POST
    form = ReviewForm(request.POST if reviewing else None)
    purpose_form = PurposeForm(request.POST if request.method == "POST" and not reviewing else None)
    loci = None
    if reviewing and form.is_valid():
        try:
            candidate_review(
                actor=user,
                candidate=candidate,
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
                retest_specimen_id=form.cleaned_data["retest_specimen"],
            )
        except DomainError as error:
            retest = error.code in {DnaError.RETEST_REQUIRED, DnaError.RETEST_NO_MATCH}
            form.add_error("retest_specimen" if retest else None, error.message)
        else:
            messages.success(request, _("Review saved."))
            return redirect("dna:candidate_detail", pk=candidate.pk)
    elif purpose_form.is_bound and purpose_form.is_valid():
        refused = loci_gate(request, back=request.path)
        if refused is not None:
            return refused
        loci = candidate_loci_read(user, candidate, purpose=purpose_form.cleaned_data["purpose"])
    return render(
        request,
        "dna/candidate_detail.html",
        {"candidate": candidate, "form": form, "purpose_form": purpose_form, "loci": loci},
    )


def _loci_for_print(
    request: HttpRequest, pk: int
) -> tuple[MatchCandidate, list[dict[str, object]], str] | HttpResponse:
    """The printable report and its PDF follow the candidate page's rule: posted with a
    purpose, after a fresh step-up. Printing is audited with the purpose."""
    from homeward.core.audit import audit_record
    from homeward.core.audit_actions import AuditAction

    user = current_user(request)
    candidate = candidate_get_for_user(user, pk)
    back = reverse("dna:candidate_detail", args=[candidate.pk])
    if request.method != "POST":
        messages.info(request, _("State the purpose of the report, then print it."))
        return redirect(back)
    form = PurposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("State the purpose (case or report number)."))
        return redirect(back)
    refused = loci_gate(request, back=back)
    if refused is not None:
        return refused
    purpose = form.cleaned_data["purpose"]
    loci = candidate_loci_read(user, candidate, purpose=purpose)
    audit_record(
        actor=user,
        action=AuditAction.DNA_REPORT_PRINT,
        obj=candidate,
        detail={
            "purpose": purpose,
            "run_purpose": candidate.run.purpose,
            "format": "pdf" if request.path.endswith(".pdf") else "html",
        },
    )
    return candidate, loci, purpose


@requires(P_DNA_REVIEW)
@require_http_methods(["GET", "POST"])
def candidate_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable comparison report in the layout of a parentage report (print it or
    save it as PDF from the browser)."""
    from homeward.kinship.decisions import probability_of_parentage

    outcome = _loci_for_print(request, pk)
    if isinstance(outcome, HttpResponse):
        return outcome
    candidate, loci, purpose = outcome
    return render(
        request,
        "dna/candidate_report.html",
        {
            "candidate": candidate,
            "loci": loci,
            "purpose": purpose,
            "w_percent": probability_of_parentage(candidate.log10_lr) * 100,
            "cpi": cpi_parts(candidate.log10_lr),
        },
    )


@requires(P_DNA_REVIEW)
@require_http_methods(["GET", "POST"])
def candidate_report_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    from django.utils import timezone

    from homeward.dna.reports import Watermark, candidate_report_pdf

    outcome = _loci_for_print(request, pk)
    if isinstance(outcome, HttpResponse):
        return outcome
    candidate, loci, purpose = outcome
    user = current_user(request)
    request_id = str(getattr(request, "request_id", ""))
    pdf = candidate_report_pdf(
        candidate,
        loci,
        Watermark(
            printed_by=f"{user.full_name} ({user.username})",
            printed_at=timezone.localtime(),
            request_id=request_id,
        ),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="kinship-report-{candidate.run_id}-{candidate.rank}.pdf"'
    )
    return response


@requires(P_DNA_SEARCH)
@require_http_methods(["GET", "POST"])
def accuracy(request: HttpRequest) -> HttpResponse:
    """Simulated accuracy of the search at 15, 19, 21 and 23 loci."""
    from homeward.dna.models import AccuracyReport
    from homeward.dna.services import accuracy_report_request

    user = current_user(request)
    if request.method == "POST":
        try:
            decoys = min(max(int(request.POST.get("decoys", "100000")), 1000), 1_000_000)
            queries = min(max(int(request.POST.get("queries", "100")), 10), 500)
        except ValueError:
            messages.error(request, _("Enter whole numbers."))
            return redirect("dna:accuracy")
        accuracy_report_request(actor=user, queries=queries, decoys=decoys)
        return redirect("dna:accuracy")
    report = AccuracyReport.objects.first()
    template = (
        "dna/_accuracy_body.html" if request.headers.get("HX-Request") else "dna/accuracy.html"
    )
    return render(request, template, {"report": report})


@requires(P_DNA_VIEW)
@require_http_methods(["GET", "POST"])
def check_requests(request: HttpRequest) -> HttpResponse:
    """Requests from other units to sample a person of unclear origin; the DNA unit
    reports back what it did (the requester sees the status only)."""
    from django.shortcuts import get_object_or_404

    from homeward.core.scoping import scope_filter
    from homeward.dna.models import CheckRequest
    from homeward.dna.services import check_request_handle

    user = current_user(request)
    requests = scope_filter(
        CheckRequest.objects.select_related("person", "requesting_agency", "requested_by"), user
    )
    if request.method == "POST":
        check = get_object_or_404(requests, pk=posted_int(request.POST, "request"))
        try:
            check_request_handle(
                actor=user,
                request=check,
                status=request.POST.get("status", ""),
                note=request.POST.get("note", ""),
            )
        except (DomainError, ValidationError) as error:
            messages.error(request, getattr(error, "message", None) or _("Choose what was done."))
        else:
            messages.success(request, _("The requesting unit can see the result."))
        return redirect("dna:check_requests")
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    statuses = [c for c in CheckRequest.Status.choices if c[0] != CheckRequest.Status.REQUESTED]
    return render(request, "dna/check_requests.html", {"page": page, "statuses": statuses})
