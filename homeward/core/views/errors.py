"""Error pages that reveal nothing (WEB-04) and answer API clients in JSON."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from homeward.core.api_errors import error_response
from homeward.core.middleware import is_api


def _error(request: HttpRequest, status: int, code: str) -> HttpResponse:
    if is_api(request):
        return error_response(status, code)
    return render(request, f"{status}.html", {"code": code}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "bad_request")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose security token has expired (a page left open, a sign-in since):
    said in the user's language, with what to do."""
    if is_api(request):
        return error_response(403, "csrf_failed")
    return render(request, "403_csrf.html", {"code": "csrf_failed"}, status=403)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "forbidden")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "not_found")


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return error_response(500, "server_error")
    # No template context processors: the failing request may be the cause.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
