from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "lockstep.audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from lockstep.audit import checks  # noqa: F401  (registers system checks)
