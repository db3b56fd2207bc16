"""Formats through one entry: detection, the API for MISP and files, CSV columns, plain lists under TLP."""

from __future__ import annotations

import csv
import json
from typing import Any

import pytest
from django.test import Client

from lockstep.errors import InvalidInput
from lockstep.exchange.documents import detect, export_list
from lockstep.exchange.tabular import CSV_FIELDS
from lockstep.exchange.tests.helpers import bearer, load
from lockstep.intel.ingest import Submitted
from lockstep.intel.models import Report
from lockstep.intel.services import submit_report, withdraw_report
from lockstep.intel.tests.helpers import submit
from lockstep.policy.audience import MarkingSpec

pytestmark = pytest.mark.django_db


def test_detection_tells_stix_from_misp_and_refuses_the_rest() -> None:
    assert detect(load("partner_bundle.json")) == "stix"
    assert detect(load("misp_event.json")) == "misp"
    assert detect([load("misp_event.json")]) == "misp"
    assert detect({"response": []}) == "misp"
    with pytest.raises(InvalidInput):
        detect({"objects": []})


def test_a_misp_event_posted_becomes_a_report_and_leaves_in_every_format(world: Any, client: Client) -> None:
    headers = bearer(world.owner)
    response = client.post(
        "/api/v1/exchange/misp",
        json.dumps(load("misp_event.json")),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    reference = response.json()["reports"][0]["report"]["reference"]
    assert response.json()["reports"][0]["added"] == 13
    misp = client.get(f"/api/v1/reports/{reference}/export?format=misp", **headers)
    assert misp.status_code == 200 and misp.json()["Event"]["uuid"] == "5c3f8a2e-4b1d-4f7a-9a55-0e2b7f6d1c01"
    assert misp["Content-Disposition"] == f'attachment; filename="{reference}.misp.json"'
    stix = client.get(f"/api/v1/reports/{reference}/export?format=stix", **headers)
    assert stix["Content-Type"] == "application/stix+json;version=2.1"
    assert "report" in {obj["type"] for obj in stix.json()["objects"]}
    rows = list(
        csv.DictReader(
            client.post(
                "/api/v1/exchange/export",
                {"references": [reference], "format": "csv", "map": {"value": "indicator"}},
                content_type="application/json",
                **headers,
            )
            .content.decode()
            .splitlines()
        )
    )
    assert len(rows) == 13 and {row["report"] for row in rows} == {reference}
    assert "indicator" in rows[0] and "value" not in rows[0]
    bad = client.get(f"/api/v1/reports/{reference}/export?format=docx", **headers)
    assert bad.status_code == 400 and bad.json()["error"]["fields"] == {"format": ["docx"]}


def test_a_bad_event_gets_the_error_shape_and_nothing_is_stored(world: Any, client: Client) -> None:
    event = load("misp_event.json")
    event["Event"]["Attribute"][2]["type"] = "no-such-type"
    response = client.post(
        "/api/v1/exchange/misp", json.dumps(event), content_type="application/json", **bearer(world.owner)
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == [
        "events.5c3f8a2e-4b1d-4f7a-9a55-0e2b7f6d1c01.0b9f3a51-6a2d-4c1e-8a11-2d4e6f8a0b03"
    ]
    assert not Report.objects.exists()


def test_an_unknown_csv_column_mapping_is_refused(world: Any, client: Client) -> None:
    reference = submit(world.owner, [("domain", "mapped.example")]).report.reference
    response = client.post(
        "/api/v1/exchange/export",
        {"references": [reference], "format": "csv", "map": {"colour": "x"}},
        content_type="application/json",
        **bearer(world.owner),
    )
    assert response.status_code == 400 and "colour" in response.json()["error"]["message"]
    assert set(CSV_FIELDS) >= {"report", "type", "value"}


def test_plain_lists_hold_only_what_may_leave_the_agency(world: Any) -> None:
    for tlp in ("clear", "green", "amber", "amber+strict"):
        submit(world.owner, [("domain", f"{tlp.replace('+', '-')}-list.top")], tlp=tlp)
    submit(world.owner, [("domain", "red-list.top")], tlp="red", audience="owner")
    submit_report(
        world.owner,
        title="owner's conditions",
        crime_type="phishing",
        marking=MarkingSpec(
            owner=world.ncb_ke, tlp="green", audience="members", no_onward_dissemination=True
        ),
        observables=[Submitted("domain", "kept-in-list.top")],
    )
    gone = submit(world.owner, [("domain", "withdrawn-list.top")]).report
    withdraw_report(world.owner, gone, "wrong")
    submit(world.owner, [("domain", "example.com")])  # on a warninglist: never a blocking entry
    submit(world.outsider, [("domain", "amber-list.top"), ("domain", "nigeria-list.top")], tlp="green")
    submit(world.outsider, [("domain", "secret-ng-list.top")], audience="owner")
    values = export_list(world.owner, "domain")
    assert values == ["amber-list.top", "clear-list.top", "green-list.top", "nigeria-list.top"]
    with pytest.raises(InvalidInput):
        export_list(world.owner, "colour")


def test_the_list_endpoint_answers_plain_text(world: Any, client: Client) -> None:
    submit(world.owner, [("url", "https://listed-entry.top/a")], tlp="green")
    response = client.get("/api/v1/exchange/lists/url", **bearer(world.owner))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "https://listed-entry.top/a\n"
