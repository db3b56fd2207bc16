"""In real Chromium: an NCB drafts a Purple notice with linked observables, its supervisor approves, a GS
reviewer publishes it, an officer of another country sees it, and a later report from a third country hits one
of its observables; and a request refused with its ground."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from lockstep.directory.tests.factories import AgencyFactory, UserFactory, ensure_base_data
from lockstep.intel.models import Hit
from lockstep.intel.tests.helpers import submit as submit_report
from lockstep.notices.models import Notice
from lockstep.web.tests.browser import click_through, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"


@pytest.fixture
def people() -> dict[str, Any]:
    gs = ensure_base_data()
    kenya = AgencyFactory(code="NCB-KE", kind="ncb", country_id="KE")
    users = {
        "officer": UserFactory(username="ke.officer", roles=["officer"], agency=kenya),
        "supervisor": UserFactory(username="ke.supervisor", roles=["supervisor"], agency=kenya),
        "reviewer": UserFactory(username="gs.reviewer", roles=["reviewer"], agency=gs),
        "nigeria": UserFactory(
            username="ng.officer",
            roles=["officer"],
            agency=AgencyFactory(code="NCB-NG", kind="ncb", country_id="NG"),
        ),
        "ghana": UserFactory(
            username="gh.officer",
            roles=["officer"],
            agency=AgencyFactory(code="NCB-GH", kind="ncb", country_id="GH"),
        ),
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


def _draft(page: Any, base: str, kind: str, title: str, fields: dict[str, str]) -> str:
    page.goto(f"{base}/notices/new/{kind}/")
    page.locator("#id_title").fill(title)
    for name, value in fields.items():
        page.locator(f"#id_{name}").fill(value)
    click_through(page, page.locator("#draft"))
    page.wait_for_url(f"{base}/notices/*/")
    return page.locator("h1 .mono").inner_text()


def test_a_purple_notice_from_draft_to_a_hit_and_a_refusal(
    contexts: list[Any], live_server: Any, people: dict[str, Any]
) -> None:
    base = live_server.url
    officer = sign_in(contexts[0], base, people["officer"])
    click_through(officer, officer.get_by_role("link", name="Notices", exact=True))
    click_through(officer, officer.get_by_role("link", name="Purple notice"))
    reference = _draft(
        officer,
        base,
        "purple",
        "USDT token approval scam",
        {
            "d_modus_operandi": "A fake wallet app asks the victim to approve a token allowance, then drains it.",
            "d_prevention": "Never approve unknown contracts; revoke allowances.",
            "observables": f"eth:{WALLET}\nhandle:telegram:usdt_support_desk",
        },
    )
    click_through(officer, officer.locator("#ask"))
    assert "supervisor" in officer.locator("#status").inner_text()

    supervisor = sign_in(contexts[1], base, people["supervisor"])
    supervisor.goto(f"{base}/notices/{reference}/")
    click_through(supervisor, supervisor.locator("#approve"))
    assert "General Secretariat" in supervisor.locator("#status").inner_text()

    reviewer = sign_in(contexts[2], base, people["reviewer"])
    click_through(reviewer, reviewer.get_by_role("link", name="Notice review"))
    click_through(reviewer, reviewer.get_by_role("link", name=reference))
    for item in ("neutrality", "human_rights", "data_quality", "eligibility"):
        reviewer.locator(f"#id_{item}").check()
    click_through(reviewer, reviewer.locator("#publish"))
    assert reviewer.locator("#status").inner_text() == "Published"

    nigeria = sign_in(contexts[3], base, people["nigeria"])
    nigeria.goto(f"{base}/notices/")
    click_through(nigeria, nigeria.get_by_role("link", name=reference))
    assert "drains it" in nigeria.locator("dl").inner_text()

    notice = Notice.objects.get(reference=reference)
    later = submit_report(people["ghana"], [("handle", "telegram:usdt_support_desk")]).report
    assert Hit.objects.filter(observable__report=later, other__report=notice.report).exists()

    second = _draft(
        officer,
        base,
        "orange",
        "Election interference campaign",
        {"d_threat": "A party's opponents", "d_imminence": "before the vote"},
    )
    click_through(officer, officer.locator("#ask"))
    supervisor.goto(f"{base}/notices/{second}/")
    click_through(supervisor, supervisor.locator("#approve"))
    reviewer.goto(f"{base}/notices/{second}/")
    reviewer.locator("#id_ground").select_option("neutrality")
    reviewer.locator("#id_text").fill("Political character: Article 3.")
    click_through(reviewer, reviewer.locator("#refuse"))
    assert reviewer.locator("#status").inner_text() == "Refused · Neutrality (Article 3)"
    officer.goto(f"{base}/notices/{second}/")
    assert "Political character" in officer.locator("dl").inner_text()
    nigeria.goto(f"{base}/notices/{second}/")
    assert nigeria.locator("#status").count() == 0  # refused: never shown to other countries
