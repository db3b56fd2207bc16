"""Intel pages beyond the browser test: an uploaded file's observables for review, the report's seen dates."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import verified_client
from lockstep.intel.ingest import Submitted
from lockstep.intel.services import add_observables
from lockstep.intel.tests.helpers import submit


def _extract_upload(client: Client, name: str, content: bytes) -> Any:
    """The submit page's first step with a file and no pasted text."""
    form = {"extract": "1", "title": "Upload", "crime_type": "phishing", "text": ""}
    return client.post("/intel/reports/new/", {**form, "upload": SimpleUploadedFile(name, content)})


def test_an_uploaded_html_file_is_extracted_for_review(world: Any, client: Client) -> None:
    verified_client(client, world.owner)
    page = b"<html><body><p>Kit at <a href='hxxps://login-bank[.]example.net/a'>here</a></p>" + (
        b"<script>var x = '198.51.100.77';</script><p>C2 203.0.113.5</p></body></html>"
    )
    response = _extract_upload(client, "r.html", page)
    assert response.status_code == 200
    listed = sorted(response.context["form"]["observables"].value().splitlines())
    assert listed == ["ipv4 203.0.113.5", "url https://login-bank.example.net/a"]  # not the script's value


def test_an_unreadable_pdf_is_refused_with_a_reason(world: Any, client: Client) -> None:
    verified_client(client, world.owner)
    response = _extract_upload(client, "r.pdf", b"%PDF-1.4 broken")
    assert response.status_code == 400  # the form comes back with the reason
    assert "the PDF could not be read" in str(response.context["form"].errors["upload"])


def test_the_report_page_shows_when_values_were_seen(world: Any, client: Client) -> None:
    report = submit(world.owner, [("domain", "first.example.net")]).report
    seen = datetime.datetime(2026, 3, 14, tzinfo=datetime.UTC)
    add_observables(world.owner, report, [Submitted("ipv4", "198.51.100.9", first_seen=seen, last_seen=seen)])
    verified_client(client, world.outsider)
    content = client.get(f"/intel/reports/{report.reference}/").content.decode()
    assert content.count("2026-03-14") == 2
