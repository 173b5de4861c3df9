"""Clue pages: the public report form and status check (no sign-in), the mandatory
report for institution staff, and the police triage queue."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from homeward.cases.selectors import cases_from_source
from homeward.core.errors import DomainError
from homeward.core.permissions import current_user, public_view, requires
from homeward.core.roles import P_TIP_MANDATORY, P_TIP_TRIAGE
from homeward.tips.challenge import challenge_new, challenge_passed
from homeward.tips.forms import (
    MandatoryReportForm,
    RewardApplyForm,
    RewardStepForm,
    StatusForm,
    TipForm,
    TransitionForm,
)
from homeward.tips.models import Reward, Tip
from homeward.tips.selectors import (
    mandatory_reports_of,
    related_tips,
    tip_get_for_user,
    triage_queue,
)
from homeward.tips.services import (
    TipError,
    mandatory_report_submit,
    tip_status_for_reporter,
    tip_submit,
    tip_transition,
)
from homeward.tips.throttle import report_accepted, reports_over_limit, submission_allowed


def _apply_errors(form: TipForm, error: ValidationError | DomainError) -> None:
    if isinstance(error, ValidationError):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error("pictures" if "attachment" in error.code else None, error.message)


@public_view
@never_cache
@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    """The public report form. Only accepted reports count towards the hourly limit of a
    connection; past it, a report still goes through once a light challenge is answered
    (a person with a real clue is never turned away). Intake replay and the API's
    throttling are the security work's (secauth), not changed here."""
    form = TipForm(request.POST or None, request.FILES or None)
    over_limit = request.method == "POST" and reports_over_limit(request)
    challenge_error = ""
    if request.method == "POST":
        passed = not over_limit or challenge_passed(
            request.POST.get("challenge_token", "")[:400],
            request.POST.get("challenge_answer", "")[:8],
        )
        if over_limit and not passed and "challenge_answer" in request.POST:
            challenge_error = _("That is not the right answer; please try the new sum.")
        if form.is_valid() and passed:
            try:
                submission = tip_submit(channel=Tip.Channel.PUBLIC, **form.tip_fields())
            except (ValidationError, DomainError) as error:
                if isinstance(error, DomainError) and error.code == TipError.IDEMPOTENCY_REUSED:
                    # Another report was sent with this form's key: a fresh key lets the
                    # reporter send theirs; nothing of the other report is shown.
                    data = request.POST.copy()
                    data["idempotency_key"] = uuid.uuid4().hex
                    form = TipForm(data, request.FILES or None)
                    form.is_valid()
                    form.add_error(None, error.message)
                    return render(request, "tips/public_report.html", {"form": form}, status=409)
                _apply_errors(form, error)
            else:
                if submission.created:
                    report_accepted(request)
                # Reached only after the clue is committed.
                return render(
                    request,
                    "tips/public_received.html",
                    {"tracking_code": submission.tip.tracking_code, "secret": submission.secret},
                )
    return render(
        request,
        "tips/public_report.html",
        {
            "form": form,
            "challenge": challenge_new() if over_limit else None,
            "challenge_error": challenge_error,
        },
    )


@public_view
@never_cache
@require_http_methods(["GET", "POST"])
def public_status(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.POST or None)
    view = None
    if request.method == "POST":
        if not submission_allowed(request):
            return render(request, "tips/public_throttled.html", status=429)
        if form.is_valid():
            view = tip_status_for_reporter(
                tracking_code=form.cleaned_data["tracking_code"], secret=form.cleaned_data["secret"]
            )
            if view is None:
                form.add_error(None, _("No clue matches this code and secret."))
    return render(request, "tips/public_status.html", {"form": form, "view": view})


