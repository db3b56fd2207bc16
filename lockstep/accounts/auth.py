"""API authentication: Bearer API tokens, or the browser session (second factor passed, CSRF checked)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from lockstep.accounts import services
from lockstep.accounts.middleware import is_verified, second_factor_required
from lockstep.audit import context
from lockstep.errors import PermissionDenied
from lockstep.policy.rules import is_active_actor


class TokenAuth(HttpBearer):
    """``Authorization: Bearer lst_...``"""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return services.authenticate_token(token, request.method or "GET", request.path)


class SessionAuth(APIKeyCookie):
    """The signed-in browser session. Unsafe methods need the CSRF token (``X-CSRFToken`` header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        if not is_active_actor(user):
            return None
        if second_factor_required() and not is_verified(user):
            return None
        if request.method not in services.SAFE_METHODS and check_csrf(request):
            raise PermissionDenied(
                _("CSRF check failed: send the X-CSRFToken header with the csrftoken value.")
            )
        context.set_via("api")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover - see __call__
        return None


API_AUTH = [TokenAuth(), SessionAuth()]
