"""The plan at work: a unit's plan and progress, annual reports (filing, review, export),
meetings, evaluations and the joint-conference office's dashboard. Thin views: a form,
a selector that scopes, one service, a template."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from homeward.coordination import selectors, services
from homeward.coordination.exports import CRITERION_LABELS, evaluation_xlsx, ping_an_xlsx
from homeward.coordination.forms import ActivityForm, ProgressForm, TaskForm, TeamForm
from homeward.coordination.maps import status_map_svg
from homeward.coordination.models import (
    Activity,
    Evaluation,
    Indicator,
    PlanTask,
    Scorecard,
    VolunteerTeam,
)
from homeward.coordination.reports import report_pdf, report_title, report_word
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.documents import document_response, watermark_for
from homeward.core.errors import DomainError
from homeward.core.form_errors import apply_errors as _errors
from homeward.core.form_errors import error_text
from homeward.core.form_fields import posted_int
from homeward.core.models import Division
from homeward.core.models.agencies import JOINT_CONFERENCE_OFFICE_KIND
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_PLAN_OVERSEE, P_PLAN_VIEW, P_PLAN_WRITE


def _year(request: HttpRequest) -> int:
    try:
        return max(2021, min(2035, int(request.GET.get("year", timezone.localdate().year))))
    except ValueError:
        return timezone.localdate().year


@requires(P_PLAN_WRITE)
@require_http_methods(["GET", "POST"])
def my_plan(request: HttpRequest) -> HttpResponse:
    """The unit's plan of the year: tasks under the measures it leads or cooperates on,
    progress with computed figures, its annual report, and the reports addressed to it."""
    user = current_user(request)
    if not selectors.files_reports(user):
        raise DomainError(
            services.PlanError.NOT_PLAN_OWNER,
            _(
                "Only the unit's plan owners write its plan and file its annual report; "
                "staff working in a township or a school do not."
            ),
            status=403,
        )
    year = _year(request)
    plan = selectors.plan_of(user, year)
    measures = selectors.measures_for(user)
    task_form = TaskForm(prefix="task", measures=measures)
    progress_form = ProgressForm(prefix="progress")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "task":
                task_form = TaskForm(request.POST, prefix="task", measures=measures)
                if task_form.is_valid():
                    plan = services.unit_plan_get_or_create(actor=user, year=year)
                    services.plan_task_add(actor=user, plan=plan, **task_form.cleaned_data)
                    return redirect(f"{request.path}?year={year}")
            elif action == "mirror":
                services.unit_plan_mirror(actor=user, year=year)
                messages.success(request, _("The municipal plan's tasks were added."))
                return redirect(f"{request.path}?year={year}")
            elif action == "progress":
                progress_form = ProgressForm(request.POST, request.FILES, prefix="progress")
                if progress_form.is_valid():
                    data = dict(progress_form.cleaned_data)
                    task = get_object_or_404(
                        PlanTask, pk=data.pop("task"), plan__agency=user.agency
                    )
                    services.progress_record(actor=user, task=task, **data)
                    return redirect(f"{request.path}?year={year}")
        except (ValidationError, DomainError) as error:
            if action == "mirror":
                messages.error(request, error_text(error))
            else:
                _errors(task_form if action == "task" else progress_form, error)
    tasks = plan.tasks.select_related("measure").prefetch_related("progress") if plan else []
    report = (
        selectors.reports_visible_to(user)
        .filter(agency_id=user.agency_id, year=year)
        .order_by("level")
        .first()
    )
    return render(
        request,
        "coordination/my_plan.html",
        {
            "year": year,
            "plan": plan,
            "tasks": tasks,
            "task_form": task_form,
            "progress_form": progress_form,
            "report": report,
            "addressed": selectors.reports_addressed_to(user, year),
            "scorecards": selectors.scorecards_published_for(user),
            "criterion_labels": CRITERION_LABELS,
            "district_unit": user.agency.division_id is not None,
        },
    )


@requires(P_PLAN_VIEW)
@require_GET
def progress_attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    entry = get_object_or_404(selectors.progress_visible_to(user), pk=pk)
    if not entry.attachment:
        raise Http404
    audit_record(
        actor=user, action=AuditAction.READ, obj=entry.task.plan, detail={"attachment": entry.pk}
    )
    return FileResponse(
        entry.attachment.open("rb"),
        content_type=entry.attachment_type or "application/octet-stream",
        as_attachment=True,
    )


@requires(P_PLAN_VIEW)
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    record = selectors.report_get(user, pk)
    own = record.agency_id == user.agency_id and selectors.files_reports(user)
    office = services.office_for(record.agency)
    reviewer = user.has_perm(P_PLAN_OVERSEE) and user.agency_id == office.pk
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "submit" and own:
                services.report_submit(actor=user, report=record, body=request.POST.get("body", ""))
                messages.success(request, _("Report filed."))
            elif action in ("accept", "return") and reviewer:
                services.report_review(
                    actor=user,
                    report=record,
                    accept=action == "accept",
                    note=request.POST.get("note", ""),
                )
            else:
                messages.error(request, _("This step is not possible now."))
        except (ValidationError, DomainError) as error:
            messages.error(request, error_text(error))
        return redirect("coordination:report", record.pk)
    figures = [
        (str(Indicator(k).label), v) for k, v in record.figures.items() if k in Indicator.values
    ]
    return render(
        request,
        "coordination/report.html",
        {
            "report": record,
            "own": own,
            "reviewer": reviewer,
            "figures": figures,
            "office": office,
            "recipients": services.recipients_of(record),
        },
    )


@requires(P_PLAN_VIEW)
@require_GET
def report_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report as a PDF, or as a Word-compatible document; both watermarked."""
    if fmt not in ("pdf", "doc"):
        raise Http404
    user = current_user(request)
    record = selectors.report_get(user, pk)
    watermark = watermark_for(
        request, user, audience=_("for the joint conference and its member units")
    )
    content: bytes | str = (
        report_pdf(record, watermark) if fmt == "pdf" else report_word(record, watermark)
    )
    return document_response(
        user=user,
        content=content,
        fmt=fmt,
        filename=f"{report_title(record)}.{fmt}",
        obj=record,
        action=AuditAction.EXPORT,
        inline=fmt == "pdf",
    )


