"""Every API error has one shape: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lockstep.accounts.services import create_token


def assert_error_shape(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error


@pytest.fixture
def token(world: Any) -> str:
    return create_token(None, world.owner, name="t", scope="read-write", days=3)[1]


def _auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_unauthenticated(db: None, client: Client) -> None:
    assert_error_shape(client.get("/api/v1/me"), 401, "not_authenticated")


def test_bad_token(db: None, client: Client) -> None:
    assert_error_shape(client.get("/api/v1/me", **_auth("lst_nope")), 401, "not_authenticated")


def test_unknown_route(db: None, client: Client, token: str) -> None:
    assert_error_shape(client.get("/api/v1/no-such-thing", **_auth(token)), 404, "not_found")


def test_unknown_object(client: Client, token: str) -> None:
    assert_error_shape(client.get("/api/v1/agencies/NOPE", **_auth(token)), 404, "not_found")


def test_method_not_allowed(client: Client, token: str) -> None:
    response = client.put("/api/v1/me", **_auth(token))
    assert_error_shape(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_schema_validation_names_the_field(client: Client, token: str) -> None:
    response = client.post(
        "/api/v1/tokens", {"scope": "read"}, content_type="application/json", **_auth(token)
    )
    error = assert_error_shape(response, 400, "invalid")
    assert "name" in error["fields"]


def test_malformed_json(client: Client, token: str) -> None:
    response = client.post("/api/v1/tokens", "{not json", content_type="application/json", **_auth(token))
    assert_error_shape(response, 400, "invalid")


def test_domain_validation_names_the_field(client: Client, token: str) -> None:
    response = client.post(
        "/api/v1/tokens",
        {"name": "x", "scope": "root", "days": 3},
        content_type="application/json",
        **_auth(token),
    )
    error = assert_error_shape(response, 400, "invalid")
    assert "scope" in error["fields"]


def test_permission_denied(client: Client, token: str) -> None:
    assert_error_shape(client.get("/api/v1/audit/events", **_auth(token)), 403, "permission_denied")


def test_bad_query_value(world: Any, client: Client) -> None:
    token = create_token(None, world.auditor, name="t", scope="read", days=3)[1]
    error = assert_error_shape(
        client.get("/api/v1/audit/events?since=yesterday", **_auth(token)), 400, "invalid"
    )
    assert "since" in error["fields"]


def test_session_post_without_csrf_token(world: Any) -> None:
    from conftest import verified_client

    client = verified_client(Client(enforce_csrf_checks=True), world.owner)
    response = client.post("/api/v1/alerts/read-all")
    assert_error_shape(response, 403, "permission_denied")


def test_session_without_second_factor_is_not_authenticated(world: Any, client: Client) -> None:
    client.force_login(world.owner)
    assert_error_shape(client.get("/api/v1/me"), 401, "not_authenticated")


def test_unauthenticated_responses_name_the_scheme(db: None, client: Client) -> None:
    assert client.get("/api/v1/me")["WWW-Authenticate"] == 'Bearer realm="lockstep"'
    assert client.get("/api/v1/me", **_auth("lst_nope"))["WWW-Authenticate"] == 'Bearer realm="lockstep"'


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/alerts?limit=0",
        "/api/v1/alerts?limit=-3",
        "/api/v1/agencies?kind=bogus",
        "/api/v1/countries?region=mars",
    ],
)
def test_out_of_range_query_values_are_refused(client: Client, token: str, path: str) -> None:
    assert_error_shape(client.get(path, **_auth(token)), 400, "invalid")


def test_an_impossible_date_is_refused(world: Any, client: Client) -> None:
    token = create_token(None, world.auditor, name="t", scope="read", days=3)[1]
    error = assert_error_shape(
        client.get("/api/v1/audit/events?since=2026-13-45", **_auth(token)), 400, "invalid"
    )
    assert "since" in error["fields"]
