"""MISP events in and out: the golden event, the Marking both ways, lossless export, the round trip, the feed."""

from __future__ import annotations

import copy
import csv
import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from pymisp import MISPEvent

from lockstep.audit.models import AuditEvent
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.exchange import misp_export
from lockstep.exchange.misp_services import export_misp, import_misp, write_feed
from lockstep.exchange.models import MispKept
from lockstep.exchange.services import Imported
from lockstep.exchange.tests.helpers import DATA, load
from lockstep.intel.ingest import Submitted
from lockstep.intel.models import Hit, Observable, Report
from lockstep.intel.services import add_observables, remove_observable, submit_report
from lockstep.intel.tests.helpers import submit
from lockstep.policy.audience import MarkingSpec
from lockstep.policy.models import Community

pytestmark = pytest.mark.django_db


def misp_as(user: Any, data: Any, **marking: Any) -> Imported:
    defaults = MarkingSpec(owner=user.agency, **{"tlp": "amber", "audience": "members", **marking})
    return import_misp(user, data, defaults=defaults)


def describe(report: Report) -> dict[str, Any]:
    marking = report.marking
    return {
        "external_ref": report.external_ref,
        "title": report.title,
        "crime_type": report.crime_type,
        "summary": report.summary,
        "text": report.text,
        "tlp": marking.tlp,
        "audience": marking.audience,
        "conditions": marking.conditions,
        "grading": marking.source_reliability + marking.info_credibility,
        "observables": [
            [
                row.kind,
                row.value,
                row.context,
                row.first_seen.isoformat() if row.first_seen else None,
                row.last_seen.isoformat() if row.last_seen else None,
            ]
            for row in report.observables.order_by("kind", "value")
        ],
        "kept": sorted(f"{row.part} {row.uuid}" for row in report.misp_kept.all()),
    }


def _values(report: Report) -> set[tuple[str, str]]:
    return {(row.kind, row.value) for row in report.observables.all()}


@pytest.mark.parametrize(("name", "kept"), [("misp_event", 15), ("misp_event_ransomware", 12)])
def test_real_world_shaped_events_import_as_their_golden_files_say(world: Any, name: str, kept: int) -> None:
    imported = misp_as(world.owner, load(f"{name}.json"))
    expected = json.loads((DATA / f"{name}.expected.json").read_text())
    assert describe(imported.submissions[0].report) == expected
    assert imported.created == 1 and imported.kept == kept


def test_a_sharing_group_naming_agencies_becomes_named_recipients(world: Any) -> None:
    report = misp_as(world.owner, load("misp_event_ransomware.json")).submissions[0].report
    assert report.marking.audience == "recipients"
    assert list(report.marking.recipients.all()) == [world.ncb_ng]  # "Unknown Org" matches no agency
    event = export_misp(world.owner, [report])[0]["Event"]
    domain_ip = next(a for a in event["Attribute"] if a["type"] == "domain|ip")
    assert domain_ip["value"] == "lockbit-negotiate.top|192.0.2.10"  # one attribute, two values, kept whole
    assert {o["name"] for o in event["Object"]} == {"phone", "x509"}


def test_export_gives_misp_back_every_attribute_object_and_tag_it_sent(world: Any) -> None:
    sent = load("misp_event.json")["Event"]
    report = misp_as(world.owner, load("misp_event.json")).submissions[0].report
    event = export_misp(world.owner, [report])[0]["Event"]
    assert event["uuid"] == sent["uuid"]
    assert {a["uuid"] for a in event["Attribute"]} == {a["uuid"] for a in sent["Attribute"]}
    assert {o["uuid"] for o in event["Object"]} == {o["uuid"] for o in sent["Object"]}
    by_uuid = {a["uuid"]: a for a in event["Attribute"]}
    url = by_uuid["0b9f3a51-6a2d-4c1e-8a11-2d4e6f8a0b01"]
    assert len(url["Sighting"]) == 2 and url["Tag"][0]["name"] == "kill-chain:Delivery"
    tags = {tag["name"] for tag in event["Tag"]}
    assert {"tlp:amber", "PAP:AMBER", 'misp-galaxy:financial-fraud="Smishing"'} <= tags
    assert 'admiralty-scale:source-reliability="b"' in tags
    assert event["Galaxy"][0]["GalaxyCluster"][0]["value"] == "Smishing"
    assert event["distribution"] == "1" and event["Orgc"]["name"] == world.ncb_ke.name
    parsed = MISPEvent()
    parsed.load(json.dumps({"Event": event}))  # pymisp reads it back
    assert len(parsed.attributes) == len(sent["Attribute"])


