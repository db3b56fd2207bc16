"""Notice pages: the public listing of extracts (unauthenticated, HTML and JSON); the list, one request form
per type, the detail with its history and actions, and the GS review queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lockstep.accounts.actor import actor_of
from lockstep.audit.models import AuditEvent
from lockstep.directory.models import Role, User
from lockstep.errors import Conflict, InvalidInput, PermissionDenied
from lockstep.intel.ingest import Submitted
from lockstep.lib.commands import describe
from lockstep.notices import screening, services
from lockstep.notices.access import get_notice_for, is_tombstone_for, search_notices
from lockstep.notices.forms import NoticeForm, ReviewForm
from lockstep.notices.models import NoticeType
from lockstep.notices.public import extract, public_notices
from lockstep.notices.stats import notice_statistics
from lockstep.notices.types import SPECS
from lockstep.policy.rules import is_operational


def public_list(request: HttpRequest) -> HttpResponse:
    rows = public_notices()
    if request.GET.get("type"):
        rows = rows.filter(type=request.GET["type"])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    extracts = [extract(notice) for notice in page.object_list]
    return render(request, "notices/public_list.html", {"page": page, "extracts": extracts})


def public_json(request: HttpRequest) -> JsonResponse:
    rows = public_notices()[:1000]
    return JsonResponse({"notices": [extract(notice) for notice in rows]})


def public_detail(request: HttpRequest, reference: str) -> HttpResponse:
    notice = public_notices().filter(reference=reference).first()
    if notice is None:
        raise Http404()
    return render(request, "notices/public_detail.html", {"item": extract(notice), "notice": notice})


# --- pages of signed-in users ---------------------------------------------------------------------------


def _operational(request: HttpRequest) -> User:
    actor = actor_of(request)
    if not is_operational(actor):
        raise PermissionDenied()
    return actor


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    actor = _operational(request)
    query = request.GET
    rows = search_notices(
        actor,
        type=query.get("type", ""),
        status=query.get("status", ""),
        kind=query.get("kind", ""),
        country=query.get("country", ""),
        value=query.get("value", ""),
    )
    page = Paginator(rows, 50).get_page(query.get("page"))
    candidates, name_error = None, ""
    if query.get("name", "").strip():
        try:
            candidates = screening.search_by_name(
                actor, query["name"], query.get("dob", ""), query.get("nationality", "")
            )
        except InvalidInput as error:
            name_error = error.message
    return render(
        request,
        "notices/list.html",
        {
            "page": page,
            "types": NoticeType.choices,
            "may_request": services.may_request(actor),
            "candidates": candidates,
            "name_error": name_error,
        },
        status=400 if name_error else 200,
    )


def _observables(text: str) -> list[Submitted]:
    found = []
    for line in text.splitlines():
        kind, sep, value = line.strip().partition(":")
        if sep and kind.strip() and value.strip():
            found.append(Submitted(kind.strip().lower(), value.strip()))
        elif line.strip():
            raise InvalidInput(
                _("Give each linked value as type:value."), fields={"observables": [line[:100]]}
            )
    return found


@login_required
def notice_new(request: HttpRequest, type: str) -> HttpResponse:
    actor = _operational(request)
    if type not in SPECS:
        raise Http404()
    if not services.may_request(actor):
        raise PermissionDenied(
            _("Notices are requested by National Central Bureaus and authorised entities.")
        )
    form = NoticeForm(request.POST or None, notice_type=type)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.draft_notice(
                actor,
                kind=form.cleaned_data["kind"],
                type=type,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                language=form.cleaned_data["language"],
                details=form.details(),
                subjects=form.subjects(),
                public_extract=form.cleaned_data["public_extract"],
                recipients=list(form.cleaned_data["recipients"]),
                observables=_observables(form.cleaned_data["observables"]),
            )
        except InvalidInput as exc:
            form.add_error(None, exc.message)
            for key, problems in exc.fields.items():
                form.add_error(form.field_for(key), [f"{key}: {problem}" for problem in problems])
        else:
            messages.success(request, _("%(reference)s drafted.") % {"reference": notice.reference})
            return redirect("notices:detail", reference=notice.reference)
    label = dict(NoticeType.choices)[type]
    return render(request, "notices/new.html", {"form": form, "type": type, "label": label})


@login_required
def notice_detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor = _operational(request)
    notice = get_notice_for(actor, reference)
    tombstone = is_tombstone_for(actor, notice)
    history = AuditEvent.objects.filter(target_type="notices.notice", target_id=str(notice.pk)).order_by(
        "seq"
    )
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "tombstone": tombstone,
            "owner": notice.owner_id == actor.agency_id,
            "reviewer": services.is_reviewer(actor),
            "supervisor": actor.has_role(Role.SUPERVISOR) and notice.created_by_id != actor.pk,
            "history": [] if tombstone else history,
            "review": ReviewForm(),
            "subjects": [] if tombstone else notice.subjects.prefetch_related("names"),
        },
    )


@login_required
@require_POST
def notice_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    actor = _operational(request)
    notice = get_notice_for(actor, reference)
    form = ReviewForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("text", "") if form.is_valid() else ""
    steps = {
        "ask": lambda: services.ask_approval(actor, notice),
        "approve": lambda: services.approve_notice(actor, notice),
        "publish": lambda: services.publish_notice(actor, notice, form.checks()),
        "refuse": lambda: services.refuse_notice(
            actor, notice, form.cleaned_data.get("ground", ""), text, form.checks()
        ),
        "let-stand": lambda: services.check_diffusion(actor, notice, cancel=False, text=text),
        "cancel": lambda: services.cancel_notice(actor, notice, form.cleaned_data.get("ground", ""), text),
        "withdraw": lambda: services.withdraw_notice(actor, notice, request.POST.get("reason", "")),
        "extend": lambda: services.extend_notice(actor, notice, request.POST.get("reason", "")),
    }
    if action not in steps:
        raise Http404()
    try:
        steps[action]()
    except (InvalidInput, Conflict) as exc:
        messages.error(request, describe(exc))
    else:
        messages.success(
            request,
            _("%(reference)s: %(status)s.") % {"reference": reference, "status": notice.get_status_display()},
        )
    return redirect("notices:detail", reference=reference)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = services.review_queue(actor)
    now = timezone.now()
    items = [
        {
            "notice": notice,
            "age": now - (notice.submitted_at or now),
            "late": now - (notice.submitted_at or now) > services.REVIEW_TARGET,
        }
        for notice in rows[:500]
    ]
    figures = notice_statistics(actor)
    return render(request, "notices/queue.html", {"items": items, "now": now, "figures": figures})
