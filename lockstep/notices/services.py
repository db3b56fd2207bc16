"""Notice and diffusion workflow: draft, the supervisor's approval, the General Secretariat's review (publish or
refuse with a ground), diffusions sent at once and checked afterwards, withdrawal and cancellation; each step
audited."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lockstep.alerts.services import notify_agency
from lockstep.audit.services import record
from lockstep.directory.models import Agency, AgencyKind, Role, User
from lockstep.errors import Conflict, InvalidInput, PermissionDenied
from lockstep.intel.ingest import Submitted
from lockstep.intel.models import CrimeType, ReportStatus
from lockstep.intel.services import activate_report, submit_report, withdraw_report
from lockstep.notices import photos, types
from lockstep.notices.models import (
    Language,
    Notice,
    NoticeKind,
    NoticeStatus,
    RefusalGround,
    Review,
    Subject,
    SubjectKind,
    SubjectName,
)
from lockstep.policy.audience import MarkingSpec, resolve_marking
from lockstep.policy.models import TLP, Audience
from lockstep.policy.rules import is_active_actor, is_operational
from lockstep.policy.services import create_marking

# The GS reviewer's checklist (DOMAIN.md 1.3): every item must pass before a notice is published.
CHECKLIST = ("neutrality", "human_rights", "data_quality", "eligibility")
REVIEW_TARGET = datetime.timedelta(hours=24)


def may_request(actor: User) -> bool:
    """NCBs and authorised international entities request notices (DOMAIN.md 1.2); partners never do."""
    return is_operational(actor) and actor.agency.kind != AgencyKind.PARTNER


def is_reviewer(actor: User) -> bool:
    return is_active_actor(actor) and actor.agency.is_general_secretariat and actor.has_role(Role.REVIEWER)


def _photo(item: dict[str, Any], index: int) -> bytes | None:
    """The subject's photo, given as bytes (the page) or base64 (the API, JSON Lines), checked and re-encoded."""
    given = item.get("photo")
    if not given:
        return None
    field = f"subjects[{index}].photo"
    data = photos.photo_from_base64(given, field) if isinstance(given, str) else bytes(given)
    return photos.clean_photo(data, field)


def _subjects(notice: Notice, subjects: Sequence[dict[str, Any]]) -> None:
    for index, item in enumerate(subjects):
        subject = Subject.objects.create(
            photo=_photo(item, index),
            notice=notice,
            kind=item.get("kind", SubjectKind.PERSON),
            status=item.get("status", ""),
            birth_year=item.get("birth_year"),
            birth_month=item.get("birth_month"),
            birth_day=item.get("birth_day"),
            nationalities=list(item.get("nationalities") or []),
            documents=list(item.get("documents") or []),
            description=str(item.get("description", "")),
            details=dict(item.get("details") or {}),
        )
        for position, name in enumerate(item.get("names") or []):
            if isinstance(name, str):
                name = {"name": name}
            SubjectName.objects.create(
                subject=subject,
                name=str(name["name"])[:300],
                script=str(name.get("script", ""))[:16],
                alias=bool(name.get("alias", position > 0)),
            )


