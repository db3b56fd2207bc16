"""Password sign-in that also refuses users whose agency may not act (suspended, partner agreement expired)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class AgencyModelBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and user.agency.can_act()
