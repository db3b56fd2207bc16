"""Running an operation: launch it with its participants and phases, add agencies that join later, set its
targets and tasks, take its infrastructure down in bulk, and take in each agency's results.

Who may do what: a coordinator launches an operation, led by their agency; coordinators of the lead and
co-leading bodies run it (participants, phases, status, targets, tasks); every participating agency's
operational users see it, report infrastructure and their country's results; invited partners see it and
report infrastructure, not results. Every step is audited."""

from __future__ import annotations

import datetime
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lockstep.audit.services import record
from lockstep.directory.models import Agency, AgencyKind, Role, User
from lockstep.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lockstep.intel.canonical import InvalidValue, canonical, value_key
from lockstep.lib.bulk import insert_new, refresh_statistics
from lockstep.operations.models import (
    COUNTS,
    ImportStatus,
    InfrastructureImport,
    InfrastructureItem,
    InfrastructureKind,
    MoneyKind,
    MoneyLine,
    Operation,
    OperationStatus,
    Participant,
    ParticipantRole,
    Phase,
    PhaseKind,
    ResultReport,
    TakedownState,
    Target,
    TargetKind,
    TargetValue,
    Task,
)
from lockstep.policy.models import Community, CommunityKind
from lockstep.policy.rules import is_active_actor, is_operational

RUNNING = (ParticipantRole.LEAD, ParticipantRole.CO_LEAD)
logger = logging.getLogger(__name__)


def may_launch(actor: User) -> bool:
    return is_active_actor(actor) and actor.has_role(Role.COORDINATOR) and not actor.agency.is_partner


def operations_for(actor: User) -> QuerySet[Operation]:
    """The operations the actor's agency takes part in (the General Secretariat's coordinators see all)."""
    if not is_operational(actor):
        return Operation.objects.none()
    rows = Operation.objects.select_related("lead", "community")
    if actor.agency.is_general_secretariat and actor.has_role(Role.COORDINATOR):
        return rows
    return rows.filter(participants__agency=actor.agency).distinct()


def get_operation_for(actor: User, code_name: str) -> Operation:
    found = operations_for(actor).filter(code_name=code_name).first()
    if found is None:
        raise NotFound()
    return found


def role_of(operation: Operation, agency: Agency) -> str | None:
    return operation.participants.filter(agency=agency).values_list("role", flat=True).first()


def may_run(actor: User, operation: Operation) -> bool:
    return (
        is_operational(actor)
        and actor.has_role(Role.COORDINATOR)
        and (role_of(operation, actor.agency) in RUNNING or actor.agency.is_general_secretariat)
    )


def _run_check(actor: User, operation: Operation) -> None:
    if not may_run(actor, operation):
        raise PermissionDenied(_("Coordinators of the lead and co-leading bodies run the operation."))


@dataclass
class PhaseSpec:
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date


def _check_phases(phases: Sequence[PhaseSpec]) -> None:
    errors: dict[str, list[str]] = {}
    kinds = [phase.kind for phase in phases]
    for phase in phases:
        if phase.kind not in PhaseKind.values:
            errors.setdefault("phases", []).append(_("Unknown phase %(kind)s.") % {"kind": phase.kind})
        elif phase.ends_on < phase.starts_on:
            errors.setdefault("phases", []).append(
                _("The %(kind)s phase ends before it starts.") % {"kind": phase.kind}
            )
    if len(set(kinds)) != len(kinds):
        errors.setdefault("phases", []).append(_("One phase of each kind."))
    order = [p for kind in PhaseKind.values for p in phases if p.kind == kind]
    for before, after in itertools.pairwise(order):
        if after.starts_on < before.starts_on:
            errors.setdefault("phases", []).append(
                _("The %(after)s phase starts before the %(before)s phase.")
                % {"after": after.kind, "before": before.kind}
            )
    if errors:
        raise InvalidInput(_("The phases do not fit together."), fields=errors)


