"""Operation pages: launch, overview with figures and press sentence, participants, results, infrastructure."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import verified_client
from lockstep.directory.tests.factories import UserFactory
from lockstep.operations.models import InfrastructureImport, InfrastructureItem, Operation
from lockstep.operations.tasks import import_task

pytestmark = pytest.mark.django_db


def nigeria_part(world: Any) -> str:
    return verified_client(Client(), world.outsider).get("/operations/Contender/imports/").content.decode()


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
    # a correction without its reason: refused, the form back open as typed, the error beside the reason
    refused = kenya.post("/operations/Contender/results/", {"c_arrests": "261", "c_devices_seized": "1235"})
    page = refused.content.decode()
    assert refused.status_code == 400 and "say why the figures are corrected" in page
    assert 'name="c_arrests" value="261"' in page and '<details class="card" open>' in page
    assert 'id="total-arrests">260<' in page
    page = kenya.get("/operations/Contender/").content.decode()
    assert (
        'id="total-arrests">260<' in page
        and "Operation Contender (action phase 2025-07-28 to 2025-08-11)" in page
    )
    bad = kenya.post("/operations/Contender/results/", {"c_arrests": "-3"})
    assert bad.status_code == 400 and 'name="c_arrests" value="-3"' in bad.content.decode()

    upload = SimpleUploadedFile(
        "items.csv",
        (
            "kind,value,country\n"
            + "".join(f"domain,lure-{n}.example,{'KE' if n % 3 else 'GH'}\n" for n in range(240))
        ).encode(),
    )
    queued = kenya.post("/operations/Contender/import/", {"file": upload}, follow=True).content.decode()
    assert "The import of items.csv is queued" in queued and 'hx-trigger="every 2s"' in queued
    job = InfrastructureImport.objects.get(operation=operation)
    assert job.status == "queued" and not InfrastructureItem.objects.exists()
    import_task.call(
        job.pk
    )  # what `lockstep worker` runs (the worker itself: test_imports_run_in_the_worker)
    assert InfrastructureItem.objects.filter(operation=operation).count() == 240
    done = kenya.get("/operations/Contender/imports/").content.decode()
    assert "240 rows read, 240 items created, 0 already held." in done and "hx-trigger" not in done
    assert "items.csv" not in nigeria_part(world)  # another agency's imports are not shown to it
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


def test_a_faulty_file_fails_its_import_with_each_faulty_line_named(world: Any) -> None:
    from lockstep.operations import services

    user = UserFactory(username="gs.coord", agency=world.gs, roles=["coordinator", "officer"])
    operation = services.launch_operation(
        user, code_name="Jackal", objectives="x", crime_focus="BEC", participants=[world.ncb_ke]
    )
    kenya = verified_client(Client(), world.owner)
    text = "kind,value\ndomain,fine.example\nsatellite,x\nip,999.1.1.1\n"
    kenya.post("/operations/Jackal/import/", {"file": SimpleUploadedFile("bad.csv", text.encode())})
    import_task.call(InfrastructureImport.objects.get().pk)
    job = InfrastructureImport.objects.get()
    assert job.status == "failed" and "line 2: unknown kind satellite" in job.error and "line 3" in job.error
    assert job.content == "" and not InfrastructureItem.objects.filter(operation=operation).exists()
    page = kenya.get("/operations/Jackal/infrastructure/").content.decode()
    assert "line 2: unknown kind satellite" in page
    empty = kenya.post(
        "/operations/Jackal/import/", {"file": SimpleUploadedFile("e.csv", b"")}, follow=True
    ).content.decode()
    assert "The file is empty" in empty and InfrastructureImport.objects.count() == 1


def test_looked_up_values_go_straight_to_an_operation(world: Any) -> None:
    from lockstep.operations import services

    user = UserFactory(username="gs.coord", agency=world.gs, roles=["coordinator", "officer"])
    operation = services.launch_operation(
        user, code_name="Jackal", objectives="x", crime_focus="BEC", participants=[world.ncb_ke]
    )
    kenya = verified_client(Client(), world.owner)
    looked = kenya.post(
        "/intel/lookup/",
        {"values": "pay-now.example\n198.51.100.23\nsha256 " + "ab" * 32 + "\nnot a value at all"},
    ).content.decode()
    assert 'id="to-operation"' in looked and 'formaction="/operations/Jackal/import/"' in looked
    values = re.search(r'name="values" value="([^"]*)"', looked)
    assert values is not None
    added = kenya.post(
        "/operations/Jackal/import/", {"values": html.unescape(values.group(1))}, follow=True
    ).content.decode()
    assert "Added: 2; already held: 0; left out (not infrastructure): 1." in added
    assert sorted(operation.infrastructure.values_list("kind", "value", "evidence_ref")) == [
        ("domain", "pay-now.example", "intel lookup"),
        ("ip", "198.51.100.23", "intel lookup"),
    ]
    nigeria = verified_client(Client(), world.outsider)  # takes part in no operation: no form
    assert (
        'id="to-operation"'
        not in nigeria.post("/intel/lookup/", {"values": "pay-now.example"}).content.decode()
    )


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks, as in production
def test_imports_run_in_the_worker(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    from django.core.management import call_command

    from lockstep.operations import services

    user = UserFactory(username="gs.coord", agency=world.gs, roles=["coordinator", "officer"])
    operation = services.launch_operation(
        user, code_name="Jackal", objectives="x", crime_focus="BEC", participants=[world.ncb_ke]
    )
    with django_capture_on_commit_callbacks(execute=True):  # enqueued once the import row commits
        services.queue_import(world.owner, operation, "a.jsonl", '{"kind": "domain", "value": "a.example"}\n')
    call_command("worker", "--once")
    job = InfrastructureImport.objects.get()
    assert (job.status, job.created) == ("done", 1)
    assert operation.infrastructure.get().value == "a.example"


def test_files_that_are_not_text_are_refused_and_utf16_is_read(world: Any) -> None:
    from lockstep.operations import services
    from lockstep.operations.files import text_of

    user = UserFactory(username="gs.coord", agency=world.gs, roles=["coordinator", "officer"])
    services.launch_operation(
        user, code_name="Jackal", objectives="x", crime_focus="y", participants=[world.ncb_ke]
    )
    kenya = verified_client(Client(), world.owner)
    binary = SimpleUploadedFile("items.xlsx", b"PK\x03\x04\x00\x00binary")
    refused = kenya.post("/operations/Jackal/import/", {"file": binary}, follow=True)
    assert refused.status_code == 200 and "The file is not text" in refused.content.decode()
    assert not InfrastructureImport.objects.exists()
    assert (
        text_of("kind,value\r\ndomain,é.example\r\n".encode("utf-16")) == "kind,value\r\ndomain,é.example\r\n"
    )
    long_field = "kind,value\ndomain," + "a" * 200_000 + "\n"
    kenya.post("/operations/Jackal/import/", {"file": SimpleUploadedFile("long.csv", long_field.encode())})
    import_task.call(InfrastructureImport.objects.get().pk)
    job = InfrastructureImport.objects.get()
    assert job.status == "failed" and "The CSV cannot be read at line" in job.error
    odd = kenya.post("/operations/Jackal/done/", {"task": "²"})
    assert odd.status_code == 404
    coordinator = verified_client(Client(), user)
    unknown = coordinator.post(
        "/operations/Jackal/target/", {"kind": "group", "name": "G", "allocated_to": "NCB-ZZ"}, follow=True
    ).content.decode()
    assert "Choose an agency" in unknown and not services.targets_of(
        services.get_operation_for(user, "Jackal")
    )


def test_the_results_form_takes_several_money_lines_and_a_correction_starts_from_them(world: Any) -> None:
    from lockstep.operations import services
    from lockstep.operations.models import ResultReport

    user = UserFactory(username="gs.coord", agency=world.gs, roles=["coordinator", "officer"])
    services.launch_operation(
        user, code_name="Jackal", objectives="x", crime_focus="y", participants=[world.ncb_ke]
    )
    kenya = verified_client(Client(), world.owner)
    assert "current figures" not in kenya.get("/operations/Jackal/").content.decode()
    kenya.post(
        "/operations/Jackal/results/",
        {
            "c_arrests": "12",
            "m0_kind": "seized",
            "m0_amount": "1000000",
            "m0_currency": "kes",
            "m0_usd_rate": "0.0077",
            "m0_rate_date": "2024-10-31",
            "m2_kind": "intercepted",
            "m2_amount": "25000",
            "m2_currency": "USD",
            "m2_usd_rate": "1",
            "m2_rate_date": "2024-10-31",
        },
    )
    report = ResultReport.objects.get(agency=world.ncb_ke, current=True)
    assert sorted((m.kind, m.currency, m.usd) for m in report.money.all()) == [
        ("intercepted", "USD", Decimal("25000.00")),
        ("seized", "KES", Decimal("7700.00")),
    ]
    page = kenya.get("/operations/Jackal/").content.decode()
    assert "current figures" in page
    assert 'name="c_arrests" value="12"' in page and 'name="m0_currency" value="KES"' in page
    assert 'name="m1_currency" value="KES"' not in page and 'aria-label="Amount (2)"' in page
