"""Bulk writes with the database's own mechanism, for the large loads (intel observables, an operation's
infrastructure): COPY on PostgreSQL, one executemany of INSERT OR IGNORE on SQLite, in the caller's
transaction. Django's bulk_create builds SQL row by row, which costs more than the writes at these sizes.
Table and column names come from the models, never from input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction


def insert_new(
    table: str, columns: Sequence[str], conflict: Sequence[str], rows: list[tuple[Any, ...]]
) -> int:
    """Write ``rows`` (in ``columns`` order) into ``table``, skipping those that repeat a stored row on the
    unique ``conflict`` columns; returns how many were new."""
    if not rows:
        return 0
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _copy_rows(cursor, rows, table, names, ", ".join(conflict))
        before = connection.connection.total_changes
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
        return int(connection.connection.total_changes - before)


def _copy_rows(cursor: Any, rows: list[tuple[Any, ...]], table: str, columns: str, conflict: str) -> int:
    """PostgreSQL: COPY straight into the table (new rows, the usual case, cost what the database's own bulk
    load costs); when a row repeats a stored one, as on a re-import, the COPY fails as a whole and the batch
    goes through a staging table with INSERT ... ON CONFLICT DO NOTHING instead."""
    from psycopg.errors import UniqueViolation  # the raw COPY is not wrapped in Django's errors

    try:
        # a savepoint: the failed COPY leaves the enclosing transaction usable
        with transaction.atomic(), cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return len(rows)
    except (IntegrityError, UniqueViolation):
        pass
    staging = f"{table}_incoming"
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {staging} AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
    )
    cursor.execute(f"TRUNCATE {staging}")
    with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO NOTHING"
    )
    return int(cursor.rowcount)


def refresh_statistics(table: str) -> None:
    """After a large load, PostgreSQL's planner statistics lag until autovacuum passes: refresh them now, so
    that the next pages are planned on the table as it is (ANALYZE samples: a fraction of a second)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
