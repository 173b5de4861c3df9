"""The system administrator's pages for the prevention module's reference data: schools
(with the township they serve and the education bureau that follows their dropouts) and
work areas (a village worker narrowed to a township, a teacher to a school)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from homeward.core.errors import DomainError
from homeward.core.form_errors import apply_errors
from homeward.core.models import Agency, User
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_REFERENCE, Role
from homeward.core.scoping import divisions_in_scope, scope_filter, townships_in_scope
from homeward.prevention import services
from homeward.prevention.forms import SchoolForm, WorkAreaForm
from homeward.prevention.models import School, WorkArea

# Roles whose holders usually work below the district (a township or a school).
_LOCAL_ROLES = (Role.PREVENTION_WORKER, Role.EDUCATION_OFFICER)


@requires(P_REFERENCE)
@require_GET
def school_admin_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    schools = scope_filter(
        School.objects.select_related("division", "township", "education_bureau"), user
    )
    return render(request, "prevention/school_admin_list.html", {"schools": schools})


@requires(P_REFERENCE)
@require_http_methods(["GET", "POST"])
def school_admin_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = current_user(request)
    school = (
        get_object_or_404(scope_filter(School.objects.all(), user), pk=pk)
        if pk is not None
        else None
    )
    initial = (
        {
            "name": school.name,
            "division": school.division_id,
            "township": school.township_id,
            "education_bureau": school.education_bureau_id,
        }
        if school
        else {}
    )
    bureaus = scope_filter(Agency.objects.filter(kind=services.EDUCATION_KIND), user) | (
        Agency.objects.filter(kind=services.EDUCATION_KIND, division__isnull=True)
    )
    form = SchoolForm(
        request.POST or None,
        initial=initial,
        divisions=divisions_in_scope(user),
        townships=townships_in_scope(user),
        bureaus=bureaus.select_related("division").order_by("level", "division__code"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.school_save(actor=user, school=school, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("School %(name)s saved.") % {"name": saved.name})
            return redirect("prevention:school_admin_list")
    return render(
        request,
        "core/reference_form.html",
        {
            "form": form,
            "title": _("Change school") if school else _("New school"),
            "back": "prevention:school_admin_list",
        },
    )


def _local_users(actor: User) -> object:
    """District users who hold a local role or already have a work area."""
    return (
        scope_filter(User.objects.filter(is_active=True), actor, division_field="agency__division")
        .filter(agency__division__isnull=False)
        .filter(Q(role_assignments__role__in=_LOCAL_ROLES) | Q(work_area__isnull=False))
        .select_related("agency", "work_area__township", "work_area__school")
        .distinct()
        .order_by("agency__division__code", "username")
    )


@requires(P_REFERENCE)
@require_GET
def work_area_admin_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(request, "prevention/work_area_admin_list.html", {"users": _local_users(user)})


@requires(P_REFERENCE)
@require_http_methods(["GET", "POST"])
def work_area_admin_edit(request: HttpRequest, user_pk: int) -> HttpResponse:
    actor = current_user(request)
    member = get_object_or_404(
        scope_filter(
            User.objects.filter(agency__division__isnull=False).select_related("agency"),
            actor,
            division_field="agency__division",
        ),
        pk=user_pk,
    )
    area = WorkArea.objects.filter(user=member).first()
    if request.method == "POST" and request.POST.get("clear"):
        services.work_area_clear(actor=actor, user=member)
        messages.success(request, _("Work area removed."))
        return redirect("prevention:work_area_admin_list")
    division_id = member.agency.division_id
    if division_id is None:  # filtered above; a municipal user has no work area
        raise Http404
    form = WorkAreaForm(
        request.POST or None,
        initial=(
            {"township": area.township_id, "school": area.school_id, "post": area.post}
            if area
            else {}
        ),
        townships=townships_in_scope(actor).filter(division_id=division_id),
        schools=School.objects.filter(division_id=division_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.work_area_set(actor=actor, user=member, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Work area of %(name)s saved.") % {"name": member.full_name}
            )
            return redirect("prevention:work_area_admin_list")
    return render(
        request,
        "prevention/work_area_admin_form.html",
        {"form": form, "member": member, "area": area},
    )
