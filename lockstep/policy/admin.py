"""Communities in the admin (GS administration)."""

from django.contrib import admin

from lockstep.policy.models import Community
from lockstep.web.admin_audit import AuditedModelAdmin


@admin.register(Community)
class CommunityAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "kind", "region", "owner"]
    list_filter = ["kind", "region"]
    filter_horizontal = ["members"]
