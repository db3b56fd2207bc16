"""Which notices an actor sees: the requesting agency all of its own; General Secretariat reviewers every
request once submitted; every other agency what was published or sent to it, and a tombstone once it is
withdrawn or cancelled. Outside that a notice is not found (404), never forbidden."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lockstep.directory.models import User
from lockstep.errors import NotFound
from lockstep.notices.models import Notice, NoticeStatus
from lockstep.notices.services import is_reviewer
from lockstep.policy.rules import is_operational, visible_marking_q

SHOWN = [NoticeStatus.PUBLISHED, NoticeStatus.SENT, NoticeStatus.CHECKED]
TOMBSTONES = [NoticeStatus.WITHDRAWN, NoticeStatus.CANCELLED, NoticeStatus.EXPIRED]


def notices_for(actor: User) -> QuerySet[Notice]:
    if not is_operational(actor):
        return Notice.objects.none()
    seen = Q(status__in=SHOWN) | Q(status__in=TOMBSTONES, published_at__isnull=False)
    visible = Q(owner=actor.agency) | (seen & visible_marking_q(actor, prefix="marking"))
    if is_reviewer(actor):
        visible |= ~Q(status__in=[NoticeStatus.DRAFT, NoticeStatus.AWAITING_APPROVAL])
    return Notice.objects.filter(visible).select_related("owner", "marking")


def get_notice_for(actor: User, reference: str) -> Notice:
    notice = notices_for(actor).filter(reference=reference).first()
    if notice is None:
        raise NotFound()
    return notice


def is_tombstone_for(actor: User, notice: Notice) -> bool:
    """What a recipient keeps of a notice withdrawn or cancelled: its reference, type and reason category."""
    return notice.status in TOMBSTONES and notice.owner_id != actor.agency_id and not is_reviewer(actor)
