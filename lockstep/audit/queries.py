"""Filtering audit events (shared by the audit page, the API and `lockstep audit export`)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from lockstep.audit.models import AuditEvent, AuditEventQuerySet
from lockstep.errors import InvalidInput


def _moment(name: str, value: str, *, end: bool) -> datetime.datetime:
    """A bound of a date range: a day (YYYY-MM-DD) covers the whole day; a date-time is taken as given (UTC
    unless it names its offset)."""
    value = value.strip()
    parsed: datetime.datetime | None = None
    try:
        if len(value) == 10:
            day = parse_date(value)
            if day is not None:
                parsed = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min)
        else:
            parsed = parse_datetime(value)
    except ValueError:  # well formed but impossible, e.g. 2026-13-45
        parsed = None
    if parsed is None:
        raise InvalidInput(
            _("Dates are YYYY-MM-DD or ISO 8601 date-times."),
            fields={name: [_("Not a date: %(value)s") % {"value": value[:40]}]},
        )
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, datetime.UTC)


def filter_events(
    events: AuditEventQuerySet,
    *,
    agency: str = "",
    actor: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
    before_seq: int | None = None,
) -> AuditEventQuerySet:
    """Narrow ``events``: agency code, actor user name, action (``auth`` matches ``auth.*``), date range."""
    if agency:
        events = events.filter(agency_code=agency.strip().upper())
    if actor:
        events = events.filter(actor_label__iexact=actor.strip())
    if action:
        action = action.strip()
        events = events.filter(action__startswith=action.rstrip(".") + ".") | events.filter(action=action)
    if since:
        events = events.filter(at__gte=_moment("since", since, end=False))
    if until:
        events = events.filter(at__lte=_moment("until", until, end=True))
    if before_seq is not None:
        events = events.filter(seq__lt=before_seq)
    return events.order_by("-seq")


def page_of(events: AuditEventQuerySet, size: int) -> tuple[list[AuditEvent], int | None]:
    """One page, newest first, and the ``before`` value that fetches the next (older) page, if any."""
    rows = list(events[: size + 1])
    return rows[:size], (rows[size - 1].seq if len(rows) > size else None)


def as_record(event: AuditEvent) -> dict[str, object]:
    """One event as exported: the hashed payload plus its place in the chain."""
    from lockstep.lib.canonjson import normalise

    return {"seq": event.seq, **normalise(event.payload()), "prev_hash": event.prev_hash, "hash": event.hash}


def jsonl_lines(events: AuditEventQuerySet) -> Iterator[str]:
    for event in events.order_by("seq").iterator(chunk_size=2000):
        yield json.dumps(as_record(event), ensure_ascii=False, sort_keys=True) + "\n"
