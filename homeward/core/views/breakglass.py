"""Break-glass pages (AC-06): the emergency read form for staff, the review for the
security administrator."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from homeward.core.errors import DomainError
from homeward.core.models import BreakGlass
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_PORTAL, P_SECURITY
from homeward.core.services.breakglass import (
    BREAK_GLASS_MIN_REASON,
    KINDS,
    BreakGlassError,
    break_glass_open,
    break_glass_review,
)


class BreakGlassForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of record"),
        choices=[(code, kind.title) for code, kind in KINDS.items()],
    )
    object_id = forms.IntegerField(label=gettext_lazy("Record number"), min_value=1)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=BREAK_GLASS_MIN_REASON,
        max_length=2000,
        help_text=gettext_lazy(
            "The emergency that makes you read a record outside your area. The security"
            " administrator is told at once and reviews it."
        ),
    )


@requires(P_PORTAL)
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = BreakGlassForm(request.POST or None, initial=request.GET.dict() or None)
    if request.method == "POST":
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            try:
                break_glass_open(
                    actor=user,
                    kind=kind,
                    object_id=form.cleaned_data["object_id"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                field = "reason" if error.code == BreakGlassError.REASON_REQUIRED else None
                form.add_error(field, error.message)
            else:
                messages.warning(
                    request,
                    _("Emergency access is open for four hours and has been reported."),
                )
                return redirect(
                    reverse(KINDS[kind].url_name, args=[form.cleaned_data["object_id"]])
                )
        return render(request, "core/break_glass.html", {"form": form}, status=400)
    return render(request, "core/break_glass.html", {"form": form})


@requires(P_SECURITY)
@require_POST
def break_glass_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    grant = BreakGlass.objects.filter(pk=pk).first()
    if grant is None:
        raise Http404
    try:
        break_glass_review(
            actor=current_user(request), grant=grant, note=request.POST.get("note", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Review recorded."))
    return redirect("core:security_home")
