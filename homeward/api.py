"""The JSON API under /api/v1/ (OpenAPI document at /api/v1/openapi.json).

Signed-in sessions authenticate (CSRF enforced on writes); every operation checks
its permission and the caller's scope. The interactive docs page is off: it would
load scripts from a CDN, and the OpenAPI document itself needs a signed-in user.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from homeward.alerts.api import partner_router as alerts_partner_router
from homeward.alerts.api import public_router as alerts_public_router
from homeward.alerts.api import router as alerts_router
from homeward.cases.api import router as cases_router
from homeward.core import api_errors
from homeward.core.api import router as core_router
from homeward.core.roles import P_PORTAL
from homeward.people.api import router as people_router
from homeward.screening.api import router as screening_router
from homeward.tips.api import router as tips_router


def _portal_users_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document is for signed-in portal users and partners, not the public."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(P_PORTAL):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class HomewardAPI(NinjaAPI):
    """The API whose OpenAPI document lists every error answer (ErrorOut)."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return api_errors.document_errors(super().get_openapi_schema(**kwargs))


api = HomewardAPI(
    title="Homeward API",
    version="1",
    description="Homeward (回家) partner and staff API",
    urls_namespace="api",
    auth=django_auth,
    docs_url=None,
    openapi_url="/openapi.json",
    docs_decorator=_portal_users_only,
)
# One error body for every refusal: DomainError, ValidationError, Ninja's own (ErrorOut).
api_errors.install(api)
api.add_router("/", core_router)
api.add_router("/people/", people_router)
api.add_router("/tips/", tips_router)
api.add_router("/cases/", cases_router)
api.add_router("/alerts/public/", alerts_public_router)
api.add_router("/alerts/", alerts_router)
api.add_router("/partner/", alerts_partner_router)
api.add_router("/partner/screening/", screening_router)
