"""A subject's photo: checked and re-encoded (no metadata kept), shown and served only to who may see the
notice in full, printed, exported and imported."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from conftest import verified_client
from lockstep.errors import InvalidInput
from lockstep.notices import photos, printing, services
from lockstep.notices.models import Notice
from lockstep.notices.tests.helpers import published as publish
from lockstep.notices.tests.test_pages import RED_PAGE, _subjects
from lockstep.notices.tests.test_workflow import RED
from lockstep.notices.transfer import export_lines, import_lines

pytestmark = pytest.mark.django_db


def _image(kind: str = "JPEG", size: tuple[int, int] = (600, 800), exif: bool = False) -> bytes:
    picture = Image.new("RGB", size, (120, 90, 60))
    out = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "SpyCam Ltd"  # Make
        tags[0x8825] = {1: "N", 2: (1.0, 17.0, 0.0)}  # GPS
        picture.save(out, format=kind, exif=tags)
    else:
        picture.save(out, format=kind)
    return out.getvalue()


def test_a_photo_is_re_encoded_without_its_metadata_and_bounded() -> None:
    original = _image(exif=True, size=(3000, 2000))
    assert b"SpyCam" in original
    kept = photos.clean_photo(original)
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "JPEG" and max(image.size) == photos.SIDE
        assert not image.getexif()
    assert b"SpyCam" not in kept
    assert photos.clean_photo(_image("PNG", (50, 40)))[:3] == b"\xff\xd8\xff"  # a PNG is kept as JPEG


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not an image at all", "not a readable image"),
        (_image("GIF", (10, 10)), "JPEG, PNG or WebP"),
        (b"\xff\xd8\xff" + b"0" * (photos.MAX_BYTES + 1), "at most 5 MB"),
    ],
)
def test_what_is_not_a_photo_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        photos.clean_photo(data)


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    bomb = _image("PNG", (8000, 6000))  # one colour: a few kilobytes that would decode to 144 MB
    assert len(bomb) < 1_000_000
    with pytest.raises(InvalidInput, match="too many pixels"):
        photos.clean_photo(bomb)


@pytest.fixture
def published(world: Any) -> Notice:
    return publish(
        world,
        type="red",
        title="Wanted with photo",
        details=RED,
        subjects=[{"kind": "person", "names": ["Ivan Petrov"], "photo": base64.b64encode(_image()).decode()}],
    )


def test_the_photo_is_shown_served_and_printed(world: Any, published: Notice) -> None:
    subject = published.subjects.get()
    client = verified_client(Client(), world.outsider)
    page = client.get(f"/notices/{published.reference}/").content.decode()
    url = f"/notices/{published.reference}/subjects/{subject.pk}/photo/"
    assert f'src="{url}"' in page
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served.content == bytes(subject.photo) and "no-store" in served["Cache-Control"]
    api = client.get(f"/api/v1/notices/{published.reference}").json()
    assert api["subjects"][0]["photo"] == f"/api/v1/notices/{published.reference}/subjects/{subject.pk}/photo"
    assert client.get(api["subjects"][0]["photo"]).content == bytes(subject.photo)
    reader = PdfReader(io.BytesIO(printing.print_notice(world.outsider, published.reference)[1]))
    assert len(reader.pages[0].images) == 1
    services.withdraw_notice(world.owner, published, "arrested")
    assert client.get(url).status_code == 404  # a tombstone shows no photo


def test_an_upload_through_the_page_is_stored_re_encoded(world: Any) -> None:
    client = verified_client(Client(), world.owner)
    upload = SimpleUploadedFile("face.png", _image("PNG", (300, 400)), content_type="image/png")
    created = client.post(
        "/notices/new/red/",
        {**RED_PAGE, **_subjects({"kind": "person", "names": "Ivan Petrov"}), "subjects-0-photo": upload},
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    subject = Notice.objects.get().subjects.get()
    assert bytes(subject.photo)[:3] == b"\xff\xd8\xff"
    junk = SimpleUploadedFile("face.png", b"<script>alert(1)</script>", content_type="image/png")
    refused = client.post(
        "/notices/new/red/",
        {**RED_PAGE, **_subjects({"kind": "person", "names": "Other"}), "subjects-0-photo": junk},
    )
    assert refused.status_code == 200 and "not a readable image" in refused.content.decode()
    assert Notice.objects.count() == 1  # nothing of the refused request was stored


def test_the_photo_travels_in_the_json_lines(world: Any, published: Notice) -> None:
    line = json.loads(next(export_lines(world.owner, [published])))
    assert base64.b64decode(line["subjects"][0]["photo"]) == bytes(published.subjects.get().photo)
    imported = import_lines(world.owner, [json.dumps(line)])
    assert bytes(imported[0].subjects.get().photo)[:3] == b"\xff\xd8\xff"


def test_a_comment_goes_and_a_turned_photo_is_set_upright() -> None:
    picture, out = Image.new("RGB", (300, 200), "red"), io.BytesIO()
    tags = Image.Exif()
    tags[0x0112] = 6  # orientation: turn 90 degrees to show
    picture.save(out, format="JPEG", comment=b"SECRET-COMMENT", exif=tags)
    kept = photos.clean_photo(out.getvalue())
    assert b"SECRET-COMMENT" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.size == (200, 300)


def test_photo_and_pdf_are_never_cached(world: Any, published: Notice) -> None:
    client = verified_client(Client(), world.outsider)
    subject = published.subjects.get()
    for url in (
        f"/api/v1/notices/{published.reference}/subjects/{subject.pk}/photo",
        f"/api/v1/notices/{published.reference}/pdf",
        f"/notices/{published.reference}/pdf/",
    ):
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], url
