"""Sign-in: password, then a TOTP second factor (unless demo mode); lock-out; audit of every attempt."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lockstep.audit.models import AuditEvent
from lockstep.directory.tests.factories import PASSWORD


def _sign_in(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


def test_password_alone_does_not_open_the_dashboard(world: Any, client: Client) -> None:
    TOTPDevice.objects.create(user=world.owner, name="phone", confirmed=True)
    response = _sign_in(client, "owner")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/verify/")
    assert client.get("/")["Location"] == "/accounts/verify/"
    assert client.get("/directory/agencies/").status_code == 302


def test_a_valid_code_completes_the_sign_in(world: Any, client: Client) -> None:
    device = TOTPDevice.objects.create(user=world.owner, name="phone", confirmed=True)
    _sign_in(client, "owner")
    response = client.post("/accounts/verify/", {"code": _code(device)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    actions = list(
        AuditEvent.objects.filter(actor=world.owner).order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["auth.signed_in", "auth.second_factor_verified"]


def test_a_wrong_code_is_refused_and_audited(world: Any, client: Client) -> None:
    device = TOTPDevice.objects.create(user=world.owner, name="phone", confirmed=True)
    _sign_in(client, "owner")
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/verify/", {"code": wrong})
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action="auth.second_factor_failed").exists()
    assert client.get("/").status_code == 302


def test_a_user_without_a_device_enrols_one_at_first_sign_in(world: Any, client: Client) -> None:
    _sign_in(client, "owner")
    assert client.get("/accounts/verify/")["Location"] == "/accounts/enroll/"
    page = client.get("/accounts/enroll/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = TOTPDevice.objects.get(user=world.owner)
    assert not device.confirmed
    assert client.post("/accounts/enroll/", {"code": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.second_factor_enrolled", actor=world.owner).exists()


def test_demo_mode_skips_the_second_factor_and_says_so(world: Any, client: Client, settings: Any) -> None:
    settings.LOCKSTEP_DEMO = True
    _sign_in(client, "owner")
    page = client.get("/")
    assert page.status_code == 200
    assert b'id="demo-banner"' in page.content


def test_no_demo_banner_outside_demo_mode(world: Any, client: Client) -> None:
    assert b"demo-banner" not in client.get("/accounts/login/").content


def test_failed_sign_ins_lock_the_account_out(world: Any, client: Client, settings: Any) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "owner", "wrong password").status_code == 200
    response = _sign_in(client, "owner", "wrong password")
    assert response.status_code == 429
    # Even the right password is refused while the lock-out lasts.
    assert _sign_in(client, "owner").status_code == 429
    failed = AuditEvent.objects.filter(action="auth.sign_in_failed").count()
    assert failed >= settings.AXES_FAILURE_LIMIT
    assert AuditEvent.objects.filter(action="auth.locked_out", details__username="owner").exists()
    # Another user from the same address is not locked out.
    TOTPDevice.objects.create(user=world.colleague, name="phone", confirmed=True)
    assert _sign_in(client, "colleague").status_code == 302


def test_a_partner_with_an_expired_agreement_cannot_sign_in(world: Any, client: Client) -> None:
    world.partner_agency.agreement_expires_on = timezone.now().date() - datetime.timedelta(days=1)
    world.partner_agency.save()
    response = _sign_in(client, "partner")
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session


def test_an_open_session_ends_when_the_partner_agreement_expires(world: Any, client: Client) -> None:
    from conftest import verified_client

    verified_client(client, world.partner)
    assert client.get("/").status_code == 200
    world.partner_agency.agreement_expires_on = timezone.now().date() - datetime.timedelta(days=1)
    world.partner_agency.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_sessions_expire_after_the_idle_timeout(world: Any, client: Client, settings: Any) -> None:
    from conftest import verified_client

    verified_client(client, world.owner)
    client.get("/")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    session = client.session
    session.set_expiry(timezone.now() - datetime.timedelta(seconds=1))
    session.save()
    assert client.get("/").status_code == 302


def test_sign_out_is_post_only_and_audited(world: Any, client: Client) -> None:
    from conftest import verified_client

    verified_client(client, world.owner)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.signed_out", actor=world.owner).exists()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("path", ["/", "/directory/agencies/", "/audit/", "/accounts/tokens/"])
def test_anonymous_visitors_are_sent_to_sign_in(db: None, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
