"""The plan at work: a unit's plan and progress, annual reports (filing, review, export),
meetings, evaluations and the joint-conference office's dashboard."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from homeward.coordination import services
from homeward.coordination.models import (
    AnnualReport,
    Evaluation,
    Indicator,
    Measure,
    Meeting,
    PlanTask,
    Scorecard,
    UnitPlan,
)
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.exports import xlsx_table
from homeward.core.form_errors import apply_errors as _errors
from homeward.core.form_errors import error_text
from homeward.core.models import User
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_PLAN_OVERSEE, P_PLAN_VIEW, P_PLAN_WRITE

CRITERION_LABELS = {
    "report_on_time": gettext_lazy("Annual report filed on time"),
    "tasks_done": gettext_lazy("Plan tasks done"),
    "progress_recorded": gettext_lazy("Progress recorded"),
    "meeting_held": gettext_lazy("Joint conference met (districts)"),
}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskForm(forms.Form):
    measure = forms.ModelChoiceField(label=gettext_lazy("Measure"), queryset=Measure.objects.all())
    title = forms.CharField(label=gettext_lazy("Task"), max_length=200)
    owner = forms.CharField(label=gettext_lazy("Owner"), max_length=100)
    indicator = forms.ChoiceField(
        label=gettext_lazy("Computed indicator"),
        choices=[("", gettext_lazy("None (figures typed in)")), *Indicator.choices],
        required=False,
    )
    target = forms.DecimalField(
        label=gettext_lazy("Target"), required=False, max_digits=12, decimal_places=2
    )
    deadline = forms.DateField(label=gettext_lazy("Deadline"), widget=DATE)

    def __init__(self, *args: Any, measures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures  # type: ignore[attr-defined]
        self.fields["measure"].label_from_instance = (  # type: ignore[attr-defined]
            lambda m: f"{m.number} {m.text[:40]}"
        )


class ProgressForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    recorded_on = forms.DateField(
        label=gettext_lazy("Date"), widget=DATE, initial=timezone.localdate
    )
    text = forms.CharField(
        label=gettext_lazy("Work done"), widget=forms.Textarea(attrs={"rows": 2})
    )
    figure = forms.DecimalField(
        label=gettext_lazy("Figure"), required=False, max_digits=12, decimal_places=2
    )
    done = forms.BooleanField(label=gettext_lazy("Task done"), required=False)
    attachment = forms.FileField(label=gettext_lazy("Attachment (PDF or picture)"), required=False)


def _year(request: HttpRequest) -> int:
    try:
        return max(2021, min(2035, int(request.GET.get("year", timezone.localdate().year))))
    except ValueError:
        return timezone.localdate().year


@requires(P_PLAN_WRITE)
@require_http_methods(["GET", "POST"])
def my_plan(request: HttpRequest) -> HttpResponse:
    """The unit's plan of the year: tasks under the measures it leads or cooperates on,
    progress with computed figures, and its annual report."""
    user = current_user(request)
    year = _year(request)
    plan = UnitPlan.objects.filter(agency=user.agency, year=year).first()
    measures = Measure.objects.filter(
        Q(duties__agency__kind=user.agency.kind) | Q(all_member_units_cooperate=True)
    ).distinct()
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
                messages.error(
                    request, error.message if isinstance(error, DomainError) else str(error)
                )
            else:
                _errors(task_form if action == "task" else progress_form, error)
    tasks = plan.tasks.select_related("measure").prefetch_related("progress") if plan else []
    scorecards = Scorecard.objects.filter(
        agency=user.agency, evaluation__published_at__isnull=False
    ).select_related("evaluation")
    report = AnnualReport.objects.filter(agency=user.agency, year=year).order_by("level").first()
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
            "scorecards": scorecards,
            "criterion_labels": CRITERION_LABELS,
            "district_unit": user.agency.division_id is not None,
        },
    )


@requires(P_PLAN_VIEW)
@require_GET
def progress_attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    from django.http import FileResponse, Http404

    from homeward.coordination.models import TaskProgress

    user = current_user(request)
    entry = get_object_or_404(TaskProgress.objects.select_related("task__plan__agency"), pk=pk)
    agency = entry.task.plan.agency
    allowed = agency.pk == user.agency_id or (
        user.has_perm(P_PLAN_OVERSEE)
        and (user.agency.division_id is None or user.agency_id == services.office_for(agency).pk)
    )
    if not allowed or not entry.attachment:
        raise Http404
    audit_record(
        actor=user, action=AuditAction.READ, obj=entry.task.plan, detail={"attachment": entry.pk}
    )
    return FileResponse(
        entry.attachment.open("rb"),
        content_type=entry.attachment_type or "application/octet-stream",
    )


@requires(P_PLAN_VIEW)
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    record = get_object_or_404(AnnualReport.objects.select_related("agency"), pk=pk)
    own = record.agency_id == user.agency_id
    office = services.office_for(record.agency)
    reviewer = user.has_perm(P_PLAN_OVERSEE) and user.agency_id == office.pk
    if not (own or reviewer or (user.has_perm(P_PLAN_OVERSEE) and user.agency.division_id is None)):
        raise PermissionDenied
    if request.method == "POST":
        try:
            if request.POST.get("action") == "submit" and own:
                services.report_submit(actor=user, report=record, body=request.POST.get("body", ""))
                messages.success(request, _("Report filed."))
            elif request.POST.get("action") in ("accept", "return") and reviewer:
                services.report_review(
                    actor=user,
                    report=record,
                    accept=request.POST.get("action") == "accept",
                    note=request.POST.get("note", ""),
                )
            else:
                raise PermissionDenied
        except (ValidationError, DomainError) as error:
            messages.error(request, error_text(error))
        return redirect("coordination:report", record.pk)
    figures = [
        (str(Indicator(k).label), v) for k, v in record.figures.items() if k in Indicator.values
    ]
    return render(
        request,
        "coordination/report.html",
        {"report": record, "own": own, "reviewer": reviewer, "figures": figures, "office": office},
    )


@requires(P_PLAN_VIEW)
@require_GET
def report_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report as a PDF, or as a Word-compatible document (HTML that Word opens)."""
    from homeward.core.pdf import Watermark, build, styles, table

    user = current_user(request)
    record = get_object_or_404(AnnualReport.objects.select_related("agency"), pk=pk)
    office = services.office_for(record.agency)
    if record.agency_id != user.agency_id and not (
        user.has_perm(P_PLAN_OVERSEE)
        and (user.agency_id == office.pk or user.agency.division_id is None)
    ):
        raise PermissionDenied
    title = _("Annual report %(year)s: %(unit)s") % {
        "year": record.year,
        "unit": record.agency.display_name,
    }
    figures = [
        [str(Indicator(k).label), str(v)]
        for k, v in record.figures.items()
        if k in Indicator.values
    ]
    audit_record(actor=user, action=AuditAction.EXPORT, obj=record, detail={"format": fmt})
    if fmt == "doc":
        rows = "".join(f"<tr><td>{escape(a)}</td><td>{escape(b)}</td></tr>" for a, b in figures)
        html = (
            '<html><head><meta charset="utf-8"></head><body>'
            f"<h1>{escape(title)}</h1><p>{escape(record.body).replace(chr(10), '<br>')}</p>"
            f'<table border="1">{rows}</table></body></html>'
        )
        response = HttpResponse(html, content_type="application/msword; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="report-{record.pk}.doc"'
        return response
    from reportlab.platypus import Paragraph

    style = styles()
    story = [
        Paragraph(title, style["title"]),
        Paragraph(escape(record.body).replace("\n", "<br/>"), style["body"]),
    ]
    if figures:
        story += [
            Paragraph(_("Figures computed by the platform"), style["heading"]),
            table(figures),
        ]
    pdf = build(
        story,
        title=title,
        watermark=Watermark(
            printed_by=f"{user.full_name} ({user.username})",
            printed_at=timezone.localtime(),
            request_id=str(getattr(request, "request_id", "")),
            audience=_("for the joint conference and its member units"),
        ),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="report-{record.pk}.pdf"'
    return response


def _reports_in_view(user: User, year: int) -> Any:
    reports = AnnualReport.objects.filter(year=year).select_related("agency", "agency__division")
    if user.agency.division_id is not None:
        reports = reports.filter(agency__division_id=user.agency.division_id)
    return reports


@requires(P_PLAN_OVERSEE)
@require_http_methods(["GET", "POST"])
def dashboard(request: HttpRequest) -> HttpResponse:
    """The office's view: reports by status, overdue ones, districts without a meeting,
    task completion by unit, supervision items; the map coloured by status."""
    from homeward.cases.models import SupervisionListing
    from homeward.coordination.maps import status_map_svg

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
    reports = _reports_in_view(user, year)
    by_status = {
        row["status"]: row["n"]
        for row in reports.values("status").annotate(n=Count("pk")).order_by()
    }
    overdue = reports.filter(overdue=True).exclude(status__in=["submitted", "accepted"])
    no_meeting = services.districts_without_meeting(year)
    if user.agency.division_id is not None:
        no_meeting = [a for a in no_meeting if a.division_id == user.agency.division_id]
    by_measure = (
        PlanTask.objects.filter(plan__year=year)
        .values("measure__number")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(done=True)))
        .order_by("measure__sequence")
    )
    if user.agency.division_id is not None:
        by_measure = by_measure.filter(plan__agency__division_id=user.agency.division_id)
    completion = (
        PlanTask.objects.filter(plan__year=year)
        .values("plan__agency__name_zh")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(done=True)))
        .order_by("plan__agency__name_zh")
    )
    if user.agency.division_id is not None:
        completion = completion.filter(plan__agency__division_id=user.agency.division_id)
    from homeward.coordination.models import RegionListing

    supervision = SupervisionListing.objects.filter(lifted_at__isnull=True).count()
    regions_open = RegionListing.objects.filter(lifted_at__isnull=True).count()
    late_districts = {r.agency.division.code for r in overdue if r.agency.division is not None}
    quiet = {a.division.code for a in no_meeting if a.division is not None}
    return render(
        request,
        "coordination/dashboard.html",
        {
            "year": year,
            "by_status": [(str(AnnualReport.Status(k).label), v) for k, v in by_status.items()],
            "overdue": overdue,
            "overdue_districts": overdue.filter(level=AnnualReport.Level.DISTRICT),
            "overdue_units": overdue.filter(level=AnnualReport.Level.MEMBER_UNIT)[:100],
            "no_meeting": no_meeting,
            "completion": completion,
            "by_measure": by_measure,
            "supervision": supervision,
            "regions_open": regions_open,
            "meetings": Meeting.objects.filter(agency=user.agency).order_by("-held_on")[:10],
            "can_meet": user.agency.kind == "joint_conference_office",
            "map_svg": status_map_svg(late_districts, quiet, _("Districts by status")),
            "evaluations": Evaluation.objects.all(),
        },
    )


