"""Intel services: submit, change and withdraw reports; add observables (correlated at once); work hits and
follow-up requests. Every change is checked against the policy and audited in its transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lockstep.alerts.services import notify_agency
from lockstep.audit.services import record
from lockstep.directory.models import User
from lockstep.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lockstep.intel.correlate import correlate
from lockstep.intel.ingest import Prepared, Rejected, Submitted, insert_observables, prepare
from lockstep.intel.models import (
    CrimeType,
    FollowUp,
    FollowUpStatus,
    Hit,
    HitState,
    Observable,
    Report,
    ReportStatus,
)
from lockstep.intel.notify import notify_hits
from lockstep.intel.signals import report_changed
from lockstep.intel.warninglists import load_index
from lockstep.policy.audience import MarkingSpec
from lockstep.policy.rules import can, is_operational
from lockstep.policy.services import create_marking, release


@dataclass
class Submission:
    report: Report
    added: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    hits: int = 0


def check_report(title: str, crime_type: str) -> None:
    errors: dict[str, list[str]] = {}
    if not title.strip() or len(title) > 200:
        errors["title"] = [_("Give a title of at most 200 characters.")]
    if crime_type not in CrimeType.values:
        errors["crime_type"] = [_("Choose a crime type.")]
    if errors:
        raise InvalidInput(_("The report is not valid."), fields=errors)


def _reject_all_or_nothing(rejected: list[Rejected]) -> None:
    raise InvalidInput(
        _("%(count)d values are not valid; nothing was stored (all-or-nothing).") % {"count": len(rejected)},
        fields={
            f"observables[{item.index}]": [f"{item.kind} {item.value!r}: {item.reason}"]
            for item in rejected[:100]
        },
    )


def submit_report(
    actor: User,
    *,
    title: str,
    crime_type: str,
    marking: MarkingSpec,
    observables: Sequence[Submitted],
    summary: str = "",
    text: str = "",
    external_ref: str = "",
    notify_on_lookup: bool = False,
    all_or_nothing: bool = False,
    held: bool = False,
) -> Submission:
    """Store a report and its observables and correlate them against every other agency's at once.

    Invalid values are reported (and the rest stored), or, with ``all_or_nothing``, refuse the whole report.
    A ``held`` report (a notice's values before publication; every partner report) neither correlates nor is
    seen until ``activate_report``.
    """
    if not is_operational(actor):
        raise PermissionDenied()
    check_report(title, crime_type)
    if external_ref and Report.objects.filter(owner=actor.agency, external_ref=external_ref).exists():
        raise Conflict(_("A report with this external reference exists: add observables to it instead."))
    prepared, rejected = prepare(observables, country=actor.agency.country_id, warn=load_index())
    if rejected and all_or_nothing:
        _reject_all_or_nothing(rejected)
    held = held or actor.agency.is_partner  # partner data waits for the General Secretariat's validation
    with transaction.atomic():
        stored_marking = create_marking(actor, marking)
        report = Report.objects.create(
            reference=f"tmp-{timezone.now().timestamp()}",
            status=ReportStatus.PENDING if held else ReportStatus.ACTIVE,
            owner=actor.agency,
            marking=stored_marking,
            title=title.strip(),
            crime_type=crime_type,
            summary=summary,
            text=text,
            external_ref=external_ref,
            notify_on_lookup=notify_on_lookup,
            created_by=actor,
        )
        report.reference = f"{actor.agency.code}-{report.created_at:%Y}-{report.pk:06d}"
        report.save(update_fields=["reference"])
        submission = Submission(report, rejected=rejected)
        submission.added, submission.hits = _store(report, prepared)
        record(
            actor,
            "report.submitted",
            report,
            reference=report.reference,
            observables=submission.added,
            rejected=len(rejected),
            hits=submission.hits,
            **({"held_for_validation": True} if held else {}),
        )
        if not held:
            release(actor, stored_marking, report)
        report_changed.send(Report, report=report)
    return submission


def activate_report(actor: User, report: Report) -> int:
    """Let a report that was held back (a partner's, awaiting validation) out: its values start matching, it is
    released to its audience. Returns the hits its owner received."""
    with transaction.atomic():
        report.status = ReportStatus.ACTIVE
        report.save(update_fields=["status", "updated_at"])
        Observable.objects.filter(report=report).update(active=True)
        _common, hits = correlate([report.pk])
        release(actor, report.marking, report)
        if hits:
            notify_hits([report])
        report_changed.send(Report, report=report)
    return hits


def add_observables(
    actor: User, report: Report, observables: Sequence[Submitted], *, all_or_nothing: bool = False
) -> Submission:
    """Add values to an existing report of the actor's agency (duplicates are ignored) and correlate them."""
    _require_owner(actor, report)
    prepared, rejected = prepare(observables, country=report.owner.country_id, warn=load_index())
    if rejected and all_or_nothing:
        _reject_all_or_nothing(rejected)
    with transaction.atomic():
        submission = Submission(report, rejected=rejected)
        submission.added, submission.hits = _store(report, prepared)
        record(
            actor,
            "report.observables_added",
            report,
            added=submission.added,
            rejected=len(rejected),
            hits=submission.hits,
        )
        report_changed.send(Report, report=report)
    return submission


def _store(report: Report, prepared: list[Prepared]) -> tuple[int, int]:
    """Insert and correlate; returns (values added, hits the submitting agency received)."""
    added = insert_observables(
        report.pk, report.owner_id, report.marking_id, prepared, active=report.status == ReportStatus.ACTIVE
    )
    if report.status != ReportStatus.ACTIVE:
        return added, 0
    received = Hit.objects.filter(observable__report=report)
    before = received.count()
    if correlate([report.pk])[1]:
        notify_hits([report])
    return added, received.count() - before


def _require_owner(actor: User, report: Report) -> None:
    if not can(actor, "marking.change", report.marking):
        raise PermissionDenied(_("Only the agency that owns the report changes it."))
    if report.status == ReportStatus.WITHDRAWN:
        raise Conflict(_("The report was withdrawn."))
    if report.status == ReportStatus.REJECTED:
        raise Conflict(_("The General Secretariat rejected this report."))


def update_report(actor: User, report: Report, **changes: object) -> Report:
    _require_owner(actor, report)
    allowed = {"title", "crime_type", "summary", "text", "notify_on_lookup"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    merged = {"title": report.title, "crime_type": report.crime_type, **changes}
    check_report(str(merged["title"]), str(merged["crime_type"]))
    with transaction.atomic():
        before = {name: getattr(report, name) for name in changes}
        for name, value in changes.items():
            setattr(report, name, value)
        report.save()
        record(
            actor,
            "report.updated",
            report,
            changed=sorted(name for name in changes if before[name] != getattr(report, name)),
        )
        report_changed.send(Report, report=report)
    return report


def set_review_date(actor: User, report: Report, review_at: object) -> Report:
    import datetime

    _require_owner(actor, report)
    if review_at is not None and (
        not isinstance(review_at, datetime.date) or review_at < timezone.now().date()
    ):
        raise InvalidInput(
            _("The review date is in the past."), fields={"review_at": [_("Choose a future date.")]}
        )
    with transaction.atomic():
        report.marking.review_at = review_at
        report.marking.save(update_fields=["review_at"])
        record(actor, "report.review_date_set", report, review_at=review_at)
        report.save(update_fields=["updated_at"])
        report_changed.send(Report, report=report)
    return report


def withdraw_report(actor: User | None, report: Report, reason: str, *, authorised: bool = False) -> Report:
    """Recall: the report disappears for recipients and its observables stop matching. ``authorised``: the
    caller has checked that the actor may, without owning it (the GS cancelling a notice holding it, or the
    system letting an expired notice lapse: no actor)."""
    if not authorised:
        assert actor is not None
        _require_owner(actor, report)
    if not reason.strip():
        raise InvalidInput(_("Say why the report is withdrawn."), fields={"reason": [_("Required.")]})
    with transaction.atomic():
        report.status = ReportStatus.WITHDRAWN
        report.withdrawn_reason = reason.strip()[:300]
        report.save(update_fields=["status", "withdrawn_reason", "updated_at"])
        Observable.objects.filter(report=report).update(active=False)
        closed = (
            Hit.objects.filter(observable__report=report)
            .exclude(state=HitState.CLOSED)
            .update(state=HitState.CLOSED, updated_at=timezone.now())
        )
        record(actor, "report.withdrawn", report, reason=report.withdrawn_reason, hits_closed=closed)
        report_changed.send(Report, report=report)
    return report


def remove_observable(actor: User, report: Report, observable: Observable) -> None:
    """Take one value out of a report of the actor's agency: it stops matching, its hits close and disappear
    for both sides (the row stays, inactive, for the audit trail)."""
    _require_owner(actor, report)
    if observable.report_id != report.pk:
        raise NotFound()
    with transaction.atomic():
        Observable.objects.filter(pk=observable.pk).update(active=False)
        closed = (
            Hit.objects.filter(Q(observable=observable) | Q(other=observable))
            .exclude(state=HitState.CLOSED)
            .update(state=HitState.CLOSED, updated_at=timezone.now())
        )
        report.save(update_fields=["updated_at"])
        record(actor, "report.observable_removed", report, type=observable.kind, hits_closed=closed)
        report_changed.send(Report, report=report)


# --- hits and follow-ups ------------------------------------------------------------------------------


def set_hit_state(actor: User, hit: Hit, state: str) -> Hit:
    """The receiving agency acknowledges or closes its hit."""
    if hit.agency_id != actor.agency_id or not is_operational(actor):
        raise PermissionDenied()
    if state not in (HitState.ACKNOWLEDGED, HitState.CLOSED):
        raise InvalidInput(_("A hit can be acknowledged or closed."), fields={"state": [_("Not allowed.")]})
    if hit.state == HitState.CLOSED:
        raise Conflict(_("This hit is closed."))
    if state == HitState.ACKNOWLEDGED and hit.state != HitState.NEW:
        raise Conflict(_("Only a new hit is acknowledged."))
    with transaction.atomic():
        hit.state = state
        hit.updated_at = timezone.now()
        hit.save(update_fields=["state", "updated_at"])
        record(actor, f"hit.{state}", hit, other_agency=hit.other_agency.code)
    return hit


def request_follow_up(actor: User, hit: Hit, message: str) -> FollowUp:
    """Ask the agency that owns the matching record for more (the only way to learn more of a record one
    may not see)."""
    if hit.agency_id != actor.agency_id or not is_operational(actor):
        raise PermissionDenied()
    if hit.state == HitState.CLOSED:
        raise Conflict(_("This hit is closed."))
    if not message.strip() or len(message) > 5000:
        raise InvalidInput(
            _("Write a message of at most 5000 characters."), fields={"message": [_("Required.")]}
        )
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            hit=hit,
            from_agency=actor.agency,
            to_agency=hit.other_agency,
            message=message.strip(),
            requested_by=actor,
        )
        hit.state, hit.updated_at = HitState.FOLLOW_UP_REQUESTED, timezone.now()
        hit.save(update_fields=["state", "updated_at"])
        record(
            actor,
            "hit.follow_up_requested",
            follow_up,
            to_agency=hit.other_agency.code,
            reference=hit.other.report.reference,
        )
        notify_agency(
            hit.other_agency,
            "follow_up",
            gettext_noop("%(agency)s asks about your record %(reference)s."),
            {"agency": actor.agency.code, "reference": hit.other.report.reference},
            target=follow_up,
        )
    return follow_up


def answer_follow_up(actor: User, follow_up: FollowUp, answer: str) -> FollowUp:
    if follow_up.to_agency_id != actor.agency_id or not is_operational(actor):
        raise PermissionDenied()
    if follow_up.status == FollowUpStatus.ANSWERED:
        raise Conflict(_("This request was already answered."))
    if not answer.strip() or len(answer) > 5000:
        raise InvalidInput(
            _("Write an answer of at most 5000 characters."), fields={"answer": [_("Required.")]}
        )
    with transaction.atomic():
        follow_up.status, follow_up.answer = FollowUpStatus.ANSWERED, answer.strip()
        follow_up.answered_by, follow_up.answered_at = actor, timezone.now()
        follow_up.save()
        Hit.objects.filter(pk=follow_up.hit_id).update(state=HitState.ANSWERED, updated_at=timezone.now())
        record(actor, "hit.follow_up_answered", follow_up, to_agency=follow_up.from_agency.code)
        notify_agency(
            follow_up.from_agency,
            "follow_up",
            gettext_noop("%(agency)s answered your request about %(reference)s."),
            {"agency": actor.agency.code, "reference": follow_up.hit.other.report.reference},
            target=follow_up,
        )
    return follow_up
