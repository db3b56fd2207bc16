"""A notice's content in several official languages, and its printable version (PDF) in each of them."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from conftest import verified_client
from lockstep.audit.models import AuditEvent
from lockstep.directory.tests.factories import AgencyFactory, UserFactory
from lockstep.errors import Conflict, InvalidInput, PermissionDenied
from lockstep.notices import printing, services
from lockstep.notices.tests.helpers import published
from lockstep.notices.tests.test_workflow import RED

pytestmark = pytest.mark.django_db
needs_fonts = pytest.mark.skipif(
    printing._font("regular") is None or printing._font("cjk") is None,
    reason="the Debian fonts fonts-dejavu-core and fonts-wqy-microhei are not installed (make fonts)",
)
FRENCH = {
    "title": "Escroquerie aux investissements",
    "summary": "Centre d'appels frauduleux.",
    "details": {
        "charge": "Fraude au moyen d'un système informatique",
        "facts": "A escroqué des investisseurs.",
    },
}
ARABIC = {"title": "احتيال استثماري", "details": {"charge": "احتيال بواسطة نظام معلوماتي"}}


@pytest.fixture
def notice(world: Any) -> Any:
    return published(
        world,
        type="red",
        title="Investment fraud call centre",
        summary="A call centre defrauding investors.",
        details=RED,
        subjects=[
            {
                "kind": "person",
                "status": "suspect",
                "names": [
                    {"name": "محمد عبد الرحمن", "script": "Arab"},
                    "Mohamed Abdel Rahman",
                    "张伟",
                    "Щукин",
                ],
                "birth_year": 1979,
                "birth_month": 3,
                "nationalities": ["EG"],
            }
        ],
        translations={"fr": FRENCH},
    )


def _text(body: bytes) -> str:
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    return unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages))


def test_the_content_is_shown_in_each_language_it_holds(world: Any, notice: Any) -> None:
    assert notice.languages == ["en", "fr"]
    assert notice.content("fr")["title"] == FRENCH["title"]
    assert notice.content("fr")["details"]["applicable_law"] == RED["applicable_law"]  # untranslated: kept
    assert notice.content("es")["title"] == notice.title  # not translated into Spanish: its own language
    services.translate_notice(world.reviewer, notice, "ar", ARABIC)  # the GS translates for publication
    notice.refresh_from_db()
    assert notice.languages == ["en", "fr", "ar"]
    event = AuditEvent.objects.filter(action="notice.translated").last()
    assert event.details == {"language": "ar", "replaced": False}
    page = verified_client(Client(), world.outsider).get(f"/notices/{notice.reference}/", {"language": "fr"})
    html = page.content.decode()
    assert FRENCH["title"] in html and "Fraude au moyen" in html
    assert f"/notices/{notice.reference}/pdf/?language=ar" in html


def test_translations_are_checked_and_only_owner_or_gs_give_them(world: Any, notice: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.translate_notice(world.outsider, notice, "es", {"title": "Fraude"})
    with pytest.raises(Conflict, match="General Secretariat translates"):
        services.translate_notice(
            world.owner, notice, "es", {"title": "Fraude"}
        )  # published: reviewed text only
    gs = world.reviewer
    with pytest.raises(InvalidInput, match="another of the four"):
        services.translate_notice(gs, notice, "en", {"title": "Same language"})
    with pytest.raises(InvalidInput, match="another of the four"):
        services.translate_notice(gs, notice, "de", {"title": "Betrug"})
    with pytest.raises(InvalidInput) as caught:
        services.translate_notice(
            gs, notice, "es", {"title": "Fraude", "details": {"max_penalty_years": "9"}}
        )
    assert caught.value.fields == {"details": ["max_penalty_years"]}  # numbers are not translated
    with pytest.raises(InvalidInput, match="title"):
        services.translate_notice(gs, notice, "es", {"title": " "})
    services.translate_notice(gs, notice, "fr", {"title": "Nouveau titre"})
    notice.refresh_from_db()
    assert notice.translations["fr"]["title"] == "Nouveau titre"  # replaced
    services.withdraw_notice(world.owner, notice, "arrested")
    with pytest.raises(Conflict):
        services.translate_notice(gs, notice, "es", {"title": "Fraude"})
    draft = services.draft_notice(
        world.owner, type="purple", title="draft", details={"modus_operandi": "x", "prevention": "y"}
    )
    services.translate_notice(
        world.owner, draft, "es", {"title": "borrador"}
    )  # the requester, while drafting
    with pytest.raises(InvalidInput, match="official languages"):
        services.draft_notice(world.owner, type="red", title="x", details=RED, language="de")


@needs_fonts
def test_the_pdf_holds_the_notice_in_its_language(world: Any, notice: Any) -> None:
    services.translate_notice(world.reviewer, notice, "ar", ARABIC)
    _name, body = printing.print_notice(world.outsider, notice.reference)
    text = _text(body)
    assert notice.reference in text and "Investment fraud call centre" in text
    assert "Summary of the facts" in text and "Ran a call centre" in text  # the field's label and value
    for name in ("محمد عبد الرحمن", "Mohamed Abdel Rahman", "张伟", "Щукин"):
        assert name in text
    assert "1979-03" in text and "TLP:AMBER" in text and "NCB-NG" in text  # printed by whom, how to handle

    name, french = printing.print_notice(world.outsider, notice.reference, "fr")
    assert name == f"{notice.reference}-fr.pdf"
    french_text = _text(french)
    assert FRENCH["title"] in french_text and "Fraude au moyen" in french_text
    assert "Summary of the facts" not in french_text  # the labels are French too

    arabic_text = _text(printing.print_notice(world.outsider, notice.reference, "ar")[1])
    assert ARABIC["title"] in arabic_text and notice.reference in arabic_text
    assert AuditEvent.objects.filter(action="notice.printed").count() == 3


def test_the_pdf_is_refused_for_a_language_it_lacks_a_tombstone_or_an_outsider(
    world: Any, notice: Any
) -> None:
    client = verified_client(Client(), world.outsider)
    assert client.get(f"/notices/{notice.reference}/pdf/", {"language": "es"}).status_code == 400
    response = client.get(f"/notices/{notice.reference}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    diffusion = services.draft_notice(
        world.owner,
        kind="diffusion",
        type="purple",
        title="Only for Ghana",
        details={"modus_operandi": "x", "prevention": "y"},
        recipients=[AgencyFactory(code="NCB-GH", kind="ncb", country_id="GH")],
    )
    services.approve_notice(
        UserFactory(username="ke-sup2", agency=world.ncb_ke, roles=["supervisor"]), diffusion
    )
    assert client.get(f"/notices/{diffusion.reference}/pdf/").status_code == 404
    services.withdraw_notice(world.owner, notice, "arrested")
    assert client.get(f"/notices/{notice.reference}/pdf/").status_code == 404  # recipients keep a tombstone


def test_without_the_fonts_the_pdf_is_still_made_and_says_so(
    world: Any, notice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(printing, "FONT_DIRS", [])
    text = _text(printing.print_notice(world.owner, notice.reference)[1])
    assert "Investment fraud call centre" in text and "Mohamed Abdel Rahman" in text
    assert "fonts for other scripts are not installed" in text


def test_the_api_translates_and_prints(world: Any, notice: Any) -> None:
    owner = verified_client(Client(), world.owner)
    refused = owner.post(
        f"/api/v1/notices/{notice.reference}/translations",
        {"language": "es", "title": "Fraude"},
        content_type="application/json",
    )
    assert refused.status_code == 409  # published: the GS translates
    client = verified_client(Client(), world.reviewer)
    response = client.post(
        f"/api/v1/notices/{notice.reference}/translations",
        {"language": "es", "title": "Fraude de inversión", "details": {"charge": "Fraude informático"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["translations"]["es"]["title"] == "Fraude de inversión"
    printed = client.get(f"/api/v1/notices/{notice.reference}/pdf", {"language": "es"})
    assert printed.status_code == 200 and "Fraude de inversión" in _text(printed.content)
    bad = client.post(
        f"/api/v1/notices/{notice.reference}/translations",
        {"language": "xx", "title": "?"},
        content_type="application/json",
    )
    assert bad.status_code == 400


@needs_fonts
def test_hebrew_and_chinese_print_in_order_and_in_bold(world: Any) -> None:
    notice = published(
        world,
        type="red",
        title="通缉 张伟",
        details=RED,
        subjects=[{"kind": "person", "names": ["שלמה כהן", "张伟", "Zhang Wei"]}],
    )
    text = _text(printing.print_notice(world.outsider, notice.reference)[1])
    assert "通缉 张伟" in text  # the bold title keeps its Chinese letters
    assert "שלמה כהן" in text  # right to left, in reading order
    assert "Alias: Zhang Wei" in text


def test_partners_receive_no_diffusion(world: Any) -> None:
    with pytest.raises(InvalidInput, match="not to partners"):
        services.draft_notice(
            world.owner,
            kind="diffusion",
            type="purple",
            title="to a partner",
            details={"modus_operandi": "x", "prevention": "y"},
            recipients=[world.partner_agency],
        )