@requires(P_TIP_MANDATORY)
@require_http_methods(["GET", "POST"])
def mandatory_report(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = MandatoryReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            mandatory_report_submit(
                actor=user,
                institution_name=form.cleaned_data["institution_name"],
                institution_kind=form.cleaned_data["institution_kind"],
                reporter_role=form.cleaned_data["reporter_role"],
                **form.tip_fields(),
            )
        except (ValidationError, DomainError) as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("Your report was sent to the district police as a priority.")
            )
            return redirect("tips:mandatory_list")
    return render(request, "tips/mandatory_form.html", {"form": form})


@requires(P_TIP_MANDATORY)
def mandatory_list(request: HttpRequest) -> HttpResponse:
    reports = mandatory_reports_of(current_user(request))
    return render(request, "tips/mandatory_list.html", {"reports": reports})


@requires(P_TIP_TRIAGE)
def queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "")[:16]
    overdue = request.GET.get("overdue") == "1"
    page = Paginator(triage_queue(user, status=status, overdue_only=overdue), 30).get_page(
        request.GET.get("page")
    )
    template = "tips/_queue_rows.html" if request.headers.get("HX-Request") else "tips/queue.html"
    return render(
        request,
        template,
        {"page": page, "status": status, "overdue": overdue, "statuses": Tip.Status.choices},
    )


@requires(P_TIP_TRIAGE)
@require_http_methods(["GET", "POST"])
def tip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    tip = tip_get_for_user(user, pk)
    form = TransitionForm(request.POST or None, tip=tip, initial={"version": tip.version})
    if request.method == "POST" and form.is_valid():
        try:
            tip_transition(
                actor=user,
                tip=tip,
                to=form.cleaned_data["to"],
                version=form.cleaned_data["version"],
                note=form.cleaned_data["note"],
                assigned_to=form.cleaned_data["assigned_to"],
                referred_to=form.cleaned_data["referred_to"],
                priority=form.cleaned_data["priority"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Clue updated."))
            return redirect("tips:tip_detail", pk=tip.pk)
    return render(
        request,
        "tips/tip_detail.html",
        {
            "tip": tip,
            "form": form,
            "related": related_tips(user, tip),
            "events": tip.events.select_related("actor"),
            "reward": Reward.objects.filter(tip=tip).prefetch_related("steps__actor").first(),
            "cases": cases_from_source(user, source="clue", reference=tip.pk),
            "reward_apply_form": RewardApplyForm(),
            "reward_step_form": RewardStepForm(),
        },
    )


@requires(P_TIP_TRIAGE)
@require_http_methods(["POST"])
def reward_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply for, approve, pay or reject the reward of a substantiated clue."""
    from homeward.tips.forms import RewardApplyForm, RewardStepForm
    from homeward.tips.rewards import reward_apply, reward_step

    user = current_user(request)
    tip = tip_get_for_user(user, pk)
    try:
        reward = getattr(tip, "reward", None) if hasattr(tip, "reward") else None
        if reward is None:
            apply_form = RewardApplyForm(request.POST)
            if not apply_form.is_valid():
                messages.error(request, _("Enter the amount and the grounds."))
                return redirect("tips:tip_detail", pk=tip.pk)
            reward_apply(
                actor=user,
                tip=tip,
                amount=apply_form.cleaned_data["amount"],
                grounds=apply_form.cleaned_data["grounds"],
            )
        else:
            step_form = RewardStepForm(request.POST)
            if not step_form.is_valid():
                messages.error(request, _("Choose a step."))
                return redirect("tips:tip_detail", pk=tip.pk)
            reward_step(actor=user, reward=reward, **step_form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reward updated."))
    return redirect("tips:tip_detail", pk=tip.pk)


@requires(P_TIP_TRIAGE)
@require_http_methods(["POST"])
def tip_join_case_view(request: HttpRequest, pk: int) -> HttpResponse:
    from homeward.tips.services import tip_join_case

    user = current_user(request)
    tip = tip_get_for_user(user, pk)
    try:
        tip_join_case(actor=user, tip=tip, case_number=request.POST.get("case_number", "")[:32])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The clue joined the case."))
    return redirect("tips:tip_detail", pk=tip.pk)
