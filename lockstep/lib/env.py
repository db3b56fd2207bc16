"""Typed readers for the environment variables that configure Lockstep.

Every variable read through these helpers is registered in ``DOCUMENTED`` so that a test can check that
``docs/configuration.md`` describes each one.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DOCUMENTED: dict[str, str] = {}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, default: str, doc: str) -> str:
    DOCUMENTED[name] = doc
    return os.environ.get(name, default)


def env_str(name: str, default: str, doc: str) -> str:
    return _raw(name, default, doc).strip()


def env_bool(name: str, default: bool, doc: str) -> bool:
    value = _raw(name, "true" if default else "false", doc).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int, doc: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    value = _raw(name, str(default), doc).strip()
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum or (maximum is not None and number > maximum):
        upper = f" and {maximum}" if maximum is not None else ""
        raise ImproperlyConfigured(f"{name} must be between {minimum}{upper}, not {number}")
    return number


def env_list(name: str, default: str, doc: str) -> list[str]:
    return [item.strip() for item in _raw(name, default, doc).split(",") if item.strip()]


def env_path(name: str, default: Path, doc: str) -> Path:
    value = _raw(name, "", doc).strip()
    return Path(value).expanduser().resolve() if value else default.resolve()
