"""The audit page and its JSON Lines export: scoped by role, filtered, the export itself audited."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from conftest import verified_client
from lockstep.audit.services import record


def _seed(world: Any) -> None:
    record(world.owner, "test.kenya", world.owner)
    record(world.outsider, "test.nigeria", world.outsider)
    record(None, "test.system")


def test_an_auditor_sees_every_agency(world: Any, client: Client) -> None:
    _seed(world)
    actions = {
        event.action for event in verified_client(client, world.auditor).get("/audit/").context["events"]
    }
    assert {"test.kenya", "test.nigeria", "test.system"} <= actions


def test_an_agency_admin_sees_only_its_agency(world: Any, client: Client) -> None:
    _seed(world)
    actions = {
        event.action for event in verified_client(client, world.admin).get("/audit/").context["events"]
    }
    assert "test.kenya" in actions and "test.nigeria" not in actions and "test.system" not in actions


def test_filters_by_agency_actor_action_and_date(world: Any, client: Client) -> None:
    _seed(world)
    verified_client(client, world.auditor)
    events = client.get("/audit/?agency=ncb-ng").context["events"]
    assert {event.action for event in events} == {"test.nigeria"}
    assert [e.action for e in client.get("/audit/?actor=owner&action=test").context["events"]] == [
        "test.kenya"
    ]
    assert client.get("/audit/?until=2000-01-01").context["events"] == []
    assert client.get("/audit/?since=not-a-date").status_code == 400


def test_the_export_is_json_lines_and_is_itself_audited(world: Any, client: Client) -> None:
    _seed(world)
    verified_client(client, world.auditor)
    response = client.get("/audit/export.jsonl?action=test")
    assert response["Content-Type"] == "application/x-ndjson"
    rows = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert [row["action"] for row in rows] == ["test.kenya", "test.nigeria", "test.system"]
    assert rows[1]["prev_hash"] == rows[0]["hash"]
    export = client.get("/audit/?action=audit").context["events"]
    assert export[0].action == "audit.exported" and export[0].details == {"filters": {"action": "test"}}


def test_paging_goes_back_through_older_events(world: Any, client: Client) -> None:
    for index in range(55):
        record(world.owner, "test.page", index=index)
    verified_client(client, world.auditor)
    first = client.get("/audit/?action=test.page")
    assert len(first.context["events"]) == 50
    older = client.get(f"/audit/?action=test.page&before={first.context['next_before']}")
    assert len(older.context["events"]) == 5


def test_the_api_pages_with_next_before(world: Any, client: Client) -> None:
    from lockstep.accounts.services import create_token

    for index in range(5):
        record(world.owner, "test.api", index=index)
    token = create_token(None, world.auditor, name="t", scope="read", days=1)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    first = client.get("/api/v1/audit/events?action=test.api&limit=3", **headers).json()
    assert [event["details"]["index"] for event in first["events"]] == [4, 3, 2]
    rest = client.get(
        f"/api/v1/audit/events?action=test.api&limit=3&before={first['next_before']}", **headers
    ).json()
    assert [event["details"]["index"] for event in rest["events"]] == [1, 0]
    assert rest["next_before"] is None


def test_an_impossible_date_is_a_clear_error_that_keeps_the_filters(world: Any, client: Client) -> None:
    verified_client(client, world.auditor)
    response = client.get("/audit/?since=2026-13-45&actor=owner")
    assert response.status_code == 400
    assert response.context["filters"]["actor"] == "owner"
    assert "Not a date: 2026-13-45" in response.content.decode()
    assert client.get("/audit/export.jsonl?since=2026-13-45").status_code == 400


def test_the_until_day_is_included(world: Any, client: Client) -> None:
    from django.utils import timezone

    event = record(world.owner, "test.today")
    today = timezone.now().date().isoformat()
    verified_client(client, world.auditor)
    events = client.get(f"/audit/?since={today}&until={today}&action=test.today").context["events"]
    assert [e.pk for e in events] == [event.pk]


def test_the_actor_filter_ignores_case(world: Any, client: Client) -> None:
    record(world.owner, "test.case")
    verified_client(client, world.auditor)
    assert [e.action for e in client.get("/audit/?actor=OWNER&action=test").context["events"]] == [
        "test.case"
    ]
