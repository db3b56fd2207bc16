"""System checks for the audit log: the node key must stay private."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from lockstep.lib.secrets_file import is_private


@register(Tags.security, deploy=False)
def node_key_is_private(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    path = Path(settings.LOCKSTEP_NODE_KEY)
    if path.exists() and not is_private(path):
        return [
            Error(
                f"The audit node key {path} is readable by other users.",
                hint=f"chmod 600 {path}",
                id="lockstep.E002",
            )
        ]
    return []
