"""The JSON API under /api/v1/ (OpenAPI document at /api/v1/openapi.json).

Signed-in sessions authenticate (CSRF enforced on writes); every operation checks
its permission and the caller's scope. The interactive docs page is off: it would
load scripts from a CDN, and the OpenAPI document itself needs a signed-in user.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

from homeward.core.api import router as core_router
from homeward.people.api import router as people_router

api = NinjaAPI(
    title="Homeward API",
    version="1",
    description="Homeward (回家) partner and staff API",
    urls_namespace="api",
    auth=django_auth,
    docs_url=None,
    openapi_url="/openapi.json",
)
api.add_router("/", core_router)
api.add_router("/people/", people_router)
