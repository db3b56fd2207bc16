"""A STIX 2.1 bundle checked (stix2-validator, then every reference resolved) and planned as Lockstep reports:
each ``report`` object with the observables and other objects it reaches, the rest in one report of loose
objects. Nothing here writes; ``services.import_stix`` stores the plan."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from lockstep.errors import InvalidInput
from lockstep.exchange import stixmap, tlp
from lockstep.exchange.stixcheck import certainly_valid
from lockstep.exchange.stixmap import EXTENSION, PROJECT_IDENTITY
from lockstep.intel.ingest import Submitted
from lockstep.intel.models import CrimeType

MAX_OBJECTS = 200_000
MAX_ERRORS = 50


@dataclass
class Plan:
    """One Lockstep report to create (or update, when a report with the same STIX id exists)."""

    stix_id: str
    title: str
    summary: str = ""
    text: str = ""
    crime_type: str = CrimeType.OTHER
    tlp: str | None = None
    handling: dict[str, Any] = field(default_factory=dict)
    statements: list[str] = field(default_factory=list)
    observables: list[Submitted] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the object each observable came from, by position
    kept: list[dict[str, Any]] = field(default_factory=list)


def invalid_bundle(errors: dict[str, list[str]], message: str = "", prefix: str = "objects") -> InvalidInput:
    shown = dict(list(errors.items())[:MAX_ERRORS])
    message = message or _(
        "The bundle is not valid STIX 2.1 (%(count)d objects with errors); nothing was imported."
    )
    return InvalidInput(
        message % {"count": len(errors)},
        fields={f"{prefix}.{key}": messages for key, messages in shown.items()},
    )


def _refs(obj: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key, value in obj.items():
        if key.endswith("_ref") and isinstance(value, str):
            found.append(value)
        elif key.endswith("_refs") and isinstance(value, list):
            found += [item for item in value if isinstance(item, str)]
    for granular in obj.get("granular_markings") or []:
        if isinstance(granular, dict) and isinstance(granular.get("marking_ref"), str):
            found.append(granular["marking_ref"])
    return found


def check_bundle(data: Any, *, complete: bool = True) -> dict[str, dict[str, Any]]:
    """The bundle's objects by id (the latest version of each), or InvalidInput naming every offending object
    and what is wrong with it. A ``complete`` bundle must hold every object its objects refer to; a page
    pulled from a TAXII collection need not (what it refers to came, or comes, in another page)."""
    if (
        not isinstance(data, dict)
        or data.get("type") != "bundle"
        or not isinstance(data.get("objects"), list)
    ):
        raise InvalidInput(
            _("Not a STIX bundle: expected an object with type 'bundle' and a list 'objects'.")
        )
    if not data["objects"]:
        raise InvalidInput(_("The bundle holds no objects."))
    if len(data["objects"]) > MAX_OBJECTS:
        raise InvalidInput(_("A bundle may hold at most %(max)d objects.") % {"max": MAX_OBJECTS})
    errors: dict[str, list[str]] = defaultdict(list)
    if not isinstance(data.get("id"), str):
        errors["bundle"].append(_("The bundle has no id."))
    for index, obj in enumerate(data["objects"]):
        if (
            not isinstance(obj, dict)
            or not isinstance(obj.get("id"), str)
            or not isinstance(obj.get("type"), str)
        ):
            errors[f"#{index}"].append(_("Each object needs a type and an id."))
    if errors:
        raise invalid_bundle(errors)
    # Plain feed objects pass a strict shape check and skip the generic validator (~2 ms an object).
    unusual = [obj for obj in data["objects"] if not certainly_valid(obj)]
    results: Any = []
    if unusual:
        from stix2validator import ValidationError, ValidationOptions, validate_parsed_json  # slow import

        try:
            results = validate_parsed_json({**data, "objects": unusual}, ValidationOptions(version="2.1"))
        except ValidationError as exc:
            raise InvalidInput(_("The bundle is not valid STIX 2.1: %(reason)s") % {"reason": exc}) from None
    for result in results if isinstance(results, list) else [results]:
        for error in result.errors:
            text = str(error)
            key, separator, message = text.partition(": ")
            errors[key if separator and "--" in key else "bundle"].append(message if separator else text)
    if errors:
        raise invalid_bundle(errors)
    objects: dict[str, dict[str, Any]] = {}
    for obj in data["objects"]:
        seen = objects.get(obj["id"])
        if seen is None or str(obj.get("modified", "")) > str(seen.get("modified", "")):
            objects[obj["id"]] = obj
    for key, obj in objects.items() if complete else ():
        missing = [ref for ref in _refs(obj) if ref not in objects and ref not in tlp.BY_ID]
        if missing:
            errors[key].append(
                _("refers to objects that are not in the bundle: %(refs)s")
                % {"refs": ", ".join(missing[:10])}
            )
    if errors:
        raise invalid_bundle(errors)
    return objects


def _regenerated(obj: dict[str, Any]) -> bool:
    """Objects Lockstep writes itself on export, so it does not keep a copy: TLP markings, its extension, its
    own identities and handling markings."""
    if obj["id"] in tlp.BY_ID or obj["id"] in (EXTENSION, PROJECT_IDENTITY):
        return True
    if obj["type"] in ("marking-definition", "identity") and EXTENSION in (obj.get("extensions") or {}):
        return True
    return obj["type"] == "marking-definition" and tlp.tlp_of(obj) is not None


def _reach(
    start: list[str], objects: dict[str, dict[str, Any]], by_target: dict[str, list[str]]
) -> list[str]:
    """Ids reachable from ``start`` through references, and the relationships and sightings about them."""
    seen: dict[str, None] = {}
    pending = list(start)
    while pending:
        key = pending.pop()
        if key in seen or key not in objects:
            continue
        seen[key] = None
        pending += _refs(objects[key]) + by_target.get(key, [])
    return list(seen)


def _observables(obj: dict[str, Any]) -> list[Submitted]:
    extension = (obj.get("extensions") or {}).get(EXTENSION) or {}
    if obj["type"] == "indicator":
        if obj.get("pattern_type") != "stix":
            return []
        pairs = stixmap.from_pattern(str(obj.get("pattern", "")))
    else:
        pairs = stixmap.from_object(obj)
    context = str(
        extension.get("context") or (obj.get("description", "") if obj["type"] == "vulnerability" else "")
    )
    first, last = (
        stixmap.parse_time(extension.get("first_seen")),
        stixmap.parse_time(extension.get("last_seen")),
    )
    return [Submitted(kind, value, context[:120], first, last) for kind, value in pairs]


def _apply_markings(plan: Plan, report: dict[str, Any], objects: dict[str, dict[str, Any]]) -> None:
    levels = []
    for ref in report.get("object_marking_refs") or []:
        marking = objects.get(ref, {"id": ref})
        level = tlp.tlp_of(marking)
        if level:
            levels.append(level)
        elif EXTENSION in (marking.get("extensions") or {}):
            plan.handling = dict(marking["extensions"][EXTENSION])
        elif marking.get("definition_type") == "statement":
            plan.statements.append(str((marking.get("definition") or {}).get("statement", ""))[:500])
    plan.tlp = tlp.strictest(levels)


def plan_bundle(objects: dict[str, dict[str, Any]], name: str, loose_ref: str = "") -> list[Plan]:
    """The Lockstep reports a checked bundle becomes; objects no report reaches go in one report, whose
    external reference is ``loose_ref`` when given (a source's pulls all add to one report)."""
    by_target: dict[str, list[str]] = defaultdict(list)
    for key, obj in objects.items():
        if obj["type"] in ("relationship", "sighting"):
            for ref in (obj.get("source_ref"), obj.get("target_ref"), obj.get("sighting_of_ref")):
                if isinstance(ref, str):
                    by_target[ref].append(key)
    plans: list[Plan] = []
    claimed: set[str] = set()
    reports = [obj for obj in objects.values() if obj["type"] == "report"]
    for report in reports:
        extension = (report.get("extensions") or {}).get(EXTENSION) or {}
        plan = Plan(report["id"], str(report.get("name", ""))[:200] or _("Untitled STIX report"))
        plan.summary = str(report.get("description", ""))
        plan.text = str(extension.get("text", ""))
        labels = [extension.get("crime_type"), *(report.get("labels") or [])]
        plan.crime_type = next((label for label in labels if label in CrimeType.values), CrimeType.OTHER)
        _apply_markings(plan, report, objects)
        if extension.get("review_at"):
            plan.handling["review_at"] = extension["review_at"]
        reached = _reach(list(report.get("object_refs") or []), objects, by_target)
        plans.append(_fill(plan, [report["id"], *reached], objects))
        claimed.update(reached, [report["id"]])
    loose = [
        key
        for key, obj in objects.items()
        if key not in claimed
        and obj["type"] != "report"
        and not _regenerated(obj)
        and obj["type"] not in ("marking-definition", "identity")
    ]
    if loose:
        plan = Plan(
            loose_ref or stixmap.lockstep_id("report", *sorted(loose)),
            (_("Objects of %(name)s") % {"name": name})[:200],
        )
        markings = [ref for key in loose for ref in objects[key].get("object_marking_refs") or []]
        _apply_markings(plan, {"object_marking_refs": markings}, objects)
        plans.append(_fill(plan, _reach(loose, objects, by_target), objects))
    return plans


def _fill(plan: Plan, keys: list[str], objects: dict[str, dict[str, Any]]) -> Plan:
    for key in dict.fromkeys(keys):
        obj = objects[key]
        if _regenerated(obj):
            continue
        plan.kept.append(obj)
        for item in _observables(obj):
            plan.observables.append(item)
            plan.sources.append(key)
    return plan
