"""Notices API: draft, approval, the GS review and diffusion checks, withdrawal, listing and detail. A recipient
of a withdrawn or cancelled notice gets its tombstone: reference, type, status and the reason's category."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lockstep.accounts.actor import actor_of
from lockstep.directory.models import Agency, User
from lockstep.errors import InvalidInput
from lockstep.notices import printing, screening, services
from lockstep.notices.access import get_notice_for, is_tombstone_for, search_notices, subject_photo
from lockstep.notices.models import Notice
from lockstep.notices.stats import notice_statistics

router = Router(tags=["notices"])


class NameIn(Schema):
    name: str
    script: str = ""
    alias: bool = False


class SubjectIn(Schema):
    kind: str = "person"
    status: str = ""
    names: list[NameIn] = Field(default_factory=list)
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    nationalities: list[str] = Field(default_factory=list)
    documents: list[dict[str, str]] = Field(default_factory=list)
    description: str = ""
    details: dict[str, Any] = Field(default_factory=dict)
    photo: str = Field("", description="JPEG, PNG or WebP, base64, at most 5 MB; stored re-encoded as JPEG")


class NoticeIn(Schema):
    kind: str = Field("notice", description="notice or diffusion")
    type: str = Field(description="red, yellow, blue, black, green, orange, purple, silver, un_special")
    title: str
    summary: str = ""
    language: str = "en"
    details: dict[str, Any] = Field(
        default_factory=dict, description="the type's own fields (docs/notices.md)"
    )
    subjects: list[SubjectIn] = Field(default_factory=list)
    public_extract: bool = False
    recipients: list[str] = Field(
        default_factory=list, description="diffusion: agency codes (none: all members)"
    )
    translations: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description='the content in other official languages: {"fr": {"title", "summary", "details"}}',
    )


class SubjectOut(Schema):
    id: int
    kind: str
    status: str
    names: list[NameIn]
    birth_year: int | None
    birth_month: int | None
    birth_day: int | None
    nationalities: list[str]
    documents: list[dict[str, str]] = Field(default_factory=list)
    description: str
    photo: str = Field("", description="where to fetch the photo, when there is one")


class NoticeOut(Schema):
    reference: str
    kind: str
    type: str
    status: str
    owner: str
    title: str = ""
    summary: str = ""
    language: str = ""
    details: dict[str, Any] = Field(default_factory=dict)
    translations: dict[str, Any] = Field(default_factory=dict)
    subjects: list[SubjectOut] = Field(default_factory=list)
    submitted_at: datetime.datetime | None = None
    published_at: datetime.datetime | None = None
    valid_until: datetime.date | None = None
    refusal_ground: str = ""
    tombstone: bool = False

    @staticmethod
    def of(actor: User, notice: Notice) -> NoticeOut:
        head: dict[str, Any] = {
            "reference": notice.reference,
            "kind": notice.kind,
            "type": notice.type,
            "status": notice.status,
            "owner": notice.owner.code,
            "refusal_ground": notice.refusal_ground,
        }
        if is_tombstone_for(actor, notice):
            return NoticeOut(**head, tombstone=True)
        subjects = [
            SubjectOut(
                id=subject.pk,
                kind=subject.kind,
                status=subject.status,
                names=[NameIn(name=n.name, script=n.script, alias=n.alias) for n in subject.names.all()],
                birth_year=subject.birth_year,
                birth_month=subject.birth_month,
                birth_day=subject.birth_day,
                nationalities=subject.nationalities,
                documents=subject.documents,
                description=subject.description,
                photo=f"/api/v1/notices/{notice.reference}/subjects/{subject.pk}/photo"
                if subject.photo
                else "",
            )
            for subject in notice.subjects.all()
        ]
        return NoticeOut(
            **head,
            title=notice.title,
            summary=notice.summary,
            language=notice.language,
            details=notice.details,
            translations=notice.translations,
            subjects=subjects,
            submitted_at=notice.submitted_at,
            published_at=notice.published_at,
            valid_until=notice.valid_until,
        )


class ChecksIn(Schema):
    checks: dict[str, bool] = Field(description="neutrality, human_rights, data_quality, eligibility")


class RefuseIn(Schema):
    ground: str = Field(description="human_rights, neutrality or other")
    text: str
    checks: dict[str, bool] = Field(default_factory=dict)


class DiffusionCheckIn(Schema):
    cancel: bool
    ground: str = ""
    text: str = ""


class ReasonIn(Schema):
    reason: str


class TranslationIn(Schema):
    language: str = Field(description="fr, es, ar or en: another of the four official languages")
    title: str
    summary: str = ""
    details: dict[str, str] = Field(default_factory=dict, description="the type's text fields, translated")


@router.post("/notices", response={201: NoticeOut}, summary="Draft a notice or diffusion request")
def draft(request: HttpRequest, payload: NoticeIn) -> Status[NoticeOut]:
    actor = actor_of(request)
    recipients = list(Agency.objects.filter(code__in=payload.recipients))
    if len(recipients) != len(set(payload.recipients)):
        raise InvalidInput(_("Unknown agency codes."), fields={"recipients": payload.recipients})
    notice = services.draft_notice(
        actor,
        kind=payload.kind,
        type=payload.type,
        title=payload.title,
        summary=payload.summary,
        language=payload.language,
        details=payload.details,
        subjects=[subject.dict() for subject in payload.subjects],
        public_extract=payload.public_extract,
        recipients=recipients,
        translations=payload.translations,
    )
    return Status(201, NoticeOut.of(actor, notice))


@router.get("/notices", response=list[NoticeOut], summary="Notices and diffusions the caller may see")
def listing(
    request: HttpRequest,
    type: str = "",
    status: str = "",
    kind: str = "",
    country: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    value: str = Query("", description="a linked value of any type (a wallet, a handle, a domain...)"),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> list[NoticeOut]:
    actor = actor_of(request)
    rows = search_notices(
        actor, type=type, status=status, kind=kind, country=country, since=since, until=until, value=value
    ).prefetch_related("subjects__names")
    return [NoticeOut.of(actor, notice) for notice in rows[offset : offset + limit]]


@router.get(
    "/notices/review-queue", response=list[NoticeOut], summary="Requests and diffusions awaiting the GS"
)
def queue(request: HttpRequest) -> list[NoticeOut]:
    actor = actor_of(request)
    return [NoticeOut.of(actor, notice) for notice in services.review_queue(actor)[:500]]


@router.get("/notices/statistics", response=dict[str, Any], summary="GS reviewers: figures of the workflow")
def figures(request: HttpRequest) -> dict[str, Any]:
    return notice_statistics(actor_of(request))


class CandidateOut(Schema):
    reference: str
    type: str
    kind: str
    owner: str
    subject: int
    name: str = Field(description="the subject's name (or alias) that matched best")
    score: float = Field(description="0 to 1; names, partial date of birth and nationality together")
    dob: str
    nationalities: list[str]


class ScreenIn(Schema):
    queries: list[Any] = Field(
        description='up to 10,000 objects {"qid", "name", "dob"?: "YYYY[-MM[-DD]]", "nationality"?: "KE"}'
    )
    threshold: float = Field(screening.DEFAULT_THRESHOLD, ge=0.5, le=1.0)
    limit: int = Field(5, ge=1, le=50, description="candidates per query at most")


class ScreenedOut(Schema):
    qid: str
    candidates: list[CandidateOut]


class ScreenOut(Schema):
    queries: int
    with_candidates: int
    results: list[ScreenedOut]


@router.get(
    "/notices/by-name",
    response=list[CandidateOut],
    summary="Persons in live notices whose name matches, across scripts and spellings, ranked",
)
def by_name(
    request: HttpRequest,
    name: str,
    dob: str = Query("", description="YYYY, YYYY-MM or YYYY-MM-DD"),
    nationality: str = Query("", description="two-letter country code"),
    threshold: float = Query(0.75, ge=0.5, le=1.0),
    limit: int = Query(20, ge=1, le=100),
) -> list[CandidateOut]:
    found = screening.search_by_name(
        actor_of(request), name, dob, nationality, threshold=threshold, limit=limit
    )
    return [CandidateOut(**candidate.as_dict()) for candidate in found]


@router.post(
    "/notices/screen",
    response=ScreenOut,
    summary="Screen a list of people (a passenger list, a company's officers) against live notices",
)
def screen(request: HttpRequest, payload: ScreenIn) -> ScreenOut:
    if len(payload.queries) > screening.MAX_QUERIES:
        raise InvalidInput(
            _("At most %(count)s names per screening.") % {"count": f"{screening.MAX_QUERIES:,}"},
            fields={"queries": [str(len(payload.queries))]},
        )
    queries = screening.queries_from_items(
        enumerate(payload.queries, start=1), _("item %(number)s: %(message)s")
    )
    results = screening.screen(actor_of(request), queries, threshold=payload.threshold, limit=payload.limit)
    return ScreenOut(
        queries=len(results),
        with_candidates=sum(1 for _query, found in results if found),
        results=[
            ScreenedOut(qid=query.qid, candidates=[CandidateOut(**c.as_dict()) for c in found])
            for query, found in results
        ],
    )


@router.get("/notices/{reference}", response=NoticeOut, summary="One notice (a tombstone once withdrawn)")
def detail(request: HttpRequest, reference: str) -> NoticeOut:
    actor = actor_of(request)
    return NoticeOut.of(actor, get_notice_for(actor, reference))


def _step(request: HttpRequest, reference: str, action: Any, *args: Any, **kwargs: Any) -> NoticeOut:
    actor = actor_of(request)
    notice = action(actor, get_notice_for(actor, reference), *args, **kwargs)
    return NoticeOut.of(actor, notice)


@router.post(
    "/notices/{reference}/ask-approval", response=NoticeOut, summary="Hand the draft to a supervisor"
)
def ask(request: HttpRequest, reference: str) -> NoticeOut:
    return _step(request, reference, services.ask_approval)


@router.post(
    "/notices/{reference}/approve",
    response=NoticeOut,
    summary="A supervisor approves: a notice goes to the GS, a diffusion is sent",
)
def approve(request: HttpRequest, reference: str) -> NoticeOut:
    return _step(request, reference, services.approve_notice)


@router.post(
    "/notices/{reference}/publish", response=NoticeOut, summary="GS reviewer: publish (checklist passed)"
)
def publish(request: HttpRequest, reference: str, payload: ChecksIn) -> NoticeOut:
    return _step(request, reference, services.publish_notice, payload.checks)


@router.post(
    "/notices/{reference}/refuse", response=NoticeOut, summary="GS reviewer: refuse, with its ground"
)
def refuse(request: HttpRequest, reference: str, payload: RefuseIn) -> NoticeOut:
    return _step(request, reference, services.refuse_notice, payload.ground, payload.text, payload.checks)


@router.post(
    "/notices/{reference}/check",
    response=NoticeOut,
    summary="GS reviewer: a diffusion stands or is cancelled",
)
def check(request: HttpRequest, reference: str, payload: DiffusionCheckIn) -> NoticeOut:
    return _step(
        request,
        reference,
        services.check_diffusion,
        cancel=payload.cancel,
        ground=payload.ground,
        text=payload.text,
    )


@router.post(
    "/notices/{reference}/cancel",
    response=NoticeOut,
    summary="GS reviewer: cancel a published notice or a sent diffusion everywhere, with its ground",
)
def cancel(request: HttpRequest, reference: str, payload: RefuseIn) -> NoticeOut:
    return _step(request, reference, services.cancel_notice, payload.ground, payload.text)


@router.post(
    "/notices/{reference}/extend",
    response=NoticeOut,
    summary="The owner keeps it five more years, saying why",
)
def extend(request: HttpRequest, reference: str, payload: ReasonIn) -> NoticeOut:
    return _step(request, reference, services.extend_notice, payload.reason)


@router.post("/notices/{reference}/withdraw", response=NoticeOut, summary="The owner withdraws it everywhere")
def withdraw(request: HttpRequest, reference: str, payload: ReasonIn) -> NoticeOut:
    return _step(request, reference, services.withdraw_notice, payload.reason)


@router.post(
    "/notices/{reference}/translations",
    response=NoticeOut,
    summary="The requesting agency or a GS reviewer adds (or replaces) the content in another language",
)
def translate(request: HttpRequest, reference: str, payload: TranslationIn) -> NoticeOut:
    text = {"title": payload.title, "summary": payload.summary, "details": payload.details}
    return _step(request, reference, services.translate_notice, payload.language, text)


@router.get(
    "/notices/{reference}/pdf",
    summary="A printable notice (PDF) in one of its languages (?language=fr; its own by default)",
    response={200: None},
)
def pdf(request: HttpRequest, reference: str, language: str = "") -> HttpResponse:
    return printing.pdf_response(*printing.print_notice(actor_of(request), reference, language))


@router.get(
    "/notices/{reference}/subjects/{subject}/photo",
    summary="A subject's photo (JPEG), for whoever may see the notice in full",
    response={200: None},
)
def photo(request: HttpRequest, reference: str, subject: int) -> HttpResponse:
    response = HttpResponse(subject_photo(actor_of(request), reference, subject), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
