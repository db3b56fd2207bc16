"""The Django admin, for General Secretariat administrators only, behind the same sign-in and second factor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from lockstep.accounts.middleware import is_verified, second_factor_required
from lockstep.errors import PermissionDenied
from lockstep.policy.rules import can


class LockstepAdminSite(admin.AdminSite):
    site_header = _("Lockstep administration")
    site_title = _("Lockstep administration")
    index_title = _("General Secretariat administration")

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Every model admin, ours or a library's (django-otp, axes, tasks), audits its saves and deletes."""
        from lockstep.web.admin_audit import AuditedModelAdmin

        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdmin):
            admin_class = type(f"Audited{admin_class.__name__}", (AuditedModelAdmin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        verified = not second_factor_required() or is_verified(user)
        return bool(user.is_active and user.is_staff and verified and can(user, "admin.access"))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Sign-in happens on Lockstep's own page (password, second factor, lock-out); a signed-in user who is
        not a GS administrator is refused."""
        if request.user.is_authenticated and (not second_factor_required() or is_verified(request.user)):
            raise PermissionDenied(_("The administration is for General Secretariat administrators."))
        return redirect_to_login(request.GET.get("next") or "/admin/", settings.LOGIN_URL)