@requires(P_PLAN_OVERSEE)
@require_http_methods(["GET", "POST"])
def dashboard(request: HttpRequest) -> HttpResponse:
    """The office's view of its area: reports by status, overdue ones, districts without
    a meeting, task completion, open supervision listings, the evaluations due; the map
    coloured by status."""
    user = current_user(request)
    year = _year(request)
    if request.method == "POST":
        try:
            held = date.fromisoformat(request.POST.get("held_on", ""))
            services.meeting_record(
                actor=user,
                held_on=held,
                title=request.POST.get("title", ""),
                minutes=request.POST.get("minutes", ""),
                decisions=request.POST.get("decisions", ""),
            )
            messages.success(request, _("Meeting recorded."))
        except ValueError:
            messages.error(request, _("Give the date of the meeting."))
        except (ValidationError, DomainError) as error:
            messages.error(request, error_text(error))
        return redirect(f"{request.path}?year={year}")
    board = selectors.dashboard(user, year)
    late_districts = {
        r.agency.division.code for r in board.overdue if r.agency.division is not None
    }
    quiet = {a.division.code for a in board.no_meeting if a.division is not None}
    from homeward.coordination.models import AnnualReport

    return render(
        request,
        "coordination/dashboard.html",
        {
            "year": year,
            "by_status": board.by_status,
            "overdue": board.overdue,
            "overdue_count": len(board.overdue),
            "overdue_districts": [
                r for r in board.overdue if r.level == AnnualReport.Level.DISTRICT
            ],
            "overdue_units": [
                r for r in board.overdue if r.level == AnnualReport.Level.MEMBER_UNIT
            ][:100],
            "no_meeting": board.no_meeting,
            "completion": board.completion,
            "by_measure": board.by_measure,
            "supervision": board.supervision_open,
            "regions_open": board.regions_open,
            "evaluations_due": board.evaluations_due,
            "today": timezone.localdate(),
            "meetings": selectors.meetings_of(user)[:10],
            "can_meet": user.agency.kind == JOINT_CONFERENCE_OFFICE_KIND,
            "map_svg": status_map_svg(late_districts, quiet, _("Districts by status")),
            "evaluations": selectors.evaluations_visible_to(user),
            "municipal": selectors.oversees_all(user),
        },
    )


@requires(P_PLAN_OVERSEE)
@require_GET
def report_status(request: HttpRequest) -> HttpResponse:
    """Which units' annual reports are due, filed and late (the office's list)."""
    from django.core.paginator import Paginator

    user = current_user(request)
    year = _year(request)
    show = request.GET.get("show", "all")
    if show not in selectors.REPORT_FILTERS:
        show = "all"
    reports = selectors.reports_of_units(user, year, show)
    page = Paginator(reports, 100).get_page(request.GET.get("page"))
    filters = [
        ("all", _("All")),
        ("due", _("Not filed")),
        ("filed", _("Filed")),
        ("late", _("Late")),
    ]
    return render(
        request,
        "coordination/report_status.html",
        {
            "year": year,
            "show": show,
            "filters": filters,
            "page": page,
            "today": timezone.localdate(),
        },
    )


