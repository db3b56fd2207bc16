"""The public extract: what of a published notice may be shown to anyone, unauthenticated. Red and Yellow
notices only with the requester's consent; INTERPOL-UN Security Council Special Notices always (DOMAIN.md 1.1).
Diffusions and every other type are never public."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lockstep.notices.models import Notice, NoticeKind, NoticeStatus, NoticeType

# the fields of ``details`` an extract may carry, by type: never facts, warrants or anything operational
PUBLIC_DETAILS: dict[str, tuple[str, ...]] = {
    NoticeType.RED: ("charge",),
    NoticeType.YELLOW: ("missing_since",),
    NoticeType.UN_SPECIAL: ("committee", "listing_reference"),
}


def public_notices() -> QuerySet[Notice]:
    consented = Q(type__in=[NoticeType.RED, NoticeType.YELLOW], public_extract=True)
    return (
        Notice.objects.filter(consented | Q(type=NoticeType.UN_SPECIAL))
        .filter(kind=NoticeKind.NOTICE, status=NoticeStatus.PUBLISHED)
        .select_related("owner")
        .prefetch_related("subjects__names")
        .order_by("-published_at", "-pk")
    )


def extract(notice: Notice) -> dict[str, Any]:
    """The notice as the public sees it."""
    return {
        "reference": notice.reference,
        "type": notice.type,
        "title": notice.title,
        "requested_by": notice.owner.country_id or notice.owner.code,
        "published": notice.published_at.date().isoformat() if notice.published_at else None,
        "details": {
            key: notice.details[key] for key in PUBLIC_DETAILS.get(notice.type, ()) if key in notice.details
        },
        "subjects": [
            {
                "names": [name.name for name in subject.names.all()],
                "birth": "-".join(
                    f"{part:02d}" if index else str(part)
                    for index, part in enumerate((subject.birth_year, subject.birth_month, subject.birth_day))
                    if part
                )
                if subject.birth_year
                else None,
                "nationalities": subject.nationalities,
            }
            for subject in notice.subjects.all()
        ],
    }
