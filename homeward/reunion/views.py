"""Reunion pages: the police's searches, found persons and ranked candidates; the
registering unit's view of its searches' state; the family's public registration and
status check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from homeward.core.errors import DomainError
from homeward.core.models import Division
from homeward.core.permissions import current_user, public_view, requires
from homeward.core.roles import (
    P_REUNION_FOUND_ADD,
    P_REUNION_MATCH,
    P_REUNION_REGISTER,
    P_REUNION_VIEW,
)
from homeward.core.scoping import divisions_in_scope
from homeward.reunion import engine, services
from homeward.reunion.duplicates import found_person_duplicates, search_duplicates
from homeward.reunion.forms import (
    CandidateActionForm,
    DuplicateDismissForm,
    FoundEditForm,
    FoundRegisterForm,
    PublicSearchForm,
    ReuniteForm,
    SearchActionForm,
    SearchEditForm,
    StaffSearchForm,
    StatusForm,
)
from homeward.reunion.models import Candidate, SearchRegistration
from homeward.reunion.selectors import (
    candidate_get_for_user,
    candidates_of_found,
    candidates_of_search,
    found_get_for_user,
    found_persons_visible_to,
    search_get_for_user,
    searches_visible_to,
    works_searches,
)

PURPOSE_REVIEW = "reunion_candidate_review"


def _form_errors(form: Any, error: ValidationError | DomainError) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, error.message)


def waterfall(candidate: Candidate) -> list[dict[str, Any]]:
    """Each field's contribution with the running total (bits), in the user's language."""
    rows: list[dict[str, Any]] = []
    total = 0.0
    for item in candidate.contributions:
        bits = float(item["bits"])
        total += bits
        rows.append(
            {
                "field": engine.field_label(item["field"]),
                "reason": engine.level_label(item["field"], item["level"]),
                "bits": bits,
                "magnitude": min(abs(bits), 15.0),
                "positive": bits >= 0,
                "total": total,
            }
        )
    return rows


# --- staff -----------------------------------------------------------------------------


@requires(P_REUNION_VIEW)
def search_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "")[:12]
    searches = searches_visible_to(user)
    if status in SearchRegistration.Status.values:
        searches = searches.filter(status=status)
    page = Paginator(searches, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "reunion/search_list.html",
        {
            "page": page,
            "status": status,
            "statuses": SearchRegistration.Status.choices,
            "police": works_searches(user),
        },
    )


@requires(P_REUNION_REGISTER)
@require_http_methods(["GET", "POST"])
def search_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = StaffSearchForm(request.POST or None)
    form.fields["division"].queryset = divisions_in_scope(user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            search = services.search_register(
                actor=user,
                kind=form.cleaned_data["kind"],
                division=form.cleaned_data["division"],
                found_details=form.found_details(),
                **form.search_fields(),
            )
        except (ValidationError, DomainError) as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("Search %(code)s registered.") % {"code": search.tracking_code}
            )
            return redirect("reunion:search_detail", pk=search.pk)
    return render(request, "reunion/search_form.html", {"form": form})


@requires(P_REUNION_VIEW)
def search_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    police = works_searches(user)
    search = search_get_for_user(user, pk, purpose=PURPOSE_REVIEW if police else "state")
    context: dict[str, Any] = {
        "search": search,
        "police": police,
        "alert_days": settings.REUNION_ALERT_DAYS,
    }
    if police:
        candidates = candidates_of_search(user, search, purpose=PURPOSE_REVIEW)
        context["candidates"] = [(c, waterfall(c)) for c in candidates]
        context["action_form"] = SearchActionForm(initial={"version": search.version})
        context["candidate_form"] = CandidateActionForm()
        context["duplicates"] = search_duplicates(search, visible=searches_visible_to(user))
        context["dismiss_url"] = reverse("reunion:search_not_duplicate", args=[search.pk])
        return render(request, "reunion/search_detail.html", context)
    return render(request, "reunion/search_state.html", context)


@requires(P_REUNION_MATCH)
@require_http_methods(["POST"])
def search_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    search = search_get_for_user(user, pk, purpose="reunion_search_action")
    form = SearchActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm, then try again."))
        return redirect("reunion:search_detail", pk=search.pk)
    try:
        if form.cleaned_data["action"] == "verify":
            services.search_verify(actor=user, search=search, version=form.cleaned_data["version"])
            messages.success(
                request, _("Verified. The DNA unit is asked to take the family's blood.")
            )
        else:
            services.search_close(
                actor=user,
                search=search,
                version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The search is closed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("reunion:search_detail", pk=search.pk)


@requires(P_REUNION_MATCH)
@require_http_methods(["GET", "POST"])
def search_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The police correct or complete a registration; it is matched again after commit."""
    user = current_user(request)
    search = search_get_for_user(user, pk, purpose="reunion_search_correct")
    if not works_searches(user):
        raise Http404
    initial = {name: getattr(search, name) for name in SearchEditForm.base_fields}
    initial["version"] = search.version
    form = SearchEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.search_update(
                actor=user,
                search=search,
                version=form.cleaned_data["version"],
                **form.search_fields(),
            )
        except (ValidationError, DomainError) as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Saved. The search is matched again."))
            return redirect("reunion:search_detail", pk=search.pk)
    status = 400 if form.errors else 200
    return render(
        request, "reunion/search_edit.html", {"form": form, "search": search}, status=status
    )


