"""The intel API end to end: submit, hits with disclosure, follow-up and answer, lookups, extraction."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lockstep.accounts.services import create_token
from lockstep.audit.models import AuditEvent
from lockstep.intel.models import Warninglist


@pytest.fixture(autouse=True)
def _documentation_values_correlate(db: None) -> None:
    Warninglist.objects.filter(name="documentation").update(enabled=False)


class Api:
    def __init__(self, client: Client, user: Any) -> None:
        self.client = client
        self.auth = {
            "HTTP_AUTHORIZATION": f"Bearer {create_token(None, user, name='t', scope='read-write', days=1)[1]}"
        }

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}", **self.auth)

    def post(self, path: str, data: Any) -> Any:
        return self.client.post(f"/api/v1{path}", data, content_type="application/json", **self.auth)

    def patch(self, path: str, data: Any) -> Any:
        return self.client.patch(f"/api/v1{path}", data, content_type="application/json", **self.auth)


REPORT = {
    "title": "Bank phishing wave",
    "crime_type": "phishing",
    "summary": "Kit hosted on rented VPS",
    "marking": {"tlp": "amber", "audience": "owner", "conditions": "Ask before any arrest"},
    "observables": [
        {"type": "domain", "value": "login-bank[.]example.net", "context": "phishing page"},
        {"type": "ipv4", "value": "203.0.113.9", "context": "hosting"},
        {"type": "ipv4", "value": "999.0.0.1"},
    ],
}


def test_submit_then_a_no_hit_disclosure_then_follow_up_and_answer(world: Any, client: Client) -> None:
    kenya, nigeria = Api(client, world.owner), Api(client, world.outsider)
    first = kenya.post("/reports", REPORT)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["added"] == 2 and body["hits"] == 0
    assert body["rejected"] == [
        {
            "index": 2,
            "type": "ipv4",
            "value": "999.0.0.1",
            "reason": "not an IPv4 address (four numbers 0-255 separated by dots)",
        }
    ]
    reference = body["report"]["reference"]

    second = nigeria.post(
        "/reports", {**REPORT, "title": "Same kit", "observables": REPORT["observables"][:1]}
    )
    assert second.json()["hits"] == 1
    hit = nigeria.get("/hits").json()[0]
    # Kenya's report is owner-only: Nigeria learns that it exists, whose it is, its reference and handling only.
    assert hit["other"] == {
        "agency": "NCB-KE",
        "reference": reference,
        "tlp": "amber",
        "no_judicial_use": False,
        "no_onward_dissemination": False,
        "conditions": "Ask before any arrest",
        "visible": False,
        "title": "",
        "context": "",
        "crime_type": "",
    }
    assert nigeria.get(f"/reports/{reference}").status_code == 404

    asked = nigeria.post(f"/hits/{hit['id']}/follow-ups", {"message": "Please share the hosting details."})
    assert asked.status_code == 201
    incoming = kenya.get("/follow-ups?incoming=true").json()
    assert [item["message"] for item in incoming] == ["Please share the hosting details."]
    answered = kenya.post(f"/follow-ups/{incoming[0]['id']}/answer", {"answer": "VPS at AS64496, seized."})
    assert answered.json()["status"] == "answered"
    assert nigeria.get("/hits").json()[0]["state"] == "answered"
    # Kenya sees its own hit with Nigeria's record in full: Nigeria shared with all members.
    kenya_hit = kenya.get("/hits").json()[0]
    assert kenya_hit["other"]["agency"] == "NCB-NG"


def test_a_visible_other_record_is_disclosed(world: Any, client: Client) -> None:
    kenya, nigeria = Api(client, world.owner), Api(client, world.outsider)
    kenya.post("/reports", {**REPORT, "marking": {"tlp": "green", "audience": "members"}})
    nigeria.post("/reports", {**REPORT, "title": "Same kit"})
    other = nigeria.get("/hits").json()[0]["other"]
    assert other["visible"] is True and other["title"] == "Bank phishing wave" and other["context"]


def test_owner_changes_and_withdraws_others_cannot(world: Any, client: Client) -> None:
    kenya, colleague, nigeria = (
        Api(client, world.owner),
        Api(client, world.colleague),
        Api(client, world.outsider),
    )
    reference = kenya.post("/reports", {**REPORT, "marking": {"tlp": "green", "audience": "members"}}).json()[
        "report"
    ]["reference"]
    assert nigeria.patch(f"/reports/{reference}", {"title": "Mine now"}).status_code == 404
    assert (
        colleague.patch(f"/reports/{reference}", {"title": "Renamed", "review_at": "2099-01-01"}).json()[
            "title"
        ]
        == "Renamed"
    )
    assert nigeria.get(f"/reports/{reference}").json()["marking"]["review_at"] == "2099-01-01"
    assert (
        kenya.post(f"/reports/{reference}/withdraw", {"reason": "duplicate"}).json()["status"] == "withdrawn"
    )
    assert nigeria.get(f"/reports/{reference}").status_code == 404  # gone for recipients
    assert kenya.get(f"/reports/{reference}").json()["status"] == "withdrawn"  # the owner keeps its record


def test_bulk_add_to_a_report(world: Any, client: Client) -> None:
    kenya = Api(client, world.owner)
    reference = kenya.post("/reports", {**REPORT, "observables": []}).json()["report"]["reference"]
    batch = [{"type": "ipv4", "value": f"198.51.100.{i}"} for i in range(1, 201)]
    assert kenya.post(f"/reports/{reference}/observables", {"observables": batch}).json()["added"] == 200
    assert kenya.post(f"/reports/{reference}/observables", {"observables": batch}).json()["added"] == 0
    assert len(kenya.get(f"/reports/{reference}/observables?limit=500").json()) == 200


def test_lookups_follow_the_same_rules_and_are_audited(world: Any, client: Client) -> None:
    kenya, nigeria = Api(client, world.owner), Api(client, world.outsider)
    kenya.post("/reports", REPORT)
    one = nigeria.get("/lookup?value=login-bank[.]example.net").json()
    assert one["type"] == "domain" and one["value"] == "login-bank.example.net"
    assert [(m["agency"], m["visible"], m["title"]) for m in one["matches"]] == [("NCB-KE", False, "")]
    batch = nigeria.post(
        "/lookup",
        {
            "values": [
                {"value": "203.0.113.9"},
                {"value": "8.8.8.8"},
                {"type": "btc", "value": "1nope"},
                {"value": "nothing.example.org"},
            ]
        },
    )
    answers = batch.json()
    assert [len(a["matches"]) for a in answers] == [1, 0, 0, 0]
    assert answers[1]["warninglist"] == "public-dns-resolvers"
    assert answers[2]["error"]
    event = AuditEvent.objects.filter(action="intel.lookup", actor=world.outsider).order_by("-seq").first()
    assert event.details["values"] == 4 and event.details["matched"] == 1
    assert "ipv4:203.0.113.9" in event.details["queries"]


def test_owners_can_ask_to_be_told_of_lookups(world: Any, client: Client) -> None:
    from lockstep.alerts.models import Notification

    kenya, nigeria = Api(client, world.owner), Api(client, world.outsider)
    kenya.post("/reports", {**REPORT, "notify_on_lookup": True})
    nigeria.get("/lookup?value=203.0.113.9")
    note = Notification.objects.get(agency=world.ncb_ke, kind="lookup")
    assert note.params["agency"] == "NCB-NG"


def test_extract_endpoint_uses_the_agency_country(world: Any, client: Client) -> None:
    found = Api(client, world.owner).post(
        "/extract", {"text": "Call 0712 345 678 or visit hxxp://x-y[.]net/a"}
    )
    assert found.json() == {"url": ["http://x-y.net/a"], "phone": ["+254712345678"]}


def test_bad_submissions_get_clear_errors_and_store_nothing(world: Any, client: Client) -> None:
    from lockstep.intel.models import Report

    kenya = Api(client, world.owner)
    assert kenya.post("/reports", {**REPORT, "crime_type": "jaywalking"}).json()["error"]["fields"] == {
        "crime_type": ["Choose a crime type."]
    }
    red = kenya.post("/reports", {**REPORT, "marking": {"tlp": "red", "audience": "members"}})
    assert red.status_code == 400 and "audience" in red.json()["error"]["fields"]
    strict = kenya.post("/reports", {**REPORT, "all_or_nothing": True})
    assert strict.status_code == 400 and "observables[2]" in strict.json()["error"]["fields"]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("203.0.113[.]9", "ipv4"),
        ("2001:db8::1", "ipv6"),
        ("198.51.100.0/24", "cidr"),
        ("hxxp://x-y[.]net/a", "url"),
        ("a[@]b-c.org", "email"),
        ("44d88612fea8a8f36de82e1278abb02f", "md5"),
        ("CVE-2024-3094", "cve"),
        ("0x52908400098527886E0F7030069857D2E4169EE7", "eth"),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "btc"),
        ("TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", "trx"),
        ("GB82 WEST 1234 5698 7654 32", "iban"),
        ("+254 712 345 678", "phone"),
        ("telegram:@someone", "handle"),
        ("evil[.]example.net", "domain"),
        ("AS13335", "asn"),
        ("KE:01:0123456789", "bank_account"),
        ("0712 345 678", "phone"),
        ("LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz", "ltc"),
        ("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "xrp"),
        ("490154203237518", "imei"),
    ],
)
def test_lookups_recognise_the_type(raw: str, kind: str) -> None:
    from lockstep.intel.lookup import guess_kind

    assert guess_kind(raw, "KE")[0] == kind
