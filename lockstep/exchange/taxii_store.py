"""The TAXII collections' contents: kept in step with each report (``refresh``, on every change intel signals),
read a page at a time in (date added, row) order, rendered from the report when read."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
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
    _stamp(collection, rows, now)
    TaxiiObject.objects.bulk_create(rows)


def _stamp(collection: str, rows: list[TaxiiObject], now: datetime.datetime) -> None:
    """Each new row its own date added, one microsecond apart and after every earlier one in the collection,
    so that a client polling with ``added_after`` (the last date added it saw) misses nothing."""
    latest = TaxiiObject.objects.filter(collection=collection).order_by("-date_added").first()
    start = max(now, latest.date_added + STEP) if latest else now
    for index, row in enumerate(rows):
        row.date_added = start + index * STEP


def taxii_time(when: datetime.datetime) -> str:
    """A TAXII timestamp with microseconds (date added values are a microsecond apart)."""
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def refresh(report: Report) -> None:
    """Make the report's rows what it is now: gone when withdrawn or TLP:RED, otherwise its SDO (a new
    version at each change), its handling marking, one indicator (or vulnerability) per value, its kept
    objects. Unchanged objects keep their date added."""
    with transaction.atomic():
        rows = TaxiiObject.objects.filter(report=report)
        marking = report.marking
        if report.status != ReportStatus.ACTIVE or marking.tlp == TLP.RED:
            rows.delete()
            return
        now = timezone.now()
        collection = key_for(marking)
        view = stix_export.ReportView(report)
        wanted: dict[tuple[str, str], TaxiiObject] = {}

        def want(part: str, stix_id: str, stix_type: str, version: datetime.datetime, **links: Any) -> None:
            wanted[(stix_id, part)] = TaxiiObject(
                collection=collection,
                report=report,
                marking=marking,
                part=part,
                stix_id=stix_id,
                stix_type=stix_type,
                version=version.replace(microsecond=version.microsecond // 1000 * 1000),  # as rendered
                date_added=now,
                **links,
            )

        want("handling", view.marking["id"], "marking-definition", marking.created_at)
        for observable in report.listed_observables():
            for obj in view.observable_objects(observable, scos=False):
                want(obj["type"], obj["id"], obj["type"], report.created_at, observable=observable)
        for kept in report.stix_objects.all():
            if kept.stix_id != view.stix_id:
                when = parse_time(kept.body.get("modified") or kept.body.get("created")) or report.created_at
                want("kept", kept.stix_id, kept.stix_type, when, kept=kept)
        want("report", view.stix_id, "report", now)
        existing = {(row.stix_id, row.part): row for row in rows.exclude(part="report")}
        stale = [
            row.pk
            for key, row in existing.items()
            if key not in wanted or wanted[key].version != row.version or row.collection != collection
        ]
        TaxiiObject.objects.filter(Q(pk__in=stale) | Q(report=report, part="report")).delete()
        keep = {key for key, row in existing.items() if row.pk not in stale}
        fresh = [row for key, row in wanted.items() if key not in keep]
        _stamp(collection, fresh, now)
        TaxiiObject.objects.bulk_create(fresh, batch_size=5000)
        shared = [
            stix_export.agency_identity(report.owner),
            tlp.marking_definition(marking.tlp),
            stix_export.extension_definition(),
            stix_export.project_identity(),
        ]
        _shared(collection, shared, now)


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
    found = list(rows.select_related("report__owner", "report__marking", "observable", "kept")[: limit + 1])
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
