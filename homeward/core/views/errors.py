"""Error pages that reveal nothing (WEB-04) and answer API clients in JSON."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from homeward.core.middleware import is_api


def _error(request: HttpRequest, status: int, code: str) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"code": code}, status=status)
    return render(request, f"{status}.html", {"code": code}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "bad_request")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose security token has expired (a page left open, a sign-in since):
    said in the user's language, with what to do."""
    if is_api(request):
        return JsonResponse({"code": "csrf_failed"}, status=403)
    return render(request, "403_csrf.html", {"code": "csrf_failed"}, status=403)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "forbidden")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "not_found")


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"code": "server_error"}, status=500)
    # No template context processors: the failing request may be the cause.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
