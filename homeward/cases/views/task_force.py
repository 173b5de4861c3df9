"""The task force forms (一长三包): leader, members, dissolution and the progress log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from homeward.cases.forms import DissolveForm, LeaderChangeForm, MemberAddForm, ProgressForm
from homeward.cases.selectors import case_get_for_user, qualified_leaders, qualified_members
from homeward.cases.services import (
    progress_entry_add,
    task_force_add_member,
    task_force_change_leader,
    task_force_dissolve,
)
from homeward.cases.views.common import add_errors, form_page, is_htmx, task_force_context
from homeward.core.errors import DomainError
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_CASE_MANAGE


@requires(P_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def leader_change(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    case = case_get_for_user(user, pk)
    leaders = qualified_leaders(case.division).exclude(pk=case.task_force.leader_id)
    form = LeaderChangeForm(request.POST or None, leaders=leaders)
    if request.method == "POST" and form.is_valid():
        try:
            task_force_change_leader(
                actor=user,
                case=case,
                leader=form.cleaned_data["leader"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The task force has a new leader."))
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request, form, title=_("Change the task force leader"), submit=_("Save"), case=case
    )


@requires(P_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    case = case_get_for_user(user, pk)
    form = MemberAddForm(request.POST or None, candidates=qualified_members(case))
    if request.method == "POST" and form.is_valid():
        try:
            task_force_add_member(actor=user, case=case, user=form.cleaned_data["user"])
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The officer has joined the task force."))
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(request, form, title=_("Add a task force member"), submit=_("Add"), case=case)


@requires(P_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def task_force_dissolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    case = case_get_for_user(user, pk)
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task_force_dissolve(actor=user, case=case, reason=form.cleaned_data["reason"])
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The task force has been dissolved."))
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        form,
        title=_("Dissolve the task force"),
        submit=_("Dissolve"),
        case=case,
        lead=_("Until the case is solved, its task force may not be dissolved."),
    )


@requires(P_CASE_MANAGE)
@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Log progress; htmx gets the task force section back, other clients a redirect."""
    user = current_user(request)
    case = case_get_for_user(user, pk)
    form = ProgressForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            progress_entry_add(
                actor=user,
                case=case,
                responsibility=form.cleaned_data["responsibility"],
                text=form.cleaned_data["text"],
            )
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
        else:
            saved = True
    if is_htmx(request):
        context = task_force_context(user, case, progress_form=None if saved else form)
        return render(request, "cases/_task_force.html", context)
    if saved:
        messages.success(request, _("Progress logged."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("cases:case_detail", pk=case.pk)
