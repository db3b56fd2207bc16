"""The audit page (auditors, GS, agency administrators) and its JSON Lines export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lockstep.accounts.actor import actor_of
from lockstep.audit.models import AuditEvent, AuditEventQuerySet
from lockstep.audit.queries import filter_events, jsonl_lines, page_of
from lockstep.audit.services import record
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.policy.rules import audit_scope, can

PAGE = 50
FILTERS = ("agency", "actor", "action", "since", "until")


def _filtered(request: HttpRequest) -> tuple[dict[str, str], AuditEventQuerySet]:
    if not can(actor_of(request), "audit.read"):
        raise PermissionDenied(
            _("The audit log is for auditors, the General Secretariat and agency administrators.")
        )
    values = {name: request.GET.get(name, "").strip() for name in FILTERS}
    before = request.GET.get("before", "")
    if before and not before.isdigit():
        raise InvalidInput(_("'before' is an event number."), fields={"before": [_("Not a number.")]})
    events = filter_events(
        AuditEvent.objects.visible_to(actor_of(request)),
        before_seq=int(before) if before else None,
        **values,
    )
    return values, events


@login_required
def events(request: HttpRequest) -> HttpResponse:
    try:
        values, rows = _filtered(request)
    except InvalidInput as exc:  # keep the page and its filters; say what is wrong
        values = {name: request.GET.get(name, "").strip() for name in FILTERS}
        context = {"events": [], "filters": values, "error": exc, "scope": audit_scope(actor_of(request))}
        return render(request, "audit/events.html", context, status=400)
    page, next_before = page_of(rows, PAGE)
    return render(
        request,
        "audit/events.html",
        {
            "events": page,
            "filters": values,
            "scope": audit_scope(actor_of(request)),
            "next_before": next_before,
            "query": urlencode({key: value for key, value in values.items() if value}),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    values, rows = _filtered(request)
    record(
        actor_of(request),
        "audit.exported",
        None,
        filters={key: value for key, value in values.items() if value},
    )
    response = StreamingHttpResponse(jsonl_lines(rows), content_type="application/x-ndjson")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="lockstep-audit-{stamp}.jsonl"'
    return response
