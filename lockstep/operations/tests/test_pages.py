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
    overview = kenya.get("/operations/Contender/").content.decode()
    assert 'id="taken-down">80 / 240<' in overview
    # the charts: states (80 of 240 taken down), arrests per country, takedowns by closing date
    assert "33% of those identified" in overview and "<title>Taken down: 80</title>" in overview
    assert 'id="chart-arrests"' in overview and "<title>Kenya: 260</title>" in overview
    assert 'id="chart-takedowns"' in overview

    nigeria_outsider = verified_client(Client(), UserFactory(username="gh.o", roles=["officer"]))
    assert nigeria_outsider.get("/operations/Contender/").status_code == 404


def test_targets_and_tasks_through_the_pages(world: Any) -> None:
    from lockstep.operations import services

    user = UserFactory(username="gs.coord", agency=world.gs, roles=["coordinator", "officer"])
    services.launch_operation(
        user, code_name="Jackal", objectives="x", crime_focus="BEC", participants=[world.ncb_ke, world.ncb_ng]
    )
    coordinator = verified_client(Client(), user)
    assert 'id="no-targets"' in coordinator.get("/operations/Jackal/targets/").content.decode()
    added = coordinator.post(
        "/operations/Jackal/target/",
        {
            "kind": "suspect",
            "name": "The recruiter",
            "allocated_to": "NCB-KE",
            "values": "handle telegram:recruit_fast\nrecruit-fast.example\n",
        },
    )
    assert added.status_code == 302 and added["Location"] == "/operations/Jackal/targets/"
    target = services.get_operation_for(user, "Jackal").targets.get()
    assert sorted(target.values.values_list("kind", "value")) == [
        ("domain", "recruit-fast.example"),
        ("handle", "telegram:recruit_fast"),
    ]
    refused = coordinator.post(
        "/operations/Jackal/target/", {"kind": "suspect", "name": "", "values": "telephone 12"}, follow=True
    ).content.decode()
    assert "The target is not valid" in refused and target.operation.targets.count() == 1
    coordinator.post(
        "/operations/Jackal/task/",
        {"target": target.pk, "agency": "NCB-KE", "text": "Ask the platform", "due_on": "2020-01-01"},
    )
    bad_date = coordinator.post(
        "/operations/Jackal/task/",
        {"target": target.pk, "agency": "NCB-KE", "text": "x", "due_on": "soon"},
        follow=True,
    ).content.decode()
    assert "The due date is not a date" in bad_date
    task = target.tasks.get()

    kenya = verified_client(Client(), world.owner)
    page = kenya.get("/operations/Jackal/targets/").content.decode()
    assert "The recruiter" in page and "overdue" in page and 'class="done-task"' in page
    assert 'id="add-target"' not in page  # Kenya does not run the operation
    assert "/intel/lookup/?values=handle%20telegram%3Arecruit_fast" in page
    nigeria = verified_client(Client(), world.outsider)
    assert 'class="done-task"' not in nigeria.get("/operations/Jackal/targets/").content.decode()
    nigeria.post("/operations/Jackal/done/", {"task": task.pk})
    task.refresh_from_db()
    assert task.done_at is None  # given to Kenya
    kenya.post("/operations/Jackal/done/", {"task": task.pk})
    task.refresh_from_db()
    assert task.done_at is not None
