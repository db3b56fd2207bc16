"""MISP events and Lockstep reports, both ways: attribute types to observable types, distribution and sharing
groups to the audience, TLP/PAP and admiralty-scale tags to the Marking. Nothing here writes;
``misp_services`` stores and exports."""

from __future__ import annotations

import copy
import datetime
import functools
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pymisp import MISPAttribute, MISPEvent, MISPObject
from pymisp.exceptions import PyMISPError

from lockstep.errors import InvalidInput
from lockstep.exchange import stixmap, tlp
from lockstep.exchange.stix_import import Plan, invalid_bundle
from lockstep.intel import wallets
from lockstep.intel.ingest import Submitted
from lockstep.intel.models import CrimeType

MAX_EVENTS = 10_000
# MISP attribute type -> Lockstep observable type; "ip" is decided by the value (IPv4, IPv6 or CIDR).
TYPE_KIND = {
    "ip-src": "ip",
    "ip-dst": "ip",
    "domain": "domain",
    "hostname": "domain",
    "url": "url",
    "email": "email",
    "email-src": "email",
    "email-dst": "email",
    "email-reply-to": "email",
    "target-email": "email",
    "whois-registrant-email": "email",
    "md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "ssdeep": "ssdeep",
    "vulnerability": "cve",
    "AS": "asn",
    "phone-number": "phone",
    "whois-registrant-phone": "phone",
    "btc": "btc",
    "xmr": "xmr",
    "iban": "iban",
    "bank-account-nr": "bank_account",
    "twitter-id": "handle",
}
# composite types: the part that maps (the other part becomes context)
COMPOSITE = {
    "ip-src|port": (0, "ip"),
    "ip-dst|port": (0, "ip"),
    "hostname|port": (0, "domain"),
    "filename|md5": (1, "md5"),
    "filename|sha1": (1, "sha1"),
    "filename|sha256": (1, "sha256"),
    "filename|ssdeep": (1, "ssdeep"),
}
# object relations of type "text" that carry a value Lockstep has a type for
RELATION_KIND = {"imei": "imei", "iban": "iban", "msisdn": "phone", "phone-number": "phone"}
# Lockstep type -> MISP attribute type; those MISP lacks travel as "text" with a lockstep:type tag
KIND_TYPE = {
    "ipv4": "ip-dst",
    "ipv6": "ip-dst",
    "cidr": "ip-dst",
    "domain": "domain",
    "url": "url",
    "email": "email",
    "md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "ssdeep": "ssdeep",
    "cve": "vulnerability",
    "asn": "AS",
    "phone": "phone-number",
    "btc": "btc",
    "xmr": "xmr",
    "iban": "iban",
    "bank_account": "bank-account-nr",
}
# MISP distribution levels
YOUR_ORGANISATION, THIS_COMMUNITY, CONNECTED, ALL, SHARING_GROUP = 0, 1, 2, 3, 4
DISTRIBUTION_AUDIENCE = {
    YOUR_ORGANISATION: "owner",
    THIS_COMMUNITY: "members",
    CONNECTED: "members",
    ALL: "everyone",
}
AUDIENCE_DISTRIBUTION = {"owner": YOUR_ORGANISATION, "members": THIS_COMMUNITY, "everyone": ALL}
PAP_LEVELS = {"clear", "white", "green", "amber", "red"}
# circl:incident-classification values that name a Lockstep crime type (the tag itself is kept too)
CIRCL_CRIME = {
    "phishing": "phishing",
    "ransomware": "ransomware",
    "malware": "malware",
    "denial-of-service": "ddos",
    "fraud": "theft_fraud",
    "sextortion": "sextortion",
    "unauthorised-access": "illegal_access",
}
# what only means something inside the MISP instance that sent the event
LOCAL_FIELDS = {
    "id",
    "org_id",
    "orgc_id",
    "Org",
    "Orgc",
    "sharing_group_id",
    "SharingGroup",
    "distribution",
    "attribute_count",
    "event_creator_email",
    "locked",
    "proposal_email_lock",
    "published",
    "timestamp",
    "publish_timestamp",
    "Tag",
    "Attribute",
    "Object",
    "EventReport",
    "info",
}
TAG_TYPE = "lockstep:type"


@dataclass
class EventPlan:
    """A MISP event as a Lockstep report, with the event's pieces kept as sent for lossless export."""

    plan: Plan
    kept: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (uuid, part, body)


def machine_tag(namespace: str, value: str) -> str:
    return f'{namespace}="{value}"'


