"""Flat exports: CSV in the columns ``lockstep intel import`` reads (so an export imports elsewhere as is), and
plain per-type lists (one value per line) for blocking tools, holding only what may leave the agency."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lockstep.directory.models import User
from lockstep.errors import InvalidInput
from lockstep.intel.canonical import all_types
from lockstep.intel.imports import FIELDS
from lockstep.intel.models import Observable, Report, ReportStatus
from lockstep.policy.models import TLP
from lockstep.policy.rules import visible_marking_q

CSV_FIELDS = list(FIELDS)  # the columns `lockstep intel import` reads
# TLP:AMBER+STRICT stays in the recipient's organisation and TLP:RED with named people: neither goes in a list
# that is handed to a blocking tool or a provider.
LIST_TLPS = (TLP.CLEAR, TLP.GREEN, TLP.AMBER)


def check_mapping(mapping: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(mapping) - set(CSV_FIELDS))
    if unknown:
        raise InvalidInput(
            _("Unknown CSV fields %(fields)s; the fields are: %(known)s")
            % {"fields": ", ".join(unknown), "known": ", ".join(CSV_FIELDS)},
            fields={"map": unknown},
        )
    return mapping


def csv_rows(reports: Sequence[Report]) -> Iterator[list[str]]:
    for report in reports:
        marking = report.marking
        for row in report.listed_observables().iterator(chunk_size=5000):
            yield [
                report.reference,
                row.kind,
                row.value,
                row.context,
                row.first_seen.isoformat() if row.first_seen else "",
                row.last_seen.isoformat() if row.last_seen else "",
                report.title,
                report.crime_type,
                report.summary,
                marking.tlp,
                marking.audience,
            ]


def csv_text(rows: Iterable[list[str]], mapping: dict[str, str] | None = None) -> Iterator[str]:
    """CSV lines, the header first; ``mapping`` renames columns (field -> column)."""
    mapping = check_mapping(mapping or {})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([mapping.get(name, name) for name in CSV_FIELDS])
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def list_values(actor: User, kind: str) -> QuerySet[Observable, str]:
    """The distinct values of ``kind`` the actor may see and hand on: active reports, TLP up to AMBER, no
    owner's ban on onward dissemination, nothing a warninglist suppresses (a list entry blocks traffic)."""
    if kind not in all_types():
        raise InvalidInput(
            _("Unknown type %(kind)s; types are: %(types)s")
            % {"kind": kind, "types": ", ".join(all_types())},
            fields={"type": [kind]},
        )
    return (
        Observable.objects.filter(
            visible_marking_q(actor, prefix="marking"),
            kind=kind,
            active=True,
            suppressed="",
            report__status=ReportStatus.ACTIVE,
            marking__tlp__in=LIST_TLPS,
            marking__no_onward_dissemination=False,
        )
        .order_by("value")
        .values_list("value", flat=True)
        .distinct()
    )
