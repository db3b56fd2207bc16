"""Storing a Marking and recording to whom a record was released."""

from __future__ import annotations

from django.db import models, transaction

from lockstep.audit.services import record
from lockstep.directory.models import User
from lockstep.errors import PermissionDenied
from lockstep.policy.audience import MarkingSpec, check_marking, resolve_marking
from lockstep.policy.models import Marking
from lockstep.policy.rules import is_operational


def create_marking(actor: User, spec: MarkingSpec) -> Marking:
    """Check and store a Marking owned by the actor's agency (called by the service that shares a record)."""
    if not is_operational(actor) or spec.owner.pk != actor.agency_id:
        raise PermissionDenied()
    check_marking(spec)
    marking = Marking.objects.create(
        owner=spec.owner,
        tlp=spec.tlp,
        audience=spec.audience,
        community=spec.community,
        no_judicial_use=spec.no_judicial_use,
        no_onward_dissemination=spec.no_onward_dissemination,
        conditions=spec.conditions,
        source_reliability=spec.source_reliability,
        info_credibility=spec.info_credibility,
        purpose=spec.purpose,
        review_at=spec.review_at,
    )
    marking.recipients.set(spec.recipients)
    return marking


def release(actor: User, marking: Marking, target: models.Model) -> list[str]:
    """Record, in the audit log, the concrete agencies ``target`` is released to; returns their codes."""
    with transaction.atomic():
        codes = list(resolve_marking(marking).values_list("code", flat=True))
        record(
            actor, "marking.released", target, tlp=marking.tlp, audience=marking.audience, recipients=codes
        )
    return codes