def test_a_value_removed_in_lockstep_leaves_the_export_and_a_new_one_joins_it(world: Any) -> None:
    report = misp_as(world.owner, load("misp_event.json")).submissions[0].report
    remove_observable(world.owner, report, report.observables.get(kind="domain", value="pay-fee-parcel.xyz"))
    add_observables(world.owner, report, [Submitted("email", "mule@example.net", "recruiter")])
    event = export_misp(world.owner, [report])[0]["Event"]
    domain_ip = next(o for o in event["Object"] if o["name"] == "domain-ip")
    assert [a["object_relation"] for a in domain_ip["Attribute"]] == ["ip"]
    added = [a for a in event["Attribute"] if a["value"] == "mule@example.net"]
    assert added and added[0]["type"] == "email" and added[0]["comment"] == "recruiter"


def test_lockstep_to_misp_to_lockstep_loses_nothing_it_supports(world: Any) -> None:
    marking = MarkingSpec(
        owner=world.ncb_ke,
        tlp="amber+strict",
        audience="recipients",
        recipients=[world.ncb_ng],
        no_judicial_use=True,
        conditions="PAP:GREEN\nAsk before contacting the exchange",
        source_reliability="B",
        info_credibility="2",
        purpose="Asset tracing",
        review_at=datetime.date(2027, 6, 30),
    )
    original = submit_report(
        world.owner,
        marking=marking,
        title="Investment scam wallets",
        crime_type="investment_scam",
        summary="Wallets and accounts of a fake trading platform",
        text="Victims were told to buy coins and send them on.",
        observables=[
            Submitted("eth", "0x52908400098527886E0F7030069857D2E4169EE7", "deposit address"),
            Submitted("trx", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"),
            Submitted("handle", "telegram:trade_desk_pro", "recruiter"),
            Submitted("imei", "490154203237518"),
            Submitted("iban", "DE89370400440532013000", "mule account"),
            Submitted(
                "url",
                "https://fx-gains.example/login",
                "",
                datetime.datetime(2026, 10, 1, 8, 0, tzinfo=datetime.UTC),
                datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC),
            ),
            Submitted("cidr", "198.18.0.0/15"),
            Submitted("md5", "d41d8cd98f00b204e9800998ecf8427e", "empty dropper"),
        ],
    ).report
    event = export_misp(world.owner, [original])
    report = misp_as(world.outsider, event).submissions[0].report
    before, after = describe(original), describe(report)
    for key in ("title", "crime_type", "summary", "text", "tlp", "conditions", "grading", "observables"):
        assert after[key] == before[key], key
    assert report.marking.audience == "recipients"
    assert set(report.marking.recipients.all()) == {world.ncb_ng}
    assert report.marking.no_judicial_use and report.marking.purpose == "Asset tracing"
    assert report.marking.review_at == datetime.date(2027, 6, 30)
    assert report.external_ref == f"report--{misp_export.event_uuid(original)}"
    assert Hit.objects.filter(agency=world.ncb_ng).count() >= 5


def test_distribution_levels_and_sharing_groups_become_audiences(world: Any) -> None:
    community = Community.objects.create(code="OP-SMISH", name="Operation Smish", owner=world.ncb_ke)
    community.members.add(world.ncb_ke, world.ncb_ng)
    cases = [
        ({"distribution": "0"}, "owner", None),
        ({"distribution": "2"}, "members", None),
        ({"distribution": "3"}, "everyone", None),
        (
            {"distribution": "4", "SharingGroup": {"name": "OP-SMISH", "SharingGroupOrg": []}},
            "community",
            None,
        ),
        (
            {
                "distribution": "4",
                "SharingGroup": {
                    "name": "ad hoc",
                    "SharingGroupOrg": [{"Organisation": {"name": world.ncb_ng.code}}],
                },
            },
            "recipients",
            [world.ncb_ng],
        ),
        ({"distribution": "4", "SharingGroup": {"name": "unknown", "SharingGroupOrg": []}}, "owner", None),
    ]
    for number, (fields, audience, recipients) in enumerate(cases):
        data = load("misp_event.json")
        data["Event"] |= fields | {"uuid": f"5c3f8a2e-4b1d-4f7a-9a55-0e2b7f6d1d{number:02d}"}
        report = misp_as(world.owner, data).submissions[0].report
        assert report.marking.audience == audience, fields
        if recipients:
            assert list(report.marking.recipients.all()) == recipients


