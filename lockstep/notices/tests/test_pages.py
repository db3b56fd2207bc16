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


RED_PAGE = {  # a complete Red notice request, as the page posts it
    "kind": "notice",
    "title": "Wanted",
    "language": "en",
    "d_purpose": "prosecution",
    "d_charge": "Fraud",
    "d_facts": "Call centre",
    "d_applicable_law": "CMCA 2018 s. 26",
    "d_warrant_reference": "CM 112/2026",
    "d_max_penalty_years": "10",
}


def _subjects(*subjects: dict[str, str]) -> dict[str, str]:
    """The subject forms of the request page (a Django formset) as posted."""
    data = {"subjects-TOTAL_FORMS": str(len(subjects)), "subjects-INITIAL_FORMS": "0"}
    for index, subject in enumerate(subjects):
        data.update({f"subjects-{index}-{key}": value for key, value in subject.items()})
    return data


def test_a_request_holds_several_subjects_in_several_scripts(world: Any) -> None:
    client = verified_client(Client(), world.owner)
    fields = {**RED_PAGE, "title": "Investment fraud ring"}
    first = {
        "kind": "person",
        "status": "suspect",
        "names": "محمد عبد الرحمن\nMohamed Abdel Rahman",
        "birth_year": "1979",
    }
    second = {
        "kind": "person",
        "names": "Щукин Евгений\nYevgeniy Shchukin",
        "nationalities": "ru, ua",
        "documents": "passport 72 1234567 RU",
    }
    grown = client.post("/notices/new/red/", {**fields, **_subjects(first), "add_subject": "1"})
    page = grown.content.decode()
    assert grown.status_code == 200 and not Notice.objects.exists()  # one more subject form, nothing saved
    assert 'name="subjects-1-names"' in page and "Mohamed Abdel Rahman" in page
    created = client.post("/notices/new/red/", {**fields, **_subjects(first, second, {"kind": "person"})})
    assert created.status_code == 302, created.content.decode()[:3000]
    notice = Notice.objects.get()
    people = list(notice.subjects.order_by("pk"))
    assert len(people) == 2  # the third form was left empty
    assert [n.name for n in people[0].names.all()] == ["محمد عبد الرحمن", "Mohamed Abdel Rahman"]
    assert people[0].birth_year == 1979 and people[0].status == "suspect"
    assert people[1].nationalities == ["RU", "UA"]
    assert people[1].documents == [{"type": "passport", "number": "72 1234567", "country": "RU"}]


def test_a_service_error_on_the_second_subject_is_shown_on_it(world: Any) -> None:
    client = verified_client(Client(), world.owner)
    refused = client.post(
        "/notices/new/red/",
        {
            **RED_PAGE,
            **_subjects(
                {"kind": "person", "names": "Ivan Petrov"}, {"kind": "person", "description": "no name"}
            ),
        },
    )
    page = refused.content.decode()
    assert refused.status_code == 200 and not Notice.objects.exists()
    second = page.split('id="subject-2"')[1].split("</fieldset>")[0]
    assert "subjects[1].names" in second


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
            **_subjects({"kind": "person"}),
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
            **_subjects({"kind": "entity", "names": "Fake Wallet Ltd"}),
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
            **_subjects({"kind": "person"}),
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


def test_the_subject_forms_survive_odd_counts_and_errors_land_on_the_right_form(world: Any) -> None:
    client = verified_client(Client(), world.owner)
    odd = client.post("/notices/new/red/", {**RED_PAGE, "subjects-TOTAL_FORMS": "abc", "add_subject": "1"})
    assert odd.status_code == 200
    refused = client.post(
        "/notices/new/red/",
        {
            **RED_PAGE,
            **_subjects(
                {"kind": "person"},
                {"kind": "person", "names": ""},
                {"kind": "person", "description": "no name"},
            ),
        },
    )
    page = refused.content.decode()
    assert refused.status_code == 200 and not Notice.objects.exists()
    third = page.split('id="subject-3"')[1].split("</fieldset>")[0]
    assert "subjects[0].names" in third  # the first subject filled in is on the third form
