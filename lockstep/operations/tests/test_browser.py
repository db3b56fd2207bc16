"""In real Chromium: a coordinator launches an operation with three countries and shares a report with its
participants; a country that takes part sees the report; two countries report results; the totals on the
operation's page are their sum."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from lockstep.directory.tests.factories import AgencyFactory, UserFactory, ensure_base_data
from lockstep.intel.models import Report
from lockstep.web.tests.browser import click_through, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people() -> dict[str, Any]:
    gs = ensure_base_data()
    users = {
        "coordinator": UserFactory(username="gs.coordinator", roles=["coordinator", "officer"], agency=gs),
        **{
            code: UserFactory(
                username=f"{code.lower()}.officer",
                roles=["officer"],
                agency=AgencyFactory(code=f"NCB-{code}", kind="ncb", country_id=code),
            )
            for code in ("KE", "NG", "GH")
        },
    }
    for user in users.values():
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return users


@pytest.fixture
def contexts(browser: Any) -> Iterator[list[Any]]:
    opened = [browser.new_context() for _ in range(4)]
    yield opened
    for context in opened:
        context.close()


def _report_results(page: Any, base: str, arrests: str, victims: str) -> None:
    page.goto(f"{base}/operations/Serengeti/")
    page.locator("details summary", has_text="Report your country's results").click()
    page.get_by_role("spinbutton", name="Arrests").fill(arrests)
    page.get_by_role("spinbutton", name="Victims identified").fill(victims)
    click_through(page, page.locator("#report-results"))


def test_launch_share_report_results_and_totals(
    contexts: list[Any], live_server: Any, people: dict[str, Any]
) -> None:
    base = live_server.url
    coordinator = sign_in(contexts[0], base, people["coordinator"])
    click_through(coordinator, coordinator.get_by_role("link", name="Operations", exact=True))
    click_through(coordinator, coordinator.locator("#launch"))
    coordinator.get_by_label("Code name").fill("Serengeti")
    coordinator.get_by_label("Objectives").fill("Dismantle scam and ransomware infrastructure.")
    coordinator.get_by_label("Crime focus").fill("online scams, ransomware")
    coordinator.get_by_label("Participating agencies").select_option(["NCB-KE", "NCB-NG", "NCB-GH"])
    coordinator.get_by_label("Action from").fill("2024-09-02")
    coordinator.get_by_label("Action to").fill("2024-10-31")
    click_through(coordinator, coordinator.locator("#launch-operation"))
    assert "Operation Serengeti" in coordinator.locator("h1").inner_text()
    assert coordinator.locator("#participants li").count() == 4  # the GS and three countries

    coordinator.goto(f"{base}/intel/reports/new/")
    coordinator.get_by_label("Title").fill("Serengeti target infrastructure")
    coordinator.get_by_label("Crime type").select_option("phishing")
    coordinator.get_by_label("Report text").fill(
        "C2 at serengeti-c2.example and lure page serengeti-lure.example"
    )
    coordinator.locator("#extract").click()
    coordinator.get_by_label("Observables").wait_for()
    coordinator.get_by_label("Who receives it").select_option("community")
    coordinator.get_by_label("Community").select_option(label="Participants of operation Serengeti")
    coordinator.locator("#preview").click()
    coordinator.locator("#recipients li").first.wait_for()
    click_through(coordinator, coordinator.locator("#submit-report"))
    reference = coordinator.locator("h1 .mono").inner_text()

    ghana = sign_in(contexts[3], base, people["GH"])
    ghana.goto(f"{base}/intel/reports/{reference}/")
    assert "Serengeti target infrastructure" in ghana.content()  # shared with the participants

    kenya = sign_in(contexts[1], base, people["KE"])
    _report_results(kenya, base, "120", "1500")
    nigeria = sign_in(contexts[2], base, people["NG"])
    _report_results(nigeria, base, "886", "33724")

    coordinator.goto(f"{base}/operations/Serengeti/")
    assert coordinator.locator("#total-arrests").inner_text() == "1006"
    assert coordinator.locator("#total-victims_identified").inner_text() == "35224"
    assert coordinator.locator("#per-country tbody tr").count() == 2
    press = coordinator.locator("#press").inner_text()
    assert "brought together 3 countries" in press and "1,006 arrests" in press
    arrests_chart = coordinator.get_by_role("img", name="Arrests per country")
    assert arrests_chart.is_visible() and arrests_chart.locator("rect").count() == 2  # the two reporting NCBs
    assert Report.objects.get(reference=reference).marking.community.operation.code_name == "Serengeti"
