"""Public pages. They show reference information only and store nothing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from homeward.core.permissions import public_view


@public_view
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "public/index.html")


@public_view
@require_GET
def missing_child(request: HttpRequest) -> HttpResponse:
    return render(request, "public/missing_child.html")
