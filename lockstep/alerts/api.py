"""Notifications of the caller."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from lockstep.accounts.actor import actor_of
from lockstep.alerts import services
from lockstep.alerts.access import get_notification_for
from lockstep.alerts.models import Notification

router = Router(tags=["alerts"])


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    target_type: str
    target_id: str
    created_at: datetime.datetime
    read: bool
    to_agency: bool

    @staticmethod
    def of(item: Notification) -> NotificationOut:
        return NotificationOut(
            id=item.pk,
            kind=item.kind,
            text=item.message,
            target_type=item.target_type,
            target_id=item.target_id,
            created_at=item.created_at,
            read=bool(getattr(item, "is_read", False)),
            to_agency=item.user_id is None,
        )


class InboxOut(Schema):
    unread: int
    notifications: list[NotificationOut]


class MarkedOut(Schema):
    marked: int


@router.get("", response=InboxOut, summary="The caller's notifications, newest first")
def inbox(request: HttpRequest, unread: bool = False, limit: int = Query(50, ge=1, le=500)) -> InboxOut:
    rows = Notification.objects.for_user(actor_of(request))
    count = rows.unread().count()
    if unread:
        rows = rows.unread()
    return InboxOut(unread=count, notifications=[NotificationOut.of(item) for item in rows[:limit]])


@router.post("/{notification_id}/read", response=NotificationOut, summary="Mark one notification read")
def read(request: HttpRequest, notification_id: int) -> NotificationOut:
    item = get_notification_for(actor_of(request), notification_id)
    services.mark_read(actor_of(request), item)
    return NotificationOut.of(get_notification_for(actor_of(request), notification_id))


@router.post("/read-all", response=MarkedOut, summary="Mark every notification read")
def read_all(request: HttpRequest) -> MarkedOut:
    return MarkedOut(marked=services.mark_all_read(actor_of(request)))