@requires(P_PLAN_OVERSEE)
@require_http_methods(["GET", "POST"])
def evaluation(request: HttpRequest, kind: str, year: int) -> HttpResponse:
    user = current_user(request)
    record = Evaluation.objects.filter(kind=kind, year=year).first()
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "run":
                services.evaluation_run(actor=user, kind=kind, year=year)
            elif action == "publish" and record is not None:
                services.evaluation_publish(actor=user, evaluation=record)
            elif action == "verdict" and record is not None:
                card = get_object_or_404(
                    Scorecard, pk=request.POST.get("scorecard") or 0, evaluation=record
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
    cards = record.scorecards.select_related("agency") if record else Scorecard.objects.none()
    if request.GET.get("format") == "xlsx" and record is not None:
        keys = [c["key"] for c in services.criteria()]
        headers = [
            _("Unit"),
            *[str(CRITERION_LABELS.get(k, k)) for k in keys],
            _("Total"),
            _("Grade"),
            _("Outcome"),
            _("Grounds"),
        ]
        rows = (
            [
                c.agency.display_name,
                *[c.scores.get(k, 0) for k in keys],
                float(c.total),
                str(c.get_grade_display()),
                str(c.get_verdict_display()) if c.verdict else "",
                c.grounds,
            ]
            for c in cards
        )
        audit_record(actor=user, action=AuditAction.EXPORT, obj=record, detail={"format": "xlsx"})
        response = HttpResponse(
            xlsx_table(user, _("Evaluation"), headers, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="evaluation-{kind}-{year}.xlsx"'
        return response
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
            "kind_label": Evaluation.Kind(kind).label if kind in Evaluation.Kind.values else kind,
        },
    )


class ActivityForm(forms.Form):
    from homeward.coordination.models import Activity as _Activity

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=_Activity.Kind.choices)
    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=DATE)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    place = forms.CharField(label=gettext_lazy("Where"), max_length=120, required=False)
    audience = forms.CharField(label=gettext_lazy("Audience"), max_length=120, required=False)
    people = forms.IntegerField(label=gettext_lazy("People reached or trained"), min_value=0)
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"), required=False, max_digits=6, decimal_places=1
    )
    materials = forms.CharField(label=gettext_lazy("Materials"), max_length=200, required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Team"), max_length=120)
    members = forms.IntegerField(label=gettext_lazy("Members"), min_value=0)
    activities = forms.CharField(
        label=gettext_lazy("What the team does"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evaluation = forms.CharField(label=gettext_lazy("Evaluation"), max_length=300, required=False)


@requires(P_PLAN_WRITE)
@require_http_methods(["GET", "POST"])
def outreach(request: HttpRequest) -> HttpResponse:
    """Chapter 五 for a unit: its campaigns, trainings and volunteer teams."""
    from homeward.coordination.models import Activity, VolunteerTeam

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
    from homeward.coordination.models import BudgetLine, Donation

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
        except (ArithmeticError, ValueError):
            messages.error(request, _("Give amounts in yuan and a date."))
        except (ValidationError, DomainError) as error:
            messages.error(request, error_text(error))
        return redirect(f"{request.path}?year={year}")
    lines = BudgetLine.objects.filter(year=year).select_related("division")
    donations = Donation.objects.filter(received_on__year=year).select_related("division")
    if user.agency.division_id is not None:
        lines = lines.filter(division_id=user.agency.division_id)
        donations = donations.filter(division_id=user.agency.division_id)
    return render(
        request,
        "coordination/funding.html",
        {"year": year, "lines": lines, "donations": donations, "kinds": Donation.DonorKind.choices},
    )


@requires(P_PLAN_OVERSEE)
@require_http_methods(["GET", "POST"])
def regions(request: HttpRequest) -> HttpResponse:
    from homeward.coordination.models import RegionListing
    from homeward.core.models import Division

    user = current_user(request)
    listings = RegionListing.objects.select_related("division").prefetch_related("progress")
    if user.agency.division_id is not None:
        listings = listings.filter(division_id=user.agency.division_id)
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
                listing = get_object_or_404(listings, pk=request.POST.get("listing") or 0)
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
            "municipal": user.agency.division_id is None,
        },
    )
