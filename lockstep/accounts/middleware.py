"""Per-request sign-in guard: binds the audit channel, ends sessions of users who may no longer act, and
sends signed-in users who have not passed the second factor to it (unless the node runs in demo mode)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from lockstep.audit import context
from lockstep.policy.rules import is_active_actor

# Paths a signed-in user may reach before passing the second factor.
OPEN_BEFORE_SECOND_FACTOR = ("/accounts/", "/i18n/", "/static/", "/healthz")


def second_factor_required() -> bool:
    return not settings.LOCKSTEP_DEMO


def is_verified(user: object) -> bool:
    """Has this user passed the second factor in this session? (django-otp marks request.user.)"""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


class SignInGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with context.bound(via="web", ip=request.META.get("REMOTE_ADDR")), context.request_ledger():
            response = self.guard(request)
            return response if response is not None else self.get_response(request)

    def guard(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated and SESSION_KEY in request.session:
            # The backend refused the session's user (deactivated, agency suspended, agreement expired).
            request.session.flush()
            return None
        if not user.is_authenticated or request.path.startswith(("/api/", "/taxii2/")):
            return None  # the API and TAXII authenticate each request themselves
        if not is_active_actor(user):
            logout(request)
            messages.error(request, _("Your account or your agency can no longer sign in."))
            return redirect(settings.LOGIN_URL)
        if (
            second_factor_required()
            and not is_verified(user)
            and not request.path.startswith(OPEN_BEFORE_SECOND_FACTOR)
        ):
            return redirect("accounts:verify")
        return None
