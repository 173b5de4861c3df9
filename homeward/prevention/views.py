"""Prevention pages: the worker's list (phone first), the ledger and its visits, dropout
files, found children, registration checks, released offenders, and the township and
district overview with its map."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from homeward.core.errors import DomainError
from homeward.core.form_errors import apply_errors as _errors
from homeward.core.form_fields import posted_int
from homeward.core.models import Division, Township, User
from homeward.core.permissions import current_user, requires
from homeward.core.roles import (
    P_DROPOUT_VIEW,
    P_DROPOUT_WRITE,
    P_FOUND_VIEW,
    P_FOUND_WRITE,
    P_LEDGER_VIEW,
    P_LEDGER_WRITE,
    P_OFFENDER_VIEW,
    P_OFFENDER_WRITE,
    P_PREVENTION_OVERVIEW,
    P_REGCHECK_ADD,
    P_REGCHECK_DECIDE,
    P_REGCHECK_VIEW,
    Role,
)
from homeward.core.scoping import divisions_in_scope, scope_filter, townships_in_scope
from homeward.people.forms import PersonFields
from homeward.people.models import Person
from homeward.prevention import forms as pf
from homeward.prevention import services
from homeward.prevention.exports import ledger_xlsx
from homeward.prevention.maps import overdue_map_svg
from homeward.prevention.models import Category, LedgerEntry, RiskLevel, School
from homeward.prevention.selectors import (
    dropout_get,
    dropouts_visible_to,
    found_child_get,
    found_children_visible_to,
    ledger_entry_get,
    ledger_visible_to,
    my_worklist,
    offender_get,
    offenders_visible_to,
    overdue_by_division,
    overview,
    registration_check_get,
    registration_checks_visible_to,
    requires_work_area,
    work_area,
)


def _divisions(user: User) -> QuerySet[Division]:
    return divisions_in_scope(user)


def _townships(user: User) -> QuerySet[Township]:
    area = work_area(user)
    if area is not None and area.township_id is not None:
        return Township.objects.filter(pk=area.township_id)
    if requires_work_area(user):
        return Township.objects.none()
    return townships_in_scope(user)


def _audit_list(user: User, object_type: str, rows: int, **filters: str) -> None:
    """Lists of minors and people at risk are reads too (SECURITY.md AUD-01)."""
    from homeward.core.audit import audit_record
    from homeward.core.audit_actions import AuditAction

    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type=object_type,
        detail={"rows": rows, **{k: v for k, v in filters.items() if v}},
    )


def _page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, f"prevention/{template}", context)


def _new_record(
    request: HttpRequest,
    form: PersonFields,
    *,
    division: Callable[[dict[str, Any]], Division],
    create: Callable[[Person, dict[str, Any]], Any],
    title: str,
    then: str,
    success: str = "",
) -> HttpResponse:
    """The person (found or registered) and the record, in one transaction; the
    services' refusals go back onto the form."""
    user = current_user(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                record = create(
                    form.person(user, division(data), purpose="prevention record"), data
                )
        except (ValidationError, DomainError) as error:
            _errors(form, error)
        else:
            if success:
                messages.success(request, success)
            return redirect(then, record.pk)
    return _page(request, "form.html", form=form, title=title)


# --- The worker's list and the ledger ----------------------------------------------------

WORKLIST_PAGE_SIZE = 30


@requires(P_LEDGER_VIEW)
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    # Each section is paged on its own (a worker with a thousand people got a 229 KB page):
    # the overdue list first, in the order the visits fell due.
    pages = {
        name: Paginator(entries, WORKLIST_PAGE_SIZE).get_page(request.GET.get(f"{name}_page"))
        for name, entries in my_worklist(user).items()
    }
    _audit_list(
        user, "prevention.ledgerentry", sum(len(page) for page in pages.values()), view="my"
    )
    return _page(request, "worklist.html", pages=pages, area=work_area(user))


@requires(P_LEDGER_VIEW)
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    entries = ledger_visible_to(user)
    category = request.GET.get("category", "")
    risk = request.GET.get("risk", "")
    overdue = request.GET.get("overdue", "")
    if category in Category.values:
        entries = entries.filter(category=category)
    if risk in RiskLevel.values:
        entries = entries.filter(risk_level=risk)
    if overdue == "1":
        entries = entries.filter(overdue=True, status=LedgerEntry.Status.ACTIVE)
    if request.GET.get("format") == "xlsx":
        from homeward.core.documents import document_response
        from homeward.core.export_control import export_clearance

        clearance = export_clearance(
            request, user, object_type="prevention.ledgerentry", rows=entries.count()
        )
        if isinstance(clearance, HttpResponse):
            return clearance
        return document_response(
            user=user,
            content=ledger_xlsx(user, entries),
            fmt="xlsx",
            filename="ledger.xlsx",
            object_type="prevention.ledgerentry",
            detail={"category": category, "risk": risk, **clearance.detail},
        )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    _audit_list(user, "prevention.ledgerentry", len(page), category=category, risk=risk)
    return _page(
        request,
        "ledger.html",
        page=page,
        categories=Category.choices,
        risks=RiskLevel.choices,
        category=category,
        risk=risk,
        overdue=overdue,
    )


def _workers(user: User) -> QuerySet[User]:
    workers = User.objects.filter(
        is_active=True,
        groups__name__in=[
            Role.PREVENTION_WORKER,
            Role.CIVIL_AFFAIRS_CASEWORKER,
            Role.WOMENS_FEDERATION_OFFICER,
        ],
    ).select_related("agency")
    workers = scope_filter(workers, user, division_field="agency__division")
    area = work_area(user)
    if area is not None and area.township_id is not None:
        workers = workers.filter(work_area__township_id=area.township_id)
    return workers.distinct().order_by("full_name")


@requires(P_LEDGER_WRITE)
@require_http_methods(["GET", "POST"])
def ledger_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = pf.LedgerEntryForm(
        request.POST or None,
        townships=_townships(user),
        workers=_workers(user),
        initial={"responsible_worker": user.pk},
    )
    fields = ("village", "guardian_name", "guardian_relation", "guardian_whereabouts")
    return _new_record(
        request,
        form,
        division=lambda data: data["township"].division,
        create=lambda person, data: services.ledger_entry_create(
            actor=user,
            person=person,
            category=data["category"],
            township=data["township"],
            responsible_worker=data["responsible_worker"],
            risk_level=data["risk_level"],
            risk_reasons=data["risk_reasons"],
            guardian_phone=data["guardian_phone"],
            carer=data["carer"],
            **{name: data[name] for name in fields},
        ),
        title=_("Add a person to the ledger"),
        then="prevention:ledger_entry",
        success=_("Added to the ledger. The first visit is due today."),
    )


@requires(P_LEDGER_VIEW)
@require_http_methods(["GET", "POST"])
def ledger_entry(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    entry = ledger_entry_get(user, pk)
    visit_form = pf.VisitForm(prefix="visit")
    risk_form = pf.RiskForm(
        prefix="risk",
        initial={"risk_level": entry.risk_level, "risk_reasons": entry.risk_reasons},
    )
    close_form = pf.CloseForm(prefix="close")
    if request.method == "POST":
        if not user.has_perm(P_LEDGER_WRITE):
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "visit":
                visit_form = pf.VisitForm(request.POST, prefix="visit")
                if visit_form.is_valid():
                    visit = services.visit_record(
                        actor=user, entry=entry, **visit_form.cleaned_data
                    )
                    if visit.tip_id:
                        messages.success(
                            request,
                            _("Visit recorded. Your concern went to the police as clue %(code)s.")
                            % {"code": visit.tip.tracking_code},  # type: ignore[union-attr]
                        )
                    else:
                        messages.success(request, _("Visit recorded."))
                    return redirect("prevention:ledger_entry", entry.pk)
            elif action == "risk":
                risk_form = pf.RiskForm(request.POST, prefix="risk")
                if risk_form.is_valid():
                    services.ledger_entry_update_risk(
                        actor=user,
                        entry=entry,
                        version=posted_int(request.POST, "version"),
                        **risk_form.cleaned_data,
                    )
                    return redirect("prevention:ledger_entry", entry.pk)
            elif action == "close":
                close_form = pf.CloseForm(request.POST, prefix="close")
                if close_form.is_valid():
                    services.ledger_entry_close(
                        actor=user, entry=entry, reason=close_form.cleaned_data["close_reason"]
                    )
                    return redirect("prevention:ledger_entry", entry.pk)
        except (ValidationError, DomainError) as error:
            target = {"visit": visit_form, "risk": risk_form, "close": close_form}.get(
                action or "", visit_form
            )
            _errors(target, error)
    return _page(
        request,
        "ledger_entry.html",
        entry=entry,
        visits=entry.visits.select_related("visitor", "tip"),
        visit_form=visit_form,
        risk_form=risk_form,
        close_form=close_form,
        today=timezone.localdate(),
    )


# --- Overview ----------------------------------------------------------------------------


@requires(P_PREVENTION_OVERVIEW)
@require_GET
def overview_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    level, rows = overview(user)
    totals = {
        "followed": sum(r.followed for r in rows),
        "overdue": sum(r.overdue for r in rows),
        "open_dropouts": sum(r.open_dropouts for r in rows),
    }
    division = user.agency.division
    highlight = division.code if division is not None else None
    return _page(
        request,
        "overview.html",
        level=level,
        rows=rows,
        totals=totals,
        map_svg=overdue_map_svg(overdue_by_division(user), highlight, _("Overdue visits")),
    )


# --- Dropouts ----------------------------------------------------------------------------


def _schools(user: User) -> QuerySet[School]:
    area = work_area(user)
    schools = School.objects.select_related("division").order_by("name")
    if area is not None and area.school_id is not None:
        return schools.filter(pk=area.school_id)
    if area is not None and area.township_id is not None:
        return schools.filter(township_id=area.township_id)
    if requires_work_area(user):
        return schools.none()
    return scope_filter(schools, user)


@requires(P_DROPOUT_VIEW)
@require_GET
def dropouts(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    files = dropouts_visible_to(user)
    status = request.GET.get("status", "open")
    if status:
        files = files.filter(status=status)
    page = Paginator(files, 50).get_page(request.GET.get("page"))
    _audit_list(user, "prevention.dropoutfile", len(page), status=status)
    return _page(request, "dropouts.html", page=page, status=status)


@requires(P_DROPOUT_WRITE)
@require_http_methods(["GET", "POST"])
def dropout_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = pf.DropoutForm(
        request.POST or None,
        schools=_schools(user),
        workers=_workers(user).filter(groups__name=Role.PREVENTION_WORKER),
    )
    return _new_record(
        request,
        form,
        division=lambda data: data["school"].division,
        create=lambda person, data: services.dropout_open(
            actor=user,
            person=person,
            school=data["school"],
            grade=data["grade"],
            left_on=data["left_on"],
            reason=data["reason"],
            township_worker=data["township_worker"],
        ),
        title=_("Open a dropout file"),
        then="prevention:dropout",
        success=_("Dropout file opened."),
    )


@requires(P_DROPOUT_VIEW)
@require_http_methods(["GET", "POST"])
def dropout(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    file = dropout_get(user, pk)
    action_form = pf.DropoutActionForm(prefix="action")
    resolve_form = pf.DropoutResolveForm(prefix="resolve")
    if request.method == "POST":
        if not user.has_perm(P_DROPOUT_WRITE):
            raise PermissionDenied
        try:
            if request.POST.get("action") == "resolve":
                resolve_form = pf.DropoutResolveForm(request.POST, prefix="resolve")
                if resolve_form.is_valid():
                    services.dropout_resolve(
                        actor=user,
                        file=file,
                        version=posted_int(request.POST, "version"),
                        **resolve_form.cleaned_data,
                    )
                    messages.success(request, _("File closed."))
                    return redirect("prevention:dropout", file.pk)
            else:
                action_form = pf.DropoutActionForm(request.POST, prefix="action")
                if action_form.is_valid():
                    services.dropout_action_add(actor=user, file=file, **action_form.cleaned_data)
                    return redirect("prevention:dropout", file.pk)
        except (ValidationError, DomainError) as error:
            _errors(action_form, error)
    return _page(
        request,
        "dropout.html",
        file=file,
        actions=file.actions.select_related("actor"),
        action_form=action_form,
        resolve_form=resolve_form,
    )


# --- Found children ----------------------------------------------------------------------


@requires(P_FOUND_VIEW)
@require_GET
def found_children(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = Paginator(found_children_visible_to(user), 50).get_page(request.GET.get("page"))
    _audit_list(user, "prevention.foundchild", len(page))
    return _page(request, "found_children.html", page=page)


@requires(P_FOUND_WRITE)
@require_http_methods(["GET", "POST"])
def found_child_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = pf.FoundChildForm(
        request.POST or None,
        divisions=_divisions(user),
        townships=_townships(user),
        initial={"division": user.agency.division_id},
    )
    fields = ("kind", "found_at", "found_place", "found_by", "placement", "institution")
    return _new_record(
        request,
        form,
        division=lambda data: data["division"],
        create=lambda person, data: services.found_child_record(
            actor=user,
            person=person,
            division=data["division"],
            township=data["township"],
            **{name: data[name] for name in fields},
        ),
        title=_("A street minor or abandoned infant"),
        then="prevention:found_child",
        success=_("Recorded. Trace the guardians and ask for a DNA check."),
    )


@requires(P_FOUND_VIEW)
@require_http_methods(["GET", "POST"])
def found_child(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    child = found_child_get(user, pk)
    tracing_form = pf.TracingForm(prefix="tracing")
    dna_form = pf.DnaRequestForm(prefix="dna")
    if request.method == "POST":
        if not user.has_perm(P_FOUND_WRITE):
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "dna":
                dna_form = pf.DnaRequestForm(request.POST, prefix="dna")
                if dna_form.is_valid():
                    services.found_child_request_dna(
                        actor=user, child=child, reason=dna_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("DNA check requested from the police."))
                    return redirect("prevention:found_child", child.pk)
            elif action == "status":
                services.found_child_set_status(
                    actor=user, child=child, status=request.POST.get("status", "")
                )
                return redirect("prevention:found_child", child.pk)
            else:
                tracing_form = pf.TracingForm(request.POST, prefix="tracing")
                if tracing_form.is_valid():
                    services.tracing_step_add(actor=user, child=child, **tracing_form.cleaned_data)
                    return redirect("prevention:found_child", child.pk)
        except (ValidationError, DomainError) as error:
            _errors(dna_form if action == "dna" else tracing_form, error)
    return _page(
        request,
        "found_child.html",
        child=child,
        tracing=child.tracing.select_related("actor"),
        tracing_form=tracing_form,
        dna_form=dna_form,
        statuses=child.Status.choices,
    )


# --- Registration checks -----------------------------------------------------------------


@requires(P_REGCHECK_VIEW)
@require_GET
def registration_checks(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = Paginator(registration_checks_visible_to(user), 50).get_page(request.GET.get("page"))
    _audit_list(user, "prevention.registrationcheck", len(page))
    return _page(request, "registration_checks.html", page=page)


@requires(P_REGCHECK_ADD)
@require_http_methods(["GET", "POST"])
def registration_check_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = pf.RegistrationCheckForm(
        request.POST or None,
        divisions=_divisions(user),
        initial={"division": user.agency.division_id},
    )
    return _new_record(
        request,
        form,
        division=lambda data: data["division"],
        create=lambda child, data: services.registration_check_open(
            actor=user,
            kind=data["kind"],
            child=child,
            applicant=data["applicant"],
            account=data["account"],
            division=data["division"],
        ),
        title=_("Registration of a child of unclear origin"),
        then="prevention:registration_check",
        success=_("Pending until the police clear it; DNA check requested."),
    )


@requires(P_REGCHECK_VIEW)
@require_http_methods(["GET", "POST"])
def registration_check(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    check = registration_check_get(user, pk)
    form = pf.DecisionForm(request.POST or None)
    if request.method == "POST":
        if not user.has_perm(P_REGCHECK_DECIDE):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.registration_check_decide(
                    actor=user,
                    check=check,
                    clear=form.cleaned_data["decision"] == "clear",
                    note=form.cleaned_data["note"],
                    suspected_purchase=form.cleaned_data["suspected_purchase"],
                )
            except (ValidationError, DomainError) as error:
                _errors(form, error)
            else:
                return redirect("prevention:registration_check", check.pk)
    return _page(
        request,
        "registration_check.html",
        check=check,
        form=form,
        can_decide=user.has_perm(P_REGCHECK_DECIDE) and user.agency.is_public_security,
    )


# --- Released offenders ------------------------------------------------------------------


@requires(P_OFFENDER_VIEW)
@require_GET
def offenders(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = Paginator(offenders_visible_to(user), 50).get_page(request.GET.get("page"))
    _audit_list(user, "prevention.offenderfollowup", len(page))
    return _page(request, "offenders.html", page=page, today=timezone.localdate())


@requires(P_OFFENDER_WRITE)
@require_http_methods(["GET", "POST"])
def offender_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = pf.OffenderForm(
        request.POST or None,
        divisions=_divisions(user),
        initial={"division": user.agency.division_id},
    )
    return _new_record(
        request,
        form,
        division=lambda data: data["division"],
        create=lambda person, data: services.offender_follow_up_open(
            actor=user,
            person=person,
            released_on=data["released_on"],
            offence=data["offence"],
            review_interval_days=data["review_interval_days"],
            division=data["division"],
        ),
        title=_("Follow a released offender"),
        then="prevention:offender",
    )


@requires(P_OFFENDER_VIEW)
@require_http_methods(["GET", "POST"])
def offender(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    follow_up = offender_get(user, pk)
    form = pf.ReviewForm(request.POST or None)
    if request.method == "POST":
        if not user.has_perm(P_OFFENDER_WRITE):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.offender_review_record(
                    actor=user, follow_up=follow_up, **form.cleaned_data
                )
            except (ValidationError, DomainError) as error:
                _errors(form, error)
            else:
                return redirect("prevention:offender", follow_up.pk)
    return _page(
        request,
        "offender.html",
        follow_up=follow_up,
        reviews=follow_up.reviews.select_related("reviewer", "agency"),
        form=form,
    )
