"""Fetch intel objects through the policy: what the actor may not see does not exist (404)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lockstep.directory.models import User
from lockstep.errors import NotFound
from lockstep.intel.models import FollowUp, Hit, Report, ReportStatus
from lockstep.policy.rules import can, is_operational


def reports_for(actor: User) -> QuerySet[Report]:
    """Active reports the actor's Marking rules allow, plus its own agency's (withdrawn included)."""
    if not is_operational(actor):
        return Report.objects.none()
    own = Report.objects.filter(owner=actor.agency).exclude(status=ReportStatus.IMPORTING)
    return (Report.objects.visible_to(actor) | own).select_related("owner", "marking").distinct()


def get_report_for(actor: User, reference: str, *, write: bool = False) -> Report:
    report = reports_for(actor).filter(reference=reference).first()
    if report is None or (write and not can(actor, "marking.change", report.marking)):
        raise NotFound()
    return report


def hits_for(actor: User) -> QuerySet[Hit]:
    """The hits the actor's agency received, on records still active on both sides."""
    if not is_operational(actor):
        return Hit.objects.none()
    return Hit.objects.filter(
        agency=actor.agency, observable__active=True, other__active=True
    ).select_related("observable__report", "other__report", "other__marking", "other_agency")


def get_hit_for(actor: User, pk: int) -> Hit:
    hit = hits_for(actor).filter(pk=pk).first()
    if hit is None:
        raise NotFound()
    return hit


def follow_ups_for(actor: User) -> QuerySet[FollowUp]:
    if not is_operational(actor):
        return FollowUp.objects.none()
    return FollowUp.objects.filter(Q(from_agency=actor.agency) | Q(to_agency=actor.agency)).select_related(
        "hit__other__report", "hit__observable", "from_agency", "to_agency"
    )


def get_follow_up_for(actor: User, pk: int, *, answering: bool = False) -> FollowUp:
    follow_up = follow_ups_for(actor).filter(pk=pk).first()
    if follow_up is None or (answering and follow_up.to_agency_id != actor.agency_id):
        raise NotFound()
    return follow_up