@requires(P_REUNION_MATCH)
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    candidate = candidate_get_for_user(user, pk, purpose=PURPOSE_REVIEW)
    return _candidate_page(request, candidate, reunite_form=ReuniteForm())


def _candidate_page(
    request: HttpRequest, candidate: Candidate, *, reunite_form: ReuniteForm
) -> HttpResponse:
    from homeward.core.roles import P_VICTIM_VIEW

    user = current_user(request)
    return render(
        request,
        "reunion/candidate_detail.html",
        {
            "candidate": candidate,
            "rows": waterfall(candidate),
            "facts": engine.found_fields(candidate.found),
            "form": CandidateActionForm(),
            "dna_review": services.dna_review(candidate),
            "victim": services.returned_victim(candidate),
            "sees_victims": user.has_perm(P_VICTIM_VIEW),
            "reunite_form": reunite_form,
        },
    )


@requires(P_REUNION_MATCH)
@require_http_methods(["POST"])
def candidate_reunite(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    candidate = candidate_get_for_user(user, pk, purpose="reunion_candidate_action")
    form = ReuniteForm(request.POST)
    if form.is_valid():
        try:
            services.candidate_reunite(
                actor=user,
                candidate=candidate,
                reunited_on=form.cleaned_data["reunited_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("reunion:candidate_detail", pk=candidate.pk)
        else:
            messages.success(request, _("The reunion is recorded."))
            return redirect("reunion:candidate_detail", pk=candidate.pk)
    return _candidate_page(request, candidate, reunite_form=form)


@requires(P_REUNION_MATCH)
@require_http_methods(["POST"])
def candidate_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    candidate = candidate_get_for_user(user, pk, purpose="reunion_candidate_action")
    form = CandidateActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm, then try again."))
        return redirect("reunion:candidate_detail", pk=candidate.pk)
    action = form.cleaned_data["action"]
    note = form.cleaned_data["note"]
    try:
        if action == "request_dna":
            candidate = services.candidate_request_dna(actor=user, candidate=candidate, note=note)
        elif action == "compare_dna":
            candidate = services.candidate_compare_dna(actor=user, candidate=candidate)
        elif action == "not_same":
            candidate = services.candidate_not_same(actor=user, candidate=candidate, note=note)
        else:
            candidate = services.candidate_confirm(actor=user, candidate=candidate, note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Candidate: %(state)s.") % {"state": candidate.get_state_display()}
        )
    return redirect("reunion:candidate_detail", pk=candidate.pk)


@requires(P_REUNION_MATCH)
def found_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = Paginator(found_persons_visible_to(user), 30).get_page(request.GET.get("page"))
    return render(request, "reunion/found_list.html", {"page": page})


@requires(P_REUNION_FOUND_ADD)
@require_http_methods(["GET", "POST"])
def found_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = FoundRegisterForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            found = services.found_person_register(
                actor=user,
                source=form.cleaned_data["source"],
                source_id=form.cleaned_data["source_id"],
                **form.details(),
            )
        except (ValidationError, DomainError) as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The person is now in the search for relatives."))
            if works_searches(user):
                return redirect("reunion:found_detail", pk=found.pk)
            return redirect("core:home")
    return render(request, "reunion/found_form.html", {"form": form})


@requires(P_REUNION_MATCH)
def found_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    found = found_get_for_user(user, pk, purpose=PURPOSE_REVIEW)
    candidates = candidates_of_found(user, found, purpose=PURPOSE_REVIEW)
    return render(
        request,
        "reunion/found_detail.html",
        {
            "found": found,
            "facts": engine.found_fields(found),
            "candidates": candidates,
            "duplicates": found_person_duplicates(found, visible=found_persons_visible_to(user)),
            "dismiss_url": reverse("reunion:found_not_duplicate", args=[found.pk]),
        },
    )


def _dismiss_duplicate(request: HttpRequest, dismiss: Callable[..., Any], record: Any) -> None:
    """不是重复: the dismissal of one suggestion, with the page's messages."""
    form = DuplicateDismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm, then try again."))
        return
    try:
        dismiss(record, other_id=form.cleaned_data["other"], note=form.cleaned_data["note"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Noted: not a duplicate. It will not be suggested again."))


@requires(P_REUNION_MATCH)
@require_http_methods(["POST"])
def search_not_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """不是重复 on a search page: the suggested search is another child."""
    user = current_user(request)
    search = search_get_for_user(user, pk, purpose="reunion_duplicate_review")
    _dismiss_duplicate(
        request,
        lambda record, **kw: services.duplicate_dismiss_search(actor=user, search=record, **kw),
        search,
    )
    return redirect("reunion:search_detail", pk=search.pk)


@requires(P_REUNION_MATCH)
@require_http_methods(["POST"])
def found_not_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """不是重复 on a found person's page: the suggested found person is someone else."""
    user = current_user(request)
    found = found_get_for_user(user, pk, purpose="reunion_duplicate_review")
    _dismiss_duplicate(
        request,
        lambda record, **kw: services.duplicate_dismiss_found(actor=user, found=record, **kw),
        found,
    )
    return redirect("reunion:found_detail", pk=found.pk)


@requires(P_REUNION_MATCH)
@require_http_methods(["GET", "POST"])
def found_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The police correct or complete a found person's details; every search is matched
    again after commit."""
    user = current_user(request)
    found = found_get_for_user(user, pk, purpose="reunion_found_correct")
    initial = {name: getattr(found, name) for name in FoundEditForm.base_fields}
    initial["version"] = found.version
    form = FoundEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.found_person_update(
                actor=user, found=found, version=form.cleaned_data["version"], **form.details()
            )
        except (ValidationError, DomainError) as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Saved. Every search is matched again."))
            return redirect("reunion:found_detail", pk=found.pk)
    status = 400 if form.errors else 200
    return render(request, "reunion/found_edit.html", {"form": form, "found": found}, status=status)


# --- public ----------------------------------------------------------------------------


@public_view
@never_cache
@require_http_methods(["GET", "POST"])
def public_register(request: HttpRequest) -> HttpResponse:
    """A family registers; the answer comes only from the committed row."""
    form = PublicSearchForm(request.POST or None)
    form.fields["division"].queryset = Division.objects.order_by("code")  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.search_submit_public(
                idempotency_key=form.cleaned_data["idempotency_key"],
                kind=SearchRegistration.Kind.FAMILY,
                division=form.cleaned_data["division"],
                **form.search_fields(),
            )
        except (ValidationError, DomainError) as error:
            _form_errors(form, error)
            status = error.status if isinstance(error, DomainError) else 400
            return render(request, "reunion/public_register.html", {"form": form}, status=status)
        return render(
            request,
            "reunion/public_received.html",
            {"tracking_code": submission.search.tracking_code, "secret": submission.secret},
        )
    return render(request, "reunion/public_register.html", {"form": form})


@public_view
@never_cache
@require_http_methods(["GET", "POST"])
def public_status(request: HttpRequest) -> HttpResponse:
    from homeward.tips.throttle import submission_allowed

    form = StatusForm(request.POST or None)
    view = None
    if request.method == "POST":
        if not submission_allowed(request):
            return render(request, "tips/public_throttled.html", status=429)
        if form.is_valid():
            view = services.search_status_for_family(
                tracking_code=form.cleaned_data["tracking_code"],
                secret=form.cleaned_data["secret"],
            )
            if view is None:
                form.add_error(None, _("No registration matches this code and secret."))
    return render(request, "reunion/public_status.html", {"form": form, "view": view})
