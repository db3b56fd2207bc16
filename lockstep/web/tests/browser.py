"""Helpers for the Playwright tests: sign in with password and TOTP, and submit a form then wait for the page
the server answers with (so that an assertion never reads the page the click came from)."""

from __future__ import annotations

from typing import Any

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lockstep.directory.tests.factories import PASSWORD


def totp_code(user: Any) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def click_through(page: Any, control: Any) -> None:
    """Click a control that sends the page elsewhere and wait until the new page has loaded."""
    with page.expect_navigation():
        control.click()


def sign_in(context: Any, base: str, user: Any) -> Any:
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    click_through(page, page.locator("#sign-in"))
    page.get_by_label("Six-digit code from your authenticator app").fill(totp_code(user))
    click_through(page, page.locator("#verify"))
    page.wait_for_url(f"{base}/")
    return page
