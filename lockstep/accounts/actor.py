"""The signed-in user of a request, typed: views and API operations get the acting User from here."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lockstep.directory.models import User
from lockstep.errors import NotAuthenticated


def actor_of(request: HttpRequest) -> User:
    """The user behind a page request (after ``login_required``) or an API call (``request.auth``)."""
    user: Any = getattr(request, "auth", None) or request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated()
    return user


def operational_actor_of(request: HttpRequest) -> User:
    """The signed-in user, who must hold an operational role (auditors and administrators alone may not)."""
    from lockstep.errors import PermissionDenied
    from lockstep.policy.rules import is_operational

    actor = actor_of(request)
    if not is_operational(actor):
        raise PermissionDenied()
    return actor
