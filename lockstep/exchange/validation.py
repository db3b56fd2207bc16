"""The General Secretariat's validation queue: partner data is held until a GS reviewer or analyst accepts it
(setting its grading) or rejects it (with the reason), before any member sees it (DOMAIN.md, Gateway)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lockstep.alerts.services import notify_agency
from lockstep.audit.services import record
from lockstep.directory.models import AgencyKind, Role, User
from lockstep.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lockstep.intel.models import Report, ReportStatus
from lockstep.intel.services import activate_report
from lockstep.intel.signals import report_changed
from lockstep.policy.models import InfoCredibility, SourceReliability
from lockstep.policy.rules import is_operational


def can_validate(actor: User) -> bool:
    return (
        is_operational(actor)
        and actor.agency.is_general_secretariat
        and actor.has_role(Role.REVIEWER, Role.ANALYST)
    )


def pending_reports(actor: User) -> QuerySet[Report]:
    """The queue, oldest first."""
    if not can_validate(actor):
        return Report.objects.none()
    return (
        Report.objects.filter(status=ReportStatus.PENDING, owner__kind=AgencyKind.PARTNER)
        .select_related("owner", "marking")
        .order_by("created_at", "pk")
    )


def get_pending_for(actor: User, reference: str) -> Report:
    report = pending_reports(actor).filter(reference=reference).first()
    if report is None:
        raise NotFound()
    return report


def accept_partner_report(
    actor: User, report: Report, *, source_reliability: str, info_credibility: str
) -> int:
    """Accept held partner data with the GS's grading: it is released to its audience and correlates.
    Returns the hits it made."""
    if not can_validate(actor):
        raise PermissionDenied()
    if report.status != ReportStatus.PENDING:
        raise Conflict(_("This report is not awaiting validation."))
    errors = {}
    if source_reliability not in SourceReliability.values:
        errors["source_reliability"] = [_("One of A to F.")]
    if str(info_credibility) not in InfoCredibility.values:
        errors["info_credibility"] = [_("One of 1 to 6.")]
    if errors:
        raise InvalidInput(_("Grade the source and the information."), fields=errors)
    with transaction.atomic():
        marking = report.marking
        marking.source_reliability, marking.info_credibility = source_reliability, str(info_credibility)
        marking.save(update_fields=["source_reliability", "info_credibility"])
        record(actor, "report.validated", report, reference=report.reference, grading=marking.grading)
        hits = activate_report(actor, report)
        notify_agency(
            report.owner,
            "report.validated",
            gettext_noop("The General Secretariat accepted your report %(reference)s."),
            {"reference": report.reference},
            report,
        )
    return hits


def reject_partner_report(actor: User, report: Report, reason: str) -> Report:
    """Refuse held partner data: no member ever sees it; the partner sees the reason."""
    if not can_validate(actor):
        raise PermissionDenied()
    if report.status != ReportStatus.PENDING:
        raise Conflict(_("This report is not awaiting validation."))
    if not reason.strip():
        raise InvalidInput(_("Say why the report is rejected."), fields={"reason": [_("Required.")]})
    with transaction.atomic():
        report.status, report.withdrawn_reason = ReportStatus.REJECTED, reason.strip()[:300]
        report.save(update_fields=["status", "withdrawn_reason", "updated_at"])
        record(actor, "report.rejected", report, reference=report.reference, reason=report.withdrawn_reason)
        notify_agency(
            report.owner,
            "report.rejected",
            gettext_noop("The General Secretariat rejected your report %(reference)s: %(reason)s"),
            {"reference": report.reference, "reason": report.withdrawn_reason},
            report,
        )
        report_changed.send(Report, report=report)
    return report
