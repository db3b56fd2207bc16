"""API tokens: stored hashed, shown once, scoped, expiring, revocable; every use attributable in the audit log."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lockstep.accounts.models import ApiToken
from lockstep.accounts.services import create_token, revoke_token
from lockstep.audit.models import AuditEvent
from lockstep.errors import InvalidInput, PermissionDenied


def _api(client: Client, method: str, path: str, token: str, **kwargs: Any) -> Any:
    return getattr(client, method)(
        f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {token}", content_type="application/json", **kwargs
    )


def test_only_a_digest_of_the_token_is_stored(world: Any) -> None:
    token, value = create_token(None, world.owner, name="tip", scope="read", days=30)
    assert value.startswith("lst_") and len(value) > 40
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert value not in {str(field) for field in stored.values()}
    assert stored["digest"] == hashlib.sha256(value.encode()).hexdigest()
    assert stored["prefix"] == value[:12]


def test_the_token_value_is_never_in_the_audit_log(world: Any) -> None:
    _token, value = create_token(None, world.owner, name="tip", scope="read", days=30)
    dumped = " ".join(str(row) for row in AuditEvent.objects.values())
    assert value not in dumped


def test_a_token_authenticates_and_each_use_is_audited(world: Any, client: Client) -> None:
    token, value = create_token(None, world.owner, name="tip", scope="read", days=30)
    response = _api(client, "get", "/me", value)
    assert response.status_code == 200 and response.json()["username"] == "owner"
    use = AuditEvent.objects.get(action="auth.token_used")
    assert use.actor == world.owner and use.via == f"api-token:{token.pk}"
    assert use.target_id == str(token.pk) and use.details["path"] == "/api/v1/me"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_events_written_during_a_token_request_name_the_token(world: Any, client: Client) -> None:
    token, value = create_token(None, world.owner, name="tip", scope="read-write", days=30)
    response = _api(client, "post", "/tokens", value, data={"name": "second", "scope": "read", "days": 5})
    assert response.status_code == 201
    created = AuditEvent.objects.filter(action="token.created").order_by("-seq").first()
    assert created.via == f"api-token:{token.pk}"


def test_a_read_token_cannot_write(world: Any, client: Client) -> None:
    _token, value = create_token(None, world.owner, name="tip", scope="read", days=30)
    response = _api(client, "post", "/tokens", value, data={"name": "x", "scope": "read", "days": 5})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert ApiToken.objects.count() == 1


def test_an_expired_token_is_refused(world: Any, client: Client) -> None:
    token, value = create_token(None, world.owner, name="tip", scope="read", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = _api(client, "get", "/me", value)
    assert response.status_code == 401
    assert AuditEvent.objects.get(action="auth.token_rejected").details["reason"] == "expired"


def test_a_revoked_token_is_refused(world: Any, client: Client) -> None:
    token, value = create_token(None, world.owner, name="tip", scope="read", days=30)
    revoke_token(world.owner, token)
    assert _api(client, "get", "/me", value).status_code == 401
    assert AuditEvent.objects.get(action="auth.token_rejected").details["reason"] == "revoked"


def test_an_unknown_token_is_refused_and_audited(db: None, client: Client) -> None:
    assert _api(client, "get", "/me", "lst_not-a-real-token").status_code == 401
    event = AuditEvent.objects.get(action="auth.token_rejected")
    assert event.details["reason"] == "unknown" and event.details["prefix"] == "lst_not-a-re"


def test_a_token_stops_working_when_its_partner_agreement_expires(world: Any, client: Client) -> None:
    _token, value = create_token(None, world.partner, name="feed", scope="read", days=30)
    assert _api(client, "get", "/me", value).status_code == 200
    world.partner_agency.agreement_expires_on = timezone.now().date() - datetime.timedelta(days=1)
    world.partner_agency.save()
    assert _api(client, "get", "/me", value).status_code == 401


def test_users_revoke_only_their_own_tokens_or_their_agency_admin_does(world: Any) -> None:
    token, _value = create_token(None, world.owner, name="tip", scope="read", days=30)
    with pytest.raises(PermissionDenied):
        revoke_token(world.colleague, token)
    with pytest.raises(PermissionDenied):
        revoke_token(world.outsider, token)
    revoke_token(world.admin, token)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"name": "", "scope": "read", "days": 3}, "name"),
        ({"name": "x", "scope": "admin", "days": 3}, "scope"),
        ({"name": "x", "scope": "read", "days": 0}, "days"),
        ({"name": "x", "scope": "read", "days": 100_000}, "days"),
    ],
)
def test_bad_token_requests_are_refused(world: Any, fields: dict[str, Any], bad: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        create_token(world.owner, world.owner, **fields)
    assert bad in caught.value.fields
    assert not ApiToken.objects.exists()


def test_nobody_creates_tokens_for_someone_else(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        create_token(world.admin, world.owner, name="x", scope="read", days=3)


def test_the_token_page_shows_a_new_token_once_and_a_reload_creates_nothing(
    world: Any, client: Client
) -> None:
    from conftest import verified_client

    verified_client(client, world.owner)
    response = client.post("/accounts/tokens/", {"name": "tip", "scope": "read", "days": 30})
    assert response.status_code == 302 and response["Location"] == "/accounts/tokens/"
    shown = client.get("/accounts/tokens/")
    value = shown.context["created_value"]
    assert value.startswith("lst_") and value.encode() in shown.content
    assert ApiToken.objects.get(user=world.owner).digest == hashlib.sha256(value.encode()).hexdigest()
    again = client.get("/accounts/tokens/")  # a reload
    assert value.encode() not in again.content and value[:12].encode() in again.content
    assert ApiToken.objects.filter(user=world.owner).count() == 1


def test_an_agency_admin_revokes_a_token_of_its_user_from_the_user_page(world: Any, client: Client) -> None:
    from conftest import verified_client

    token, value = create_token(None, world.owner, name="tip", scope="read", days=30)
    verified_client(client, world.admin)
    assert value[:12] in client.get(f"/directory/users/{world.owner.pk}/").content.decode()
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == f"/directory/users/{world.owner.pk}/"
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    outsider_token, _value = create_token(None, world.outsider, name="x", scope="read", days=3)
    assert client.post(f"/accounts/tokens/{outsider_token.pk}/revoke/").status_code == 404
