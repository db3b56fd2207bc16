"""System checks for the directory."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register
from django.db import DatabaseError


@register("lockstep")
def general_secretariat_exists(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from lockstep.directory.models import Agency, AgencyKind

    if not kwargs.get("databases"):
        return []
    try:
        count = Agency.objects.filter(kind=AgencyKind.GENERAL_SECRETARIAT).count()
    except DatabaseError:
        return []  # not migrated yet
    if count != 1:
        return [
            Warning(
                "There is no General Secretariat agency.",
                hint="Run `lockstep migrate`: the directory's data migration creates it.",
                id="lockstep.W001",
            )
        ]
    return []
