from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lockstep.accounts"
    verbose_name = _("Accounts and sign-in")

    def ready(self) -> None:
        from lockstep.accounts import signals  # noqa: F401  (connects the sign-in audit receivers)
