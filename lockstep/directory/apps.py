from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "lockstep.directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from lockstep.directory import checks  # noqa: F401  (registers system checks)
