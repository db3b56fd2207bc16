"""Benchmark: ingest and correlate N observations from 200 agencies (~2% of values shared), against the
database's raw bulk-insert rate (the floor) and DuckDB computing the same shared values, in one run.

For each database (SQLite file in WAL mode; PostgreSQL in a scratch database):
  1. floor: the same rows bulk-inserted into a table of the same shape and indexes (executemany in one
     transaction on SQLite, COPY on PostgreSQL), no canonicalisation;
  2. Lockstep ingest: canonicalise + bulk insert through intel.ingest, in batches of 50,000;
  3. Lockstep correlation: every hit created (intel.correlate over all reports);
  4. incremental: 100,000 new observations (~2% matching stored values) submitted as new reports, correlated;
DuckDB (in memory, same rows from a CSV file): load + GROUP BY value HAVING COUNT(DISTINCT agency) > 1; and the
join of the 100,000 new rows against the stored ones.

Usage: python bench/correlation.py --rows 1000000 [--database sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/test")
AGENCIES = 200
BATCH = 50_000


def observation(index: int, shared_pool: int) -> tuple[int, str, str]:
    """(agency, type, raw value): ~2% of rows take a value from a shared pool, each held by several agencies."""
    agency = index % AGENCIES
    if index % 50 == 0:  # 2% shared: four consecutive shared rows carry one value, at four different agencies
        shared = index // 50
        slot = (shared // 4) % shared_pool
        return (shared * 53) % AGENCIES, "domain", f"shared-{slot}.campaign-{slot % 89}.net"
    kind = index % 4
    if kind == 0:
        return agency, "domain", f"host-{index}.zone-{index % 997}.net"
    if kind == 1:
        return (
            agency,
            "ipv4",
            f"{(index >> 24) % 223 + 1}.{(index >> 16) % 256}.{(index >> 8) % 256}.{index % 256}",
        )
    if kind == 2:
        return agency, "sha256", f"{index:064x}"
    return agency, "email", f"user{index}@mail-{index % 1009}.org"


def write_csv(path: Path, start: int, count: int, shared_pool: int) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["agency", "type", "value"])
        for index in range(start, start + count):
            writer.writerow(observation(index, shared_pool))


def duckdb_figures(stored: Path, new: Path) -> dict[str, float]:
    import duckdb

    db = duckdb.connect()
    started = time.perf_counter()
    db.execute(f"CREATE TABLE obs AS SELECT * FROM read_csv('{stored}', header=true)")
    loaded = time.perf_counter()
    shared = db.execute(
        "SELECT count(*) FROM (SELECT value FROM obs GROUP BY type, value HAVING count(DISTINCT agency) > 1)"
    ).fetchone()[0]
    grouped = time.perf_counter()
    db.execute(f"CREATE TABLE new AS SELECT * FROM read_csv('{new}', header=true)")
    new_loaded = time.perf_counter()
    pairs = db.execute(
        "SELECT count(*) FROM new n JOIN obs o ON o.type = n.type AND o.value = n.value "
        "AND o.agency <> n.agency"
    ).fetchone()[0]
    joined = time.perf_counter()
    return {
        "load_s": loaded - started,
        "group_by_s": grouped - loaded,
        "shared_values": shared,
        "total_s": grouped - started,
        "new_load_s": new_loaded - grouped,
        "join_s": joined - new_loaded,
        "new_pairs": pairs,
    }


def child(database: str, rows: int, shared_pool: int, new_rows: int) -> dict[str, float]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from lockstep.directory.models import Agency, RoleGrant, User
    from lockstep.intel.correlate import correlate
    from lockstep.intel.ingest import Submitted, insert_rows, pipelined, prepare, rows_for
    from lockstep.intel.models import Hit, Observable, Report, Warninglist
    from lockstep.intel.warninglists import load_index
    from lockstep.policy.models import Marking

    Warninglist.objects.all().update(enabled=False)
    warn = load_index()
    agencies, reports = [], []
    for number in range(AGENCIES):
        agency = Agency.objects.create(
            code=f"BENCH-{number}", name=f"Bench {number}", kind="national_unit", country_id="KE"
        )
        user = User.objects.create(username=f"bench{number}", agency=agency)
        RoleGrant.objects.create(user=user, role="officer")
        marking = Marking.objects.create(owner=agency, tlp="green", audience="members")
        report = Report.objects.create(
            reference=f"BENCH-{number}", owner=agency, marking=marking, title="bench", crime_type="other"
        )
        agencies.append(agency)
        reports.append(report)
    figures: dict[str, float] = {}

    # 1. the floor: same rows, same table shape and indexes, the database's own bulk path
    table = Observable._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE bench_floor (LIKE {table} INCLUDING ALL)")
        else:
            ddl = cursor.execute(f"SELECT sql FROM sqlite_master WHERE name = '{table}'").fetchone()[0]
            cursor.execute(ddl.replace(f'"{table}"', '"bench_floor"', 1))
            for (index_sql,) in cursor.execute(
                f"SELECT sql FROM sqlite_master WHERE tbl_name = '{table}' "
                "AND type = 'index' AND sql IS NOT NULL"
            ).fetchall():
                name = index_sql.split('"')[1]
                cursor.execute(
                    index_sql.replace(f'"{table}"', '"bench_floor"').replace(f'"{name}"', f'"{name}_floor"')
                )
    from lockstep.intel.canonical import value_key

    def raw_rows(start: int, count: int) -> list[tuple[object, ...]]:
        out = []
        for index in range(start, start + count):
            agency, kind, value = observation(index, shared_pool)
            report = reports[agency]
            out.append(
                (
                    report.pk,
                    report.owner_id,
                    report.marking_id,
                    kind,
                    value,
                    value_key(kind, value),
                    "",
                    None,
                    None,
                    True,
                    "",
                )
            )
        return out

    columns = "report_id, owner_id, marking_id, kind, value, value_key, context, first_seen, last_seen, active, suppressed"
    floor_time = 0.0
    for start in range(0, rows, BATCH):
        batch = raw_rows(start, min(BATCH, rows - start))
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY bench_floor ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO bench_floor ({columns}) VALUES ({', '.join(['%s'] * 11)})", batch
                )
        floor_time += time.perf_counter() - began
    figures["floor_rows_per_s"] = rows / floor_time

    # 2. Lockstep's ingest path: canonicalise (on a helper thread, pipelined) + bulk insert (dedupe by the
    #    unique index), batches of 50,000 in their own transactions, as `lockstep intel import` does
    def canonicalise(start: int) -> list[tuple[object, ...]]:
        per_report: dict[int, list[Submitted]] = {}
        for index in range(start, min(start + BATCH, rows)):
            agency, kind, value = observation(index, shared_pool)
            per_report.setdefault(agency, []).append(Submitted(kind, value))
        ready: list[tuple[object, ...]] = []
        for agency, items in per_report.items():
            prepared, _rejected = prepare(items, country="KE", warn=warn)
            report = reports[agency]
            ready += rows_for(report.pk, report.owner_id, report.marking_id, prepared)
        return ready

    def write(ready: list[tuple[object, ...]]) -> None:
        with transaction.atomic():
            insert_rows(ready)

    began = time.perf_counter()
    pipelined(range(0, rows, BATCH), canonicalise, write)
    ingest = time.perf_counter() - began
    figures["ingest_rows_per_s"] = rows / ingest

    # 3. correlation of everything
    began = time.perf_counter()
    with transaction.atomic():
        correlate([report.pk for report in reports], full=True)
    figures["correlate_s"] = time.perf_counter() - began
    figures["hits"] = Hit.objects.count()
    figures["ingest_and_correlate_s"] = ingest + figures["correlate_s"]

    # 4. new observations against everything stored
    began = time.perf_counter()
    new_reports = []
    with transaction.atomic():
        per_report = {}
        for index in range(rows, rows + new_rows):
            agency, kind, value = observation(index, shared_pool)
            per_report.setdefault(agency, []).append(Submitted(kind, value))
        pending = []
        for agency, items in per_report.items():
            marking = Marking.objects.create(owner=agencies[agency], tlp="green", audience="members")
            report = Report.objects.create(
                reference=f"BENCH-NEW-{agency}",
                owner=agencies[agency],
                marking=marking,
                title="new",
                crime_type="other",
            )
            new_reports.append(report.pk)
            prepared, _rejected = prepare(items, country="KE", warn=warn)
            pending += rows_for(report.pk, report.owner_id, report.marking_id, prepared)
        insert_rows(pending)
        before = Hit.objects.count()
        correlate(new_reports)
    figures["new_s"] = time.perf_counter() - began
    figures["new_hits"] = Hit.objects.count() - before
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    shared_pool = max(1, options.rows // 50 // 4)  # each shared value held by ~4 agencies
    if options.child:
        print(json.dumps(child(options.database, options.rows, shared_pool, options.new)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        stored, new = Path(scratch) / "stored.csv", Path(scratch) / "new.csv"
        write_csv(stored, 0, options.rows, shared_pool)
        write_csv(new, options.rows, options.new, shared_pool)
        duck = duckdb_figures(stored, new)
    print(
        f"rows={options.rows:,} agencies={AGENCIES} shared_values={duck['shared_values']:,} new={options.new:,}"
    )
    print(
        f"DuckDB: load {duck['load_s']:.2f} s + GROUP BY {duck['group_by_s']:.2f} s = {duck['total_s']:.2f} s; "
        f"join of new rows {duck['join_s']:.2f} s ({duck['new_pairs']:,} pairs)"
    )
    databases = ["sqlite", "postgres"] if options.database == "both" else [options.database]
    print(
        f"| database | floor (rows/s) | ingest (rows/s) | ingest / floor | correlation (s) | correlation / DuckDB "
        f"| ingest + correlation (s) | hits | {options.new:,} new vs stored (s) | new / DuckDB join |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
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
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        "--database",
                        database,
                        "--rows",
                        str(options.rows),
                        "--new",
                        str(options.new),
                    ],
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            finally:
                if database == "postgres":
                    with psycopg.connect(PG_URL, autocommit=True) as admin:
                        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            f = json.loads(out.strip().splitlines()[-1])
            print(
                f"| {database} | {f['floor_rows_per_s']:,.0f} | {f['ingest_rows_per_s']:,.0f} | "
                f"{f['ingest_rows_per_s'] / f['floor_rows_per_s']:.2f} | {f['correlate_s']:.2f} | "
                f"{f['correlate_s'] / duck['total_s']:.1f}x | {f['ingest_and_correlate_s']:.1f} | "
                f"{int(f['hits']):,} | {f['new_s']:.2f} | {f['new_s'] / (duck['new_load_s'] + duck['join_s']):.0f}x |",
                flush=True,
            )


if __name__ == "__main__":
    main()
