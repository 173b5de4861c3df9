"""Partner platforms that relay alerts (map apps, payment apps, neighbouring provinces):
registered, changed, paused and given new credentials by the alert commander who manages
partners. A token and a signing secret are shown once, when issued."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from homeward.alerts import services
from homeward.alerts.models import Partner
from homeward.core.errors import DomainError
from homeward.core.form_errors import apply_errors
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_ALERT_PARTNERS


class PartnerForm(forms.Form):
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=40,
        help_text=gettext_lazy("Letters, digits and hyphens; it cannot change later."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    webhook_url = forms.URLField(
        label=gettext_lazy("Webhook URL"), required=False, assume_scheme="https"
    )
    active = forms.BooleanField(label=gettext_lazy("Receives alerts"), required=False, initial=True)


@requires(P_ALERT_PARTNERS)
@require_GET
def partner_list(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/partner_list.html", {"partners": Partner.objects.all()})


@requires(P_ALERT_PARTNERS)
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = current_user(request)
    partner = get_object_or_404(Partner, pk=pk) if pk is not None else None
    initial = (
        {
            "code": partner.code,
            "name": partner.name,
            "webhook_url": partner.webhook_url,
            "active": partner.active,
        }
        if partner
        else {"active": True}
    )
    form = PartnerForm(request.POST or None, initial=initial)
    if partner is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if partner is None:
                created, token, secret = services.partner_register(
                    actor=user,
                    code=data["code"],
                    name=data["name"],
                    webhook_url=data["webhook_url"],
                )
                if not data["active"]:
                    services.partner_update(
                        actor=user,
                        partner=created,
                        name=created.name,
                        webhook_url=created.webhook_url,
                        active=False,
                    )
                return render(
                    request,
                    "alerts/partner_credentials.html",
                    {"partner": created, "token": token, "secret": secret},
                )
            services.partner_update(
                actor=user,
                partner=partner,
                name=data["name"],
                webhook_url=data["webhook_url"],
                active=data["active"],
            )
        except (DomainError, ValidationError) as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Partner saved."))
            return redirect("alerts:partner_list")
    return render(
        request,
        "alerts/partner_form.html",
        {"form": form, "partner": partner},
    )


@requires(P_ALERT_PARTNERS)
@require_POST
def partner_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    token, secret = services.partner_rotate_credentials(
        actor=current_user(request), partner=partner
    )
    return render(
        request,
        "alerts/partner_credentials.html",
        {"partner": partner, "token": token, "secret": secret, "rotated": True},
    )
