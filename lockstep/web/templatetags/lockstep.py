"""Template filters: country names and role names in the reader's language."""

from __future__ import annotations

import json
from typing import Any

from django import template

from lockstep.directory.models import Role
from lockstep.lib.country_names import localised

register = template.Library()


@register.filter
def country_name(country: Any) -> str:
    """A Country (or None) by name in the current language."""
    return localised(country.name) if country is not None else "—"


@register.filter
def as_json(value: Any) -> str:
    """A value as compact JSON (audit details), non-ASCII kept readable."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@register.filter
def role_names(roles: Any) -> str:
    """Role codes (or a user's role grants) as their translated labels, comma-separated."""
    codes = [getattr(role, "role", role) for role in roles]
    return ", ".join(str(Role(code).label) for code in sorted(codes) if code in Role.values)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None
