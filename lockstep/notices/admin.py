"""GS administration of notices: the eligibility rules (thresholds the services check) are edited here."""

from __future__ import annotations

from django.contrib import admin

from lockstep.notices.models import EligibilityRule
from lockstep.web.admin_audit import AuditedModelAdmin


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(AuditedModelAdmin):
    list_display = ("key", "value", "description")
    search_fields = ("key", "description")