def _tag_parts(name: str) -> tuple[str, str]:
    """``ns:predicate="value"`` -> ("ns:predicate", "value"); ``tlp:amber`` -> ("tlp", "amber")."""
    if "=" in name:
        key, _sep, value = name.partition("=")
        return key.strip().lower(), value.strip().strip('"')
    key, _sep, value = name.rpartition(":")
    return key.strip().lower(), value.strip()


@functools.cache  # the chains file is read once
def _chains() -> frozenset[str]:
    return frozenset({"btc", "eth", "trx", "xmr", *wallets.chains()})


def _ip_kind(value: str) -> str:
    return "cidr" if "/" in value else "ipv6" if ":" in value else "ipv4"


def _tags(container: dict[str, Any]) -> list[str]:
    return [str(tag.get("name", "")) for tag in container.get("Tag") or [] if isinstance(tag, dict)]


def attribute_values(
    attribute: dict[str, Any], relation: str = "", symbol: str = ""
) -> list[tuple[str, str]]:
    """The (Lockstep type, value) pairs a MISP attribute maps to: none when Lockstep has no type for it, two
    for a ``domain|ip``."""
    misp_type, value = str(attribute.get("type", "")), str(attribute.get("value", ""))
    for name in _tags(attribute):
        key, tagged = _tag_parts(name)
        if key == TAG_TYPE:
            return [(tagged, value)]
    if misp_type == "domain|ip":
        domain, _sep, address = value.partition("|")
        return [("domain", domain), (_ip_kind(address), address)] if domain and address else []
    if misp_type in COMPOSITE:
        part, kind = COMPOSITE[misp_type]
        pieces = value.split("|")
        if len(pieces) != 2:
            return []
        value = pieces[part]
    elif misp_type == "text" and relation in RELATION_KIND:
        kind = RELATION_KIND[relation]
    elif misp_type in {"btc", "text"} and relation == "address" and symbol.lower() in _chains():
        kind = symbol.lower()
    else:
        kind = TYPE_KIND.get(misp_type, "")
        if not kind:
            return []
    if kind == "ip":
        kind = _ip_kind(value)
    if kind == "handle" and ":" not in value:
        value = f"x:{value}"
    return [(kind, value)]


def _when(value: Any) -> datetime.datetime | None:
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
        return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC)
    return stixmap.parse_time(value)


def _seen(attribute: dict[str, Any]) -> tuple[datetime.datetime | None, datetime.datetime | None, str]:
    """first/last seen widened by the attribute's sightings; what the sightings say, as context."""
    first, last = _when(attribute.get("first_seen")), _when(attribute.get("last_seen"))
    counts = {"0": 0, "1": 0}
    for sighting in attribute.get("Sighting") or []:
        kind = str(sighting.get("type", "0"))
        counts[kind] = counts.get(kind, 0) + 1
        when = _when(sighting.get("date_sighting"))
        if kind == "0" and when is not None:
            first = when if first is None or when < first else first
            last = when if last is None or when > last else last
    notes = []
    if counts["0"]:
        notes.append(
            ngettext("sighted %(count)d time", "sighted %(count)d times", counts["0"])
            % {"count": counts["0"]}
        )
    if counts["1"]:
        notes.append(
            ngettext("%(count)d false-positive report", "%(count)d false-positive reports", counts["1"])
            % {"count": counts["1"]}
        )
    return first, last, ", ".join(notes)


def _context(*parts: str) -> str:
    return "; ".join(part.strip() for part in parts if part and part.strip())[:120]


