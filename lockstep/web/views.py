"""The dashboard and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from lockstep.accounts.actor import actor_of
from lockstep.alerts.models import Notification
from lockstep.audit.models import AuditEvent


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    context = {
        "agency": user.agency,
        "roles": sorted(user.roles),
        "notifications": Notification.objects.for_user(user)[:8],
        "activity": AuditEvent.objects.visible_to(user).filter(actor=user)[:10],
    }
    return render(request, "web/dashboard.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
