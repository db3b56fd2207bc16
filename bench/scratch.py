"""The environment a benchmark's Lockstep server runs in: its own data directory, and on PostgreSQL its own
database, created for the run and dropped after it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/test")


@contextmanager
def server_env(data_dir: str, database: str) -> Iterator[dict[str, str]]:
    env = {
        **os.environ,
        "LOCKSTEP_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "bench.lookup_settings",
        "PYTHONPATH": str(ROOT),
        "LOCKSTEP_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    if database != "postgres":
        yield env
        return
    import psycopg

    name = f"lockstep_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = PG_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield env
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
