"""The exchange pages: import with a preview before anything is stored, export links, partner sources."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import verified_client
from lockstep.exchange.models import Source, SourcePull
from lockstep.exchange.tests.helpers import DATA
from lockstep.intel.models import Report
from lockstep.intel.tests.helpers import submit

pytestmark = pytest.mark.django_db


def _upload(client: Client, name: str, content: bytes, **fields: Any) -> Any:
    data = {
        "format": "auto",
        "tlp": "amber",
        "audience": "members",
        "file": SimpleUploadedFile(name, content),
    }
    return client.post("/exchange/import/", {**data, **fields})


def test_a_misp_file_is_previewed_with_its_marking_then_imported_on_confirm(world: Any) -> None:
    client = verified_client(Client(), world.owner)
    preview = _upload(client, "event.json", (DATA / "misp_event.json").read_bytes())
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Fake parcel-delivery SMS campaign" in page and "B2" in page and "amber" in page
    assert not Report.objects.exists()  # nothing stored before the confirmation
    done = client.post("/exchange/import/confirm/")
    report = Report.objects.get(owner=world.ncb_ke)
    assert done.status_code == 302 and done["Location"] == f"/intel/reports/{report.reference}/"
    assert report.observables.count() == 13
    again = client.post("/exchange/import/confirm/")  # the upload was used up
    assert again.status_code == 302 and again["Location"] == "/exchange/import/"


def test_a_bad_file_shows_its_errors_on_the_form(world: Any) -> None:
    response = _upload(
        verified_client(Client(), world.owner), "bundle.json", b'{"type": "bundle", "objects": []}'
    )
    assert response.status_code == 200 and "The bundle holds no objects." in response.content.decode()
    assert not Report.objects.exists()


def test_an_address_on_the_servers_own_network_is_not_fetched(world: Any) -> None:
    client = verified_client(Client(), world.owner)
    data = {"format": "auto", "tlp": "amber", "audience": "members", "url": "http://127.0.0.1:5432/"}
    response = client.post("/exchange/import/", data)
    assert response.status_code == 200 and "private or local address" in response.content.decode()


def test_a_csv_file_shows_its_first_rows_then_imports(world: Any) -> None:
    client = verified_client(Client(), world.owner)
    csv = b"case,kind,value\nCASE-9,domain,page-csv.top\nCASE-9,ipv4,198.51.100.9\n"
    preview = _upload(client, "rows.csv", csv, mapping="case=report\nkind=type")
    assert preview.status_code == 200 and "page-csv.top" in preview.content.decode()
    client.post("/exchange/import/confirm/")
    report = Report.objects.get(owner=world.ncb_ke, external_ref="CASE-9")
    assert report.observables.count() == 2


def test_a_report_page_offers_its_export_and_the_file_comes_back(world: Any) -> None:
    reference = submit(world.owner, [("domain", "export-page.top")]).report.reference
    client = verified_client(Client(), world.outsider)
    page = client.get(f"/intel/reports/{reference}/").content.decode()
    assert f"/exchange/reports/{reference}/export/misp/" in page
    exported = client.get(f"/exchange/reports/{reference}/export/csv/")
    assert exported.status_code == 200 and b"export-page.top" in exported.content


def test_an_agency_admin_adds_a_source_and_queues_a_pull(world: Any) -> None:
    client = verified_client(Client(), world.admin)
    saved = client.post(
        "/exchange/sources/new/",
        {
            "name": "cert-list",
            "kind": "text",
            "url": "https://cert.example/list.txt",
            "value_type": "domain",
            "run_as": world.owner.pk,
            "tlp": "green",
            "audience": "members",
            "source_reliability": "B",
            "info_credibility": "2",
            "every_minutes": 30,
            "enabled": "on",
            "secret": "api-key",
            "columns": "indicator=value\nkind=type",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    source = Source.objects.get(name="cert-list")
    assert source.agency == world.ncb_ke and source.secret and source.secret != "api-key"
    assert source.mapping == {"indicator": "value", "kind": "type"}
    assert "indicator=value" in client.get("/exchange/sources/cert-list/").content.decode()
    listing = client.get("/exchange/sources/").content.decode()
    assert "cert-list" in listing and "never" in listing
    client.post("/exchange/sources/cert-list/pull/")
    assert SourcePull.objects.filter(source=source, status="queued").count() == 1
    client.post("/exchange/sources/cert-list/pull/")  # already queued: not twice
    assert SourcePull.objects.filter(source=source).count() == 1
    client.post("/exchange/sources/cert-list/delete/")
    assert not Source.objects.filter(name="cert-list").exists()
    refused = client.post(
        "/exchange/sources/new/", {"name": "bad", "kind": "text", "url": "", "run_as": world.owner.pk}
    )
    assert refused.status_code == 200 and not Source.objects.filter(name="bad").exists()


def test_a_lookup_result_and_a_page_of_reports_export_as_one_file(world: Any) -> None:
    first = submit(world.owner, [("domain", "looked-up.top")]).report
    second = submit(world.outsider, [("domain", "looked-up.top")]).report
    client = verified_client(Client(), world.owner)
    found = client.post("/intel/lookup/", {"values": "looked-up.top"}).content.decode()
    assert 'id="export-many"' in found and second.reference in found
    listing = client.get("/intel/reports/").content.decode()
    assert f'name="references" value="{first.reference}"' in listing
    exported = client.post(
        "/exchange/export/", {"references": [first.reference, second.reference], "format": "misp"}
    )
    assert exported.status_code == 200
    events = exported.json()
    assert {event["Event"]["info"] for event in events} == {first.title, second.title} or len(events) == 2
