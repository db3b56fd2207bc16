"""Notices for tests: one drafted by NCB-KE's officer, approved by a supervisor of NCB-KE, published by the GS."""

from __future__ import annotations

from typing import Any

from lockstep.directory.models import User
from lockstep.directory.tests.factories import UserFactory
from lockstep.notices import services
from lockstep.notices.models import Notice

CHECKS = dict.fromkeys(services.CHECKLIST, True)


def supervisor_of(world: Any) -> Any:
    found = User.objects.filter(username="ke-sup").first()
    return found or UserFactory(username="ke-sup", agency=world.ncb_ke, roles=["supervisor"])


def published(world: Any, **fields: Any) -> Notice:
    notice = services.draft_notice(world.owner, **fields)
    services.approve_notice(supervisor_of(world), notice)
    if notice.kind == "diffusion":
        return notice
    return services.publish_notice(world.reviewer, notice, CHECKS)
