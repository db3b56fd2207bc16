"""The notifications inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lockstep.accounts.actor import actor_of
from lockstep.alerts import services
from lockstep.alerts.access import get_notification_for
from lockstep.alerts.models import Notification


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.for_user(actor_of(request))
    if request.GET.get("unread") == "1":
        rows = rows.unread()
    return render(request, "alerts/inbox.html", {"notifications": rows[:200]})


@require_POST
@login_required
def read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_notification_for(actor_of(request), pk)
    services.mark_read(actor_of(request), notification)
    if getattr(request, "htmx", False):
        notification = get_notification_for(actor_of(request), pk)
        # The item, and the header's unread count updated out of band.
        return render(request, "alerts/_notification.html", {"item": notification, "oob": True})
    return redirect("alerts:inbox")


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(actor_of(request))
    return redirect("alerts:inbox")