def _check_agencies(members: Sequence[Agency], partners: Sequence[Agency]) -> None:
    errors: dict[str, list[str]] = {}
    inactive = [agency.code for agency in [*members, *partners] if not agency.can_act()]
    if inactive:
        errors["participants"] = [
            _("These agencies cannot take part: %(codes)s") % {"codes": ", ".join(inactive)}
        ]
    misplaced = [agency.code for agency in members if agency.kind == AgencyKind.PARTNER]
    if misplaced:
        errors["partners"] = [
            _("Private partners are invited as partners: %(codes)s") % {"codes": ", ".join(misplaced)}
        ]
    not_partners = [agency.code for agency in partners if agency.kind != AgencyKind.PARTNER]
    if not_partners:
        errors["partners"] = [_("These are not partners: %(codes)s") % {"codes": ", ".join(not_partners)}]
    if errors:
        raise InvalidInput(_("The participants are not valid."), fields=errors)


def _sync_community(operation: Operation) -> None:
    operation.community.members.set(Agency.objects.filter(operation_roles__operation=operation))


def launch_operation(
    actor: User,
    *,
    code_name: str,
    objectives: str,
    crime_focus: str,
    co_leads: Sequence[Agency] = (),
    participants: Sequence[Agency] = (),
    partners: Sequence[Agency] = (),
    phases: Sequence[PhaseSpec] = (),
) -> Operation:
    """An operation led by the actor's agency, with its co-leading bodies, participating agencies, invited
    partners and phases; its participants form the community reports and notices can be shared with."""
    if not may_launch(actor):
        raise PermissionDenied(_("Coordinators of member agencies launch operations."))
    name = code_name.strip()
    errors = {}
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._-]{1,79}", name) or name.lower() == "new":
        errors["code_name"] = [_("Letters, digits, spaces, dots, dashes; 2 to 80 characters.")]
    if not objectives.strip():
        errors["objectives"] = [_("required")]
    if not crime_focus.strip():
        errors["crime_focus"] = [_("required")]
    if errors:
        raise InvalidInput(_("The operation is not complete."), fields=errors)
    _check_agencies([*co_leads, *participants], partners)
    _check_phases(phases)
    roles: dict[int, tuple[Agency, str]] = {actor.agency.pk: (actor.agency, ParticipantRole.LEAD)}
    for group, role in ((co_leads, ParticipantRole.CO_LEAD), (participants, ParticipantRole.PARTICIPANT)):
        for agency in group:
            roles.setdefault(agency.pk, (agency, role))
    for agency in partners:
        roles.setdefault(agency.pk, (agency, ParticipantRole.PARTNER))
    try:
        with transaction.atomic():
            community = Community.objects.create(
                code=f"op:{name.lower().replace(' ', '-')}"[:40],
                name=_("Participants of operation %(name)s") % {"name": name},
                kind=CommunityKind.OPERATION,
                owner=actor.agency,
            )
            operation = Operation.objects.create(
                code_name=name,
                objectives=objectives.strip(),
                crime_focus=crime_focus.strip()[:200],
                lead=actor.agency,
                community=community,
                created_by=actor,
            )
            Participant.objects.bulk_create(
                Participant(operation=operation, agency=agency, role=role) for agency, role in roles.values()
            )
            Phase.objects.bulk_create(
                Phase(operation=operation, kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on)
                for p in phases
            )
            _sync_community(operation)
            record(
                actor,
                "operation.launched",
                operation,
                code_name=name,
                participants=sorted(agency.code for agency, _role in roles.values()),
            )
    except IntegrityError:
        raise Conflict(_("An operation is already called %(name)s.") % {"name": name}) from None
    return operation


