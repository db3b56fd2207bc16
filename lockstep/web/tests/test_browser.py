"""In real Chromium: sign in with password and TOTP code, switch to Arabic (right-to-left), sign out."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from lockstep.directory.tests.factories import PASSWORD, AgencyFactory, UserFactory, ensure_base_data
from lockstep.web.tests.browser import click_through, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer() -> Any:
    ensure_base_data()
    agency = AgencyFactory(code="NCB-KE", kind="ncb", country_id="KE", name="NCB Nairobi")
    user = UserFactory(username="ke.officer", agency=agency, roles=["officer"], first_name="Amani")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def test_sign_in_switch_to_arabic_and_sign_out(page: Any, live_server: Any, officer: Any) -> None:
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("ke.officer")
    page.get_by_label("Password").fill(PASSWORD)
    click_through(page, page.locator("#sign-in"))
    page.wait_for_url("**/accounts/verify/**")
    page.get_by_label("Six-digit code from your authenticator app").fill(totp_code(officer))
    click_through(page, page.locator("#verify"))
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Welcome, Amani"
    assert page.locator("html").get_attribute("dir") == "ltr"

    page.select_option("#language-select", "ar")
    click_through(page, page.locator("#language-submit"))
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("h1").inner_text() == "مرحباً، Amani"
    assert page.locator("#sign-out").inner_text() == "تسجيل الخروج"
    # The page still works right to left: the navigation starts at the right edge.
    nav = page.locator("nav.main").bounding_box()
    brand = page.locator("a.brand").bounding_box()
    assert brand["x"] > nav["x"]

    click_through(page, page.locator("#sign-out"))
    page.wait_for_url("**/accounts/login/**")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url


def test_an_administrator_confirms_before_deactivating_a_user(page: Any, live_server: Any) -> None:
    ensure_base_data()
    agency = AgencyFactory(code="NCB-KE", kind="ncb", country_id="KE")
    admin = UserFactory(username="ke.admin", agency=agency, roles=["agency_admin"])
    target = UserFactory(username="ke.target", agency=agency, roles=["officer"])
    TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("ke.admin")
    page.get_by_label("Password").fill(PASSWORD)
    click_through(page, page.locator("#sign-in"))
    page.get_by_label("Six-digit code from your authenticator app").fill(totp_code(admin))
    click_through(page, page.locator("#verify"))
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/directory/users/{target.pk}/")
    dialogs: list[str] = []

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Deactivate account").click()
    page.wait_for_timeout(300)
    assert dialogs and dialogs[0].startswith("Deactivate this account?")
    assert page.get_by_role("button", name="Deactivate account").is_visible()  # nothing was sent
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Deactivate account").click()
    # The page, rendered from the database after the change, now offers to activate the account again.
    page.get_by_role("button", name="Activate account").wait_for()
    assert "The account was deactivated." in page.locator(".messages").inner_text()
    assert page.url == f"{live_server.url}/directory/users/{target.pk}/"
