"""Cross-agency correlation: set-based hits on submission, warninglists, fan-out, withdrawal, partners."""

from __future__ import annotations

from typing import Any

import pytest

from lockstep.alerts.models import Notification
from lockstep.audit.models import AuditEvent
from lockstep.errors import InvalidInput
from lockstep.exchange.validation import accept_partner_report
from lockstep.intel.ingest import Submitted
from lockstep.intel.models import CommonValue, Hit, Observable, Report
from lockstep.intel.services import add_observables, withdraw_report
from lockstep.intel.tests.helpers import submit

SHARED = [("domain", "login-bank.example.net"), ("ipv4", "203.0.113.9"), ("phone", "+254 712 345 678")]


@pytest.fixture(autouse=True)
def _documentation_values_correlate(db: None) -> None:
    """The tests use documentation ranges and example names, which a built-in list keeps from correlating."""
    from lockstep.intel.models import Warninglist

    Warninglist.objects.filter(name="documentation").update(enabled=False)


def test_a_value_another_country_holds_creates_a_hit_for_each_side(world: Any) -> None:
    first = submit(world.owner, SHARED + [("domain", "only-kenya.example.net")])
    assert first.hits == 0 and first.added == 4
    second = submit(world.outsider, [("domain", "LOGIN-BANK[.]example.net"), ("email", "x@example.org")])
    assert second.hits == 1  # Nigeria received one hit (and Kenya one, about Nigeria's record)
    mine = Hit.objects.get(agency=world.ncb_ng)
    theirs = Hit.objects.get(agency=world.ncb_ke)
    assert mine.other == theirs.observable and theirs.other == mine.observable
    assert mine.other_agency == world.ncb_ke and mine.kind == "domain" and mine.state == "new"


def test_the_same_agency_does_not_hit_itself(world: Any) -> None:
    submit(world.owner, SHARED)
    assert submit(world.colleague, SHARED).hits == 0


def test_the_owner_and_the_submitter_are_notified(world: Any) -> None:
    first = submit(world.owner, SHARED)
    second = submit(world.outsider, SHARED)
    kenya = Notification.objects.get(agency=world.ncb_ke, kind="hit")
    assert kenya.params == {"reference": second.report.reference, "agency": "NCB-NG"}
    assert Notification.objects.filter(agency=world.ncb_ng, kind="hit").exists()
    assert first.report.reference.startswith("NCB-KE-")


def test_warninglisted_values_never_correlate(world: Any) -> None:
    submit(world.owner, [("ipv4", "8.8.8.8"), ("ipv4", "10.1.2.3"), ("domain", "mail.google.com")])
    result = submit(
        world.outsider, [("ipv4", "8.8.8.8"), ("ipv4", "10.1.2.3"), ("domain", "mail.google.com")]
    )
    assert result.hits == 0
    reasons = set(Observable.objects.filter(report=result.report).values_list("suppressed", flat=True))
    assert reasons == {"public-dns-resolvers", "private-and-reserved-ip", "top-platform-domains"}


def test_a_value_held_by_too_many_agencies_is_counted_not_hit(world: Any, settings: Any) -> None:
    from lockstep.directory.tests.factories import AgencyFactory, UserFactory

    settings.LOCKSTEP_HIT_FANOUT = 2
    submit(world.owner, [("domain", "everywhere.example.net")])
    submit(world.outsider, [("domain", "everywhere.example.net")])
    assert Hit.objects.count() == 2
    third = UserFactory(agency=AgencyFactory(code="NCB-GH", kind="ncb", country_id="GH"), roles=["officer"])
    assert submit(third, [("domain", "everywhere.example.net")]).hits == 0
    assert CommonValue.objects.get().agencies == 3


def test_a_withdrawn_report_stops_matching_and_its_hits_close(world: Any) -> None:
    first = submit(world.owner, SHARED)
    submit(world.outsider, SHARED)
    withdraw_report(world.owner, first.report, "entered by mistake")
    assert not Observable.objects.filter(report=first.report, active=True).exists()
    assert set(Hit.objects.filter(agency=world.ncb_ke).values_list("state", flat=True)) == {"closed"}
    from lockstep.directory.tests.factories import AgencyFactory, UserFactory

    third = UserFactory(agency=AgencyFactory(code="NCB-GH", kind="ncb", country_id="GH"), roles=["officer"])
    later = submit(third, SHARED)
    assert not Hit.objects.filter(agency=third.agency, other_agency=world.ncb_ke).exists()
    assert later.hits == 3  # only against Nigeria's report
    assert Report.objects.get(pk=first.report.pk).status == "withdrawn"


