"""The notice workflow under the rules of DOMAIN.md section 1: per-type fields and eligibility checked in the
service, the supervisor's approval, the GS review with its checklist and refusal grounds, diffusions sent at
once and checked afterwards, visibility at each step, withdrawal and tombstones, all audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lockstep.alerts.models import Notification
from lockstep.audit.models import AuditEvent
from lockstep.directory.tests.factories import AgencyFactory, UserFactory
from lockstep.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lockstep.notices import services
from lockstep.notices.access import get_notice_for, is_tombstone_for, notices_for
from lockstep.notices.models import EligibilityRule, Notice, NoticeStatus
from lockstep.notices.types import SPECS

pytestmark = pytest.mark.django_db

PURPLE = {
    "modus_operandi": "Victims approve a token allowance in a fake wallet app; the USDT is drained.",
    "prevention": "Never approve unknown contracts; revoke allowances.",
}
RED = {
    "purpose": "prosecution",
    "charge": "Fraud by means of an ICT system",
    "facts": "Ran a call centre defrauding investors of USD 4 million.",
    "applicable_law": "Computer Misuse and Cybercrimes Act 2018, s. 26",
    "warrant_reference": "Nairobi CM 112/2026",
    "max_penalty_years": "10",
}
PERSON = {
    "kind": "person",
    "status": "suspect",
    "names": [{"name": "Ivan Petrov", "script": "Latn"}, "Иван Петров"],
}


@pytest.fixture
def supervisor(world: Any) -> Any:
    return UserFactory(username="ke-supervisor", agency=world.ncb_ke, roles=["supervisor", "officer"])


def _submitted(world: Any, supervisor: Any, **fields: Any) -> Notice:
    notice = services.draft_notice(
        world.owner, **{"type": "purple", "title": "USDT approval scam", "details": PURPLE, **fields}
    )
    services.ask_approval(world.owner, notice)
    return services.approve_notice(supervisor, notice)


def test_every_type_states_its_required_fields_and_a_request_missing_them_is_refused(world: Any) -> None:
    assert set(SPECS) == {
        "red",
        "yellow",
        "blue",
        "black",
        "green",
        "orange",
        "purple",
        "silver",
        "un_special",
    }
    with pytest.raises(InvalidInput) as caught:
        services.draft_notice(world.owner, type="red", title="Wanted", details={}, subjects=[])
    fields = caught.value.fields
    assert {"details.charge", "details.facts", "details.warrant_reference", "subjects"} <= set(fields)
    with pytest.raises(InvalidInput) as caught:
        services.draft_notice(
            world.owner, type="silver", title="Assets", details={"facts": "x"}, subjects=[PERSON]
        )
    assert "subjects" in caught.value.fields  # a Silver notice traces assets
    assert not Notice.objects.exists()


def test_red_notice_eligibility_is_data_the_gs_can_change(world: Any) -> None:
    low = {**RED, "max_penalty_years": "1"}
    with pytest.raises(InvalidInput) as caught:
        services.draft_notice(world.owner, type="red", title="Wanted", details=low, subjects=[PERSON])
    assert "at least 2 years" in caught.value.fields["details.max_penalty_years"][0]
    EligibilityRule.objects.filter(key="red.min_penalty_years").update(value=Decimal(1))
    notice = services.draft_notice(world.owner, type="red", title="Wanted", details=low, subjects=[PERSON])
    assert notice.reference.startswith("R-") and notice.subjects.get().names.count() == 2
    with pytest.raises(InvalidInput):
        services.draft_notice(
            world.owner, type="red", title="Wanted", details={**RED, "purpose": "sentence"}, subjects=[PERSON]
        )  # serving a sentence needs the months still to serve


def test_a_supervisor_other_than_the_drafter_approves_and_only_the_requester_sees_it_in_review(
    world: Any, supervisor: Any
) -> None:
    notice = services.draft_notice(world.owner, type="purple", title="USDT approval scam", details=PURPLE)
    with pytest.raises(PermissionDenied):
        services.approve_notice(world.colleague, notice)  # an officer, not a supervisor
    drafter = services.draft_notice(supervisor, type="purple", title="own draft", details=PURPLE)
    with pytest.raises(PermissionDenied):
        services.approve_notice(supervisor, drafter)  # four eyes
    services.approve_notice(supervisor, notice)
    assert notice.status == NoticeStatus.IN_REVIEW and notice.submitted_at
    assert (
        get_notice_for(world.colleague, notice.reference).get_status_display().startswith("Being processed")
    )
    with pytest.raises(NotFound):
        get_notice_for(world.outsider, notice.reference)
    assert get_notice_for(world.reviewer, notice.reference) == notice
    assert list(services.review_queue(world.reviewer)) == [notice]
    with pytest.raises(PermissionDenied):
        services.review_queue(world.owner)


def test_publication_needs_the_whole_checklist_then_every_member_sees_and_is_told(
    world: Any, supervisor: Any
) -> None:
    notice = _submitted(world, supervisor)
    with pytest.raises(InvalidInput) as caught:
        services.publish_notice(world.reviewer, notice, {"neutrality": True, "human_rights": True})
    assert set(caught.value.fields) == {"checks.data_quality", "checks.eligibility"}
    with pytest.raises(PermissionDenied):
        services.publish_notice(world.owner, notice, dict.fromkeys(services.CHECKLIST, True))
    services.publish_notice(world.reviewer, notice, dict.fromkeys(services.CHECKLIST, True))
    assert notice.status == NoticeStatus.PUBLISHED and notice.valid_until.year == notice.published_at.year + 5
    assert get_notice_for(world.outsider, notice.reference) == notice
    with pytest.raises(NotFound):
        get_notice_for(world.partner, notice.reference)  # notices are for member agencies, not partners
    assert Notification.objects.filter(agency=world.ncb_ng, kind="notice").exists()
    assert notice.reviews.get().checks == dict.fromkeys(services.CHECKLIST, True)
    with pytest.raises(Conflict):
        services.publish_notice(world.reviewer, notice, dict.fromkeys(services.CHECKLIST, True))


def test_a_refusal_records_its_ground_and_tells_the_requester_only(world: Any, supervisor: Any) -> None:
    notice = _submitted(world, supervisor)
    with pytest.raises(InvalidInput):
        services.refuse_notice(world.reviewer, notice, "politics", "no")
    services.refuse_notice(world.reviewer, notice, "neutrality", "A political opponent, Art. 3 applies.")
    assert (notice.status, notice.refusal_ground) == (NoticeStatus.REFUSED, "neutrality")
    assert Notification.objects.filter(agency=world.ncb_ke, kind="notice").exists()
    assert not notices_for(world.outsider).filter(pk=notice.pk).exists()


def test_a_diffusion_reaches_its_recipients_at_once_and_a_cancelled_one_leaves_a_tombstone(
    world: Any, supervisor: Any
) -> None:
    other = UserFactory(
        username="gh", agency=AgencyFactory(code="NCB-GH", kind="ncb", country_id="GH"), roles=["officer"]
    )
    notice = services.draft_notice(
        world.owner,
        kind="diffusion",
        type="blue",
        title="Who is this mule?",
        details={"facts": "Receives victims' money", "information_sought": "identity"},
        subjects=[PERSON],
        recipients=[world.ncb_ng],
    )
    services.approve_notice(supervisor, notice)
    assert notice.status == NoticeStatus.SENT and notice.reference.startswith("D-")
    assert get_notice_for(world.outsider, notice.reference) == notice
    with pytest.raises(NotFound):
        get_notice_for(other, notice.reference)  # not a recipient
    assert notice in services.review_queue(world.reviewer)  # checked afterwards
    services.check_diffusion(world.reviewer, notice, cancel=True, ground="other", text="Insufficient basis")
    seen = get_notice_for(world.outsider, notice.reference)
    assert seen.status == NoticeStatus.CANCELLED and is_tombstone_for(world.outsider, seen)
    assert not is_tombstone_for(world.owner, seen)


def test_the_owner_withdraws_and_partners_never_request(world: Any, supervisor: Any) -> None:
    notice = _submitted(world, supervisor)
    services.publish_notice(world.reviewer, notice, dict.fromkeys(services.CHECKLIST, True))
    with pytest.raises(PermissionDenied):
        services.withdraw_notice(world.outsider, notice, "not ours")
    services.withdraw_notice(world.owner, notice, "Case closed")
    assert is_tombstone_for(world.outsider, get_notice_for(world.outsider, notice.reference))
    with pytest.raises(PermissionDenied):
        services.draft_notice(world.partner, type="purple", title="x", details=PURPLE)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "notice.drafted",
        "notice.approved",
        "notice.published",
        "notice.withdrawn",
        "marking.released",
    } <= actions


def test_linked_observables_correlate_only_once_published_and_stop_at_withdrawal(
    world: Any, supervisor: Any
) -> None:
    from lockstep.intel.ingest import Submitted
    from lockstep.intel.models import Hit
    from lockstep.intel.tests.helpers import submit

    wallet = "0x52908400098527886E0F7030069857D2E4169EE7"
    notice = services.draft_notice(
        world.owner,
        type="purple",
        title="USDT approval scam",
        details=PURPLE,
        observables=[
            Submitted("eth", wallet, "drain wallet"),
            Submitted("handle", "telegram:usdt_support_desk"),
        ],
    )
    services.ask_approval(world.owner, notice)
    services.approve_notice(supervisor, notice)
    early = submit(world.outsider, [("eth", wallet)]).report
    assert not Hit.objects.filter(observable__report=early).exists()  # in review: nothing matches yet
    services.publish_notice(world.reviewer, notice, dict.fromkeys(services.CHECKLIST, True))
    assert Hit.objects.filter(observable__report=early, other__report=notice.report).exists()  # published
    third = UserFactory(
        username="gh-officer",
        agency=AgencyFactory(code="NCB-GH", kind="ncb", country_id="GH"),
        roles=["officer"],
    )
    later = submit(third, [("handle", "telegram:usdt_support_desk")]).report
    assert Hit.objects.filter(observable__report=later, other__report=notice.report).exists()
    services.withdraw_notice(world.owner, notice, "Campaign over")
    notice.report.refresh_from_db()
    assert notice.report.status == "withdrawn" and not notice.report.observables.filter(active=True).exists()
    again = submit(third, [("eth", wallet)]).report
    assert not Hit.objects.filter(observable__report=again, other__report=notice.report).exists()


def test_a_bad_linked_value_refuses_the_whole_request(world: Any) -> None:
    from lockstep.intel.ingest import Submitted

    with pytest.raises(InvalidInput):
        services.draft_notice(
            world.owner,
            type="purple",
            title="x",
            details=PURPLE,
            observables=[Submitted("email", "not-an-email")],
        )
    assert not Notice.objects.exists()


def test_owners_are_warned_before_expiry_extend_with_reasons_or_the_notice_lapses(
    world: Any, supervisor: Any
) -> None:
    import datetime

    from lockstep.intel.ingest import Submitted

    notice = services.draft_notice(
        world.owner,
        type="purple",
        title="MO",
        details=PURPLE,
        observables=[Submitted("domain", "lapsing-scam.top")],
    )
    services.approve_notice(supervisor, notice)
    services.publish_notice(world.reviewer, notice, dict.fromkeys(services.CHECKLIST, True))
    until = notice.valid_until
    assert services.run_validity(until - datetime.timedelta(days=400)) == (0, 0)  # not yet within six months
    assert services.run_validity(until - datetime.timedelta(days=100)) == (1, 0)
    assert services.run_validity(until - datetime.timedelta(days=99)) == (0, 0)  # warned once
    assert Notification.objects.filter(agency=world.ncb_ke, text__contains="expires on").count() == 1
    with pytest.raises(InvalidInput):
        services.extend_notice(world.owner, notice, " ")
    services.extend_notice(world.owner, notice, "Campaign still running")
    assert notice.valid_until.year == until.year + 5 and notice.expiry_warned_on is None
    assert services.run_validity(notice.valid_until + datetime.timedelta(days=1)) == (0, 1)
    notice.refresh_from_db()
    notice.report.refresh_from_db()
    assert notice.status == NoticeStatus.EXPIRED and notice.report.status == "withdrawn"
    assert is_tombstone_for(world.outsider, get_notice_for(world.outsider, notice.reference))
    with pytest.raises(Conflict):
        services.extend_notice(world.owner, notice, "too late")


def test_the_gs_cancels_a_published_notice_everywhere_and_the_figures_count_it(
    world: Any, supervisor: Any
) -> None:
    from lockstep.notices.stats import notice_statistics

    published = _submitted(world, supervisor)
    services.publish_notice(world.reviewer, published, dict.fromkeys(services.CHECKLIST, True))
    refused = _submitted(world, supervisor, title="second")
    services.refuse_notice(world.reviewer, refused, "human_rights", "Risk of persecution")
    with pytest.raises(PermissionDenied):
        services.cancel_notice(world.owner, published, "other", "x")
    services.cancel_notice(world.reviewer, published, "neutrality", "Found to be political after publication")
    seen = get_notice_for(world.outsider, published.reference)
    assert seen.status == NoticeStatus.CANCELLED and is_tombstone_for(world.outsider, seen)
    assert Notification.objects.filter(agency=world.ncb_ke, text__contains="was cancelled").exists()
    figures = notice_statistics(world.reviewer)
    year = published.submitted_at.year
    assert figures["per_type_and_year"] == [{"year": year, "type": "purple", "requested": 2, "published": 1}]
    assert figures["refusals_and_cancellations_by_ground"] == {"human_rights": 1, "neutrality": 1}
    assert figures["decisions"] == 2 and figures["decided_within_24_hours"] == 2
    assert figures["median_review_hours"] == 0.0
    with pytest.raises(PermissionDenied):
        notice_statistics(world.owner)
