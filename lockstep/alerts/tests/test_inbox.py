"""Notifications: to a user or to every user of an agency, read state per user, through the page and the API."""

from __future__ import annotations

from typing import Any

from django.test import Client

from conftest import verified_client
from lockstep.accounts.services import create_token
from lockstep.alerts.models import Notification
from lockstep.alerts.services import mark_all_read, mark_read, notify_agency, notify_user


def test_an_agency_notification_reaches_every_user_of_that_agency_only(world: Any) -> None:
    note = notify_agency(world.ncb_ke, "hit", "A match was found")
    assert Notification.objects.for_user(world.owner).filter(pk=note.pk).exists()
    assert Notification.objects.for_user(world.colleague).filter(pk=note.pk).exists()
    assert not Notification.objects.for_user(world.outsider).filter(pk=note.pk).exists()


def test_read_state_is_per_user(world: Any) -> None:
    note = notify_agency(world.ncb_ke, "hit", "A match was found")
    mark_read(world.owner, note)
    assert not Notification.objects.for_user(world.owner).unread().filter(pk=note.pk).exists()
    assert Notification.objects.for_user(world.colleague).unread().filter(pk=note.pk).exists()


def test_mark_all_read_counts_what_it_marked(world: Any) -> None:
    notify_user(world.owner, "a", "one")
    notify_agency(world.ncb_ke, "b", "two")
    notify_user(world.colleague, "c", "not mine")
    assert mark_all_read(world.owner) == 2
    assert mark_all_read(world.owner) == 0


def test_the_dashboard_shows_the_unread_count(world: Any, client: Client) -> None:
    notify_user(world.owner, "a", "Something for the owner")
    notify_agency(world.ncb_ke, "b", "Something for Kenya")
    page = verified_client(client, world.owner).get("/")
    assert page.context["unread_count"] == 2
    assert "Something for the owner" in page.content.decode()


def test_marking_read_through_htmx_returns_the_updated_item(world: Any, client: Client) -> None:
    note = notify_user(world.owner, "a", "Something")
    response = verified_client(client, world.owner).post(f"/alerts/{note.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="notification-{note.pk}"' in response.content.decode()
    assert "Mark read" not in response.content.decode()


def test_the_api_lists_and_marks_notifications(world: Any, client: Client) -> None:
    note = notify_user(world.owner, "security", "New token")
    token = create_token(None, world.owner, name="t", scope="read-write", days=1)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    inbox = client.get("/api/v1/alerts", **headers).json()
    assert inbox["unread"] == 2  # the token-created notice and this one
    assert note.pk in [item["id"] for item in inbox["notifications"]]
    read = client.post(f"/api/v1/alerts/{note.pk}/read", **headers).json()
    assert read["read"] is True
    assert client.get("/api/v1/alerts?unread=true", **headers).json()["unread"] == 1


def test_each_reader_sees_a_notification_in_their_language(world: Any, client: Client) -> None:
    from django.conf import settings

    from lockstep.directory.services import set_roles

    set_roles(world.admin, world.owner, ["officer", "analyst"])
    verified_client(client, world.owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Vos rôles sont désormais : analyst, officer." in client.get("/alerts/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert "أدوارك الآن: analyst, officer." in client.get("/alerts/").content.decode()


def test_marking_read_updates_the_unread_badge_out_of_band(world: Any, client: Client) -> None:
    first = notify_user(world.owner, "a", "one")
    notify_user(world.owner, "a", "two")
    response = verified_client(client, world.owner).post(f"/alerts/{first.pk}/read/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="unread-badge" hx-swap-oob="true"' in html
    assert ">1</span>" in html
