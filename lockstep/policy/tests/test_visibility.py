"""Who sees a marked record: owner, audience, TLP, partner and oversight rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.policy.audience import MarkingSpec, check_marking, preview_recipients
from lockstep.policy.models import Community, Marking
from lockstep.policy.rules import can
from lockstep.policy.services import create_marking, release


def _marking(world: Any, **fields: Any) -> Marking:
    return create_marking(world.owner, MarkingSpec(owner=world.ncb_ke, **fields))


def _visible(user: Any, marking: Marking) -> bool:
    return Marking.objects.visible_to(user).filter(pk=marking.pk).exists()


def test_owner_only_marking_is_seen_by_the_owner_agency_alone(world: Any) -> None:
    marking = _marking(world, audience="owner")
    assert _visible(world.owner, marking) and _visible(world.colleague, marking)
    for user in (world.outsider, world.reviewer, world.partner):
        assert not _visible(user, marking)


def test_named_recipients_see_it_and_nobody_else(world: Any) -> None:
    marking = _marking(world, audience="recipients", recipients=[world.ncb_ng])
    assert _visible(world.outsider, marking)
    assert not _visible(world.reviewer, marking)
    assert not _visible(world.partner, marking)


def test_members_audience_excludes_partners(world: Any) -> None:
    marking = _marking(world, audience="members", tlp="green")
    assert _visible(world.outsider, marking) and _visible(world.reviewer, marking)
    assert not _visible(world.partner, marking)


def test_everyone_audience_includes_partners(world: Any) -> None:
    marking = _marking(world, audience="everyone", tlp="clear")
    assert _visible(world.partner, marking)


def test_a_regional_community_includes_agencies_that_join_later(world: Any) -> None:
    from lockstep.directory.tests.factories import AgencyFactory, UserFactory

    africa = Community.objects.create(
        code="AF", name="Africa", kind="region", region="africa", owner=world.gs
    )
    marking = _marking(world, audience="community", community=africa)
    assert _visible(world.outsider, marking)  # Nigeria is in Africa
    newcomer = UserFactory(
        agency=AgencyFactory(code="NCB-GH", kind="ncb", country_id="GH"), roles=["officer"]
    )
    assert _visible(newcomer, marking)
    french = UserFactory(agency=AgencyFactory(code="NCB-FR", kind="ncb", country_id="FR"), roles=["officer"])
    assert not _visible(french, marking)
    assert not _visible(world.partner, marking)


def test_auditors_and_administrators_alone_see_no_operational_data(world: Any) -> None:
    marking = _marking(world, audience="members", tlp="green")
    assert not _visible(world.auditor, marking)
    assert not _visible(world.admin, marking)


def test_an_expired_partner_sees_nothing(world: Any) -> None:
    marking = _marking(world, audience="everyone", tlp="clear")
    world.partner_agency.agreement_expires_on = timezone.now().date() - datetime.timedelta(days=1)
    world.partner_agency.save()
    world.partner.agency.refresh_from_db()
    assert not _visible(world.partner, marking)


def test_visibility_does_not_repeat_rows_for_many_recipients(world: Any) -> None:
    marking = _marking(
        world, audience="recipients", recipients=[world.ncb_ng, world.gs, world.partner_agency]
    )
    assert Marking.objects.visible_to(world.owner).filter(pk=marking.pk).count() == 1


def test_red_may_only_go_to_named_recipients(world: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        _marking(world, tlp="red", audience="members")
    assert "audience" in caught.value.fields
    with pytest.raises(IntegrityError), transaction.atomic():
        Marking.objects.create(owner=world.ncb_ke, tlp="red", audience="everyone")


def test_check_marking_lists_every_bad_field(world: Any) -> None:
    spec = MarkingSpec(
        owner=world.ncb_ke,
        tlp="purple",
        audience="recipients",
        source_reliability="Z",
        info_credibility="9",
        review_at=datetime.date(2000, 1, 1),
    )
    with pytest.raises(InvalidInput) as caught:
        check_marking(spec)
    assert set(caught.value.fields) == {
        "tlp",
        "recipients",
        "source_reliability",
        "info_credibility",
        "review_at",
    }


def test_only_operational_users_of_the_owner_agency_create_markings(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        create_marking(world.outsider, MarkingSpec(owner=world.ncb_ke))
    with pytest.raises(PermissionDenied):
        create_marking(world.auditor, MarkingSpec(owner=world.gs))


def test_preview_resolves_the_audience_to_concrete_agencies(world: Any) -> None:
    members = preview_recipients(MarkingSpec(owner=world.ncb_ke, audience="members", tlp="green"))
    codes = set(members.values_list("code", flat=True))
    assert {"NCB-KE", "NCB-NG", "GS"} <= codes and "P-TEST" not in codes
    everyone = set(
        preview_recipients(MarkingSpec(owner=world.ncb_ke, audience="everyone", tlp="clear")).values_list(
            "code", flat=True
        )
    )
    assert "P-TEST" in everyone
    named = preview_recipients(
        MarkingSpec(owner=world.ncb_ke, audience="recipients", recipients=[world.ncb_ng])
    )
    assert list(named.values_list("code", flat=True)) == ["NCB-KE", "NCB-NG"]


def test_release_records_the_resolved_recipients_in_the_audit_log(world: Any) -> None:
    from lockstep.audit.models import AuditEvent

    marking = _marking(world, audience="recipients", recipients=[world.ncb_ng])
    codes = release(world.owner, marking, world.ncb_ke)
    event = AuditEvent.objects.get(action="marking.released")
    assert event.details["recipients"] == codes == ["NCB-KE", "NCB-NG"]


def test_onward_sharing_and_export_follow_tlp_and_handling(world: Any) -> None:
    strict = _marking(world, tlp="amber+strict", audience="members")
    assert can(world.outsider, "marking.view", strict)
    assert not can(world.outsider, "marking.share_onward", strict)
    assert can(world.owner, "marking.share_onward", strict)
    red = _marking(world, tlp="red", audience="recipients", recipients=[world.ncb_ng])
    assert not can(world.outsider, "marking.export", red)
    assert not can(world.owner, "marking.export", red)
    held = _marking(world, tlp="green", audience="members", no_onward_dissemination=True)
    assert not can(world.outsider, "marking.export", held)
    assert not can(world.outsider, "marking.share_onward", held)
    assert can(world.outsider, "marking.export", _marking(world, tlp="green", audience="members"))


def test_only_the_owner_agency_changes_a_marking(world: Any) -> None:
    marking = _marking(world, audience="members", tlp="green")
    assert can(world.colleague, "marking.change", marking)
    assert not can(world.outsider, "marking.change", marking)
    assert not can(world.reviewer, "marking.change", marking)


def test_unknown_actions_fail_closed(world: Any) -> None:
    with pytest.raises(KeyError):
        can(world.owner, "marking.teleport", None)


def test_a_partner_previewing_sees_the_count_but_not_the_member_directory(world: Any, client: Any) -> None:
    from lockstep.accounts.services import create_token

    token = create_token(None, world.partner, name="t", scope="read-write", days=1)[1]
    response = client.post(
        "/api/v1/policy/preview-recipients",
        {"tlp": "green", "audience": "members"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    body = response.json()
    assert body["count"] >= 3
    assert {agency["code"] for agency in body["recipients"]} <= {"P-TEST", "GS"}


def test_the_preview_accepts_credibility_as_a_number(world: Any, client: Any) -> None:
    from lockstep.accounts.services import create_token

    token = create_token(None, world.owner, name="t", scope="read-write", days=1)[1]
    response = client.post(
        "/api/v1/policy/preview-recipients",
        {"tlp": "amber", "audience": "recipients", "recipients": ["ncb-ng"], "info_credibility": 2},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    assert [agency["code"] for agency in response.json()["recipients"]] == ["NCB-KE", "NCB-NG"]


def test_visible_among_answers_as_the_query_does(world: Any) -> None:
    from lockstep.policy.rules import visible_among

    africa = Community.objects.create(
        code="AF", name="Africa", kind="region", region="africa", owner=world.gs
    )
    markings = [
        _marking(world, audience="owner"),
        _marking(world, audience="recipients", recipients=[world.ncb_ng]),
        _marking(world, audience="community", community=africa),
        _marking(world, audience="members", tlp="green"),
        _marking(world, audience="everyone", tlp="clear"),
        create_marking(world.outsider, MarkingSpec(owner=world.ncb_ng, audience="owner")),
    ]
    rows = [(m.pk, m.owner_id, m.audience) for m in markings]
    for user in (world.owner, world.outsider, world.reviewer, world.partner, world.auditor, world.admin):
        expected = set(
            Marking.objects.visible_to(user)
            .filter(pk__in=[m.pk for m in markings])
            .values_list("pk", flat=True)
        )
        assert visible_among(user, rows) == expected, user.username
    assert visible_among(world.outsider, rows) == {m.pk for m in markings[1:]}
