"""Admin changes are audited like every other change: one event per saved or deleted object."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from lockstep.accounts.actor import actor_of
from lockstep.audit.services import record


class AuditedModelAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            action = "changed" if change else "created"
            record(
                actor_of(request),
                f"admin.{obj._meta.model_name}.{action}",
                obj,
                fields=sorted(form.changed_data),
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            record(actor_of(request), f"admin.{obj._meta.model_name}.deleted", obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                record(actor_of(request), f"admin.{obj._meta.model_name}.deleted", obj)
            super().delete_queryset(request, queryset)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            changed = [fs.model._meta.model_name for fs in formsets if fs.has_changed()]
            if changed:
                record(
                    actor_of(request),
                    f"admin.{form.instance._meta.model_name}.related_changed",
                    form.instance,
                    related=changed,
                )
