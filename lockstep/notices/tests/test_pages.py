"""The notice pages: one form per type with the service's errors on its fields, the detail with its actions
and history, the GS queue with the 24-hour target, tombstones."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import verified_client
from lockstep.directory.tests.factories import UserFactory
from lockstep.notices.models import Notice

pytestmark = pytest.mark.django_db


def test_each_type_has_its_form_and_missing_fields_are_shown_on_them(world: Any) -> None:
    client = verified_client(Client(), world.owner)
    for notice_type in (
        "red",
        "yellow",
        "blue",
        "black",
        "green",
        "orange",
        "purple",
        "silver",
        "un_special",
    ):
        assert client.get(f"/notices/new/{notice_type}/").status_code == 200
    page = client.get("/notices/new/red/").content.decode()
    assert 'name="d_warrant_reference"' in page and 'name="d_modus_operandi"' not in page
    refused = client.post(
        "/notices/new/red/",
        {
            "kind": "notice",
            "title": "Wanted",
            "language": "en",
            "subject_kind": "person",
            "d_purpose": "prosecution",
        },
    )
    body = refused.content.decode()
    assert refused.status_code == 200 and "details.charge" in body and not Notice.objects.exists()
    assert client.get("/notices/new/teal/").status_code == 404


def test_from_draft_to_publication_through_the_pages(world: Any) -> None:
    owner = verified_client(Client(), world.owner)
    created = owner.post(
        "/notices/new/purple/",
        {
            "kind": "notice",
            "title": "USDT approval scam",
            "language": "en",
            "subject_kind": "entity",
            "names": "Fake Wallet Ltd",
            "d_modus_operandi": "allowance then drain",
            "d_prevention": "revoke allowances",
            "observables": "eth:0x52908400098527886E0F7030069857D2E4169EE7",
        },
    )
    notice = Notice.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/notices/{notice.reference}/"
    assert notice.report is not None and notice.subjects.get().names.get().name == "Fake Wallet Ltd"
    owner.post(f"/notices/{notice.reference}/ask/")
    supervisor = UserFactory(username="ke-sup", agency=world.ncb_ke, roles=["supervisor"])
    verified_client(Client(), supervisor).post(f"/notices/{notice.reference}/approve/")
    notice.refresh_from_db()
    assert notice.status == "in_review"
    Notice.objects.filter(pk=notice.pk).update(submitted_at=timezone.now() - datetime.timedelta(hours=30))
    reviewer = verified_client(Client(), world.reviewer)
    queue = reviewer.get("/notices/review/").content.decode()
    assert notice.reference in queue and "over 24 hours" in queue
    checks = {"neutrality": "on", "human_rights": "on", "data_quality": "on", "eligibility": "on"}
    reviewer.post(f"/notices/{notice.reference}/publish/", checks)
    notice.refresh_from_db()
    assert notice.status == "published"
    seen = verified_client(Client(), world.outsider).get(f"/notices/{notice.reference}/").content.decode()
    assert "USDT approval scam" in seen and "allowance then drain" in seen
    history = owner.get(f"/notices/{notice.reference}/").content.decode()
    assert "notice.published" in history and "notice.approved" in history


def test_a_refusal_needs_its_ground_and_a_withdrawn_notice_is_a_tombstone(world: Any) -> None:
    owner = verified_client(Client(), world.owner)
    owner.post(
        "/notices/new/orange/",
        {
            "kind": "notice",
            "title": "Ransomware wave",
            "language": "en",
            "subject_kind": "person",
            "d_threat": "LockBit affiliates",
            "d_imminence": "this week",
        },
    )
    notice = Notice.objects.get()
    supervisor = UserFactory(username="ke-sup", agency=world.ncb_ke, roles=["supervisor"])
    verified_client(Client(), supervisor).post(f"/notices/{notice.reference}/approve/")
    reviewer = verified_client(Client(), world.reviewer)
    reviewer.post(f"/notices/{notice.reference}/refuse/", {"text": "no ground given"})
    notice.refresh_from_db()
    assert notice.status == "in_review"  # refused without a ground: nothing changed
    reviewer.post(
        f"/notices/{notice.reference}/publish/",
        dict.fromkeys(("neutrality", "human_rights", "data_quality", "eligibility"), "on"),
    )
    owner.post(f"/notices/{notice.reference}/withdraw/", {"reason": "campaign over"})
    tomb = verified_client(Client(), world.outsider).get(f"/notices/{notice.reference}/").content.decode()
    assert "Ransomware wave" not in tomb and "LockBit" not in tomb and "Withdrawn" in tomb