def test_a_partner_gets_hits_only_about_records_released_to_everyone(world: Any) -> None:
    submit(world.owner, [("domain", "members-only.example.net")], audience="members")
    submit(world.outsider, [("domain", "for-everyone.example.net")], audience="everyone", tlp="clear")
    held = submit(
        world.partner, [("domain", "members-only.example.net"), ("domain", "for-everyone.example.net")]
    )
    assert not Hit.objects.exists()  # partner data matches only once the General Secretariat accepts it
    accept_partner_report(world.reviewer, held.report, source_reliability="B", info_credibility="2")
    partner_hits = Hit.objects.filter(agency=world.partner_agency)
    assert [hit.other_agency.code for hit in partner_hits] == ["NCB-NG"]
    assert Hit.objects.filter(agency=world.ncb_ke, other_agency=world.partner_agency).exists()


def test_adding_the_same_values_again_creates_nothing(world: Any) -> None:
    first = submit(world.owner, SHARED)
    again = add_observables(world.owner, first.report, [Submitted(kind, value) for kind, value in SHARED])
    assert again.added == 0
    assert Observable.objects.filter(report=first.report).count() == 3


def test_invalid_values_are_reported_and_the_valid_ones_stored(world: Any) -> None:
    result = submit(world.owner, [("ipv4", "999.1.1.1"), ("domain", "fine.example.net"), ("btc", "1nope")])
    assert result.added == 1
    assert [(item.index, item.kind) for item in result.rejected] == [(0, "ipv4"), (2, "btc")]
    assert "IPv4" in result.rejected[0].reason


def test_seen_dates_must_be_in_order(world: Any) -> None:
    import datetime

    early, late = (datetime.datetime(2026, month, 1, tzinfo=datetime.UTC) for month in (1, 6))
    report = submit(world.owner, [("domain", "fine.example.net")]).report
    result = add_observables(
        world.owner,
        report,
        [
            Submitted("ipv4", "198.51.100.1", first_seen=late, last_seen=early),
            Submitted("ipv4", "198.51.100.2", first_seen=early, last_seen=late),
        ],
    )
    assert result.added == 1 and result.rejected[0].reason == "first seen is after last seen"
    stored = Observable.objects.get(report=report, kind="ipv4")
    assert (stored.value, stored.first_seen, stored.last_seen) == ("198.51.100.2", early, late)