def add_participant(actor: User, operation: Operation, agency: Agency, role: str) -> Participant:
    """An agency joins (or changes its role); it sees at once what was shared with the participants before."""
    _run_check(actor, operation)
    if role not in (ParticipantRole.CO_LEAD, ParticipantRole.PARTICIPANT, ParticipantRole.PARTNER):
        raise InvalidInput(_("Unknown role."), fields={"role": [role]})
    if agency.pk == operation.lead_id:
        raise Conflict(_("The lead agency keeps its role."))
    _check_agencies(
        [] if role == ParticipantRole.PARTNER else [agency],
        [agency] if role == ParticipantRole.PARTNER else [],
    )
    with transaction.atomic():
        participant, created = Participant.objects.update_or_create(
            operation=operation, agency=agency, defaults={"role": role}
        )
        _sync_community(operation)
        record(
            actor,
            "operation.joined" if created else "operation.role_changed",
            operation,
            agency=agency.code,
            role=role,
        )
    return participant


def remove_participant(actor: User, operation: Operation, agency: Agency) -> None:
    _run_check(actor, operation)
    if agency.pk == operation.lead_id:
        raise Conflict(_("The lead agency keeps its role."))
    with transaction.atomic():
        deleted, _rows = Participant.objects.filter(operation=operation, agency=agency).delete()
        if not deleted:
            raise NotFound()
        _sync_community(operation)
        record(actor, "operation.left", operation, agency=agency.code)


def set_status(actor: User, operation: Operation, status: str) -> Operation:
    _run_check(actor, operation)
    if status not in OperationStatus.values:
        raise InvalidInput(_("Unknown status."), fields={"status": [status]})
    with transaction.atomic():
        before = operation.status
        operation.status = status
        operation.save(update_fields=["status"])
        record(actor, "operation.status", operation, before=before, after=status)
    return operation


def participant_check(actor: User, operation: Operation, *, results: bool = False) -> str:
    """The actor's agency's role in the operation; PermissionDenied when it may not report (results: partners
    report infrastructure, not results)."""
    role = role_of(operation, actor.agency)
    if not is_operational(actor) or role is None or (results and role == ParticipantRole.PARTNER):
        raise PermissionDenied(_("Participating agencies report to the operation."))
    return role


# --- infrastructure ---------------------------------------------------------------------------------------

KINDS_TO_INTEL = {"domain": "domain", "url": "url", "phone": "phone"}


def canonical_item(kind: str, value: str) -> str:
    """The canonical form of an infrastructure value: intel's for domains, URLs, phones and IPs; trimmed text
    for servers and accounts. InvalidValue when it is not one."""
    if kind in KINDS_TO_INTEL:
        return canonical(KINDS_TO_INTEL[kind], value)
    if kind == "ip":
        for ip_kind in ("ipv4", "ipv6"):
            try:
                return canonical(ip_kind, value)
            except InvalidValue:
                continue
        raise InvalidValue("not an IP address")
    text = " ".join(str(value).split())
    if not text or len(text) > 2048:
        raise InvalidValue("empty or longer than 2048 characters")
    return text


@dataclass
class ImportSummary:
    read: int = 0
    created: int = 0
    already: int = 0  # the operation already held the value
    faults: dict[str, list[str]] = field(default_factory=dict)


Progress = Callable[[str, int, int], None]
ITEM_KINDS = frozenset(InfrastructureKind.values)
MAX_ASN = 4_294_967_295  # AS numbers are 32 bits
ITEM_STATES = frozenset(TakedownState.values)
BATCH = 5000


