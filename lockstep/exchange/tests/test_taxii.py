"""The TAXII 2.1 server, driven by the OASIS taxii2-client over real HTTP, and by the test client for the
error cases: collections are audiences, what a caller reads is what the policy lets it see, pages are keyset."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from taxii2client.v21 import Collection, Server, as_pages

from lockstep.accounts.services import create_token
from lockstep.audit.models import AuditEvent
from lockstep.exchange.collections import collections_for
from lockstep.exchange.models import TaxiiObject
from lockstep.exchange.tests.helpers import load
from lockstep.intel.ingest import Submitted
from lockstep.intel.models import Hit, Observable, Report, ReportStatus
from lockstep.intel.services import add_observables, withdraw_report
from lockstep.intel.tests.helpers import submit

TAXII = "application/taxii+json;version=2.1"
T = "2026-11-20T10:00:00.000Z"


def _token(user: Any) -> str:
    return create_token(None, user, name="taxii", scope="read-write", days=1)[1]


def _url(live_server: Any, user: Any, key: str) -> str:
    found = next(c for c in collections_for(user) if c.key == key)
    return f"{live_server.url}/taxii2/lockstep/collections/{found.id}/"


def _collection(live_server: Any, user: Any, key: str) -> Collection:
    return Collection(_url(live_server, user, key), user=user.username, password=_token(user))


def _indicator(value: str) -> dict[str, Any]:
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created": T,
        "modified": T,
        "pattern": f"[domain-name:value = '{value}']",
        "pattern_type": "stix",
        "valid_from": T,
    }


def _ids(envelope: dict[str, Any]) -> set[str]:
    return {obj["id"] for obj in envelope.get("objects", [])}


@pytest.mark.django_db(transaction=True)
def test_discovery_api_root_and_collections_through_the_oasis_client(live_server: Any, world: Any) -> None:
    server = Server(f"{live_server.url}/taxii2/", user=world.owner.username, password=_token(world.owner))
    assert server.title == "Lockstep TAXII 2.1"
    root = server.api_roots[0]
    assert root.versions == [TAXII] and root.max_content_length > 0
    titles = {collection.title for collection in root.collections}
    assert {"All member agencies", "Members and partners", "Your agency only"} <= titles
    partner = Server(
        f"{live_server.url}/taxii2/", user=world.partner.username, password=_token(world.partner)
    )
    assert "All member agencies" not in {c.title for c in partner.api_roots[0].collections}


@pytest.mark.django_db(transaction=True)
def test_objects_posted_become_a_correlated_report_and_come_back(live_server: Any, world: Any) -> None:
    submit(world.outsider, [("domain", "taxii-shared.net")], audience="members")
    collection = _collection(live_server, world.owner, "members")
    sent = [_indicator("taxii-shared.net"), _indicator("taxii-only.net")]
    status = collection.add_objects({"objects": sent})
    assert (status.status, status.success_count, status.failure_count) == ("complete", 2, 0)
    report = Report.objects.get(owner=world.ncb_ke)
    assert report.marking.audience == "members"
    assert Hit.objects.filter(agency=world.ncb_ke).count() == 1
    back = collection.get_objects()
    assert {obj["id"] for obj in sent} <= _ids(back)
    assert any(obj["type"] == "report" for obj in back["objects"])
    # the other country reads the same collection and gets it too, under the same rules
    theirs = _collection(live_server, world.outsider, "members").get_objects()
    assert {obj["id"] for obj in sent} <= _ids(theirs)


@pytest.mark.django_db(transaction=True)
def test_a_collection_returns_exactly_what_the_policy_lets_the_caller_see(
    live_server: Any, world: Any
) -> None:
    kept = submit(world.owner, [("domain", "kept-to-kenya.net")], audience="owner").report
    red = submit(world.owner, [("domain", "red-data.net")], audience="owner", tlp="red").report
    everyone = submit(world.owner, [("domain", "for-everyone.net")], audience="everyone", tlp="green").report
    assert TaxiiObject.objects.filter(report=red).count() == 0  # RED never enters a collection
    owner_view = _collection(live_server, world.owner, "owner").get_objects()
    assert any(o.get("name") == kept.title for o in owner_view["objects"] if o["type"] == "report")
    outsider_view = _collection(live_server, world.outsider, "owner").get_objects()
    assert not [o for o in outsider_view.get("objects", []) if o["type"] in ("report", "indicator")]
    partner_view = _collection(live_server, world.partner, "everyone").get_objects()
    names = {o["name"] for o in partner_view["objects"] if o["type"] == "report"}
    assert names == {everyone.title}
    for obj in partner_view["objects"]:
        assert "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1" not in obj.get(
            "object_marking_refs", []
        )


@pytest.mark.django_db(transaction=True)
def test_pages_follow_next_with_the_date_added_headers(live_server: Any, world: Any) -> None:
    values = [("domain", f"page-{n}.net") for n in range(25)]
    submit(world.owner, values, audience="members")
    collection = _collection(live_server, world.owner, "members")
    pages = list(as_pages(collection.get_objects, per_request=10))
    seen = [obj["id"] for page in pages for obj in page.get("objects", [])]
    assert len(pages) >= 3 and len(seen) == len(set(seen))
    assert sum(1 for page in pages for obj in page.get("objects", []) if obj["type"] == "indicator") == 25
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.owner)}", "HTTP_ACCEPT": TAXII}
    path = _url(live_server, world.owner, "members").removeprefix(live_server.url) + "objects/"
    first = client.get(path, {"limit": 5}, **headers)
    body = first.json()
    assert first["X-TAXII-Date-Added-First"] <= first["X-TAXII-Date-Added-Last"]
    assert body["more"] is True and len(body["objects"]) == 5
    after = client.get(path, {"added_after": first["X-TAXII-Date-Added-Last"]}, **headers).json()
    assert not _ids(body) & _ids(after)


@pytest.mark.django_db
def test_filters_manifest_versions_and_object_by_id(world: Any, client: Client) -> None:
    report = submit(world.owner, [("domain", "filter-a.net"), ("ipv4", "8.8.4.5")], audience="members").report
    add_observables(
        world.owner, report, [Submitted("domain", "filter-b.net")]
    )  # the report gets a new version
    found = next(c for c in collections_for(world.owner) if c.key == "members")
    base = f"/taxii2/lockstep/collections/{found.id}/"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.owner)}", "HTTP_ACCEPT": TAXII}
    indicators = client.get(base + "objects/", {"match[type]": "indicator"}, **headers).json()["objects"]
    assert len(indicators) == 3 and {o["type"] for o in indicators} == {"indicator"}
    one = indicators[0]["id"]
    by_id = client.get(base + "objects/", {"match[id]": one}, **headers).json()
    assert _ids(by_id) == {one}
    assert _ids(client.get(base + f"objects/{one}/", **headers).json()) == {one}
    manifest = client.get(base + "manifest/", {"match[type]": "report"}, **headers).json()["objects"]
    assert len(manifest) == 1 and manifest[0]["media_type"] == "application/stix+json;version=2.1"
    versions = client.get(base + f"objects/{manifest[0]['id']}/versions/", **headers).json()
    assert versions["versions"] == [manifest[0]["version"]]
    (sdo,) = client.get(base + f"objects/{manifest[0]['id']}/", **headers).json()["objects"]
    assert set(sdo["object_refs"]) >= {o["id"] for o in indicators}
    assert client.get(base + "objects/", {"match[spec_version]": "2.0"}, **headers).json() == {"more": False}
    missing = client.get(base + f"objects/indicator--{uuid.uuid4()}/", **headers)
    assert missing.status_code == 404 and missing.json()["http_status"] == "404"


@pytest.mark.django_db
def test_delete_is_for_the_owner_and_withdrawn_data_disappears(world: Any, client: Client) -> None:
    report = submit(
        world.owner, [("domain", "delete-me.net"), ("domain", "stays.net")], audience="members"
    ).report
    found = next(c for c in collections_for(world.owner) if c.key == "members")
    base = f"/taxii2/lockstep/collections/{found.id}/objects/"
    mine = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.owner)}", "HTTP_ACCEPT": TAXII}
    theirs = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.outsider)}", "HTTP_ACCEPT": TAXII}
    indicator = next(
        o
        for o in client.get(base, {"match[type]": "indicator"}, **mine).json()["objects"]
        if "delete-me" in o["pattern"]
    )
    assert client.delete(base + indicator["id"] + "/", **theirs).status_code == 403
    assert client.delete(base + indicator["id"] + "/", **mine).status_code == 200
    assert not Observable.objects.get(report=report, value="delete-me.net").active
    assert indicator["id"] not in _ids(client.get(base, **theirs).json())
    withdraw_report(world.owner, report, "recalled")
    assert client.get(base, {"match[type]": "indicator,report"}, **theirs).json() == {"more": False}


@pytest.mark.django_db
def test_every_error_has_a_taxii_body(world: Any, client: Client, settings: Any) -> None:
    found = next(c for c in collections_for(world.owner) if c.key == "members")
    base = f"/taxii2/lockstep/collections/{found.id}/objects/"
    anonymous = client.get("/taxii2/", HTTP_ACCEPT=TAXII)
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Basic")
    assert anonymous.json()["http_status"] == "401" and anonymous["Content-Type"] == TAXII
    token = _token(world.owner)
    basic = base64.b64encode(f"{world.owner.username}:{token}".encode()).decode()
    assert client.get("/taxii2/", HTTP_AUTHORIZATION=f"Basic {basic}").status_code == 200
    wrong_user = base64.b64encode(f"{world.outsider.username}:{token}".encode()).decode()
    assert client.get("/taxii2/", HTTP_AUTHORIZATION=f"Basic {wrong_user}").status_code == 401
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/taxii2/", HTTP_ACCEPT="text/html", **headers).status_code == 406
    envelope = json.dumps({"objects": [_indicator("size.net")]})
    wrong_type = client.post(base, envelope, content_type="application/json", **headers)
    assert wrong_type.status_code == 415 and wrong_type.json()["title"]
    settings.LOCKSTEP_TAXII_MAX_CONTENT_LENGTH = 1024
    big = json.dumps({"objects": [_indicator(f"big-{n}.net") for n in range(10)]})
    assert client.post(base, big, content_type=TAXII, **headers).status_code == 413
    assert client.get(base, {"limit": "many"}, **headers).status_code == 400
    assert client.get(base, {"added_after": "yesterday"}, **headers).status_code == 400
    assert client.get(base, {"next": "not-a-cursor!"}, **headers).status_code == 400
    assert client.get("/taxii2/lockstep/collections/nope/", **headers).status_code == 404
    auditor = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.auditor)}"}
    assert client.get(base, **auditor).status_code == 404
    partner = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.partner)}"}
    recipients = next(c for c in collections_for(world.partner) if c.key == "recipients")
    refused = client.post(  # a POST cannot name recipients: that collection is read-only
        f"/taxii2/lockstep/collections/{recipients.id}/objects/", envelope, content_type=TAXII, **partner
    )
    assert refused.status_code == 403


@pytest.mark.django_db
def test_an_invalid_envelope_reports_each_failure_and_stores_nothing(world: Any, client: Client) -> None:
    found = next(c for c in collections_for(world.owner) if c.key == "members")
    base = f"/taxii2/lockstep/collections/{found.id}/"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.owner)}", "HTTP_ACCEPT": TAXII}
    good, bad = _indicator("fine.net"), _indicator("x.net") | {"pattern": "[domain-name:value = "}
    response = client.post(
        base + "objects/", json.dumps({"objects": [good, bad]}), content_type=TAXII, **headers
    )
    assert response.status_code == 202
    status = response.json()
    assert (status["success_count"], status["failure_count"]) == (0, 2)
    assert "Pattern" in next(f["message"] for f in status["failures"] if f["id"] == bad["id"])
    assert Report.objects.count() == 0
    again = client.get(f"/taxii2/lockstep/status/{status['id']}/", **headers)
    assert again.json() == status
    other = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.outsider)}", "HTTP_ACCEPT": TAXII}
    assert client.get(f"/taxii2/lockstep/status/{status['id']}/", **other).status_code == 404
    red = load("partner_bundle.json")
    report = next(o for o in red["objects"] if o["type"] == "report")
    report["object_marking_refs"] = ["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]
    refused = client.post(
        base + "objects/", json.dumps({"objects": red["objects"]}), content_type=TAXII, **headers
    )
    assert refused.json()["failure_count"] == len(red["objects"]) and Report.objects.count() == 0


@pytest.mark.django_db
def test_reads_are_audited(world: Any, client: Client) -> None:
    submit(world.owner, [("domain", "audited-read.net")], audience="members")
    found = next(c for c in collections_for(world.outsider) if c.key == "members")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.outsider)}"}
    client.get(f"/taxii2/lockstep/collections/{found.id}/objects/", **headers)
    event = AuditEvent.objects.filter(action="taxii.read").latest("pk")
    assert event.details["collection"] == "members" and event.details["count"] > 0
    assert Report.objects.filter(status=ReportStatus.ACTIVE).count() == 1


@pytest.mark.django_db
def test_a_version_the_server_gave_selects_that_version(world: Any, client: Client) -> None:
    submit(world.owner, [("domain", "versioned.net")], audience="members")
    found = next(c for c in collections_for(world.owner) if c.key == "members")
    base = f"/taxii2/lockstep/collections/{found.id}/"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(world.owner)}", "HTTP_ACCEPT": TAXII}
    for item in client.get(base + "manifest/", **headers).json()["objects"]:
        chosen = client.get(base + f"objects/{item['id']}/", {"match[version]": item["version"]}, **headers)
        assert chosen.status_code == 200, item
        (obj,) = chosen.json()["objects"]
        assert obj.get("modified", obj.get("created", item["version"])) == item["version"]


def test_postgresql_statistics_follow_a_large_import(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Stale statistics made PostgreSQL sort a whole collection for each page; a large import analyses."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL plans by table statistics")
    values = [("domain", f"analysed-{number}.top") for number in range(1200)]
    with django_capture_on_commit_callbacks(execute=True):
        submit(world.owner, values, tlp="green")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'exchange_taxiiobject'")
        (estimate,) = cursor.fetchone()
    assert estimate >= 1000  # analysed: the planner knows the collection's size
