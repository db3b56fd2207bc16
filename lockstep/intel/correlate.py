"""Cross-agency matching, set-based in SQL: the observables of some reports against every other agency's.

For each new observable that is active and not on a warninglist, every active observable of another agency
with the same (value_key, type, value) yields a Hit for each side. A value held by more agencies than the
fan-out limit is recorded as a CommonValue instead. A partner receives a hit only about records released to
everyone; a member agency receives hits about any record (it then sees the record itself only if its Marking
allows: hit / no-hit).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import connection
from django.utils import timezone

from lockstep.directory.models import Agency
from lockstep.intel.models import CommonValue, Hit, Observable, Report
from lockstep.policy.models import Marking


def _tables() -> dict[str, str]:
    return {
        "obs": Observable._meta.db_table,
        "hit": Hit._meta.db_table,
        "common": CommonValue._meta.db_table,
        "agency": Agency._meta.db_table,
        "marking": Marking._meta.db_table,
        "report": Report._meta.db_table,
    }


def _in(ids: Sequence[int]) -> str:
    return ",".join(str(int(pk)) for pk in ids)


def mark_common_values(report_ids: Sequence[int]) -> int:
    """Record values of these reports that more than LOCKSTEP_HIT_FANOUT agencies hold; returns how many."""
    if not report_ids:
        return 0
    t = _tables()
    sql = f"""
        INSERT INTO {t["common"]} (value_key, kind, agencies, detected_at)
        SELECT o.value_key, MIN(o.kind), COUNT(DISTINCT o.owner_id), %s
        FROM {t["obs"]} o
        WHERE o.active AND o.value_key IN (
            SELECT n.value_key FROM {t["obs"]} n WHERE n.report_id IN ({_in(report_ids)}) AND n.suppressed = ''
        )
        GROUP BY o.value_key
        HAVING COUNT(DISTINCT o.owner_id) > %s
        ON CONFLICT (value_key) DO UPDATE SET agencies = excluded.agencies
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), settings.LOCKSTEP_HIT_FANOUT])
        return cursor.rowcount


def create_hits(report_ids: Sequence[int]) -> int:
    """Insert the hits of these reports' observables, both directions; returns how many rows were new."""
    if not report_ids:
        return 0
    t = _tables()
    now = timezone.now()
    pairs = f"""
        SELECT n.id AS new_id, o.id AS old_id, n.owner_id AS new_owner, o.owner_id AS old_owner,
               n.marking_id AS new_marking, o.marking_id AS old_marking, n.kind AS kind, n.value_key AS value_key
        FROM {t["obs"]} n
        JOIN {t["obs"]} o ON o.value_key = n.value_key AND o.owner_id <> n.owner_id
             AND o.kind = n.kind AND o.value = n.value
        JOIN {t["report"]} r ON r.id = o.report_id AND r.status = 'active'
        WHERE n.report_id IN ({_in(report_ids)}) AND n.active AND o.active
          AND n.suppressed = '' AND o.suppressed = ''
          AND NOT EXISTS (SELECT 1 FROM {t["common"]} c WHERE c.value_key = n.value_key)
    """
    # Each side: (receiving observable, other observable, receiving agency, other agency); a partner receives
    # a hit only when the other record is released to everyone.
    sql = f"""
        INSERT INTO {t["hit"]} (observable_id, other_id, agency_id, other_agency_id, kind, value_key, state,
                               created_at, updated_at)
        SELECT p.receiver, p.sender, p.receiver_agency, p.sender_agency, p.kind, p.value_key, 'new', %s, %s
        FROM (
            SELECT new_id AS receiver, old_id AS sender, new_owner AS receiver_agency, old_owner AS sender_agency,
                   old_marking AS sender_marking, kind, value_key FROM ({pairs}) x
            UNION ALL
            SELECT old_id, new_id, old_owner, new_owner, new_marking, kind, value_key FROM ({pairs}) y
        ) p
        JOIN {t["agency"]} a ON a.id = p.receiver_agency
        JOIN {t["marking"]} m ON m.id = p.sender_marking
        WHERE a.kind <> 'partner' OR m.audience = 'everyone'
        ON CONFLICT (observable_id, other_id) DO NOTHING
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, now])
        return cursor.rowcount


def correlate(report_ids: Sequence[int]) -> tuple[int, int]:
    """Fan-out first, then hits: (common values recorded, hits created)."""
    common = mark_common_values(report_ids)
    return common, create_hits(report_ids)
