"""Victims pages: the department's queue, registering a rescued victim, the victim file
with every action, the special-file PDF, an institution's placement board, and the
legal-aid green channel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.documents import document_response
from homeward.core.errors import DomainError
from homeward.core.export_control import export_clearance
from homeward.core.exports import xlsx_table
from homeward.core.form_errors import apply_errors as _errors
from homeward.core.form_errors import error_text
from homeward.core.form_fields import posted_int
from homeward.core.models import User
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_LEGAL_AID, P_VICTIM_MANAGE, P_VICTIM_VIEW
from homeward.core.scoping import divisions_in_scope
from homeward.victims import forms as vf
from homeward.victims import services
from homeward.victims.models import (
    FollowUp,
    LegalAidApplication,
    Placement,
    RegistrationTask,
    Transfer,
    Victim,
)
from homeward.victims.selectors import (
    board,
    display_name,
    display_names,
    identity_visible,
    institutions_visible_to,
    legal_aid_queue,
    manages_victims,
    placement_get,
    placements_visible_to,
    proposals_for,
    referrals_for,
    referrals_visible_to,
    tasks_for,
    victim_get,
    victims_visible_to,
)


def _named(user: User, rows: list[Any], victim_of: Any) -> list[tuple[Any, str]]:
    """Rows with the victim's name as the user may see it (one lookup for all rows)."""
    names = display_names(user, [victim_of(row) for row in rows])
    return [(row, names[victim_of(row).pk]) for row in rows]


@requires(P_VICTIM_VIEW)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    victims = victims_visible_to(user)
    if request.GET.get("format") == "xlsx" and manages_victims(user):
        clearance = export_clearance(
            request, user, object_type="victims.victim", rows=victims.count()
        )
        if isinstance(clearance, HttpResponse):
            return clearance
        rows = (
            [
                v.pk,
                v.person.full_name,
                str(v.get_age_group_display()),
                str(v.get_identity_status_display()),
                str(v.get_origin_display()),
                v.origin_detail,
                str(v.get_status_display()),
                v.division.display_name,
                timezone.localtime(v.rescued_at).strftime("%Y-%m-%d"),
                v.admitted_at.isoformat() if v.admitted_at else "",
            ]
            for v in victims
        )
        headers = [
            _("Record"),
            _("Full name"),
            _("Age group"),
            _("Identity"),
            _("Origin"),
            _("Province or nationality"),
            _("Status"),
            _("District"),
            _("Rescued at"),
            _("Admitted to an institution on"),
        ]
        return document_response(
            user=user,
            content=xlsx_table(user, _("Victims"), headers, rows),
            fmt="xlsx",
            filename="victims.xlsx",
            object_type="victims.victim",
            detail=clearance.detail,
        )
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="victims.victim",
        detail={"rows": victims.count()},
    )
    context = {
        "victims": _named(user, list(victims[:200]), lambda v: v),
        "referrals": _named(user, list(referrals_for(user)[:200]), lambda r: r.victim),
        "tasks": tasks_for(user),
        "institutions": institutions_visible_to(user) if manages_victims(user) else [],
        "manages": manages_victims(user),
        "today": timezone.localdate(),
    }
    return render(request, "victims/queue.html", context)


