"""The intel part of the demo scenario: reports from the participating agencies, tens of thousands of
observables, about 2% of them shared across countries so that hits show on first sign-in.

Every value is fictional: documentation IP ranges (RFC 5737/3849), reserved domain names (RFC 2606/6761),
Ofcom's drama telephone ranges, IBANs at an invented bank code, random wallet addresses.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator

import base58
from django.db import transaction

from lockstep.directory.models import Agency, AgencyKind, User
from lockstep.intel.correlate import correlate
from lockstep.intel.ingest import Submitted, insert_rows, prepare, rows_for
from lockstep.intel.models import Report, Warninglist
from lockstep.intel.signals import report_changed
from lockstep.intel.warninglists import load_index
from lockstep.policy.audience import MarkingSpec
from lockstep.policy.models import Audience
from lockstep.policy.services import create_marking, release

SEED = 20241106
ROLES = {
    "ipv4": "C2 server",
    "ipv6": "C2 server",
    "domain": "phishing domain",
    "url": "phishing page",
    "email": "scammer e-mail",
    "phone": "scammer phone",
    "btc": "ransom wallet",
    "eth": "laundering wallet",
    "iban": "mule account",
    "handle": "scammer account",
    "sha256": "malware sample",
}
CASES = [
    ("Investment scam call centre", "investment_scam"),
    ("Bank phishing wave", "phishing"),
    ("Business e-mail compromise ring", "bec"),
    ("Ransomware affiliate infrastructure", "ransomware"),
    ("Romance scam network", "romance_scam"),
    ("Sextortion accounts", "sextortion"),
    ("Info-stealer campaign", "malware"),
    ("Mule accounts for online fraud", "money_laundering"),
]
DRAMA = [
    "2079460",
    "1134960",
    "1144960",
    "1154960",
    "1164960",
    "1174960",
    "1184960",
    "1214960",
    "1314960",
    "1414960",
    "1514960",
    "1614960",
    "1914980",
]


def _values(rng: random.Random) -> Iterator[tuple[str, str]]:
    """An endless stream of fictional values of mixed types."""
    number = 0
    while True:
        number += 1
        # IPv4 documentation space holds only 762 addresses: keep it rare so that overlaps stay about 2%.
        kind = (
            "ipv4"
            if rng.random() < 0.02
            else rng.choice(
                [
                    "domain",
                    "domain",
                    "url",
                    "email",
                    "phone",
                    "btc",
                    "eth",
                    "iban",
                    "handle",
                    "sha256",
                    "ipv6",
                    "ipv6",
                ]
            )
        )
        word = rng.choice(
            ["secure", "login", "wallet", "verify", "bank", "invest", "crypto", "update", "support"]
        )
        if kind == "ipv4":
            net = rng.choice(["192.0.2", "198.51.100", "203.0.113"])
            yield kind, f"{net}.{rng.randint(1, 254)}"
        elif kind == "ipv6":
            yield kind, f"2001:db8:{rng.randint(0, 0xFFFF):x}::{rng.randint(1, 0xFFFF):x}"
        elif kind == "domain":
            yield kind, f"{word}-{number}.{rng.choice(['example.com', 'example.net', 'example.org', 'test'])}"
        elif kind == "url":
            yield kind, f"https://{word}-{number}.example.net/{rng.choice(['login', 'pay', 'kyc', 'claim'])}"
        elif kind == "email":
            yield kind, f"{word}.{number}@example.org"
        elif kind == "phone":
            yield kind, f"+44{rng.choice(DRAMA)}{rng.randint(0, 999):03d}"
        elif kind == "btc":
            yield kind, base58.b58encode_check(b"\x00" + rng.randbytes(20)).decode()
        elif kind == "eth":
            yield kind, "0x" + rng.randbytes(20).hex()
        elif kind == "iban":
            bban = f"DEMO{rng.randint(0, 999999):06d}{rng.randint(0, 99999999):08d}"
            check = 98 - int("".join(str(int(c, 36)) for c in bban + "GB00")) % 97
            yield kind, f"GB{check:02d}{bban}"
        elif kind == "handle":
            yield kind, f"telegram:{word}_{number}"
        else:
            yield kind, hashlib.sha256(f"demo-{number}".encode()).hexdigest()


def load_intel(per_report: int = 700) -> tuple[int, int]:
    """Create (once) the demo reports; returns (observables stored, hits)."""
    if Report.objects.filter(external_ref__startswith="DEMO-").exists():
        return 0, 0
    Warninglist.objects.filter(name="documentation").update(enabled=False)
    rng = random.Random(SEED)
    stream = _values(rng)
    shared = [next(stream) for _ in range(900)]  # the values several countries will hold
    agencies = list(Agency.objects.exclude(kind=AgencyKind.GENERAL_SECRETARIAT).order_by("code"))
    warn = load_index()
    stored, report_ids = 0, []
    with transaction.atomic():
        for agency in agencies:
            author = User.objects.filter(agency=agency, role_grants__role__in=["officer", "analyst"]).first()
            if author is None:
                continue
            for number in range(2 if agency.kind == AgencyKind.NCB else 1):
                title, crime = CASES[rng.randrange(len(CASES))]
                values = [next(stream) for _ in range(per_report)]
                values += rng.sample(shared, 15)  # ~2% shared
                audience = (
                    Audience.EVERYONE
                    if agency.is_partner
                    else rng.choice([Audience.MEMBERS, Audience.MEMBERS, Audience.MEMBERS, Audience.OWNER])
                )
                tlp = "clear" if agency.is_partner else ("amber" if audience == Audience.OWNER else "green")
                marking = create_marking(
                    author,
                    MarkingSpec(
                        owner=agency, tlp=tlp, audience=audience, source_reliability="B", info_credibility="2"
                    ),
                )
                report = Report.objects.create(
                    reference=f"tmp-{agency.code}-{number}",
                    owner=agency,
                    marking=marking,
                    title=title,
                    crime_type=crime,
                    external_ref=f"DEMO-{agency.code}-{number + 1}",
                    created_by=author,
                    summary=f"Demo case of {agency.name}: {title.lower()} (fictional).",
                )
                report.reference = f"{agency.code}-{report.created_at:%Y}-{report.pk:06d}"
                report.save(update_fields=["reference"])
                prepared, _rejected = prepare(
                    [Submitted(kind, value, ROLES.get(kind, "")) for kind, value in values],
                    country=agency.country_id,
                    warn=warn,
                )
                stored += insert_rows(rows_for(report.pk, agency.pk, marking.pk, prepared))
                release(author, marking, report)
                report_ids.append(report.pk)
                report_changed.send(Report, report=report)
        _common, hits = correlate(report_ids)
    return stored, hits