def _item_from(row: dict[str, Any], number: int, summary: ImportSummary) -> dict[str, Any] | None:
    problems = []
    kind = str(row.get("kind") or row.get("type") or "").strip().lower()
    kind = INTEL_TO_ITEM.get(kind, kind) if kind not in ITEM_KINDS else kind  # intel's names: ipv4, email...
    if kind not in ITEM_KINDS:
        problems.append(
            _("unknown kind %(kind)s (one of %(kinds)s)")
            % {"kind": kind[:20], "kinds": ", ".join(sorted(ITEM_KINDS))}
        )
    state = str(row.get("state") or TakedownState.IDENTIFIED).strip().lower()
    if state not in ITEM_STATES:
        problems.append(
            _("unknown state %(state)s (one of %(states)s)")
            % {"state": state[:20], "states": ", ".join(TakedownState.values)}
        )
    value = ""
    raw = str(row.get("value") or "")
    if "\x00" in raw:
        problems.append(_("the value holds a NUL character"))
    elif not problems:
        try:
            value = canonical_item(kind, raw)
        except InvalidValue as error:
            problems.append(str(error))
        if len(value) > 2048:
            problems.append(_("the value is longer than 2048 characters"))
    country = str(row.get("country") or "").strip().upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        problems.append(_("country %(country)s is not a two-letter code") % {"country": country[:10]})
    asn = str(row.get("asn") or "").strip().upper().removeprefix("AS")
    if asn and not (re.fullmatch(r"[0-9]{1,10}", asn) and int(asn) <= MAX_ASN):
        problems.append(_("ASN %(asn)s is not an AS number") % {"asn": asn[:20]})
    if problems:
        if len(summary.faults) < 100:
            summary.faults[f"line {number}"] = problems
        return None
    return {
        "kind": kind,
        "value": value,
        "value_key": value_key(kind, value),
        "provider": _text(row.get("provider"), 200),
        "registrar": _text(row.get("registrar"), 200),
        "asn": int(asn) if asn else None,
        "country": country,
        "state": state,
        "evidence_ref": _text(row.get("evidence_ref"), 300),
    }


def _text(given: Any, length: int) -> str:
    """A free-text field of a row, without NUL characters (which PostgreSQL refuses), cut to its column."""
    return str(given or "").replace("\x00", "")[:length]


ITEM_COLUMNS = (
    "operation_id", "kind", "value", "value_key", "provider", "registrar", "asn", "country", "state",
    "identified_on", "requested_on", "closed_on", "evidence_ref", "agency_id",
)  # fmt: skip
CLOSED = frozenset({TakedownState.TAKEN_DOWN, TakedownState.REFUSED, TakedownState.NO_RESPONSE})


def _insert_items(rows: list[tuple[Any, ...]]) -> int:
    """Write item rows (ITEM_COLUMNS order) in the current transaction with the database's bulk mechanism; a
    value another import stored meanwhile is skipped. Returns how many rows were new."""
    return insert_new(
        InfrastructureItem._meta.db_table, ITEM_COLUMNS, ("operation_id", "kind", "value_key"), rows
    )


def import_infrastructure(
    actor: User, operation: Operation, rows: Iterable[dict[str, Any]], progress: Progress | None = None
) -> ImportSummary:
    """Infrastructure items from rows ({"kind", "value", "provider"?, "registrar"?, "asn"?, "country"?,
    "state"?, "evidence_ref"?}), for the actor's agency. Every row is checked first: one faulty row and nothing
    is stored (each faulty row named). A value the operation already holds is counted, not repeated. The new
    items are then stored in batches of BATCH, each batch its own transaction, so that a long import shows
    its progress (``progress(stage, done, total)``, stage "checking" then "storing") and does not hold the
    database's write lock for its whole length; an import cut short is finished by running it again."""
    participant_check(actor, operation)
    summary = ImportSummary()
    planned: dict[tuple[str, int], dict[str, Any]] = {}
    for number, row in enumerate(rows, start=1):
        summary.read += 1
        item = _item_from(row if isinstance(row, dict) else {}, number, summary)
        if item is not None:
            planned.setdefault((item["kind"], item["value_key"]), item)
        if progress is not None and number % BATCH == 0:
            progress("checking", number, 0)
    if summary.faults:
        raise InvalidInput(
            _("%(count)s rows are not valid; nothing was imported.") % {"count": len(summary.faults)},
            fields=summary.faults,
        )
    today = timezone.localdate()
    held = set(
        InfrastructureItem.objects.filter(operation=operation).values_list("kind", "value_key").iterator()
    )
    fresh = [item for key, item in planned.items() if key not in held]
    if progress is not None:
        progress("storing", 0, len(fresh))
    for start in range(0, len(fresh), BATCH):
        chunk = fresh[start : start + BATCH]
        with transaction.atomic():
            if start == 0:  # with the first writes: an import cut short is on the log with what it began
                record(
                    actor,
                    "operation.infrastructure_import_started",
                    operation,
                    read=summary.read,
                    to_store=len(fresh),
                )
            summary.created += _insert_items(
                [
                    (
                        operation.pk,
                        item["kind"],
                        item["value"],
                        item["value_key"],
                        item["provider"],
                        item["registrar"],
                        item["asn"],
                        item["country"],
                        item["state"],
                        today,
                        today if item["state"] != TakedownState.IDENTIFIED else None,
                        today if item["state"] in CLOSED else None,
                        item["evidence_ref"],
                        actor.agency_id,
                    )
                    for item in chunk
                ]
            )
        if progress is not None:
            progress("storing", start + len(chunk), len(fresh))
    summary.already = summary.read - summary.created
    if summary.created >= 10_000:
        refresh_statistics(InfrastructureItem._meta.db_table)
    record(
        actor,
        "operation.infrastructure_imported",
        operation,
        read=summary.read,
        created=summary.created,
        already=summary.already,
    )
    return summary


