"""The exceptions domain code raises; every front end maps them to one error shape.

LockstepError
  InvalidInput        400  the request is malformed or a value is invalid (``fields`` names which)
  NotAuthenticated    401  no valid credentials
  PermissionDenied    403  the actor is known but its role does not allow the action
  NotFound            404  the object does not exist or is outside the actor's scope
  Conflict            409  the action clashes with the current state (duplicate, wrong state)
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class LockstepError(Exception):
    code = "error"
    status = 400
    default_message: Any = _("The request could not be completed.")

    def __init__(self, message: Any = None, *, fields: dict[str, list[str]] | None = None) -> None:
        self.message = str(message if message is not None else self.default_message)
        self.fields = fields or {}
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class InvalidInput(LockstepError):
    code = "invalid"
    status = 400
    default_message = _("The input is not valid.")


class NotAuthenticated(LockstepError):
    code = "not_authenticated"
    status = 401
    default_message = _("Authentication is required.")


class PermissionDenied(LockstepError):
    code = "permission_denied"
    status = 403
    default_message = _("Your role does not allow this action.")


class NotFound(LockstepError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Conflict(LockstepError):
    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state.")


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The one error shape: ``{"error": {"code", "message", "fields"}}``."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}
