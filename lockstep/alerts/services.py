"""Sending notifications and marking them read. Other apps notify through these functions."""

from __future__ import annotations

from django.db import models, transaction

from lockstep.alerts.models import Notification, NotificationRead
from lockstep.directory.models import Agency, User


def _target(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": ""}
    return {"target_type": target._meta.label_lower, "target_id": str(target.pk)}


def notify_user(
    user: User,
    kind: str,
    message: str,
    params: dict[str, str] | None = None,
    target: models.Model | None = None,
) -> Notification:
    """Notify one user. ``message`` is an English text marked with ``gettext_noop`` and ``params`` fill its
    ``%(name)s`` places: each reader sees it in their own language."""
    return Notification.objects.create(
        user=user, kind=kind, text=message[:500], params=params or {}, **_target(target)
    )


def notify_agency(
    agency: Agency,
    kind: str,
    message: str,
    params: dict[str, str] | None = None,
    target: models.Model | None = None,
) -> Notification:
    """One notification that every user of ``agency`` sees (and marks read for themselves)."""
    return Notification.objects.create(
        agency=agency, kind=kind, text=message[:500], params=params or {}, **_target(target)
    )


def mark_read(user: User, notification: Notification) -> None:
    NotificationRead.objects.get_or_create(notification=notification, user=user)


def mark_all_read(user: User) -> int:
    with transaction.atomic():
        unread = list(Notification.objects.for_user(user).unread().values_list("pk", flat=True))
        NotificationRead.objects.bulk_create(
            [NotificationRead(notification_id=pk, user=user) for pk in unread], ignore_conflicts=True
        )
    return len(unread)
