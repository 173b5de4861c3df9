"""Top-level URLs: staff portal at /, public site at /public/, JSON API at /api/v1/."""

from __future__ import annotations

from django.urls import include, path
from django.views.i18n import set_language

from homeward.api import api
from homeward.core.permissions import public_view

urlpatterns = [
    path("i18n/setlang/", public_view(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("public/report/", include("homeward.tips.public_urls")),
    path("public/alerts/", include("homeward.alerts.public_urls")),
    path("public/reunion/", include("homeward.reunion.public_urls")),
    path("public/", include("homeward.public.urls")),
    path("tips/", include("homeward.tips.urls")),
    path("cases/", include("homeward.cases.urls")),
    path("alerts/", include("homeward.alerts.urls")),
    path("prevention/", include("homeward.prevention.urls")),
    path("victims/", include("homeward.victims.urls")),
    path("plan/", include("homeward.coordination.urls")),
    path("people/", include("homeward.people.urls")),
    path("dna/", include("homeward.dna.urls")),
    path("reunion/", include("homeward.reunion.urls")),
    path("screening/", include("homeward.screening.urls")),
    path("analysis/", include("homeward.analysis.urls")),
    path("", include("homeward.core.urls")),
]

handler400 = "homeward.core.views.errors.bad_request"
handler403 = "homeward.core.views.errors.forbidden"
handler404 = "homeward.core.views.errors.not_found"
handler500 = "homeward.core.views.errors.server_error"
