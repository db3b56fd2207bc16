"""Figures of the notice workflow: requests and publications per type and year, refusals and cancellations by
ground, and the median time from entering the GS queue to the decision."""

from __future__ import annotations

import statistics
from typing import Any

from django.db.models import Count, F
from django.db.models.functions import ExtractYear

from lockstep.directory.models import User
from lockstep.errors import PermissionDenied
from lockstep.notices.models import Notice, NoticeKind, Review
from lockstep.notices.services import is_reviewer


def notice_statistics(actor: User) -> dict[str, Any]:
    """For GS reviewers: counts over every agency's requests (figures, not contents)."""
    if not is_reviewer(actor):
        raise PermissionDenied()
    by_type = (
        Notice.objects.filter(kind=NoticeKind.NOTICE, submitted_at__isnull=False)
        .annotate(year=ExtractYear("submitted_at"))
        .values("year", "type")
        .annotate(requested=Count("pk"))
        .order_by("year", "type")
    )
    published = {
        (year, kind): count
        for year, kind, count in Notice.objects.filter(kind=NoticeKind.NOTICE, published_at__isnull=False)
        .annotate(year=ExtractYear("published_at"))
        .values("year", "type")
        .annotate(count=Count("pk"))
        .values_list("year", "type", "count")
        .order_by()
    }
    grounds = dict(
        Review.objects.filter(decision__in=["refuse", "cancel"])
        .values_list("ground")
        .annotate(count=Count("pk"))
        .order_by()
    )
    decided = Review.objects.filter(decision__in=["publish", "refuse"], notice__submitted_at__isnull=False)
    hours = [
        (when - submitted).total_seconds() / 3600
        for when, submitted in decided.annotate(submitted=F("notice__submitted_at")).values_list(
            "created_at", "submitted"
        )
    ]
    return {
        "per_type_and_year": [
            {**row, "published": published.get((row["year"], row["type"]), 0)} for row in by_type
        ],
        "refusals_and_cancellations_by_ground": grounds,
        "decisions": len(hours),
        "median_review_hours": round(statistics.median(hours), 1) if hours else None,
        "decided_within_24_hours": sum(1 for value in hours if value <= 24),
    }
