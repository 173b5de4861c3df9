"""Sealed sign-in links (三权分立): the head of a unit opens the links held for their
staff and hands them over; the user sets their own password with the link."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from homeward.core.errors import DomainError
from homeward.core.permissions import account_view, current_user, public_view
from homeward.core.services.accounts import (
    signin_link_lookup,
    signin_link_reveal,
    signin_link_use,
    signin_links_held_by,
)


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=gettext_lazy("New password"), widget=forms.PasswordInput, strip=False, max_length=256
    )
    password2 = forms.CharField(
        label=gettext_lazy("New password again"),
        widget=forms.PasswordInput,
        strip=False,
        max_length=256,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


@account_view
@never_cache
def handover_list(request: HttpRequest) -> HttpResponse:
    """Links sealed for the signed-in head of a unit (empty for everyone else)."""
    links = signin_links_held_by(current_user(request))
    return render(request, "core/handover_list.html", {"links": links})


@account_view
@never_cache
@require_POST
def handover_open(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        link, token = signin_link_reveal(actor=current_user(request), link_id=pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("core:handover_list")
    url = request.build_absolute_uri(reverse("core:signin_link", args=[token]))
    return render(request, "core/handover_open.html", {"link": link, "url": url})


@public_view
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def signin_link(request: HttpRequest, token: str) -> HttpResponse:
    link = signin_link_lookup(token)
    if link is None:
        return render(request, "core/signin_link_invalid.html", status=404)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            validate_password(form.cleaned_data["password1"], link.user)
            signin_link_use(token=token, new_password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error("password1", error)
        except DomainError:
            return render(request, "core/signin_link_invalid.html", status=404)
        else:
            messages.success(request, _("Your password is set. Sign in with it now."))
            return redirect("core:login")
    return render(request, "core/signin_link.html", {"form": form, "account": link.user})
