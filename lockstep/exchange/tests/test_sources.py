"""Partner sources pulled for real: a MISP feed on disk and over HTTP, a MISP server (PyMISP against a local
server speaking its API), a TAXII 2.1 collection (Lockstep's own, through taxii2-client), CSV and plain-list
feeds; incremental, resumable, with per-source status; the schedule and the worker."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pymisp
import pytest
from django.core.management import call_command

from lockstep.accounts.services import create_token
from lockstep.audit.models import AuditEvent
from lockstep.directory.tests.factories import UserFactory
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.exchange.collections import collections_for
from lockstep.exchange.misp_services import write_feed
from lockstep.exchange.models import PullStatus, Source, SourcePull
from lockstep.exchange.source_services import pull_source, save_source, schedule_due_pulls
from lockstep.exchange.tests.helpers import load
from lockstep.intel.models import Hit, Observable, Report
from lockstep.intel.tests.helpers import submit
from lockstep.lib.sealing import unseal

pytestmark = pytest.mark.django_db


@pytest.fixture
def feeds(settings: Any, tmp_path: Path) -> Path:
    settings.LOCKSTEP_FEEDS_DIR = tmp_path / "feeds"
    settings.LOCKSTEP_FEEDS_DIR.mkdir()
    return Path(settings.LOCKSTEP_FEEDS_DIR)


@pytest.fixture
def analyst(world: Any) -> Any:
    """NCB-NG's analyst: sets up Nigeria's sources and its pulls run as them."""
    return UserFactory(username="ng-analyst", agency=world.ncb_ng, roles=["analyst"])


def _source(actor: Any, **fields: Any) -> Source:
    return save_source(actor, {"run_as": actor, "tlp": "green", "audience": "members", **fields})


@pytest.fixture
def http_dir(feeds: Path) -> Iterator[str]:
    """A real HTTP server over the feeds directory."""
    handler = functools.partial(_QuietFiles, directory=str(feeds))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _two_reports(world: Any) -> list[Report]:
    return [
        submit(world.owner, [("domain", "feed-one.top"), ("ipv4", "203.0.113.90")]).report,
        submit(world.owner, [("url", "https://feed-two.top/pay")]).report,
    ]


def test_a_misp_feed_on_disk_is_pulled_incrementally_with_status(
    world: Any, feeds: Path, analyst: Any
) -> None:
    write_feed(world.owner, _two_reports(world), feeds / "ke")
    source = _source(analyst, name="ke-feed", kind="misp_feed", url=str(feeds / "ke"))
    first = pull_source(source)
    assert (first.status, first.taken, first.reports) == (PullStatus.DONE, 2, 2)
    assert set(Observable.objects.filter(owner=world.ncb_ng).values_list("value", flat=True)) == {
        "feed-one.top",
        "203.0.113.90",
        "https://feed-two.top/pay",
    }
    assert Hit.objects.filter(agency=world.ncb_ng).exists()  # pulled data correlates like any submission
    assert pull_source(source).taken == 0  # nothing new in the manifest
    manifest = json.loads((feeds / "ke/manifest.json").read_text())
    key = next(iter(manifest))
    manifest[key]["timestamp"] = int(manifest[key]["timestamp"]) + 60
    (feeds / "ke/manifest.json").write_text(json.dumps(manifest))
    again = pull_source(source)
    assert again.taken == 1 and again.reports == 0  # the changed event updates its report
    source.refresh_from_db()
    assert source.objects_taken == 3 and source.last_success_at and source.last_error == ""
    assert list(source.pulls.values_list("taken", flat=True)) == [1, 0, 2]
    assert AuditEvent.objects.filter(action="source.pulled").count() == 3


def test_an_interrupted_feed_pull_keeps_what_it_took_and_resumes(
    world: Any, feeds: Path, analyst: Any
) -> None:
    write_feed(world.owner, _two_reports(world), feeds / "ke")
    manifest = json.loads((feeds / "ke/manifest.json").read_text())
    later = max(manifest, key=lambda key: (int(manifest[key]["timestamp"]), key))
    manifest[later]["timestamp"] = int(manifest[later]["timestamp"]) + 1  # pulled second
    (feeds / "ke/manifest.json").write_text(json.dumps(manifest))
    good = (feeds / f"ke/{later}.json").read_text()
    (feeds / f"ke/{later}.json").write_text("{broken")
    source = _source(analyst, name="ke-feed", kind="misp_feed", url=str(feeds / "ke"))
    failed = pull_source(source)
    assert (failed.status, failed.taken) == (PullStatus.FAILED, 1) and "not JSON" in failed.error
    assert Report.objects.filter(owner=world.ncb_ng).count() == 1
    source.refresh_from_db()
    assert source.last_error and source.last_success_at is None
    (feeds / f"ke/{later}.json").write_text(good)
    resumed = pull_source(source)
    assert (resumed.status, resumed.taken) == (PullStatus.DONE, 1)
    assert Report.objects.filter(owner=world.ncb_ng).count() == 2


def test_a_misp_feed_over_http_is_pulled(world: Any, feeds: Path, http_dir: str, analyst: Any) -> None:
    write_feed(world.owner, _two_reports(world), feeds / "ke")
    source = _source(analyst, name="ke-http", kind="misp_feed", url=f"{http_dir}/ke")
    assert pull_source(source).taken == 2
    missing = _source(analyst, name="nothing-there", kind="misp_feed", url=f"{http_dir}/absent")
    failed = pull_source(missing)
    assert failed.status == PullStatus.FAILED and "404" in failed.error


def test_a_local_source_outside_the_feeds_directory_is_refused(feeds: Path, analyst: Any) -> None:
    source = _source(analyst, name="etc", kind="csv", url="/etc/passwd")
    pull = pull_source(source)
    assert pull.status == PullStatus.FAILED and "LOCKSTEP_FEEDS_DIR" in pull.error


def test_csv_and_plain_list_feeds_fill_one_report_per_source(
    feeds: Path, http_dir: str, analyst: Any
) -> None:
    (feeds / "rows.csv").write_text(
        "indicator,kind,note\nbad-csv.top,domain,phishing kit\n198.51.100.77,ipv4,\n"
    )
    csv_source = _source(
        analyst,
        name="csv-feed",
        kind="csv",
        url=str(feeds / "rows.csv"),
        mapping={"indicator": "value", "kind": "type", "note": "context"},
    )
    pull = pull_source(csv_source)
    assert (pull.status, pull.taken) == (PullStatus.DONE, 2), pull.error
    report = Report.objects.get(external_ref="source:csv-feed")
    assert {(o.kind, o.value, o.context) for o in report.observables.all()} == {
        ("domain", "bad-csv.top", "phishing kit"),
        ("ipv4", "198.51.100.77", ""),
    }
    assert report.marking.tlp == "green"
    assert pull_source(csv_source).taken == 0  # the same file again brings nothing
    (feeds / "urls.txt").write_text("# abuse list\nhttps://one-list.top/x\n\nhttps://two-list.top/y\n")
    text_source = _source(analyst, name="url-list", kind="text", url=f"{http_dir}/urls.txt", value_type="url")
    assert pull_source(text_source).taken == 2
    listed = Report.objects.get(external_ref="source:url-list")
    assert listed.observables.count() == 2


def test_a_source_needs_a_manager_an_operational_run_as_and_a_sound_marking(world: Any, analyst: Any) -> None:
    with pytest.raises(PermissionDenied):
        save_source(world.owner, {"name": "x", "kind": "csv", "url": "http://x", "run_as": world.owner})
    with pytest.raises(InvalidInput) as caught:
        save_source(
            world.admin,
            {
                "name": "x",
                "kind": "text",
                "url": "",
                "run_as": world.outsider,
                "tlp": "purple",
                "value_type": "?",
            },
        )
    assert {"url", "run_as", "value_type", "tlp"} <= set(caught.value.fields)
    source = save_source(
        world.admin,
        {"name": "ke-taxii", "kind": "taxii", "url": "https://cti.example/taxii2/", "run_as": world.owner},
        secret="s3cret-key",
    )
    assert (
        source.secret != "s3cret-key"
        and "s3cret" not in source.secret
        and unseal(source.secret) == "s3cret-key"
    )
    assert AuditEvent.objects.filter(action="source.created").exists()


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks, as in production
def test_the_schedule_queues_what_is_due_and_the_worker_runs_it(
    world: Any, feeds: Path, analyst: Any, django_capture_on_commit_callbacks: Any
) -> None:
    write_feed(world.owner, _two_reports(world), feeds / "ke")
    due = _source(analyst, name="due", kind="misp_feed", url=str(feeds / "ke"), every_minutes=5)
    _source(analyst, name="off", kind="misp_feed", url=str(feeds / "ke"), enabled=False)
    with django_capture_on_commit_callbacks(execute=True):  # the task is enqueued once the pull row commits
        assert [pull.source.name for pull in schedule_due_pulls()] == ["due"]
    assert schedule_due_pulls() == []  # already queued
    call_command("worker", "--once")
    pull = SourcePull.objects.get(source=due)
    assert (pull.status, pull.taken) == (PullStatus.DONE, 2)
    assert schedule_due_pulls() == []  # pulled a moment ago, due again in five minutes


class _FakeMisp(BaseHTTPRequestHandler):
    """The part of MISP's REST API PyMISP talks to, over the events it is given (newest last)."""

    events: list[dict[str, Any]] = []
    key = "misp-api-key"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != self.key:
            return self._send(403, {"message": "Authentication failed"})
        if self.path.endswith("getPyMISPVersion.json"):
            return self._send(200, {"version": pymisp.__version__})
        if self.path.endswith("getVersion"):
            return self._send(200, {"version": "2.5.20"})
        if self.path.endswith("describeTypes.json"):
            types = json.loads((Path(pymisp.__file__).parent / "data/describeTypes.json").read_text())
            return self._send(200, types)
        if "/users/view/me" in self.path:
            return self._send(
                200,
                {
                    "User": {"id": "1", "email": "sync@misp.example"},
                    "Role": {"id": "1", "name": "sync"},
                    "UserSetting": {},
                },
            )
        self._send(404, {"message": "not found"})

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        since = int(query.get("timestamp") or 0)
        found = [e for e in self.events if int(e["Event"]["timestamp"]) >= since]
        page, limit = int(query.get("page", 1)), int(query.get("limit", 50))
        self._send(200, {"response": found[(page - 1) * limit : page * limit]})


