"""Every UI string is marked for translation and translated into French, Spanish and Arabic; Arabic is RTL."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.test import Client

PACKAGE = Path(settings.PACKAGE_DIR)
LANGUAGES = ["fr", "es", "ar"]
# Text that is not language: brand, codes, symbols, numbers.
ALLOWED_TEXT = re.compile(r"^(Lockstep|TLP:?|#|\d+|[a-z_]+\.[a-z_.]+|[·—:,./()\-\s]|&[a-z]+;)*$")


def _catalog(language: str) -> polib.POFile:
    return polib.pofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_is_complete(language: str) -> None:
    catalog = _catalog(language)
    assert catalog.untranslated_entries() == []
    assert catalog.fuzzy_entries() == []
    assert len(catalog.translated_entries()) > 250
    compiled = PACKAGE / "locale" / language / "LC_MESSAGES" / "django.mo"
    assert compiled.exists(), "run `make messages` (compilemessages)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    pattern = re.compile(r"%\(\w+\)[sd]")
    for entry in _catalog(language).translated_entries():
        expected = set(pattern.findall(entry.msgid))
        translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in translations:
            assert set(pattern.findall(text)) <= expected | set(pattern.findall(entry.msgid_plural or "")), (
                entry.msgid
            )


def test_the_catalogues_hold_every_string_the_code_marks(tmp_path: Path) -> None:
    """Extract the strings afresh from a copy of the code and compare with the committed catalogue."""
    copy = tmp_path / "lockstep"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "tests"))
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr", "--no-location", "-v", "0"],
        cwd=copy,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""},
    )
    fresh = {entry.msgid for entry in polib.pofile(str(copy / "locale/fr/LC_MESSAGES/django.po"))}
    committed = {entry.msgid for entry in _catalog("fr")}
    assert sorted(fresh - committed) == [], "run makemessages and translate the new strings"


def _visible_text(source: str) -> list[str]:
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", source, flags=re.S)
    source = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", " ", source, flags=re.S)
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    source = re.sub(r"{%.*?%}", " ", source, flags=re.S)
    source = re.sub(r"{{.*?}}", " ", source, flags=re.S)
    source = re.sub(r"<(script|style|code)\b.*?</\1>", " ", source, flags=re.S)  # code is not language
    texts = re.findall(r">([^<]+)<", source)
    attributes = re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', source)
    return [
        text.strip() for text in texts + attributes if text.strip() and not ALLOWED_TEXT.match(text.strip())
    ]


def test_every_template_text_is_marked_for_translation() -> None:
    unmarked: dict[str, list[str]] = {}
    for template in PACKAGE.rglob("templates/**/*.html"):
        if template.name in {"500.html"}:  # rendered when the app itself fails: kept dependency-free
            continue
        found = _visible_text(template.read_text(encoding="utf-8"))
        if found:
            unmarked[str(template.relative_to(PACKAGE))] = found
    assert unmarked == {}


@pytest.mark.parametrize(
    ("language", "direction", "sign_in"),
    [
        ("en", "ltr", "Sign in"),
        ("fr", "ltr", "Se connecter"),
        ("es", "ltr", "Iniciar sesión"),
        ("ar", "rtl", "تسجيل الدخول"),
    ],
)
def test_pages_render_in_each_language(
    db: None, client: Client, language: str, direction: str, sign_in: str
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/accounts/login/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert sign_in in html


def test_the_language_switch_remembers_the_choice(world: Any, client: Client) -> None:
    from conftest import verified_client

    verified_client(client, world.owner)
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert response.status_code == 302
    assert 'dir="rtl"' in client.get("/").content.decode()


def test_country_and_role_names_follow_the_language(world: Any, client: Client) -> None:
    from conftest import verified_client

    verified_client(client, world.owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    html = client.get("/").content.decode()
    assert "Kenia" in html and "Agente" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert "كينيا" in client.get("/directory/countries/?region=africa").content.decode()
