"""'Has anyone seen this?': look values up under the hit / no-hit rules; every lookup is audited."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lockstep.alerts.services import notify_agency
from lockstep.audit.services import record
from lockstep.directory.models import User
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.intel import wallets
from lockstep.intel.canonical import InvalidValue, canonical, refang, value_key
from lockstep.intel.models import CommonValue, Observable, ReportStatus
from lockstep.intel.warninglists import load_index
from lockstep.policy.models import Audience, Marking
from lockstep.policy.rules import is_operational


@dataclass
class Match:
    """One record holding the value. ``visible``: the caller may read the record; otherwise only the owning
    agency, the reference and the handling are disclosed."""

    agency: str
    reference: str
    tlp: str
    visible: bool
    report_id: int | None = None
    title: str = ""
    context: str = ""


@dataclass
class Answer:
    query: str
    kind: str = ""
    value: str = ""
    error: str = ""
    warninglist: str = ""
    too_common: int = 0
    matches: list[Match] = field(default_factory=list)


SHAPES: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"^[a-z][a-z0-9+.-]*://", re.I), ("url",)),
    (re.compile(r"^[^@\s]+@[^@\s]+$"), ("email",)),
    (re.compile(r"^\d{1,3}(\.\d{1,3}){3}$"), ("ipv4",)),
    (re.compile(r"^[\d.]+/\d{1,2}$|^[0-9a-f:]+/\d{1,3}$", re.I), ("cidr",)),
    (re.compile(r"^\[?[0-9a-f:]*:[0-9a-f:]*:[0-9a-f:.]*\]?$", re.I), ("ipv6",)),
    (re.compile(r"^[0-9a-f]{32}$|^[0-9a-f]{40}$|^[0-9a-f]{64}$", re.I), ("md5", "sha1", "sha256")),
    (re.compile(r"^0x[0-9a-f]{40}$", re.I), ("eth",)),
    (re.compile(r"^cve[-_ ]\d{4}", re.I), ("cve",)),
    (re.compile(r"^\d+:[A-Za-z0-9/+]+:[A-Za-z0-9/+]+"), ("ssdeep",)),
    (re.compile(r"^[a-z]+:\S+$", re.I), ("handle",)),
    (re.compile(r"^\+[\d\s().-]{7,}$"), ("phone",)),
    (re.compile(r"^[\d\s-]{15,19}$"), ("imei",)),
    (re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9 ]{10,40}$", re.I), ("iban",)),
    (re.compile(r"^(bc1|[13])[a-km-zA-HJ-NP-Z0-9]{25,90}$", re.I), ("btc",)),
    (re.compile(r"^T[1-9A-HJ-NP-Za-km-z]{33}$"), ("trx",)),
    (re.compile(r"^[48][1-9A-HJ-NP-Za-km-z]{94}([1-9A-HJ-NP-Za-km-z]{11})?$"), ("xmr",)),
    (re.compile(r"^AS\s?\d{1,10}$", re.I), ("asn",)),
    (re.compile(r"^[A-Z]{2}[:/|][A-Z0-9 .-]{1,20}[:/|][A-Z0-9 .-]{4,40}$", re.I), ("bank_account",)),
    (re.compile(r"^\(?0[\d\s().-]{6,16}$"), ("phone",)),  # a national number: the caller's country
]


def guess_kind(raw: str, country: str | None) -> tuple[str, str]:
    """The type the value's shape points to (then a domain), and its canonical value."""
    text = refang(raw.strip())
    kinds = [kind for pattern, options in SHAPES if pattern.search(text) for kind in options]
    kinds += [*wallets.chains(), "domain"]  # other chains are told apart by their own patterns
    for kind in kinds:
        try:
            return kind, canonical(kind, text, country=country)
        except InvalidValue:
            continue
    raise InvalidValue(_("not recognised as any observable type; choose the type"))


