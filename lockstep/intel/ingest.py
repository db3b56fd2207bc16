"""The bulk path: canonicalise submitted values, then write them with the database's bulk mechanism.

PostgreSQL: COPY into a temporary table, then one INSERT ... SELECT ... ON CONFLICT DO NOTHING.
SQLite: one executemany of INSERT OR IGNORE in the caller's transaction.
Duplicates (same value in the same report) are dropped by the unique (value_key, report) index.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from lockstep.intel.canonical import InvalidValue, canonical, value_key
from lockstep.intel.models import Observable
from lockstep.intel.warninglists import WarnIndex
from lockstep.lib.bulk import insert_new

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Submitted:
    """One value as a user or a file gives it."""

    kind: str
    value: str
    context: str = ""
    first_seen: datetime.datetime | None = None
    last_seen: datetime.datetime | None = None


@dataclass(frozen=True)
class Prepared:
    kind: str
    value: str
    key: int
    context: str
    first_seen: datetime.datetime | None
    last_seen: datetime.datetime | None
    suppressed: str


@dataclass(frozen=True)
class Rejected:
    index: int
    kind: str
    value: str
    reason: str


def prepare(
    rows: Iterable[Submitted], *, country: str | None, warn: WarnIndex, start: int = 0
) -> tuple[list[Prepared], list[Rejected]]:
    """Canonicalise each row; invalid ones are reported with their position and reason. Values repeated
    within ``rows`` are kept once (the first context wins, seen-dates widen)."""
    kept: dict[int, Prepared] = {}
    rejected: list[Rejected] = []
    for index, row in enumerate(rows, start):
        try:
            value = canonical(row.kind, row.value, country=country)
        except InvalidValue as exc:
            rejected.append(Rejected(index, row.kind, str(row.value)[:200], str(exc)))
            continue
        if row.first_seen and row.last_seen and row.first_seen > row.last_seen:
            rejected.append(Rejected(index, row.kind, str(row.value)[:200], "first seen is after last seen"))
            continue
        if len(row.context) > 120:
            rejected.append(
                Rejected(index, row.kind, str(row.value)[:200], "the context is over 120 characters")
            )
            continue
        key = value_key(row.kind, value)
        earlier = kept.get(key)
        if earlier is not None:
            kept[key] = Prepared(
                earlier.kind,
                earlier.value,
                key,
                earlier.context,
                _widen(earlier.first_seen, row.first_seen, latest=False),
                _widen(earlier.last_seen, row.last_seen, latest=True),
                earlier.suppressed,
            )
            continue
        kept[key] = Prepared(
            row.kind, value, key, row.context, row.first_seen, row.last_seen, warn.reason(row.kind, value)
        )
    return list(kept.values()), rejected


def _widen(
    a: datetime.datetime | None, b: datetime.datetime | None, *, latest: bool
) -> datetime.datetime | None:
    if a and b:
        return max(a, b) if latest else min(a, b)
    return a or b


COLUMNS = (
    "report_id",
    "owner_id",
    "marking_id",
    "kind",
    "value",
    "value_key",
    "context",
    "first_seen",
    "last_seen",
    "active",
    "suppressed",
)


def rows_for(
    report_id: int, owner_id: int, marking_id: int, values: list[Prepared], *, active: bool = True
) -> list[tuple[Any, ...]]:
    return [
        (
            report_id,
            owner_id,
            marking_id,
            item.kind,
            item.value,
            item.key,
            item.context,
            item.first_seen,
            item.last_seen,
            active,
            item.suppressed,
        )
        for item in values
    ]


def insert_observables(
    report_id: int, owner_id: int, marking_id: int, values: list[Prepared], *, active: bool = True
) -> int:
    """Write ``values`` for one report in the current transaction; returns how many rows were new."""
    return insert_rows(rows_for(report_id, owner_id, marking_id, values, active=active))


def insert_rows(rows: list[tuple[Any, ...]]) -> int:
    """Bulk-write observable rows (in COLUMNS order, any reports) in the current transaction; returns how
    many were new (rows repeating a (value, report) already stored are skipped)."""
    return insert_new(Observable._meta.db_table, COLUMNS, ("value_key", "report_id"), rows)


def pipelined(batches: Iterable[T], work: Callable[[T], U], write: Callable[[U], None]) -> None:
    """Run ``work`` (pure Python: canonicalisation) for the next batch on a helper thread while ``write`` (the
    database, which releases the interpreter lock while it works) handles the current one, in order."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending: Future[U] | None = None
        for batch in batches:
            following = pool.submit(work, batch)
            if pending is not None:
                write(pending.result())
            pending = following
        if pending is not None:
            write(pending.result())
