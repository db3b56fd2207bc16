"""Sign-ins, sign-outs, failed sign-ins and lock-outs go to the audit log."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lockstep.audit.services import record


@receiver(user_logged_in)
def audit_signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(user, "auth.signed_in", user)


@receiver(user_logged_out)
def audit_signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(user, "auth.signed_out", user)


@receiver(user_login_failed)
def audit_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    record(None, "auth.sign_in_failed", username=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out)
def audit_locked_out(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    record(None, "auth.locked_out", username=(username or "")[:150], address=ip_address or "")
