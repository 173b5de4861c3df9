"""Views that let a refusal escape, for the page-error middleware's tests."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from homeward.core.errors import DomainError
from homeward.core.permissions import requires


@requires()
def domain_refusal(request: HttpRequest) -> HttpResponse:
    raise DomainError("bad_step", "该交接已确认。", status=409)


@requires()
def plain_validation_error(request: HttpRequest) -> HttpResponse:
    raise ValidationError("身份证号码校验位不正确。")


@requires()
def field_validation_error(request: HttpRequest) -> HttpResponse:
    raise ValidationError({"handed_over_to": ["请填写接收人。"]})


urlpatterns = [
    path("refuse/domain/", domain_refusal),
    path("refuse/plain/", plain_validation_error),
    path("refuse/fields/", field_validation_error),
    path("", include("homeward.urls")),
]
