"""The case list (with the cold-case tab) and XLSX export, opening a case, the case
page and the status form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from homeward.cases.exports import case_list_export
from homeward.cases.forms import CaseOpenForm, CaseStatusForm
from homeward.cases.models import CasePriority, CaseStatus
from homeward.cases.policy import next_statuses
from homeward.cases.selectors import (
    case_events,
    case_get_for_user,
    case_interviews,
    case_parties,
    case_supervision,
    cases_list,
    cold_cases,
    is_case_team,
    last_activity_of,
    qualified_leaders,
    source_code,
)
from homeward.cases.services import case_change_status, case_open
from homeward.cases.timeline import timeline_entries
from homeward.cases.views.common import (
    XLSX,
    add_errors,
    choice_param,
    form_page,
    is_htmx,
    task_force_context,
)
from homeward.core.errors import DomainError
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_CASE_MANAGE, P_CASE_VIEW

# The case list, cold cases and the export


@requires(P_CASE_VIEW)
def case_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = choice_param(request, "status", CaseStatus.values)
    priority = choice_param(request, "priority", CasePriority.values)
    cases = cases_list(user, status=status, priority=priority)
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    template = "cases/_case_rows.html" if is_htmx(request) else "cases/case_list.html"
    context = {
        "page": page,
        "status": status,
        "priority": priority,
        "statuses": CaseStatus.choices,
        "priorities": CasePriority.choices,
        "tab": "all",
    }
    return render(request, template, context)


@requires(P_CASE_VIEW)
def cold_case_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    try:
        idle_days = min(max(int(request.GET.get("days", "365")), 30), 3650)
    except ValueError:
        idle_days = 365
    page = Paginator(cold_cases(user, idle_days=idle_days), 25).get_page(request.GET.get("page"))
    template = "cases/_cold_rows.html" if is_htmx(request) else "cases/cold_cases.html"
    return render(request, template, {"page": page, "days": idle_days, "tab": "cold"})


@requires(P_CASE_VIEW)
def case_export(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    data = case_list_export(
        user=user,
        status=choice_param(request, "status", CaseStatus.values),
        priority=choice_param(request, "priority", CasePriority.values),
    )
    response = HttpResponse(data, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.xlsx"'
    return response


# Opening a case


@requires(P_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    municipal = user.agency.is_municipal
    leaders = qualified_leaders(None if municipal else user.agency.division)
    # A clue, alert or DNA match opens a case with its source filled in (?source=&ref=).
    initial = {
        "source": request.GET.get("source", ""),
        "source_reference": request.GET.get("ref", ""),
    }
    form = CaseOpenForm(request.POST or None, municipal=municipal, leaders=leaders, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_open(
                actor=user,
                title=data["title"],
                crimes=data["crimes"],
                source=data["source"],
                source_reference=data.get("source_reference"),
                priority=data["priority"],
                division=data.get("division"),
                leader=data["leader"],
            )
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        form,
        title=_("Open a case"),
        submit=_("Open the case"),
        lead=_(
            "The case gets its number and its task force. One leader answers for three"
            " things: solving the case, rescuing the child and comforting the family."
        ),
        back="cases:case_list",
    )


# The case page


@requires(P_CASE_VIEW)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    case = case_get_for_user(user, pk)
    parties = list(case_parties(user, case))
    context = task_force_context(user, case)
    context.update(
        {
            "crimes": [crime.get_crime_display() for crime in case.crimes.all()],
            "parties": parties,
            "interviews": list(case_interviews(user, case)),
            "case_team": is_case_team(user, case),
            "listings": list(case_supervision(case)),
            "timeline": timeline_entries(case_events(case), parties),
            "next_statuses": next_statuses(case.status),
            "last_activity": last_activity_of(case),
            "source_code": source_code(case),
        }
    )
    return render(request, "cases/case_detail.html", context)


@requires(P_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    case = case_get_for_user(user, pk)
    allowed = next_statuses(case.status)
    form = CaseStatusForm(request.POST or None, allowed=allowed, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            case_change_status(
                actor=user,
                case=case,
                version=form.cleaned_data["version"],
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The status has been changed."))
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        form,
        title=_("Change the status"),
        submit=_("Change the status"),
        case=case,
        lead=_("A case is closed only after it is solved and transferred for prosecution."),
    )


@requires(P_CASE_VIEW)
def case_summary_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The case summary as PDF (watermarked, audited)."""
    from homeward.cases.reports import case_summary_pdf
    from homeward.core.audit_actions import AuditAction
    from homeward.core.documents import document_response
    from homeward.core.pdf import Watermark

    user = current_user(request)
    case = case_get_for_user(user, pk)
    pdf = case_summary_pdf(
        user,
        case,
        Watermark(
            printed_by=f"{user.full_name} ({user.username})",
            printed_at=timezone.localtime(),
            request_id=str(getattr(request, "request_id", "")),
        ),
    )
    return document_response(
        user=user,
        content=pdf,
        fmt="pdf",
        filename=f"case-{case.pk}.pdf",
        obj=case,
        action=AuditAction.CASE_SUMMARY_PRINT,
    )
