"""Intel API: reports and observables, hits and follow-ups, lookups, extraction."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from lockstep.accounts.actor import actor_of
from lockstep.directory.models import Agency
from lockstep.errors import InvalidInput
from lockstep.intel import access, services
from lockstep.intel.disclosure import other_sides
from lockstep.intel.extract import extract
from lockstep.intel.ingest import Submitted
from lockstep.intel.lookup import lookup
from lockstep.intel.models import Hit
from lockstep.intel.schemas import (
    AnswerIn,
    AnswerOut,
    FollowUpOut,
    HitOut,
    LookupIn,
    MessageIn,
    ObservableIn,
    ObservableOut,
    ObservablesIn,
    OtherOut,
    RejectedOut,
    ReportChange,
    ReportIn,
    ReportOut,
    StateIn,
    SubmissionOut,
    TextIn,
    WithdrawIn,
)
from lockstep.policy.api import MarkingIn
from lockstep.policy.audience import MarkingSpec
from lockstep.policy.models import communities_of

router = Router(tags=["intel"])


def _marking_spec(actor_agency: Agency, payload: MarkingIn) -> MarkingSpec:
    codes = [code.upper() for code in payload.recipients]
    recipients = list(Agency.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {agency.code for agency in recipients})
    if unknown:
        raise InvalidInput("Unknown agency code.", fields={"marking.recipients": unknown})
    community = None
    if payload.community:
        community = communities_of(actor_agency).filter(code=payload.community).first()
        if community is None:
            raise InvalidInput("Unknown community.", fields={"marking.community": [payload.community]})
    fields = payload.dict(exclude={"recipients", "community"})
    fields["info_credibility"] = str(fields["info_credibility"])
    return MarkingSpec(owner=actor_agency, recipients=recipients, community=community, **fields)


def _submitted(items: list[ObservableIn]) -> list[Submitted]:
    return [Submitted(item.type, item.value, item.context, item.first_seen, item.last_seen) for item in items]


@router.post(
    "/reports", response={201: SubmissionOut}, summary="Submit a report; its observables are correlated"
)
def submit(request: HttpRequest, payload: ReportIn) -> Status[SubmissionOut]:
    actor = actor_of(request)
    result = services.submit_report(
        actor,
        title=payload.title,
        crime_type=payload.crime_type,
        summary=payload.summary,
        text=payload.text,
        external_ref=payload.external_ref,
        notify_on_lookup=payload.notify_on_lookup,
        marking=_marking_spec(actor.agency, payload.marking),
        observables=_submitted(payload.observables),
        all_or_nothing=payload.all_or_nothing,
    )
    return Status(
        201,
        SubmissionOut(
            report=ReportOut.of(result.report),
            added=result.added,
            hits=result.hits,
            rejected=[RejectedOut.of(item) for item in result.rejected],
        ),
    )


@router.get("/reports", response=list[ReportOut], summary="Reports the caller may see, newest first")
def reports(
    request: HttpRequest,
    mine: bool = False,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> list[ReportOut]:
    actor = actor_of(request)
    rows = access.reports_for(actor)
    if mine:
        rows = rows.filter(owner=actor.agency)
    return [ReportOut.of(report) for report in rows.order_by("-created_at", "-pk")[offset : offset + limit]]


@router.get("/reports/{reference}", response=ReportOut, summary="One report")
def report(request: HttpRequest, reference: str) -> ReportOut:
    return ReportOut.of(access.get_report_for(actor_of(request), reference))


@router.patch("/reports/{reference}", response=ReportOut, summary="Change a report of the caller's agency")
def change(request: HttpRequest, reference: str, payload: ReportChange) -> ReportOut:
    actor = actor_of(request)
    item = access.get_report_for(actor, reference, write=True)
    changes = payload.dict(exclude_unset=True)
    review_at = changes.pop("review_at", "unset")
    if changes:
        services.update_report(actor, item, **changes)
    if review_at != "unset":
        services.set_review_date(actor, item, review_at)
    return ReportOut.of(item)


@router.post("/reports/{reference}/withdraw", response=ReportOut, summary="Withdraw (recall) a report")
def withdraw(request: HttpRequest, reference: str, payload: WithdrawIn) -> ReportOut:
    actor = actor_of(request)
    return ReportOut.of(
        services.withdraw_report(actor, access.get_report_for(actor, reference, write=True), payload.reason)
    )


@router.get(
    "/reports/{reference}/observables", response=list[ObservableOut], summary="A report's observables"
)
def observables(
    request: HttpRequest,
    reference: str,
    limit: int = Query(1000, ge=1, le=10_000),
    offset: int = Query(0, ge=0),
) -> list[ObservableOut]:
    item = access.get_report_for(actor_of(request), reference)
    rows = item.listed_observables()[offset : offset + limit]
    return [
        ObservableOut(
            type=o.kind,
            value=o.value,
            context=o.context,
            first_seen=o.first_seen,
            last_seen=o.last_seen,
            suppressed=o.suppressed,
        )
        for o in rows
    ]


@router.post(
    "/reports/{reference}/observables",
    response=SubmissionOut,
    summary="Add observables to a report of the caller's agency (bulk; duplicates ignored)",
)
def add(request: HttpRequest, reference: str, payload: ObservablesIn) -> SubmissionOut:
    actor = actor_of(request)
    item = access.get_report_for(actor, reference, write=True)
    result = services.add_observables(
        actor, item, _submitted(payload.observables), all_or_nothing=payload.all_or_nothing
    )
    return SubmissionOut(
        report=ReportOut.of(item),
        added=result.added,
        hits=result.hits,
        rejected=[RejectedOut.of(r) for r in result.rejected],
    )


# --- hits -----------------------------------------------------------------------------------------------


def _hits_out(request: HttpRequest, hits: list[Hit]) -> list[HitOut]:
    sides = other_sides(actor_of(request), hits)
    return [
        HitOut(
            id=hit.pk,
            state=hit.state,
            type=hit.kind,
            value=hit.observable.value,
            report=hit.observable.report.reference,
            other=OtherOut(**vars(sides[hit.pk])),
            created_at=hit.created_at,
        )
        for hit in hits
    ]


@router.get("/hits", response=list[HitOut], summary="Hits the caller's agency received (hit / no-hit)")
def hits(
    request: HttpRequest,
    state: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[HitOut]:
    rows = access.hits_for(actor_of(request))
    if state:
        rows = rows.filter(state=state)
    return _hits_out(request, list(rows.order_by("-created_at", "-pk")[offset : offset + limit]))


@router.post("/hits/{hit_id}/state", response=HitOut, summary="Acknowledge or close a hit")
def hit_state(request: HttpRequest, hit_id: int, payload: StateIn) -> HitOut:
    actor = actor_of(request)
    hit = services.set_hit_state(actor, access.get_hit_for(actor, hit_id), payload.state)
    return _hits_out(request, [hit])[0]


@router.post(
    "/hits/{hit_id}/follow-ups",
    response={201: FollowUpOut},
    summary="Ask the owner of the matching record for more",
)
def follow_up(request: HttpRequest, hit_id: int, payload: MessageIn) -> Status[FollowUpOut]:
    actor = actor_of(request)
    return Status(
        201,
        FollowUpOut.of(services.request_follow_up(actor, access.get_hit_for(actor, hit_id), payload.message)),
    )


@router.get("/follow-ups", response=list[FollowUpOut], summary="Follow-up requests sent and received")
def follow_ups(request: HttpRequest, incoming: bool | None = None) -> list[FollowUpOut]:
    actor = actor_of(request)
    rows = access.follow_ups_for(actor)
    if incoming is not None:
        rows = rows.filter(to_agency=actor.agency) if incoming else rows.filter(from_agency=actor.agency)
    return [FollowUpOut.of(item) for item in rows[:500]]


@router.post("/follow-ups/{follow_up_id}/answer", response=FollowUpOut, summary="Answer a request received")
def answer(request: HttpRequest, follow_up_id: int, payload: AnswerIn) -> FollowUpOut:
    actor = actor_of(request)
    item = access.get_follow_up_for(actor, follow_up_id, answering=True)
    return FollowUpOut.of(services.answer_follow_up(actor, item, payload.answer))


# --- lookups and extraction -----------------------------------------------------------------------------


@router.get("/lookup", response=AnswerOut, summary="Has anyone seen this value? (type optional: guessed)")
def lookup_one(request: HttpRequest, value: str, type: str | None = None) -> dict[str, Any]:
    return AnswerOut.data(lookup(actor_of(request), [(type, value)])[0])


@router.post("/lookup", response=list[AnswerOut], summary="Look up a batch of values (up to 10,000)")
def lookup_batch(request: HttpRequest, payload: LookupIn) -> list[dict[str, Any]]:
    answers = lookup(actor_of(request), [(item.type, item.value) for item in payload.values])
    return [AnswerOut.data(item) for item in answers]


@router.post("/extract", response=dict[str, list[str]], summary="Extract observables from text")
def extract_text(request: HttpRequest, payload: TextIn) -> dict[str, list[str]]:
    actor = actor_of(request)
    return extract(payload.text, payload.country or actor.agency.country_id)
