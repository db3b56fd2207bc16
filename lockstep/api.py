"""The JSON API under /api/v1/: mounts each app's router and maps every error to one shape."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from lockstep.accounts.api import router as tokens_router
from lockstep.accounts.auth import API_AUTH
from lockstep.alerts.api import router as alerts_router
from lockstep.audit.api import router as audit_router
from lockstep.directory.api import router as directory_router
from lockstep.errors import LockstepError, error_body
from lockstep.exchange.api import router as exchange_router
from lockstep.intel.api import router as intel_router
from lockstep.notices.api import router as notices_router
from lockstep.operations.api import router as operations_router
from lockstep.policy.api import router as policy_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Lockstep API",
    version="1",
    description="Secure cross-border cybercrime cooperation. Authenticate with `Authorization: Bearer <token>` "
    "(create tokens on the Tokens page or with `lockstep tokens create`) or with the browser session.",
    auth=API_AUTH,
    urls_namespace="api",
    docs_url=None,  # the interactive docs load scripts from a CDN, which the CSP (and an offline node) refuse
)
api.add_router("/", directory_router)
api.add_router("/tokens", tokens_router)
api.add_router("/alerts", alerts_router)
api.add_router("/audit", audit_router)
api.add_router("/policy", policy_router)
api.add_router("/", intel_router)
api.add_router("/", exchange_router)
api.add_router("/", notices_router)
api.add_router("/", operations_router)

WWW_AUTHENTICATE = 'Bearer realm="lockstep"'
STATUS_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
}


def _json(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, fields), status=status)


@api.exception_handler(LockstepError)
def on_lockstep_error(request: HttpRequest, exc: LockstepError) -> HttpResponse:
    response = JsonResponse(exc.as_dict(), status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")
        ]
        fields.setdefault(".".join(location) or "request", []).append(str(error.get("msg", "invalid")))
    return _json(400, "invalid", _("The request is not valid."), fields)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _json(
        401,
        "not_authenticated",
        _(
            "Authentication is required: a Bearer API token or a signed-in "
            "session that has passed the second factor."
        ),
    )
    response["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return _json(429, "too_many_requests", _("Too many requests; slow down."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _json(exc.status_code, STATUS_CODES.get(exc.status_code, "error"), str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json(404, "not_found", _("Not found."))


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _json(
        413,
        "too_large",
        _("The request body is larger than %(size)s MB.")
        % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2**20},
    )


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error on %s %s", request.method, request.path)
    return _json(500, "internal", _("Internal error; it was logged."))


class ApiErrorShapeMiddleware:
    """Errors produced outside the API's handlers (unknown route, wrong method, CSRF, body too large) also get
    the one error shape when the path is under /api/."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json") and _has_shape(response):
            return response
        status = response.status_code
        messages = {
            404: _("No such API route."),
            405: _("This method is not allowed on this route."),
            413: _("The request body is too large."),
        }
        shaped = _json(
            status, STATUS_CODES.get(status, "error"), str(messages.get(status, _("Request failed.")))
        )
        if response.has_header("Allow"):
            shaped["Allow"] = response["Allow"]
        return shaped


def _has_shape(response: HttpResponse) -> bool:
    try:
        body = json.loads(response.content)
    except (ValueError, AttributeError):
        return False
    return isinstance(body, dict) and isinstance(body.get("error"), dict) and "code" in body["error"]
