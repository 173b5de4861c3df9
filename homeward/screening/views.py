"""Screening pages for the police and the cyberspace office: the review queue, a post
with its cues, cluster and network, operations with their figures and uploads, the
paste form and the takedown list. The public sees nothing of it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from homeward.core.errors import DomainError
from homeward.core.form_fields import posted_int
from homeward.core.permissions import current_user, requires
from homeward.core.roles import P_SCREEN_OPERATE, P_SCREEN_REVIEW
from homeward.core.scoping import divisions_in_scope
from homeward.screening import selectors, services
from homeward.screening.forms import (
    OperationForm,
    OperationStatusForm,
    PasteForm,
    PlatformForm,
    QueueFilterForm,
    ReviewForm,
    UploadForm,
)
from homeward.screening.models import LABEL_CHOICES, IntakeBatch, Operation, Platform, Takedown

LABEL_NAMES = dict(LABEL_CHOICES)


def _kind_name(code: str) -> str:
    """A contact detail's kind in the user's language (the clue module's names)."""
    from homeward.tips.models import TipIdentifier

    return str(dict(TipIdentifier.Kind.choices).get(code, code))


def _form_errors(form: Any, error: ValidationError | DomainError) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, error.message)


def _score_rows(post: Any) -> list[dict[str, Any]]:
    return [
        {"label": LABEL_NAMES.get(code, code), "code": code, "p": post.scores.get(code, 0.0)}
        for code, _name in LABEL_CHOICES
    ]


@requires(P_SCREEN_REVIEW)
def queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = QueueFilterForm(request.GET or None)
    form.fields["division"].queryset = divisions_in_scope(user)  # type: ignore[attr-defined]
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "division_id": data["division"].pk if data.get("division") else None,
            "platform_id": data["platform"].pk if data.get("platform") else None,
            "label": data.get("label") or "",
        }
    operation_id = posted_int(request.GET, "operation") or None
    posts = selectors.review_queue(user, operation_id=operation_id, **filters)
    rows = selectors.queue_rows(user, posts)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    selectors.queue_audit(user, list(page.object_list))
    return render(
        request,
        "screening/queue.html",
        {
            "form": form,
            "page": page,
            "total": len(rows),
            "labels": LABEL_NAMES,
            "operates": user.has_perm(P_SCREEN_OPERATE),
        },
    )


