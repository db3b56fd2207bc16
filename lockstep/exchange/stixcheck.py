"""A strict shape check for the STIX objects feeds send most (indicators with plain patterns, address and
domain objects): an object that passes is certainly valid STIX 2.1, so the costly generic validator
(stix2-validator: JSON schema plus an ANTLR pattern parse, ~2 ms an object) runs only on the others.

Anything unusual (another type, an unknown property, a pattern beyond equality on one property) fails this check
and goes to stix2-validator; this module never decides an object is invalid."""

from __future__ import annotations

import datetime
import re
from typing import Any

from lockstep.exchange.stixmap import EXTENSION

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
_ID = {kind: re.compile(rf"^{kind}--{_UUID}$") for kind in ("indicator", "identity", "marking-definition")}
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$")
_MILLISECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")  # created and modified
_LITERAL = r"'(?:[^'\\]|\\['\\])*'"
_HASHES = r"file:hashes\.(?:(?:MD5|'MD5') = '[0-9a-fA-F]{32}'|'SHA-1' = '[0-9a-fA-F]{40}'|'SHA-256' = '[0-9a-fA-F]{64}')"
_COMPARISON = rf"(?:(?:ipv4-addr|ipv6-addr|domain-name|url|email-addr):value = {_LITERAL}|{_HASHES})"
_EXPRESSION = rf"\[{_COMPARISON}(?: OR {_COMPARISON})*\]"
_PATTERN = re.compile(rf"^{_EXPRESSION}(?: OR {_EXPRESSION})*$")
_SCO = {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr"}
_SCO_KEYS = {"type", "spec_version", "id", "value", "object_marking_refs"}
_INDICATOR_REQUIRED = {
    "type",
    "spec_version",
    "id",
    "created",
    "modified",
    "pattern",
    "pattern_type",
    "valid_from",
}
_INDICATOR_TEXT = {"name", "description", "lang"}
_INDICATOR_OPTIONAL = _INDICATOR_TEXT | {"indicator_types", "labels", "confidence", "created_by_ref"}
_INDICATOR_OPTIONAL |= {"object_marking_refs", "revoked", "valid_until", "extensions"}
_OUR_EXTENSION = {"extension_type", "lockstep_type", "context", "first_seen", "last_seen"}


def _time(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str) or not _TIME.match(value):
        return None
    try:
        return datetime.datetime.fromisoformat(value[:19]).replace(tzinfo=datetime.UTC)
    except ValueError:
        return None


def _strings(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, str) and item for item in value)


def _markings(value: Any) -> bool:
    return _strings(value) and all(_ID["marking-definition"].match(item) for item in value)


def _indicator(obj: dict[str, Any]) -> bool:
    keys = set(obj)
    if not keys >= _INDICATOR_REQUIRED or not keys <= _INDICATOR_REQUIRED | _INDICATOR_OPTIONAL:
        return False
    if not all(
        isinstance(obj[name], str) and _MILLISECONDS.match(obj[name]) for name in ("created", "modified")
    ):
        return False
    created, modified, valid_from = _time(obj["created"]), _time(obj["modified"]), _time(obj["valid_from"])
    if not (created and modified and valid_from) or modified < created:
        return False
    if obj["created"][19:] != obj["modified"][19:] and modified == created:
        return False  # same second, different fractions: leave the exact comparison to the validator
    if "valid_until" in obj and not ((until := _time(obj["valid_until"])) and until > valid_from):
        return False
    if not _ID["indicator"].match(obj["id"]) or obj["pattern_type"] != "stix":
        return False
    if not isinstance(obj["pattern"], str) or not _PATTERN.match(obj["pattern"]):
        return False
    if "pattern_version" in obj:
        return False
    if any(not isinstance(obj[name], str) or not obj[name] for name in _INDICATOR_TEXT & keys):
        return False
    if any(not _strings(obj[name]) for name in {"indicator_types", "labels"} & keys):
        return False
    if "confidence" in obj and (type(obj["confidence"]) is not int or not 0 <= obj["confidence"] <= 100):
        return False
    if "revoked" in obj and type(obj["revoked"]) is not bool:
        return False
    if "created_by_ref" in obj and not (
        isinstance(obj["created_by_ref"], str) and _ID["identity"].match(obj["created_by_ref"])
    ):
        return False
    if "object_marking_refs" in obj and not _markings(obj["object_marking_refs"]):
        return False
    if "extensions" in obj:
        extensions = obj["extensions"]
        if not isinstance(extensions, dict) or set(extensions) != {EXTENSION}:
            return False
        ours = extensions[EXTENSION]
        if not isinstance(ours, dict) or ours.get("extension_type") != "property-extension":
            return False
        if not set(ours) <= _OUR_EXTENSION or not all(isinstance(v, str) and v for v in ours.values()):
            return False
    return obj["spec_version"] == "2.1"


def _sco(obj: dict[str, Any]) -> bool:
    if not set(obj) <= _SCO_KEYS or not {"type", "id", "value"} <= set(obj):
        return False
    if not re.fullmatch(rf"{obj['type']}--{_UUID}", str(obj["id"])):
        return False
    if obj.get("spec_version", "2.1") != "2.1" or not isinstance(obj["value"], str) or not obj["value"]:
        return False
    if obj["type"] in ("url", "email-addr") and not obj["value"].isascii():
        return False
    return "object_marking_refs" not in obj or _markings(obj["object_marking_refs"])


def certainly_valid(obj: Any) -> bool:
    """True only for objects stix2-validator would accept without an error."""
    if not isinstance(obj, dict):
        return False
    if obj.get("type") == "indicator":
        return _indicator(obj)
    if obj.get("type") in _SCO:
        return _sco(obj)
    return False
