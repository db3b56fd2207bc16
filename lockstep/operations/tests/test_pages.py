"""Operation pages: launch, overview with figures and press sentence, participants, results, infrastructure."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import verified_client
from lockstep.directory.tests.factories import UserFactory
from lockstep.operations.models import InfrastructureItem, Operation

pytestmark = pytest.mark.django_db


def test_an_operation_through_its_pages(world: Any) -> None:
    coordinator = verified_client(
        Client(), UserFactory(username="gs.coord", agency=world.gs, roles=["coordinator", "officer"])
    )
    assert 'id="launch"' in coordinator.get("/operations/").content.decode()
    launched = coordinator.post(
        "/operations/new/",
        {
            "code_name": "Contender",
            "objectives": "Romance scams and sextortion",
            "crime_focus": "romance scams",
            "participants": ["NCB-KE"],
            "action_starts_on": "2025-07-28",
            "action_ends_on": "2025-08-11",
        },
    )
    assert launched.status_code == 302 and launched["Location"] == "/operations/Contender/"
    operation = Operation.objects.get()
    assert (
        coordinator.post(
            "/operations/Contender/join/", {"agency": "NCB-NG", "role": "participant"}
        ).status_code
        == 302
    )
    assert operation.participants.filter(agency=world.ncb_ng).exists()

    kenya = verified_client(Client(), world.owner)
    assert 'id="launch"' not in kenya.get("/operations/").content.decode()  # not a coordinator
    kenya.post("/operations/Contender/results/", {"c_arrests": "260", "c_devices_seized": "1235"})
    kenya.post("/operations/Contender/results/", {"c_arrests": "261"})  # a correction without its reason
    page = kenya.get("/operations/Contender/").content.decode()
    assert (
        'id="total-arrests">260<' in page
        and "Operation Contender (action phase 2025-07-28 to 2025-08-11)" in page
    )
    assert "say why the figures are corrected" in page

    upload = SimpleUploadedFile(
        "items.csv",
        (
            "kind,value,country\n"
            + "".join(f"domain,lure-{n}.example,{'KE' if n % 3 else 'GH'}\n" for n in range(240))
        ).encode(),
    )
    kenya.post("/operations/Contender/import/", {"file": upload})
    assert InfrastructureItem.objects.filter(operation=operation).count() == 240
    listing = kenya.get("/operations/Contender/infrastructure/", {"country": "GH"}).content.decode()
    assert "80 items" in listing and "lure-0.example" in listing and "lure-1.example" not in listing
    moved = kenya.post(
        "/operations/Contender/state/", {"country": "GH", "to": "taken_down", "evidence_ref": "ISP ticket"}
    )
    assert moved.status_code == 302 and "country=GH" in moved["Location"]
    assert InfrastructureItem.objects.filter(state="taken_down").count() == 80
    refused = kenya.post("/operations/Contender/state/", {"to": "refused"}, follow=True).content.decode()
    assert (
        "Filter the items first" in refused
        and not InfrastructureItem.objects.filter(state="refused").exists()
    )
    second = kenya.get("/operations/Contender/infrastructure/", {"page": "2"}).content.decode()
    assert "Page 2 of 3" in second
    assert 'id="taken-down">80 / 240<' in kenya.get("/operations/Contender/").content.decode()

    nigeria_outsider = verified_client(Client(), UserFactory(username="gh.o", roles=["officer"]))
    assert nigeria_outsider.get("/operations/Contender/").status_code == 404
