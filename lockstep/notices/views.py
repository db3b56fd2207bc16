"""Notice pages: the public listing of extracts (unauthenticated, HTML and JSON); the list, one request form
per type, the detail with its history and actions, and the GS review queue."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lockstep.accounts.actor import actor_of, operational_actor_of
from lockstep.audit.models import AuditEvent
from lockstep.directory.models import Role
from lockstep.errors import Conflict, InvalidInput, PermissionDenied
from lockstep.intel.ingest import Submitted
from lockstep.lib.commands import describe
from lockstep.notices import printing, screening, services
from lockstep.notices.access import get_notice_for, is_tombstone_for, search_notices
from lockstep.notices.access import subject_photo as access_subject_photo
from lockstep.notices.forms import NoticeForm, ReviewForm, SubjectFormSet, subjects_of
from lockstep.notices.models import Language, NoticeType
from lockstep.notices.public import extract, public_notices
from lockstep.notices.stats import notice_statistics
from lockstep.notices.types import SPECS


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


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    actor = operational_actor_of(request)
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
    actor = operational_actor_of(request)
    if type not in SPECS:
        raise Http404()
    if not services.may_request(actor):
        raise PermissionDenied(
            _("Notices are requested by National Central Bureaus and authorised entities.")
        )
    form = NoticeForm(request.POST or None, notice_type=type)
    subjects = SubjectFormSet(request.POST or None, request.FILES or None, prefix="subjects")
    if request.method == "POST" and "add_subject" in request.POST:  # one more subject form, nothing saved
        data = request.POST.copy()
        given = data.get("subjects-TOTAL_FORMS") or "1"
        data["subjects-TOTAL_FORMS"] = str(min(int(given) if given.isdigit() else 1, 19) + 1)
        form, subjects = NoticeForm(data, notice_type=type), SubjectFormSet(data, prefix="subjects")
        # (a file chosen before adding a subject has to be chosen again: browsers do not send it back)
    elif request.method == "POST" and form.is_valid() and subjects.is_valid():
        filled = subjects_of(subjects)  # (form index, subject) of the forms filled in
        try:
            notice = services.draft_notice(
                actor,
                kind=form.cleaned_data["kind"],
                type=type,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                language=form.cleaned_data["language"],
                details=form.details(),
                subjects=[subject for _index, subject in filled],
                public_extract=form.cleaned_data["public_extract"],
                recipients=list(form.cleaned_data["recipients"]),
                observables=_observables(form.cleaned_data["observables"]),
            )
        except InvalidInput as exc:
            form.add_error(None, exc.message)
            for key, problems in exc.fields.items():
                _show_error(form, subjects, [index for index, _subject in filled], key, problems)
        else:
            messages.success(request, _("%(reference)s drafted.") % {"reference": notice.reference})
            return redirect("notices:detail", reference=notice.reference)
    label = dict(NoticeType.choices)[type]
    return render(
        request, "notices/new.html", {"form": form, "subjects": subjects, "type": type, "label": label}
    )


def _show_error(form: NoticeForm, subjects: Any, forms_of: list[int], key: str, problems: list[str]) -> None:
    """A service error next to the field it names: ``details.charge`` on the form, ``subjects[1].names`` on
    the form of the second subject filled in (``forms_of``: the form index of each), anything else at the top."""
    found = re.fullmatch(r"subjects\[(\d+)\]\.(\w+)", key)
    messages_for = [f"{key}: {problem}" for problem in problems]
    at = forms_of[int(found[1])] if found and int(found[1]) < len(forms_of) else None
    if found and at is not None and found[2] in subjects.forms[at].fields:
        subjects.forms[at].add_error(found[2], messages_for)
    elif key == "subjects" and subjects.forms:
        subjects.forms[0].add_error(None, messages_for)
    else:
        form.add_error(form.field_for(key), messages_for)


@login_required
def notice_detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor = operational_actor_of(request)
    notice = get_notice_for(actor, reference)
    tombstone = is_tombstone_for(actor, notice)
    history = AuditEvent.objects.filter(target_type="notices.notice", target_id=str(notice.pk)).order_by(
        "seq"
    )
    content = notice.content(request.GET.get("language", ""))
    spec = SPECS[notice.type]
    details = content["details"]
    assert isinstance(details, dict)
    text_fields = [field for field in (*spec.required, *spec.optional) if not field.number]
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "content": content,
            "fields": [
                (field.label, details[field.name])
                for field in (*spec.required, *spec.optional)
                if str(details.get(field.name) or "").strip()
            ],
            "notice_languages": [
                (code, label) for code, label in Language.choices if code in notice.languages
            ],
            "other_languages": [(code, label) for code, label in Language.choices if code != notice.language],
            "text_fields": text_fields,
            "may_translate": not tombstone
            and notice.status not in services.ENDED
            and (notice.owner_id == actor.agency_id or services.is_reviewer(actor)),
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
def subject_photo(request: HttpRequest, reference: str, subject: int) -> HttpResponse:
    photo = access_subject_photo(operational_actor_of(request), reference, subject)
    response = HttpResponse(photo, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def notice_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    actor = operational_actor_of(request)
    try:
        filename, body = printing.print_notice(actor, reference, request.GET.get("language", ""))
    except InvalidInput as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    return printing.pdf_response(filename, body)


@login_required
@require_POST
def notice_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    actor = operational_actor_of(request)
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
        "translate": lambda: services.translate_notice(
            actor,
            notice,
            request.POST.get("language", ""),
            {
                "title": request.POST.get("t_title", ""),
                "summary": request.POST.get("t_summary", ""),
                "details": {
                    key[len("t_d_") :]: value for key, value in request.POST.items() if key.startswith("t_d_")
                },
            },
        ),
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
