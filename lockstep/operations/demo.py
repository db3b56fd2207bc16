"""The demo's operation: "Savanna", led by the GS and co-led by AFRIPOL, with the 19 African NCBs and the three
partners; phases around today; targets linked to the demo intel and notices, with tasks; a report shared with
the participants; about 30,000 infrastructure items taken through their takedown states week by week; the
results of every NCB, with money lines in local currencies and one correction. Everything is fictional.

It goes through the services (so the audit log holds what a real operation would), with one shortcut: the
dates a result report was made are set back into the action phase, so that "over time" has a shape."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from lockstep.directory.demo import AFRICA
from lockstep.directory.models import Agency, AgencyKind, User
from lockstep.intel.ingest import Submitted
from lockstep.intel.models import Observable
from lockstep.intel.services import submit_report
from lockstep.notices.models import Notice
from lockstep.operations import services
from lockstep.operations.models import InfrastructureItem, Operation, ResultReport, TakedownState
from lockstep.policy.audience import MarkingSpec
from lockstep.policy.models import TLP, Audience

SEED = 20240902
CODE_NAME = "Savanna"
ITEMS = 30_000
# fictional rates: USD for one unit, as an NCB would state them with their date
CURRENCIES = {
    "AO": ("AOA", "0.0011"), "BJ": ("XOF", "0.0016"), "BF": ("XOF", "0.0016"), "CM": ("XAF", "0.0016"),
    "CI": ("XOF", "0.0016"), "CD": ("CDF", "0.00035"), "GA": ("XAF", "0.0016"), "GH": ("GHS", "0.065"),
    "KE": ("KES", "0.0077"), "MU": ("MUR", "0.021"), "MZ": ("MZN", "0.0156"), "NG": ("NGN", "0.00065"),
    "RW": ("RWF", "0.00075"), "SN": ("XOF", "0.0016"), "ZA": ("ZAR", "0.054"), "TZ": ("TZS", "0.00037"),
    "UG": ("UGX", "0.00027"), "ZM": ("ZMW", "0.037"), "ZW": ("USD", "1"),
}  # fmt: skip
PROVIDERS = ["Demo Hosting SA", "Example Cloud Ltd", "Sample VPS GmbH", "Fictional Telecom", "Test Networks"]


def _officer(code: str) -> User | None:
    """An operational user of the agency: an officer, else an analyst."""
    for role in ("officer", "analyst"):
        found = User.objects.filter(agency__code=code, role_grants__role=role, is_active=True).order_by(
            "username"
        )
        if found.exists():
            return found.first()
    return None


def _items(rng: random.Random, agency_index: int, count: int) -> list[dict[str, str]]:
    rows = []
    for n in range(count):
        number = agency_index * 100_000 + n
        roll = rng.random()
        if roll < 0.45:
            kind, value = "domain", f"pay-{number}.scam-demo-{number % 97}.example"
        elif roll < 0.75:
            kind, value = "url", f"https://login-{number % 991}.phish-demo.example/{number}"
        elif roll < 0.80:
            kind, value = (
                "ip",
                f"{rng.choice(['192.0.2', '198.51.100', '203.0.113'])}.{rng.randrange(1, 255)}",
            )
        elif roll < 0.88:
            kind, value = "phone", f"+44 20 7946 0{rng.randrange(0, 1000):03d}"
        elif roll < 0.95:
            kind, value = "account", f"DEMO-ACCT-{number:07d}"
        else:
            kind, value = "server", f"srv-{number}.bulletproof-demo.example"
        rows.append(
            {
                "kind": kind,
                "value": value,
                "provider": rng.choice(PROVIDERS),
                "asn": str(64496 + rng.randrange(0, 15)),
                "country": AFRICA[rng.randrange(len(AFRICA))],
                "evidence_ref": f"SAV-{number:07d}",
            }
        )
    return rows


def _takedowns(
    coordinator: User, operation: Operation, rng: random.Random, start: datetime.date, today: datetime.date
) -> None:
    """Each week of the action phase, a share of the items is requested, then (a week later) closed."""
    ids = list(
        InfrastructureItem.objects.filter(operation=operation).order_by("pk").values_list("pk", flat=True)
    )
    rng.shuffle(ids)
    weeks = max(1, min(8, (today - start).days // 7))
    fates = [TakedownState.TAKEN_DOWN] * 70 + [TakedownState.REFUSED] * 6 + [TakedownState.NO_RESPONSE] * 8
    fates += [TakedownState.REQUESTED] * 6 + [TakedownState.IDENTIFIED] * 10
    groups: dict[tuple[int, str], list[int]] = {}
    for pk in ids:
        chance = rng.choice(fates)
        if chance != TakedownState.IDENTIFIED:
            groups.setdefault((rng.randrange(weeks), str(chance)), []).append(pk)
    for (week, fate), chosen in sorted(groups.items()):
        requested_on = start + datetime.timedelta(days=7 * week)
        for begin in range(0, len(chosen), 900):
            part = InfrastructureItem.objects.filter(pk__in=chosen[begin : begin + 900])
            services.change_state(coordinator, operation, part, TakedownState.REQUESTED, on=requested_on)
            if fate != TakedownState.REQUESTED:
                closed_on = min(today, requested_on + datetime.timedelta(days=rng.randrange(2, 10)))
                evidence = f"Takedown ticket week {week + 1}"
                services.change_state(coordinator, operation, part, fate, evidence_ref=evidence, on=closed_on)


def _results(operation: Operation, rng: random.Random, start: datetime.date, end: datetime.date) -> None:
    for n, code in enumerate(AFRICA):
        officer = _officer(f"NCB-{code}")
        if officer is None:
            continue
        big = code in ("NG", "KE", "ZA", "GH", "CI")
        counts = {
            "arrests": rng.randrange(60, 160) if big else rng.randrange(5, 60),
            "suspects_identified": rng.randrange(80, 300) if big else rng.randrange(10, 90),
            "victims_identified": rng.randrange(1_000, 4_000) if big else rng.randrange(100, 1_500),
            "victims_notified": rng.randrange(500, 2_000) if big else rng.randrange(50, 700),
            "devices_seized": rng.randrange(50, 400) if big else rng.randrange(3, 80),
            "accounts_frozen": rng.randrange(100, 900) if big else rng.randrange(5, 120),
            "infrastructures_taken_down": InfrastructureItem.objects.filter(
                operation=operation, agency=officer.agency, state=TakedownState.TAKEN_DOWN
            ).count(),
            "notices_requested": rng.randrange(0, 6),
            "diffusions_requested": rng.randrange(0, 12),
            "analytical_reports": rng.randrange(0, 4),
            "new_modus_operandi": rng.randrange(0, 2),
        }
        currency, rate = CURRENCIES[code]
        rate_date = end
        unit = Decimal("1") / Decimal(rate)
        money = [
            services.Money("seized", (Decimal(rng.randrange(20_000, 400_000)) * unit).quantize(Decimal("1")),
                           currency, Decimal(rate), rate_date),
            services.Money("losses", (Decimal(rng.randrange(500_000, 15_000_000)) * unit).quantize(Decimal("1")),
                           currency, Decimal(rate), rate_date),
        ]  # fmt: skip
        if big:
            money.append(
                services.Money(
                    "intercepted", Decimal(rng.randrange(10_000, 250_000)), "USD", Decimal("1"), rate_date
                )
            )
        report = services.report_results(officer, operation, counts=counts, money=money, note="Demo figures.")
        day = start + datetime.timedelta(days=(n * 3) % max(1, (end - start).days))
        ResultReport.objects.filter(pk=report.pk).update(
            reported_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        )
        if code == "KE":  # a correction, audited figure by figure
            services.report_results(
                officer,
                operation,
                counts={**counts, "arrests": counts["arrests"] + 4},
                money=money,
                note="Demo figures.",
                correction_reason="Four arrests in Mombasa confirmed after the first report.",
            )


def _targets(coordinator: User, operation: Operation) -> int:
    def pick(kind: str, count: int) -> list[tuple[str, str]]:
        """Values of the kind that several NCBs hold: the target links what the countries have in common."""
        common = (
            Observable.objects.filter(kind=kind, report__owner__kind=AgencyKind.NCB)
            .values("value")
            .annotate(holders=Count("report__owner", distinct=True))
            .filter(holders__gte=2)
            .order_by("value")
        )
        return [(kind, row["value"]) for row in common[:count]]

    def reports_with(values: list[tuple[str, str]]) -> list[str]:
        held = Observable.objects.filter(
            value__in=[value for _kind, value in values], report__marking__audience=Audience.MEMBERS
        )
        return sorted(set(held.values_list("report__reference", flat=True)))[:3]

    purple = Notice.objects.filter(title="USDT token approval scam (demo)").first()
    blue = Notice.objects.filter(title="Identity of a money-mule recruiter (demo)").first()
    today = timezone.localdate()
    plans = [
        (
            "group", "USDT approval scam crew (demo)", "NCB-KE",
            [("handle", "telegram:usdt_support_desk"), ("domain", "usdt-approve-demo.example")],
            [purple] if purple else [],
            [("NCB-KE", "Ask the platform for the desk's subscriber data", -12, True),
             ("NCB-NG", "Identify who operates the draining contract's wallets", 5, False)],
        ),
        (
            "suspect", "Money-mule recruiter (demo)", "NCB-NG", pick("iban", 2), [blue] if blue else [],
            [("NCB-NG", "Search the recruiter's known address", -3, False),
             ("NCB-GH", "Check the mule accounts opened in Accra", 9, False)],
        ),
        (
            "infrastructure", "Phishing-kit hosting cluster (demo)", "NCB-ZA", pick("domain", 3) + pick("ipv4", 2),
            [], [("NCB-ZA", "Serve the takedown requests on the hosting providers", -20, True),
                 ("P-EXTR", "Map the kit's other domains", 2, False)],
        ),
        (
            "group", "Business e-mail compromise ring (demo)", "NCB-GH", pick("handle", 2), [],
            [("NCB-GH", "Interview the two victims' finance officers", 14, False)],
        ),
    ]  # fmt: skip
    for kind, name, agency, values, notices, tasks in plans:
        target = services.add_target(
            coordinator,
            operation,
            kind=kind,
            name=name,
            description="Fictional target of the demo operation.",
            allocated_to=Agency.objects.get(code=agency),
            values=values,
            reports=reports_with(values),
            notices=[notice.reference for notice in notices],
        )
        for code, text, due_in, done in tasks:
            task = services.add_task(
                coordinator,
                target,
                Agency.objects.get(code=code),
                text,
                today + datetime.timedelta(days=due_in),
            )
            if done:
                services.complete_task(_officer(code) or coordinator, task)
    return len(plans)


def load_operation(items: int = ITEMS) -> int:
    """Create (once) the demo operation; returns how many infrastructure items it holds (0 when it exists)."""
    if Operation.objects.filter(code_name=CODE_NAME).exists():
        return 0
    coordinator = User.objects.get(username="gs.coordinator")
    rng = random.Random(SEED)
    today = timezone.localdate()
    preparation = today - datetime.timedelta(days=90)
    action = today - datetime.timedelta(days=60)
    action_end = today - datetime.timedelta(days=8)
    ncbs = list(Agency.objects.filter(code__in=[f"NCB-{code}" for code in AFRICA]).order_by("code"))
    partners = list(Agency.objects.filter(kind=AgencyKind.PARTNER).order_by("code"))
    with transaction.atomic():
        operation = services.launch_operation(
            coordinator,
            code_name=CODE_NAME,
            objectives="Identify and dismantle the infrastructure of online scams, ransomware and business "
            "e-mail compromise targeting the region; arrest the organisers; trace and intercept the money "
            "(demo).",
            crime_focus="online scams, ransomware, BEC",
            co_leads=list(Agency.objects.filter(code="AFRIPOL")),
            participants=ncbs,
            partners=partners,
            phases=[
                services.PhaseSpec("preparation", preparation, action - datetime.timedelta(days=1)),
                services.PhaseSpec("action", action, action_end),
                services.PhaseSpec(
                    "follow_up", action_end + datetime.timedelta(days=1), today + datetime.timedelta(days=30)
                ),
            ],
        )
        services.set_status(coordinator, operation, "follow_up")
        analyst = User.objects.get(username="ke.analyst")
        submit_report(
            analyst,
            title="Savanna target package: USDT approval scam (demo)",
            crime_type="investment_scam",
            marking=MarkingSpec(
                owner=analyst.agency,
                tlp=TLP.AMBER,
                audience=Audience.COMMUNITY,
                community=operation.community,
            ),
            observables=[
                Submitted("handle", "telegram:usdt_support_desk", "fake support desk"),
                Submitted("domain", "usdt-approve-demo.example", "fake wallet site"),
            ],
            summary="What NCB-KE knows of the crew, for the participants of operation Savanna only.",
            external_ref="DEMO-SAVANNA-1",
        )
        _targets(coordinator, operation)
    importers = [*ncbs, *partners]
    share = items // len(importers)
    for index, agency in enumerate(importers):
        importer = _officer(agency.code)
        if importer is None:
            continue
        count = share if index < len(importers) - 1 else items - share * index
        services.import_infrastructure(importer, operation, _items(rng, index, count))
    # identified while the action was prepared (the import stamps today)
    InfrastructureItem.objects.filter(operation=operation).update(
        identified_on=action - datetime.timedelta(days=7)
    )
    with transaction.atomic():
        _takedowns(coordinator, operation, rng, action, action_end)
        _results(operation, rng, action, action_end)
    return InfrastructureItem.objects.filter(operation=operation).count()