def test_all_or_nothing_refuses_the_whole_report(world: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        submit(world.owner, [("ipv4", "999.1.1.1"), ("domain", "fine.example.net")], all_or_nothing=True)
    assert "observables[0]" in caught.value.fields
    assert not Report.objects.exists() and not Observable.objects.exists()


def test_a_national_number_takes_the_agency_country(world: Any) -> None:
    result = submit(world.owner, [("phone", "0712 345678")])
    assert Observable.objects.get(report=result.report).value == "+254712345678"


def test_submission_is_audited_with_its_counts(world: Any) -> None:
    submit(world.owner, SHARED)
    result = submit(world.outsider, SHARED)
    event = AuditEvent.objects.get(action="report.submitted", target_id=str(result.report.pk))
    assert event.details == {"reference": result.report.reference, "observables": 3, "rejected": 0, "hits": 3}
    assert AuditEvent.objects.filter(action="marking.released", target_id=str(result.report.pk)).exists()


def test_a_large_submission_correlates_in_one_pass(world: Any) -> None:
    values = [("ipv4", f"198.51.{i // 250}.{i % 250 + 1}") for i in range(2000)]
    submit(world.owner, values[:1500])
    result = submit(world.outsider, values[1000:])
    assert result.added == 1000 and result.hits == 500
    assert Hit.objects.count() == 2 * 500


def test_suppressed_and_too_common_matches_stay_counted(world: Any, settings: Any) -> None:
    from lockstep.intel.stats import uncorrelated

    settings.LOCKSTEP_HIT_FANOUT = 1
    submit(world.outsider, [("ipv4", "8.8.8.8"), ("domain", "crowded.example.net")])
    mine = submit(world.owner, [("ipv4", "8.8.8.8"), ("ipv4", "1.1.1.1"), ("domain", "crowded.example.net")])
    counts = uncorrelated(mine.report)
    assert (counts.suppressed, counts.suppressed_elsewhere, counts.too_common) == (2, 1, 1)
    assert mine.hits == 0


def test_reapplying_changed_warninglists_re_marks_stored_values(world: Any) -> None:
    from lockstep.intel.models import Warninglist, WarninglistEntry
    from lockstep.intel.warninglists import reapply

    result = submit(world.owner, [("domain", "cdn.partner-platform.net"), ("ipv4", "8.8.8.8")])
    custom = Warninglist.objects.create(name="gs-cdn", description="CDN of a partner platform")
    WarninglistEntry.objects.create(warninglist=custom, kind="domain", value="partner-platform.net")
    Warninglist.objects.filter(name="public-dns-resolvers").update(enabled=False)
    assert reapply() == 2
    marks = dict(Observable.objects.filter(report=result.report).values_list("kind", "suppressed"))
    assert marks == {"domain": "gs-cdn", "ipv4": ""}


def test_hit_states_move_forward_only(world: Any) -> None:
    from lockstep.errors import Conflict
    from lockstep.intel.services import request_follow_up, set_hit_state

    submit(world.owner, SHARED[:1])
    submit(world.outsider, SHARED[:1])
    hit = Hit.objects.get(agency=world.ncb_ng)
    assert set_hit_state(world.outsider, hit, "acknowledged").state == "acknowledged"
    with pytest.raises(Conflict, match="Only a new hit"):
        set_hit_state(world.outsider, hit, "acknowledged")
    assert set_hit_state(world.outsider, hit, "closed").state == "closed"
    for change in (
        lambda: set_hit_state(world.outsider, hit, "acknowledged"),
        lambda: set_hit_state(world.outsider, hit, "closed"),
        lambda: request_follow_up(world.outsider, hit, "Please tell us more."),
    ):
        with pytest.raises(Conflict, match="closed"):
            change()
    hit.refresh_from_db()
    assert hit.state == "closed"
    assert list(
        AuditEvent.objects.filter(action__startswith="hit.").values_list("action", flat=True).order_by("seq")
    ) == ["hit.acknowledged", "hit.closed"]


def test_a_gs_list_made_in_the_admin_applies_to_stored_values_at_once(world: Any, client: Any) -> None:
    from conftest import verified_client
    from lockstep.intel.models import Warninglist

    submit(world.owner, [("domain", "cdn.partner-platform.net")])
    submit(world.outsider, [("domain", "cdn.partner-platform.net")])
    assert set(Hit.objects.values_list("state", flat=True)) == {"new"}
    verified_client(client, world.gs_admin)
    response = client.post(
        "/admin/intel/warninglist/add/",
        {
            "name": "gs-cdn",
            "description": "CDN of a partner platform",
            "enabled": "on",
            "entries-TOTAL_FORMS": "1",
            "entries-INITIAL_FORMS": "0",
            "entries-0-kind": "domain",
            "entries-0-value": "partner-platform.net",
        },
    )
    assert response.status_code == 302
    assert set(Observable.objects.values_list("suppressed", flat=True)) == {"gs-cdn"}
    assert set(Hit.objects.values_list("state", flat=True)) == {"closed"}  # new hits on listed values close
    assert AuditEvent.objects.filter(action="intel.warninglists_applied", actor=world.gs_admin).exists()
    listed = Warninglist.objects.get(name="gs-cdn")
    held = submit(world.partner, [("domain", "cdn.partner-platform.net")], audience="everyone")
    accept_partner_report(world.reviewer, held.report, source_reliability="B", info_credibility="2")
    assert Hit.objects.count() == 2  # the listed value made no new hits
    response = client.post(f"/admin/intel/warninglist/{listed.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert set(Observable.objects.values_list("suppressed", flat=True)) == {""}
    # taken off the list, the stored values correlate at once: Kenya and Nigeria each learn of the
    # partner's record (released to everyone); the pair closed earlier stays closed
    assert sorted(Hit.objects.filter(state="new").values_list("agency__code", flat=True)) == [
        "NCB-KE",
        "NCB-NG",
    ]