def _valid_event(data: Any) -> dict[str, Any]:
    """The event as pymisp reads it (types, categories and uuids checked), or InvalidInput naming each bad
    attribute by its uuid."""
    if not isinstance(data, dict):
        raise InvalidInput(_("A MISP event is a JSON object with an 'Event' key."))
    event = copy.deepcopy(data.get("Event", data))  # pymisp takes apart the dicts it reads
    if not isinstance(event, dict) or not isinstance(event.get("info"), str) or not event["info"].strip():
        raise InvalidInput(_("Not a MISP event: expected an object with 'info' (the event's title)."))
    label = str(event.get("uuid", "event"))
    errors: dict[str, list[str]] = {}
    attributes = list(event.get("Attribute") or [])
    for obj in event.get("Object") or []:
        try:
            MISPObject(str(obj.get("name", "")), standalone=False).from_dict(
                **{key: copy.deepcopy(value) for key, value in obj.items() if key != "Attribute"}
            )
        except (PyMISPError, TypeError, ValueError, KeyError, AttributeError) as exc:
            errors.setdefault(f"{label}.{obj.get('uuid', 'object')}", []).append(str(exc)[:300])
        attributes += [item for item in obj.get("Attribute") or [] if isinstance(item, dict)]
    for attribute in attributes:
        try:
            MISPAttribute().from_dict(**copy.deepcopy(attribute))
        except (PyMISPError, TypeError, ValueError, KeyError, AttributeError) as exc:
            errors.setdefault(f"{label}.{attribute.get('uuid', 'attribute')}", []).append(str(exc)[:300])
    if errors:
        message = _(
            "The MISP event is not valid (%(count)d attributes or objects with errors); nothing was imported."
        )
        raise invalid_bundle(errors, message, "events")
    parsed = MISPEvent()
    try:
        parsed.from_dict(**event)
    except (PyMISPError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise InvalidInput(_("Not a valid MISP event: %(error)s") % {"error": str(exc)[:300]}) from None
    body: dict[str, Any] = json.loads(parsed.to_json())
    return body


def events_of(data: Any) -> list[dict[str, Any]]:
    """The events of a MISP document: one event, a list of events, or a restSearch answer."""
    if isinstance(data, dict) and isinstance(data.get("response"), list):
        data = data["response"]
    items = data if isinstance(data, list) else [data]
    if not items:
        raise InvalidInput(_("The MISP document holds no events."))
    if len(items) > MAX_EVENTS:
        raise InvalidInput(_("At most %(max)d events at a time.") % {"max": MAX_EVENTS})
    return [_valid_event(item) for item in items]


def feed_order(manifest: Any, done: dict[str, int] | None = None) -> list[tuple[int, str]]:
    """(timestamp, event uuid) of a MISP feed manifest, oldest first; with ``done`` (uuid -> timestamp already
    taken) only the events new or changed since."""
    if not isinstance(manifest, dict):
        raise InvalidInput(_("manifest.json is not an object of events."))
    done = done or {}
    stamps = {}
    for key, entry in manifest.items():
        if isinstance(entry, dict):
            raw = str(entry.get("timestamp") or "")
            stamps[key] = int(raw) if raw.isdigit() else 0
    return sorted((stamp, key) for key, stamp in stamps.items() if stamp > done.get(key, -1))


def _handling(
    event: dict[str, Any], tags: list[str]
) -> tuple[str | None, dict[str, Any], list[str], list[str]]:
    """TLP, the Lockstep handling, condition lines and the tags nothing maps."""
    levels: list[str] = []
    handling: dict[str, Any] = {}
    statements: list[str] = []
    conditions: list[str] = []
    unmapped: list[str] = []
    for name in tags:
        key, value = _tag_parts(name)
        value_low = value.lower()
        if key == "tlp" and value_low in {*tlp.ORDER, "white"}:
            levels.append("clear" if value_low == "white" else value_low)
        elif key == "pap" and value_low in PAP_LEVELS:
            statements.append(f"PAP:{'CLEAR' if value_low == 'white' else value.upper()}")
        elif key == "admiralty-scale:source-reliability" and value.upper() in "ABCDEF" and len(value) == 1:
            handling["source_reliability"] = value.upper()
        elif key == "admiralty-scale:information-credibility" and value in "123456" and len(value) == 1:
            handling["info_credibility"] = value
        elif key == "lockstep:handling" and value in ("no-judicial-use", "no-onward-dissemination"):
            handling[value.replace("-", "_")] = True
        elif key == "lockstep:conditions":
            conditions.append(value)
        elif key in ("lockstep:purpose", "lockstep:review-at", "lockstep:crime-type"):
            handling[key.split(":")[1].replace("-", "_")] = value
        else:
            if key == "circl:incident-classification" and value in CIRCL_CRIME:
                handling.setdefault("crime_type", CIRCL_CRIME[value])
            unmapped.append(name)
    if conditions:
        handling["conditions"] = "\n".join(conditions)
    statements = [line for line in statements if line not in conditions]
    distribution = str(event.get("distribution", ""))
    if distribution.isdigit() and int(distribution) in DISTRIBUTION_AUDIENCE:
        handling["audience"] = DISTRIBUTION_AUDIENCE[int(distribution)]
    elif distribution == str(SHARING_GROUP):
        group = event.get("SharingGroup") or {}
        orgs = [member.get("Organisation") or {} for member in group.get("SharingGroupOrg") or []]
        handling["sharing_group"] = {
            "name": str(group.get("name", "")),
            "orgs": [str(org.get("name", "")) for org in orgs],
            "uuids": [str(org.get("uuid", "")) for org in orgs],
        }
    return tlp.strictest(levels), handling, statements, unmapped


def plan_event(event: dict[str, Any]) -> EventPlan:
    """A checked event (``events_of``) as a report plan: attributes and object attributes Lockstep has a type
    for become observables; everything else is listed in the report's text and kept for export."""
    event_uuid = str(event.get("uuid") or uuid.uuid4())
    tags = _tags(event)
    level, handling, statements, unmapped_tags = _handling(event, tags)
    crime_type = str(handling.pop("crime_type", ""))
    plan = Plan(
        stix_id=f"report--{event_uuid}",
        title=str(event["info"])[:200],
        crime_type=crime_type if crime_type in CrimeType.values else CrimeType.OTHER,
        tlp=level,
        handling=handling,
        statements=statements,
    )
    out = EventPlan(plan)
    unmapped: list[str] = []
    texts: list[str] = []
    for report in event.get("EventReport") or []:
        if report.get("name") == "lockstep-summary":
            plan.summary = str(report.get("content", ""))
        elif report.get("name") == "lockstep-text":
            texts.insert(0, str(report.get("content", "")))
        else:
            texts.append(f"## {report.get('name', '')}\n\n{report.get('content', '')}")

    def take(attribute: dict[str, Any], where: str, relation: str = "", symbol: str = "") -> None:
        mapped = attribute_values(attribute, relation, symbol)
        label = f"{where}.{attribute.get('uuid', '')}"
        if not mapped:
            shown = ", ".join(_tags(attribute))
            unmapped.append(
                f"- {attribute.get('category', '')}/{attribute.get('type', '')}: {attribute.get('value', '')}"
                + (f" [{shown}]" if shown else "")
            )
            return
        first, last, sightings = _seen(attribute)
        composite = str(attribute.get("value", "")).split("|")
        extra = composite[0] if str(attribute.get("type", "")).startswith("filename|") else ""
        port = composite[1] if str(attribute.get("type", "")).endswith("|port") and len(composite) > 1 else ""
        context = _context(
            where if where != event_uuid else "",
            extra,
            f"port {port}" if port else "",
            str(attribute.get("comment", "")),
            sightings,
        )
        for kind, value in mapped:
            plan.observables.append(Submitted(kind, value, context, first, last))
            plan.sources.append(label)

    for attribute in event.get("Attribute") or []:
        take(attribute, event_uuid)
        out.kept.append((str(attribute.get("uuid", "")), "attribute", attribute))
    for obj in event.get("Object") or []:
        attributes = obj.get("Attribute") or []
        symbol = next(
            (str(item.get("value", "")) for item in attributes if item.get("object_relation") == "symbol"), ""
        )
        for attribute in attributes:
            take(
                attribute,
                f"{obj.get('name', 'object')}/{attribute.get('object_relation', '')}",
                str(attribute.get("object_relation", "")),
                symbol,
            )
        out.kept.append((str(obj.get("uuid", "")), "object", obj))
    header = {key: value for key, value in event.items() if key not in LOCAL_FIELDS}
    header["Tag"] = [tag for tag in event.get("Tag") or [] if str(tag.get("name", "")) in unmapped_tags]
    out.kept.append((event_uuid, "event", header))
    org = (event.get("Orgc") or {}).get("name")
    from_lockstep = any(report.get("name") == "lockstep-text" for report in event.get("EventReport") or [])
    lines = [] if from_lockstep else [_("Imported from MISP event %(uuid)s") % {"uuid": event_uuid}]
    if org and not from_lockstep:
        lines.append(_("Creator organisation: %(org)s") % {"org": org})
    if unmapped_tags:
        lines.append(_("Tags: %(tags)s") % {"tags": ", ".join(unmapped_tags)})
    for galaxy in event.get("Galaxy") or []:
        names = ", ".join(str(cluster.get("value", "")) for cluster in galaxy.get("GalaxyCluster") or [])
        lines.append(f"{galaxy.get('name', _('Galaxy'))}: {names}")
    if unmapped:
        lines.append(_("MISP attributes without a Lockstep type:"))
        lines += unmapped
    plan.text = "\n\n".join([*texts, "\n".join(lines)]).strip()
    return out
