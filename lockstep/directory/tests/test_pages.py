"""Directory pages: administrators manage their users and contact points; bad input shows errors, stores nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import verified_client
from lockstep.audit.models import AuditEvent
from lockstep.directory.models import ContactPoint, User


def test_an_agency_admin_creates_a_user_through_the_page(world: Any, client: Client) -> None:
    verified_client(client, world.admin)
    response = client.post(
        "/directory/users/new/",
        {"username": "ke.analyst2", "roles": ["analyst"], "password": "a long enough passphrase"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="ke.analyst2")
    assert user.agency == world.ncb_ke and user.roles == {"analyst"}
    assert AuditEvent.objects.filter(action="user.created", actor=world.admin).exists()


def test_a_bad_user_form_shows_errors_and_creates_nothing(world: Any, client: Client) -> None:
    verified_client(client, world.admin)
    response = client.post(
        "/directory/users/new/",
        {"username": "bad name!", "roles": ["officer"], "password": "x"},
    )
    assert response.status_code == 400
    assert {"username", "password"} <= set(response.context["form"].errors)
    assert not User.objects.filter(username="bad name!").exists()


def test_an_agency_admin_is_offered_only_the_roles_it_may_give(world: Any, client: Client) -> None:
    verified_client(client, world.admin)
    offered = {
        value for value, _label in client.get("/directory/users/new/").context["form"].fields["roles"].choices
    }
    assert "reviewer" not in offered and "auditor" not in offered and "officer" in offered
    response = client.post(
        "/directory/users/new/", {"username": "ke.x", "roles": ["auditor"], "password": "x"}
    )
    assert response.status_code == 400 and not User.objects.filter(username="ke.x").exists()


def test_a_gs_admin_picks_the_agency_of_a_new_user(world: Any, client: Client) -> None:
    verified_client(client, world.gs_admin)
    response = client.post(
        "/directory/users/new/",
        {
            "username": "ng.new",
            "agency": world.ncb_ng.pk,
            "roles": ["officer"],
            "password": "a long enough phrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="ng.new").agency == world.ncb_ng


def test_roles_are_changed_on_the_user_page(world: Any, client: Client) -> None:
    verified_client(client, world.admin)
    response = client.post(f"/directory/users/{world.owner.pk}/", {"roles": ["officer", "supervisor"]})
    assert response.status_code == 302
    assert User.objects.get(pk=world.owner.pk).roles == {"officer", "supervisor"}


def test_contact_points_through_the_pages(world: Any, client: Client) -> None:
    verified_client(client, world.admin)
    response = client.post(
        "/directory/agencies/NCB-KE/contact-points/new/",
        {
            "country": "KE",
            "channel": "phone",
            "address": "+254 20 000 0000",
            "hours": "24/7",
            "languages": "en,sw",
        },
    )
    assert response.status_code == 302
    contact = ContactPoint.objects.get()
    bad = client.post(
        f"/directory/contact-points/{contact.pk}/edit/",
        {"country": "KE", "channel": "phone", "address": "+254", "hours": "24/7", "languages": "english"},
    )
    assert bad.status_code == 400 and "languages" in bad.context["form"].errors
    assert ContactPoint.objects.get().languages == "en,sw"
    page = client.get("/directory/agencies/NCB-KE/")
    assert "+254 20 000 0000" in page.content.decode()


def test_the_partner_sees_the_general_secretariat_but_not_the_ncbs(world: Any, client: Client) -> None:
    verified_client(client, world.partner)
    codes = [agency.code for agency in client.get("/directory/agencies/").context["agencies"]]
    assert sorted(codes) == ["GS", "P-TEST"]


def test_countries_filter_by_region(world: Any, client: Client) -> None:
    verified_client(client, world.owner)
    countries = client.get("/directory/countries/?region=mena&member=1").context["countries"]
    codes = {country.code for country in countries}
    assert {"EG", "SA", "PS"} <= codes and "KE" not in codes


def test_the_users_list_is_paged(world: Any, client: Client) -> None:
    from lockstep.directory.tests.factories import UserFactory

    for number in range(60):
        UserFactory(username=f"ke.bulk{number:02d}", agency=world.ncb_ke)
    verified_client(client, world.admin)
    first = client.get("/directory/users/")
    assert len(first.context["users"]) == 50
    second = client.get("/directory/users/?page=2")
    from lockstep.directory.models import User

    assert len(second.context["users"]) == User.objects.filter(agency=world.ncb_ke).count() - 50