INTEL_TO_ITEM = {
    "domain": "domain",
    "url": "url",
    "ipv4": "ip",
    "ipv6": "ip",
    "phone": "phone",
    "email": "account",
    "handle": "account",
    "bank_account": "account",
    "iban": "account",
    "btc": "account",
    "eth": "account",
    "trx": "account",
    "xmr": "account",
}


def rows_from_intel(values: Iterable[tuple[str, str]]) -> tuple[list[dict[str, str]], int]:
    """Import rows for intel (type, value) pairs, as a lookup answers them: domains, URLs, IP addresses and
    phones as themselves, e-mail addresses, handles, bank accounts and wallets as accounts; other types (file
    hashes, ASNs...) are not infrastructure to take down and are counted as left out."""
    from lockstep.intel import wallets

    rows, left_out = [], 0
    chains = set(wallets.chains())
    for kind, value in values:
        item_kind = INTEL_TO_ITEM.get(kind) or ("account" if kind in chains else None)
        if item_kind is None:
            left_out += 1
            continue
        rows.append({"kind": item_kind, "value": value, "evidence_ref": _("intel lookup")})
    return rows, left_out


MAX_IMPORT_BYTES = 200 * 1024 * 1024


def queue_import(actor: User, operation: Operation, file_name: str, text: str) -> InfrastructureImport:
    """An import of a CSV or JSON Lines file to run in the background (`lockstep worker`); its progress is
    kept on the returned row. The actor must be able to import now (and still when it runs)."""
    from lockstep.operations.tasks import import_task

    participant_check(actor, operation)
    if not text.strip():
        raise InvalidInput(_("The file is empty."), fields={"file": [_("empty")]})
    if len(text) > MAX_IMPORT_BYTES:
        raise InvalidInput(_("The file is larger than 200 MB."), fields={"file": [_("too large")]})
    with transaction.atomic():
        job = InfrastructureImport.objects.create(
            operation=operation, user=actor, file_name=file_name[:200] or "upload", content=text
        )
        record(
            actor, "operation.infrastructure_import_queued", operation, file=job.file_name, chars=len(text)
        )
        transaction.on_commit(lambda: import_task.enqueue(job.pk))
    return job


