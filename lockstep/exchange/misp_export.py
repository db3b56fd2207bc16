"""Lockstep reports as MISP events (pymisp checks every one) and as a MISP feed: ``manifest.json``,
``hashes.csv`` and one ``<uuid>.json`` per event, the layout a MISP instance pulls."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pymisp import MISPEvent

from lockstep.directory.models import Agency
from lockstep.exchange import misp, stixmap
from lockstep.exchange.stix_export import agency_id, report_id
from lockstep.intel.canonical import InvalidValue, canonical
from lockstep.intel.models import Observable, Report
from lockstep.policy.models import Marking


def agency_org(agency: Agency) -> dict[str, Any]:
    return {"name": agency.name, "uuid": agency_id(agency).removeprefix("identity--")}


def event_uuid(report: Report) -> str:
    return report_id(report).removeprefix("report--")


def _tags(names: Iterable[str]) -> list[dict[str, Any]]:
    return [{"name": name} for name in names]


def marking_tags(report: Report) -> list[str]:
    """TLP, PAP, admiralty-scale and Lockstep tags for what the Marking says (the audience is the event's
    distribution)."""
    marking: Marking = report.marking
    tags = [f"tlp:{marking.tlp}"]
    lines = [line.strip() for line in marking.conditions.splitlines() if line.strip()]
    for line in lines:
        level = line.removeprefix("PAP:")
        if line.startswith("PAP:") and level.lower() in misp.PAP_LEVELS:
            tags.append(f"PAP:{level}")
    tags += [
        misp.machine_tag("admiralty-scale:source-reliability", marking.source_reliability.lower()),
        misp.machine_tag("admiralty-scale:information-credibility", marking.info_credibility),
        misp.machine_tag("lockstep:crime-type", report.crime_type),
    ]
    if marking.no_judicial_use:
        tags.append(misp.machine_tag("lockstep:handling", "no-judicial-use"))
    if marking.no_onward_dissemination:
        tags.append(misp.machine_tag("lockstep:handling", "no-onward-dissemination"))
    tags += [misp.machine_tag("lockstep:conditions", line.replace('"', "'")[:200]) for line in lines]
    if marking.purpose:
        tags.append(misp.machine_tag("lockstep:purpose", marking.purpose.replace('"', "'")[:200]))
    if marking.review_at:
        tags.append(misp.machine_tag("lockstep:review-at", marking.review_at.isoformat()))
    return tags


def _distribution(report: Report) -> dict[str, Any]:
    marking = report.marking
    if marking.audience in misp.AUDIENCE_DISTRIBUTION:
        return {"distribution": misp.AUDIENCE_DISTRIBUTION[marking.audience]}
    if marking.audience == "community" and marking.community is not None:
        name, members = marking.community.code, list(marking.community.member_agencies())
    else:
        name, members = f"Lockstep {report.reference}", list(marking.recipients.all())
    group = {
        "name": name,
        "uuid": str(uuid.uuid5(stixmap.NAMESPACE, f"sharing-group|{name}")),
        "releasability": name,
        "SharingGroupOrg": [{"Organisation": agency_org(agency)} for agency in members],
    }
    return {"distribution": misp.SHARING_GROUP, "SharingGroup": group}


def _attribute(report_uuid: str, observable: Observable) -> dict[str, Any]:
    misp_type = misp.KIND_TYPE.get(observable.kind, "text")
    body: dict[str, Any] = {
        "uuid": str(uuid.uuid5(stixmap.NAMESPACE, f"{report_uuid}|{observable.kind}|{observable.value}")),
        "type": misp_type,
        "value": observable.value,
        "to_ids": not observable.suppressed,
        "comment": observable.context,
    }
    if misp_type == "text":
        body["Tag"] = _tags([misp.machine_tag(misp.TAG_TYPE, observable.kind)])
    for name in ("first_seen", "last_seen"):
        if getattr(observable, name):
            body[name] = getattr(observable, name).isoformat()
    return body


def _pairs(
    attribute: dict[str, Any], country: str | None, relation: str = "", symbol: str = ""
) -> set[tuple[str, str]] | None:
    """The canonical values a kept attribute stands for; None when it stands for none (it always stays)."""
    found = set()
    for kind, raw in misp.attribute_values(attribute, relation, symbol):
        try:
            found.add((kind, canonical(kind, raw, country=country)))
        except InvalidValue:
            continue
    return found or None


def event(report: Report) -> dict[str, Any]:
    """The report as a MISP event (``{"Event": ...}``): what an import kept comes back as sent, less the values
    since removed; values added in Lockstep become attributes."""
    report_uuid = event_uuid(report)
    kept = {(row.part, row.uuid): row.body for row in report.misp_kept.all()}
    header = dict(kept.get(("event", report_uuid), {}))
    country = report.owner.country_id
    present = {(row.kind, row.value): row for row in report.listed_observables()}
    covered: set[tuple[str, str]] = set()
    attributes: list[dict[str, Any]] = []
    objects: list[dict[str, Any]] = []
    for (part, _key), body in kept.items():
        if part == "attribute":
            pairs = _pairs(body, country)
            if (
                pairs is None or pairs <= present.keys()
            ):  # a value removed in Lockstep takes its attribute out
                attributes.append(body)
                covered |= pairs or set()
        elif part == "object":
            members = body.get("Attribute") or []
            symbol = next(
                (str(a.get("value", "")) for a in members if a.get("object_relation") == "symbol"), ""
            )
            staying = []
            for attribute in members:
                pairs = _pairs(attribute, country, str(attribute.get("object_relation", "")), symbol)
                if pairs is None or pairs <= present.keys():
                    staying.append(attribute)
                    covered |= pairs or set()
            if staying:
                objects.append({**body, "Attribute": staying})
    attributes += [_attribute(report_uuid, row) for pair, row in present.items() if pair not in covered]
    when = int(report.updated_at.timestamp())
    reports = [
        {
            "name": name,
            "content": content,
            "uuid": str(uuid.uuid5(stixmap.NAMESPACE, f"{report_uuid}|{name}")),
        }
        for name, content in (("lockstep-summary", report.summary), ("lockstep-text", report.text))
        if content
    ]
    for item in [*attributes, *reports, *(a for o in objects for a in o.get("Attribute") or [])]:
        item.setdefault("timestamp", when)
    data = {
        "threat_level_id": 4,
        "analysis": 2,
        **header,
        "uuid": report_uuid,
        "info": report.title,
        "date": report.created_at.date().isoformat(),
        "timestamp": when,
        "publish_timestamp": when,
        "published": True,
        "Orgc": agency_org(report.owner),
        "Tag": _tags(marking_tags(report)) + list(header.get("Tag") or []),
        "Attribute": attributes,
        "Object": objects,
        "EventReport": reports,
        **_distribution(report),
    }
    parsed = MISPEvent()
    parsed.from_dict(**data)
    return {"Event": json.loads(parsed.to_json())}


@dataclass
class FeedEvent:
    uuid: str
    body: dict[str, Any]  # the event file: {"Event": ...}
    manifest: dict[str, Any]  # its manifest.json entry
    hashes: list[str]  # md5 of each value, for hashes.csv


def feed_event(report: Report) -> FeedEvent:
    """The report as an event of a MISP feed: no distribution or sharing-group details leave."""
    parsed = MISPEvent()
    parsed.from_dict(**event(report)["Event"])
    body = json.loads(json.dumps(parsed.to_feed(with_meta=True)["Event"], default=str))
    hashes, manifest = body.pop("_hashes"), body.pop("_manifest")
    return FeedEvent(parsed.uuid, {"Event": body}, manifest[parsed.uuid], hashes)


def hashes_csv(events: Iterable[FeedEvent]) -> Iterator[str]:
    for item in events:
        for digest in item.hashes:
            yield f"{digest},{item.uuid}\n"
