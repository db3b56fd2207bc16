"""The `lockstep` command line: real subprocesses against a file database, as an operator runs them."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

LOCKSTEP = [sys.executable, "-m", "lockstep.cli"]


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A fresh node: its own data directory and database (SQLite, or a new PostgreSQL database when the suite
    runs on PostgreSQL), migrated, with the demo directory loaded."""
    data = tmp_path_factory.mktemp("node")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(LOCKSTEP_DATA_DIR=str(data), LOCKSTEP_DEMO="true")
    server = os.environ.get("DATABASE_URL", "")
    name = f"lockstep_cli_{uuid.uuid4().hex[:12]}"
    if server:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = server.rsplit("/", 1)[0] + "/" + name
    subprocess.run([*LOCKSTEP, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run(
        [*LOCKSTEP, "demo", "--observables-per-report", "20", "--operation-items", "3000"],
        env=env,
        check=True,
        capture_output=True,
    )
    yield env
    if server:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def query(env: dict[str, str], sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Run SQL straight against the node's database, as someone with database access would."""
    if env.get("DATABASE_URL"):
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as db:
            cursor = db.execute(sql.replace("?", "%s"), params)  # type: ignore[call-overload]
            return cursor.fetchall() if cursor.description else []
    with sqlite3.connect(Path(env["LOCKSTEP_DATA_DIR"]) / "lockstep.sqlite3") as db:
        return db.execute(sql, params).fetchall()


def run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LOCKSTEP, *args], env=env, input=stdin, capture_output=True, text=True)


def test_help_lists_the_lockstep_commands(node: dict[str, str]) -> None:
    result = run(node, "--help")
    assert result.returncode == 0
    for command in ("serve", "demo", "audit verify", "agencies list", "users create", "tokens create"):
        assert command in result.stdout


def test_the_database_runs_in_wal_mode(node: dict[str, str]) -> None:
    if node.get("DATABASE_URL"):
        pytest.skip("SQLite only")
    database = Path(node["LOCKSTEP_DATA_DIR"]) / "lockstep.sqlite3"
    assert sqlite3.connect(database).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_demo_operation(node: dict[str, str]) -> None:
    roles = dict(
        query(
            node,
            "SELECT role, count(*) FROM operations_participant p JOIN operations_operation o "
            "ON o.id = p.operation_id WHERE o.code_name = 'Savanna' GROUP BY role",
        )
    )
    assert roles == {"lead": 1, "co_lead": 1, "participant": 19, "partner": 3}
    states = dict(query(node, "SELECT state, count(*) FROM operations_infrastructureitem GROUP BY state"))
    assert set(states) == {"identified", "requested", "taken_down", "refused", "no_response"}
    assert 2500 < sum(states.values()) <= 3000 and states["taken_down"] > sum(states.values()) / 2  # type: ignore[operator]
    current = query(node, "SELECT count(DISTINCT agency_id) FROM operations_resultreport WHERE current")
    corrected = query(node, "SELECT count(*) FROM operations_resultreport WHERE version = 2")
    assert current[0][0] == 19 and corrected[0][0] == 1
    assert query(node, "SELECT count(*) FROM operations_target")[0][0] == 4
    assert query(node, "SELECT count(*) FROM operations_targetvalue")[0][0] >= 2
    press = run(node, "operations", "report", "Savanna", "--user", "gs.coordinator")
    assert press.returncode == 0 and "Operation Savanna (action phase" in press.stdout
    assert "brought together 19 countries" in press.stdout


def test_demo_twice_adds_nothing_twice(node: dict[str, str]) -> None:
    def counts() -> tuple[int, ...]:
        tables = (
            "directory_agency",
            "directory_user",
            "directory_contactpoint",
            "intel_report",
            "intel_observable",
            "intel_hit",
            "exchange_source",
            "exchange_sourcepull",
            "notices_notice",
            "operations_operation",
            "operations_infrastructureitem",
            "operations_resultreport",
        )
        return tuple(int(query(node, f"SELECT count(*) FROM {table}")[0][0]) for table in tables)  # type: ignore[call-overload]

    before = counts()
    again = run(node, "demo", "--observables-per-report", "20", "--operation-items", "3000")
    assert again.returncode == 0 and "lockstep-demo-2026" in again.stdout
    assert counts() == before
    assert before[0] >= 19 + 4 + 3 + 1  # NCBs, national units and regional body, partners, GS
    assert before[3] >= 40 and before[5] > 0  # reports from the agencies, overlapping: hits on first sign-in
    pulled = query(node, "SELECT status, taken FROM exchange_sourcepull")
    assert before[6] == 1 and [tuple(row) for row in pulled] == [("done", 2)]  # the partner feed, pulled once
    states = sorted(tuple(row) for row in query(node, "SELECT type, kind, status FROM notices_notice"))
    assert states == [
        ("blue", "diffusion", "sent"),
        ("blue", "notice", "published"),
        ("purple", "notice", "published"),
        ("red", "notice", "in_review"),
    ]
    assert "not loaded again" in run(node, "demo", "--if-empty").stdout


def test_demo_refuses_outside_demo_mode(node: dict[str, str]) -> None:
    result = run({**node, "LOCKSTEP_DEMO": "false"}, "demo")
    assert result.returncode != 0 and "LOCKSTEP_DEMO" in result.stderr


def test_agencies_list(node: dict[str, str]) -> None:
    result = run(node, "agencies", "list", "--kind", "ncb", "--json")
    assert result.returncode == 0
    codes = {agency["code"] for agency in json.loads(result.stdout)}
    assert {"NCB-KE", "NCB-NG", "NCB-FR"} <= codes and "GS" not in codes


def test_users_create_reads_the_password_from_stdin(node: dict[str, str]) -> None:
    result = run(
        node,
        "users",
        "create",
        "ke.cli",
        "--agency",
        "NCB-KE",
        "--role",
        "analyst",
        stdin="a sturdy passphrase for cli\n",
    )
    assert result.returncode == 0, result.stderr
    listing = run(node, "users", "list", "--agency", "NCB-KE").stdout
    assert "ke.cli" in listing and "analyst" in listing


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["users", "create", "x.bad", "--agency", "NCB-KE", "--role", "reviewer"],
            "a sturdy passphrase 1\n",
            "reviewers",
        ),
        (
            ["users", "create", "x.bad", "--agency", "NOPE", "--role", "officer"],
            "a sturdy passphrase 1\n",
            "no agency",
        ),
        (["users", "create", "x.bad", "--agency", "NCB-KE", "--role", "officer"], "short\n", "password"),
        (["users", "create", "x.bad", "--agency", "NCB-KE", "--role", "officer"], "", "No password"),
        (["tokens", "create", "nobody", "--scope", "read"], "", "no user"),
        (
            ["users", "create", "x bad", "--agency", "NCB-KE", "--role", "officer"],
            "a sturdy passphrase 1\n",
            "user name",
        ),
        (
            ["users", "create", "x.bad", "--agency", "NCB-KE", "--role", "officer", "--email", "nope"],
            "a sturdy passphrase 1\n",
            "e-mail",
        ),
        (["users", "list", "--agency", "NOPE"], "", "no agency"),
        (["audit", "export", "--since", "2026-13-45"], "", "Not a date"),
        (["tokens", "create", "ke.officer", "--scope", "read", "--days", "0"], "", "days"),
    ],
)
def test_bad_input_exits_non_zero_with_a_message_and_stores_nothing(
    node: dict[str, str], args: list[str], stdin: str, message: str
) -> None:
    result = run(node, *args, stdin=stdin)
    assert result.returncode != 0
    assert message in result.stderr
    assert "x.bad" not in run(node, "users", "list").stdout


