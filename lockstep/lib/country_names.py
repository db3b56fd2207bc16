"""Country names in the reader's language, from the ISO 3166-1 translations that ship with pycountry."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language


@lru_cache(maxsize=8)
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def localised(name: str, language: str | None = None) -> str:
    return _catalog((language or get_language() or "en").split("-")[0]).gettext(name)
