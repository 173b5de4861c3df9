"""Helpers shared by the case views: domain errors onto forms, the generic form
page, htmx detection, query parameters and the task force section."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from homeward.cases.errors import CaseError
from homeward.cases.forms import ProgressForm
from homeward.cases.models import Case, Responsibility
from homeward.cases.selectors import is_task_force_member, task_force_of
from homeward.core.errors import DomainError
from homeward.core.models import User
from homeward.core.roles import P_CASE_MANAGE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Where a domain error belongs on a form (otherwise it is shown above the fields).
ERROR_FIELDS: Mapping[str, str] = {
    CaseError.LEADER_NOT_QUALIFIED: "leader",
    CaseError.LEADER_UNCHANGED: "leader",
    CaseError.CRIME_REQUIRED: "crimes",
    CaseError.UNKNOWN_CRIME: "crimes",
    CaseError.DIVISION_REQUIRED: "division",
    CaseError.SOURCE_REFERENCE_NOT_APPLICABLE: "source_reference",
    CaseError.MEMBER_NOT_QUALIFIED: "user",
    CaseError.ALREADY_MEMBER: "user",
    CaseError.PERSON_NOT_VISIBLE: "person",
    CaseError.PERSON_ALREADY_IN_ROLE: "role",
    CaseError.GUARDIAN_REQUIRED: "adult_present_name",
    CaseError.INTERVIEW_IN_FUTURE: "conducted_at",
    CaseError.INTERVIEWER_NOT_POLICE: "interviewer",
    CaseError.DEADLINE_IN_PAST: "deadline",
    CaseError.SUPERVISION_LEVEL_MISMATCH: "level",
}


def add_errors(form: forms.Form, error: ValidationError | DomainError) -> None:
    if isinstance(error, DomainError):
        field = ERROR_FIELDS.get(error.code)
        form.add_error(field if field in form.fields else None, error.message)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    submit: str,
    case: Case | None = None,
    lead: str = "",
    back: str = "",
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "submit": submit,
        "case": case,
        "lead": lead,
        "back": back,
    }
    return render(request, "cases/form_page.html", context)


def choice_param(request: HttpRequest, name: str, values: list[str]) -> str:
    value = request.GET.get(name, "")[:32]
    return value if value in values else ""


def task_force_context(
    user: User, case: Case, *, progress_form: ProgressForm | None = None
) -> dict[str, Any]:
    task_force = task_force_of(case)
    entries = list(task_force.progress.all())
    responsibilities = [
        {
            "code": code,
            "label": label,
            "entries": [entry for entry in entries if entry.responsibility == code],
        }
        for code, label in Responsibility.choices
    ]
    return {
        "case": case,
        "task_force": task_force,
        "members": list(task_force.members.all()),
        "responsibilities": responsibilities,
        "progress_form": progress_form or ProgressForm(),
        "can_manage": user.has_perm(P_CASE_MANAGE),
        "can_log": task_force.is_active
        and not case.is_closed
        and user.has_perm(P_CASE_MANAGE)
        and is_task_force_member(user, case),
    }
