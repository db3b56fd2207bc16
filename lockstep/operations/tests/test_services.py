"""Operations: launch, the participants' community (late joiners see what was shared), infrastructure in bulk
and its takedown states, results with corrections, the dashboard and the press sentence."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from lockstep.audit.models import AuditEvent
from lockstep.directory.tests.factories import AgencyFactory, UserFactory
from lockstep.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lockstep.intel.access import reports_for
from lockstep.intel.ingest import Submitted
from lockstep.intel.services import submit_report
from lockstep.operations import services
from lockstep.operations.models import InfrastructureItem, ResultReport
from lockstep.operations.results import dashboard, press_figures
from lockstep.policy.audience import MarkingSpec
from lockstep.policy.models import TLP, Audience

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def cast(world: Any) -> dict[str, Any]:
    afripol = AgencyFactory(code="AFRIPOL", kind="regional_body", country_id=None, region="africa")
    ghana = AgencyFactory(code="NCB-GH", kind="ncb", country_id="GH")
    return {
        "coordinator": UserFactory(username="gs.coord", agency=world.gs, roles=["coordinator", "officer"]),
        "afripol": afripol,
        "ghana": ghana,
        "gh_officer": UserFactory(username="gh.officer", agency=ghana, roles=["officer"]),
        "partner_agency": world.partner_agency,
    }


def _launch(world: Any, cast: dict[str, Any], **extra: Any) -> Any:
    return services.launch_operation(
        cast["coordinator"],
        code_name=extra.pop("code_name", "Serengeti"),
        objectives="Dismantle ransomware and scam infrastructure across Africa.",
        crime_focus="ransomware, online scams, BEC",
        co_leads=[cast["afripol"]],
        participants=[world.ncb_ke, world.ncb_ng],
        partners=[cast["partner_agency"]],
        phases=extra.pop(
            "phases",
            [
                services.PhaseSpec("preparation", D(2024, 8, 1), D(2024, 9, 1)),
                services.PhaseSpec("action", D(2024, 9, 2), D(2024, 10, 31)),
                services.PhaseSpec("follow_up", D(2024, 11, 1), D(2024, 12, 31)),
            ],
        ),
        **extra,
    )


def test_a_coordinator_launches_an_operation_its_participants_see(world: Any, cast: dict[str, Any]) -> None:
    operation = _launch(world, cast)
    roles = {p.agency.code: p.role for p in operation.participants.all()}
    assert roles == {
        "GS": "lead",
        "AFRIPOL": "co_lead",
        "NCB-KE": "participant",
        "NCB-NG": "participant",
        "P-TEST": "partner",
    }
    assert set(operation.community.members.values_list("code", flat=True)) == set(roles)
    assert services.get_operation_for(world.owner, "Serengeti") == operation
    assert not services.operations_for(cast["gh_officer"]).exists()  # Ghana does not take part
    assert AuditEvent.objects.filter(action="operation.launched").count() == 1
    with pytest.raises(Conflict):
        _launch(world, cast)
    with pytest.raises(PermissionDenied):
        services.launch_operation(world.owner, code_name="Mine", objectives="x", crime_focus="y")


def test_bad_phases_and_participants_are_refused(world: Any, cast: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput, match="phases"):
        _launch(
            world,
            cast,
            code_name="Backwards",
            phases=[services.PhaseSpec("action", D(2024, 9, 2), D(2024, 9, 1))],
        )
    with pytest.raises(InvalidInput) as caught:
        services.launch_operation(
            cast["coordinator"],
            code_name="Mixed",
            objectives="x",
            crime_focus="y",
            participants=[cast["partner_agency"]],
        )
    assert "partners" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        services.launch_operation(cast["coordinator"], code_name="?", objectives="", crime_focus="")
    assert set(caught.value.fields) == {"code_name", "objectives", "crime_focus"}


def test_an_agency_joining_later_sees_what_was_shared_with_the_participants(
    world: Any, cast: dict[str, Any]
) -> None:
    operation = _launch(world, cast)
    shared = submit_report(
        world.owner,
        title="Serengeti target list",
        crime_type="ransomware",
        marking=MarkingSpec(
            owner=world.ncb_ke, tlp=TLP.AMBER, audience=Audience.COMMUNITY, community=operation.community
        ),
        observables=[Submitted("domain", "serengeti-c2.example")],
    ).report
    assert shared in reports_for(world.outsider)  # NCB-NG takes part
    assert shared not in reports_for(cast["gh_officer"])
    with pytest.raises(PermissionDenied):
        services.add_participant(world.owner, operation, cast["ghana"], "participant")  # not a coordinator
    services.add_participant(cast["coordinator"], operation, cast["ghana"], "participant")
    assert shared in reports_for(cast["gh_officer"])  # shared before Ghana joined
    services.remove_participant(cast["coordinator"], operation, cast["ghana"])
    assert shared not in reports_for(cast["gh_officer"])
    assert list(
        AuditEvent.objects.filter(action__in=["operation.joined", "operation.left"])
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["operation.joined", "operation.left"]


def test_infrastructure_imports_in_bulk_once_per_value(
    world: Any, cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "BATCH", 500)
    operation = _launch(world, cast)
    rows = [
        {"kind": "domain", "value": f"scam-{n}.example", "country": "ke", "asn": "AS64496"}
        for n in range(1200)
    ]
    rows += [
        {"kind": "ip", "value": "203.0.113.7", "state": "taken_down"},
        {"kind": "domain", "value": "SCAM-1.example."},
    ]
    seen: list[tuple[str, int, int]] = []
    summary = services.import_infrastructure(
        world.owner, operation, rows, progress=lambda *step: seen.append(step)
    )
    assert (summary.read, summary.created, summary.already) == (
        1202,
        1201,
        1,
    )  # SCAM-1.example. is scam-1.example
    assert seen == [
        ("checking", 500, 0),
        ("checking", 1000, 0),
        ("storing", 0, 1201),
        ("storing", 500, 1201),
        ("storing", 1000, 1201),
        ("storing", 1201, 1201),
    ]
    item = InfrastructureItem.objects.get(operation=operation, value="scam-1.example")
    assert (item.country, item.asn, item.agency, item.state) == ("KE", 64496, world.ncb_ke, "identified")
    ip = InfrastructureItem.objects.get(operation=operation, kind="ip")
    assert ip.closed_on is not None and ip.requested_on is not None
    again = services.import_infrastructure(world.owner, operation, rows[:10])
    assert (again.created, again.already) == (0, 10)
    with pytest.raises(InvalidInput) as caught:
        services.import_infrastructure(
            world.owner,
            operation,
            [
                {"kind": "domain", "value": "fine.example"},
                {"kind": "satellite", "value": "x"},
                {"kind": "ip", "value": "999.1.1.1"},
                {"kind": "domain", "value": "ok.example", "country": "Kenya"},
            ],
        )
    assert set(caught.value.fields) == {"line 2", "line 3", "line 4"}
    assert not InfrastructureItem.objects.filter(value="fine.example").exists()  # nothing of a faulty file
    with pytest.raises(PermissionDenied):
        services.import_infrastructure(cast["gh_officer"], operation, rows[:1])


def test_takedown_states_change_in_bulk_with_their_dates(world: Any, cast: dict[str, Any]) -> None:
    operation = _launch(world, cast)
    services.import_infrastructure(
        world.owner, operation, [{"kind": "domain", "value": f"d{n}.example"} for n in range(10)]
    )
    items = InfrastructureItem.objects.filter(operation=operation)
    requested = services.change_state(
        world.owner,
        operation,
        items.filter(value__in=[f"d{n}.example" for n in range(6)]),
        "requested",
        on=D(2024, 9, 10),
    )
    down = services.change_state(
        world.owner,
        operation,
        items.filter(value__in=["d0.example", "d1.example", "d2.example"]),
        "taken_down",
        evidence_ref="registrar ticket 4411",
        on=D(2024, 9, 12),
    )
    assert (requested, down) == (6, 3)
    d0 = items.get(value="d0.example")
    assert (d0.state, d0.requested_on, d0.closed_on, d0.evidence_ref) == (
        "taken_down",
        D(2024, 9, 10),
        D(2024, 9, 12),
        "registrar ticket 4411",
    )
    straight = services.change_state(
        world.owner, operation, items.filter(value="d9.example"), "refused", on=D(2024, 9, 13)
    )
    assert straight == 1 and items.get(value="d9.example").requested_on == D(2024, 9, 13)
    figures = dashboard(operation)
    assert figures["infrastructure"] == {
        "identified": 3,
        "requested": 3,
        "taken_down": 3,
        "refused": 1,
        "no_response": 0,
    }
    assert figures["taken_down_share"] == pytest.approx(0.3)
    with pytest.raises(InvalidInput):
        services.change_state(world.owner, operation, items, "vanished")


def test_results_are_reported_corrected_and_totalled(world: Any, cast: dict[str, Any]) -> None:
    operation = _launch(world, cast)
    services.report_results(
        world.owner,
        operation,
        counts={"arrests": 120, "victims_identified": "1,500", "accounts_frozen": 40},
        money=[services.Money("losses", "1000000000", "KES", "0.0077", D(2024, 10, 31))],
    )
    services.report_results(
        world.outsider,
        operation,
        counts={"arrests": 886, "victims_identified": 33724},
        money=[services.Money("seized", "2500000", "USD", "1", D(2024, 10, 31))],
    )
    with pytest.raises(InvalidInput, match="say why"):
        services.report_results(world.owner, operation, counts={"arrests": 121})
    services.report_results(
        world.owner,
        operation,
        counts={"arrests": 125, "victims_identified": 1500, "accounts_frozen": 40},
        correction_reason="five more arrests confirmed in Mombasa",
        money=[services.Money("losses", "1000000000", "KES", "0.0077", D(2024, 10, 31))],
    )
    kenya = ResultReport.objects.filter(operation=operation, agency=world.ncb_ke)
    assert list(kenya.values_list("version", "current")) == [(2, True), (1, False)]  # the first is kept
    corrected = AuditEvent.objects.get(action="operation.results_corrected")
    assert corrected.details["changed"] == {"arrests": [120, 125]}
    figures = dashboard(operation)
    assert figures["totals"]["arrests"] == 125 + 886 and figures["totals"]["victims_identified"] == 35224
    assert figures["usd"]["losses"] == Decimal("7700000.00") and figures["usd"]["seized"] == Decimal(
        "2500000.00"
    )
    assert [row["agency"] for row in figures["countries"]] == ["NCB-KE", "NCB-NG"]
    assert figures["over_time"][-1]["arrests"] == 1011
    sentence = press_figures(operation, figures)
    assert sentence.startswith(
        "Operation Serengeti (action phase 2024-09-02 to 2024-10-31) brought together 2 countries: "
    )
    assert "1,011 arrests" in sentence and "35,224 victims identified" in sentence
    assert "USD 2.5 million seized" in sentence and "losses of about USD 7.7 million traced" in sentence
    with pytest.raises(PermissionDenied):
        services.report_results(world.partner, operation, counts={"arrests": 1})  # partners report no results
    with pytest.raises(InvalidInput) as caught:
        services.report_results(
            cast["coordinator"],
            operation,
            counts={"arrests": -1, "parking_tickets": 3},
            money=[services.Money("seized", "10", "dollars", "1", D(2024, 1, 1))],
        )
    assert set(caught.value.fields) == {"arrests", "parking_tickets"}


def test_the_press_sentence_says_when_nothing_is_reported(world: Any, cast: dict[str, Any]) -> None:
    operation = _launch(world, cast)
    assert press_figures(operation).endswith("no results have been reported yet.")


def test_targets_link_values_reports_and_notices_and_tasks_are_given_and_done(
    world: Any, cast: dict[str, Any]
) -> None:
    operation = _launch(world, cast)
    shared = submit_report(
        world.owner,
        title="Mule accounts",
        crime_type="phishing",
        marking=MarkingSpec(owner=world.ncb_ke, tlp=TLP.AMBER, audience=Audience.MEMBERS),
        observables=[Submitted("domain", "mule-bank.example")],
    ).report
    target = services.add_target(
        cast["coordinator"],
        operation,
        kind="group",
        name="Black Axe cell, Lagos",
        allocated_to=world.ncb_ng,
        values=[("domain", "MULE-BANK.example."), ("handle", "telegram:axe_cell")],
        reports=[shared.reference],
    )
    assert sorted(target.values.values_list("value", flat=True)) == ["mule-bank.example", "telegram:axe_cell"]
    assert list(target.reports.all()) == [shared]
    with pytest.raises(InvalidInput) as caught:
        services.add_target(
            cast["coordinator"],
            operation,
            kind="planet",
            name="",
            allocated_to=cast["ghana"],
            values=[("domain", "not a domain")],
        )
    assert set(caught.value.fields) == {"kind", "name", "allocated_to", "values"}
    with pytest.raises(PermissionDenied):
        services.add_target(world.owner, operation, kind="suspect", name="X")  # not running the operation
    task = services.add_task(
        cast["coordinator"], target, world.ncb_ng, "Search warrant for the call centre", D(2024, 9, 20)
    )
    with pytest.raises(PermissionDenied):
        services.complete_task(world.owner, task)  # given to Nigeria
    services.complete_task(world.outsider, task)
    with pytest.raises(Conflict):
        services.complete_task(world.outsider, task)
    assert [
        e
        for e in AuditEvent.objects.filter(action__startswith="operation.t")
        .order_by("seq")
        .values_list("action", flat=True)
    ] == ["operation.target_added", "operation.task_added", "operation.task_done"]


def test_a_value_another_import_stored_meanwhile_is_skipped(world: Any, cast: dict[str, Any]) -> None:
    """The bulk write skips a row that repeats a stored value (COPY's fallback on PostgreSQL, INSERT OR
    IGNORE on SQLite): two imports of the same file at once store each value once."""
    operation = _launch(world, cast)
    services.import_infrastructure(world.owner, operation, [{"kind": "domain", "value": "first.example"}])
    stored = InfrastructureItem.objects.get(operation=operation)
    today = datetime.date.today()

    def row(value: str) -> tuple[Any, ...]:
        key = services.value_key("domain", value)
        return (operation.pk, "domain", value, key, "", "", None, "", "identified", today, None, None, "", 1)

    rows = [row("first.example"), row("second.example")]
    rows = [(*r[:-1], world.ncb_ke.pk) for r in rows]
    assert services._insert_items(rows) == 1
    assert sorted(operation.infrastructure.values_list("value", flat=True)) == [
        "first.example",
        "second.example",
    ]
    assert InfrastructureItem.objects.get(pk=stored.pk).value == "first.example"


def test_rows_a_database_would_refuse_are_named_not_stored(world: Any, cast: dict[str, Any]) -> None:
    operation = _launch(world, cast)
    with pytest.raises(InvalidInput) as caught:
        services.import_infrastructure(
            world.owner,
            operation,
            [
                {"kind": "domain", "value": "a.example", "asn": "²"},  # a digit to str.isdigit, not to int()
                {"kind": "domain", "value": "b.example", "asn": "AS99999999999"},  # more than 32 bits
                {"kind": "server", "value": "srv\x00.example"},
                {"kind": "url", "value": "https://long.example/" + "a" * 3000},  # canonical, but over 2048
                {"kind": "domain", "value": "fine.example", "provider": "Host\x00 SA"},
            ],
        )
    assert sorted(caught.value.fields) == ["line 1", "line 2", "line 3", "line 4"]
    summary = services.import_infrastructure(
        world.owner, operation, [{"kind": "domain", "value": "fine.example", "provider": "Host\x00 SA"}]
    )
    assert summary.created == 1 and operation.infrastructure.get().provider == "Host SA"
    assert list(
        AuditEvent.objects.filter(action__startswith="operation.infrastructure_import")
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["operation.infrastructure_import_started", "operation.infrastructure_imported"]


def test_an_import_that_stops_on_an_unexpected_error_says_it_failed(
    world: Any, cast: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    operation = _launch(world, cast)
    job = services.queue_import(world.owner, operation, "a.csv", "kind,value\ndomain,a.example\n")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "import_infrastructure", broken)
    done = services.run_import(job)
    assert done.status == "failed" and "unexpected error" in done.error and done.content == ""
    assert done.finished_at is not None


def test_a_target_names_the_references_it_cannot_find_and_reads_national_phones(
    world: Any, cast: dict[str, Any]
) -> None:
    operation = _launch(world, cast)
    with pytest.raises(InvalidInput) as caught:
        services.add_target(
            cast["coordinator"], operation, kind="suspect", name="X", reports=["NCB-XX-1"], notices=["R-1"]
        )
    assert caught.value.fields == {
        "reports": ["NCB-XX-1: not found"],
        "notices": ["R-1: not found"],
    }
    kenyan = UserFactory(username="ke.coord", agency=world.ncb_ke, roles=["coordinator", "officer"])
    own = services.launch_operation(kenyan, code_name="Mombasa", objectives="x", crime_focus="y")
    target = services.add_target(
        kenyan, own, kind="suspect", name="Caller", values=[("phone", "0712 345678")]
    )
    assert list(target.values.values_list("value", flat=True)) == ["+254712345678"]
    for odd in ("²", "12abc", "9" * 30, "-1", ""):
        with pytest.raises(NotFound):
            services.get_task(own, odd)


def test_participants_move_their_own_items_and_those_running_the_operation_any(
    world: Any, cast: dict[str, Any]
) -> None:
    operation = _launch(world, cast)
    services.import_infrastructure(world.owner, operation, [{"kind": "domain", "value": "ke.example"}])
    services.import_infrastructure(world.outsider, operation, [{"kind": "ipv4", "value": "203.0.113.9"}])
    everything = InfrastructureItem.objects.filter(operation=operation)
    assert services.change_state(world.partner, operation, everything, "refused") == 0  # neither is its own
    assert services.change_state(world.owner, operation, everything, "requested") == 1  # Kenya's only
    assert dict(everything.values_list("kind", "state")) == {"domain": "requested", "ip": "identified"}
    assert services.change_state(cast["coordinator"], operation, everything, "taken_down") == 2