def draft_notice(
    actor: User,
    *,
    type: str,
    title: str,
    details: dict[str, Any],
    subjects: Sequence[dict[str, Any]] = (),
    kind: str = NoticeKind.NOTICE,
    summary: str = "",
    language: str = "en",
    public_extract: bool = False,
    recipients: Sequence[Agency] = (),
    observables: Sequence[Submitted] = (),
    translations: dict[str, dict[str, Any]] | None = None,
) -> Notice:
    """A request of ``type`` drafted by the actor's agency, checked for the type's fields and eligibility. A
    diffusion goes to ``recipients`` (none: every member agency) once approved; a notice to every member agency
    once the General Secretariat publishes it. Its ``observables`` (handles, e-mails, phones, wallets, domains)
    are held in an intel report that starts correlating at publication and stops at withdrawal."""
    if not may_request(actor):
        raise PermissionDenied(
            _("Notices are requested by National Central Bureaus and authorised entities.")
        )
    if kind not in NoticeKind.values:
        raise InvalidInput(_("Unknown kind."), fields={"kind": [kind]})
    if not title.strip():
        raise InvalidInput(_("Give the request a title."), fields={"title": [_("required")]})
    partners = [agency.code for agency in recipients if agency.is_partner]
    if partners:
        raise InvalidInput(
            _("Notices and diffusions go to member agencies, not to partners: %(codes)s")
            % {"codes": ", ".join(partners)},
            fields={"recipients": partners},
        )
    if language not in Language.values:
        raise InvalidInput(
            _("Write it in one of the four official languages: en, fr, es, ar."),
            fields={"language": [language]},
        )
    types.check_notice(type, details, list(subjects))
    checked = {
        code: types.check_translation(type, code, language, text)
        for code, text in (translations or {}).items()
    }
    audience = Audience.RECIPIENTS if kind == NoticeKind.DIFFUSION and recipients else Audience.MEMBERS
    with transaction.atomic():
        marking = create_marking(
            actor,
            MarkingSpec(owner=actor.agency, tlp=TLP.AMBER, audience=audience, recipients=list(recipients)),
        )
        notice = Notice.objects.create(
            reference=f"tmp-{timezone.now().timestamp()}",
            kind=kind,
            type=type,
            owner=actor.agency,
            marking=marking,
            title=title.strip()[:200],
            language=language,
            summary=summary,
            details=details,
            translations=checked,
            public_extract=public_extract,
            created_by=actor,
        )
        prefix = "D" if kind == NoticeKind.DIFFUSION else type[:1].upper()
        notice.reference = f"{prefix}-{notice.created_at:%Y}-{notice.pk:06d}"
        notice.save(update_fields=["reference"])
        _subjects(notice, subjects)
        if observables:
            notice.report = submit_report(
                actor,
                title=f"{notice.reference} {notice.title}"[:200],
                crime_type=str(details.get("crime_type") or CrimeType.OTHER),
                marking=MarkingSpec(
                    owner=actor.agency, tlp=TLP.AMBER, audience=audience, recipients=list(recipients)
                ),
                observables=observables,
                external_ref=f"notice:{notice.reference}",
                all_or_nothing=True,
                held=True,
            ).report
            notice.save(update_fields=["report"])
        record(
            actor, f"{kind}.drafted", notice, type=type, subjects=len(subjects), observables=len(observables)
        )
    return notice


def _start_correlating(actor: User, notice: Notice) -> None:
    if notice.report is not None and notice.report.status == ReportStatus.PENDING:
        activate_report(actor, notice.report)


def _stop_correlating(actor: User, notice: Notice, reason: str) -> None:
    if notice.report is not None and notice.report.status in (ReportStatus.ACTIVE, ReportStatus.PENDING):
        withdraw_report(actor, notice.report, reason, authorised=True)


def _owner_check(actor: User, notice: Notice) -> None:
    if notice.owner_id != actor.agency_id or not is_operational(actor):
        raise PermissionDenied(_("Only the requesting agency may do this."))


def _move(notice: Notice, expected: Sequence[str], to: str) -> None:
    if notice.status not in expected:
        raise Conflict(
            _("%(reference)s is %(status)s; that cannot be done now.")
            % {"reference": notice.reference, "status": notice.get_status_display()}
        )
    notice.status = to


def ask_approval(actor: User, notice: Notice) -> Notice:
    """The drafter hands the request to a supervisor of the agency."""
    _owner_check(actor, notice)
    with transaction.atomic():
        _move(notice, [NoticeStatus.DRAFT], NoticeStatus.AWAITING_APPROVAL)
        notice.save(update_fields=["status"])
        record(actor, f"{notice.kind}.approval_asked", notice)
    return notice


