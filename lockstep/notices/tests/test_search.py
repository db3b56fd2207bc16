"""Finding notices: by a linked value in any spelling of it, by type, by the requesting country; never what the
caller may not see."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import verified_client
from lockstep.directory.tests.factories import UserFactory
from lockstep.intel.ingest import Submitted
from lockstep.notices import services
from lockstep.notices.access import search_notices
from lockstep.notices.tests.test_workflow import PURPLE

pytestmark = pytest.mark.django_db
WALLET = "0x52908400098527886E0F7030069857D2E4169EE7"


def test_a_linked_value_finds_its_notice_however_it_is_written(world: Any) -> None:
    supervisor = UserFactory(username="ke-sup", agency=world.ncb_ke, roles=["supervisor"])
    found = services.draft_notice(
        world.owner, type="purple", title="Drainer", details=PURPLE, observables=[Submitted("eth", WALLET)]
    )
    services.approve_notice(supervisor, found)
    services.publish_notice(world.reviewer, found, dict.fromkeys(services.CHECKLIST, True))
    hidden = services.draft_notice(
        world.owner, type="purple", title="Draft", details=PURPLE, observables=[Submitted("eth", WALLET)]
    )
    assert list(search_notices(world.outsider, value=WALLET.lower())) == [found]  # not the draft
    assert hidden in search_notices(world.owner, value=WALLET)  # not yet correlating, but the owner's own
    assert hidden not in search_notices(world.owner, value=WALLET).filter(status="published")
    assert list(search_notices(world.outsider, country="ke", type="purple")) == [found]
    assert not search_notices(world.outsider, country="NG").exists()
    assert not search_notices(world.outsider, value="nothing-like-this.top").exists()
    page = verified_client(Client(), world.outsider).get("/notices/", {"value": WALLET}).content.decode()
    assert found.reference in page
    api = verified_client(Client(), world.outsider).get(
        "/api/v1/notices", {"value": WALLET, "type": "purple"}
    )
    assert [item["reference"] for item in api.json()] == [found.reference]
