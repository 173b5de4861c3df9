"""Supervision (挂牌督办): the case team's reports, and the desk of the joint
conference office: find and list a case, follow it, lift the listing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from homeward.cases.forms import (
    SupervisionFindForm,
    SupervisionLiftForm,
    SupervisionListingForm,
    SupervisionReportForm,
)
from homeward.cases.models import ListingLevel, SupervisionListing
from homeward.cases.selectors import (
    case_find_for_supervision,
    case_get_for_user,
    case_supervision,
    source_code,
    supervised_cases,
)
from homeward.cases.services import (
    supervision_listing_create,
    supervision_listing_lift,
    supervision_report_submit,
)
from homeward.cases.views.common import add_errors, form_page
from homeward.core.errors import DomainError
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_CASE_MANAGE, P_CASE_SUPERVISE


@requires(P_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def supervision_report(request: HttpRequest, pk: int, listing_id: int) -> HttpResponse:
    user = current_user(request)
    case = case_get_for_user(user, pk)
    listing = get_object_or_404(SupervisionListing, pk=listing_id, case=case)
    form = SupervisionReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supervision_report_submit(actor=user, listing=listing, text=form.cleaned_data["text"])
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The report has been sent to the supervising office."))
            return redirect("cases:case_detail", pk=case.pk)
    return form_page(
        request,
        form,
        title=_("Report to the supervising office"),
        submit=_("Send the report"),
        case=case,
        lead=listing.requirements,
    )


# The supervision desk of the joint conference office (挂牌督办)


@requires(P_CASE_SUPERVISE)
def supervision_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = Paginator(supervised_cases(user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/supervision_list.html",
        {"page": page, "find_form": SupervisionFindForm()},
    )


@requires(P_CASE_SUPERVISE)
@require_http_methods(["GET", "POST"])
def supervision_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    find_form = SupervisionFindForm(request.GET or None)
    case = None
    if find_form.is_valid():
        case = case_find_for_supervision(user, find_form.cleaned_data["number"])
        if case is None:
            find_form.add_error("number", _("No case with this number in your area."))
    own_level = ListingLevel.MUNICIPAL if user.agency.is_municipal else ListingLevel.DISTRICT
    form = SupervisionListingForm(request.POST or None, initial={"level": own_level})
    if case is not None and request.method == "POST" and form.is_valid():
        try:
            supervision_listing_create(
                actor=user,
                case=case,
                level=form.cleaned_data["level"],
                deadline=form.cleaned_data["deadline"],
                requirements=form.cleaned_data["requirements"],
            )
        except (ValidationError, DomainError) as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Case %(number)s is under supervision.") % {"number": case.number}
            )
            return redirect("cases:supervision_case", pk=case.pk)
    return render(
        request,
        "cases/supervision_new.html",
        {"find_form": find_form, "case": case, "form": form},
    )


@requires(P_CASE_SUPERVISE)
def supervision_case(request: HttpRequest, pk: int) -> HttpResponse:
    """The case header and its supervision items: nothing about people or interviews."""
    user = current_user(request)
    case = case_get_for_user(user, pk, purpose="supervision")
    return render(
        request,
        "cases/supervision_case.html",
        {
            "case": case,
            "crimes": [crime.get_crime_display() for crime in case.crimes.all()],
            "listings": list(case_supervision(case)),
            "source_code": source_code(case),
            "lift_form": SupervisionLiftForm(),
            "own_level": (
                ListingLevel.MUNICIPAL if user.agency.is_municipal else ListingLevel.DISTRICT
            ),
        },
    )


@requires(P_CASE_SUPERVISE)
@require_POST
def supervision_lift(request: HttpRequest, pk: int, listing_id: int) -> HttpResponseBase:
    user = current_user(request)
    case = case_get_for_user(user, pk, purpose="supervision")
    listing = get_object_or_404(SupervisionListing, pk=listing_id, case=case)
    form = SupervisionLiftForm(request.POST)
    if form.is_valid():
        try:
            supervision_listing_lift(actor=user, listing=listing, note=form.cleaned_data["note"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The supervision listing has been lifted."))
    return redirect("cases:supervision_case", pk=case.pk)