def approve_notice(actor: User, notice: Notice) -> Notice:
    """A supervisor of the requesting agency, not its drafter, approves: a notice enters the GS review queue
    (its status visible to the requester only); a diffusion is sent at once and checked afterwards."""
    _owner_check(actor, notice)
    if not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("A supervisor of the agency approves requests."))
    if notice.created_by_id == actor.pk:
        raise PermissionDenied(_("A request is approved by a supervisor other than its drafter."))
    now = timezone.now()
    with transaction.atomic():
        _move(notice, [NoticeStatus.AWAITING_APPROVAL, NoticeStatus.DRAFT], NoticeStatus.IN_REVIEW)
        notice.approved_by, notice.submitted_at = actor, now
        if notice.kind == NoticeKind.DIFFUSION:
            notice.status, notice.published_at, notice.valid_until = NoticeStatus.SENT, now, _validity(now)
        notice.save()
        record(actor, f"{notice.kind}.approved", notice)
        if notice.kind == NoticeKind.DIFFUSION:
            _start_correlating(actor, notice)
            _announce(actor, notice, gettext_noop("Diffusion %(reference)s from %(agency)s: %(title)s"))
    return notice


def _validity(when: datetime.datetime) -> datetime.date:
    years = int(types.rule("validity.years"))
    day = when.date()
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _announce(actor: User, notice: Notice, message: str) -> None:
    agencies = resolve_marking(notice.marking).exclude(pk=notice.owner_id)
    codes = list(agencies.values_list("code", flat=True))
    record(
        actor,
        "marking.released",
        notice,
        tlp=notice.marking.tlp,
        audience=notice.marking.audience,
        recipients=codes,
    )
    params = {"reference": notice.reference, "agency": notice.owner.code, "title": notice.title[:120]}
    for agency in agencies:
        notify_agency(agency, "notice", message, params, target=notice)


def review_queue(actor: User) -> QuerySet[Notice]:
    """Requests waiting for the GS, oldest first (the 24-hour target runs from ``submitted_at``), and diffusions
    sent and not yet checked."""
    if not is_reviewer(actor):
        raise PermissionDenied(_("The review queue is for General Secretariat reviewers."))
    waiting = [NoticeStatus.IN_REVIEW, NoticeStatus.SENT]
    return Notice.objects.filter(status__in=waiting).select_related("owner").order_by("submitted_at", "pk")


def _review(
    actor: User, notice: Notice, checks: dict[str, bool], decision: str, ground: str, text: str
) -> None:
    Review.objects.create(
        notice=notice, reviewer=actor, checks=checks, decision=decision, ground=ground, text=text
    )
    notice.reviewed_by = actor


