"""Which notices an actor sees: the requesting agency all of its own; General Secretariat reviewers every
request once submitted; every other agency what was published or sent to it, and a tombstone once it is
withdrawn or cancelled. Outside that a notice is not found (404), never forbidden."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from lockstep.directory.models import User
from lockstep.errors import NotFound
from lockstep.intel.canonical import InvalidValue, all_types, canonical, value_key
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


def search_notices(
    actor: User,
    *,
    type: str = "",
    status: str = "",
    kind: str = "",
    country: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    value: str = "",
) -> QuerySet[Notice]:
    """What the actor sees, narrowed: by type, status, kind, the requesting country, the publication date, and
    a value (any type) among the notice's linked observables, matched on its canonical form."""
    rows = notices_for(actor)
    for name, wanted in (("type", type), ("status", status), ("kind", kind)):
        if wanted:
            rows = rows.filter(**{name: wanted})
    if country:
        rows = rows.filter(owner__country_id=country.upper())
    if since:
        rows = rows.filter(published_at__date__gte=since)
    if until:
        rows = rows.filter(published_at__date__lte=until)
    if value.strip():
        keys = [value_key(kind, canonical(kind, value)) for kind in _kinds_of(value)]
        # another agency's match must be a live value: a tombstone does not tell what it held
        live = Q(report__observables__active=True) | Q(owner=actor.agency)
        rows = rows.filter(live, report__observables__value_key__in=keys).distinct()
    return rows


def _kinds_of(value: str) -> list[str]:
    found = []
    for kind in all_types():
        try:
            canonical(kind, value)
        except InvalidValue:
            continue
        found.append(kind)
    return found


def subject_photo(actor: User, reference: str, subject_id: int) -> bytes:
    """The photo of a subject of a notice the actor may see in full; NotFound otherwise (a tombstone too)."""
    notice = get_notice_for(actor, reference)
    if is_tombstone_for(actor, notice):
        raise NotFound()
    photo = notice.subjects.filter(pk=subject_id).values_list("photo", flat=True).first()
    if not photo:
        raise NotFound()
    return bytes(photo)