def test_a_misp_server_is_pulled_through_its_rest_api(world: Any, analyst: Any) -> None:
    base = load("misp_event.json")
    events = []
    for number in range(3):
        event = json.loads(json.dumps(base))
        event["Event"] |= {
            "uuid": f"5c3f8a2e-4b1d-4f7a-9a55-0e2b7f6d2c{number:02d}",
            "timestamp": str(1795500000 + number),
        }
        events.append(event)
    _FakeMisp.events = events
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeMisp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        source = save_source(
            analyst,
            {"name": "national-misp", "kind": "misp_server", "url": url, "run_as": analyst},
            secret=_FakeMisp.key,
        )
        first = pull_source(source)
        assert (first.status, first.taken, first.reports) == (PullStatus.DONE, 3, 3), first.error
        source.refresh_from_db()
        assert source.cursor["since"] == 1795500002
        assert Report.objects.filter(owner=world.ncb_ng, external_ref__startswith="report--").count() == 3
        wrong = save_source(
            analyst,
            {"name": "wrong-key", "kind": "misp_server", "url": url, "run_as": analyst},
            secret="nope",
        )
        assert pull_source(wrong).status == PullStatus.FAILED
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db(transaction=True)
def test_a_taxii_collection_is_pulled_from_added_after(live_server: Any, world: Any) -> None:
    submit(world.owner, [("domain", "taxii-pulled.top")], tlp="green")
    analyst = UserFactory(username="ng-analyst", agency=world.ncb_ng, roles=["analyst"])
    members = next(c for c in collections_for(analyst) if c.key == "members")
    token = create_token(None, analyst, name="pull", scope="read", days=1)[1]
    source = save_source(
        analyst,
        {
            "name": "ke-taxii",
            "kind": "taxii",
            "url": f"{live_server.url}/taxii2/lockstep/",
            "collection": members.id,
            "username": analyst.username,
            "run_as": analyst,
            "tlp": "green",
        },
        secret=token,
    )
    first = pull_source(source)
    assert first.status == PullStatus.DONE and first.taken > 0, first.error
    assert Observable.objects.filter(owner=world.ncb_ng, value="taxii-pulled.top").exists()
    source.refresh_from_db()
    assert source.cursor["added_after"]
    submit(world.owner, [("domain", "taxii-later.top")], tlp="green")
    second = pull_source(source)
    assert second.status == PullStatus.DONE
    assert Observable.objects.filter(owner=world.ncb_ng, value="taxii-later.top").exists()
    # only what was added after the first pull came again: the NG copies themselves are in the collection too
    assert second.taken < first.taken + 10
