"""GS administration of intel: warninglists (built-in ones can be switched off, GS lists edited), read-only
views of reports, common values and imports. Every change is audited by the admin site."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lockstep.audit.services import record
from lockstep.intel.models import CommonValue, ImportRun, Report, Warninglist, WarninglistEntry
from lockstep.intel.warninglists import reapply
from lockstep.web.admin_audit import AuditedModelAdmin


class EntryInline(admin.TabularInline):
    model = WarninglistEntry
    extra = 3

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.builtin

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.builtin

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.builtin


@admin.register(Warninglist)
class WarninglistAdmin(AuditedModelAdmin):
    list_display = ["name", "builtin", "enabled", "description", "updated_at"]
    list_filter = ["builtin", "enabled"]
    inlines = [EntryInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["name", "description", "builtin"] if obj and obj.builtin else ["builtin"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.builtin

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _apply(request)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        _apply(request)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        super().delete_queryset(request, queryset)
        _apply(request)


def _apply(request: HttpRequest) -> None:
    """Stored values follow the lists at once: re-marked, released ones correlated, new hits closed."""
    changed = reapply()
    record(request.user, "intel.warninglists_applied", None, changed=changed)  # type: ignore[arg-type]
    messages.info(request, _("%(count)d stored values re-marked.") % {"count": changed})


class ReadOnly(AuditedModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CommonValue)
class CommonValueAdmin(ReadOnly):
    list_display = ["value_key", "kind", "agencies", "detected_at"]
    list_filter = ["kind"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnly):
    list_display = [
        "name",
        "agency",
        "user",
        "rows_done",
        "added",
        "rejected",
        "hits",
        "finished",
        "started_at",
    ]
    list_filter = ["finished"]


@admin.register(Report)
class ReportAdmin(ReadOnly):
    """Report metadata for oversight of volumes; the values themselves are read through the policy pages."""

    list_display = ["reference", "owner", "crime_type", "status", "created_at"]
    list_filter = ["status", "crime_type"]
    search_fields = ["reference"]
    fields = ["reference", "owner", "crime_type", "status", "created_at", "withdrawn_reason"]
