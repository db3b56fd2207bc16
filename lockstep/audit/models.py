"""The audit log: append-only, hash-chained events and signed checkpoints of the chain head."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from lockstep.directory.models import User

GENESIS_HASH = "0" * 64


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, actor: User) -> AuditEventQuerySet:
        """Auditors and GS administrators and supervisors see every event; an agency administrator sees the
        events of its agency; everybody else sees their own."""
        from lockstep.policy.rules import audit_scope

        scope = audit_scope(actor)
        if scope == "all":
            return self
        if scope == "agency":
            return self.filter(Q(agency_id=actor.agency_id) | Q(actor_id=actor.pk))
        return self.filter(actor_id=actor.pk)


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency_code = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict)
    via = models.CharField(max_length=64)
    ip = models.CharField(max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["agency", "seq"]),
            models.Index(fields=["actor", "seq"]),
            models.Index(fields=["action", "seq"]),
            models.Index(fields=["at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]
        # Migration 0002 adds the unique index audit_chain_never_forks on prev_hash: two events naming the same
        # predecessor would fork the chain.

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_label}"

    def payload(self) -> dict[str, Any]:
        """Everything the event's hash covers, besides the previous hash."""
        return {
            "at": self.at,
            "actor_id": self.actor_id,
            "actor": self.actor_label,
            "agency_id": self.agency_id,
            "agency": self.agency_code,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "target": self.target_label,
            "details": self.details,
            "via": self.via,
            "ip": self.ip,
        }


class Checkpoint(models.Model):
    """The chain head at ``seq``, signed with the node's Ed25519 key."""

    seq = models.PositiveBigIntegerField(unique=True)
    event_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)
    key_id = models.CharField(max_length=16)
    public_key = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq}"

    def signed_payload(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.event_hash, "at": self.at}
