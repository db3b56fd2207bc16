"""The notifications inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lockstep.alerts import services
from lockstep.alerts.access import get_notification_for
from lockstep.alerts.models import Notification


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.for_user(request.user)  # type: ignore[arg-type]
    if request.GET.get("unread") == "1":
        rows = rows.unread()
    return render(request, "alerts/inbox.html", {"notifications": rows[:200]})


@require_POST
@login_required
def read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_notification_for(request.user, pk)  # type: ignore[arg-type]
    services.mark_read(request.user, notification)  # type: ignore[arg-type]
    if request.htmx:  # type: ignore[attr-defined]
        notification = get_notification_for(request.user, pk)  # type: ignore[arg-type]
        return render(request, "alerts/_notification.html", {"item": notification})
    return redirect("alerts:inbox")


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(request.user)  # type: ignore[arg-type]
    return redirect("alerts:inbox")
