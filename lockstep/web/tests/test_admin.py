"""The admin: GS administrators only, and every change there is audited, library models included."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.test import Client

from conftest import verified_client
from lockstep.audit.models import AuditEvent
from lockstep.web.admin_audit import AuditedModelAdmin


def test_every_registered_model_admin_is_audited() -> None:
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedModelAdmin)
    ]
    assert unaudited == []


def test_an_agency_change_in_the_admin_is_audited(world: Any, client: Client) -> None:
    verified_client(client, world.gs_admin)
    url = f"/admin/directory/agency/{world.ncb_ng.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "name": "NCB Abuja (renamed)",
            "kind": "ncb",
            "country": "NG",
            "created_at_0": "2026-01-01",
            "created_at_1": "00:00:00",
            "contact_points-TOTAL_FORMS": "0",
            "contact_points-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    event = AuditEvent.objects.get(action="admin.agency.changed")
    assert event.actor == world.gs_admin and "name" in event.details["fields"]


def test_the_audit_log_cannot_be_edited_in_the_admin(world: Any, client: Client) -> None:
    from lockstep.audit.services import record

    event = record(world.owner, "test.one")
    verified_client(client, world.gs_admin)
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_admin_applies_the_agency_rules(world: Any, client: Client) -> None:
    from lockstep.directory.models import Agency

    verified_client(client, world.gs_admin)
    response = client.post(
        "/admin/directory/agency/add/",
        {
            "code": "NCB-KP",
            "name": "x",
            "kind": "ncb",
            "country": "KP",
            "is_active": "on",
            "created_at_0": "2026-01-01",
            "created_at_1": "00:00:00",
            "contact_points-TOTAL_FORMS": "0",
            "contact_points-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Only member countries have a National Central Bureau." in response.content.decode()
    assert not Agency.objects.filter(code="NCB-KP").exists()


def test_the_admin_applies_the_role_rules(world: Any, client: Client) -> None:
    verified_client(client, world.gs_admin)
    url = f"/admin/directory/user/{world.partner.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update(
        {
            "agency": world.partner_agency.pk,
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "role_grants-TOTAL_FORMS": "1",
            "role_grants-INITIAL_FORMS": "0",
            "role_grants-0-role": "auditor",
            "role_grants-0-granted_at_0": "2026-01-01",
            "role_grants-0-granted_at_1": "00:00:00",
        }
    )
    data.pop("password", None)
    data.pop("groups", None)
    data.pop("user_permissions", None)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Partner users can be officers, analysts or agency administrators." in response.content.decode()
    assert world.partner.role_grants.filter(role="auditor").count() == 0


def test_second_factor_devices_are_not_editable_in_the_admin() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert TOTPDevice not in admin.site._registry
