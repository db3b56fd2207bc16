"""Benchmark: TAXII 2.1 writes and reads, Lockstep beside medallion (the OASIS reference server, memory
backend) in one run.

For each server and collection size N, the collection is filled by POSTing envelopes of BATCH indicators (each
a new domain), then read back in pages of 100:
  - write rate: objects per second over the whole fill (Lockstep: each POST is imported as a report, its
    values canonicalised, stored durably and correlated; medallion keeps them in a Python dict);
  - per-page latency: median time of a GET objects page, over the first page and the pages `next` leads to;
  - read rate: objects per second over those pages.
Lockstep runs on gunicorn (2 workers x 4 threads) with Lockstep's settings; medallion on its own Flask server.
Medallion is a floor: its write rate falls as the collection grows and a page of a large collection is slow.

Usage: python bench/taxii.py [--sizes 1000,100000] [--medallion-sizes 1000,4000] [--database sqlite|postgres]
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from scratch import server_env

ROOT = Path(__file__).resolve().parent.parent
LOCKSTEP_PORT, MEDALLION_PORT = 8766, 8767
TAXII = "application/taxii+json;version=2.1"
BATCH = 100
PAGES = 20


def indicator(number: int) -> dict[str, Any]:
    when = "2026-11-20T10:00:00.000Z"
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created": when,
        "modified": when,
        "name": f"bench {number}",
        "pattern": f"[domain-name:value = 'taxii-bench-{number}.zone-{number % 97}.net']",
        "pattern_type": "stix",
        "valid_from": when,
    }


def call(url: str, auth: str, body: bytes | None = None, timeout: float = 900) -> tuple[float, Any, Any]:
    request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    request.add_header("Accept", TAXII)
    request.add_header("Authorization", auth)
    if body:
        request.add_header("Content-Type", TAXII)
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data = json.loads(response.read() or b"{}")
        headers = response.headers
    return time.perf_counter() - began, data, headers


def wait_for(url: str, auth: str) -> None:
    for _ in range(200):
        try:
            call(url, auth, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def fill(objects_url: str, auth: str, start: int, count: int) -> float:
    """POST envelopes until ``count`` more objects are stored; returns objects per second."""
    elapsed = 0.0
    for offset in range(start, start + count, BATCH):
        envelope = {"objects": [indicator(n) for n in range(offset, min(offset + BATCH, start + count))]}
        took, status, _headers = call(objects_url, auth, json.dumps(envelope).encode())
        if status.get("failure_count"):
            raise SystemExit(f"POST refused: {status['failures'][:2]}")
        elapsed += took
    return count / elapsed


def read(objects_url: str, auth: str, pages: int = PAGES, timeout: float = 900) -> tuple[float, float, int]:
    """(median page latency in ms, objects per second, pages read) over the first ``pages`` pages."""
    latencies, objects, token = [], 0, None
    for _ in range(pages):
        url = f"{objects_url}?limit=100" + (f"&next={token}" if token else "")
        took, data, _headers = call(url, auth, timeout=timeout)
        latencies.append(took)
        objects += len(data.get("objects", []))
        token = data.get("next")
        if not data.get("more"):
            break
    return statistics.median(latencies) * 1000, objects / sum(latencies), len(latencies)


def lockstep_server(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str, str]:
    script = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from lockstep.accounts.services import create_token
from lockstep.directory.models import Agency, RoleGrant, User
from lockstep.exchange.collections import collections_for
agency = Agency.objects.create(code="BENCH-KE", name="Bench", kind="national_unit", country_id="KE")
user = User.objects.create(username="bench", agency=agency)
RoleGrant.objects.create(user=user, role="analyst")
members = next(c for c in collections_for(user) if c.key == "members")
print(create_token(None, user, name="bench", scope="read-write", days=1)[1], members.id)
"""
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True)
    token, collection = out.stdout.split()[-2:]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.lookup_wsgi:application",
            "--bind",
            f"127.0.0.1:{LOCKSTEP_PORT}",
        ]
        + ["--workers", "2", "--threads", "4", "--worker-class", "gthread", "--timeout", "900"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{LOCKSTEP_PORT}/taxii2/lockstep/collections/{collection}/objects/"
    wait_for(f"http://127.0.0.1:{LOCKSTEP_PORT}/taxii2/", f"Bearer {token}")
    return server, base, f"Bearer {token}"


def medallion_server(scratch: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    collection = str(uuid.uuid4())
    data = {
        "/discovery": {
            "title": "bench",
            "default": f"http://127.0.0.1:{MEDALLION_PORT}/api1/",
            "api_roots": [],
        },
        "api1": {
            "information": {"title": "bench", "versions": [TAXII], "max_content_length": 100_000_000},
            "status": [],
            "collections": [
                {
                    "id": collection,
                    "title": "bench",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": [],
                }
            ],
        },
    }
    (scratch / "data.json").write_text(json.dumps(data))
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": str(scratch / "data.json"),
        },
        "users": {"bench": "bench"},
        "taxii": {"max_page_size": 100},
    }
    (scratch / "config.json").write_text(json.dumps(config))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "medallion.scripts.run",
            "--port",
            str(MEDALLION_PORT),
            str(scratch / "config.json"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    auth = "Basic " + base64.b64encode(b"bench:bench").decode()
    wait_for(f"http://127.0.0.1:{MEDALLION_PORT}/taxii2/", auth)
    return server, f"http://127.0.0.1:{MEDALLION_PORT}/api1/collections/{collection}/objects/", auth


def measure(name: str, url: str, auth: str, sizes: list[int], rows: list[str]) -> None:
    stored = 0
    for size in sizes:
        rate = fill(url, auth, stored, size - stored)
        stored = size
        latency, read_rate, pages = read(url, auth)
        rows.append(f"| {name} | {size:,} | {rate:,.0f} | {latency:,.1f} | {read_rate:,.0f} | {pages} |")
        print(rows[-1], file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--medallion-sizes", default="1000,4000")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    options = parser.parse_args()
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        server, url, auth = medallion_server(Path(scratch))
        try:
            measure(
                "medallion (memory)", url, auth, [int(n) for n in options.medallion_sizes.split(",")], rows
            )
        finally:
            server.terminate()
            server.wait()
        with server_env(scratch, options.database) as env:
            server, url, auth = lockstep_server(env)
            try:
                sizes = [int(n) for n in options.sizes.split(",")]
                measure(f"Lockstep ({options.database})", url, auth, sizes, rows)
            finally:
                server.terminate()
                server.wait()
    print(f"envelopes of {BATCH} indicators; pages of 100 objects, up to {PAGES} pages read per size")
    print(
        "| server | objects stored | write (objects/s) | page latency (ms, median) | read (objects/s) | pages |"
    )
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
