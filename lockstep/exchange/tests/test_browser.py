"""In real Chromium: an officer uploads a MISP event, sees what will be created and with which marking before
anything is stored, confirms, lands on the report and downloads it back as MISP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from lockstep.directory.tests.factories import AgencyFactory, UserFactory, ensure_base_data
from lockstep.exchange.tests.helpers import DATA
from lockstep.intel.models import Report
from lockstep.web.tests.browser import click_through, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True)
    yield context
    context.close()


def test_an_officer_previews_a_misp_event_then_imports_and_exports_it(context: Any, live_server: Any) -> None:
    ensure_base_data()
    officer = UserFactory(
        username="ke.officer",
        roles=["officer"],
        agency=AgencyFactory(code="NCB-KE", kind="ncb", country_id="KE"),
    )
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    base = live_server.url
    page = sign_in(context, base, officer)
    click_through(page, page.get_by_role("link", name="Import"))
    page.locator("#id_file").set_input_files(str(DATA / "misp_event.json"))
    page.locator("#id_tlp").select_option("green")
    page.locator("#preview").click()
    table = page.locator("#preview-table")
    table.wait_for()
    row = table.locator("tbody tr").first.inner_text()
    assert "Fake parcel-delivery SMS campaign" in row and "amber" in row and "B2" in row  # the event's own
    assert "created" in row and "domain 2" in row
    assert not Report.objects.exists()  # a preview stores nothing
    click_through(page, page.locator("#confirm"))
    page.wait_for_url(f"{base}/intel/reports/*/")
    report = Report.objects.get()
    assert page.locator("h1 .mono").inner_text() == report.reference
    assert report.observables.count() == 13
    with page.expect_download() as download:
        page.locator("#export a", has_text="MISP").click()
    event = json.loads(download.value.path().read_text())["Event"]
    assert event["uuid"] == "5c3f8a2e-4b1d-4f7a-9a55-0e2b7f6d1c01"
