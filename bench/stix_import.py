"""Benchmark: a STIX 2.1 bundle parsed and imported by Lockstep (checked, planned, stored, correlated), beside
`stix2.parse` (the OASIS library: parse into Python objects, nothing stored) on the same bundle, in one run.

The bundle: one report, OBJECTS indicators with plain patterns (domains, IPv4, SHA-256), a tenth of them with a
cyber-observable object too, an identity and the TLP 2.0 marking. Lockstep imports it into a fresh SQLite
database as an agency's report (`exchange.services.import_stix`).

Usage: python bench/stix_import.py [--objects 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
T = "2026-11-20T10:00:00.000Z"
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"


def bundle(count: int) -> dict[str, Any]:
    identity = f"identity--{uuid.uuid4()}"
    objects: list[dict[str, Any]] = [
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": identity,
            "created": T,
            "modified": T,
            "name": "Bench",
        },
        {
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": AMBER,
            "created": "2022-10-01T00:00:00.000Z",
            "name": "TLP:AMBER",
            "extensions": {
                "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                    "extension_type": "property-extension",
                    "tlp_2_0": "amber",
                }
            },
        },
    ]
    refs = []
    for number in range(count):
        kind = number % 3
        if kind == 0:
            pattern = f"[domain-name:value = 'bench-{number}.zone-{number % 97}.net']"
        elif kind == 1:
            pattern = (
                f"[ipv4-addr:value = '{10 + number // 65536 % 200}.{number // 256 % 256}.{number % 256}.7']"
            )
        else:
            pattern = f"[file:hashes.'SHA-256' = '{number:064x}']"
        indicator = {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{uuid.uuid4()}",
            "created": T,
            "modified": T,
            "name": f"bench {number}",
            "indicator_types": ["malicious-activity"],
            "pattern": pattern,
            "pattern_type": "stix",
            "valid_from": T,
            "created_by_ref": identity,
            "object_marking_refs": [AMBER],
        }
        objects.append(indicator)
        refs.append(indicator["id"])
        if number % 10 == 0:
            sco = {"type": "domain-name", "spec_version": "2.1", "id": f"domain-name--{uuid.uuid4()}"}
            objects.append(sco | {"value": f"seen-{number}.example.net"})
            refs.append(sco["id"])
    report = {
        "type": "report",
        "spec_version": "2.1",
        "id": f"report--{uuid.uuid4()}",
        "created": T,
        "modified": T,
        "name": "Bench report",
        "published": T,
        "report_types": ["threat-report"],
        "object_refs": refs,
        "created_by_ref": identity,
        "object_marking_refs": [AMBER],
    }
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [*objects, report]}


def lockstep(path: Path, data_dir: str) -> float:
    script = f"""
import json, time, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from lockstep.directory.models import Agency, RoleGrant, User
from lockstep.exchange.services import import_stix
from lockstep.policy.audience import MarkingSpec
agency = Agency.objects.create(code="BENCH-KE", name="Bench", kind="national_unit", country_id="KE")
user = User.objects.create(username="bench", agency=agency)
RoleGrant.objects.create(user=user, role="analyst")
text = open({str(path)!r}).read()
began = time.perf_counter()
data = json.loads(text)
import_stix(user, data, defaults=MarkingSpec(owner=agency, audience="members"))
print(time.perf_counter() - began)
"""
    env = {**os.environ, "LOCKSTEP_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "lockstep.settings"}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=20_000)
    options = parser.parse_args()
    import stix2

    data = bundle(options.objects)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bundle.json"
        path.write_text(json.dumps(data))
        text = path.read_text()
        began = time.perf_counter()
        stix2.parse(text, allow_custom=True)
        parsed = time.perf_counter() - began
        imported = lockstep(path, scratch)
    count = len(data["objects"])
    print(f"bundle: {count:,} objects ({options.objects:,} indicators), {len(text) / 1e6:.1f} MB")
    print("| | time (s) | objects/s | ratio |")
    print("|---|---|---|---|")
    print(f"| stix2.parse (parse only) | {parsed:.2f} | {count / parsed:,.0f} | 1.00 |")
    print(
        f"| Lockstep import (parse, check, store, correlate) | {imported:.2f} | {count / imported:,.0f} "
        f"| {parsed / imported:.2f} |"
    )


if __name__ == "__main__":
    main()
