"""In real Chromium: two countries submit overlapping reports, both see the hit, the second sees only what the
first's marking allows, asks for more, and the first answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from lockstep.directory.tests.factories import AgencyFactory, UserFactory, ensure_base_data
from lockstep.web.tests.browser import click_through, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page: Any, base: str, title: str, text: str, audience: str) -> str:
    page.goto(f"{base}/intel/reports/new/")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Crime type").select_option("phishing")
    page.get_by_label("Report text").fill(text)
    page.locator("#extract").click()
    observables = page.get_by_label("Observables")
    observables.wait_for()
    assert "domain overlap-bank.net" in observables.input_value()
    page.get_by_label("Who receives it").select_option(audience)
    page.locator("#preview").click()
    page.locator("#recipients li").first.wait_for()
    click_through(page, page.locator("#submit-report"))
    page.wait_for_url(f"{base}/intel/reports/*/")
    return page.locator("h1 .mono").inner_text()


@pytest.fixture
def contexts(browser: Any) -> Iterator[tuple[Any, Any]]:
    """One browser context per officer, closed before the live server goes away."""
    pair = (browser.new_context(), browser.new_context())
    yield pair
    for context in pair:
        context.close()


@pytest.fixture
def officers() -> tuple[Any, Any]:
    ensure_base_data()
    kenya = UserFactory(
        username="ke.officer",
        roles=["officer"],
        agency=AgencyFactory(code="NCB-KE", kind="ncb", country_id="KE"),
    )
    nigeria = UserFactory(
        username="ng.officer",
        roles=["officer"],
        agency=AgencyFactory(code="NCB-NG", kind="ncb", country_id="NG"),
    )
    for user in (kenya, nigeria):
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return kenya, nigeria


def test_two_countries_hit_and_follow_up(
    contexts: tuple[Any, Any], live_server: Any, officers: tuple[Any, Any]
) -> None:
    base = live_server.url
    kenya, nigeria = (sign_in(context, base, user) for context, user in zip(contexts, officers, strict=True))

    kenya_ref = _submit(
        kenya,
        base,
        "Bank phishing, Nairobi",
        "Phishing at hxxps://overlap-bank[.]net/login; domain overlap-bank[.]net; calls from 0712 345 678.",
        audience="owner",
    )
    assert kenya_ref.startswith("NCB-KE-")
    nigeria_ref = _submit(
        nigeria,
        base,
        "Same kit in Lagos",
        "Victims sent to overlap-bank[.]net and https://overlap-bank.net/login",
        audience="members",
    )
    assert "2 hits" in nigeria.locator(".messages").inner_text()

    # Nigeria sees that Kenya holds it, the reference and handling, but not the record.
    nigeria.goto(f"{base}/intel/hits/")
    row = nigeria.locator("tbody tr").first
    assert kenya_ref in row.inner_text() and "NCB-KE" in row.inner_text()
    assert "Not shared with you" in row.inner_text()
    assert "Bank phishing, Nairobi" not in nigeria.content()
    click_through(nigeria, row.get_by_role("link").last)
    assert nigeria.locator("#not-shared").is_visible()
    nigeria.get_by_label("Your request to the owner").fill("Which hosting provider served the kit?")
    click_through(nigeria, nigeria.locator("#send-follow-up"))
    nigeria.wait_for_url(f"{base}/intel/hits/*/")
    assert nigeria.locator("#hit-state").inner_text() == "Follow-up requested"

    # Kenya sees its hit with Nigeria's record in full (shared with all members), then answers the request.
    kenya.goto(f"{base}/intel/hits/")
    assert "Same kit in Lagos" in kenya.locator("tbody").inner_text()
    assert nigeria_ref in kenya.locator("tbody").inner_text()
    kenya.goto(f"{base}/intel/follow-ups/")
    request = kenya.locator(".follow-up").first
    assert "Which hosting provider served the kit?" in request.inner_text()
    request.get_by_label("Answer").fill("AS64496, a bulletproof host; seized on 3 May.")
    click_through(kenya, request.locator(".answer-button"))
    kenya.wait_for_url(f"{base}/intel/follow-ups/")

    nigeria.reload()
    assert nigeria.locator("#hit-state").inner_text() == "Answered"
    assert "AS64496, a bulletproof host" in nigeria.locator(".answer").inner_text()
