"""The staff portal: home page per role, divisions and agencies, users, audit."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.maps import division_map_svg
from homeward.core.models import Agency, User
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_AUDIT, P_MANAGE_USERS, P_PLACES, P_PORTAL, Role
from homeward.core.scoping import scope_of
from homeward.core.selectors import (
    agencies_of_division,
    agencies_search,
    audit_checkpoints_recent,
    audit_events_for,
    audit_head,
    division_get,
    divisions_with_counts,
    municipal_agencies,
    users_for_admin,
)


@requires(P_PORTAL)
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    roles = [Role(code) for code in sorted(user.role_codes)]
    scope = scope_of(user)
    context: dict[str, object] = {"roles": roles, "scope": scope}
    if user.has_perm(P_PLACES):
        divisions = list(divisions_with_counts())
        own = user.agency.division
        context.update(
            {
                "divisions": divisions,
                "municipal_agency_count": municipal_agencies().count(),
                "map_svg": division_map_svg(
                    divisions,
                    highlight=own.code if own else None,
                    href=lambda code: reverse("core:division_detail", args=[code]),
                ),
                "own_division": own,
            }
        )
    return render(request, "core/home.html", context)


@requires(P_PLACES)
def division_list(request: HttpRequest) -> HttpResponse:
    divisions = list(divisions_with_counts())
    return render(
        request,
        "core/division_list.html",
        {
            "divisions": divisions,
            "municipal_agencies": municipal_agencies(),
            "map_svg": division_map_svg(
                divisions, href=lambda code: reverse("core:division_detail", args=[code])
            ),
        },
    )


@requires(P_PLACES)
def division_detail(request: HttpRequest, code: str) -> HttpResponse:
    division = division_get(code)
    divisions = list(divisions_with_counts())
    return render(
        request,
        "core/division_detail.html",
        {
            "division": division,
            "agencies": agencies_of_division(division),
            "townships": division.townships.order_by("code"),
            "map_svg": division_map_svg(
                divisions,
                highlight=division.code,
                href=lambda c: reverse("core:division_detail", args=[c]),
            ),
        },
    )


@requires(P_PLACES)
def agency_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:64]
    division_code = request.GET.get("division", "").strip()[:16]
    kind = request.GET.get("kind", "").strip()[:48]
    agencies = agencies_search(query=query, division_code=division_code, kind=kind)
    page = Paginator(agencies, 50).get_page(request.GET.get("page"))
    kinds = Agency.objects.filter(division__isnull=True).order_by("kind")
    template = (
        "core/_agency_rows.html" if request.headers.get("HX-Request") else "core/agency_list.html"
    )
    return render(
        request,
        template,
        {
            "page": page,
            "query": query,
            "division_code": division_code,
            "kind": kind,
            "kinds": kinds,
            "divisions": divisions_with_counts(),
        },
    )


@requires(P_MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(users_for_admin(), 50).get_page(request.GET.get("page"))
    return render(request, "core/user_list.html", {"page": page})


@requires(P_AUDIT)
def audit_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    action = request.GET.get("action", "").strip()[:64]
    actor = request.GET.get("actor", "").strip()[:150]
    events = audit_events_for(user, action=action, actor=actor)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # Reading the audit trail is itself audited (a search).
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="core.auditevent",
        detail={"filters": {"action": action, "actor": bool(actor)}},
    )
    from homeward.core.labels import AUDIT_ACTION_LABELS, audit_action_label, object_type_label

    names = dict(
        User.objects.filter(
            username__in={event.actor_username for event in page if event.actor_username}
        ).values_list("username", "full_name")
    )
    for event in page:
        event.action_label = audit_action_label(event.action)  # type: ignore[attr-defined]
        event.object_label = object_type_label(event.object_type)  # type: ignore[attr-defined]
        event.actor_name = names.get(event.actor_username, "")  # type: ignore[attr-defined]
    choices = sorted(
        ((code, str(label)) for code, label in AUDIT_ACTION_LABELS.items()), key=lambda c: c[1]
    )
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "action": action,
            "actor": actor,
            "action_choices": choices,
            "checkpoints": audit_checkpoints_recent(),
            "head": audit_head(),
        },
    )
