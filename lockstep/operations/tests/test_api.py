"""The operations API from launch to the dashboard: infrastructure in pages, filters, bulk states and CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from conftest import verified_client
from lockstep.audit.models import AuditEvent
from lockstep.directory.tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(world: Any) -> dict[str, Client]:
    AgencyFactory(code="AFRIPOL", kind="regional_body", country_id=None, region="africa")
    coordinator = UserFactory(username="gs.coord", agency=world.gs, roles=["coordinator", "officer"])
    return {
        "coordinator": verified_client(Client(), coordinator),
        "kenya": verified_client(Client(), world.owner),
        "nigeria": verified_client(Client(), world.outsider),
        "partner": verified_client(Client(), world.partner),
    }


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_an_operation_through_the_api(clients: dict[str, Client]) -> None:
    launched = _post(
        clients["coordinator"],
        "/api/v1/operations",
        {
            "code_name": "Serengeti",
            "objectives": "Dismantle scam infrastructure",
            "crime_focus": "online scams",
            "co_leads": ["AFRIPOL"],
            "participants": ["NCB-KE"],
            "partners": ["P-TEST"],
            "phases": [{"kind": "action", "starts_on": "2024-09-02", "ends_on": "2024-10-31"}],
        },
    )
    assert launched.status_code == 201, launched.content
    assert {p["agency"]: p["role"] for p in launched.json()["participants"]}["AFRIPOL"] == "co_lead"
    assert clients["nigeria"].get("/api/v1/operations/Serengeti").status_code == 404
    unknown = _post(
        clients["coordinator"],
        "/api/v1/operations",
        {"code_name": "X1", "objectives": "x", "crime_focus": "y", "participants": ["NCB-ZZ"]},
    )
    assert unknown.status_code == 400 and unknown.json()["error"]["fields"] == {"participants": ["NCB-ZZ"]}

    items = [
        {"kind": "domain", "value": f"s{n}.example", "country": "KE" if n % 2 else "NG"} for n in range(250)
    ]
    imported = _post(clients["kenya"], "/api/v1/operations/Serengeti/infrastructure", {"items": items})
    assert imported.json() == {"read": 250, "created": 250, "already": 0}
    partner = _post(
        clients["partner"],
        "/api/v1/operations/Serengeti/infrastructure",
        {"items": [{"kind": "ip", "value": "198.51.100.9"}]},
    )
    assert partner.json()["created"] == 1

    seen, after = [], 0
    while True:
        page = (
            clients["kenya"]
            .get(
                "/api/v1/operations/Serengeti/infrastructure", {"limit": 100, "after": after, "country": "KE"}
            )
            .json()
        )
        seen += [item["value"] for item in page["items"]]
        if page["next_after"] is None:
            break
        after = page["next_after"]
    assert len(seen) == 125 == len(set(seen))

    changed = _post(
        clients["kenya"],
        "/api/v1/operations/Serengeti/infrastructure/state",
        {"state": "taken_down", "country": "KE", "evidence_ref": "ticket 1"},
    )
    assert changed.json() == {"changed": 125}
    nothing_named = _post(
        clients["kenya"], "/api/v1/operations/Serengeti/infrastructure/state", {"state": "refused"}
    )
    assert nothing_named.status_code == 400
    exported = clients["kenya"].get(
        "/api/v1/operations/Serengeti/infrastructure.csv", {"state": "taken_down"}
    )
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert len(rows) == 125 and rows[0]["evidence_ref"] == "ticket 1" and rows[0]["closed_on"]
    exported_event = AuditEvent.objects.get(action="operation.infrastructure_exported")
    assert exported_event.details["items"] == 125

    reported = _post(
        clients["kenya"],
        "/api/v1/operations/Serengeti/results",
        {
            "counts": {"arrests": 12, "victims_identified": 300},
            "money": [
                {
                    "kind": "seized",
                    "amount": "50000",
                    "currency": "USD",
                    "usd_rate": "1",
                    "rate_date": "2024-10-31",
                }
            ],
        },
    )
    assert reported.json() == {
        "agency": "NCB-KE",
        "version": 1,
        "counts": {"arrests": 12, "victims_identified": 300},
    }
    again = _post(clients["kenya"], "/api/v1/operations/Serengeti/results", {"counts": {"arrests": 13}})
    assert again.status_code == 400  # a correction needs its reason
    assert (
        _post(
            clients["partner"], "/api/v1/operations/Serengeti/results", {"counts": {"arrests": 1}}
        ).status_code
        == 403
    )
    figures = clients["coordinator"].get("/api/v1/operations/Serengeti/dashboard").json()
    assert figures["totals"]["arrests"] == 12 and figures["usd"]["seized"] == "50000.00"
    assert figures["taken_down"] == 125 and figures["identified"] == 251
    assert (
        "12 arrests" in figures["press"]
        and "125 malicious infrastructures taken down (50% of those identified)" in figures["press"]
    )
    assert figures["countries"][0]["money"][0]["usd_rate"] == "1.00000000"

    results = clients["partner"].get("/api/v1/operations/Serengeti/results.csv")
    lines = list(csv.DictReader(io.StringIO(results.content.decode())))
    assert [(row["agency"], row["arrests"], row["usd_seized"]) for row in lines] == [
        ("NCB-KE", "12", "50000.00"),
        ("total", "12", "50000.00"),
    ]
    assert AuditEvent.objects.filter(action="operation.results_exported", agency_code="P-TEST").exists()
    printed = clients["coordinator"].get("/api/v1/operations/Serengeti/report.pdf")
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.content)).pages)
    assert "Operation Serengeti" in text and "Kenya (NCB-KE), version 1" in text
    assert "50,000.00 USD at 1 USD (rate of 2024-10-31) = USD 50,000.00" in text
    assert "125 of 251 identified items taken down (50%)" in text
    assert AuditEvent.objects.filter(action="operation.report_printed").count() == 1
    assert clients["nigeria"].get("/api/v1/operations/Serengeti/report.pdf").status_code == 404


def test_targets_and_tasks_through_the_api(world: Any, clients: dict[str, Client]) -> None:
    from lockstep.intel.ingest import Submitted
    from lockstep.intel.services import submit_report
    from lockstep.policy.audience import MarkingSpec
    from lockstep.policy.models import TLP, Audience

    _post(
        clients["coordinator"],
        "/api/v1/operations",
        {
            "code_name": "Jackal",
            "objectives": "Black Axe cells",
            "crime_focus": "BEC",
            "participants": ["NCB-KE", "NCB-NG"],
            "partners": ["P-TEST"],
        },
    )
    members_only = submit_report(
        world.owner,
        title="Mule accounts",
        crime_type="phishing",
        marking=MarkingSpec(owner=world.ncb_ke, tlp=TLP.AMBER, audience=Audience.MEMBERS),
        observables=[Submitted("domain", "mule-bank.example")],
    ).report
    body = {
        "kind": "group",
        "name": "Black Axe cell, Lagos",
        "allocated_to": "NCB-NG",
        "values": [{"kind": "domain", "value": "MULE-BANK.example."}],
        "reports": [members_only.reference],
    }
    assert _post(clients["kenya"], "/api/v1/operations/Jackal/targets", body).status_code == 403
    added = _post(clients["coordinator"], "/api/v1/operations/Jackal/targets", body)
    assert added.status_code == 201, added.content
    target = added.json()
    assert target["values"] == [{"kind": "domain", "value": "mule-bank.example"}]
    assert target["reports"] == [members_only.reference] and target["allocated_to"] == "NCB-NG"
    faulty = _post(
        clients["coordinator"],
        "/api/v1/operations/Jackal/targets",
        {"kind": "group", "name": "X", "allocated_to": "NCB-ZZ"},
    )
    assert faulty.status_code == 400 and faulty.json()["error"]["fields"] == {"allocated_to": ["NCB-ZZ"]}

    task = _post(
        clients["coordinator"],
        f"/api/v1/operations/Jackal/targets/{target['id']}/tasks",
        {"agency": "NCB-NG", "text": "Search the call centre", "due_on": "2024-09-20"},
    )
    assert task.status_code == 201 and task.json()["done_at"] is None
    task_id = task.json()["id"]
    assert _post(clients["kenya"], f"/api/v1/operations/Jackal/tasks/{task_id}/done", {}).status_code == 403
    assert _post(clients["nigeria"], "/api/v1/operations/Jackal/tasks/99999/done", {}).status_code == 404
    done = _post(clients["nigeria"], f"/api/v1/operations/Jackal/tasks/{task_id}/done", {})
    assert done.status_code == 200 and done.json()["done_at"]
    assert _post(clients["nigeria"], f"/api/v1/operations/Jackal/tasks/{task_id}/done", {}).status_code == 409

    # the partner takes part, but may not see the members' report: it is not told the target links it
    seen = clients["partner"].get("/api/v1/operations/Jackal/targets").json()
    assert seen[0]["name"] == "Black Axe cell, Lagos" and seen[0]["reports"] == []
    assert clients["kenya"].get("/api/v1/operations/Jackal/targets").json()[0]["tasks"][0]["done_at"]
    assert (
        AuditEvent.objects.filter(action__in=["operation.target_added", "operation.task_done"]).count() == 2
    )