def publish_notice(actor: User, notice: Notice, checks: dict[str, bool]) -> Notice:
    """The GS reviewer publishes a request whose checklist passes: every member agency sees it and is told."""
    if not is_reviewer(actor):
        raise PermissionDenied(_("Notices are published by General Secretariat reviewers."))
    failed = [item for item in CHECKLIST if not checks.get(item)]
    if failed:
        raise InvalidInput(
            _("Every item of the checklist must pass before publication; refuse the request otherwise."),
            fields={f"checks.{item}": [_("not passed")] for item in failed},
        )
    now = timezone.now()
    with transaction.atomic():
        _move(notice, [NoticeStatus.IN_REVIEW], NoticeStatus.PUBLISHED)
        _review(actor, notice, dict(checks), "publish", "", "")
        notice.published_at, notice.valid_until = now, _validity(now)
        notice.save()
        record(
            actor,
            "notice.published",
            notice,
            type=notice.type,
            review_minutes=int((now - (notice.submitted_at or now)).total_seconds() // 60),
        )
        _start_correlating(actor, notice)
        _announce(actor, notice, gettext_noop("%(agency)s notice %(reference)s published: %(title)s"))
    return notice


def _check_ground(ground: str, text: str) -> None:
    if ground not in RefusalGround.values or not text.strip():
        raise InvalidInput(
            _("Give the ground (human rights, neutrality or other) and say why."),
            fields={"ground": [ground]} if ground not in RefusalGround.values else {"text": [_("required")]},
        )


def refuse_notice(
    actor: User, notice: Notice, ground: str, text: str, checks: dict[str, bool] | None = None
) -> Notice:
    """The GS reviewer refuses a request, with its recorded ground; the requester is told why."""
    if not is_reviewer(actor):
        raise PermissionDenied(_("Notices are reviewed by General Secretariat reviewers."))
    _check_ground(ground, text)
    with transaction.atomic():
        _move(notice, [NoticeStatus.IN_REVIEW], NoticeStatus.REFUSED)
        _review(actor, notice, dict(checks or {}), "refuse", ground, text.strip())
        notice.refusal_ground, notice.refusal_text = ground, text.strip()
        notice.save()
        record(actor, "notice.refused", notice, ground=ground)
        notify_agency(
            notice.owner,
            "notice",
            gettext_noop("Your request %(reference)s was refused (%(ground)s)."),
            {"reference": notice.reference, "ground": ground},
            target=notice,
        )
    return notice


def check_diffusion(actor: User, notice: Notice, *, cancel: bool, text: str = "", ground: str = "") -> Notice:
    """The GS checks a diffusion after it was sent: it stands, or it is cancelled everywhere."""
    if not is_reviewer(actor):
        raise PermissionDenied(_("Diffusions are checked by General Secretariat reviewers."))
    if notice.kind != NoticeKind.DIFFUSION:
        raise Conflict(_("Only diffusions are checked after they are sent."))
    if cancel:
        return cancel_notice(actor, notice, ground, text)
    with transaction.atomic():
        _move(notice, [NoticeStatus.SENT], NoticeStatus.CHECKED)
        _review(actor, notice, {}, "let_stand", "", text.strip())
        record(actor, "diffusion.checked", notice)
        notice.save()
    return notice


def withdraw_notice(actor: User, notice: Notice, reason: str) -> Notice:
    """The owner withdraws its notice or diffusion: recipients keep only a tombstone."""
    _owner_check(actor, notice)
    if not reason.strip():
        raise InvalidInput(_("Say why it is withdrawn."), fields={"reason": [_("required")]})
    live = [
        NoticeStatus.DRAFT,
        NoticeStatus.AWAITING_APPROVAL,
        NoticeStatus.IN_REVIEW,
        NoticeStatus.PUBLISHED,
        NoticeStatus.SENT,
        NoticeStatus.CHECKED,
    ]
    with transaction.atomic():
        _move(notice, live, NoticeStatus.WITHDRAWN)
        notice.end_reason = reason.strip()[:300]
        notice.save()
        _stop_correlating(actor, notice, f"{notice.reference} withdrawn: {notice.end_reason}")
        record(actor, f"{notice.kind}.withdrawn", notice)
    return notice


LIVE = [NoticeStatus.PUBLISHED, NoticeStatus.SENT, NoticeStatus.CHECKED]
ENDED = [NoticeStatus.REFUSED, NoticeStatus.WITHDRAWN, NoticeStatus.CANCELLED, NoticeStatus.EXPIRED]


def translate_notice(actor: User, notice: Notice, language: str, text: dict[str, Any]) -> Notice:
    """The content in another official language, given by the requesting agency while it drafts, or by a GS
    reviewer (who translates notices for publication, so that what members read has been reviewed); a second
    translation into one language replaces the first."""
    if not (is_operational(actor) and (notice.owner_id == actor.agency_id or is_reviewer(actor))):
        raise PermissionDenied(
            _("Only the requesting agency or the General Secretariat translates a notice.")
        )
    if not is_reviewer(actor) and notice.status in (*LIVE, NoticeStatus.IN_REVIEW):
        raise Conflict(
            _("Once it is in review, the General Secretariat translates the notice: ask its reviewer.")
        )
    if notice.status in ENDED:
        raise Conflict(_("A refused, withdrawn, cancelled or expired notice is not translated."))
    checked = types.check_translation(notice.type, language, notice.language, text)
    with transaction.atomic():
        replaced = language in notice.translations
        notice.translations = {**notice.translations, language: checked}
        notice.save(update_fields=["translations"])
        record(actor, f"{notice.kind}.translated", notice, language=language, replaced=replaced)
    return notice


def extend_notice(actor: User, notice: Notice, reason: str) -> Notice:
    """The owner keeps a notice for another validity period (five years), stating why (RPD Art. 50)."""
    _owner_check(actor, notice)
    if notice.status not in LIVE or notice.valid_until is None:
        raise Conflict(_("Only a published notice or a sent diffusion is extended."))
    if not reason.strip():
        raise InvalidInput(_("Say why the notice is still needed."), fields={"reason": [_("required")]})
    with transaction.atomic():
        before = notice.valid_until
        notice.valid_until = _validity(
            datetime.datetime.combine(before, datetime.time(), tzinfo=datetime.UTC)
        )
        notice.expiry_warned_on = None
        notice.save(update_fields=["valid_until", "expiry_warned_on"])
        record(
            actor,
            f"{notice.kind}.extended",
            notice,
            until=notice.valid_until.isoformat(),
            reason=reason.strip()[:300],
        )
    return notice


def run_validity(today: datetime.date | None = None) -> tuple[int, int]:
    """What the worker does each tick: ask owners whose notices expire within the warning period to extend or
    let them lapse (once), and let lapse what has expired (its linked values stop matching). Returns (warned,
    expired)."""
    today = today or timezone.now().date()
    months = int(types.rule("validity.warn_months"))
    horizon = today + datetime.timedelta(days=round(months * 30.44))
    warned = expired = 0
    due = Notice.objects.filter(
        status__in=LIVE, valid_until__lte=horizon, valid_until__gte=today, expiry_warned_on__isnull=True
    ).select_related("owner")
    for notice in due:
        with transaction.atomic():
            notice.expiry_warned_on = today
            notice.save(update_fields=["expiry_warned_on"])
            notify_agency(
                notice.owner,
                "notice",
                gettext_noop(
                    "%(reference)s expires on %(date)s: extend it, with your reasons, or let it lapse."
                ),
                {
                    "reference": notice.reference,
                    "date": notice.valid_until.isoformat() if notice.valid_until else "",
                },
                target=notice,
            )
            record(None, f"{notice.kind}.expiry_warned", notice)
        warned += 1
    for notice in Notice.objects.filter(status__in=LIVE, valid_until__lt=today).select_related(
        "owner", "report"
    ):
        with transaction.atomic():
            notice.status = NoticeStatus.EXPIRED
            notice.end_reason = "expired"
            notice.save(update_fields=["status", "end_reason"])
            if notice.report is not None and notice.report.status == ReportStatus.ACTIVE:
                withdraw_report(
                    notice.created_by, notice.report, f"{notice.reference} expired", authorised=True
                )
            record(None, f"{notice.kind}.expired", notice)
        expired += 1
    return warned, expired


def cancel_notice(actor: User, notice: Notice, ground: str, text: str) -> Notice:
    """The GS cancels a published notice found not to comply, or a sent diffusion: it is removed everywhere
    (recipients keep a tombstone with the ground's category) and its linked values stop matching."""
    if not is_reviewer(actor):
        raise PermissionDenied(_("Notices are cancelled by General Secretariat reviewers."))
    _check_ground(ground, text)
    diffusion = notice.kind == NoticeKind.DIFFUSION
    with transaction.atomic():
        live = [NoticeStatus.SENT, NoticeStatus.CHECKED] if diffusion else [NoticeStatus.PUBLISHED]
        _move(notice, live, NoticeStatus.CANCELLED)
        _review(actor, notice, {}, "cancel", ground, text.strip())
        notice.refusal_ground, notice.end_reason = ground, text.strip()[:300]
        notice.save()
        _stop_correlating(actor, notice, f"{notice.reference} cancelled by the General Secretariat")
        record(actor, f"{notice.kind}.cancelled", notice, ground=ground)
        if not diffusion:
            notify_agency(
                notice.owner,
                "notice",
                gettext_noop("Your notice %(reference)s was cancelled (%(ground)s)."),
                {"reference": notice.reference, "ground": ground},
                target=notice,
            )
    return notice
