"""The directory part of the demo scenario: a fictional African regional operation's agencies and users.

Every name below is invented for the demo; e-mail addresses use the reserved `.example` domain.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from lockstep.directory import services
from lockstep.directory.models import Agency, AgencyKind, Channel, ContactPoint, Country, Region, Role, User
from lockstep.policy.models import Community, CommunityKind

DEMO_PASSWORD = "lockstep-demo-2026"  # noqa: S105 - published on purpose: demo nodes only

# 19 participating NCBs in Africa, and a few elsewhere.
AFRICA = [
    "AO",
    "BJ",
    "BF",
    "CM",
    "CI",
    "CD",
    "GA",
    "GH",
    "KE",
    "MU",
    "MZ",
    "NG",
    "RW",
    "SN",
    "ZA",
    "TZ",
    "UG",
    "ZM",
    "ZW",
]
ELSEWHERE = ["FR", "BR", "SG", "AE"]
LANGUAGES = {
    "AO": "pt,en",
    "BJ": "fr,en",
    "BF": "fr",
    "CM": "fr,en",
    "CI": "fr",
    "CD": "fr",
    "GA": "fr",
    "MZ": "pt,en",
    "SN": "fr",
    "FR": "fr,en",
    "BR": "pt,es,en",
    "AE": "ar,en",
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    agency: str
    roles: tuple[str, ...]
    first_name: str
    last_name: str


USERS = [
    DemoUser("ke.officer", "NCB-KE", (Role.OFFICER,), "Amani", "Demo"),
    DemoUser("ke.colleague", "NCB-KE", (Role.OFFICER,), "Baraka", "Demo"),
    DemoUser("ke.analyst", "NCB-KE", (Role.ANALYST,), "Chebet", "Demo"),
    DemoUser("ke.supervisor", "NCB-KE", (Role.SUPERVISOR, Role.OFFICER), "Daudi", "Demo"),
    DemoUser("ke.admin", "NCB-KE", (Role.AGENCY_ADMIN,), "Ebere", "Demo"),
    DemoUser("ke.cyber", "KE-CYBER", (Role.ANALYST, Role.OFFICER), "Faraji", "Demo"),
    DemoUser("ng.officer", "NCB-NG", (Role.OFFICER, Role.ANALYST), "Gozie", "Demo"),
    DemoUser("ng.fiu", "NG-FIU", (Role.ANALYST,), "Halima", "Demo"),
    DemoUser("gh.officer", "NCB-GH", (Role.OFFICER,), "Issah", "Demo"),
    DemoUser("za.coordinator", "NCB-ZA", (Role.COORDINATOR, Role.OFFICER), "Jabu", "Demo"),
    DemoUser("sn.officer", "NCB-SN", (Role.OFFICER,), "Khady", "Demo"),
    DemoUser("fr.officer", "NCB-FR", (Role.OFFICER,), "Léa", "Demo"),
    DemoUser("afripol.coordinator", "AFRIPOL", (Role.COORDINATOR, Role.ANALYST), "Moussa", "Demo"),
    DemoUser("gs.reviewer", "GS", (Role.REVIEWER, Role.ANALYST), "Nadia", "Demo"),
    DemoUser("gs.coordinator", "GS", (Role.COORDINATOR, Role.ANALYST), "Omar", "Demo"),
    DemoUser("gs.admin", "GS", (Role.AGENCY_ADMIN, Role.SUPERVISOR), "Paula", "Demo"),
    DemoUser("oversight.auditor", "GS", (Role.AUDITOR,), "Quentin", "Demo"),
    DemoUser("extr.analyst", "P-EXTR", (Role.ANALYST,), "Rita", "Demo"),
    DemoUser("extr.admin", "P-EXTR", (Role.AGENCY_ADMIN,), "Sami", "Demo"),
    DemoUser("bank.analyst", "P-DEMOBANK", (Role.ANALYST,), "Tariq", "Demo"),
    DemoUser("exchange.analyst", "P-SAMPLEX", (Role.ANALYST,), "Uma", "Demo"),
]

PARTNERS = [
    ("P-EXTR", "Example Threat Research Ltd (demo partner)", "GW-DEMO-001"),
    ("P-DEMOBANK", "Demo Bank plc (demo partner)", "GW-DEMO-002"),
    ("P-SAMPLEX", "Sample Crypto Exchange (demo partner)", "GW-DEMO-003"),
]


def _agency(code: str, name: str, kind: str, country: Country | None = None, **extra: object) -> Agency:
    existing = Agency.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return services.onboard_agency(None, code=code, name=name, kind=kind, country=country, **extra)


def _contact(agency: Agency, country: Country) -> None:
    if ContactPoint.objects.filter(agency=agency).exists():
        return
    handle = agency.code.lower()
    services.save_contact_point(
        None,
        agency,
        {
            "country": country,
            "channel": Channel.EMAIL,
            "address": f"247@{handle}.example",
            "hours": "24/7",
            "languages": LANGUAGES.get(country.code, "en"),
            "notes": "Demo contact point (fictional).",
        },
    )
    services.save_contact_point(
        None,
        agency,
        {
            "country": country,
            "channel": Channel.SECURE_MESSAGING,
            "address": f"lockstep:{agency.code}",
            "hours": "24/7",
            "languages": LANGUAGES.get(country.code, "en"),
            "notes": "",
        },
    )


def all_users() -> list[DemoUser]:
    """The named demo users, plus an officer for every participating NCB that has none."""
    named = {spec.agency for spec in USERS if Role.OFFICER in spec.roles}
    extra = [
        DemoUser(f"{code.lower()}.officer", f"NCB-{code}", (Role.OFFICER,), "Officer", code)
        for code in AFRICA + ELSEWHERE
        if f"NCB-{code}" not in named
    ]
    return USERS + extra


def load_directory() -> list[DemoUser]:
    """Create (once) the scenario's agencies, communities, contact points and users; returns the users."""
    countries = {country.code: country for country in Country.objects.filter(code__in=AFRICA + ELSEWHERE)}
    for code in AFRICA + ELSEWHERE:
        country = countries[code]
        ncb = _agency(f"NCB-{code}", f"NCB {country.name} (demo)", AgencyKind.NCB, country)
        _contact(ncb, country)
    _agency("KE-CYBER", "Kenya National Cybercrime Unit (demo)", AgencyKind.NATIONAL_UNIT, countries["KE"])
    _agency("NG-FIU", "Nigeria Financial Intelligence Unit (demo)", AgencyKind.NATIONAL_UNIT, countries["NG"])
    _agency("AFRIPOL", "AFRIPOL (demo)", AgencyKind.REGIONAL_BODY, region=Region.AFRICA)
    expires = timezone.now().date() + datetime.timedelta(days=365)
    for code, name, reference in PARTNERS:
        _agency(code, name, AgencyKind.PARTNER, agreement_reference=reference, agreement_expires_on=expires)
    gs = Agency.objects.get(kind=AgencyKind.GENERAL_SECRETARIAT)
    Community.objects.get_or_create(
        code="AFRICA",
        defaults={
            "name": "Africa region",
            "kind": CommunityKind.REGION,
            "region": Region.AFRICA,
            "owner": gs,
        },
    )
    for spec in all_users():
        if User.objects.filter(username=spec.username).exists():
            continue
        services.create_user(
            None,
            username=spec.username,
            agency=Agency.objects.get(code=spec.agency),
            roles=spec.roles,
            password=DEMO_PASSWORD,
            email=f"{spec.username}@lockstep.example",
            first_name=spec.first_name,
            last_name=spec.last_name,
        )
    return all_users()
