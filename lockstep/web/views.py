"""The dashboard and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from lockstep.alerts.models import Notification
from lockstep.audit.models import AuditEvent


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "agency": user.agency,  # type: ignore[union-attr]
        "roles": sorted(user.roles),  # type: ignore[union-attr]
        "notifications": Notification.objects.for_user(user)[:8],  # type: ignore[arg-type]
        "activity": AuditEvent.objects.visible_to(user).filter(actor=user)[:10],  # type: ignore[arg-type]
    }
    return render(request, "web/dashboard.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