def test_tokens_create_prints_the_token_once_and_it_works(node: dict[str, str]) -> None:
    result = run(node, "tokens", "create", "ke.officer", "--scope", "read", "--name", "cli test")
    assert result.returncode == 0
    value = result.stdout.strip()
    assert value.startswith("lst_")
    listing = run(node, "tokens", "list", "ke.officer").stdout
    assert value[:12] in listing and value not in listing
    digest = hashlib.sha256(value.encode()).hexdigest()
    assert query(node, "SELECT count(*) FROM accounts_apitoken WHERE digest = ?", (digest,)) == [(1,)]


def test_audit_verify_passes_then_names_a_tampered_event(node: dict[str, str], tmp_path: Path) -> None:
    ok = run(node, "audit", "verify")
    assert ok.returncode == 0 and "intact" in ok.stdout
    copy = tmp_path / "copy"
    shutil.copytree(node["LOCKSTEP_DATA_DIR"], copy)
    tampered = {**node, "LOCKSTEP_DATA_DIR": str(copy)}
    if node.get("DATABASE_URL"):  # the append-only trigger refuses; the database owner switches it off
        query(
            node,
            f"CREATE DATABASE tampered_{copy.stat().st_ino} TEMPLATE "
            f"{node['DATABASE_URL'].rsplit('/', 1)[1]}",
        )
        tampered["DATABASE_URL"] = node["DATABASE_URL"].rsplit("/", 1)[0] + f"/tampered_{copy.stat().st_ino}"
        query(tampered, "ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    query(tampered, "UPDATE audit_auditevent SET action = 'user.nothing' WHERE seq = 7")
    broken = run(tampered, "audit", "verify")
    if node.get("DATABASE_URL"):
        query(node, f"DROP DATABASE tampered_{copy.stat().st_ino} WITH (FORCE)")
    assert broken.returncode == 1
    assert "event #7" in broken.stderr and "changed" in broken.stderr


def test_audit_export_writes_json_lines(node: dict[str, str]) -> None:
    result = run(node, "audit", "export", "--action", "user")
    assert result.returncode == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and all(line["action"].startswith("user.") for line in lines)
    assert all({"seq", "hash", "prev_hash", "actor", "at"} <= set(line) for line in lines)


def test_a_command_on_an_empty_data_directory_says_to_migrate(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    result = run({**env, "LOCKSTEP_DATA_DIR": str(tmp_path)}, "audit", "verify")
    assert result.returncode != 0
    assert "lockstep migrate" in result.stderr and "Traceback" not in result.stderr


def test_intel_extract_reads_text_and_json_lines(node: dict[str, str]) -> None:
    plain = run(
        node, "intel", "extract", "--country", "KE", stdin="C2 at hxxp://bad-c2[.]net/x and 0712 345 678"
    )
    assert json.loads(plain.stdout) == {"url": ["http://bad-c2.net/x"], "phone": ["+254712345678"]}
    lines = '{"id": "a", "text": "see 203.0.113.9"}\n{"id": 7, "text": "nothing here"}\n'
    out = [
        json.loads(line) for line in run(node, "intel", "extract", "--jsonl", stdin=lines).stdout.splitlines()
    ]
    assert out == [{"id": "a", "iocs": {"ipv4": ["203.0.113.9"]}}, {"id": 7, "iocs": {}}]
    bad = run(node, "intel", "extract", "--jsonl", stdin="not json\n")
    assert bad.returncode != 0 and "line 1" in bad.stderr


def test_intel_import_and_lookup(node: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    path.write_text("case,type,indicator\nCLI-1,domain,cli-import-test.net\nCLI-1,ipv4,999.9.9.9\n")
    result = run(
        node,
        "intel",
        "import",
        str(path),
        "--user",
        "ke.officer",
        "--map",
        "case=report",
        "--map",
        "indicator=value",
    )
    assert result.returncode == 0, result.stderr
    assert "2 rows: 1 observables added, 1 rejected, 1 reports" in result.stdout
    assert "row 2: ipv4" in result.stderr
    again = run(
        node,
        "intel",
        "import",
        str(path),
        "--user",
        "ke.officer",
        "--map",
        "case=report",
        "--map",
        "indicator=value",
    )
    assert "0 observables added" in again.stdout
    found = [
        json.loads(line)
        for line in run(
            node, "intel", "lookup", "--user", "ng.officer", "cli-import-test.net"
        ).stdout.splitlines()
    ]
    assert [match["agency"] for match in found[0]["matches"]] == ["NCB-KE"]
    missing = run(node, "intel", "import", str(tmp_path / "nope.csv"), "--user", "ke.officer")
    assert missing.returncode != 0 and "no file" in missing.stderr


def test_exchange_import_and_export_stix(node: dict[str, str], tmp_path: Path) -> None:
    bundle = Path(__file__).resolve().parent.parent / "lockstep/exchange/tests/data/partner_bundle.json"
    result = run(node, "exchange", "import", str(bundle), "--user", "ke.officer")
    assert result.returncode == 0, result.stderr
    assert "2 reports created, 0 updated, 21 objects kept as sent" in result.stdout
    reference = result.stdout.split()[0]
    again = run(node, "exchange", "import", str(bundle), "--user", "ke.officer")
    assert "0 reports created, 2 updated" in again.stdout
    out = tmp_path / "out.json"
    exported = run(node, "exchange", "export", reference, "--user", "ke.officer", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    objects = json.loads(out.read_text())["objects"]
    assert {"malware", "attack-pattern", "x-vendor-verdict", "report"} <= {obj["type"] for obj in objects}
    broken = tmp_path / "broken.json"
    broken.write_text(
        '{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", '
        '"objects": [{"type": "indicator", "id": "indicator--x"}]}'
    )
    refused = run(node, "exchange", "import", str(broken), "--user", "ke.officer")
    assert refused.returncode != 0 and "objects.indicator--x" in refused.stderr
    hidden = run(node, "exchange", "export", "NO-SUCH-REF", "--user", "ke.officer")
    assert hidden.returncode != 0 and "no report NO-SUCH-REF" in hidden.stderr


def test_exchange_misp_csv_feed_and_lists(node: dict[str, str], tmp_path: Path) -> None:
    event = Path(__file__).resolve().parent.parent / "lockstep/exchange/tests/data/misp_event.json"
    result = run(node, "exchange", "import", str(event), "--user", "ke.officer")
    assert result.returncode == 0, result.stderr
    assert "1 reports created, 0 updated, 15 objects kept as sent" in result.stdout
    reference = result.stdout.split()[0]
    out = tmp_path / "rows.csv"
    exported = run(
        node,
        "exchange",
        "export",
        reference,
        "--user",
        "ke.officer",
        "--format",
        "csv",
        "-o",
        str(out),
        "--map",
        "type=kind",
    )
    assert exported.returncode == 0, exported.stderr
    header, *rows = out.read_text().splitlines()
    assert header.startswith("report,kind,value,context") and len(rows) == 13
    # the CSV imports back (another agency's view of the same values), renaming the column back
    back = run(node, "exchange", "import", str(out), "--user", "ng.officer", "--map", "kind=type")
    assert back.returncode == 0, back.stderr
    assert "13 rows: 13 observables added, 0 rejected, 1 reports" in back.stdout
    feed = tmp_path / "feed"
    written = run(node, "exchange", "misp-feed", str(feed), "--user", "ke.officer")
    assert written.returncode == 0 and (feed / "manifest.json").exists() and (feed / "hashes.csv").exists()
    events = len(json.loads((feed / "manifest.json").read_text()))
    taken = run(node, "exchange", "import", str(feed), "--user", "gh.officer")  # a feed directory, at once
    assert taken.returncode == 0, taken.stderr
    assert f"{events} reports created, 0 updated" in taken.stdout
    listed = run(node, "exchange", "list", "domain", "--user", "ke.officer")
    assert "parcel-redelivery.top" in listed.stdout.splitlines()
    unknown = run(node, "exchange", "list", "nonsense", "--user", "ke.officer")
    assert unknown.returncode != 0 and "Unknown type nonsense" in unknown.stderr


def test_exchange_sources_and_pull_with_progress(node: dict[str, str], tmp_path: Path) -> None:
    feeds = Path(node["LOCKSTEP_DATA_DIR"]) / "feeds"
    feeds.mkdir(exist_ok=True)
    (feeds / "list.txt").write_text("# blocklist\ncli-pulled.top\nsecond-pulled.top\n")
    added = run(
        node,
        "exchange",
        "add-source",
        "blocklist",
        "--kind",
        "text",
        "--type",
        "domain",
        "--url",
        str(feeds / "list.txt"),
        "--user",
        "ke.admin",
        "--run-as",
        "ke.analyst",
        "--tlp",
        "green",
    )
    assert added.returncode == 0, added.stderr
    pulled = run(node, "exchange", "pull", "blocklist", "--user", "ke.analyst")
    assert pulled.returncode == 0, pulled.stderr
    assert "blocklist: 2 taken, 1 new reports" in pulled.stdout and "taken" in pulled.stderr
    listed = run(node, "exchange", "sources", "--user", "ke.admin")
    assert "blocklist  text  enabled  every 60 min  done" in listed.stdout and "2 taken" in listed.stdout
    outside = run(
        node,
        "exchange",
        "add-source",
        "passwd",
        "--kind",
        "csv",
        "--url",
        "/etc/passwd",
        "--user",
        "ke.admin",
        "--run-as",
        "ke.analyst",
    )
    assert outside.returncode == 0
    failed = run(node, "exchange", "pull", "passwd", "--user", "ke.admin")
    assert failed.returncode != 0 and "LOCKSTEP_FEEDS_DIR" in failed.stderr
    worker = run(node, "worker", "--once")
    assert worker.returncode == 0 and "pulls queued" in worker.stdout
    removed = run(node, "exchange", "remove-source", "passwd", "--user", "ke.admin")
    assert (
        removed.returncode == 0
        and "passwd" not in run(node, "exchange", "sources", "--user", "ke.admin").stdout
    )


def test_notices_list_export_and_import(node: dict[str, str], tmp_path: Path) -> None:
    listed = run(node, "notices", "list", "--user", "ke.officer")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 4  # the demo's notices
    out = tmp_path / "notices.jsonl"
    exported = run(node, "notices", "export", "--user", "ke.officer", "-o", str(out))
    assert exported.returncode == 0 and len(out.read_text().splitlines()) == 4
    taken = run(node, "notices", "import", str(out), "--user", "gh.officer")
    assert taken.returncode == 0 and "4 notices imported" in taken.stdout, taken.stderr
    out.write_text('{"type": "red", "title": "incomplete"}\n')
    refused = run(node, "notices", "import", str(out), "--user", "gh.officer")
    assert refused.returncode != 0 and "line 1" in refused.stderr
