"""Shared test set-up: personas, fast password hashing, a private node key, and Chromium for Playwright."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow its ORM there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def node_key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("node") / "node_key.pem"


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, node_key_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LOCKSTEP_NODE_KEY = node_key_path
    settings.LOCKSTEP_DEMO = False


@dataclass
class World:
    """The personas every endpoint test uses."""

    owner: Any  # officer of NCB-KE: owns the objects under test
    colleague: Any  # another officer of NCB-KE
    outsider: Any  # officer of another country (NCB-NG)
    reviewer: Any  # GS reviewer
    partner: Any  # analyst of a private partner
    admin: Any  # agency administrator of NCB-KE
    gs_admin: Any  # GS agency administrator
    auditor: Any  # oversight auditor
    ncb_ke: Any
    ncb_ng: Any
    gs: Any
    partner_agency: Any


@pytest.fixture
def world(db: None) -> World:
    from lockstep.directory.tests.factories import AgencyFactory, UserFactory, ensure_base_data

    gs = ensure_base_data()
    ncb_ke = AgencyFactory(code="NCB-KE", kind="ncb", country_id="KE")
    ncb_ng = AgencyFactory(code="NCB-NG", kind="ncb", country_id="NG")
    partner_agency = AgencyFactory.partner(code="P-TEST")
    return World(
        owner=UserFactory(username="owner", agency=ncb_ke, roles=["officer"]),
        colleague=UserFactory(username="colleague", agency=ncb_ke, roles=["officer"]),
        outsider=UserFactory(username="outsider", agency=ncb_ng, roles=["officer"]),
        reviewer=UserFactory(username="reviewer", agency=gs, roles=["reviewer", "analyst"]),
        partner=UserFactory(username="partner", agency=partner_agency, roles=["analyst"]),
        admin=UserFactory(username="ke-admin", agency=ncb_ke, roles=["agency_admin"]),
        gs_admin=UserFactory(username="gs-admin", agency=gs, roles=["agency_admin"], is_staff=True),
        auditor=UserFactory(username="auditor", agency=gs, roles=["auditor"]),
        ncb_ke=ncb_ke,
        ncb_ng=ncb_ng,
        gs=gs,
        partner_agency=partner_agency,
    )


def verified_client(client: Any, user: Any) -> Any:
    """A test client signed in as ``user`` who has passed the second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client
