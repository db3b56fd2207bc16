"""Exchange pages: the General Secretariat's validation queue for partner data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lockstep.accounts.actor import actor_of
from lockstep.errors import PermissionDenied
from lockstep.exchange import validation
from lockstep.exchange.forms import AcceptForm, RejectForm


def _validator(request: HttpRequest) -> None:
    if not validation.can_validate(actor_of(request)):
        raise PermissionDenied(_("The validation queue is for General Secretariat reviewers and analysts."))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _validator(request)
    rows = validation.pending_reports(actor_of(request))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "exchange/queue.html", {"page": page, "now": timezone.now()})


@login_required
def pending(request: HttpRequest, reference: str) -> HttpResponse:
    _validator(request)
    report = validation.get_pending_for(actor_of(request), reference)
    observables = Paginator(report.observables.order_by("kind", "value"), 200).get_page(
        request.GET.get("page")
    )
    initial = {"source_reliability": "F", "info_credibility": "6"}
    return render(
        request,
        "exchange/pending.html",
        {
            "report": report,
            "observables": observables,
            "accept": AcceptForm(initial=initial),
            "reject": RejectForm(),
        },
    )


@login_required
@require_POST
def accept(request: HttpRequest, reference: str) -> HttpResponse:
    _validator(request)
    actor = actor_of(request)
    report = validation.get_pending_for(actor, reference)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Grade the source and the information."))
        return redirect("exchange:pending", reference=reference)
    hits = validation.accept_partner_report(actor, report, **form.cleaned_data)
    messages.success(
        request,
        _("%(reference)s accepted and released (%(hits)d hits).") % {"reference": reference, "hits": hits},
    )
    return redirect("exchange:queue")


@login_required
@require_POST
def reject(request: HttpRequest, reference: str) -> HttpResponse:
    _validator(request)
    actor = actor_of(request)
    report = validation.get_pending_for(actor, reference)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the report is rejected."))
        return redirect("exchange:pending", reference=reference)
    validation.reject_partner_report(actor, report, form.cleaned_data["reason"])
    messages.success(request, _("%(reference)s rejected.") % {"reference": reference})
    return redirect("exchange:queue")
