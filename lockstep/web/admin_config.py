"""The admin app, configured to use Lockstep's admin site (GS administrators, second factor)."""

from django.contrib.admin.apps import AdminConfig


class LockstepAdminConfig(AdminConfig):
    default_site = "lockstep.web.admin_site.LockstepAdminSite"
