"""Password sign-in that also refuses users whose agency may not act (suspended, partner agreement expired);
General Secretariat administrators hold the admin's model permissions through their role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class AgencyModelBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and user.agency.can_act()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        from lockstep.policy.rules import is_gs_admin

        return is_gs_admin(user_obj) or super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        from lockstep.policy.rules import is_gs_admin

        return is_gs_admin(user_obj) or super().has_module_perms(user_obj, app_label)
