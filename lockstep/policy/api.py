"""Previewing who will receive a record with a given Marking, before it is released."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from lockstep.accounts.actor import actor_of
from lockstep.directory.api import AgencyOut
from lockstep.directory.models import Agency
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.policy.audience import MarkingSpec, preview_recipients
from lockstep.policy.models import Community, communities_of
from lockstep.policy.rules import is_operational, visible_agencies_q

router = Router(tags=["policy"])


class MarkingIn(Schema):
    tlp: str = "amber"
    audience: str = "owner"
    recipients: list[str] = []
    community: str | None = None
    no_judicial_use: bool = False
    no_onward_dissemination: bool = False
    conditions: str = ""
    source_reliability: str = "F"
    info_credibility: str | int = "6"
    purpose: str = ""
    review_at: datetime.date | None = None


class PreviewOut(Schema):
    count: int = Field(description="How many agencies would receive the record, the caller's own included")
    recipients: list[AgencyOut] = Field(description="Those of them the caller may see in the directory")


@router.post(
    "/preview-recipients",
    response=PreviewOut,
    summary="Which agencies a record with this Marking would reach (the caller's agency owns it)",
)
def preview(request: HttpRequest, payload: MarkingIn) -> PreviewOut:
    actor = actor_of(request)
    if not is_operational(actor):
        raise PermissionDenied()
    codes = [code.upper() for code in payload.recipients]
    recipients = list(Agency.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {agency.code for agency in recipients})
    if unknown:
        raise InvalidInput(_("Unknown agency code."), fields={"recipients": [", ".join(unknown)]})
    community = None
    if payload.community:
        community = communities_of(actor.agency).filter(code=payload.community).first() or (
            Community.objects.filter(code=payload.community, owner=actor.agency).first()
        )
        if community is None:
            raise InvalidInput(_("Unknown community."), fields={"community": [payload.community]})
    payload.info_credibility = str(payload.info_credibility)
    spec = MarkingSpec(
        owner=actor.agency,
        recipients=recipients,
        community=community,
        **payload.dict(exclude={"recipients", "community"}),
    )
    agencies = preview_recipients(spec)
    shown = agencies.filter(visible_agencies_q(actor))
    return PreviewOut(count=agencies.count(), recipients=[AgencyOut.of(agency) for agency in shown])
