"""Cross-agency matching, set-based in SQL: the observables of some reports against every other agency's.

Three statements, whatever the number of rows:
1. the *shared keys*: value keys of these reports that another report also holds. For a submission, one index
   probe per new row on the (value_key, report) index, without touching the table (most values are held once);
   for a bulk load (``full``), one ordered scan of that index grouping by key.
2. values of those keys held by more agencies than the fan-out limit become CommonValue rows: counted, no hits;
3. for the other shared keys, every pair (new observable, other agency's active observable with the same type
   and value) becomes a Hit for each side. A partner receives a hit only about records released to everyone; a
   member agency receives hits about any record (and then sees the record only if its Marking allows).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import connection
from django.utils import timezone

from lockstep.directory.models import Agency
from lockstep.intel.models import CommonValue, Hit, Observable, Report
from lockstep.policy.models import Marking

SHARED = "intel_shared_keys"


def _tables() -> dict[str, str]:
    return {
        "obs": Observable._meta.db_table,
        "hit": Hit._meta.db_table,
        "common": CommonValue._meta.db_table,
        "agency": Agency._meta.db_table,
        "marking": Marking._meta.db_table,
        "report": Report._meta.db_table,
    }


def _run(cursor: object, sql: str, params: Sequence[object] = ()) -> int:
    """Execute one statement; returns the rows it changed (SQLite reports -1 for WITH ... INSERT, so count
    through the connection's change counter there)."""
    if connection.vendor == "sqlite":
        before = connection.connection.total_changes
        cursor.execute(sql, params)  # type: ignore[attr-defined]
        return int(connection.connection.total_changes - before)
    cursor.execute(sql, params)  # type: ignore[attr-defined]
    return int(cursor.rowcount)  # type: ignore[attr-defined]


def _in(ids: Sequence[int]) -> str:
    return ",".join(str(int(pk)) for pk in ids)


def _shared_keys(cursor: object, report_ids: Sequence[int], *, full: bool) -> int:
    t = _tables()
    execute = cursor.execute  # type: ignore[attr-defined]
    if connection.vendor == "postgresql":
        execute(f"CREATE TEMP TABLE IF NOT EXISTS {SHARED} (value_key bigint PRIMARY KEY)")
    else:
        execute(f"CREATE TEMP TABLE IF NOT EXISTS {SHARED} (value_key integer PRIMARY KEY)")
    execute(f"DELETE FROM {SHARED}")
    if full:
        return _run(
            cursor,
            f"""
            INSERT INTO {SHARED} (value_key)
            SELECT value_key FROM {t["obs"]} GROUP BY value_key HAVING MIN(report_id) <> MAX(report_id)
        """,
        )
    return _run(
        cursor,
        f"""
            INSERT INTO {SHARED} (value_key)
            SELECT DISTINCT n.value_key FROM {t["obs"]} n
            WHERE n.report_id IN ({_in(report_ids)})
              AND EXISTS (SELECT 1 FROM {t["obs"]} o WHERE o.value_key = n.value_key AND o.report_id <> n.report_id)
        """,
    )


def _mark_common(cursor: object) -> int:
    t = _tables()
    return _run(
        cursor,
        f"""
        INSERT INTO {t["common"]} (value_key, kind, agencies, detected_at)
        SELECT o.value_key, MIN(o.kind), COUNT(DISTINCT o.owner_id), %s
        FROM {t["obs"]} o
        WHERE o.value_key IN (SELECT value_key FROM {SHARED}) AND o.active AND o.suppressed = ''
        GROUP BY o.value_key
        HAVING COUNT(DISTINCT o.owner_id) > %s
        ON CONFLICT (value_key) DO UPDATE SET agencies = excluded.agencies
        """,
        [timezone.now(), settings.LOCKSTEP_HIT_FANOUT],
    )


def _create_hits(cursor: object, report_ids: Sequence[int]) -> int:
    t = _tables()
    now = timezone.now()
    return _run(
        cursor,
        f"""
        WITH candidates AS MATERIALIZED (
            -- every active holder of a shared key, found by index from the (few) shared keys
            SELECT o.id, o.report_id, o.owner_id, o.marking_id, o.kind, o.value, o.value_key
            FROM {SHARED} k JOIN {t["obs"]} o ON o.value_key = k.value_key
            WHERE o.active AND o.suppressed = ''
              AND NOT EXISTS (SELECT 1 FROM {t["common"]} c WHERE c.value_key = k.value_key)
        ),
        pairs AS MATERIALIZED (
            SELECT n.id AS new_id, o.id AS old_id, n.owner_id AS new_owner, o.owner_id AS old_owner,
                   n.marking_id AS new_marking, o.marking_id AS old_marking, n.kind AS kind, n.value_key AS value_key
            FROM candidates n
            JOIN candidates o ON o.value_key = n.value_key AND o.owner_id <> n.owner_id
                 AND o.kind = n.kind AND o.value = n.value
            JOIN {t["report"]} r ON r.id = o.report_id AND r.status = 'active'
            WHERE n.report_id IN ({_in(report_ids)})
        )
        INSERT INTO {t["hit"]} (observable_id, other_id, agency_id, other_agency_id, kind, value_key, state,
                               created_at, updated_at)
        SELECT p.receiver, p.sender, p.receiver_agency, p.sender_agency, p.kind, p.value_key, 'new', %s, %s
        FROM (
            SELECT new_id AS receiver, old_id AS sender, new_owner AS receiver_agency, old_owner AS sender_agency,
                   old_marking AS sender_marking, kind, value_key FROM pairs
            UNION ALL
            SELECT old_id, new_id, old_owner, new_owner, new_marking, kind, value_key FROM pairs
        ) p
        JOIN {t["agency"]} a ON a.id = p.receiver_agency
        JOIN {t["marking"]} m ON m.id = p.sender_marking
        WHERE a.kind <> 'partner' OR m.audience = 'everyone'
        ON CONFLICT (observable_id, other_id) DO NOTHING
        """,
        [now, now],
    )


def correlate(report_ids: Sequence[int], *, full: bool = False) -> tuple[int, int]:
    """Correlate these reports' observables; returns (common values recorded, hit rows created).

    ``full``: the reports hold a large share of all observables (a bulk load): find shared keys by one grouped
    scan instead of one probe per row, after refreshing PostgreSQL's statistics.
    """
    if not report_ids:
        return 0, 0
    with connection.cursor() as cursor:
        if full and connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {_tables()['obs']}")
            cursor.execute("SET LOCAL work_mem = '256MB'")  # the grouped scan hashes in memory, not on disk
        if not _shared_keys(cursor, report_ids, full=full):
            return 0, 0
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {SHARED}")  # temporary tables get no automatic statistics
        common = _mark_common(cursor)
        hits = _create_hits(cursor, report_ids)
        cursor.execute(f"DELETE FROM {SHARED}")
    return common, hits
