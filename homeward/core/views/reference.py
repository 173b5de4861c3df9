"""The system administrator's reference data: what a district sets up before any
casework. Each module owns the pages of its own records; this page lists them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from homeward.core.permissions import requires
from homeward.core.roles import P_REFERENCE


@requires(P_REFERENCE)
@require_GET
def reference_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/reference_home.html")
