"""An operation's figures: totals of the current result reports, per country, over time, the share of the
identified infrastructure taken down, and the press sentence that states them."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lockstep.operations.models import (
    COUNTS,
    InfrastructureItem,
    MoneyKind,
    Operation,
    ParticipantRole,
    PhaseKind,
    ResultReport,
    TakedownState,
)

NAMES = [name for name, _label in COUNTS]


def dashboard(operation: Operation) -> dict[str, Any]:
    reports = list(
        ResultReport.objects.filter(operation=operation, current=True)
        .select_related("agency", "agency__country")
        .prefetch_related("money")
        .order_by("agency__code")
    )
    totals = dict.fromkeys(NAMES, 0)
    money = dict.fromkeys(MoneyKind.values, Decimal("0"))
    countries = []
    by_day: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(NAMES, 0))
    for report in reports:
        usd = dict.fromkeys(MoneyKind.values, Decimal("0"))
        for line in report.money.all():
            usd[line.kind] += line.usd
            money[line.kind] += line.usd
        for name in NAMES:
            totals[name] += int(report.counts.get(name, 0))
            by_day[report.reported_at.date().isoformat()][name] += int(report.counts.get(name, 0))
        countries.append(
            {
                "agency": report.agency.code,
                "country": report.agency.country_id or "",
                "country_name": country.name if (country := report.agency.country) else report.agency.name,
                "version": report.version,
                "reported_at": report.reported_at,
                "counts": {name: int(report.counts.get(name, 0)) for name in NAMES},
                "usd": usd,
                "money": [
                    {
                        "kind": line.kind,
                        "amount": line.amount,
                        "currency": line.currency,
                        "usd_rate": line.usd_rate,
                        "rate_date": line.rate_date.isoformat(),
                        "usd": line.usd,
                    }
                    for line in report.money.all()
                ],
            }
        )
    running = dict.fromkeys(NAMES, 0)
    over_time = []
    for day in sorted(by_day):
        for name in NAMES:
            running[name] += by_day[day][name]
        over_time.append({"date": day, **running})
    states = dict.fromkeys(TakedownState.values, 0)
    for row in InfrastructureItem.objects.filter(operation=operation).values("state").annotate(n=Count("id")):
        states[row["state"]] = row["n"]
    takedowns_over_time: list[dict[str, Any]] = []
    running_down = 0
    for closed in (
        InfrastructureItem.objects.filter(operation=operation, state=TakedownState.TAKEN_DOWN)
        .exclude(closed_on=None)
        .values("closed_on")
        .annotate(n=Count("id"))
        .order_by("closed_on")
    ):
        running_down += closed["n"]
        takedowns_over_time.append({"date": str(closed["closed_on"]), "taken_down": running_down})
    identified = sum(states.values())
    taken_down = states[TakedownState.TAKEN_DOWN]
    participating = operation.participants.exclude(role=ParticipantRole.PARTNER).select_related("agency")
    country_codes = {p.agency.country_id for p in participating if p.agency.country_id}
    return {
        "totals": totals,
        "usd": money,
        "countries": countries,
        "over_time": over_time,
        "takedowns_over_time": takedowns_over_time,
        "infrastructure": states,
        "identified": identified,
        "taken_down": taken_down,
        "taken_down_share": (taken_down / identified) if identified else 0.0,
        "participating_countries": len(country_codes),
        "reporting_agencies": len(reports),
    }


def write_csv(figures: dict[str, Any], out: Any) -> int:
    """The per-country results and the totals as CSV rows on ``out`` (the CLI, the API); the rows written."""
    writer = csv.writer(out)
    writer.writerow(["agency", "country", "version", *NAMES, *(f"usd_{kind}" for kind in MoneyKind.values)])
    for row in figures["countries"]:
        writer.writerow(
            [
                row["agency"],
                row["country"],
                row["version"],
                *(row["counts"][n] for n in NAMES),
                *(row["usd"][kind] for kind in MoneyKind.values),
            ]
        )
    writer.writerow(
        [
            "total",
            "",
            "",
            *(figures["totals"][n] for n in NAMES),
            *(figures["usd"][kind] for kind in MoneyKind.values),
        ]
    )
    return len(figures["countries"]) + 1


def _usd(amount: Decimal) -> str:
    if amount >= Decimal("1000000"):
        return _("USD %(amount)s million") % {"amount": f"{amount / Decimal('1000000'):,.1f}"}
    return f"USD {amount:,.0f}"


def press_figures(operation: Operation, figures: dict[str, Any] | None = None) -> str:
    """The totals in a sentence ready for a release, from the data (only the figures that are not zero)."""
    figures = figures or dashboard(operation)
    totals, usd = figures["totals"], figures["usd"]
    phases = {phase.kind: phase for phase in operation.phases.all()}
    span = ""
    if PhaseKind.ACTION in phases:
        action = phases[PhaseKind.ACTION]
        span = _(" (action phase %(start)s to %(end)s)") % {
            "start": action.starts_on.isoformat(),
            "end": action.ends_on.isoformat(),
        }
    parts = []
    plural = [
        ("arrests", lambda n: ngettext("%(n)s arrest", "%(n)s arrests", n)),
        (
            "suspects_identified",
            lambda n: ngettext("%(n)s suspect identified", "%(n)s suspects identified", n),
        ),
        ("victims_identified", lambda n: ngettext("%(n)s victim identified", "%(n)s victims identified", n)),
        ("victims_notified", lambda n: ngettext("%(n)s victim notified", "%(n)s victims notified", n)),
        ("accounts_frozen", lambda n: ngettext("%(n)s account frozen", "%(n)s accounts frozen", n)),
        ("devices_seized", lambda n: ngettext("%(n)s device seized", "%(n)s devices seized", n)),
    ]
    for name, phrase in plural:
        if totals[name]:
            parts.append(phrase(totals[name]) % {"n": f"{totals[name]:,}"})
    if figures["taken_down"]:
        parts.append(
            ngettext(
                "%(n)s malicious infrastructure taken down (%(share)s of those identified)",
                "%(n)s malicious infrastructures taken down (%(share)s of those identified)",
                figures["taken_down"],
            )
            % {"n": f"{figures['taken_down']:,}", "share": f"{figures['taken_down_share']:.0%}"}
        )
    for kind, label in (
        (MoneyKind.SEIZED, _("seized")),
        (MoneyKind.RECOVERED, _("recovered")),
        (MoneyKind.INTERCEPTED, _("intercepted")),
    ):
        if usd[kind]:
            parts.append(_("%(amount)s %(what)s") % {"amount": _usd(usd[kind]), "what": label})
    if usd[MoneyKind.LOSSES]:
        parts.append(_("losses of about %(amount)s traced") % {"amount": _usd(usd[MoneyKind.LOSSES])})
    countries = figures["participating_countries"]
    head = ngettext(
        "Operation %(name)s%(span)s brought together %(n)s country",
        "Operation %(name)s%(span)s brought together %(n)s countries",
        countries,
    ) % {"name": operation.code_name, "span": span, "n": countries}
    if not parts:
        return head + _("; no results have been reported yet.")
    return head + ": " + ", ".join(parts) + "."
