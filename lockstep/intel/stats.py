"""Counts of what was not correlated, so suppressed matches stay visible."""

from __future__ import annotations

from dataclasses import dataclass

from lockstep.intel.models import CommonValue, Observable, Report


@dataclass
class Uncorrelated:
    suppressed: int  # values on a warninglist
    suppressed_elsewhere: int  # ... that other agencies hold too (matches the lists suppressed)
    too_common: int  # values held by more agencies than the fan-out limit


def uncorrelated(report: Report) -> Uncorrelated:
    own = Observable.objects.filter(report=report)
    suppressed = own.exclude(suppressed="")
    elsewhere = (
        Observable.objects.filter(value_key__in=suppressed.values("value_key"), active=True)
        .exclude(owner=report.owner_id)
        .values("value_key")
        .distinct()
        .count()
    )
    common = CommonValue.objects.filter(value_key__in=own.values("value_key")).count()
    return Uncorrelated(suppressed.count(), elsewhere, common)
