"""Staff pages of the alert module: the list, drafting, publishing, ending, and the
commander's operations page with its live sightings queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homeward.alerts.forms import AlertForm, EndForm, PublishForm
from homeward.alerts.maps import alert_map_svg
from homeward.alerts.models import Alert, AlertStatus, CapMessage, CommandNotice, Sighting
from homeward.alerts.selectors import (
    alert_get_for_user,
    alerts_visible_to,
    delivery_failures,
    elapsed_since_disappearance,
    open_notices,
    partner_pushes,
    ring_counts,
    sightings_queue,
)
from homeward.alerts.services import (
    alert_create,
    alert_end,
    alert_publish,
    alert_update,
    notice_acknowledge,
    radius_schedule,
    sighting_review,
    sighting_to_clue,
)
from homeward.cases.selectors import qualified_leaders
from homeward.core.audit import audit_record
from homeward.core.audit_actions import AuditAction
from homeward.core.errors import DomainError
from homeward.core.form_errors import apply_errors, error_text
from homeward.core.form_fields import posted_int
from homeward.core.maps import place_picker
from homeward.core.models import Division, User
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_ALERT_DRAFT, P_ALERT_OPS, P_ALERT_PUBLISH, P_ALERT_VIEW
from homeward.core.scoping import divisions_in_scope
from homeward.geotarget import RadiusSchedule

FIELD_OF_ERROR = {"bad_attachment": "photo"}


def _denied(actor: User, action: AuditAction, alert: Alert | None, error: DomainError) -> None:
    """Record a refused attempt (outside the rolled-back transaction)."""
    audit_record(
        actor=actor,
        action=action,
        obj=alert,
        object_type="alerts.alert",
        outcome="denied",
        detail={"code": error.code},
    )


def _divisions_for(user: User) -> QuerySet[Division]:
    return divisions_in_scope(user)


def _duration(delta: Any) -> str:
    if delta is None:
        return ""
    minutes = max(int(delta.total_seconds() // 60), 0)
    return _("%(h)d h %(m)02d min") % {"h": minutes // 60, "m": minutes % 60}


@requires(P_ALERT_VIEW)
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    status = request.GET.get("status", "")
    alerts = alerts_visible_to(user)
    if status in AlertStatus.values:
        alerts = alerts.filter(status=status)
    now = timezone.now()
    rows = [(alert, _duration(elapsed_since_disappearance(alert, now))) for alert in alerts[:200]]
    context = {
        "rows": rows,
        "status": status,
        "statuses": AlertStatus.choices,
        "notices": open_notices(user)[:20],
    }
    return render(request, "alerts/alert_list.html", context)


@requires(P_ALERT_DRAFT)
@require_http_methods(["GET", "POST"])
def alert_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    divisions = _divisions_for(user)
    form = AlertForm(
        request.POST or None,
        request.FILES or None,
        divisions=divisions,
        initial={"division": user.agency.division_id},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        division = data.pop("division")
        photo = data.pop("photo")
        try:
            alert = alert_create(actor=user, division=division, photo=photo, **data)
        except (ValidationError, DomainError) as error:
            apply_errors(form, error, field_of_code=FIELD_OF_ERROR)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("alerts:detail", alert.pk)
    return render(
        request,
        "alerts/alert_form.html",
        {
            "form": form,
            "title": _("New missing-child alert"),
            "alert": None,
            "picker": place_picker(),
        },
    )


@requires(P_ALERT_DRAFT)
@require_http_methods(["GET", "POST"])
def alert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    alert = alert_get_for_user(user, pk, purpose="edit alert")
    if alert.status != AlertStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("alerts:detail", alert.pk)
    form = AlertForm(
        request.POST or None,
        request.FILES or None,
        divisions=_divisions_for(user),
        initial=AlertForm.initial_for(alert),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("division")
        photo = data.pop("photo")
        try:
            version = int(request.POST.get("version", "0"))
            alert_update(actor=user, alert=alert, version=version, photo=photo, **data)
        except (ValidationError, DomainError) as error:
            apply_errors(form, error, field_of_code=FIELD_OF_ERROR)
        except ValueError:
            form.add_error(None, _("Reload the page and try again."))
        else:
            messages.success(request, _("Draft saved."))
            return redirect("alerts:detail", alert.pk)
    return render(
        request,
        "alerts/alert_form.html",
        {"form": form, "title": _("Edit the draft"), "alert": alert, "picker": place_picker()},
    )


@requires(P_ALERT_VIEW, P_ALERT_OPS)
@require_GET
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The operations page: rings on the map, counts per ring and channel, failures,
    partner pushes, sightings and the time since the disappearance."""
    user = current_user(request)
    alert = alert_get_for_user(user, pk, purpose="alert operations")
    counts = ring_counts(alert)
    radii = [c.ring.radius_km for c in counts]
    elapsed = elapsed_since_disappearance(alert)
    next_change = None
    if alert.is_active and elapsed is not None:
        change = RadiusSchedule.parse(alert.schedule).next_change(elapsed)
        if change is not None:
            next_change = _duration(change - elapsed)
    sightings = sightings_queue(alert)
    context = {
        "alert": alert,
        "counts": counts,
        "failures": delivery_failures(alert),
        "pushes": partner_pushes(alert),
        "messages_cap": CapMessage.objects.filter(alert=alert).order_by("sequence"),
        "sightings": sightings,
        "elapsed": _duration(elapsed),
        "next_change": next_change,
        "map_svg": alert_map_svg(alert, radii, _("Alert area"), sightings),
        "can_publish": user.has_perm(P_ALERT_PUBLISH) and user.agency.is_public_security,
        "end_form": EndForm(draft=alert.status == AlertStatus.DRAFT),
        "notices": CommandNotice.objects.filter(alert=alert, agency=user.agency)[:20],
    }
    return render(request, "alerts/alert_detail.html", context)


