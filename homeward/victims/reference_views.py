"""The system administrator's pages for the institutions victims are placed in
(reference data a district sets up before any placement)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from homeward.core.errors import DomainError
from homeward.core.form_errors import apply_errors
from homeward.core.models import Agency
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_REFERENCE
from homeward.core.scoping import divisions_in_scope, scope_filter
from homeward.victims import services
from homeward.victims.forms import InstitutionForm
from homeward.victims.models import Institution, Placement


@requires(P_REFERENCE)
@require_GET
def institution_admin_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    institutions = scope_filter(
        Institution.objects.select_related("division", "operating_agency").annotate(
            staying=Count("placements", filter=Q(placements__status=Placement.Status.ACTIVE))
        ),
        user,
    )
    return render(request, "victims/institution_admin_list.html", {"institutions": institutions})


@requires(P_REFERENCE)
@require_http_methods(["GET", "POST"])
def institution_admin_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = current_user(request)
    institution = (
        get_object_or_404(scope_filter(Institution.objects.select_related("division"), user), pk=pk)
        if pk is not None
        else None
    )
    initial = (
        {
            "name": institution.name,
            "kind": institution.kind,
            "division": institution.division_id,
            "operating_agency": institution.operating_agency_id,
            "capacity": institution.capacity,
        }
        if institution
        else {}
    )
    agencies = scope_filter(
        Agency.objects.select_related("division"), user
    ) | Agency.objects.filter(division__isnull=True)
    form = InstitutionForm(
        request.POST or None,
        initial=initial,
        divisions=divisions_in_scope(user),
        agencies=agencies.order_by("level", "division__code", "kind"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.institution_save(
                actor=user, institution=institution, **form.cleaned_data
            )
        except (DomainError, ValidationError) as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Institution %(name)s saved.") % {"name": saved.name})
            return redirect("victims:institution_admin_list")
    title = _("Change institution") if institution else _("New institution")
    return render(
        request,
        "core/reference_form.html",
        {"form": form, "title": title, "back": "victims:institution_admin_list"},
    )