@requires(P_PLAN_OVERSEE)
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    if kind not in Evaluation.Kind.values:
        raise Http404
    user = current_user(request)
    record = selectors.evaluations_visible_to(user).filter(kind=kind, year=year).first()
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "run":
                services.evaluation_run(actor=user, kind=kind, year=year)
            elif action == "publish" and record is not None:
                services.evaluation_publish(actor=user, evaluation=record)
            elif action == "verdict" and record is not None:
                card = get_object_or_404(
                    Scorecard, pk=posted_int(request.POST, "scorecard"), evaluation=record
                )
                services.scorecard_verdict(
                    actor=user,
                    scorecard=card,
                    verdict=request.POST.get("verdict", ""),
                    grounds=request.POST.get("grounds", ""),
                )
        except (ValidationError, DomainError) as error:
            messages.error(request, error_text(error))
        return redirect("coordination:evaluation", kind, year)
    if request.GET.get("format") == "xlsx" and record is not None:
        return document_response(
            user=user,
            content=evaluation_xlsx(user, record),
            fmt="xlsx",
            filename=f"evaluation-{kind}-{year}.xlsx",
            obj=record,
        )
    cards = record.scorecards.select_related("agency") if record else Scorecard.objects.none()
    keys = [c["key"] for c in services.criteria()]
    return render(
        request,
        "coordination/evaluation.html",
        {
            "kind": kind,
            "year": year,
            "evaluation": record,
            "criteria": [(k, CRITERION_LABELS.get(k, k)) for k in keys],
            "cards": [(c, [c.scores.get(k, 0) for k in keys]) for c in cards[:500]],
            "kind_label": Evaluation.Kind(kind).label,
            "municipal": selectors.oversees_all(user),
        },
    )


@requires(P_PLAN_OVERSEE)
@require_GET
def evaluation_ping_an(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    """七、(三): the figures of each district that the 平安重庆 assessment takes."""
    user = current_user(request)
    if not selectors.oversees_all(user):
        raise Http404
    record = get_object_or_404(Evaluation, kind=kind, year=year)
    return document_response(
        user=user,
        content=ping_an_xlsx(user, record),
        fmt="xlsx",
        filename=f"ping-an-chongqing-{year}.xlsx",
        obj=record,
        detail={"for": "ping_an_chongqing"},
    )


@requires(P_PLAN_WRITE)
@require_http_methods(["GET", "POST"])
def outreach(request: HttpRequest) -> HttpResponse:
    """Chapter 五 for a unit: its campaigns, trainings and volunteer teams."""
    user = current_user(request)
    activity_form = ActivityForm(prefix="activity")
    team_form = TeamForm(prefix="team")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "team":
                team_form = TeamForm(request.POST, prefix="team")
                if team_form.is_valid():
                    services.volunteer_team_save(actor=user, **team_form.cleaned_data)
                    return redirect("coordination:outreach")
            else:
                activity_form = ActivityForm(request.POST, prefix="activity")
                if activity_form.is_valid():
                    services.activity_record(actor=user, **activity_form.cleaned_data)
                    return redirect("coordination:outreach")
        except (ValidationError, DomainError) as error:
            messages.error(request, error_text(error))
    return render(
        request,
        "coordination/outreach.html",
        {
            "activities": Activity.objects.filter(agency=user.agency)[:100],
            "teams": VolunteerTeam.objects.filter(agency=user.agency),
            "activity_form": activity_form,
            "team_form": team_form,
        },
    )


@requires(P_PLAN_OVERSEE)
@require_http_methods(["GET", "POST"])
def funding(request: HttpRequest) -> HttpResponse:
    from homeward.coordination.models import Donation

    user = current_user(request)
    year = _year(request)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "budget":
                services.budget_line_set(
                    actor=user,
                    year=year,
                    budgeted=Decimal(request.POST.get("budgeted") or "0"),
                    executed=Decimal(request.POST.get("executed") or "0"),
                )
            else:
                services.donation_record(
                    actor=user,
                    donor_kind=request.POST.get("donor_kind", ""),
                    donor_name=request.POST.get("donor_name", ""),
                    amount=Decimal(request.POST.get("amount") or "0"),
                    received_on=date.fromisoformat(request.POST.get("received_on", "")),
                    purpose=request.POST.get("purpose", ""),
                )
            messages.success(request, _("Saved."))
        except (ArithmeticError, InvalidOperation, ValueError):
            messages.error(request, _("Give amounts in yuan and a date."))
        except (ValidationError, DomainError) as error:
            messages.error(request, error_text(error))
        return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "coordination/funding.html",
        {
            "year": year,
            "lines": selectors.budget_lines_visible_to(user, year),
            "donations": selectors.donations_visible_to(user, year),
            "kinds": Donation.DonorKind.choices,
        },
    )


@requires(P_PLAN_OVERSEE)
@require_http_methods(["GET", "POST"])
def regions(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    listings = selectors.region_listings_visible_to(user)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "list":
                services.region_listing_create(
                    actor=user,
                    division=get_object_or_404(Division, code=request.POST.get("division", "")),
                    reason=request.POST.get("reason", ""),
                    warning=request.POST.get("warning", ""),
                    deadline=date.fromisoformat(request.POST.get("deadline", "")),
                )
            else:
                listing = get_object_or_404(listings, pk=posted_int(request.POST, "listing"))
                if action == "progress":
                    services.region_progress_add(
                        actor=user, listing=listing, text=request.POST.get("text", "")
                    )
                elif action == "lift":
                    services.region_listing_lift(actor=user, listing=listing)
        except ValueError:
            messages.error(request, _("Give a deadline."))
        except (ValidationError, DomainError) as error:
            messages.error(request, error_text(error))
        return redirect("coordination:regions")
    return render(
        request,
        "coordination/regions.html",
        {
            "listings": listings,
            "today": timezone.localdate(),
            "divisions": Division.objects.order_by("code"),
            "municipal": selectors.oversees_all(user),
        },
    )
