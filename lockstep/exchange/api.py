"""Exchange API: STIX 2.1 bundles in (as the caller's agency's reports) and out (any report it may export)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Body, Field, Router, Schema, Status

from lockstep.accounts.actor import actor_of
from lockstep.exchange.services import export_stix, import_stix
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


class ExportIn(Schema):
    references: list[str] = Field(min_length=1, max_length=1000)


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
    actor = actor_of(request)
    defaults = MarkingSpec(owner=actor.agency, tlp=tlp, audience=audience)
    result = import_stix(actor, bundle, defaults=defaults, override=override)
    reports = [
        ImportedReportOut(report=ReportOut.of(item.report), added=item.added, hits=item.hits)
        for item in result.submissions
    ]
    return Status(
        201, ImportOut(created=result.created, updated=result.updated, kept=result.kept, reports=reports)
    )


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
def export_reports(request: HttpRequest, payload: ExportIn) -> HttpResponse:
    actor = actor_of(request)
    reports = [access.get_report_for(actor, reference) for reference in dict.fromkeys(payload.references)]
    return _bundle_response(export_stix(actor, reports))
