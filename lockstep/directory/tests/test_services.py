"""Directory services: agency rules, users and roles, contact points; each change audited, bad input refused."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lockstep.alerts.models import Notification
from lockstep.audit.models import AuditEvent
from lockstep.directory import services
from lockstep.directory.models import Agency, ContactPoint, Country, User
from lockstep.errors import Conflict, InvalidInput, PermissionDenied


def test_a_gs_admin_onboards_an_agency_and_it_is_audited(world: Any) -> None:
    agency = services.onboard_agency(
        world.gs_admin, code="NCB-PE", name="NCB Lima", kind="ncb", country=Country.objects.get(code="PE")
    )
    event = AuditEvent.objects.get(action="agency.created")
    assert event.target_id == str(agency.pk) and event.actor == world.gs_admin
    assert event.details["code"] == "NCB-PE"


def test_agency_admins_of_a_country_cannot_onboard_agencies(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.onboard_agency(
            world.admin, code="NCB-PE", name="x", kind="ncb", country=Country.objects.get(code="PE")
        )
    assert not Agency.objects.filter(code="NCB-PE").exists()


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"code": "NCB-KE2", "kind": "ncb", "country": "KE"}, "country"),  # second NCB for Kenya
        ({"code": "NCB-KP", "kind": "ncb", "country": "KP"}, "country"),  # not a member country
        ({"code": "GS2", "kind": "general_secretariat", "country": None}, "kind"),
        ({"code": "P-X", "kind": "partner", "country": None}, "agreement_reference"),
        ({"code": "bad code", "kind": "national_unit", "country": "KE"}, "code"),
        ({"code": "UNIT-X", "kind": "national_unit", "country": None}, "country"),
        ({"code": "NCB-KE", "kind": "national_unit", "country": "KE"}, "code"),  # code taken
    ],
)
def test_agency_rules_are_enforced_with_a_field_error(
    world: Any, fields: dict[str, Any], bad_field: str
) -> None:
    country = Country.objects.get(code=fields["country"]) if fields["country"] else None
    before = Agency.objects.count()
    with pytest.raises(InvalidInput) as caught:
        services.onboard_agency(None, name="x", **{**fields, "country": country})
    assert bad_field in caught.value.fields
    assert Agency.objects.count() == before


def test_the_database_also_refuses_a_second_ncb_or_gs(world: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(code="NCB-KE-2", name="x", kind="ncb", country_id="KE")
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(code="GS-2", name="x", kind="general_secretariat")


def test_the_general_secretariat_cannot_change_kind(world: Any) -> None:
    with pytest.raises(Conflict):
        services.update_agency(world.gs_admin, world.gs, kind="regional_body")


def test_update_agency_records_what_changed(world: Any) -> None:
    services.update_agency(world.gs_admin, world.ncb_ng, name="NCB Abuja")
    event = AuditEvent.objects.get(action="agency.updated")
    assert event.details["changed"] == {"name": ["Agency NCB-NG", "NCB Abuja"]}


def test_an_agency_admin_creates_users_of_its_own_agency_only(world: Any) -> None:
    user = services.create_user(
        world.admin,
        username="ke.new",
        agency=world.ncb_ke,
        roles=["analyst"],
        password="a-long-enough-passphrase",
    )
    assert user.roles == {"analyst"} and user.check_password("a-long-enough-passphrase")
    assert AuditEvent.objects.filter(action="user.created", target_id=str(user.pk)).exists()
    assert Notification.objects.filter(user=user, kind="account").exists()
    with pytest.raises(PermissionDenied):
        services.create_user(
            world.admin,
            username="ng.new",
            agency=world.ncb_ng,
            roles=["officer"],
            password="a-long-enough-passphrase",
        )


@pytest.mark.parametrize(
    ("roles", "agency_attr"),
    [
        (["reviewer"], "ncb_ke"),  # reviewers are GS only
        (["supervisor"], "partner_agency"),  # partners: officer, analyst, admin
        (["wizard"], "ncb_ke"),
        ([], "ncb_ke"),
    ],
)
def test_role_rules(world: Any, roles: list[str], agency_attr: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.create_user(
            None,
            username="x.user",
            agency=getattr(world, agency_attr),
            roles=roles,
            password="a-long-enough-passphrase",
        )
    assert "roles" in caught.value.fields
    assert not User.objects.filter(username="x.user").exists()


def test_weak_passwords_and_taken_names_are_refused(world: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.create_user(None, username="Owner", agency=world.ncb_ke, roles=["officer"], password="123")
    assert {"username", "password"} <= set(caught.value.fields)


def test_set_roles_is_audited_and_an_admin_keeps_its_own_admin_role(world: Any) -> None:
    services.set_roles(world.admin, world.owner, ["officer", "supervisor"])
    world.owner.refresh_from_db()
    assert User.objects.get(pk=world.owner.pk).roles == {"officer", "supervisor"}
    event = AuditEvent.objects.get(action="user.roles_changed")
    assert event.details == {"before": ["officer"], "after": ["officer", "supervisor"]}
    with pytest.raises(Conflict):
        services.set_roles(world.admin, world.admin, ["officer"])


def test_deactivation_and_second_factor_reset(world: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.owner, name="phone")
    assert services.reset_second_factor(world.admin, world.owner) == 1
    assert not TOTPDevice.objects.filter(user=world.owner).exists()
    services.set_active(world.admin, world.owner, False)
    assert not User.objects.get(pk=world.owner.pk).is_active
    assert {"user.second_factor_reset", "user.deactivated"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    with pytest.raises(Conflict):
        services.set_active(world.admin, world.admin, False)


def test_contact_points_are_managed_by_their_agency(world: Any) -> None:
    fields = {"channel": "phone", "address": "+254 20 000 0000", "hours": "24/7", "languages": "en, SW"}
    contact = services.save_contact_point(world.admin, world.ncb_ke, dict(fields))
    assert contact.languages == "en,sw" and contact.country_id == "KE"
    with pytest.raises(PermissionDenied):
        services.save_contact_point(world.outsider, world.ncb_ke, dict(fields))
    with pytest.raises(InvalidInput) as caught:
        services.save_contact_point(
            world.admin, world.ncb_ke, {**fields, "languages": "english", "channel": "pigeon"}
        )
    assert {"languages", "channel"} <= set(caught.value.fields)
    services.delete_contact_point(world.admin, contact)
    assert not ContactPoint.objects.exists()
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "contact_point.created",
        "contact_point.deleted",
    ]


def test_a_partner_whose_agreement_expired_cannot_act(world: Any) -> None:
    from lockstep.policy.rules import is_active_actor

    assert is_active_actor(world.partner)
    world.partner_agency.agreement_expires_on = timezone.now().date() - datetime.timedelta(days=1)
    world.partner_agency.save()
    partner = User.objects.select_related("agency").get(pk=world.partner.pk)
    assert not partner.agency.can_act()
    assert not is_active_actor(partner)
    assert not Agency.objects.active().filter(pk=world.partner_agency.pk).exists()


def test_only_gs_administrators_grant_the_auditor_and_reviewer_roles(world: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.create_user(
            world.admin,
            username="ke.aud",
            agency=world.ncb_ke,
            roles=["auditor"],
            password="a-long-enough-passphrase",
        )
    assert "roles" in caught.value.fields
    with pytest.raises(InvalidInput):
        services.set_roles(world.admin, world.admin, ["agency_admin", "auditor"])
    assert "auditor" not in User.objects.get(pk=world.admin.pk).roles
    services.set_roles(world.gs_admin, world.owner, ["officer", "auditor"])
    assert User.objects.get(pk=world.owner.pk).roles == {"officer", "auditor"}
    # Keeping a role one already holds is not granting it.
    services.set_roles(world.admin, User.objects.get(pk=world.owner.pk), ["auditor"])


def test_an_auditor_outside_the_gs_oversees_only_its_own_agency(world: Any) -> None:
    from lockstep.policy.rules import audit_scope

    services.set_roles(world.gs_admin, world.colleague, ["auditor"])
    assert audit_scope(User.objects.get(pk=world.colleague.pk)) == "agency"
    assert audit_scope(world.auditor) == "all"  # the GS's auditor


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"channel": "email", "address": "not-an-email"}, "address"),
        ({"channel": "phone", "address": "call me maybe"}, "address"),
        ({"channel": "fax", "address": "+1 2"}, "address"),
        ({"channel": "phone", "address": "+254 20 000 0000", "country": "FR"}, "country"),
    ],
)
def test_contact_point_values_are_checked(world: Any, fields: dict[str, Any], bad: str) -> None:
    data = {"hours": "24/7", "languages": "en", **fields}
    if "country" in data:
        data["country"] = Country.objects.get(code=data["country"])
    with pytest.raises(InvalidInput) as caught:
        services.save_contact_point(world.admin, world.ncb_ke, data)
    assert bad in caught.value.fields
    assert not ContactPoint.objects.exists()


def test_a_regional_body_may_give_contact_points_for_several_countries(world: Any) -> None:
    from lockstep.directory.tests.factories import AgencyFactory

    afripol = AgencyFactory(code="AFRIPOL", kind="regional_body", country_id=None, region="africa")
    for code in ("KE", "NG"):
        services.save_contact_point(
            None,
            afripol,
            {
                "channel": "email",
                "address": "247@afripol.example",
                "languages": "en,fr",
                "country": Country.objects.get(code=code),
            },
        )
    assert ContactPoint.objects.filter(agency=afripol).count() == 2
