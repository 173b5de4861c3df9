"""One error body for the whole JSON API (issue 12; SECURITY.md WEB-02).

Every refusal the API gives, whoever raises it, is ``ErrorOut``::

    {"code": "version_conflict", "message": "Someone else has changed…", "fields": {}}

``code`` is stable (a service's ``DomainError`` code, or one of ``ApiCode``), ``message``
is for people (in the request's language), ``fields`` names the input each problem is
about. :func:`install` registers one handler per kind of exception on the NinjaAPI, and
:func:`document_errors` writes the error responses into the OpenAPI document, so that
what the schema promises is what the API does (schemathesis checks it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from homeward.core.errors import DomainError


class ErrorOut(Schema):
    """The body of every error answer of the API."""

    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ApiCode(StrEnum):
    INVALID = "invalid"
    NOT_AUTHENTICATED = "not_authenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    GONE = "gone"
    TOO_MANY_REQUESTS = "too_many_requests"
    ERROR = "error"


STATUS_CODES: Mapping[int, ApiCode] = {
    400: ApiCode.INVALID,
    401: ApiCode.NOT_AUTHENTICATED,
    403: ApiCode.FORBIDDEN,
    404: ApiCode.NOT_FOUND,
    409: ApiCode.CONFLICT,
    410: ApiCode.GONE,
    422: ApiCode.INVALID,
    429: ApiCode.TOO_MANY_REQUESTS,
}


def _status_message(status: int) -> str:
    messages = {
        400: _("The request cannot be carried out. Check the marked fields."),
        401: _("Sign in first."),
        403: _("You do not have permission to do this."),
        404: _("Not found."),
        409: _("Someone else has changed the record. Read it again and retry."),
        410: _("This is no longer available."),
        422: _("The request does not match the API's schema. Check the marked fields."),
        429: _("Too many requests. Wait a while and try again."),
        500: _("Something went wrong on our side. Try again later."),
        503: _("The service is not available just now. Try again later."),
    }
    return messages.get(status, _("The request cannot be carried out."))


class ApiError(HttpError):
    """Raised by an endpoint to answer with ``ErrorOut``."""

    def __init__(
        self,
        status: int,
        code: StrEnum | str | None = None,
        message: str = "",
        *,
        fields: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.code = str(code or STATUS_CODES.get(status, ApiCode.ERROR))
        self.fields = {
            name: [str(m) for m in problems] for name, problems in (fields or {}).items()
        }
        super().__init__(status, message or _status_message(status))


def error_body(
    status: int,
    code: str | None = None,
    message: str = "",
    fields: Mapping[str, list[str]] | None = None,
) -> dict[str, Any]:
    return {
        "code": code or str(STATUS_CODES.get(status, ApiCode.ERROR)),
        "message": message or _status_message(status),
        "fields": dict(fields or {}),
    }


def error_response(status: int, code: str | None = None, message: str = "") -> JsonResponse:
    """ErrorOut for answers given outside the Ninja API's handlers (middleware, Django's
    error views) to a request under /api/."""
    return JsonResponse(error_body(status, code, message), status=status)


def django_fields(error: DjangoValidationError) -> dict[str, list[str]]:
    """``{field: [message]}`` of a Django ValidationError of any shape."""
    if hasattr(error, "error_dict"):
        return {name: [str(m) for m in problems] for name, problems in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def _ninja_fields(error: NinjaValidationError) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for problem in error.errors:
        location = [str(part) for part in problem.get("loc", ())]
        # The first part says where (body, query, path, header); the rest names the field.
        name = ".".join(location[1:]) or (location[0] if location else "__all__")
        if location[:1] == ["body"] and location[1:2] == ["payload"]:
            name = ".".join(location[2:]) or "body"
        fields.setdefault(name, []).append(str(problem.get("msg", "")))
    return fields


def install(api: NinjaAPI) -> None:
    """Register the handlers: every exception an endpoint lets out becomes ErrorOut.
    (Ninja types a handler's exception oddly, hence ``Any``.)"""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def on_domain_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, exc.status, error_body(exc.status, exc.code, exc.message))

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 400, error_body(400, ApiCode.INVALID, "", django_fields(exc)))

    def on_ninja_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 422, error_body(422, ApiCode.INVALID, "", _ninja_fields(exc)))

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        status = exc.status_code
        if isinstance(exc, ApiError):
            return respond(request, status, error_body(status, exc.code, exc.message, exc.fields))
        # Ninja's own (authentication, CSRF, throttling, authorization): the status
        # decides the code; Ninja's English text is not shown.
        return respond(request, status, error_body(status))

    def on_not_found(request: HttpRequest, exc: object) -> HttpResponse:
        return respond(request, 404, error_body(404))

    def on_permission_denied(request: HttpRequest, exc: object) -> HttpResponse:
        return respond(request, 403, error_body(403))

    api.add_exception_handler(DomainError, on_domain_error)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(NinjaValidationError, on_ninja_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)


ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})
DESCRIPTIONS = {
    400: "The request was refused by a business rule or a field check (ErrorOut)",
    401: "Not signed in, or no valid partner token (ErrorOut)",
    403: "Signed in without the permission, or the CSRF check failed (ErrorOut)",
    404: "Not found, or outside the caller's scope (ErrorOut)",
    422: "The request does not match this schema (ErrorOut, fields by name)",
}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Write every error status an operation can give into the OpenAPI document.

    An operation that needs a caller gives 401 and 403; one with parameters or a body
    gives 422; one with a path parameter gives 404; one that changes something gives
    400 (its service's rules). Statuses an endpoint declares itself (409, 410, 429 …)
    are kept and pointed at ``ErrorOut`` as well.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema())
    global_security = schema.get("security")
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # Ninja keys the responses by int status.
            responses: dict[int | str, Any] = operation["responses"]
            statuses: set[int] = set()
            if operation.get("security", global_security):
                statuses |= {401, 403}
            parameters = operation.get("parameters", [])
            if parameters or "requestBody" in operation:
                statuses.add(422)
            if any(p.get("in") == "path" for p in parameters):
                statuses.add(404)
            if method in UNSAFE_METHODS:
                statuses.add(400)
            declared = {int(status) for status in responses}
            for status in sorted(statuses - declared):
                responses[status] = {
                    "description": DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": ERROR_REF}},
                }
    return schema
