"""The staff portal: home page per role, divisions and agencies, users, audit."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.home import WorkKind, figures_for, previous_visit, work_for
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
    townships_search,
    users_for_admin,
)


@requires(P_PORTAL)
def home(request: HttpRequest) -> HttpResponse:
    """The role's own work first: overdue, due this week, new since the last visit,
    waiting; then what each role does here. The 38-district table is its own page."""
    user = current_user(request)
    roles = [Role(code) for code in sorted(user.role_codes)]
    since = previous_visit(user)
    items = work_for(user, since=since, today=timezone.localdate())
    groups = [
        (kind, label, [item for item in items if item.kind == kind])
        for kind, label in (
            (WorkKind.OVERDUE, pgettext_lazy("home", "Overdue")),
            (WorkKind.WEEK, pgettext_lazy("home", "Due this week")),
            (WorkKind.NEW, pgettext_lazy("home", "New since your last visit")),
            (WorkKind.WAITING, pgettext_lazy("home", "Waiting for you")),
        )
    ]
    context: dict[str, object] = {
        "roles": roles,
        "scope": scope_of(user),
        "own_division": user.agency.division,
        "since": since,
        "groups": [group for group in groups if group[2]],
        "nothing_to_do": not items,
        "my_figures": figures_for(user, today=timezone.localdate()),
    }
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
@require_GET
def township_search(request: HttpRequest) -> JsonResponse:
    """Place search for forms that take a position (the alert form): a township's
    name, its district, and a position in GCJ-02 (the datum of the shipped reference
    data and of the picker's map).

    The reference data has no township positions (homeward/core/data/PROVENANCE.md: the
    township list has codes and names, no geometry), so the position is the district's
    centre, marked ``approximate`` with the words the picker shows after the name."""
    query = request.GET.get("q", "").strip()[:32]
    approximate = _("(district centre)")
    return JsonResponse(
        {
            "datum": "gcj02",
            "results": [
                {
                    "label": f"{t.division.display_name} {t.name_zh}",
                    "division": t.division_id,
                    "lat": round(t.division.centroid_lat, 5),
                    "lon": round(t.division.centroid_lon, 5),
                    "approximate": True,
                    "position": approximate,
                }
                for t in townships_search(query)
            ],
        }
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