@requires(P_ALERT_VIEW, P_ALERT_OPS)
@require_GET
def alert_sightings(request: HttpRequest, pk: int) -> HttpResponse:
    """The sightings queue alone, polled by the operations page (htmx)."""
    user = current_user(request)
    alert = get_object_or_404(alerts_visible_to(user), pk=pk)
    return render(
        request, "alerts/_sightings.html", {"alert": alert, "sightings": sightings_queue(alert)}
    )


@requires(P_ALERT_PUBLISH)
@require_http_methods(["GET", "POST"])
def alert_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    alert = alert_get_for_user(user, pk, purpose="publish alert")
    leaders = qualified_leaders(alert.division)
    initial = {"leader": user.pk} if leaders.filter(pk=user.pk).exists() else {}
    form = PublishForm(request.POST or None, leaders=leaders, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = posted_int(request.POST, "version")
            alert_publish(
                actor=user, alert=alert, version=version, leader=form.cleaned_data["leader"]
            )
        except DomainError as error:
            if error.status == 403:
                _denied(user, AuditAction.ALERT_PUBLISH, alert, error)
            apply_errors(form, error, field_of_code=FIELD_OF_ERROR)
        except ValidationError as error:
            for messages_ in error.message_dict.values():
                for message in messages_:
                    form.add_error(None, message)
        except ValueError:
            form.add_error(None, _("Reload the page and try again."))
        else:
            messages.success(request, _("Alert published. The first ring is going out."))
            return redirect("alerts:detail", alert.pk)
    schedule = radius_schedule()
    elapsed = elapsed_since_disappearance(alert)
    stage = schedule.stage_at(elapsed) if elapsed is not None else 0
    context = {
        "alert": alert,
        "form": form,
        "elapsed": _duration(elapsed),
        "radius": schedule.radius(stage),
    }
    return render(request, "alerts/alert_publish.html", context)


@requires(P_ALERT_PUBLISH)
@require_POST
def alert_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Ending takes two steps: the outcome (never a default) and then a confirmation
    page that names the child and says what ending does everywhere."""
    user = current_user(request)
    alert = alert_get_for_user(user, pk, purpose="end alert")
    if alert.status not in (AlertStatus.DRAFT, AlertStatus.PUBLISHED):
        messages.error(request, _("This alert has already ended."))
        return redirect("alerts:detail", alert.pk)
    was_draft = alert.status == AlertStatus.DRAFT
    form = EndForm(request.POST, draft=was_draft)
    if not form.is_valid():
        messages.error(request, error_text(ValidationError(form.errors.as_data())))
        return redirect("alerts:detail", alert.pk)
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "alerts/alert_end_confirm.html",
            {
                "alert": alert,
                "form": form,
                "outcome": form.cleaned_data["outcome"],
                "version": request.POST.get("version", ""),
            },
        )
    try:
        alert_end(
            actor=user,
            alert=alert,
            version=int(request.POST.get("version", "0")),
            outcome=form.service_outcome(),
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        if error.status == 403:
            _denied(user, AuditAction.ALERT_END, alert, error)
        messages.error(request, error.message)
    except (ValidationError, ValueError):
        messages.error(request, _("Reload the page and try again."))
    else:
        if form.cleaned_data["outcome"] == Alert.Outcome.FOUND_SAFE:
            messages.success(request, _("The child is found. The alert has ended everywhere."))
        elif was_draft:
            messages.success(request, _("The draft has been discarded."))
        else:
            messages.success(request, _("The alert has ended everywhere."))
    return redirect("alerts:detail", alert.pk)


def _sighting(user: User, pk: int, sid: int) -> Sighting:
    alert = get_object_or_404(alerts_visible_to(user), pk=pk)
    return get_object_or_404(Sighting.objects.select_related("alert__case"), pk=sid, alert=alert)


@requires(P_ALERT_DRAFT, P_ALERT_OPS)
@require_POST
def sighting_action(request: HttpRequest, pk: int, sid: int, action: str) -> HttpResponse:
    user = current_user(request)
    sighting = _sighting(user, pk, sid)
    try:
        if action == "clue":
            sighting = sighting_to_clue(actor=user, sighting=sighting)
            messages.success(request, _("The sighting is now a clue of the case."))
        elif action == "dismiss":
            sighting_review(actor=user, sighting=sighting, dismiss=True)
            messages.success(request, _("Sighting dismissed."))
        elif action == "reviewed":
            sighting_review(actor=user, sighting=sighting)
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("alerts:detail", pk)


@requires(P_ALERT_VIEW, P_ALERT_OPS)
@require_GET
def sighting_photo(request: HttpRequest, pk: int, sid: int) -> FileResponse:
    user = current_user(request)
    sighting = _sighting(user, pk, sid)
    if not sighting.photo:
        raise Http404
    audit_record(actor=user, action=AuditAction.READ, obj=sighting, detail={"part": "photo"})
    return FileResponse(sighting.photo.open("rb"), content_type="image/jpeg")


@requires(P_ALERT_VIEW)
@require_GET
def alert_photo(request: HttpRequest, pk: int) -> FileResponse:
    user = current_user(request)
    alert = get_object_or_404(alerts_visible_to(user), pk=pk)
    if not alert.photo:
        raise Http404
    return FileResponse(alert.photo.open("rb"), content_type="image/jpeg")


@requires(P_ALERT_VIEW)
@require_GET
def cap_message(request: HttpRequest, pk: int, sequence: int) -> HttpResponse:
    user = current_user(request)
    alert = get_object_or_404(alerts_visible_to(user), pk=pk)
    message = get_object_or_404(CapMessage, alert=alert, sequence=sequence)
    return HttpResponse(message.xml, content_type="application/cap+xml; charset=utf-8")


@requires(P_ALERT_VIEW)
@require_POST
def notice_ack(request: HttpRequest, nid: int) -> HttpResponse:
    user = current_user(request)
    notice = CommandNotice.objects.filter(pk=nid, agency=user.agency).first()
    if notice is None:
        raise PermissionDenied
    notice_acknowledge(actor=user, notice=notice)
    return redirect("alerts:detail", notice.alert_id)
