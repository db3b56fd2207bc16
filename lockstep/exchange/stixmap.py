"""One observable <-> its STIX 2.1 form: the cyber-observable object, the indicator pattern, and back.

Types STIX lacks travel as new SCO types of the Lockstep extension (docs/exchange.md): ``lockstep-phone``,
``lockstep-wallet``, ``lockstep-iban``, ``lockstep-bank-account``, ``lockstep-imei``. Handles use STIX's
``user-account`` (account_type = platform), CVEs a ``vulnerability``, CIDR blocks an address object whose value
is the block.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import uuid
from typing import Any

from lockstep.intel import wallets

# The Lockstep STIX extension: new SCO types and properties on reports, indicators, identities and markings.
EXTENSION = "extension-definition--1169d3c4-274e-4f5d-b4f1-76efa6271714"
PROJECT_IDENTITY = "identity--b7967d3b-1a8c-4725-b4c3-e8f988fdfa3b"
# Namespace of the deterministic ids Lockstep gives its own objects (reports, indicators, identities).
NAMESPACE = uuid.UUID("65df9ce3-eb04-49a5-bd6d-d7040ac45732")
# STIX 2.1 section 2.9: SCO ids are UUIDv5 in this namespace over their id-contributing properties.
SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")

HASHES = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256", "ssdeep": "SSDEEP"}
_HASH_KINDS = {"MD5": "md5", "SHA1": "sha1", "SHA-1": "sha1", "SHA256": "sha256", "SHA-256": "sha256"}
_HASH_KINDS["SSDEEP"] = "ssdeep"
# user-account account_type: STIX's vocabulary says "twitter" where Lockstep says "x"
_ACCOUNT_TYPE = {"x": "twitter"}
SIMPLE = {
    "ipv4": "ipv4-addr",
    "ipv6": "ipv6-addr",
    "domain": "domain-name",
    "url": "url",
    "email": "email-addr",
}
SIMPLE |= {"phone": "lockstep-phone", "iban": "lockstep-iban", "imei": "lockstep-imei"}
_SIMPLE_KINDS = {stix: kind for kind, stix in SIMPLE.items()}
NEW_SCO_TYPES = [
    "lockstep-phone",
    "lockstep-wallet",
    "lockstep-iban",
    "lockstep-bank-account",
    "lockstep-imei",
]
_BASE_WALLETS = {"btc", "eth", "trx", "xmr"}


def stix_time(when: datetime.datetime | datetime.date) -> str:
    if not isinstance(when, datetime.datetime):
        when = datetime.datetime(when.year, when.month, when.day, tzinfo=datetime.UTC)
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_time(value: Any) -> datetime.datetime | None:
    """A STIX timestamp (``...Z``) as an aware datetime; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def canonical_json(data: Any) -> str:
    """RFC 8785-style canonical JSON for the simple values ids are computed over (strings, integers)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def lockstep_id(stix_type: str, *parts: str) -> str:
    return f"{stix_type}--{uuid.uuid5(NAMESPACE, '|'.join((stix_type, *parts)))}"


def _sco(stix_type: str, contributing: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    sco: dict[str, Any] = {
        "type": stix_type,
        "spec_version": "2.1",
        "id": f"{stix_type}--{uuid.uuid5(SCO_NAMESPACE, canonical_json(contributing))}",
        **contributing,
        **(extra or {}),
    }
    if stix_type in NEW_SCO_TYPES:
        sco["extensions"] = {EXTENSION: {"extension_type": "new-sco"}}
    return sco


def is_wallet(kind: str) -> bool:
    return kind in _BASE_WALLETS or kind in wallets.chains()


def to_object(kind: str, value: str) -> dict[str, Any]:
    """The STIX object that carries one canonical observable (an SCO, or a vulnerability for a CVE)."""
    if kind in SIMPLE:
        return _sco(SIMPLE[kind], {"value": value})
    if kind == "cidr":
        return _sco("ipv6-addr" if ":" in value else "ipv4-addr", {"value": value})
    if kind in HASHES:
        return _sco("file", {"hashes": {HASHES[kind]: value}})
    if kind == "asn":
        return _sco("autonomous-system", {"number": int(value[2:])})
    if kind == "handle":
        platform, _, user = value.partition(":")
        return _sco(
            "user-account", {"account_type": _ACCOUNT_TYPE.get(platform, platform), "account_login": user}
        )
    if kind == "bank_account":
        country, bank, number = value.split(":")
        return _sco(
            "lockstep-bank-account", {"country": country, "bank_code": bank, "account_number": number}
        )
    if kind == "cve":
        return {
            "type": "vulnerability",
            "spec_version": "2.1",
            "id": lockstep_id("vulnerability", value),
            "name": value,
            "external_references": [{"source_name": "cve", "external_id": value}],
        }
    if is_wallet(kind):
        return _sco("lockstep-wallet", {"chain": kind, "address": value})
    raise ValueError(f"no STIX form for type {kind!r}")


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def pattern(kind: str, value: str) -> str | None:
    """The STIX pattern of an indicator for one observable (None for a CVE: it is a vulnerability, not a
    pattern)."""
    if kind == "cve":
        return None
    if kind == "cidr":
        return f"[{'ipv6-addr' if ':' in value else 'ipv4-addr'}:value ISSUBSET {_quote(value)}]"
    if kind in HASHES:
        return f"[file:hashes.{_quote(HASHES[kind])} = {_quote(value)}]"
    if kind == "asn":
        return f"[autonomous-system:number = {int(value[2:])}]"
    obj = to_object(kind, value)
    comparisons = [
        f"{obj['type']}:{name} = {_quote(str(obj[name]))}"
        for name in ("value", "account_type", "account_login", "chain", "address", "country")
        + ("bank_code", "account_number")
        if name in obj
    ]
    return "[" + " AND ".join(comparisons) + "]"


def from_object(obj: dict[str, Any]) -> list[tuple[str, str]]:
    """The (type, raw value) pairs an SCO or vulnerability carries; [] for objects Lockstep does not map."""
    stix_type = obj.get("type", "")
    if stix_type in ("ipv4-addr", "ipv6-addr") and isinstance(obj.get("value"), str):
        kind = "cidr" if "/" in obj["value"] else stix_type[:4]
        return [(kind, obj["value"])]
    if stix_type in _SIMPLE_KINDS and isinstance(obj.get("value"), str):
        return [(_SIMPLE_KINDS[stix_type], obj["value"])]
    if stix_type == "file" and isinstance(obj.get("hashes"), dict):
        pairs = []
        for name, digest in obj["hashes"].items():
            kind = _HASH_KINDS.get(str(name).upper())
            if kind and isinstance(digest, str):
                pairs.append((kind, digest))
        return pairs
    if stix_type == "autonomous-system" and isinstance(obj.get("number"), int):
        return [("asn", f"AS{obj['number']}")]
    if stix_type == "user-account":
        user = obj.get("account_login") or obj.get("user_id")
        platform = {"twitter": "x"}.get(str(obj.get("account_type", "")), str(obj.get("account_type", "")))
        return [("handle", f"{platform}:{user}")] if platform and isinstance(user, str) else []
    if stix_type == "lockstep-wallet" and isinstance(obj.get("address"), str):
        return [(str(obj.get("chain", "")), obj["address"])]
    if stix_type == "lockstep-bank-account":
        parts = [str(obj.get(name, "")) for name in ("country", "bank_code", "account_number")]
        return [("bank_account", ":".join(parts))]
    if stix_type == "vulnerability":
        for reference in obj.get("external_references") or []:
            if reference.get("source_name") == "cve" and isinstance(reference.get("external_id"), str):
                return [("cve", reference["external_id"])]
        name = str(obj.get("name", ""))
        return [("cve", name)] if re.fullmatch(r"CVE-\d{4}-\d{4,}", name, re.I) else []
    return []


_COMPARISON = re.compile(
    r"([a-z0-9-]+):([a-z0-9_]+(?:\.(?:'[^']*'|[a-z0-9_-]+))?)\s*(=|ISSUBSET)\s*('(?:[^'\\]|\\.)*'|\d+)", re.I
)


def _brackets(text: str) -> list[str]:
    """The [...] observation expressions of a pattern; brackets in quoted literals and list indexes such as
    ``protocols[*]`` stay inside their expression."""
    found: list[str] = []
    start, depth, quoted, escaped = 0, 0, False, False
    for index, char in enumerate(text):
        if quoted:
            quoted, escaped = (True, False) if escaped else (char != "'", char == "\\")
        elif char == "'":
            quoted = True
        elif char == "[":
            depth += 1
            start = index + 1 if depth == 1 else start
        elif char == "]" and depth:
            depth -= 1
            if depth == 0:
                found.append(text[start:index])
    return found


_OR = re.compile(r"\s+OR\s+(?=(?:[^']*'[^']*')*[^']*$)", re.I)  # an OR outside quoted literals


def _unquote(literal: str) -> str:
    if literal.startswith("'"):
        return re.sub(r"\\(.)", r"\1", literal[1:-1])
    return literal


def from_pattern(text: str) -> list[tuple[str, str]]:
    """The (type, raw value) pairs a STIX pattern names by equality (or ISSUBSET for a CIDR block).

    Comparisons on one object inside one bracket (``AND``) that together make a Lockstep value (a handle, a
    wallet, a bank account) are joined; comparisons Lockstep has no type for are ignored.
    """
    return list(_pattern_pairs(text))


@functools.lru_cache(maxsize=65536)  # an import reads each pattern when planning and again when publishing
def _pattern_pairs(text: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    brackets = _brackets(text)
    for bracket in [part for whole in brackets for part in _OR.split(whole)]:
        fields: dict[tuple[str, str], str] = {}
        for stix_type, path, operator, literal in _COMPARISON.findall(bracket):
            value = _unquote(literal)
            stix_type = stix_type.lower()
            if stix_type == "file" and path.lower().startswith("hashes."):
                kind = _HASH_KINDS.get(path.split(".", 1)[1].strip("'").upper())
                if kind:
                    pairs.append((kind, value))
            elif operator.upper() == "ISSUBSET" and stix_type in ("ipv4-addr", "ipv6-addr"):
                pairs.append(("cidr", value))
            else:
                fields[(stix_type, path)] = value
        grouped: dict[str, dict[str, Any]] = {}
        for (stix_type, path), value in fields.items():
            grouped.setdefault(stix_type, {"type": stix_type})[path] = (
                int(value) if path == "number" else value
            )
        for obj in grouped.values():
            pairs += from_object(obj)
    return tuple(pairs)