def lookup(actor: User, queries: Sequence[tuple[str | None, str]]) -> list[Answer]:
    """Look up (type or None, raw value) pairs; answers in the same order."""
    if not is_operational(actor):
        raise PermissionDenied()
    if not queries:
        raise InvalidInput(_("Give at least one value."), fields={"values": [_("Required.")]})
    if len(queries) > settings.LOCKSTEP_LOOKUP_MAX:
        raise InvalidInput(
            _("At most %(max)d values per lookup.") % {"max": settings.LOCKSTEP_LOOKUP_MAX},
            fields={"values": [_("Too many.")]},
        )
    country = actor.agency.country_id
    warn = load_index()
    answers: list[Answer] = []
    keys: dict[int, list[Answer]] = {}
    for kind, raw in queries:
        answer = Answer(query=str(raw)[:300])
        try:
            if kind:
                answer.kind, answer.value = kind, canonical(kind, raw, country=country)
            else:
                answer.kind, answer.value = guess_kind(raw, country)
        except InvalidValue as exc:
            answer.error = str(exc)
        else:
            answer.warninglist = warn.reason(answer.kind, answer.value)
            keys.setdefault(value_key(answer.kind, answer.value), []).append(answer)
        answers.append(answer)
    _fill(actor, keys)
    _audit_and_notify(actor, answers)
    return answers


def _fill(actor: User, keys: dict[int, list[Answer]]) -> None:
    if not keys:
        return
    common = dict(CommonValue.objects.filter(value_key__in=keys).values_list("value_key", "agencies"))
    rows = list(
        Observable.objects.filter(value_key__in=keys, active=True, report__status=ReportStatus.ACTIVE)
        .select_related("report", "owner", "marking")
        .only(
            "kind",
            "value",
            "value_key",
            "context",
            "report__reference",
            "report__title",
            "owner__code",
            "marking__tlp",
            "marking__audience",
        )
    )
    if not rows and not common:
        return
    visible = (
        set(
            Marking.objects.visible_to(actor)
            .filter(pk__in={row.marking_id for row in rows})
            .values_list("pk", flat=True)
        )
        if rows
        else set()
    )
    partner = actor.agency.is_partner
    for row in rows:
        for answer in keys[row.value_key]:
            if row.kind != answer.kind or row.value != answer.value:
                continue
            shown = row.marking_id in visible
            if partner and not shown and row.marking.audience != Audience.EVERYONE:
                continue  # a partner learns nothing of records not released to it
            answer.matches.append(
                Match(
                    agency=row.owner.code,
                    reference=row.report.reference,
                    tlp=row.marking.tlp,
                    visible=shown,
                    report_id=row.report_id if shown else None,
                    title=row.report.title if shown else "",
                    context=row.context if shown else "",
                )
            )
    for key, answers in keys.items():
        for answer in answers:
            answer.too_common = common.get(key, 0)


def _audit_and_notify(actor: User, answers: list[Answer]) -> None:
    valid = [answer for answer in answers if answer.value]
    matched = [answer for answer in valid if answer.matches]
    details: dict[str, object] = {"values": len(answers), "valid": len(valid), "matched": len(matched)}
    if len(valid) <= 20:
        details["queries"] = [f"{answer.kind}:{answer.value}" for answer in valid]
    else:
        digest = hashlib.sha256("\n".join(f"{a.kind}:{a.value}" for a in valid).encode()).hexdigest()
        details["queries_sha256"] = digest
    with transaction.atomic():
        record(actor, "intel.lookup", None, **details)
        references = {
            match.reference
            for answer in matched
            for match in answer.matches
            if match.agency != actor.agency.code
        }
        from lockstep.intel.models import Report

        owners = Report.objects.none()
        if references:
            owners = Report.objects.filter(reference__in=references, notify_on_lookup=True).select_related(
                "owner"
            )
        for report in owners:
            notify_agency(
                report.owner,
                "lookup",
                gettext_noop("Your record %(reference)s was looked up by %(agency)s."),
                {"reference": report.reference, "agency": actor.agency.code},
                target=report,
            )
