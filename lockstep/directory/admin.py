"""GS administration of the directory in the Django admin (every save audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from lockstep.directory.models import Agency, ContactPoint, Country, RoleGrant, User
from lockstep.directory.services import check_agency, check_roles
from lockstep.errors import InvalidInput
from lockstep.web.admin_audit import AuditedModelAdmin


@admin.register(Country)
class CountryAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "member", "region"]
    list_filter = ["member", "region"]
    search_fields = ["code", "name", "alpha3"]
    readonly_fields = ["code", "alpha3", "numeric", "name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 0


class AgencyAdminForm(forms.ModelForm):
    """The admin applies the same agency rules as the services (one NCB per member country, partner
    agreements, one General Secretariat)."""

    class Meta:
        model = Agency
        fields = [
            "code",
            "name",
            "kind",
            "country",
            "region",
            "agreement_reference",
            "agreement_expires_on",
            "is_active",
            "created_at",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            check_agency(
                code=data.get("code", ""),
                kind=data.get("kind", ""),
                country=data.get("country"),
                agreement_reference=data.get("agreement_reference", ""),
                agreement_expires_on=data.get("agreement_expires_on"),
                exclude_pk=self.instance.pk or 0,
            )
        except InvalidInput as exc:
            for name, messages in exc.fields.items():
                self.add_error(name if name in self.fields else None, messages)
        return data


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    form = AgencyAdminForm
    list_display = ["code", "name", "kind", "country", "agreement_expires_on", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["country"]
    inlines = [ContactPointInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # agencies are deactivated, never deleted: audit events and data refer to them


@admin.register(ContactPoint)
class ContactPointAdmin(AuditedModelAdmin):
    list_display = ["agency", "country", "channel", "address", "hours", "languages"]
    list_filter = ["channel"]
    search_fields = ["agency__code", "address"]


class RoleGrantFormSet(forms.BaseInlineFormSet):
    """The roles saved in the admin obey the same rules as everywhere else."""

    actor: Any = None

    def clean(self) -> None:
        super().clean()
        roles = [
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data.get("role") and not form.cleaned_data.get("DELETE")
        ]
        current = set(self.instance.role_grants.values_list("role", flat=True)) if self.instance.pk else set()
        try:
            check_roles(self.instance.agency, roles, actor=self.actor, current=current)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from None


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    formset = RoleGrantFormSet
    extra = 1

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        # A subclass per request, carrying who is acting, for the formset's role checks.
        return type(
            "RoleGrantFormSetFor", (super().get_formset(request, obj, **kwargs),), {"actor": request.user}
        )


@admin.register(User)
class LockstepUserAdmin(AuditedModelAdmin, UserAdmin):
    list_display = ["username", "agency", "email", "is_active", "last_login"]
    list_filter = ["is_active", "agency__kind"]
    search_fields = ["username", "email", "agency__code"]
    autocomplete_fields = ["agency"]
    inlines = [RoleGrantInline]
    fieldsets = (
        (None, {"fields": ("username", "password", "agency")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "agency", "password1", "password2")}),
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit log refers to them


# Roles, not Django groups, carry permissions in Lockstep.
admin.site.unregister(Group)
# Second-factor devices are enrolled by their user and reset by an administrator (user page); an admin who could
# create a device for someone else could pass that person's second factor.
admin.site.unregister(TOTPDevice)