@requires(P_VICTIM_MANAGE)
@require_http_methods(["GET", "POST"])
def victim_new(request: HttpRequest) -> HttpResponse:
    from homeward.cases.selectors import cases_visible_to

    user = current_user(request)
    divisions = divisions_in_scope(user)
    form = vf.VictimForm(
        request.POST or None, divisions=divisions, initial={"division": user.agency.division_id}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = None
        if data["case_number"]:
            case = cases_visible_to(user).filter(number=data["case_number"].strip()).first()
            if case is None:
                form.add_error("case_number", _("No case with this number in your area."))
        if form.is_valid():
            try:
                with transaction.atomic():
                    victim = services.victim_register(
                        actor=user,
                        person=form.person(user, data["division"], purpose="victim record"),
                        identity_status=data["identity_status"],
                        age_at_rescue=data["age_at_rescue"],
                        origin=data["origin"],
                        origin_detail=data["origin_detail"],
                        rescued_at=data["rescued_at"],
                        how_rescued=data["how_rescued"],
                        division=data["division"],
                        case=case,
                    )
            except (ValidationError, DomainError) as error:
                _errors(form, error)
            else:
                messages.success(request, _("Registered and handed over to civil affairs."))
                return redirect("victims:victim", victim.pk)
    return render(
        request, "victims/form.html", {"form": form, "title": _("Register a rescued victim")}
    )


ACTIONS: dict[str, type[forms.Form]] = {
    "place": vf.PlacementForm,
    "return": vf.ReturnForm,
    "transfer": vf.TransferForm,
    "refer": vf.ReferralForm,
    "goal": vf.GoalForm,
    "review": vf.ReviewForm,
    "legal_aid": vf.LegalAidForm,
}


def _forms(user: User, victim: Victim, data: Any = None, action: str = "") -> dict[str, forms.Form]:
    made: dict[str, forms.Form] = {}
    for name, form_class in ACTIONS.items():
        bound = data if name == action else None
        if form_class is vf.PlacementForm:
            made[name] = form_class(bound, prefix=name, institutions=institutions_visible_to(user))  # type: ignore[call-arg]
        elif form_class is vf.ReferralForm:
            current = victim.placements.filter(status=Placement.Status.ACTIVE)
            made[name] = form_class(
                bound, prefix=name, placements=current.select_related("institution")
            )  # type: ignore[call-arg]
        else:
            made[name] = form_class(bound, prefix=name)
    return made


def _act(user: User, victim: Victim, action: str, form: forms.Form, request: HttpRequest) -> None:
    data = form.cleaned_data
    if action == "place":
        services.placement_propose(actor=user, victim=victim, institution=data["institution"])
    elif action == "return":
        services.victim_return(
            actor=user,
            victim=victim,
            kind=data["kind"],
            people=data["people"],
            address=data["address"],
            returned_on=data["returned_on"],
        )
    elif action == "transfer":
        services.transfer_start(actor=user, victim=victim, **data)
    elif action == "refer":
        services.service_refer(actor=user, victim=victim, **data)
    elif action == "goal":
        services.plan_goal_add(actor=user, victim=victim, goal=data["goal"])
    elif action == "review":
        services.plan_review_add(actor=user, victim=victim, **data)
    elif action == "legal_aid":
        services.legal_aid_apply(actor=user, victim=victim, matter=data["matter"])


@requires(P_VICTIM_VIEW)
@require_http_methods(["GET", "POST"])
def victim(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    record = victim_get(user, pk)
    action = request.POST.get("action", "")
    page_forms = _forms(user, record, request.POST if request.method == "POST" else None, action)
    if request.method == "POST":
        if action in ACTIONS:
            if not manages_victims(user):
                raise PermissionDenied
            form = page_forms[action]
            if form.is_valid():
                try:
                    _act(user, record, action, form, request)
                except (ValidationError, DomainError) as error:
                    _errors(form, error)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("victims:victim", record.pk)
        elif action == "follow_up":
            follow_up = get_object_or_404(
                FollowUp, pk=posted_int(request.POST, "follow_up"), victim=record
            )
            form = vf.FollowUpForm(request.POST)
            if not manages_victims(user):
                raise PermissionDenied
            if form.is_valid():
                try:
                    services.follow_up_record(actor=user, follow_up=follow_up, **form.cleaned_data)
                except (ValidationError, DomainError) as error:
                    messages.error(request, error_text(error))
                else:
                    messages.success(request, _("Follow-up visit recorded."))
            else:
                messages.error(request, error_text(ValidationError(form.errors.as_data())))
            return redirect("victims:victim", record.pk)
        elif action == "handover":
            transfer = get_object_or_404(
                Transfer, pk=posted_int(request.POST, "transfer"), victim=record
            )
            form = vf.HandoverForm(request.POST)
            if not manages_victims(user):
                raise PermissionDenied
            if form.is_valid():
                try:
                    services.transfer_handover(actor=user, transfer=transfer, **form.cleaned_data)
                except (ValidationError, DomainError) as error:
                    messages.error(request, error_text(error))
                else:
                    messages.success(request, _("Hand-over confirmed."))
            else:
                messages.error(request, error_text(ValidationError(form.errors.as_data())))
            return redirect("victims:victim", record.pk)
        elif action == "task":
            task = get_object_or_404(RegistrationTask, victim=record)
            try:
                services.registration_task_complete(
                    actor=user, task=task, note=request.POST.get("note", "")
                )
            except DomainError as error:
                messages.error(request, error.message)
            return redirect("victims:victim", record.pk)
    context = {
        "victim": record,
        "name": display_name(user, record),
        "identity": identity_visible(user, record),
        "manages": manages_victims(user),
        "forms": page_forms,
        "placements": record.placements.select_related("institution"),
        "services": record.services.select_related("owner_agency", "placement__institution"),
        "goals": record.goals.all(),
        "reviews": record.reviews.select_related("reviewer"),
        "follow_ups": record.follow_ups.all(),
        "returns": record.returns.prefetch_related("people"),
        "transfers": record.transfers.all(),
        "legal_aid": record.legal_aid.select_related("lawyer"),
        "task": RegistrationTask.objects.filter(victim=record).first(),
        "follow_up_form": vf.FollowUpForm(),
        "handover_form": vf.HandoverForm(),
        "age": services.current_age(record),
    }
    return render(request, "victims/victim.html", context)


@requires(P_VICTIM_MANAGE)
@require_GET
def victim_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from homeward.victims.reports import special_file_pdf

    user = current_user(request)
    record = victim_get(user, pk)
    return document_response(
        user=user,
        content=special_file_pdf(user, record),
        fmt="pdf",
        filename=f"victim-{record.pk}.pdf",
        obj=record,
        action=AuditAction.PRINT,
        detail={"document": "special file"},
        inline=True,
    )


@requires(P_VICTIM_VIEW)
@require_http_methods(["GET", "POST"])
def service(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    referral = get_object_or_404(referrals_visible_to(user), pk=pk)
    # The delivering unit updates the referral; the units that manage the victim follow it.
    delivers = referral.owner_agency_id == user.agency_id
    form = vf.ServiceUpdateForm(request.POST or None)
    if request.method == "POST" and not delivers:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(actor=user, referral=referral, **form.cleaned_data)
        except (ValidationError, DomainError) as error:
            _errors(form, error)
        else:
            return redirect("victims:queue")
    audit_record(
        actor=user, action=AuditAction.READ, obj=referral.victim, detail={"purpose": "service"}
    )
    return render(
        request,
        "victims/service.html",
        {
            "referral": referral,
            "form": form,
            "delivers": delivers,
            "name": display_name(user, referral.victim),
            "placement_open": referral.placement_id is not None
            and placements_visible_to(user).filter(pk=referral.placement_id).exists(),
        },
    )


@requires(P_VICTIM_MANAGE)
@require_http_methods(["GET", "POST"])
def placement(request: HttpRequest, pk: int) -> HttpResponse:
    """One stay in an institution: who, where, since when, the services referred for it,
    and a referral form for this stay (the service checks scope and the stay)."""
    user = current_user(request)
    stay = placement_get(user, pk)
    current = stay.status == Placement.Status.ACTIVE
    form = vf.ReferralForm(
        request.POST if request.method == "POST" else None,
        prefix="refer",
        initial={"due_on": timezone.localdate() + timedelta(days=7)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.service_refer(
                actor=user, victim=stay.victim, placement=stay, **form.cleaned_data
            )
        except (ValidationError, DomainError) as error:
            _errors(form, error)
        else:
            messages.success(request, _("Referred for this stay."))
            return redirect("victims:placement", stay.pk)
    referrals = list(stay.referrals.select_related("owner_agency").order_by("referred_at", "pk"))
    return render(
        request,
        "victims/placement.html",
        {
            "placement": stay,
            "victim": stay.victim,
            "name": display_name(user, stay.victim),
            "referrals": referrals,
            "form": form,
            "current": current,
            "victim_open": victims_visible_to(user).filter(pk=stay.victim_id).exists(),
        },
    )


@requires(P_VICTIM_MANAGE)
@require_http_methods(["GET", "POST"])
def institution_board(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    institution = get_object_or_404(institutions_visible_to(user), pk=pk)
    if request.method == "POST":
        placement = get_object_or_404(
            Placement, pk=posted_int(request.POST, "placement"), institution=institution
        )
        accept = request.POST.get("decision") == "accept"
        try:
            services.placement_decide(
                actor=user,
                placement=placement,
                accept=accept,
                reason=request.POST.get("reason", ""),
            )
        except (ValidationError, DomainError) as error:
            messages.error(request, getattr(error, "message", None) or _("Say why."))
        else:
            messages.success(
                request,
                _("Placement accepted: the person is now on the board.")
                if accept
                else _("Placement declined: civil affairs will propose another institution."),
            )
        return redirect("victims:institution", institution.pk)
    rows = board(institution)
    audit_record(actor=user, action=AuditAction.LIST, obj=institution, detail={"rows": len(rows)})
    return render(
        request,
        "victims/board.html",
        {"institution": institution, "rows": rows, "proposals": proposals_for(institution)},
    )


@requires(P_LEGAL_AID)
@require_http_methods(["GET", "POST"])
def legal_aid(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    applications = legal_aid_queue(user)
    lawyers = User.objects.filter(
        agency=user.agency, is_active=True, groups__permissions__codename="handle_legal_aid"
    ).distinct()
    if request.method == "POST":
        application = get_object_or_404(applications, pk=posted_int(request.POST, "application"))
        step = request.POST.get("step")
        try:
            if step == "accept":
                services.legal_aid_review(actor=user, application=application, accept=True)
            elif step == "refuse":
                services.legal_aid_review(
                    actor=user,
                    application=application,
                    accept=False,
                    note=request.POST.get("note", ""),
                )
            elif step == "assign":
                form = vf.AssignForm(request.POST, lawyers=lawyers)
                if not form.is_valid():
                    raise ValidationError(
                        {"lawyer": [_("Choose a lawyer of this legal-aid office.")]}
                    )
                services.legal_aid_assign(
                    actor=user, application=application, lawyer=form.cleaned_data["lawyer"]
                )
            elif step == "close":
                services.legal_aid_close(
                    actor=user, application=application, outcome=request.POST.get("note", "")
                )
        except (ValidationError, DomainError) as error:
            messages.error(request, error_text(error))
        else:
            done = {
                "accept": _("Application accepted: assign a lawyer next."),
                "refuse": _("Application refused; the reason is recorded."),
                "assign": _("Lawyer assigned: the handling deadline has started."),
                "close": _("Matter concluded; the referred service is closed with it."),
            }.get(step or "")
            if done:
                messages.success(request, done)
        return redirect("victims:legal_aid")
    audit_record(
        actor=user, action=AuditAction.LIST, object_type="victims.legalaidapplication", detail={}
    )
    rows = _named(user, list(applications[:200]), lambda a: a.victim)
    return render(
        request,
        "victims/legal_aid.html",
        {
            "rows": rows,
            "assign_form": vf.AssignForm(lawyers=lawyers),
            "now": timezone.now(),
            "statuses": LegalAidApplication.Status,
        },
    )
