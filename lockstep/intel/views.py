"""Intel pages: submit a report (text -> extracted observables -> review -> marking and recipients -> submit),
report detail, hits inbox with hit / no-hit disclosure, follow-ups, lookup."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lockstep.accounts.actor import actor_of
from lockstep.errors import InvalidInput, LockstepError, PermissionDenied
from lockstep.intel import access, services
from lockstep.intel.canonical import InvalidValue
from lockstep.intel.disclosure import other_sides
from lockstep.intel.extract import extract, text_of
from lockstep.intel.forms import (
    AnswerForm,
    FollowUpForm,
    HitStateForm,
    LookupForm,
    MarkingForm,
    ReportEditForm,
    ReportForm,
    WithdrawForm,
    observables_text,
)
from lockstep.intel.lookup import lookup as run_lookup
from lockstep.intel.models import HitState
from lockstep.intel.stats import uncorrelated
from lockstep.policy.audience import preview_recipients
from lockstep.policy.rules import is_operational
from lockstep.web.forms import add_errors


def _operational(request: HttpRequest) -> None:
    if not is_operational(actor_of(request)):
        raise PermissionDenied(_("Intelligence is for operational roles (officer, analyst, supervisor...)."))


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    _operational(request)
    actor = actor_of(request)
    rows = access.reports_for(actor).order_by("-created_at", "-pk")
    if request.GET.get("mine") == "1":
        rows = rows.filter(owner=actor.agency)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    references = [report.reference for report in page if report.marking.tlp != "red"]
    context = {"page": page, "mine": request.GET.get("mine") == "1", "references": references}
    return render(request, "intel/reports.html", context)


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    _operational(request)
    actor = actor_of(request)
    form = ReportForm(request.POST or None, request.FILES or None)
    marking = MarkingForm(request.POST or None, agency=actor.agency)
    step = "write"
    if request.method == "POST" and form.is_valid():
        if "extract" in request.POST:
            text = form.cleaned_data["text"]
            upload = form.cleaned_data.get("upload")
            try:
                if upload is not None:
                    text = (text + "\n" + text_of(upload.name, upload.read())).strip()
            except InvalidValue as exc:
                form.add_error("upload", str(exc))
            else:
                found = extract(text, actor.agency.country_id)
                data = request.POST.copy()
                data["text"], data["observables"] = text, observables_text(found)
                form = ReportForm(data)
                form.is_valid()
                marking = MarkingForm(agency=actor.agency)
                step = "review"
        elif marking.is_valid():
            try:
                result = services.submit_report(
                    actor,
                    title=form.cleaned_data["title"],
                    crime_type=form.cleaned_data["crime_type"],
                    summary=form.cleaned_data["summary"],
                    text=form.cleaned_data["text"],
                    notify_on_lookup=form.cleaned_data["notify_on_lookup"],
                    marking=marking.spec(),
                    observables=form.submitted(),
                )
            except LockstepError as exc:
                add_errors(marking if set(exc.fields) & set(marking.fields) else form, exc)
                step = "review"
            else:
                messages.success(
                    request,
                    _("Report %(reference)s submitted: %(added)d observables, %(hits)d hits.")
                    % {"reference": result.report.reference, "added": result.added, "hits": result.hits},
                )
                for item in result.rejected[:20]:
                    messages.warning(request, f"{item.kind} {item.value}: {item.reason}")
                return redirect("intel:report", reference=result.report.reference)
        else:
            step = "review"
    status = 400 if request.method == "POST" and (form.errors or marking.errors) else 200
    return render(
        request, "intel/report_new.html", {"form": form, "marking": marking, "step": step}, status=status
    )


@require_POST
@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """The "who will receive this" fragment for the marking being chosen (htmx)."""
    _operational(request)
    actor = actor_of(request)
    marking = MarkingForm(request.POST, agency=actor.agency)
    agencies, error = [], ""
    if marking.is_valid():
        try:
            agencies = list(preview_recipients(marking.spec()))
        except InvalidInput as exc:
            error = exc.message + " " + " ".join(m for ms in exc.fields.values() for m in ms)
    else:
        error = _("Check the marking fields.")
    return render(request, "intel/_recipients.html", {"agencies": agencies, "error": error})


@login_required
def report(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    item = access.get_report_for(actor, reference)
    observables = Paginator(item.listed_observables(), 200).get_page(request.GET.get("page"))
    owner = item.owner_id == actor.agency_id
    hits = list(access.hits_for(actor).filter(observable__report=item)[:200]) if owner else []
    return render(
        request,
        "intel/report.html",
        {
            "report": item,
            "observables": observables,
            "owner": owner,
            "hits": hits,
            "sides": other_sides(actor, hits),
            "withdraw": WithdrawForm(),
            "uncorrelated": uncorrelated(item),
        },
    )


@login_required
def report_edit(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    item = access.get_report_for(actor, reference, write=True)
    initial = {
        name: getattr(item, name) for name in ("title", "crime_type", "summary", "text", "notify_on_lookup")
    }
    form = ReportEditForm(request.POST or None, initial={**initial, "review_at": item.marking.review_at})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_report(actor, item, **{name: data[name] for name in initial})
            if data["review_at"] != item.marking.review_at:
                services.set_review_date(actor, item, data["review_at"])
            rows = ReportForm({"observables": data["add_observables"]})
            rows.is_valid()
            added = services.add_observables(actor, item, rows.submitted()) if rows.submitted() else None
        except LockstepError as exc:
            add_errors(form, exc)
        else:
            if added is not None:
                messages.success(
                    request,
                    _("%(added)d observables added, %(hits)d hits.")
                    % {"added": added.added, "hits": added.hits},
                )
                for rejected in added.rejected[:20]:
                    messages.warning(request, f"{rejected.kind} {rejected.value}: {rejected.reason}")
            messages.success(request, _("The report was saved."))
            return redirect("intel:report", reference=item.reference)
    return render(
        request, "intel/report_edit.html", {"report": item, "form": form}, status=400 if form.errors else 200
    )


@require_POST
@login_required
def report_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    item = access.get_report_for(actor, reference, write=True)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        services.withdraw_report(actor, item, form.cleaned_data["reason"])
        messages.success(request, _("The report was withdrawn: recipients no longer see it."))
    else:
        messages.error(request, _("Say why the report is withdrawn."))
    return redirect("intel:report", reference=item.reference)


@login_required
def hits(request: HttpRequest) -> HttpResponse:
    _operational(request)
    actor = actor_of(request)
    rows = access.hits_for(actor).order_by("-created_at", "-pk")
    state = request.GET.get("state", "")
    if state in HitState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "intel/hits.html",
        {
            "page": page,
            "sides": other_sides(actor, list(page)),
            "states": HitState.choices,
            "state": state,
        },
    )


@login_required
def hit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = access.get_hit_for(actor, pk)
    return render(
        request,
        "intel/hit.html",
        {
            "hit": item,
            "other": other_sides(actor, [item])[item.pk],
            "follow_up": FollowUpForm(),
            "follow_ups": item.follow_ups.all(),
        },
    )


@require_POST
@login_required
def hit_state(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = access.get_hit_for(actor, pk)
    form = HitStateForm(request.POST)
    if form.is_valid():
        services.set_hit_state(actor, item, form.cleaned_data["state"])
    return redirect("intel:hit", pk=item.pk)


@require_POST
@login_required
def hit_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = access.get_hit_for(actor, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        services.request_follow_up(actor, item, form.cleaned_data["message"])
        messages.success(
            request, _("Your request was sent to %(agency)s.") % {"agency": item.other_agency.code}
        )
        return redirect("intel:hit", pk=item.pk)
    return render(
        request,
        "intel/hit.html",
        {
            "hit": item,
            "other": other_sides(actor, [item])[item.pk],
            "follow_up": form,
            "follow_ups": item.follow_ups.all(),
        },
        status=400,
    )


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    _operational(request)
    actor = actor_of(request)
    rows = access.follow_ups_for(actor)
    return render(
        request,
        "intel/follow_ups.html",
        {
            "incoming": rows.filter(to_agency=actor.agency)[:200],
            "outgoing": rows.filter(from_agency=actor.agency)[:200],
            "answer": AnswerForm(),
        },
    )


@require_POST
@login_required
def follow_up_answer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = access.get_follow_up_for(actor, pk, answering=True)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_follow_up(actor, item, form.cleaned_data["answer"])
        except LockstepError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Your answer was sent to %(agency)s.") % {"agency": item.from_agency.code}
            )
    else:
        messages.error(request, _("Write an answer."))
    return redirect("intel:follow-ups")


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    _operational(request)
    form = LookupForm(request.POST or request.GET or None)
    answers = None
    if form.is_bound and form.is_valid():
        try:
            answers = run_lookup(actor_of(request), form.queries())
        except InvalidInput as exc:
            add_errors(form, exc)
    found = [m.reference for a in answers or [] for m in a.matches if m.visible and m.tlp != "red"]
    return render(
        request,
        "intel/lookup.html",
        {
            "form": form,
            "answers": answers,
            "references": list(dict.fromkeys(found)),
            **_to_operation(actor_of(request), answers or []),
        },
        status=400 if form.errors else 200,
    )


def _to_operation(actor: Any, answers: list[Any]) -> dict[str, Any]:
    """The looked-up values an operation the actor's agency takes part in can add to its infrastructure."""
    from lockstep.operations.models import OperationStatus
    from lockstep.operations.services import operations_for, rows_from_intel

    pairs = [(answer.kind, answer.value) for answer in answers if answer.value and not answer.error]
    rows, _left_out = rows_from_intel(pairs)
    if not rows:
        return {}
    running = (
        operations_for(actor)
        .filter(participants__agency=actor.agency)  # where the agency takes part (GS coordinators see all)
        .exclude(status=OperationStatus.CLOSED)[:50]
    )
    return {
        "operations": running,
        "infrastructure_values": "\n".join(f"{kind} {value}" for kind, value in pairs),
    }
