"""Notifications addressed to one user or to every user of an agency, with per-user read state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from lockstep.directory.models import User


KIND_LABELS = {"account": _("Account"), "security": _("Security")}


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: User) -> NotificationQuerySet:
        """Addressed to the user, or to the user's agency; annotated with ``is_read`` for that user."""
        read = NotificationRead.objects.filter(notification=OuterRef("pk"), user=user)
        return self.filter(Q(user=user) | Q(user__isnull=True, agency_id=user.agency_id)).annotate(
            is_read=Exists(read)
        )

    def unread(self) -> NotificationQuerySet:
        return self.filter(is_read=False)


class Notification(models.Model):
    user = models.ForeignKey(
        "directory.User", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    text = models.CharField(
        max_length=500, help_text="English message (a catalogue msgid) with %(name)s places"
    )
    params = models.JSONField(default=dict)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["agency", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, agency__isnull=True)
                | Q(user__isnull=True, agency__isnull=False),
                name="notification_has_one_addressee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:60]}"

    @property
    def message(self) -> str:
        """The text in the reader's language (the active translation), its places filled."""
        try:
            return gettext(self.text) % self.params if self.params else gettext(self.text)
        except (KeyError, ValueError, TypeError):
            return self.text

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


class NotificationRead(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey("directory.User", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notification", "user"], name="read_once_per_user")]

    def __str__(self) -> str:
        return f"{self.notification_id} read by {self.user_id}"
