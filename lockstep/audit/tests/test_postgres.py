"""PostgreSQL guarantees: the audit table refuses UPDATE and DELETE, and parallel writers never fork the chain."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import DatabaseError, connection, connections, transaction

from lockstep.audit.models import AuditEvent
from lockstep.audit.services import record
from lockstep.audit.verify import verify

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL-only guarantees")


def test_the_audit_table_refuses_update(world: Any) -> None:
    event = record(world.owner, "test.one")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="test.changed")


def test_the_audit_table_refuses_delete(world: Any) -> None:
    event = record(world.owner, "test.one")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_do_not_fork_the_chain() -> None:
    from lockstep.directory.tests.factories import AgencyFactory, UserFactory, ensure_base_data

    ensure_base_data()
    writers, per_writer = 8, 25
    users = [UserFactory(agency=AgencyFactory(), roles=["officer"]) for _ in range(writers)]
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(user: Any) -> None:
        try:
            start.wait()
            for index in range(per_writer):
                with transaction.atomic():
                    record(user, "test.parallel", index=index)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, writers * per_writer + 1))
    assert len(set(AuditEvent.objects.values_list("prev_hash", flat=True))) == writers * per_writer
    report = verify()
    assert report.ok, report.findings
    assert report.events == writers * per_writer
