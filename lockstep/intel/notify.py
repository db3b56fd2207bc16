"""Telling agencies about hits: the submitter that its reports matched, the owners of the matched records by
which agency."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_noop

from lockstep.alerts.services import notify_agency
from lockstep.directory.models import Agency
from lockstep.intel.models import Hit, HitState, Report


def notify_hits(reports: Sequence[Report]) -> None:
    """Only agencies that actually received a hit are told. One report: notices about that report; several
    (an import): one notice to the submitter and one to each agency whose records matched."""
    if not reports:
        return
    owner = reports[0].owner
    ids = [report.pk for report in reports]
    single = len(reports) == 1
    params = (
        {"reference": reports[0].reference, "agency": owner.code}
        if single
        else {"count": str(len(reports)), "agency": owner.code}
    )
    target = reports[0] if single else None
    if Hit.objects.filter(observable__report__in=ids).exists():
        notify_agency(
            owner,
            "hit",
            gettext_noop("Report %(reference)s matched records of other agencies.")
            if single
            else gettext_noop("Reports you imported (%(count)s) matched records of other agencies."),
            params,
            target=target,
        )
    receivers = Hit.objects.filter(other__report__in=ids, state=HitState.NEW).values("agency")
    for agency in Agency.objects.filter(pk__in=receivers):
        notify_agency(
            agency,
            "hit",
            gettext_noop("Your records matched report %(reference)s of %(agency)s.")
            if single
            else gettext_noop("Your records matched reports %(agency)s imported."),
            params,
            target=target,
        )