def run_import(job: InfrastructureImport) -> InfrastructureImport:
    """Run a queued import, its progress written as it goes (each update its own small transaction)."""
    from lockstep.lib.commands import describe
    from lockstep.operations.files import rows_from_text

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "checking":
            InfrastructureImport.objects.filter(pk=job.pk).update(checked=done)
        else:
            InfrastructureImport.objects.filter(pk=job.pk).update(
                status=ImportStatus.STORING, stored=done, to_store=total
            )

    InfrastructureImport.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)
    try:
        summary = import_infrastructure(job.user, job.operation, rows_from_text(job.content), progress)
    except (InvalidInput, PermissionDenied) as error:
        InfrastructureImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=describe(error)[:20000], content="", finished_at=timezone.now()
        )
    except Exception:  # the job says it failed instead of running for ever; the operator reads why in the log
        logger.exception("infrastructure import %s failed", job.pk)
        InfrastructureImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            error=_(
                "The import stopped on an unexpected error (logged for the operator). The items stored "
                "before it are kept; importing the file again skips them."
            ),
            content="",
            finished_at=timezone.now(),
        )
    else:
        InfrastructureImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE,
            checked=summary.read,
            read=summary.read,
            created=summary.created,
            already=summary.already,
            content="",
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def infrastructure_items(
    operation: Operation, kind: str = "", state: str = "", country: str = "", search: str = ""
) -> QuerySet[InfrastructureItem]:
    """The operation's items, narrowed by kind, state, country and a part of the value (pages, API, CSV)."""
    rows = InfrastructureItem.objects.filter(operation=operation)
    if kind:
        rows = rows.filter(kind=kind)
    if state:
        rows = rows.filter(state=state)
    if country:
        rows = rows.filter(country=country.upper())
    if search:
        rows = rows.filter(value__icontains=search.strip()[:200])
    return rows


def change_state(
    actor: User,
    operation: Operation,
    items: QuerySet[Any],
    state: str,
    *,
    evidence_ref: str = "",
    on: datetime.date | None = None,
) -> int:
    """Move ``items`` (of this operation) to ``state`` in one statement; the dates follow (requested, closed).
    Those running the operation move any item; a participant or partner moves the items its agency reported."""
    participant_check(actor, operation)
    if not may_run(actor, operation):
        items = items.filter(agency=actor.agency)
    if state not in TakedownState.values:
        raise InvalidInput(_("Unknown state."), fields={"state": [state]})
    when = on or timezone.localdate()
    changes: dict[str, Any] = {"state": state}
    if state == TakedownState.IDENTIFIED:
        changes.update(requested_on=None, closed_on=None)
    elif state == TakedownState.REQUESTED:
        changes.update(requested_on=when, closed_on=None)
    else:
        changes.update(closed_on=when)
    if evidence_ref:
        changes["evidence_ref"] = evidence_ref[:300]
    with transaction.atomic():
        count = items.filter(operation=operation).update(**changes)
        if state not in (TakedownState.IDENTIFIED, TakedownState.REQUESTED):
            items.filter(operation=operation, requested_on__isnull=True).update(requested_on=when)
        record(actor, "operation.infrastructure_state", operation, state=state, items=count)
    return count


# --- results ----------------------------------------------------------------------------------------------


def _counts(given: dict[str, Any]) -> dict[str, int]:
    names = {name for name, _label in COUNTS}
    errors: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for key, value in given.items():
        if key not in names:
            errors[key] = [_("unknown figure")]
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            try:
                value = int(str(value).replace(",", "").strip() or 0)
            except ValueError:
                errors[key] = [_("a whole number, 0 or more")]
                continue
            if value < 0:
                errors[key] = [_("a whole number, 0 or more")]
                continue
        counts[key] = value
    if errors:
        raise InvalidInput(_("The figures are not valid."), fields=errors)
    return counts


@dataclass
class Money:
    kind: str
    amount: Any
    currency: str
    usd_rate: Any
    rate_date: datetime.date


