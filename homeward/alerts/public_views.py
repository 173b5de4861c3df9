"""The public side of alerts (mobile first): active alerts, one alert's notice with the
sighting form, the photo, and subscribing to alerts near you.

Ended alerts answer 410 with only the news that the search ended (or that the child was
found), in the very request after the police end it; the photo is no longer served.
"""

from __future__ import annotations

import secrets
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods

from homeward.alerts.forms import SightingForm
from homeward.alerts.models import Alert, AlertStatus
from homeward.alerts.selectors import active_alerts
from homeward.alerts.services import sighting_report
from homeward.core.errors import DomainError
from homeward.core.permissions import public_view
from homeward.tips.throttle import submission_allowed


def _alert(public_id: UUID) -> Alert:
    alert = Alert.objects.filter(public_id=public_id).exclude(status=AlertStatus.DRAFT).first()
    if alert is None:
        raise Http404
    return alert


def _ended(request: HttpRequest, alert: Alert) -> HttpResponse:
    found = alert.status == AlertStatus.RESOLVED and alert.outcome == Alert.Outcome.FOUND_SAFE
    response = render(request, "alerts/public_ended.html", {"found": found}, status=410)
    response["Cache-Control"] = "no-store"
    return response


@public_view
@require_GET
@cache_control(public=True, max_age=30)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/public_index.html", {"alerts": active_alerts()[:50]})


@public_view
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    alert = _alert(public_id)
    if not alert.is_active:
        return _ended(request, alert)
    form = SightingForm(
        request.POST or None,
        request.FILES or None,
        initial={"idempotency_key": secrets.token_urlsafe(16)},
    )
    if request.method == "POST":
        if not submission_allowed(request):
            return render(request, "tips/public_throttled.html", status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sighting_report(
                    alert=alert,
                    description=data["description"],
                    place=data["place"],
                    seen_at=data["seen_at"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    contact=data["contact"],
                    photo=data["photo"],
                    idempotency_key=data["idempotency_key"],
                )
            except DomainError as error:
                if error.status == 410:
                    return _ended(request, alert)
                form.add_error("photo" if error.code == "bad_attachment" else None, error.message)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                # Reached only after the sighting is committed.
                response = render(request, "alerts/public_sighting_received.html", {"alert": alert})
                response["Cache-Control"] = "no-store"
                return response
    response = render(request, "alerts/public_detail.html", {"alert": alert, "form": form})
    # The page holds a CSRF token and a one-off idempotency key: never a shared cache.
    response["Cache-Control"] = "no-store"
    return response


@public_view
@require_GET
def photo(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    alert = _alert(public_id)
    if not alert.is_active:
        response = HttpResponse(status=410)
        response["Cache-Control"] = "no-store"
        return response
    if not alert.photo:
        raise Http404
    photo_response = FileResponse(alert.photo.open("rb"), content_type="image/jpeg")
    photo_response["Cache-Control"] = "public, max-age=30"
    return photo_response


@public_view
@require_GET
@never_cache
def subscribe(request: HttpRequest) -> HttpResponse:
    from homeward.alerts.webpush import vapid_public_key

    context = {"vapid_key": vapid_public_key(), "web_push": settings.ALERT_WEB_PUSH}
    return render(request, "alerts/public_subscribe.html", context)


@public_view
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker that shows pushed alerts; served under /public/alerts/ so that
    its scope is the alert pages."""
    response = render(request, "alerts/sw.js", content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
