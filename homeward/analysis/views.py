"""Situation analysis pages: the dashboard per level, the early warnings with the
key-region listing a person confirms, and the yearly situation analysis download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from homeward.analysis import selectors, services
from homeward.analysis.forms import CloseForm, ListingForm, ReportForm
from homeward.analysis.models import Warning
from homeward.analysis.rollups import add_months
from homeward.core.errors import DomainError
from homeward.core.models import User
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_PORTAL

FIRST_YEAR = 2015


def _viewer(request: HttpRequest) -> User:
    user = current_user(request)
    if not selectors.can_view_situation(user):
        raise PermissionDenied
    return user


def _year(value: str | None) -> int:
    today = timezone.localdate()
    try:
        year = int(value or today.year)
    except ValueError:
        return today.year
    return year if FIRST_YEAR <= year <= today.year else today.year


def _form_errors(form: Any, error: ValidationError | DomainError) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, error.message)


@requires(P_PORTAL)
def dashboard(request: HttpRequest) -> HttpResponse:
    from homeward.analysis.dashboard import dashboard_for

    user = _viewer(request)
    area = selectors.area_for(user, request.GET.get("area", "")[:8] or None)
    figures = selectors.figures_for(user)
    key = request.GET.get("figure", "")[:40] or "clues_received"
    figure = selectors.figure_for(user, key) if key in {f.key for f in figures} else figures[0]
    category = request.GET.get("category", "")[:40]
    if category and category not in figure.category_labels:
        category = ""
    year = _year(request.GET.get("year"))
    per = request.GET.get("per", "")
    data = dashboard_for(
        user, area, figure, year, category, per=per if per in ("children", "residents") else ""
    )
    today = timezone.localdate()
    return render(
        request,
        "analysis/dashboard.html",
        {
            "d": data,
            "areas": selectors.areas_for(user),
            "figures": figures,
            "years": list(range(today.year, FIRST_YEAR - 1, -1)),
            "category_choices": sorted(figure.category_labels.items(), key=lambda c: str(c[1])),
            "recent_warnings": selectors.warnings_visible_to(user)
            .filter(last_month__gte=add_months(today.replace(day=1), -3))
            .filter(**({"division": area.division} if area.division else {}))[:10],
            "unread": selectors.unread_notices(user),
        },
    )


@requires(P_PORTAL)
def warning_list(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    warnings = selectors.warnings_visible_to(user)
    status = request.GET.get("status", "")[:8]
    if status in Warning.Status.values:
        warnings = warnings.filter(status=status)
    if request.GET.get("unread"):
        warnings = warnings.filter(notices__agency=user.agency, notices__read_at__isnull=True)
    labels = {f.key: f for f in selectors.figures_for(user)}
    exact = True  # pages: exact counts for the users entitled to them (exports suppress)
    rows = [
        {
            "warning": w,
            "figure": str(labels[w.figure].label) if w.figure in labels else w.figure,
            "category": labels[w.figure].category_label(w.category)
            if w.figure in labels and w.category
            else "",
            "observed": selectors.shown(w.assessment.observed, exact),
        }
        for w in warnings[:200]
        if w.figure in labels
    ]
    return render(
        request,
        "analysis/warning_list.html",
        {"rows": rows, "status": status, "statuses": Warning.Status.choices},
    )


def _warning_context(user: User, warning: Warning) -> dict[str, Any]:
    figure = selectors.figure_for(user, warning.figure)
    exact = True  # pages: exact counts for the users entitled to them (exports suppress)
    area = selectors.Area(warning.division)
    first = add_months(warning.last_month, -35)
    history = selectors.monthly_series(
        figure.key, area, first, warning.last_month, warning.category
    )
    months = [add_months(first, i) for i in range(len(history))]
    labels = {f.key: f for f in selectors.figures_for(user)}
    attached = [
        {
            "month": row.month,
            "series": (
                labels[row.figure].category_label(row.category)
                if row.category
                else _("%(figure)s, all categories") % {"figure": labels[row.figure].label}
            )
            if row.figure in labels
            else row.figure,
            "observed_text": "<5"
            if selectors.shown(row.observed, exact) is None
            else str(row.observed),
            "threshold": row.threshold,
        }
        for row in warning.attached.order_by("month", "category")
    ]
    return {
        "attached": attached,
        "warning": warning,
        "figure": figure,
        "category": figure.category_label(warning.category) if warning.category else "",
        "observed": selectors.shown(warning.assessment.observed, exact),
        "history": [
            (f"{m.year}-{m.month:02d}", selectors.shown(v, exact))
            for m, v in zip(months, history, strict=True)
        ],
        "chart": {
            "months": [f"{m.year}-{m.month:02d}" for m in months],
            "series": [
                {"name": str(figure.label), "values": [selectors.shown(v, exact) for v in history]}
            ],
            "threshold": warning.assessment.threshold,
        },
        "municipal_office": services.is_municipal_office(user),
        "progress": list(warning.listing.progress.all()[:5]) if warning.listing else [],
    }


@requires(P_PORTAL)
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    warning = selectors.warning_get_for_user(user, pk)
    services.warning_notices_read(actor=user, warning=warning)
    context = _warning_context(user, warning)
    context["form"] = ListingForm(
        initial={
            "reason": _("Early warning: %(figure)s above the expected range in %(month)s")
            % {
                "figure": context["category"] or context["figure"].label,
                "month": warning.month.strftime("%Y-%m"),
            },
        }
    )
    context["close_form"] = CloseForm()
    return render(request, "analysis/warning_detail.html", context)


@requires(P_PORTAL)
@require_POST
def warning_list_region(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    warning = selectors.warning_get_for_user(user, pk)
    form = ListingForm(request.POST)
    if form.is_valid():
        try:
            services.warning_list_region(
                actor=user,
                warning=warning,
                deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"],
                warning_text=form.cleaned_data["warning_text"],
            )
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied from error
            _form_errors(form, error)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("The district is listed as a key region under supervision.")
            )
            return redirect("analysis:warning_detail", pk=warning.pk)
    elif not services.is_municipal_office(user):
        raise PermissionDenied
    context = _warning_context(user, warning)
    context["form"] = form
    context["close_form"] = CloseForm()
    return render(request, "analysis/warning_detail.html", context, status=400)


@requires(P_PORTAL)
@require_POST
def warning_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    warning = selectors.warning_get_for_user(user, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.warning_close(actor=user, warning=warning, note=form.cleaned_data["note"])
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied from error
            _form_errors(form, error)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The warning is closed."))
            return redirect("analysis:warning_detail", pk=warning.pk)
    elif not services.is_municipal_office(user):
        raise PermissionDenied
    context = _warning_context(user, warning)
    context["form"] = ListingForm()
    context["close_form"] = form
    return render(request, "analysis/warning_detail.html", context, status=400)


@requires(P_PORTAL)
@require_POST
def warning_lift_listing(request: HttpRequest, pk: int) -> HttpResponse:
    """Lifting takes two steps: the button on the warning, then a page that names the
    district, the listing and what lifting does, with the confirming button."""
    user = _viewer(request)
    warning = selectors.warning_get_for_user(user, pk)
    if not services.is_municipal_office(user):
        raise PermissionDenied
    listing = warning.listing
    if listing is None or listing.lifted_at is not None:
        messages.error(
            request,
            _("This listing has been lifted.")
            if listing is not None
            else _("No key region was listed from this warning."),
        )
        return redirect("analysis:warning_detail", pk=warning.pk)
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "analysis/listing_lift_confirm.html",
            {
                "warning": warning,
                "listing": listing,
                "progress": list(listing.progress.all()[:5]),
                "progress_count": listing.progress.count(),
            },
        )
    try:
        services.warning_listing_lift(actor=user, warning=warning)
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("The key-region listing is lifted."))
    return redirect("analysis:warning_detail", pk=warning.pk)


@requires(P_PORTAL)
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    from homeward.analysis.report_data import report_download

    user = _viewer(request)
    today = timezone.localdate()
    areas = [(a.code, a.name) for a in selectors.areas_for(user)]
    years = list(range(today.year, FIRST_YEAR - 1, -1))
    form = ReportForm(
        request.POST or None, areas=areas, years=years, initial={"year": today.year - 1}
    )
    if request.method == "POST" and form.is_valid():
        area = selectors.area_for(user, form.cleaned_data["area"])
        return report_download(
            user=user, area=area, year=form.cleaned_data["year"], fmt=form.cleaned_data["format"]
        )
    return render(
        request, "analysis/report.html", {"form": form}, status=400 if form.errors else 200
    )
