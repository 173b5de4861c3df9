"""The system administrator's reference data: what a district sets up before any
casework. Each module owns the pages of its own records; this module has the hub page,
agencies (added or renamed after a reform), leadership posts and policy settings."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from homeward.core.errors import DomainError
from homeward.core.form_errors import apply_errors
from homeward.core.models import Agency, Division, User
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_REFERENCE
from homeward.core.scoping import divisions_in_scope, scope_filter
from homeward.core.services.reference import agency_save, leader_post_set


@requires(P_REFERENCE)
@require_GET
def reference_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/reference_home.html")


class AgencyForm(forms.Form):
    division = forms.ModelChoiceField(
        label=gettext_lazy("District"),
        queryset=Division.objects.none(),
        required=False,
        help_text=gettext_lazy("Leave empty for a municipal unit."),
    )
    kind = forms.CharField(
        label=gettext_lazy("Function"),
        max_length=48,
        help_text=gettext_lazy(
            "A short code in lower-case letters, as public_security or civil_affairs; the same"
            " function in every district."
        ),
    )
    name_zh = forms.CharField(label=gettext_lazy("Chinese name"), max_length=64)
    name_en = forms.CharField(label=gettext_lazy("English name"), max_length=160)
    is_conference_member = forms.BooleanField(
        label=gettext_lazy("Member of the anti-trafficking joint conference"), required=False
    )


@requires(P_REFERENCE)
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = current_user(request)
    agency = None
    if pk is not None:
        agency = get_object_or_404(Agency.objects.select_related("division"), pk=pk)
        if agency.division_id is not None:
            agency = get_object_or_404(scope_filter(Agency.objects.all(), actor), pk=pk)
    initial = (
        {
            "division": agency.division_id,
            "kind": agency.kind,
            "name_zh": agency.name_zh,
            "name_en": agency.name_en,
            "is_conference_member": agency.is_conference_member,
        }
        if agency
        else {}
    )
    form = AgencyForm(request.POST or None, initial=initial)
    form.fields["division"].queryset = divisions_in_scope(actor)  # type: ignore[attr-defined]
    if agency is not None:
        form.fields["division"].disabled = True
        form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            saved = agency_save(actor=actor, agency=agency, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Agency %(name)s saved.") % {"name": saved.name_zh})
            return redirect("core:agency_list")
    return render(
        request,
        "core/reference_form.html",
        {
            "form": form,
            "title": _("Rename agency") if agency else _("New agency"),
            "lead": _(
                "After an institutional reform: add the new unit, or rename the unit that"
                " took over the function. Records keep pointing at the same unit."
            ),
            "back": "core:agency_list",
        },
    )


class LeaderPostForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    post = forms.ChoiceField(
        label=gettext_lazy("Leadership post"),
        required=False,
        choices=[("", gettext_lazy("None"))]
        + [(value, label) for value, label in User._meta.get_field("leader_post").choices or []],
    )


@requires(P_REFERENCE)
@require_http_methods(["GET", "POST"])
def leader_posts(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    in_scope = scope_filter(
        User.objects.select_related("agency"), actor, division_field="agency__division"
    )
    if actor.agency.is_municipal:
        in_scope = User.objects.select_related("agency")
    form = LeaderPostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = in_scope.filter(username=form.cleaned_data["username"]).first()
        if user is None:
            form.add_error("username", _("No such user in your area."))
        else:
            try:
                leader_post_set(actor=actor, user=user, post=form.cleaned_data["post"])
            except (DomainError, ValidationError) as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, _("Leadership post of %(name)s saved.") % {"name": user.full_name}
                )
                return redirect("core:leader_posts")
    leaders = in_scope.exclude(leader_post="").order_by("agency__division__code", "agency__kind")
    return render(request, "core/leader_posts.html", {"form": form, "leaders": leaders})


class PolicyForm(forms.Form):
    value = forms.CharField(
        label=gettext_lazy("Value"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Leave empty to return to the deployment's default."),
    )


@requires(P_REFERENCE)
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    from homeward.core.policy import policy_keys, policy_text

    rows = [(spec, *policy_text(spec.key), spec.default()) for spec in policy_keys()]
    return render(request, "core/policy_list.html", {"rows": rows})


@requires(P_REFERENCE)
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, key: str) -> HttpResponse:
    from django.http import Http404

    from homeward.core.policy import policy_key, policy_setting_save, policy_text

    actor = current_user(request)
    try:
        spec = policy_key(key)
    except LookupError:
        raise Http404 from None
    text, is_default = policy_text(key)
    form = PolicyForm(request.POST or None, initial={"value": "" if is_default else text})
    form.fields["value"].label = str(spec.label)
    form.fields["value"].help_text = str(spec.help)
    if request.method == "POST" and form.is_valid():
        try:
            policy_setting_save(actor=actor, key=key, value=form.cleaned_data["value"])
        except (DomainError, ValidationError) as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Setting saved."))
            return redirect("core:policy_list")
    return render(
        request,
        "core/reference_form.html",
        {
            "form": form,
            "title": spec.label,
            "lead": _("Default of this deployment: %(default)s") % {"default": spec.default()},
            "back": "core:policy_list",
        },
    )
