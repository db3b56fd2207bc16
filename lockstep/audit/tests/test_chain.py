"""The audit chain: each event's hash covers the previous hash; verify names what was tampered with."""

from __future__ import annotations

import base64
import itertools
import json
from typing import Any

import pytest
from django.db import connection

from lockstep.audit.chain import event_hash
from lockstep.audit.models import GENESIS_HASH, AuditEvent, Checkpoint
from lockstep.audit.services import record, write_checkpoint
from lockstep.audit.verify import verify


def _raw(sql: str, params: list[Any] | None = None) -> None:
    """Tamper with the table directly, as an attacker owning the database would (triggers off on PG)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch triggers off for the transaction: the append-only trigger is a guard
            # against the application and careless operators, not against the database owner.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params or [])


@pytest.fixture
def events(world: Any) -> list[AuditEvent]:
    return [record(world.owner, "test.step", world.owner, step=index) for index in range(1, 9)]


def _first(report: Any) -> tuple[str, int]:
    assert not report.ok
    return report.first.kind, report.first.seq


def test_each_event_links_to_the_previous_one(events: list[AuditEvent]) -> None:
    ordered = list(AuditEvent.objects.order_by("seq"))
    for previous, current in itertools.pairwise(ordered):
        assert current.prev_hash == previous.hash
        assert current.seq == previous.seq + 1
        assert current.hash == event_hash(current.prev_hash, current.payload())
    assert verify().ok


def test_the_hash_covers_actor_action_and_details(events: list[AuditEvent]) -> None:
    event = events[2]
    payload = event.payload()
    for key, value in (("action", "other"), ("actor", "mallory"), ("details", {"step": 99})):
        assert event_hash(event.prev_hash, {**payload, key: value}) != event.hash


def test_verify_names_a_changed_event(events: list[AuditEvent]) -> None:
    target = events[4]
    _raw("UPDATE audit_auditevent SET details = %s WHERE seq = %s", [json.dumps({"step": 0}), target.seq])
    assert _first(verify()) == ("changed", target.seq)


def test_verify_names_a_deleted_event(events: list[AuditEvent]) -> None:
    target = events[3]
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [target.seq])
    report = verify()
    assert _first(report) == ("deleted", target.seq)
    assert f"#{target.seq} was deleted" in report.first.message


def _drop_unique_prev_hash() -> None:
    """The unique prev_hash refuses a second event linking to the same predecessor (a fork); an attacker who
    owns the database drops it first."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "audit_auditevent")
        assert constraints["audit_chain_never_forks"]["unique"]
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DROP INDEX audit_chain_never_forks")


def test_the_database_refuses_a_fork_of_the_chain(events: list[AuditEvent]) -> None:
    from django.db import IntegrityError, transaction

    twin = AuditEvent(
        seq=events[-1].seq + 1,
        actor_label="x",
        action="test.fork",
        details={},
        via="web",
        prev_hash=events[-2].hash,
    )
    twin.hash = event_hash(twin.prev_hash, twin.payload())
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save(force_insert=True)


def test_verify_names_an_inserted_event(events: list[AuditEvent]) -> None:
    # The attacker shifts the later events up by one and slips a well-formed event in at position 4.
    _drop_unique_prev_hash()
    at = events[3].seq
    last = events[-1].seq
    for seq in range(last, at - 1, -1):
        _raw("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [seq + 1, seq])
    forged = AuditEvent(
        seq=at,
        actor_label="mallory",
        action="test.forged",
        details={},
        via="web",
        prev_hash=events[2].hash,
        agency_code="",
    )
    forged.hash = event_hash(forged.prev_hash, forged.payload())
    _raw(
        "INSERT INTO audit_auditevent (seq, at, actor_label, agency_code, action, target_type, target_id, "
        "target_label, details, via, ip, prev_hash, hash) VALUES (%s, %s, %s, '', %s, '', '', '', %s, %s, '', %s, %s)",
        [
            forged.seq,
            forged.at,
            forged.actor_label,
            forged.action,
            "{}",
            forged.via,
            forged.prev_hash,
            forged.hash,
        ],
    )
    assert _first(verify()) == ("inserted", at)


def test_verify_detects_a_rehashed_rewrite_through_the_signed_checkpoint(
    events: list[AuditEvent], settings: Any
) -> None:
    checkpoint = write_checkpoint()
    assert checkpoint is not None and checkpoint.seq == events[-1].seq
    # Rewrite event 3 and re-hash everything after it: the chain alone looks whole again.
    rows = list(AuditEvent.objects.order_by("seq"))
    previous = rows[1].hash
    assert rows[0].prev_hash == GENESIS_HASH
    for row in rows[2:]:
        if row.seq == events[2].seq:
            row.details = {"step": 1000}
        new_hash = event_hash(previous, {**row.payload(), "details": row.details})
        _raw(
            "UPDATE audit_auditevent SET details = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [json.dumps(row.details), previous, new_hash, row.seq],
        )
        previous = new_hash
    report = verify()
    kinds = [finding.kind for finding in report.findings]
    assert kinds == ["checkpoint"]
    assert report.first.seq == checkpoint.seq


def test_verify_detects_deleted_events_at_the_end_covered_by_a_checkpoint(events: list[AuditEvent]) -> None:
    write_checkpoint()
    _raw("DELETE FROM audit_auditevent WHERE seq >= %s", [events[6].seq])
    assert _first(verify()) == ("deleted", events[6].seq)


def test_verify_rejects_a_checkpoint_not_signed_by_the_node_key(events: list[AuditEvent]) -> None:
    checkpoint = write_checkpoint()
    bad = base64.b64encode(b"\x00" * 64).decode()
    _raw("UPDATE audit_checkpoint SET signature = %s WHERE seq = %s", [bad, checkpoint.seq])
    report = verify()
    assert _first(report) == ("checkpoint", checkpoint.seq)
    assert "invalid signature" in report.first.message


def test_checkpoints_are_written_every_n_events(world: Any, settings: Any) -> None:
    settings.LOCKSTEP_AUDIT_CHECKPOINT_EVERY = 3
    before = Checkpoint.objects.count()
    for index in range(6):
        record(world.owner, "test.step", step=index)
    assert Checkpoint.objects.count() - before == 2
    assert all(checkpoint.seq % 3 == 0 for checkpoint in Checkpoint.objects.all())
    assert verify().ok


def test_floats_are_refused_in_details(world: Any) -> None:
    with pytest.raises(TypeError):
        record(world.owner, "test.float", ratio=0.5)


def test_the_node_key_file_is_created_private(settings: Any, tmp_path: Any) -> None:
    from lockstep.lib import nodekey

    path = tmp_path / "keys" / "node.pem"
    assert nodekey.ensure_node_key(path) is True
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert nodekey.ensure_node_key(path) is False
