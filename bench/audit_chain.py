"""Benchmark: what the tamper-evident audit chain costs.

For each database (SQLite file in WAL mode, PostgreSQL), in one run:
  - chained append: `audit.record()` — lock, read the head, hash, insert — one transaction per event;
  - peer: a plain insert of the same row into the same table, one transaction per row, no lock/head/hash;
  - verify: `audit verify` over the chain (events per second);
  - on PostgreSQL, 4 parallel writers appending to the one chain.

Usage: python bench/audit_chain.py [--events N] [--database sqlite|postgres|both]
PostgreSQL is taken from BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test); a scratch database is
created and dropped.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from typing import Any

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/test")


def measure(database: str, events: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections, transaction

    call_command("migrate", verbosity=0)
    from lockstep.audit.models import AuditEvent
    from lockstep.audit.services import record
    from lockstep.audit.verify import verify
    from lockstep.directory.models import Agency, RoleGrant, User

    agency = Agency.objects.create(code="BENCH", name="Bench", kind="national_unit", country_id="KE")
    user = User.objects.create(username="bench", agency=agency)
    RoleGrant.objects.create(user=user, role="officer")

    started = time.perf_counter()
    for index in range(events):
        with transaction.atomic():
            record(user, "bench.append", user, index=index, note="a typical small detail")
    chained = events / (time.perf_counter() - started)

    started = time.perf_counter()
    report = verify()
    verified = report.events / (time.perf_counter() - started)
    assert report.ok, report.findings

    base = 10**9
    started = time.perf_counter()
    for index in range(events):
        with transaction.atomic():
            row = AuditEvent(
                seq=base + index,
                actor=user,
                actor_label=user.username,
                agency=agency,
                agency_code=agency.code,
                action="bench.plain",
                details={"index": index, "note": "a typical small detail"},
                via="bench",
                prev_hash=uuid.uuid4().hex * 2,
                hash=uuid.uuid4().hex * 2,
            )
            row.save(force_insert=True)
    plain = events / (time.perf_counter() - started)

    parallel = ""
    if database == "postgres":
        writers, each = 4, max(events // 4, 1)
        users = []
        for number in range(writers):
            extra = User.objects.create(username=f"bench{number}", agency=agency)
            RoleGrant.objects.create(user=extra, role="officer")
            users.append(extra)

        def write(actor: Any) -> None:
            for index in range(each):
                with transaction.atomic():
                    record(actor, "bench.parallel", index=index)
            connections.close_all()

        threads = [threading.Thread(target=write, args=(actor,)) for actor in users]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        parallel = f"{writers * each / (time.perf_counter() - started):,.0f}"

    print(
        f"| {database} | {events:,} | {chained:,.0f} | {plain:,.0f} | {chained / plain:.2f} | {verified:,.0f} | "
        f"{parallel or 'n/a'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        measure(options.database, options.events)
        return
    print(
        "| database | events | chained append (events/s) | peer: plain insert (rows/s) | ratio | verify "
        "(events/s) | 4 parallel writers (events/s) |"
    )
    print("|---|---|---|---|---|---|---|")
    databases = ["sqlite", "postgres"] if options.database == "both" else [options.database]
    for database in databases:
        with tempfile.TemporaryDirectory() as data:
            env = {**os.environ, "LOCKSTEP_DATA_DIR": data, "DJANGO_SETTINGS_MODULE": "lockstep.settings"}
            env.pop("DATABASE_URL", None)
            name = f"lockstep_bench_{uuid.uuid4().hex[:8]}"
            if database == "postgres":
                import psycopg

                with psycopg.connect(PG_URL, autocommit=True) as admin:
                    admin.execute(f'CREATE DATABASE "{name}"')
                env["DATABASE_URL"] = PG_URL.rsplit("/", 1)[0] + "/" + name
            try:
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        "--database",
                        database,
                        "--events",
                        str(options.events),
                    ],
                    env=env,
                    check=True,
                )
            finally:
                if database == "postgres":
                    with psycopg.connect(PG_URL, autocommit=True) as admin:
                        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
