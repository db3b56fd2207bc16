"""'Has anyone seen this?': look values up under the hit / no-hit rules; every lookup is audited."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lockstep.alerts.services import notify_agency
from lockstep.audit.services import record
from lockstep.directory.models import Agency, User
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.intel import wallets
from lockstep.intel.canonical import InvalidValue, canonical, refang, value_key
from lockstep.intel.models import CommonValue, Observable, Report, ReportStatus
from lockstep.intel.warninglists import load_index
from lockstep.policy.models import Audience, Marking
from lockstep.policy.rules import is_operational, visible_among


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
    kinds.append("domain")
    # other chains are told apart by their own patterns (tried only where the pattern fits: no exceptions)
    kinds += [name for name, spec in wallets.chains().items() if wallets.shape_fits(spec, text)]
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
    told = _fill(actor, keys)
    _audit_and_notify(actor, answers, told)
    return answers


_MATCHES = """
    SELECT o.value_key, o.kind, o.value, o.context, o.report_id, r.reference, r.title, a.code,
           m.id, m.owner_id, m.audience, m.tlp, r.notify_on_lookup
    FROM {obs} o
    JOIN {report} r ON r.id = o.report_id
    JOIN {agency} a ON a.id = o.owner_id
    JOIN {marking} m ON m.id = o.marking_id
    WHERE o.value_key IN ({keys}) AND o.active AND r.status = %s
"""


def _matching_rows(keys: list[int]) -> tuple[list[tuple[Any, ...]], dict[int, int]]:
    """Active records holding these keys, with their report, owner and marking, and the keys found too
    common: two plain statements per 5,000 keys (lookups are the hot path; no ORM query building)."""
    rows: list[tuple[Any, ...]] = []
    common: dict[int, int] = {}
    tables = {
        "obs": Observable._meta.db_table,
        "report": Report._meta.db_table,
        "agency": Agency._meta.db_table,
        "marking": Marking._meta.db_table,
    }
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 5000):
            listed = ",".join(str(int(key)) for key in keys[start : start + 5000])  # integers only
            cursor.execute(_MATCHES.format(keys=listed, **tables), [ReportStatus.ACTIVE])
            rows += cursor.fetchall()
            cursor.execute(
                f"SELECT value_key, agencies FROM {CommonValue._meta.db_table} WHERE value_key IN ({listed})"
            )
            common.update(cursor.fetchall())
    return rows, common


def _fill(actor: User, keys: dict[int, list[Answer]]) -> set[int]:
    """Put the matches in the answers; returns the reports whose owners asked to be told of lookups."""
    told: set[int] = set()
    if not keys:
        return told
    rows, common = _matching_rows(list(keys))
    visible = visible_among(actor, {(row[8], row[9], row[10]) for row in rows})
    partner = actor.agency.is_partner
    for (
        key,
        kind,
        value,
        context,
        report_id,
        reference,
        title,
        owner,
        marking_id,
        owner_id,
        audience,
        tlp,
        tell,
    ) in rows:
        for answer in keys[key]:
            if kind != answer.kind or value != answer.value:
                continue  # a key collision, not a match
            if tell and owner_id != actor.agency_id:
                told.add(report_id)
            shown = marking_id in visible
            if partner and not shown and audience != Audience.EVERYONE:
                continue  # a partner learns nothing of records not released to it
            answer.matches.append(
                Match(
                    agency=owner,
                    reference=reference,
                    tlp=tlp,
                    visible=shown,
                    report_id=report_id if shown else None,
                    title=title if shown else "",
                    context=context if shown else "",
                )
            )
    for key, answers in keys.items():
        for answer in answers:
            answer.too_common = common.get(key, 0)
    return told


def _audit_and_notify(actor: User, answers: list[Answer], told: set[int]) -> None:
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
        owners = Report.objects.filter(pk__in=told).select_related("owner") if told else []
        for report in owners:
            notify_agency(
                report.owner,
                "lookup",
                gettext_noop("Your record %(reference)s was looked up by %(agency)s."),
                {"reference": report.reference, "agency": actor.agency.code},
                target=report,
            )
