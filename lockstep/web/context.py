"""What every page's layout needs: demo mode, the signed-in user's agency and unread notification count."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lockstep.exchange.source_services import can_manage_sources
from lockstep.exchange.validation import can_validate
from lockstep.notices.services import is_reviewer
from lockstep.policy.rules import can, is_operational


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    data: dict[str, Any] = {"demo_mode": settings.LOCKSTEP_DEMO}
    if user is not None and user.is_authenticated:
        from lockstep.alerts.models import Notification

        data["unread_count"] = Notification.objects.for_user(user).unread().count()
        data["may_read_audit"] = can(user, "audit.read")
        data["may_manage_users"] = can(user, "user.manage", user.agency)
        data["may_admin"] = can(user, "admin.access")
        data["may_use_intel"] = is_operational(user)
        data["may_validate"] = can_validate(user)
        data["may_manage_sources"] = can_manage_sources(user)
        data["may_review_notices"] = is_reviewer(user)
    return data
