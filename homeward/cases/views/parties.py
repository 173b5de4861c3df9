"""People in the case and one-stop interviews (the summary page is for the case team)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from homeward.cases.forms import InterviewForm, PartyAddForm
from homeward.cases.models import PartyRole
from homeward.cases.selectors import case_get_for_user, interview_get_for_user, task_force_of
from homeward.cases.services import case_party_add, interview_record
from homeward.cases.views.common import add_errors, form_page
from homeward.core.errors import DomainError
from homeward.core.models import User
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_CASE_MANAGE, P_CASE_VIEW
from homeward.people.selectors import persons_visible_to


@requires(P_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    case = case_get_for_user(user, pk)
    form = PartyAddForm(request.POST or None, persons=persons_visible_to(user))
    if request.method == "POST" and form.is_valid():
        try:
            case_party_add(
                actor=user,
                case=case,
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
            )
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The person has been added to the case."))
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(request, form, title=_("Add a person to the case"), submit=_("Add"), case=case)


@requires(P_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def interview_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    case = case_get_for_user(user, pk)
    victims = case.parties.filter(role=PartyRole.VICTIM).select_related("person")
    team = task_force_of(case)
    interviewers = User.objects.filter(
        pk__in=[team.leader_id, *(member.user_id for member in team.members.all()), user.pk]
    ).select_related("agency")
    form = InterviewForm(
        request.POST or None,
        victims=victims,
        interviewers=interviewers,
        initial={"interviewer": user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            interview_record(
                actor=user,
                case=case,
                party=data["party"],
                conducted_at=data["conducted_at"],
                location=data["location"],
                interviewer=data["interviewer"],
                summary=data["summary"],
                adult_present_name=data["adult_present_name"],
                adult_present_relation=data["adult_present_relation"],
            )
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The interview has been recorded."))
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        form,
        title=_("Record a one-stop interview"),
        submit=_("Save"),
        case=case,
        lead=_(
            "One interview, done well, spares the victim repeated questioning. A minor is"
            " interviewed only with a guardian or an appropriate adult present."
        ),
    )


@requires(P_CASE_VIEW)
def interview_detail(request: HttpRequest, pk: int, interview_id: int) -> HttpResponse:
    user = current_user(request)
    case = case_get_for_user(user, pk)
    interview = interview_get_for_user(user, case, interview_id)
    return render(request, "cases/interview_detail.html", {"case": case, "interview": interview})
