"""Exchange API: STIX 2.1 bundles and MISP events in (as the caller's agency's reports); STIX, MISP and CSV out
(any report the caller may export); plain per-type lists for blocking tools."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema, Status

from lockstep.accounts.actor import actor_of
from lockstep.errors import PermissionDenied
from lockstep.exchange import validation
from lockstep.exchange.documents import export_list, export_reports, import_document
from lockstep.exchange.services import Imported, export_stix
from lockstep.intel import access
from lockstep.intel.schemas import ReportOut
from lockstep.policy.audience import MarkingSpec

router = Router(tags=["exchange"])
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"


class ImportedReportOut(Schema):
    report: ReportOut
    added: int = Field(description="Values new to the report")
    hits: int


class ImportOut(Schema):
    created: int
    updated: int = Field(description="Reports an earlier import of the same STIX report created")
    kept: int = Field(description="STIX objects kept as sent, returned on export")
    reports: list[ImportedReportOut]


class GradingIn(Schema):
    source_reliability: str = Field(description="A to F")
    info_credibility: str = Field(description="1 to 6")


class RejectIn(Schema):
    reason: str


class ValidatedOut(Schema):
    report: ReportOut
    hits: int


class ExportIn(Schema):
    references: list[str] = Field(min_length=1, max_length=1000)


class DocumentExportIn(ExportIn):
    format: str = Field("stix", description="stix, misp or csv")
    map: dict[str, str] = Field(default_factory=dict, description="CSV: field -> column name")


def _import(
    request: HttpRequest, data: Any, format: str, tlp: str, audience: str, override: bool
) -> Imported:
    actor = actor_of(request)
    defaults = MarkingSpec(owner=actor.agency, tlp=tlp, audience=audience)
    return import_document(actor, data, defaults=defaults, format=format, override=override)


def _imported(result: Imported) -> Status[ImportOut]:
    reports = [
        ImportedReportOut(report=ReportOut.of(item.report), added=item.added, hits=item.hits)
        for item in result.submissions
    ]
    return Status(
        201, ImportOut(created=result.created, updated=result.updated, kept=result.kept, reports=reports)
    )


def _bundle_response(bundle: dict[str, Any]) -> HttpResponse:
    return HttpResponse(json.dumps(bundle), content_type=STIX_MEDIA_TYPE)


@router.post(
    "/exchange/stix",
    response={201: ImportOut},
    summary="Import a STIX 2.1 bundle as reports of the caller's agency (correlated); all or nothing",
)
def import_bundle(
    request: HttpRequest,
    bundle: dict[str, Any] = Body(...),  # noqa: B008 - ninja's way to take the whole body
    tlp: str = "amber",
    audience: str = "members",
    override: bool = False,
) -> Status[ImportOut]:
    return _imported(_import(request, bundle, "stix", tlp, audience, override))


@router.post(
    "/exchange/misp",
    response={201: ImportOut},
    summary="Import MISP events (one event, a list, or a restSearch answer) as reports; all or nothing",
)
def import_events(
    request: HttpRequest,
    events: Any = Body(...),  # noqa: B008 - ninja's way to take the whole body
    tlp: str = "amber",
    audience: str = "members",
    override: bool = False,
) -> Status[ImportOut]:
    return _imported(_import(request, events, "misp", tlp, audience, override))


@router.get(
    "/reports/{reference}/export",
    response={200: Any},
    summary="One report as a file: format stix, misp or csv (never TLP:RED)",
)
def export_one(request: HttpRequest, reference: str, format: str = "stix") -> HttpResponse:
    actor = actor_of(request)
    return export_reports(actor, [access.get_report_for(actor, reference)], format).as_response()


@router.post(
    "/exchange/export",
    response={200: Any},
    summary="Several reports as one file: STIX bundle, MISP events or CSV",
)
def export_many(request: HttpRequest, payload: DocumentExportIn) -> HttpResponse:
    actor = actor_of(request)
    reports = [access.get_report_for(actor, reference) for reference in dict.fromkeys(payload.references)]
    return export_reports(actor, reports, payload.format, payload.map).as_response()


@router.get(
    "/exchange/lists/{kind}",
    response={200: str},
    summary="Every value of one type the caller may hand to a blocking tool, one per line (TLP up to AMBER)",
)
def plain_list(request: HttpRequest, kind: str) -> HttpResponse:
    values = export_list(actor_of(request), kind)
    return HttpResponse("".join(f"{value}\n" for value in values), content_type="text/plain; charset=utf-8")


@router.get(
    "/reports/{reference}/stix",
    response={200: dict[str, Any]},
    summary="One report as a STIX 2.1 bundle (never TLP:RED)",
)
def export_report(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    return _bundle_response(export_stix(actor, [access.get_report_for(actor, reference)]))


@router.post(
    "/exchange/stix/export", response={200: dict[str, Any]}, summary="Several reports as one STIX 2.1 bundle"
)
def export_stix_reports(request: HttpRequest, payload: ExportIn) -> HttpResponse:
    actor = actor_of(request)
    reports = [access.get_report_for(actor, reference) for reference in dict.fromkeys(payload.references)]
    return _bundle_response(export_stix(actor, reports))


@router.get(
    "/exchange/validation",
    response=list[ReportOut],
    summary="Partner reports awaiting validation, oldest first (GS reviewers and analysts)",
)
def queue(request: HttpRequest) -> list[ReportOut]:
    actor = actor_of(request)
    if not validation.can_validate(actor):
        raise PermissionDenied(_("The validation queue is for General Secretariat reviewers and analysts."))
    return [ReportOut.of(report) for report in validation.pending_reports(actor)[:500]]


@router.post(
    "/exchange/validation/{reference}/accept",
    response=ValidatedOut,
    summary="Accept a partner report with the GS grading: it is released and correlates",
)
def accept(request: HttpRequest, reference: str, payload: GradingIn) -> ValidatedOut:
    actor = actor_of(request)
    report = validation.get_pending_for(actor, reference)
    hits = validation.accept_partner_report(
        actor,
        report,
        source_reliability=payload.source_reliability,
        info_credibility=payload.info_credibility,
    )
    report.refresh_from_db()
    return ValidatedOut(report=ReportOut.of(report), hits=hits)


@router.post(
    "/exchange/validation/{reference}/reject",
    response=ReportOut,
    summary="Reject a partner report (the partner sees the reason; no member ever sees the data)",
)
def reject(request: HttpRequest, reference: str, payload: RejectIn) -> ReportOut:
    actor = actor_of(request)
    report = validation.get_pending_for(actor, reference)
    return ReportOut.of(validation.reject_partner_report(actor, report, payload.reason))
