"""Benchmark: an operation's infrastructure at the scale of a large operation (default 150,000 items), on
SQLite and PostgreSQL, each step beside its floor in the same run: the same work done by the database's own
bare mechanism, without Lockstep's checks, policy, audit or page rendering.

  - import: a CSV file read, every row checked and canonicalised, stored in batches (the CLI's and the import
    form's path: `files.rows_from_text` + `services.import_infrastructure`); floor: the same rows inserted into
    the same table by executemany in one transaction (SQLite) or COPY (PostgreSQL);
  - list: the infrastructure page (signed-in test client, template rendered, 100 items) at page 1 and the last
    page, and the API's keyset page (`after=`) deep in the list; floor: the same 100 rows by raw SQL;
  - filter: the page filtered by state and country, and by a part of the value (a substring scan);
    floor: the raw SQL count and first page of the same filter;
  - export: the whole list as CSV through the API (audited); floor: raw cursor rows through csv.writer;
  - bulk state change: a filtered selection (a third of the items) moved to "taken down", audited;
    floor: the raw UPDATE.

Usage: python bench/operations.py [--items 150000] [--database sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from scratch import server_env

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = ["KE", "NG", "GH", "ZA", "SN", "CI", "CM", "UG", "TZ", "ZM", "ZW", "AO", "BJ", "BF", "CD", "GA",
             "MU", "MZ", "RW"]  # fmt: skip
STATES = ["identified", "requested", "taken_down", "taken_down", "refused", "no_response"]


def items_csv(count: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "value", "provider", "asn", "country", "state", "evidence_ref"])
    for n in range(count):
        kind = n % 4
        if kind == 0:
            value, what = f"lure-{n}.scam-{n % 211}.example", "domain"
        elif kind == 1:
            value, what = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}", "ip"
        elif kind == 2:
            value, what = f"https://pay-{n % 997}.example/login/{n}", "url"
        else:
            value, what = f"+2547{n:08d}", "phone"
        writer.writerow(
            [what, value, f"Host {n % 37}", 64496 + n % 50, COUNTRIES[n % 19], STATES[n % 6], f"T-{n}"]
        )
    return out.getvalue()


def worker(count: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from conftest import verified_client
    from lockstep.directory.models import Agency, Country, RoleGrant, User
    from lockstep.operations import services
    from lockstep.operations.files import rows_from_text
    from lockstep.operations.models import InfrastructureItem

    Country.objects.get_or_create(code="KE", defaults={"name": "Kenya"})
    agency = Agency.objects.create(code="NCB-KE", name="Bench NCB", kind="ncb", country_id="KE")
    user = User.objects.create(username="bench.coordinator", agency=agency)
    for role in ("coordinator", "officer"):
        RoleGrant.objects.create(user=user, role=role)
    operation = services.launch_operation(user, code_name="Bench", objectives="bench", crime_focus="scams")
    floor_operation = services.launch_operation(user, code_name="Floor", objectives="f", crime_focus="f")
    text = items_csv(count)
    figures: dict[str, Any] = {"items": count, "database": connection.vendor}

    began = time.perf_counter()
    summary = services.import_infrastructure(user, operation, rows_from_text(text))
    figures["import"] = time.perf_counter() - began
    assert summary.created == count, summary

    # the floor: the rows as they are stored (the canonical values Lockstep computed), bare insert
    fields = ["operation_id", "kind", "value", "value_key", "provider", "registrar", "asn", "country", "state",
              "identified_on", "evidence_ref", "agency_id"]  # fmt: skip
    stored = list(InfrastructureItem.objects.filter(operation=operation).values_list(*fields[1:-1]))
    rows = [(floor_operation.pk, *row, agency.pk) for row in stored]
    table = InfrastructureItem._meta.db_table
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(fields)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({marks})", rows)
    figures["import_floor"] = time.perf_counter() - began

    client = verified_client(Client(), user)
    base = "/operations/Bench/infrastructure/"

    def timed(url: str, data: dict[str, Any] | None = None, repeat: int = 5) -> float:
        best = float("inf")
        for _ in range(repeat):
            began = time.perf_counter()
            response = client.get(url, data or {})
            best = min(best, time.perf_counter() - began)
            assert response.status_code == 200, (url, response.status_code)
        return best

    def raw(sql: str, params: list[Any], repeat: int = 5) -> float:
        best = float("inf")
        for _ in range(repeat):
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()
            best = min(best, time.perf_counter() - began)
        return best

    last = (count + 99) // 100
    page_sql = f"SELECT * FROM {table} WHERE operation_id = %s ORDER BY id LIMIT 100 OFFSET %s"
    figures["page_first"] = timed(base)
    figures["page_last"] = timed(base, {"page": last})
    figures["page_floor"] = raw(page_sql, [operation.pk, (last - 1) * 100])
    deep = InfrastructureItem.objects.filter(operation=operation).order_by("id")[count - 200].pk
    figures["api_keyset"] = timed("/api/v1/operations/Bench/infrastructure", {"after": deep, "limit": 100})
    figures["keyset_floor"] = raw(
        f"SELECT * FROM {table} WHERE operation_id = %s AND id > %s ORDER BY id LIMIT 100",
        [operation.pk, deep],
    )
    figures["filter_state_country"] = timed(base, {"state": "taken_down", "country": "GH"})
    figures["filter_state_country_floor"] = raw(
        f"SELECT COUNT(*) FROM {table} WHERE operation_id = %s AND state = %s AND country = %s",
        [operation.pk, "taken_down", "GH"],
    ) + raw(
        f"SELECT * FROM {table} WHERE operation_id = %s AND state = %s AND country = %s ORDER BY id LIMIT 100",
        [operation.pk, "taken_down", "GH"],
    )
    figures["filter_search"] = timed(base, {"search": "scam-17."})
    like = "UPPER(value::text) LIKE UPPER(%s)" if connection.vendor == "postgresql" else "value LIKE %s"
    figures["filter_search_floor"] = raw(
        f"SELECT COUNT(*) FROM {table} WHERE operation_id = %s AND {like}", [operation.pk, "%scam-17.%"]
    ) + raw(
        f"SELECT * FROM {table} WHERE operation_id = %s AND {like} ORDER BY id LIMIT 100",
        [operation.pk, "%scam-17.%"],
    )
    figures["export"] = timed("/api/v1/operations/Bench/infrastructure.csv", repeat=2)

    def floor_export() -> None:
        out = io.StringIO()
        writer = csv.writer(out)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT kind, value, provider, registrar, asn, country, state, identified_on, requested_on, "
                f"closed_on, evidence_ref, agency_id FROM {table} WHERE operation_id = %s ORDER BY id",
                [operation.pk],
            )
            for row in cursor:
                writer.writerow(row)

    best = float("inf")
    for _ in range(2):
        began = time.perf_counter()
        floor_export()
        best = min(best, time.perf_counter() - began)
    figures["export_floor"] = best

    selection = services.infrastructure_items(operation, state="identified")
    moved = selection.count() + services.infrastructure_items(operation, state="requested").count()
    began = time.perf_counter()
    services.change_state(
        user, operation, services.infrastructure_items(operation, state="identified"), "requested"
    )
    services.change_state(
        user, operation, services.infrastructure_items(operation, state="requested"), "taken_down"
    )
    figures["bulk_state"] = time.perf_counter() - began
    figures["bulk_state_items"] = moved
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET state = 'requested' WHERE operation_id = %s AND state = 'identified'",
            [floor_operation.pk],
        )
        cursor.execute(
            f"UPDATE {table} SET state = 'taken_down' WHERE operation_id = %s AND state = 'requested'",
            [floor_operation.pk],
        )
    figures["bulk_state_floor"] = time.perf_counter() - began
    return figures


def run(database: str, count: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch, server_env(scratch, database) as env:
        env["DJANGO_SETTINGS_MODULE"] = "lockstep.settings"
        out = subprocess.run(
            [sys.executable, __file__, "--worker", "--items", str(count)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(results: list[dict[str, Any]]) -> None:
    print("| database | step | Lockstep (s) | floor (s) | ratio (floor / Lockstep) | items/s |")
    print("|---|---|---|---|---|---|")
    steps = [
        ("import (check, canonicalise, store)", "import", "items"),
        ("page 1 (rendered)", "page_first", None),
        ("last page (rendered)", "page_last", None),
        ("API keyset page, deep", "api_keyset", None),
        ("filter state + country (rendered)", "filter_state_country", None),
        ("filter part of the value (rendered)", "filter_search", None),
        ("export all as CSV (API)", "export", "items"),
        ("bulk state change (2 steps)", "bulk_state", "bulk_state_items"),
    ]
    floors = {"page_first": "page_floor", "page_last": "page_floor", "api_keyset": "keyset_floor"}
    for result in results:
        for label, key, per in steps:
            floor = result[floors.get(key, f"{key}_floor")]
            rate = f"{result[per] / result[key]:,.0f}" if per else ""
            print(
                f"| {result['database']} | {label} | {result[key]:.3f} | {floor:.3f} | "
                f"{floor / result[key]:.2f} | {rate} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=150_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(worker(options.items)))
        return
    databases = ["sqlite", "postgres"] if options.database == "both" else [options.database]
    results = [run(database, options.items) for database in databases]
    print(f"{options.items:,} infrastructure items")
    table(results)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
