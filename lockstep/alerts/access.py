"""Fetch notifications through the policy: someone else's notification does not exist (404)."""

from __future__ import annotations

from lockstep.alerts.models import Notification
from lockstep.directory.models import User
from lockstep.errors import NotFound


def get_notification_for(actor: User, pk: int) -> Notification:
    notification = Notification.objects.for_user(actor).filter(pk=pk).first()
    if notification is None:
        raise NotFound()
    return notification