def _money_lines(lines: Sequence[Money]) -> list[dict[str, Any]]:
    checked, errors = [], {}
    for index, line in enumerate(lines):
        key = f"money[{index}]"
        try:
            amount, rate = Decimal(str(line.amount)), Decimal(str(line.usd_rate))
        except InvalidOperation:
            errors[key] = [_("the amount and the rate are numbers")]
            continue
        if line.kind not in MoneyKind.values:
            errors[key] = [_("unknown kind %(kind)s") % {"kind": line.kind}]
        elif amount < 0 or rate <= 0 or not re.fullmatch(r"[A-Z]{3}", line.currency or ""):
            errors[key] = [_("an amount of 0 or more, a three-letter currency and a rate above 0")]
        elif line.rate_date > timezone.localdate():
            errors[key] = [_("the rate's date is in the future")]
        else:
            usd = (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            checked.append(
                {
                    "kind": line.kind,
                    "amount": amount,
                    "currency": line.currency,
                    "usd_rate": rate,
                    "rate_date": line.rate_date,
                    "usd": usd,
                }
            )
    if errors:
        raise InvalidInput(_("The amounts are not valid."), fields=errors)
    return checked


def report_results(
    actor: User,
    operation: Operation,
    *,
    counts: dict[str, Any],
    money: Sequence[Money] = (),
    note: str = "",
    correction_reason: str = "",
) -> Any:
    """The results of the actor's agency for its country. Reporting again corrects them: a new version, with
    its reason; the version before is kept, and the change audited figure by figure."""
    participant_check(actor, operation, results=True)
    checked, lines = _counts(counts), _money_lines(money)
    with transaction.atomic():
        before = (
            ResultReport.objects.select_for_update()
            .filter(operation=operation, agency=actor.agency, current=True)
            .first()
        )
        if before is not None and not correction_reason.strip():
            raise InvalidInput(
                _("Your agency has reported already: say why the figures are corrected."),
                fields={"correction_reason": [_("required")]},
            )
        if before is not None:
            ResultReport.objects.filter(pk=before.pk).update(current=False)
        report = ResultReport.objects.create(
            operation=operation,
            agency=actor.agency,
            version=(before.version + 1) if before else 1,
            counts=checked,
            note=note.strip(),
            correction_reason=correction_reason.strip()[:300],
            reported_by=actor,
        )
        MoneyLine.objects.bulk_create(MoneyLine(report=report, **line) for line in lines)
        if before is None:
            record(actor, "operation.results_reported", operation, version=1, **checked)
        else:
            changed = {
                key: [before.counts.get(key, 0), checked.get(key, 0)]
                for key in sorted(set(before.counts) | set(checked))
                if before.counts.get(key, 0) != checked.get(key, 0)
            }
            record(
                actor,
                "operation.results_corrected",
                operation,
                version=report.version,
                reason=report.correction_reason,
                changed=changed,
            )
    return report


# --- targets and tasks ------------------------------------------------------------------------------------


def _found(references: Sequence[str], get: Callable[[str], Any], missing: list[str]) -> list[Any]:
    """The records the references name that the actor may see; the others named in ``missing``."""
    found = []
    for reference in references:
        try:
            found.append(get(reference))
        except NotFound:
            missing.append(_("%(reference)s: not found") % {"reference": reference})
    return found


def add_target(
    actor: User,
    operation: Operation,
    *,
    kind: str,
    name: str,
    description: str = "",
    allocated_to: Agency | None = None,
    values: Sequence[tuple[str, str]] = (),
    reports: Sequence[str] = (),
    notices: Sequence[str] = (),
) -> Target:
    """A suspect, group or piece of infrastructure the operation goes after, linked to intel values (in their
    canonical form, so an observable with the same value is the same thing), to reports and notices the actor
    may see, and allocated to a participating agency."""
    from lockstep.intel.access import get_report_for
    from lockstep.notices.access import get_notice_for

    _run_check(actor, operation)
    errors: dict[str, list[str]] = {}
    if kind not in TargetKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if not name.strip():
        errors["name"] = [_("required")]
    if allocated_to is not None and role_of(operation, allocated_to) is None:
        errors["allocated_to"] = [_("%(code)s does not take part.") % {"code": allocated_to.code}]
    linked = []
    for value_kind, raw in values:
        try:
            value = canonical(value_kind, raw, country=actor.agency.country_id)
        except InvalidValue as error:
            errors.setdefault("values", []).append(f"{value_kind}:{str(raw)[:60]}: {error}")
            continue
        linked.append((value_kind, value, value_key(value_kind, value)))
    found_reports = _found(reports, lambda ref: get_report_for(actor, ref), errors.setdefault("reports", []))
    found_notices = _found(notices, lambda ref: get_notice_for(actor, ref), errors.setdefault("notices", []))
    errors = {name: problems for name, problems in errors.items() if problems}
    if errors:
        raise InvalidInput(_("The target is not valid."), fields=errors)
    with transaction.atomic():
        target = Target.objects.create(
            operation=operation,
            kind=kind,
            name=name.strip()[:200],
            description=description.strip(),
            allocated_to=allocated_to,
        )
        TargetValue.objects.bulk_create(
            [TargetValue(target=target, kind=k, value=v, value_key=key) for k, v, key in linked],
            ignore_conflicts=True,
        )
        target.reports.set(found_reports)
        target.notices.set(found_notices)
        record(actor, "operation.target_added", operation, target_id=target.pk, kind=kind, values=len(linked))
    return target


def add_task(
    actor: User, target: Target, agency: Agency, text: str, due_on: datetime.date | None = None
) -> Task:
    _run_check(actor, target.operation)
    if role_of(target.operation, agency) is None:
        raise InvalidInput(
            _("%(code)s does not take part.") % {"code": agency.code}, fields={"agency": [agency.code]}
        )
    if not text.strip():
        raise InvalidInput(_("Say what is to be done."), fields={"text": [_("required")]})
    with transaction.atomic():
        task = Task.objects.create(target=target, agency=agency, text=text.strip()[:500], due_on=due_on)
        record(actor, "operation.task_added", target.operation, task=task.pk, agency=agency.code)
    return task


def complete_task(actor: User, task: Task) -> Task:
    """The agency the task is given to (or those running the operation) marks it done."""
    operation = task.target.operation
    if not (is_operational(actor) and (task.agency_id == actor.agency_id or may_run(actor, operation))):
        raise PermissionDenied(_("The agency the task is given to marks it done."))
    if task.done_at is not None:
        raise Conflict(_("The task is done already."))
    with transaction.atomic():
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        record(actor, "operation.task_done", operation, task=task.pk)
    return task


def targets_of(operation: Operation) -> QuerySet[Target]:
    return (
        operation.targets.select_related("allocated_to")
        .prefetch_related("values", "tasks__agency", "reports", "notices")
        .order_by("pk")
    )


def _pk(given: int | str) -> int:
    """A primary key from a form or path value; 0 (found nowhere) for anything that is not one."""
    try:
        number = int(str(given)) if str(given).isascii() else 0
    except ValueError:
        return 0
    return number if 0 < number < 2**63 else 0


def get_target(operation: Operation, pk: int | str) -> Target:
    target = operation.targets.filter(pk=_pk(pk)).first()
    if target is None:
        raise NotFound(_("No such target in this operation."))
    return target


def get_task(operation: Operation, pk: int | str) -> Task:
    task = Task.objects.filter(target__operation=operation, pk=_pk(pk)).first()
    if task is None:
        raise NotFound(_("No such task in this operation."))
    return task


def linked_for(actor: User, target: Target) -> tuple[list[str], list[str]]:
    """The references of the target's reports and notices that the actor may see: a participant that may not
    see a linked report is not told it exists."""
    from lockstep.intel.access import reports_for
    from lockstep.notices.access import notices_for

    report_ids = [report.pk for report in target.reports.all()]
    notice_ids = [notice.pk for notice in target.notices.all()]
    reports = (
        sorted(reports_for(actor).filter(pk__in=report_ids).values_list("reference", flat=True))
        if report_ids
        else []
    )
    notices = (
        sorted(notices_for(actor).filter(pk__in=notice_ids).values_list("reference", flat=True))
        if notice_ids
        else []
    )
    return reports, notices
