"""The public listing: unauthenticated, only what may be public (consented Red and Yellow extracts, every UN
Special Notice), and only the extract's fields."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lockstep.directory.tests.factories import UserFactory
from lockstep.notices import services
from lockstep.notices.tests.test_workflow import PERSON, PURPLE, RED

pytestmark = pytest.mark.django_db
CHECKS = dict.fromkeys(services.CHECKLIST, True)


def _published(world: Any, supervisor: Any, **fields: Any) -> Any:
    notice = services.draft_notice(world.owner, **fields)
    services.approve_notice(supervisor, notice)
    return services.publish_notice(world.reviewer, notice, CHECKS)


def test_only_consented_extracts_and_un_special_notices_are_public(world: Any) -> None:
    supervisor = UserFactory(username="ke-sup", agency=world.ncb_ke, roles=["supervisor"])
    person = {**PERSON, "birth_year": 1988, "birth_month": 3, "nationalities": ["RU"]}
    public_red = _published(
        world,
        supervisor,
        type="red",
        title="Wanted: Ivan Petrov",
        details=RED,
        subjects=[person],
        public_extract=True,
    )
    police_red = _published(
        world, supervisor, type="red", title="Police only", details=RED, subjects=[PERSON]
    )
    un = _published(
        world,
        supervisor,
        type="un_special",
        title="Listed entity",
        details={"committee": "1267", "listing_reference": "QDe.999"},
        subjects=[{"kind": "entity", "names": ["Example Front Ltd"]}],
    )
    purple = _published(world, supervisor, type="purple", title="MO", details=PURPLE, public_extract=True)
    client = Client()
    listing = client.get("/notices/public/")
    page = listing.content.decode()
    assert listing.status_code == 200
    assert public_red.reference in page and un.reference in page
    assert police_red.reference not in page and purple.reference not in page
    data = client.get("/notices/public.json").json()["notices"]
    assert {item["reference"] for item in data} == {public_red.reference, un.reference}
    red = next(item for item in data if item["reference"] == public_red.reference)
    assert red["details"] == {"charge": RED["charge"]}  # never the facts, the law or the warrant
    assert red["subjects"] == [
        {"names": ["Ivan Petrov", "Иван Петров"], "birth": "1988-03", "nationalities": ["RU"]}
    ]
    detail = client.get(f"/notices/public/{public_red.reference}/")
    assert detail.status_code == 200 and "Иван Петров" in detail.content.decode()
    assert RED["warrant_reference"] not in detail.content.decode()
    assert client.get(f"/notices/public/{police_red.reference}/").status_code == 404
    services.withdraw_notice(world.owner, public_red, "arrested")
    assert client.get(f"/notices/public/{public_red.reference}/").status_code == 404
