"""The notices API: a draft with its subjects comes back as sent; a recipient of a withdrawn notice gets only
the tombstone; errors name the fields."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from lockstep.directory.tests.factories import UserFactory
from lockstep.exchange.tests.helpers import bearer

pytestmark = pytest.mark.django_db

DRAFT = {
    "type": "purple",
    "title": "USDT token approval scam",
    "summary": "A fake wallet app asks for an allowance",
    "language": "fr",
    "details": {"modus_operandi": "allowance then drain", "prevention": "revoke allowances"},
    "subjects": [{"kind": "entity", "names": [{"name": "Fake Wallet Ltd"}]}],
}


def _post(client: Client, user: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **bearer(user))


def test_a_draft_goes_through_review_and_a_withdrawn_one_is_a_tombstone(world: Any, client: Client) -> None:
    created = _post(client, world.owner, "/api/v1/notices", DRAFT)
    assert created.status_code == 201, created.content
    body = created.json()
    reference = body["reference"]
    assert body["status"] == "draft" and body["subjects"][0]["names"] == [
        {"name": "Fake Wallet Ltd", "script": "", "alias": False}
    ]
    supervisor = UserFactory(username="ke-sup", agency=world.ncb_ke, roles=["supervisor"])
    assert (
        _post(client, supervisor, f"/api/v1/notices/{reference}/approve", {}).json()["status"] == "in_review"
    )
    checks = {"checks": dict.fromkeys(("neutrality", "human_rights", "data_quality", "eligibility"), True)}
    assert _post(client, world.reviewer, f"/api/v1/notices/{reference}/publish", checks).status_code == 200
    seen = client.get(f"/api/v1/notices/{reference}", **bearer(world.outsider)).json()
    assert seen["title"] == DRAFT["title"] and seen["language"] == "fr"
    _post(client, world.owner, f"/api/v1/notices/{reference}/withdraw", {"reason": "closed"})
    tomb = client.get(f"/api/v1/notices/{reference}", **bearer(world.outsider)).json()
    assert (
        tomb["tombstone"] and tomb["title"] == "" and tomb["subjects"] == [] and tomb["status"] == "withdrawn"
    )


def test_a_request_missing_its_fields_gets_the_error_shape(world: Any, client: Client) -> None:
    response = _post(client, world.owner, "/api/v1/notices", {"type": "orange", "title": "Ransomware wave"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"details.threat", "details.imminence"}
    unknown = _post(
        client, world.owner, "/api/v1/notices", {**DRAFT, "kind": "diffusion", "recipients": ["NOPE"]}
    )
    assert unknown.status_code == 400 and unknown.json()["error"]["fields"] == {"recipients": ["NOPE"]}
