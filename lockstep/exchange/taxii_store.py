"""The TAXII collections' contents: kept in step with each report (``refresh``, on every change intel signals),
read a page at a time in (date added, row) order, rendered from the report when read."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from lockstep.directory.models import User
from lockstep.exchange import stix_export, tlp
from lockstep.exchange.collections import Collection, key_for
from lockstep.exchange.models import TaxiiObject
from lockstep.exchange.stixmap import parse_time, stix_time
from lockstep.intel.models import Report, ReportStatus
from lockstep.policy.models import TLP
from lockstep.policy.rules import visible_marking_q

STEP = datetime.timedelta(microseconds=1)


def _shared(collection: str, objects: Iterable[dict[str, Any]], now: datetime.datetime) -> None:
    """Identities and TLP markings a collection's objects refer to: added once, readable by all its readers."""
    wanted = {obj["id"]: obj for obj in objects}
    present = set(
        TaxiiObject.objects.filter(collection=collection, part="shared", stix_id__in=wanted).values_list(
            "stix_id", flat=True
        )
    )
    rows = [
        TaxiiObject(
            collection=collection,
            part="shared",
            stix_id=key,
            stix_type=obj["type"],
            version=parse_time(obj.get("modified") or obj.get("created")) or now,
            date_added=now,
            body=obj,
        )
        for key, obj in wanted.items()
        if key not in present
    ]
    if not rows:
        return
    start = _first_date(collection, now)
    for index, row in enumerate(rows):
        row.date_added = start + index * STEP
    TaxiiObject.objects.bulk_create(rows)


def _first_date(collection: str, now: datetime.datetime) -> datetime.datetime:
    """Where the next new rows' dates added start: each row gets its own, one microsecond apart and after every
    earlier one in the collection, so that a client polling with ``added_after`` (the last date added it saw)
    misses nothing."""
    rows = TaxiiObject.objects.filter(collection=collection).order_by("-date_added")
    latest = rows.values_list("date_added", flat=True).first()
    return max(now, latest + STEP) if latest else now


def taxii_time(when: datetime.datetime) -> str:
    """A TAXII timestamp with microseconds (date added values are a microsecond apart)."""
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_deferred: ContextVar[bool] = ContextVar("lockstep_taxii_deferred", default=False)


