"""Partner data is held until the General Secretariat validates it: invisible and not matching before, graded
and released after acceptance, never seen by members when rejected; by every way a partner submits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from conftest import verified_client
from lockstep.accounts.services import create_token
from lockstep.alerts.models import Notification
from lockstep.audit.models import AuditEvent
from lockstep.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lockstep.exchange.collections import collections_for
from lockstep.exchange.models import TaxiiObject
from lockstep.exchange.tests.helpers import import_as, load
from lockstep.exchange.validation import accept_partner_report, pending_reports, reject_partner_report
from lockstep.intel import access
from lockstep.intel.imports import import_file
from lockstep.intel.ingest import Submitted
from lockstep.intel.lookup import lookup
from lockstep.intel.models import Hit, ReportStatus
from lockstep.intel.services import add_observables
from lockstep.intel.tests.helpers import submit

pytestmark = pytest.mark.django_db


def _held(world: Any, value: str = "partner-seen.net") -> Any:
    submit(world.outsider, [("domain", value)], audience="members")
    return submit(world.partner, [("domain", value)], audience="everyone").report


def test_partner_data_is_invisible_and_does_not_match_until_validated(world: Any) -> None:
    report = _held(world)
    assert report.status == ReportStatus.PENDING
    assert Hit.objects.count() == 0
    with pytest.raises(NotFound):
        access.get_report_for(world.outsider, report.reference)
    (answer,) = lookup(world.outsider, [("domain", "partner-seen.net")])
    assert [match.agency for match in answer.matches] == ["NCB-NG"]  # its own record only, not the partner's
    assert not TaxiiObject.objects.filter(report=report).exists()
    assert access.get_report_for(world.partner, report.reference) == report  # the partner sees its own
    assert not AuditEvent.objects.filter(action="marking.released", target_id=str(report.pk)).exists()


def test_an_accepted_report_is_graded_released_and_correlates(world: Any) -> None:
    report = _held(world)
    assert list(pending_reports(world.reviewer)) == [report]
    hits = accept_partner_report(world.reviewer, report, source_reliability="B", info_credibility="2")
    report.refresh_from_db()
    assert (report.status, report.marking.grading) == (ReportStatus.ACTIVE, "B2")
    assert hits == 1 and Hit.objects.filter(agency=world.ncb_ng).count() == 1
    assert access.get_report_for(world.outsider, report.reference) == report
    assert TaxiiObject.objects.filter(report=report, part="indicator").count() == 1
    assert AuditEvent.objects.filter(action="report.validated").count() == 1
    assert Notification.objects.filter(agency=world.partner_agency, kind="report.validated").exists()
    assert list(pending_reports(world.reviewer)) == []


def test_a_rejected_report_is_never_seen_and_takes_no_more_values(world: Any) -> None:
    report = _held(world)
    with pytest.raises(InvalidInput):
        reject_partner_report(world.reviewer, report, "  ")
    reject_partner_report(world.reviewer, report, "Unverifiable source")
    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED and report.withdrawn_reason == "Unverifiable source"
    with pytest.raises(NotFound):
        access.get_report_for(world.outsider, report.reference)
    with pytest.raises(Conflict):
        add_observables(world.partner, report, [Submitted("domain", "more.net")])
    with pytest.raises(Conflict):
        accept_partner_report(world.reviewer, report, source_reliability="B", info_credibility="2")
    assert Hit.objects.count() == 0


@pytest.mark.parametrize("who", ["owner", "partner", "gs_admin", "auditor"])
def test_only_gs_reviewers_and_analysts_validate(world: Any, who: str) -> None:
    report = _held(world)
    user = getattr(world, who)
    assert list(pending_reports(user)) == []
    with pytest.raises(PermissionDenied):
        accept_partner_report(user, report, source_reliability="A", info_credibility="1")
    with pytest.raises(PermissionDenied):
        reject_partner_report(user, report, "no")


def test_grading_must_be_admiralty(world: Any) -> None:
    report = _held(world)
    with pytest.raises(InvalidInput) as caught:
        accept_partner_report(world.reviewer, report, source_reliability="Z", info_credibility="9")
    assert set(caught.value.fields) == {"source_reliability", "info_credibility"}


def test_partner_stix_and_file_imports_wait_in_the_queue_too(world: Any, tmp_path: Path) -> None:
    imported = import_as(world.partner, load("partner_bundle.json"), audience="everyone")
    assert {s.report.status for s in imported.submissions} == {ReportStatus.PENDING}
    path = tmp_path / "partner.csv"
    path.write_text("report,type,value\nP-CASE-1,domain,from-a-file.net\n")
    import_file(world.partner, path, tlp="green", audience="everyone")
    statuses = {r.external_ref: r.status for r in pending_reports(world.reviewer)}
    assert statuses["P-CASE-1"] == ReportStatus.PENDING and len(statuses) == 3


def test_a_partner_posting_to_taxii_waits_in_the_queue(world: Any, client: Client) -> None:
    everyone = next(c for c in collections_for(world.partner) if c.key == "everyone")
    token = create_token(None, world.partner, name="t", scope="read-write", days=1)[1]
    indicator = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--4f0d5a2e-9c1b-4e7a-8f3d-2b6c9e1a7d55",
        "created": "2026-11-20T10:00:00.000Z",
        "modified": "2026-11-20T10:00:00.000Z",
        "pattern": "[domain-name:value = 'partner-taxii.net']",
        "pattern_type": "stix",
        "valid_from": "2026-11-20T10:00:00Z",
    }
    response = client.post(
        f"/taxii2/lockstep/collections/{everyone.id}/objects/",
        json.dumps({"objects": [indicator]}),
        content_type="application/taxii+json;version=2.1",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 202 and response.json()["success_count"] == 1
    (report,) = pending_reports(world.reviewer)
    assert report.owner == world.partner_agency and not TaxiiObject.objects.filter(report=report).exists()


def test_the_queue_pages_accept_and_reject(world: Any, client: Client) -> None:
    first, second = _held(world, "first.net"), _held(world, "second.net")
    reviewer = verified_client(client, world.reviewer)
    queue = reviewer.get("/exchange/validation/")
    assert first.reference in queue.content.decode() and second.reference in queue.content.decode()
    page = reviewer.get(f"/exchange/validation/{first.reference}/")
    assert "first.net" in page.content.decode()
    reviewer.post(
        f"/exchange/validation/{first.reference}/accept/",
        {"source_reliability": "C", "info_credibility": "3"},
    )
    reviewer.post(f"/exchange/validation/{second.reference}/reject/", {"reason": "duplicate"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.marking.grading, second.status) == ("active", "C3", "rejected")
    assert "Nothing is waiting" in reviewer.get("/exchange/validation/").content.decode()
