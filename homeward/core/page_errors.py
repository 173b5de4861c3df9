"""One path from a domain error to a page response (issue 12).

A view that knows its form puts a service's refusal on it (:mod:`core.form_errors`).
Whatever still escapes a page view — a :class:`DomainError` or a
:class:`ValidationError` that no view caught — ends here, never in a 500:

- a form post goes back to the page it came from with the message in a banner;
- an htmx request reloads its page, which shows the banner;
- anything else gets an error page of the error's status with its message.

The JSON API has its own handler and error schema; its paths are left alone here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from homeward.core.errors import DomainError
from homeward.core.form_errors import error_text
from homeward.core.middleware import is_api

logger = logging.getLogger("homeward.pages")

Handler = Callable[[HttpRequest], HttpResponse]


def error_status(error: DomainError | ValidationError) -> int:
    """The HTTP status of a refusal: the domain error's own 4xx status, else 400."""
    status = getattr(error, "status", 400)
    return status if isinstance(status, int) and 400 <= status < 500 else 400


def back_to(request: HttpRequest) -> str | None:
    """The page the request came from, when it is one of ours."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


def refusal_response(request: HttpRequest, error: DomainError | ValidationError) -> HttpResponse:
    text = error_text(error)
    status = error_status(error)
    if request.method not in ("GET", "HEAD"):
        target = back_to(request)
        if request.headers.get("HX-Request"):
            messages.error(request, text)
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        if target is not None:
            messages.error(request, text)
            return HttpResponseRedirect(target, status=303)
    return render(request, "refused.html", {"message": text, "status": status}, status=status)


class PageErrorMiddleware:
    """Turn a refusal that escaped a page view into the message for the user."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "%00" in request.META.get("QUERY_STRING", "") and not is_api(request):
            # A NUL character in a filter or page number reaches the database as text,
            # which PostgreSQL refuses (a 500). It is never meant: drop it.
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned  # type: ignore[assignment]
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_api(request) or not isinstance(exception, DomainError | ValidationError):
            return None
        code = getattr(exception, "code", None) or "validation_error"
        logger.warning("refusal reached the page error path: %s %s", request.path[:200], code)
        return refusal_response(request, exception)