@contextmanager
def deferred() -> Iterator[None]:
    """Within this, ``on_report_changed`` does nothing: the caller refreshes once, when it is done (an import
    stores a report, then the objects that stand for its values)."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def on_report_changed(report: Report) -> None:
    if not _deferred.get():
        refresh(report)


def refresh(report: Report) -> None:
    """Make the report's rows what it is now: gone when withdrawn or TLP:RED, otherwise its SDO (a new
    version at each change), its handling marking, one indicator (or vulnerability) per value, its kept
    objects. Unchanged objects keep their date added. Set-based: ids computed, rows compared as tuples."""
    with transaction.atomic():
        rows = TaxiiObject.objects.filter(report=report)
        marking = report.marking
        if report.status != ReportStatus.ACTIVE or marking.tlp == TLP.RED:
            rows.delete()
            return
        now = timezone.now()
        collection = key_for(marking)
        view = stix_export.ReportView(report)
        kept_rows = list(report.stix_objects.all())
        view.__dict__["kept"] = {row.stix_id: row.body for row in kept_rows}  # read once, for both uses
        created = _as_rendered(report.created_at)
        # (stix id, part) -> (type, version, observable id, kept id)
        wanted: dict[tuple[str, str], tuple[str, datetime.datetime, int | None, int | None]] = {}
        wanted[(view.marking["id"], "handling")] = (
            "marking-definition",
            _as_rendered(marking.created_at),
            None,
            None,
        )
        values = report.observables.filter(active=True).values_list("pk", "kind", "value")
        for pk, kind, value in values.iterator(chunk_size=10_000):
            found = view.generated(kind, value)
            if found is not None:
                wanted[(found[1], found[0])] = (found[0], created, pk, None)
        for kept in kept_rows:
            if kept.stix_id != view.stix_id:
                when = parse_time(kept.body.get("modified") or kept.body.get("created")) or report.created_at
                wanted[(kept.stix_id, "kept")] = (kept.stix_type, _as_rendered(when), None, kept.pk)
        wanted[(view.stix_id, "report")] = ("report", _as_rendered(now), None, None)
        stale, keep = [], set()
        for pk, stix_id, part, version, where in rows.exclude(part="report").values_list(
            "pk", "stix_id", "part", "version", "collection"
        ):
            want = wanted.get((stix_id, part))
            if want is None or want[1] != version or where != collection:
                stale.append(pk)
            else:
                keep.add((stix_id, part))
        for chunk in range(0, len(stale), 10_000):
            TaxiiObject.objects.filter(pk__in=stale[chunk : chunk + 10_000]).delete()
        rows.filter(part="report").delete()
        fresh = [(key, item) for key, item in wanted.items() if key not in keep]
        _insert(collection, report, fresh, now)
        shared = [
            stix_export.agency_identity(report.owner),
            tlp.marking_definition(marking.tlp),
            stix_export.extension_definition(),
            stix_export.project_identity(),
        ]
        _shared(collection, shared, now)


def _as_rendered(when: datetime.datetime) -> datetime.datetime:
    """Versions are compared as STIX renders them: to the millisecond."""
    return when.replace(microsecond=when.microsecond // 1000 * 1000)


CHUNK = 500  # 11 parameters a row: well under SQLite's 32,766 and PostgreSQL's 65,535


def _insert(
    collection: str,
    report: Report,
    fresh: list[tuple[tuple[str, str], tuple[str, datetime.datetime, int | None, int | None]]],
    now: datetime.datetime,
) -> None:
    """New rows in one multi-row INSERT per ``CHUNK`` (no model instances: a report may hold a million
    values)."""
    start = _first_date(collection, now)
    ops = connection.ops
    table = TaxiiObject._meta.db_table
    columns = "collection, report_id, marking_id, observable_id, kept_id, part, stix_id, stix_type, "
    columns += "spec_version, version, date_added"
    row_sql = f"({', '.join(['%s'] * 11)})"
    adapted: dict[datetime.datetime, Any] = {}  # most rows share the report's date as their version
    with connection.cursor() as cursor:
        for chunk in range(0, len(fresh), CHUNK):
            params: list[Any] = []
            batch = fresh[chunk : chunk + CHUNK]
            for index, ((stix_id, part), (stix_type, version, observable_id, kept_id)) in enumerate(batch):
                params += (
                    collection,
                    report.pk,
                    report.marking_id,
                    observable_id,
                    kept_id,
                    part,
                    stix_id,
                    stix_type,
                    "2.1",
                    adapted.get(version)
                    or adapted.setdefault(version, ops.adapt_datetimefield_value(version)),
                    ops.adapt_datetimefield_value(start + (chunk + index) * STEP),
                )
            if (
                connection.vendor == "postgresql"
            ):  # psycopg pipelines executemany; one row's SQL is parsed once
                rows = [params[at : at + 11] for at in range(0, len(params), 11)]
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {row_sql}", rows)
            else:  # SQLite: a statement per chunk costs less than a statement per row
                values = ", ".join([row_sql] * len(batch))
                cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)
    _note_growth(len(fresh))


# PostgreSQL plans a page by the table's statistics. Right after a large import they still describe a small
# table, and it sorts the whole collection instead of walking the page index (measured: 475 ms a page at
# 100,000 objects, 11 ms once analysed). Autovacuum analyses too late for a client reading right after an
# import, so the table is analysed once it has grown by a tenth since the statistics were taken.
_grown = 0


def _note_growth(inserted: int) -> None:
    global _grown
    _grown += inserted
    if connection.vendor != "postgresql" or _grown < 1000:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [TaxiiObject._meta.db_table])
        found = cursor.fetchone()
    known = max(float(found[0]) if found else 0.0, 0.0)
    if _grown >= max(1000.0, known / 10):
        _grown = 0
        transaction.on_commit(_analyse)


def _analyse() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TaxiiObject._meta.db_table}")


# --- reading ---------------------------------------------------------------------------------------------


@dataclass
class Page:
    rows: list[TaxiiObject]
    more: bool
    next: str | None


def encode_cursor(row: TaxiiObject) -> str:
    return base64.urlsafe_b64encode(f"{row.date_added.isoformat()}|{row.pk}".encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[datetime.datetime, int] | None:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        when, pk = text.split("|")
        return datetime.datetime.fromisoformat(when), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def readable(actor: User, collection: Collection) -> QuerySet[TaxiiObject]:
    """What the actor may read in the collection: exactly what the policy lets it see."""
    rows = TaxiiObject.objects.filter(collection=collection.key)
    return rows.filter(Q(marking__isnull=True) | Q(marking__in=_visible_markings(actor)))


def _visible_markings(actor: User) -> Any:
    from lockstep.policy.models import Marking

    return Marking.objects.filter(visible_marking_q(actor)).exclude(tlp=TLP.RED).values("pk")


def page(rows: QuerySet[TaxiiObject], limit: int, after: tuple[datetime.datetime, int] | None) -> Page:
    """One page in (date added, row) order: keyset, so its cost does not grow with the collection."""
    rows = rows.order_by("date_added", "pk")
    if after is not None:
        when, pk = after
        rows = rows.filter(Q(date_added__gt=when) | Q(date_added=when, pk__gt=pk))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A page is at most a thousand rows read along an index: starting parallel workers for it cost
            # more than the query (measured: 20 ms a page with them, 10 ms without).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        # A page's rows mostly share a few reports: those are read once each, not joined onto every row.
        reports = Prefetch("report", queryset=Report.objects.select_related("owner", "marking"))
        found = list(rows.select_related("observable", "kept").prefetch_related(reports)[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return Page(found, more, encode_cursor(found[-1]) if more and found else None)


def render(rows: list[TaxiiObject]) -> list[dict[str, Any]]:
    """The STIX objects of these rows, generated from their report where Lockstep wrote them."""
    views: dict[int, stix_export.ReportView] = {}
    out: list[dict[str, Any]] = []
    for row in rows:
        if row.part == "shared" or row.report is None:
            out.append(row.body or {})
            continue
        view = views.get(row.report_id or 0)
        if view is None:
            view = views[row.report.pk] = stix_export.ReportView(row.report)
        if row.part == "handling":
            out.append(view.marking)
        elif row.part == "kept" and row.kept is not None:
            out.append(view.kept_object(row.kept.body))
        elif row.part == "report":
            refs = list(
                TaxiiObject.objects.filter(report=row.report)
                .exclude(part__in=["report", "handling"])
                .values_list("stix_id", flat=True)
            )
            out.append(view.sdo(refs, stix_time(row.version)))
        elif row.observable is not None:
            out += view.observable_objects(row.observable, scos=False)[-1:]
    return out


def media_type(row: TaxiiObject) -> str:
    return f"application/stix+json;version={row.spec_version}"
