from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _refresh_taxii(sender: Any, report: Any, **kwargs: Any) -> None:
    from lockstep.exchange.taxii_store import on_report_changed

    on_report_changed(report)


class ExchangeConfig(AppConfig):
    name = "lockstep.exchange"
    verbose_name = _("Exchange")

    def ready(self) -> None:
        from lockstep.intel.signals import report_changed

        report_changed.connect(_refresh_taxii, dispatch_uid="exchange.refresh_taxii")
