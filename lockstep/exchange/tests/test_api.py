"""The exchange API: a bundle in as reports (201, all or nothing, the one error shape), a report out as STIX."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from lockstep.exchange.tests.helpers import bearer, load
from lockstep.intel.models import Report
from lockstep.intel.tests.helpers import submit

pytestmark = pytest.mark.django_db


def test_a_bundle_posted_becomes_reports_and_comes_back_as_stix(world: Any, client: Client) -> None:
    headers = bearer(world.owner)
    response = client.post(
        "/api/v1/exchange/stix?tlp=green",
        json.dumps(load("partner_bundle.json")),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["kept"]) == (2, 0, 21)
    first = body["reports"][0]
    assert first["added"] == 9 and first["report"]["marking"]["tlp"] == "amber"  # the bundle's TLP wins
    exported = client.get(f"/api/v1/reports/{first['report']['reference']}/stix", **headers)
    assert exported.status_code == 200 and exported["Content-Type"] == "application/stix+json;version=2.1"
    assert any(obj["type"] == "malware" for obj in exported.json()["objects"])


def test_an_invalid_bundle_gets_the_error_shape_naming_the_objects(world: Any, client: Client) -> None:
    bundle = load("partner_bundle.json")
    bundle["objects"][4]["pattern"] = "[nonsense"
    response = client.post(
        "/api/v1/exchange/stix", json.dumps(bundle), content_type="application/json", **bearer(world.owner)
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == [f"objects.{bundle['objects'][4]['id']}"]
    assert Report.objects.count() == 0


def test_several_reports_export_as_one_bundle_and_an_invisible_one_is_not_found(
    world: Any, client: Client
) -> None:
    mine = submit(world.owner, [("domain", "one.example")]).report
    also = submit(world.owner, [("domain", "two.example")]).report
    hidden = submit(world.outsider, [("domain", "three.example")], audience="owner").report
    headers = bearer(world.owner)
    response = client.post(
        "/api/v1/exchange/stix/export",
        {"references": [mine.reference, also.reference]},
        content_type="application/json",
        **headers,
    )
    reports = [obj for obj in response.json()["objects"] if obj["type"] == "report"]
    assert response.status_code == 200 and len(reports) == 2
    response = client.post(
        "/api/v1/exchange/stix/export",
        {"references": [mine.reference, hidden.reference]},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404


def test_red_reports_are_refused_with_a_reason(world: Any, client: Client) -> None:
    red = submit(world.owner, [("domain", "red.example")], tlp="red", audience="owner").report
    response = client.get(f"/api/v1/reports/{red.reference}/stix", **bearer(world.owner))
    assert response.status_code == 403 and red.reference in response.json()["error"]["message"]
