"""The shape check that lets common objects skip stix2-validator must never pass an object the validator
refuses: each case below is run through both."""

from __future__ import annotations

from typing import Any

import pytest
from stix2validator import ValidationOptions, validate_parsed_json

from lockstep.exchange.stixcheck import certainly_valid
from lockstep.exchange.stixmap import EXTENSION

T = "2026-11-20T10:00:00.000Z"
BASE: dict[str, Any] = {
    "type": "indicator",
    "spec_version": "2.1",
    "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created": T,
    "modified": T,
    "name": "C2",
    "pattern": "[domain-name:value = 'evil.example']",
    "pattern_type": "stix",
    "valid_from": T,
}
SCO = {
    "type": "domain-name",
    "spec_version": "2.1",
    "id": "domain-name--dd5a1c3e-7f2a-5b8e-9c4d-3e2f1a0b9c8d",
}
CASES: list[dict[str, Any]] = [
    BASE,
    BASE
    | {
        "pattern": "[ipv4-addr:value = '203.0.113.1' OR ipv4-addr:value = '203.0.113.2'] OR [url:value = 'http://a.example/it\\'s']"
    },
    BASE | {"pattern": f"[file:hashes.'SHA-256' = '{'ab' * 32}'] OR [file:hashes.MD5 = '{'cd' * 16}']"},
    BASE | {"pattern": "[email-addr:value = 'a@b.example']", "indicator_types": ["malicious-activity"]},
    BASE | {"confidence": 80, "labels": ["x"], "lang": "en", "revoked": False},
    BASE | {"created_by_ref": "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
    BASE | {"object_marking_refs": ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]},
    BASE | {"extensions": {EXTENSION: {"extension_type": "property-extension", "context": "C2 server"}}},
    BASE | {"valid_until": "2027-01-01T00:00:00Z"},
    # not valid, or not plain: each must be left to the validator
    BASE
    | {
        "created": "2026-11-20T10:00:00Z",
        "modified": "2026-11-20T10:00:00Z",
        "valid_from": "2026-11-20T10:00:00Z",
    },
    BASE | {"modified": "2026-11-19T10:00:00.000Z"},
    BASE | {"valid_until": "2026-11-01T00:00:00Z"},
    BASE | {"created": "2026-13-20T10:00:00.000Z"},
    BASE | {"created": "2026-11-20 10:00:00"},
    BASE | {"id": "indicator--x"},
    BASE | {"id": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
    BASE | {"pattern": "[domain-name:value = "},
    BASE | {"pattern": "[file:hashes.'SHA-256' = 'aa'] OR [file:hashes.MD5 = 'bb']"},
    BASE | {"created": "2026-11-20T10:00:00.0000Z", "modified": "2026-11-20T10:00:00.0000Z"},
    BASE | {"pattern": "[domain-name:value = 'a' AND domain-name:value = 'b']"},
    BASE | {"pattern": "[network-traffic:dst_port = 443]"},
    BASE | {"pattern": "[domain-name:value = 'a'] FOLLOWEDBY [domain-name:value = 'b']"},
    BASE | {"pattern_type": "sigma"},
    BASE | {"spec_version": "2.0"},
    BASE | {"confidence": 101},
    BASE | {"confidence": True},
    BASE | {"labels": []},
    BASE | {"name": ""},
    BASE | {"created_by_ref": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
    BASE | {"object_marking_refs": ["identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]},
    BASE | {"x_custom": 1},
    BASE
    | {
        "extensions": {
            "extension-definition--0f2c7a10-3c6e-4f22-9d1a-6b1f0e9d8c7b": {
                "extension_type": "property-extension"
            }
        }
    },
    {k: v for k, v in BASE.items() if k != "valid_from"},
    SCO | {"value": "evil.example"},
    {
        "type": "ipv4-addr",
        "spec_version": "2.1",
        "id": "ipv4-addr--dd5a1c3e-7f2a-5b8e-9c4d-3e2f1a0b9c8d",
        "value": "198.51.100.7",
    },
    {"type": "url", "id": "url--dd5a1c3e-7f2a-5b8e-9c4d-3e2f1a0b9c8d", "value": "http://a.example/"},
    SCO | {"value": ""},
    SCO | {"value": "evil.example", "resolves_to_refs": ["ipv4-addr--dd5a1c3e-7f2a-5b8e-9c4d-3e2f1a0b9c8d"]},
    SCO | {"value": "evil.example", "id": "domain-name--nope"},
    {"type": "url", "id": "url--dd5a1c3e-7f2a-5b8e-9c4d-3e2f1a0b9c8d", "value": "http://bücher.example/"},
    {"type": "malware", "id": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
]


def _errors(obj: dict[str, Any]) -> list[str]:
    bundle = {"type": "bundle", "id": "bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "objects": [obj]}
    return [str(e) for e in validate_parsed_json(bundle, ValidationOptions(version="2.1")).errors]


@pytest.mark.parametrize("obj", CASES, ids=range(len(CASES)))
def test_what_the_shape_check_passes_the_validator_accepts(obj: dict[str, Any]) -> None:
    if certainly_valid(obj):
        assert _errors(obj) == []


def test_plain_feed_objects_pass_the_shape_check() -> None:
    assert sum(certainly_valid(obj) for obj in CASES[:9]) == 9
    scos = [obj for obj in CASES if obj["type"] != "indicator"]
    assert certainly_valid(scos[0]) and certainly_valid(scos[1]) and certainly_valid(scos[2])