@requires(P_SCREEN_REVIEW)
@require_http_methods(["GET", "POST"])
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    post = selectors.post_get_for_user(user, pk)
    form = ReviewForm(request.POST or None, initial={"label": post.label})
    form.fields["division"].queryset = divisions_in_scope(user)  # type: ignore[attr-defined]
    if request.method == "POST" and post.status != post.Status.PENDING:
        form.add_error(None, _("This post was already reviewed."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.post_review(
                actor=user,
                post=post,
                decision=data["decision"] == "true",
                label=data.get("label") or "",
                note=data.get("note") or "",
                division=data.get("division"),
            )
        except (ValidationError, DomainError) as error:
            _form_errors(form, error)
        else:
            if outcome.tip_id:
                messages.success(
                    request,
                    _("Confirmed: a clue was opened and %(n)s takedown request(s) sent.")
                    % {"n": outcome.takedowns},
                )
            else:
                messages.success(request, _("Marked as not illegal."))
            return redirect("screening:post_detail", pk=post.pk)
    post.refresh_from_db()
    tip = None
    if post.tip_id:
        from homeward.tips.selectors import tips_visible_to

        tip = tips_visible_to(user).filter(pk=post.tip_id).first()
    takedown = Takedown.objects.filter(post=post).first()
    return render(
        request,
        "screening/post_detail.html",
        {
            "post": post,
            "pieces": selectors.highlighted(post),
            "scores": _score_rows(post),
            "label_name": LABEL_NAMES.get(post.label, post.label),
            "cues": [
                dict(c, label_name=LABEL_NAMES.get(c["label"], c["label"])) for c in post.cues
            ],
            "identifiers": [
                (_kind_name(identifier.kind), identifier.value)
                for identifier in selectors.identifiers_of(post)
            ],
            "cluster": list(selectors.cluster_of(user, post)),
            "network": selectors.network_of(user, post),
            "form": form,
            "tip": tip,
            "takedown": takedown,
            "reviews": list(post.reviews.select_related("reviewer")),
        },
    )


@requires(P_SCREEN_OPERATE)
@require_http_methods(["GET", "POST"])
def post_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = PasteForm(request.POST or None)
    form.fields["division"].queryset = divisions_in_scope(user)  # type: ignore[attr-defined]
    form.fields["operation"].queryset = selectors.operations_visible_to(user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = services.post_paste(
                actor=user,
                platform=data["platform"],
                text=data["text"],
                post_id=data.get("post_id") or "",
                url=data.get("url") or "",
                author=data.get("author") or "",
                posted_at=data.get("posted_at"),
                division=data.get("division"),
                operation=data.get("operation"),
            )
        except (ValidationError, DomainError) as error:
            _form_errors(form, error)
        else:
            return redirect("screening:post_detail", pk=post.pk)
    return render(request, "screening/post_form.html", {"form": form})


@requires(P_SCREEN_REVIEW)
@require_http_methods(["GET", "POST"])
def operation_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = OperationForm(request.POST or None)
    form.fields["districts"].queryset = divisions_in_scope(user)  # type: ignore[attr-defined]
    operates = user.has_perm(P_SCREEN_OPERATE)
    if request.method == "POST":
        if not operates:
            form.add_error(None, _("Only the police and the cyberspace office run operations."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                operation = services.operation_create(
                    actor=user,
                    name=data["name"],
                    lead=data["lead"],
                    starts_on=data["starts_on"],
                    ends_on=data.get("ends_on"),
                    districts=data.get("districts") or [],
                    platforms=data.get("platforms") or [],
                )
            except (ValidationError, DomainError) as error:
                _form_errors(form, error)
            else:
                return redirect("screening:operation_detail", pk=operation.pk)
    operations = list(selectors.operations_visible_to(user))
    figures = selectors.operation_figures([o.pk for o in operations])
    return render(
        request,
        "screening/operation_list.html",
        {
            "rows": [(o, figures.get(o.pk, {})) for o in operations],
            "form": form,
            "operates": operates,
            "manages_platforms": selectors.manages_platforms(user),
        },
    )


def _status_form(operation: Operation, data: Any = None) -> OperationStatusForm | None:
    """The form of the operation's next step (start or end), None once it has ended."""
    following = sorted(services.OPERATION_TRANSITIONS.get(operation.status, set()))
    if not following and data is None:
        return None
    to = following[0] if following else ""
    form = OperationStatusForm(data, initial={"to": to})
    if to == Operation.Status.RUNNING:
        form.fields["on"].label = _("Started on (empty: today)")
    else:
        form.fields["on"].label = _("Ended on (empty: today)")
    return form


def _operation_page(
    request: HttpRequest,
    operation: Operation,
    *,
    upload_form: UploadForm | None = None,
    status_form: OperationStatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    figures = selectors.operation_figures([operation.pk])[operation.pk]
    changes = selectors.operation_changeable_by(user, operation)
    return render(
        request,
        "screening/operation_detail.html",
        {
            "operation": operation,
            "figures": figures,
            "intakes": list(operation.intakes.order_by("-requested_at")[:20]),
            "upload_form": upload_form or UploadForm(),
            "operates": user.has_perm(P_SCREEN_OPERATE),
            "status_form": (status_form or _status_form(operation)) if changes else None,
            "next_status": sorted(services.OPERATION_TRANSITIONS.get(operation.status, set())),
        },
        status=status,
    )


@requires(P_SCREEN_REVIEW)
def operation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    return _operation_page(request, _operation_or_404(user, pk))


def _operation_or_404(user: Any, pk: int) -> Operation:
    from django.http import Http404

    operation = selectors.operations_visible_to(user).filter(pk=pk).first()
    if operation is None:
        raise Http404
    return operation


@requires(P_SCREEN_OPERATE)
@require_POST
def operation_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    operation = _operation_or_404(user, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.MAX_UPLOAD_BYTES:
                raise ValidationError({"file": [_("The file is larger than 30 MB; split it.")]})
            batch = services.intake_request_upload(
                actor=user, operation=operation, file_name=upload.name, content=upload.read()
            )
        except (ValidationError, DomainError) as error:
            _form_errors(form, error)
        else:
            return redirect("screening:intake_detail", pk=batch.pk)
    return _operation_page(request, operation, upload_form=form, status=400)


@requires(P_SCREEN_OPERATE)
@require_POST
def operation_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a planned operation or end a running one (the unit running it only)."""
    user = current_user(request)
    operation = _operation_or_404(user, pk)
    form = _status_form(operation, request.POST) or OperationStatusForm(request.POST)
    if form.is_valid():
        try:
            changed = services.operation_set_status(
                actor=user,
                operation=operation,
                to=form.cleaned_data["to"],
                on=form.cleaned_data.get("on"),
            )
        except DomainError as error:
            if error.status == 403:
                raise
            _form_errors(form, error)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("The operation is now: %(status)s.") % {"status": changed.get_status_display()},
            )
            return redirect("screening:operation_detail", pk=operation.pk)
    operation.refresh_from_db()
    return _operation_page(request, operation, status_form=form, status=400)


@requires(P_SCREEN_REVIEW)
def intake_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from django.http import Http404

    user = current_user(request)
    visible = selectors.operations_visible_to(user)
    batch = (
        IntakeBatch.objects.filter(pk=pk, operation__in=visible).select_related("operation").first()
    )
    if batch is None:
        raise Http404
    running = batch.status in {IntakeBatch.Status.QUEUED, IntakeBatch.Status.RUNNING}
    template = (
        "screening/_intake_body.html"
        if request.headers.get("HX-Request")
        else "screening/intake_detail.html"
    )
    return render(request, template, {"batch": batch, "running": running})


@requires(P_SCREEN_REVIEW)
def takedown_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    overdue_only = request.GET.get("overdue") == "1"
    now = timezone.now()
    takedowns = (
        selectors.takedowns_overdue(user, now)
        if overdue_only
        else selectors.takedowns_visible_to(user)
    )
    status = request.GET.get("status", "")[:20]
    if status in Takedown.Status.values:
        takedowns = takedowns.filter(status=status)
    page = Paginator(takedowns.order_by("due_at", "pk"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "screening/takedown_list.html",
        {
            "page": page,
            "now": now,
            "overdue_only": overdue_only,
            "status": status,
            "statuses": Takedown.Status.choices,
            "platforms": Platform.objects.count(),
        },
    )


# --- platforms -----------------------------------------------------------------------------


def _platform_page(
    request: HttpRequest,
    *,
    form: PlatformForm | None = None,
    issued: tuple[Platform, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "screening/platform_list.html",
        {
            "rows": selectors.platform_rows(),
            "form": form or PlatformForm(),
            "issued": issued,
        },
        status=status,
    )
    if issued is not None:
        # The token is shown once: no cache keeps the page.
        response["Cache-Control"] = "no-store"
    return response


def _platform_manager(request: HttpRequest) -> Any:
    from django.core.exceptions import PermissionDenied

    user = current_user(request)
    if not selectors.manages_platforms(user):
        raise PermissionDenied
    return user


@requires(P_SCREEN_OPERATE)
@require_http_methods(["GET", "POST"])
def platform_list(request: HttpRequest) -> HttpResponse:
    """The platforms of the partner API: register one (its token shown once),
    deactivate or reactivate one, give one a new token. Municipal units only."""
    user = _platform_manager(request)
    if request.method != "POST":
        return _platform_page(request)
    form = PlatformForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            issued = services.platform_register(
                actor=user,
                code=data["code"],
                name=data["name"],
                takedown_hours=data["takedown_hours"],
            )
        except (ValidationError, DomainError) as error:
            _form_errors(form, error)
        else:
            return _platform_page(request, issued=issued)
    return _platform_page(request, form=form, status=400)


@requires(P_SCREEN_OPERATE)
@require_POST
def platform_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = _platform_manager(request)
    platform = get_object_or_404(Platform, pk=pk)
    choice = request.POST.get("active", "")
    if choice not in {"0", "1"}:
        messages.error(request, _("Choose to deactivate or to reactivate the platform."))
        return redirect("screening:platforms")
    changed = services.platform_set_active(actor=user, platform=platform, active=choice == "1")
    messages.success(
        request,
        (
            _("%(name)s is active again: its token is accepted.")
            if changed.active
            else _("%(name)s is deactivated: its token is refused from now on.")
        )
        % {"name": changed.name},
    )
    return redirect("screening:platforms")


@requires(P_SCREEN_OPERATE)
@require_POST
def platform_token(request: HttpRequest, pk: int) -> HttpResponse:
    user = _platform_manager(request)
    platform = get_object_or_404(Platform, pk=pk)
    issued = services.platform_rotate_token(actor=user, platform=platform)
    return _platform_page(request, issued=issued)
