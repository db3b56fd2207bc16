"""Audit events for auditors, the General Secretariat and agency administrators."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from lockstep.accounts.actor import actor_of
from lockstep.audit.models import AuditEvent
from lockstep.audit.queries import as_record, filter_events, page_of
from lockstep.errors import PermissionDenied
from lockstep.policy.rules import can

router = Router(tags=["audit"])


class EventsOut(Schema):
    events: list[dict[str, Any]]
    next_before: int | None


@router.get("/events", response=EventsOut, summary="Audit events, newest first, filtered")
def events(
    request: HttpRequest,
    agency: str = "",
    actor: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
    before: int | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> EventsOut:
    user = actor_of(request)
    if not can(user, "audit.read"):
        raise PermissionDenied(
            _("The audit log is for auditors, the General Secretariat and agency administrators.")
        )
    rows = filter_events(
        AuditEvent.objects.visible_to(user),
        agency=agency,
        actor=actor,
        action=action,
        since=since,
        until=until,
        before_seq=before,
    )
    page, next_before = page_of(rows, limit)
    return EventsOut(events=[as_record(event) for event in page], next_before=next_before)
