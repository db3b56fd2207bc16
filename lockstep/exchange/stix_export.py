"""Reports as a STIX 2.1 bundle: report, identities, TLP 2.0 and Lockstep handling markings, one SCO and one
indicator per observable, and every object an imported bundle brought that Lockstep kept."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from lockstep.directory.models import Agency
from lockstep.exchange import stixmap, tlp
from lockstep.exchange.stixmap import EXTENSION, PROJECT_IDENTITY, lockstep_id, stix_time
from lockstep.intel.canonical import InvalidValue, canonical
from lockstep.intel.models import Observable, Report
from lockstep.policy.models import Marking

EXTENSION_CREATED = "2026-12-03T00:00:00.000Z"
REPORT_ID = re.compile(r"^report--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def extension_definition() -> dict[str, Any]:
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EXTENSION,
        "created_by_ref": PROJECT_IDENTITY,
        "created": EXTENSION_CREATED,
        "modified": EXTENSION_CREATED,
        "name": "Lockstep",
        "description": "Lockstep handling (audience, originator conditions, Admiralty grading), report and "
        "observable context, and cyber-observable types STIX lacks: phone numbers, wallets, IBANs, bank "
        "accounts, IMEIs.",
        "schema": "Described in Lockstep's docs/exchange.md, section 'The Lockstep STIX extension'.",
        "version": "1.0",
        "extension_types": ["new-sco", "property-extension"],
    }


def project_identity() -> dict[str, Any]:
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": PROJECT_IDENTITY,
        "created": EXTENSION_CREATED,
        "modified": EXTENSION_CREATED,
        "name": "Lockstep",
        "identity_class": "system",
    }


def agency_id(agency: Agency) -> str:
    return lockstep_id("identity", agency.code)


def agency_identity(agency: Agency) -> dict[str, Any]:
    when = stix_time(agency.created_at)
    properties: dict[str, Any] = {"extension_type": "property-extension", "agency_code": agency.code}
    properties |= {
        "agency_kind": agency.kind,
        **({"country": agency.country_id} if agency.country_id else {}),
    }
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": agency_id(agency),
        "created": when,
        "modified": when,
        "name": agency.name,
        "identity_class": "organization",
        "sectors": ["government-public-services"] if agency.kind != "partner" else [],
        "extensions": {EXTENSION: properties},
    }


def handling(marking: Marking) -> dict[str, Any]:
    """The Lockstep extension properties of a Marking (everything but the TLP)."""
    properties: dict[str, Any] = {
        "extension_type": "property-extension",
        "audience": marking.audience,
        "no_judicial_use": marking.no_judicial_use,
        "no_onward_dissemination": marking.no_onward_dissemination,
        "source_reliability": marking.source_reliability,
        "info_credibility": marking.info_credibility,
    }
    if marking.audience == "recipients":
        properties["recipients"] = sorted(marking.recipients.values_list("code", flat=True))
    if marking.community_id:
        properties["community"] = marking.community.code if marking.community else ""
    for name in ("conditions", "purpose"):
        if getattr(marking, name):
            properties[name] = getattr(marking, name)
    return properties


def handling_marking(marking: Marking) -> dict[str, Any]:
    """A marking-definition for the handling. Marking definitions never change, and neither does what this one
    carries (the review date, which does change, travels on the report), so the id comes from the content."""
    properties = handling(marking)
    created = stix_time(marking.created_at)
    digest = stixmap.canonical_json(properties)
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": f"marking-definition--{uuid.uuid5(stixmap.NAMESPACE, created + digest)}",
        "created": created,
        "name": "Lockstep handling",
        "created_by_ref": agency_id(marking.owner),
        "extensions": {EXTENSION: properties},
    }


def report_id(report: Report) -> str:
    return (
        report.external_ref
        if REPORT_ID.match(report.external_ref)
        else lockstep_id("report", report.reference)
    )


def _covers(body: dict[str, Any], country: str | None) -> set[tuple[str, str]]:
    """The canonical (type, value) pairs a kept SCO, vulnerability or indicator stands for."""
    pairs = (
        stixmap.from_pattern(body["pattern"]) if body["type"] == "indicator" else stixmap.from_object(body)
    )
    covered = set()
    for kind, raw in pairs:
        try:
            covered.add((kind, canonical(kind, raw, country=country)))
        except InvalidValue:
            continue
    return covered


def _indicator(
    report: Report, indicator_id: str, observable: Observable, common: dict[str, Any]
) -> dict[str, Any]:
    when = stix_time(report.created_at)
    properties: dict[str, Any] = {"extension_type": "property-extension", "lockstep_type": observable.kind}
    if observable.context:
        properties["context"] = observable.context
    for name in ("first_seen", "last_seen"):
        if getattr(observable, name):
            properties[name] = stix_time(getattr(observable, name))
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": indicator_id,
        "created": when,
        "modified": when,
        "name": f"{observable.kind} {observable.value}"[:250],
        "description": observable.context or f"Lockstep observable of type {observable.kind}",
        "indicator_types": ["malicious-activity"],
        "pattern": stixmap.pattern(observable.kind, observable.value),
        "pattern_type": "stix",
        "valid_from": stix_time(observable.first_seen or report.created_at),
        **common,
        "extensions": {EXTENSION: properties},
    }


class ReportView:
    """One report's STIX objects, piece by piece: the export takes them all at once, TAXII one page at a time."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.stix_id = report_id(report)
        self.owner = agency_id(report.owner)
        self.marking = handling_marking(report.marking)
        self.refs = [tlp.TLP2_IDS[report.marking.tlp], self.marking["id"]]
        self.common = {"created_by_ref": self.owner, "object_marking_refs": self.refs}
        self.when = stix_time(report.created_at)

    # What the kept objects say is read only when needed: a TAXII page of kept objects needs none of it.
    @cached_property
    def kept(self) -> dict[str, dict[str, Any]]:
        return {row.stix_id: row.body for row in self.report.stix_objects.all()}

    @cached_property
    def kept_markings(self) -> set[str]:
        if "kept" in self.__dict__:
            return {key for key, body in self.kept.items() if body["type"] == "marking-definition"}
        rows = self.report.stix_objects.filter(stix_type="marking-definition")
        return set(rows.values_list("stix_id", flat=True))

    @cached_property
    def _stand_ins(self) -> tuple[dict[tuple[str, str], str], set[tuple[str, str]]]:
        covering: dict[tuple[str, str], str] = {}  # (type, value) -> kept object id standing for it
        indicated: set[tuple[str, str]] = set()  # values a kept indicator already states
        country = self.report.owner.country_id
        for key, body in self.kept.items():
            if body["type"] in ("report", "marking-definition", "identity", "relationship"):
                continue
            for pair in _covers(body, country):
                if body["type"] == "indicator":
                    indicated.add(pair)
                else:
                    covering.setdefault(pair, key)
        return covering, indicated

    @property
    def covering(self) -> dict[tuple[str, str], str]:
        return self._stand_ins[0]

    @property
    def indicated(self) -> set[tuple[str, str]]:
        return self._stand_ins[1]

    def indicator_id(self, kind: str, value: str) -> str:
        return lockstep_id("indicator", self.stix_id, kind, value)

    def vulnerability_id(self, value: str) -> str:
        return lockstep_id("vulnerability", self.stix_id, value)

    def generated(self, kind: str, value: str) -> tuple[str, str] | None:
        """(type, id) of the object a TAXII collection carries for one value: its indicator, or for a CVE its
        vulnerability; None when a kept object already stands for it."""
        if kind == "cve":
            return None if (kind, value) in self.covering else ("vulnerability", self.vulnerability_id(value))
        return None if (kind, value) in self.indicated else ("indicator", self.indicator_id(kind, value))

    def observable_objects(self, observable: Observable, *, scos: bool = True) -> list[dict[str, Any]]:
        """What one observable adds: its SCO (unless a kept one stands for it), an indicator (unless a kept
        one states it) and the based-on relationship; a CVE is a vulnerability alone. Without ``scos`` (TAXII
        collections) only the indicator, or the vulnerability."""
        pair = (observable.kind, observable.value)
        objects: list[dict[str, Any]] = []
        target = self.covering.get(pair)
        if target is None and (scos or observable.kind == "cve"):
            obj = stixmap.to_object(*pair)
            if obj["type"] == "vulnerability":
                obj |= {"id": self.vulnerability_id(observable.value)}
                obj |= {"created": self.when, "modified": self.when, **self.common}
                if observable.context:
                    obj["description"] = observable.context
            else:
                obj["object_marking_refs"] = self.refs
            objects.append(obj)
            target = obj["id"]
        if pair in self.indicated or observable.kind == "cve":
            return objects
        indicator = _indicator(self.report, self.indicator_id(*pair), observable, self.common)
        objects.append(indicator)
        if scos and target:
            relationship_id = lockstep_id("relationship", indicator["id"], target)
            relationship = {"type": "relationship", "spec_version": "2.1", "id": relationship_id}
            relationship |= {"created": self.when, "modified": self.when, "relationship_type": "based-on"}
            objects.append(
                relationship | {"source_ref": indicator["id"], "target_ref": target, **self.common}
            )
        return objects

    def kept_object(self, body: dict[str, Any]) -> dict[str, Any]:
        """A kept object as it goes out: the report's markings replace the TLP and handling it came with."""
        body = dict(body)
        if "object_marking_refs" in body or body["type"] != "marking-definition":
            own = [ref for ref in body.get("object_marking_refs", []) if ref in self.kept_markings]
            body["object_marking_refs"] = self.refs + own
        return body

    def kept_objects(self) -> list[dict[str, Any]]:
        return [self.kept_object(body) for key, body in self.kept.items() if key != self.stix_id]

    def sdo(self, object_refs: list[str], modified: str) -> dict[str, Any]:
        report, original = self.report, self.kept.get(self.stix_id, {})
        sdo = {
            **original,
            "type": "report",
            "spec_version": "2.1",
            "id": self.stix_id,
            "created": original.get("created", self.when),
            "modified": modified,
            "name": report.title,
            "published": original.get("published", self.when),
            "report_types": original.get("report_types", ["threat-report"]),
            "object_refs": object_refs or [self.owner],
            **self.common,
        }
        own = [ref for ref in original.get("object_marking_refs", []) if ref in self.kept_markings]
        sdo["object_marking_refs"] = self.refs + own
        if report.summary:
            sdo["description"] = report.summary
        else:
            sdo.pop("description", None)
        references = [
            r for r in original.get("external_references", []) if r.get("source_name") != "lockstep"
        ]
        sdo["external_references"] = [
            {"source_name": "lockstep", "external_id": report.reference},
            *references,
        ]
        properties = {"extension_type": "property-extension", "reference": report.reference}
        properties |= {"crime_type": report.crime_type, **({"text": report.text} if report.text else {})}
        if report.marking.review_at:
            properties["review_at"] = report.marking.review_at.isoformat()
        sdo["extensions"] = {**original.get("extensions", {}), EXTENSION: properties}
        return sdo


def report_objects(report: Report) -> list[dict[str, Any]]:
    """Every STIX object of one report, its handling markings applied to each."""
    view = ReportView(report)
    objects = [view.marking]
    for observable in report.listed_observables():
        objects += view.observable_objects(observable)
    objects += view.kept_objects()
    refs = [obj["id"] for obj in objects[1:]]
    return [view.sdo(refs, stix_time(report.updated_at)), *objects]


def bundle(reports: Iterable[Report]) -> dict[str, Any]:
    """One bundle for the reports (the caller has checked the policy lets them out)."""
    objects: dict[str, dict[str, Any]] = {}
    for obj in [extension_definition(), project_identity()]:
        objects[obj["id"]] = obj
    for report in reports:
        for obj in [agency_identity(report.owner), tlp.marking_definition(report.marking.tlp)]:
            objects.setdefault(obj["id"], obj)
        for obj in report_objects(report):
            seen = objects.get(obj["id"])
            if seen is None:
                objects[obj["id"]] = obj
            elif "object_marking_refs" in obj:  # an SCO two reports share: it carries both reports' markings
                refs = seen.get("object_marking_refs", [])
                seen["object_marking_refs"] = refs + [r for r in obj["object_marking_refs"] if r not in refs]
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list(objects.values())}
