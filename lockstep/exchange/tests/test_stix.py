"""STIX 2.1 both ways: every type's object and pattern, exports that stix2-validator accepts, a partner-shaped
bundle imported as its golden file states, a round trip that keeps what it does not map, and refusals that
name every offending object and store nothing."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

import pytest
import stix2
from stix2validator import ValidationOptions, validate_parsed_json

from lockstep.audit.models import AuditEvent
from lockstep.errors import Conflict, InvalidInput, PermissionDenied
from lockstep.exchange import stixmap, tlp
from lockstep.exchange.models import KeptObject
from lockstep.exchange.services import export_stix
from lockstep.exchange.tests.helpers import DATA, describe, import_as, load
from lockstep.intel.canonical import all_types, canonical
from lockstep.intel.models import Hit, Observable, Report
from lockstep.intel.services import withdraw_report
from lockstep.intel.tests.helpers import submit
from lockstep.intel.tests.test_canonical import VALID

pytestmark = pytest.mark.django_db

SAMPLES = sorted({(kind, value) for kind, _raw, value in VALID} | {("phone", "+254712345678")})


def _valid(bundle: dict[str, Any]) -> list[str]:
    results = validate_parsed_json(bundle, ValidationOptions(version="2.1"))
    return [str(error) for error in results.errors]


def test_every_type_has_a_sample_with_a_stix_form() -> None:
    assert {kind for kind, _value in SAMPLES} == set(all_types())


@pytest.mark.parametrize(("kind", "value"), SAMPLES)
def test_each_type_comes_back_from_its_object_and_its_pattern(kind: str, value: str) -> None:
    obj = stixmap.to_object(kind, value)
    back = [(k, canonical(k, raw)) for k, raw in stixmap.from_object(obj)]
    assert back == [(kind, value)]
    text = stixmap.pattern(kind, value)
    if kind == "cve":
        assert text is None and obj["type"] == "vulnerability"
        return
    assert [(k, canonical(k, raw)) for k, raw in stixmap.from_pattern(text)] == [(kind, value)]


@pytest.mark.parametrize(
    ("kind", "value", "library"),
    [
        ("ipv4", "198.51.100.7", lambda: stix2.IPv4Address(value="198.51.100.7")),
        ("ipv6", "2001:db8::1", lambda: stix2.IPv6Address(value="2001:db8::1")),
        ("domain", "evil.example", lambda: stix2.DomainName(value="evil.example")),
        ("url", "http://evil.example/a", lambda: stix2.URL(value="http://evil.example/a")),
        ("email", "a@evil.example", lambda: stix2.EmailAddress(value="a@evil.example")),
        ("sha256", "ab" * 32, lambda: stix2.File(hashes={"SHA-256": "ab" * 32})),
        ("asn", "AS64500", lambda: stix2.AutonomousSystem(number=64500)),
        (
            "handle",
            "x:scam_boss",
            lambda: stix2.UserAccount(account_type="twitter", account_login="scam_boss"),
        ),
    ],
)
def test_cyber_observable_ids_are_the_deterministic_ones_stix_defines(
    kind: str, value: str, library: Any
) -> None:
    assert stixmap.to_object(kind, value)["id"] == library().id


def test_patterns_with_or_and_quotes_name_each_value() -> None:
    text = "[ipv4-addr:value = '203.0.113.1' OR ipv4-addr:value = '203.0.113.2'] OR [url:value = 'http://a.example/it''s']"
    assert stixmap.from_pattern(text)[:2] == [("ipv4", "203.0.113.1"), ("ipv4", "203.0.113.2")]
    assert stixmap.from_pattern(r"[url:value = 'http://a.example/it\'s OR x']") == [
        ("url", "http://a.example/it's OR x")
    ]
    assert stixmap.from_pattern("[network-traffic:dst_port = 443]") == []


def test_an_export_of_every_type_validates_and_carries_the_tlp_2_marking(world: Any) -> None:
    values = [(kind, value) for kind, value in SAMPLES if kind != "ipv4" or value == "192.0.2.1"]
    report = submit(world.owner, values, tlp="amber", context="C2 server").report
    bundle = export_stix(world.owner, [report])
    assert _valid(bundle) == []
    by_type: dict[str, list[dict[str, Any]]] = {}
    for obj in bundle["objects"]:
        by_type.setdefault(obj["type"], []).append(obj)
    assert tlp.marking_definition("amber") in bundle["objects"]
    (sdo,) = by_type["report"]
    assert sdo["name"] == report.title and sdo["external_references"][0]["external_id"] == report.reference
    assert tlp.TLP2_IDS["amber"] in sdo["object_marking_refs"]
    assert len(by_type["indicator"]) == len(values) - 1  # the CVE is a vulnerability, not a pattern
    assert "C2 server" in {i["description"] for i in by_type["indicator"]}
    handling = next(m for m in by_type["marking-definition"] if stixmap.EXTENSION in m.get("extensions", {}))
    assert handling["extensions"][stixmap.EXTENSION]["audience"] == "members"
    assert AuditEvent.objects.filter(action="exchange.stix_exported").count() == 1


def test_the_partner_shaped_bundle_imports_as_its_golden_file_says(world: Any) -> None:
    imported = import_as(world.owner, load("partner_bundle.json"))
    expected = json.loads((DATA / "partner_bundle.expected.json").read_text())
    assert describe(imported) == expected
    assert AuditEvent.objects.filter(action="exchange.stix_imported").count() == 1


def test_export_returns_every_object_the_bundle_brought_unchanged_but_for_markings(world: Any) -> None:
    original = load("partner_bundle.json")
    imported = import_as(world.owner, original)
    exported = export_stix(world.owner, [s.report for s in imported.submissions])
    assert _valid(exported) == []
    out = {obj["id"]: obj for obj in exported["objects"]}
    amber = tlp.TLP2_IDS["amber"]
    for obj in original["objects"]:
        if obj["type"] == "marking-definition" and obj["id"] == amber:
            assert out[obj["id"]] == obj
            continue
        assert obj["id"] in out, f"{obj['id']} was dropped"
        mine = dict(out[obj["id"]])
        if obj["type"] == "report":
            assert mine["name"] == obj["name"] and mine["confidence"] == obj["confidence"]
            assert set(obj["object_refs"]) <= set(mine["object_refs"])
            assert obj["external_references"][0] in mine["external_references"]
            continue
        assert amber in mine.pop("object_marking_refs", [amber])
        assert mine == {key: value for key, value in obj.items() if key != "object_marking_refs"}
    # the indicators the partner wrote are not doubled by generated ones
    patterns = [obj["pattern"] for obj in exported["objects"] if obj["type"] == "indicator"]
    assert len(patterns) == len(set(patterns))


def test_another_agency_importing_the_export_gets_the_same_values_and_a_hit(world: Any) -> None:
    imported = import_as(world.owner, load("partner_bundle.json"))
    exported = export_stix(world.owner, [s.report for s in imported.submissions])
    again = import_as(world.outsider, exported)
    mine = {(o.kind, o.value) for o in Observable.objects.filter(owner=world.ncb_ke)}
    theirs = {(o.kind, o.value) for o in Observable.objects.filter(owner=world.ncb_ng)}
    assert mine == theirs and len(mine) == 10
    # documentation addresses and reserved names are on the built-in warninglists: they never correlate
    correlating = Observable.objects.filter(owner=world.ncb_ng, suppressed="").count()
    assert correlating == 5 and Hit.objects.filter(agency=world.ncb_ng).count() == correlating
    assert again.submissions[0].report.marking.conditions.startswith("Shared with law enforcement")


def test_reimporting_a_bundle_updates_the_same_report(world: Any) -> None:
    bundle = load("partner_bundle.json")
    first = import_as(world.owner, bundle)
    indicator = next(
        o for o in bundle["objects"] if o["type"] == "indicator" and "'203.0.113.45'" in o["pattern"]
    )
    indicator["pattern"] = "[ipv4-addr:value = '203.0.113.46']"
    indicator["modified"] = "2026-11-21T10:00:00.000Z"
    second = import_as(world.owner, bundle)
    assert (second.created, second.updated) == (0, 2)
    assert Report.objects.filter(owner=world.ncb_ke).count() == 2
    report = first.submissions[0].report
    assert report.observables.filter(value="203.0.113.46").exists()
    kept = KeptObject.objects.get(report=report, stix_id=indicator["id"])
    assert kept.body["pattern"] == indicator["pattern"]


def test_an_invalid_bundle_names_every_offending_object_and_stores_nothing(world: Any) -> None:
    bundle = load("partner_bundle.json")
    broken = copy.deepcopy(bundle)
    indicators = [o for o in broken["objects"] if o["type"] == "indicator"]
    indicators[0]["pattern"] = "[ipv4-addr:value = "
    indicators[1]["valid_from"] = "yesterday"
    dangling = f"malware--{uuid.uuid4()}"
    relationship = next(o for o in broken["objects"] if o["type"] == "relationship")
    relationship["target_ref"] = dangling
    before = (Report.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvalidInput) as caught:
        import_as(world.owner, broken)
    fields = caught.value.fields
    assert set(fields) == {f"objects.{indicators[0]['id']}", f"objects.{indicators[1]['id']}"}
    assert "Pattern" in " ".join(fields[f"objects.{indicators[0]['id']}"])
    broken = copy.deepcopy(bundle)
    # a well-formed bundle whose reference leads nowhere
    next(o for o in broken["objects"] if o["type"] == "relationship")["target_ref"] = dangling
    with pytest.raises(InvalidInput) as caught:
        import_as(world.owner, broken)
    assert list(caught.value.fields) == [f"objects.{relationship['id']}"] and dangling in str(
        caught.value.fields
    )
    assert (Report.objects.count(), AuditEvent.objects.count()) == before


def test_a_value_lockstep_refuses_refuses_the_whole_bundle(world: Any) -> None:
    bundle = load("partner_bundle.json")
    ip = next(o for o in bundle["objects"] if o["type"] == "ipv4-addr")
    ip["value"] = "203.0.113.999"
    with pytest.raises(InvalidInput) as caught:
        import_as(world.owner, bundle)
    assert list(caught.value.fields) == [f"objects.{ip['id']}"]
    assert Report.objects.count() == 0 and KeptObject.objects.count() == 0


@pytest.mark.parametrize("data", [[], {"type": "report"}, {"type": "bundle", "objects": []}, "text"])
def test_what_is_not_a_bundle_is_refused_with_a_message(world: Any, data: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        import_as(world.owner, data)
    assert caught.value.message


def test_the_bundle_marking_sets_the_report_marking_and_red_stays_with_the_owner(world: Any) -> None:
    bundle = load("partner_bundle.json")
    report = next(o for o in bundle["objects"] if o["type"] == "report")
    report["object_marking_refs"] = [tlp.TLP2_IDS["red"], tlp.TLP2_IDS["green"]]
    imported = import_as(world.owner, bundle)
    marking = imported.submissions[0].report.marking
    assert (marking.tlp, marking.audience) == ("red", "owner")
    with pytest.raises(PermissionDenied):
        export_stix(world.owner, [imported.submissions[0].report])


def test_lockstep_handling_travels_with_the_bundle(world: Any) -> None:
    report = submit(
        world.owner,
        [("domain", "handled.example")],
        tlp="amber",
        audience="recipients",
        recipients=[world.ncb_ng],
    ).report
    report.marking.no_onward_dissemination = True
    report.marking.source_reliability, report.marking.info_credibility = "B", "2"
    report.marking.save()
    bundle = export_stix(world.owner, [report])
    again = import_as(
        world.colleague,
        bundle
        | {
            "objects": [
                o | ({"id": f"report--{uuid.uuid4()}"} if o["type"] == "report" else {})
                for o in bundle["objects"]
            ]
        },
    )
    marking = again.submissions[0].report.marking
    assert (marking.tlp, marking.audience, marking.grading) == ("amber", "recipients", "B2")
    assert list(marking.recipients.all()) == [world.ncb_ng] and marking.no_onward_dissemination


def test_recipients_may_not_export_what_the_owner_keeps_from_onward_dissemination(world: Any) -> None:
    report = submit(world.owner, [("domain", "kept.example")], tlp="green", audience="members").report
    assert export_stix(world.outsider, [report])["objects"]
    report.marking.no_onward_dissemination = True
    report.marking.save()
    with pytest.raises(PermissionDenied):
        export_stix(world.outsider, [report])
    assert export_stix(world.owner, [report])["objects"]


def test_a_withdrawn_report_is_not_brought_back_by_reimporting(world: Any) -> None:
    bundle = load("partner_bundle.json")
    imported = import_as(world.owner, bundle)
    withdraw_report(world.owner, imported.submissions[0].report, "recalled")
    with pytest.raises(Conflict):
        import_as(world.owner, bundle)


@pytest.mark.parametrize(
    "data",
    [
        {"type": "bundle", "objects": [{"type": "indicator", "id": f"indicator--{uuid.uuid4()}"}]},
        {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [{"type": "indicator"}, "text"]},
    ],
)
def test_a_bundle_without_ids_is_refused_per_object(world: Any, data: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        import_as(world.owner, data)
    assert caught.value.fields and Report.objects.count() == 0