def test_tlp_red_from_misp_stays_with_the_owner_and_never_leaves(world: Any) -> None:
    data = load("misp_event.json")
    data["Event"]["Tag"].append({"name": "tlp:red"})
    report = misp_as(world.owner, data).submissions[0].report
    assert (report.marking.tlp, report.marking.audience) == ("red", "owner")
    with pytest.raises(PermissionDenied):
        export_misp(world.owner, [report])


def test_an_invalid_event_names_every_bad_attribute_and_stores_nothing(world: Any) -> None:
    data = load("misp_event.json")
    data["Event"]["Attribute"][0]["type"] = "not-a-type"
    data["Event"]["Object"][0]["Attribute"][1]["type"] = "also-bad"
    with pytest.raises(InvalidInput) as caught:
        misp_as(world.owner, data)
    fields = caught.value.fields
    assert any(key.endswith("0b9f3a51-6a2d-4c1e-8a11-2d4e6f8a0b01") for key in fields)
    assert any(key.endswith("7a1e2c3d-4b5f-4a6b-9c7d-8e9f0a1b2d02") for key in fields)
    assert not Report.objects.filter(owner=world.ncb_ke).exists() and not MispKept.objects.exists()


def test_a_value_lockstep_refuses_refuses_the_whole_event(world: Any) -> None:
    data = load("misp_event.json")
    data["Event"]["Attribute"][6]["value"] = "GB00 NOT AN IBAN"
    with pytest.raises(InvalidInput) as caught:
        misp_as(world.owner, data)
    assert any("0b9f3a51-6a2d-4c1e-8a11-2d4e6f8a0b07" in key for key in caught.value.fields)
    assert not Observable.objects.exists()


@pytest.mark.parametrize("data", [[], {"Event": {"info": ""}}, "text", {"response": []}])
def test_what_is_not_a_misp_event_is_refused_with_a_message(world: Any, data: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        misp_as(world.owner, data)
    assert caught.value.message


def test_reimporting_the_event_updates_the_same_report(world: Any) -> None:
    data = load("misp_event.json")
    first = misp_as(world.owner, data).submissions[0].report
    changed = copy.deepcopy(data)
    changed["Event"]["Attribute"][1]["value"] = "parcel-redelivery2.top"
    second = misp_as(world.owner, changed)
    assert (second.created, second.updated) == (0, 1)
    assert first.observables.filter(value="parcel-redelivery2.top").exists()
    kept = MispKept.objects.get(report=first, uuid=data["Event"]["Attribute"][1]["uuid"])
    assert kept.body["value"] == "parcel-redelivery2.top"


def test_a_partners_event_waits_for_validation(world: Any) -> None:
    report = misp_as(world.partner, load("misp_event.json"), audience="everyone").submissions[0].report
    report.refresh_from_db()
    assert report.status == "pending"
    assert not Report.objects.visible_to(world.outsider).filter(pk=report.pk).exists()


def test_import_and_export_are_audited(world: Any) -> None:
    report = misp_as(world.owner, load("misp_event.json")).submissions[0].report
    export_misp(world.owner, [report])
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"exchange.misp_imported", "exchange.misp_exported"} <= actions


def test_the_feed_has_a_manifest_hashes_and_one_file_per_event(world: Any, tmp_path: Path) -> None:
    reports = [
        misp_as(world.owner, load("misp_event.json")).submissions[0].report,
        submit(world.owner, [("domain", "feed-test.example")]).report,
    ]
    assert write_feed(world.owner, reports, tmp_path) == 2
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest) == {misp_export.event_uuid(report) for report in reports}
    for key, entry in manifest.items():
        event = json.loads((tmp_path / f"{key}.json").read_text())["Event"]
        assert event["uuid"] == key and entry["info"] == event["info"]
        assert "SharingGroup" not in event and "distribution" not in event
    rows = list(csv.reader((tmp_path / "hashes.csv").read_text().splitlines()))
    digest = hashlib.md5(b"feed-test.example", usedforsecurity=False).hexdigest()
    assert [digest, misp_export.event_uuid(reports[1])] in rows
    # what a feed gives, a MISP feed import takes back
    again = misp_as(world.outsider, [json.loads((tmp_path / f"{key}.json").read_text()) for key in manifest])
    assert {(o.kind, o.value) for s in again.submissions for o in s.report.observables.all()} == set().union(
        *(_values(report) for report in reports)
    )
