"""Writing to the audit log: ``record`` appends an event to the chain; checkpoints sign the chain head."""

from __future__ import annotations

import base64
import ipaddress
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction

from lockstep.audit import context
from lockstep.audit.chain import event_hash
from lockstep.audit.models import GENESIS_HASH, AuditEvent, Checkpoint
from lockstep.lib import canonjson, nodekey

if TYPE_CHECKING:
    from lockstep.directory.models import User

# Key of the PostgreSQL advisory lock that serialises appends (any constant: "LOCKSTEP" in ASCII).
CHAIN_LOCK_KEY = 0x4C4F434B53544550


def _lock_chain() -> None:
    """Serialise appends until the enclosing transaction ends.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: transactions begin IMMEDIATE (settings), so the
    database write lock is already held. The unique ``prev_hash`` makes a fork impossible either way.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _clean_ip(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def _target_fields(target: models.Model | None) -> dict[str, str]:
    if target is None:
        return {"target_type": "", "target_id": "", "target_label": ""}
    return {
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "target_label": str(target)[:200],
    }


def _head() -> tuple[int, str] | None:
    """The chain head (seq, hash): plain SQL, as every audited action reads it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {AuditEvent._meta.db_table} ORDER BY seq DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


def record(actor: User | None, action: str, target: models.Model | None = None, **details: Any) -> AuditEvent:
    """Append one event to the audit chain, inside the caller's transaction.

    ``actor`` is the user acting (None for the system or the command line); ``action`` a dotted name such as
    ``user.created``; ``details`` plain JSON values (no floats, no secrets).
    """
    channel = context.current()
    ledger = context.ledger()
    if ledger is not None:
        ledger.events += 1
    with transaction.atomic():
        _lock_chain()
        head = _head()
        event = AuditEvent(
            seq=head[0] + 1 if head else 1,
            actor=actor,
            actor_label=actor.username if actor else channel.via,
            agency_id=actor.agency_id if actor else None,
            agency_code=actor.agency.code if actor else "",
            action=action,
            details=canonjson.normalise(details),
            via=channel.via,
            ip=_clean_ip(channel.ip),
            prev_hash=head[1] if head else GENESIS_HASH,
            **_target_fields(target),
        )
        event.hash = event_hash(event.prev_hash, event.payload())
        event.save(force_insert=True)
        if event.seq % settings.LOCKSTEP_AUDIT_CHECKPOINT_EVERY == 0:
            _sign_checkpoint(event.seq, event.hash)
    return event


def _sign_checkpoint(seq: int, head_hash: str) -> Checkpoint:
    key = nodekey.load_private_key()
    public = key.public_key()
    checkpoint = Checkpoint(
        seq=seq,
        event_hash=head_hash,
        key_id=nodekey.key_id(public),
        public_key=nodekey.public_key_b64(public),
    )
    checkpoint.signature = base64.b64encode(key.sign(canonjson.encode(checkpoint.signed_payload()))).decode()
    checkpoint.save(force_insert=True)
    return checkpoint


def write_checkpoint() -> Checkpoint | None:
    """Sign the current chain head now (``lockstep audit checkpoint``); None when the log is empty or the head
    is already signed."""
    with transaction.atomic():
        _lock_chain()
        head = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        if head is None or Checkpoint.objects.filter(seq=head["seq"]).exists():
            return None
        return _sign_checkpoint(head["seq"], head["hash"])
