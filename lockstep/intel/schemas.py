"""Schemas of the intel API."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

from lockstep.intel.ingest import Rejected
from lockstep.intel.lookup import Answer
from lockstep.intel.models import FollowUp, Report
from lockstep.policy.api import MarkingIn


class ObservableIn(Schema):
    type: str
    value: str
    context: str = ""
    first_seen: datetime.datetime | None = None
    last_seen: datetime.datetime | None = None


class ReportIn(Schema):
    title: str
    crime_type: str
    summary: str = ""
    text: str = ""
    external_ref: str = ""
    notify_on_lookup: bool = False
    marking: MarkingIn = MarkingIn()
    observables: list[ObservableIn] = Field(default_factory=list, max_length=100_000)
    all_or_nothing: bool = False


class ObservablesIn(Schema):
    observables: list[ObservableIn] = Field(max_length=100_000)
    all_or_nothing: bool = False


class MarkingOut(Schema):
    tlp: str
    audience: str
    no_judicial_use: bool
    no_onward_dissemination: bool
    conditions: str
    grading: str
    review_at: datetime.date | None


class ReportOut(Schema):
    reference: str
    owner: str
    title: str
    crime_type: str
    summary: str
    text: str
    status: str
    marking: MarkingOut
    created_at: datetime.datetime

    @staticmethod
    def of(report: Report) -> ReportOut:
        marking = report.marking
        return ReportOut(
            reference=report.reference,
            owner=report.owner.code,
            title=report.title,
            crime_type=report.crime_type,
            summary=report.summary,
            text=report.text,
            status=report.status,
            created_at=report.created_at,
            marking=MarkingOut(
                tlp=marking.tlp,
                audience=marking.audience,
                no_judicial_use=marking.no_judicial_use,
                no_onward_dissemination=marking.no_onward_dissemination,
                conditions=marking.conditions,
                grading=marking.grading,
                review_at=marking.review_at,
            ),
        )


class RejectedOut(Schema):
    index: int
    type: str
    value: str
    reason: str

    @staticmethod
    def of(item: Rejected) -> RejectedOut:
        return RejectedOut(index=item.index, type=item.kind, value=item.value, reason=item.reason)


class SubmissionOut(Schema):
    report: ReportOut
    added: int
    rejected: list[RejectedOut]
    hits: int


class ObservableOut(Schema):
    type: str
    value: str
    context: str
    first_seen: datetime.datetime | None
    last_seen: datetime.datetime | None
    suppressed: str


class ReportChange(Schema):
    title: str | None = None
    crime_type: str | None = None
    summary: str | None = None
    text: str | None = None
    notify_on_lookup: bool | None = None
    review_at: datetime.date | None = None


class WithdrawIn(Schema):
    reason: str


class OtherOut(Schema):
    agency: str
    reference: str
    tlp: str
    no_judicial_use: bool
    no_onward_dissemination: bool
    conditions: str = Field(description="the originator's other handling conditions (always disclosed)")
    visible: bool = Field(description="false: only that a match exists, its owner, reference and handling")
    title: str
    context: str
    crime_type: str


class HitOut(Schema):
    id: int
    state: str
    type: str
    value: str
    report: str
    other: OtherOut
    created_at: datetime.datetime


class StateIn(Schema):
    state: str


class MessageIn(Schema):
    message: str


class AnswerIn(Schema):
    answer: str


class FollowUpOut(Schema):
    id: int
    hit: int
    from_agency: str
    to_agency: str
    reference: str
    message: str
    status: str
    answer: str
    created_at: datetime.datetime
    answered_at: datetime.datetime | None

    @staticmethod
    def of(item: FollowUp) -> FollowUpOut:
        return FollowUpOut(
            id=item.pk,
            hit=item.hit_id,
            from_agency=item.from_agency.code,
            to_agency=item.to_agency.code,
            reference=item.hit.other.report.reference,
            message=item.message,
            status=item.status,
            answer=item.answer,
            created_at=item.created_at,
            answered_at=item.answered_at,
        )


class QueryIn(Schema):
    type: str | None = None
    value: str


class LookupIn(Schema):
    values: list[QueryIn] = Field(max_length=10_000)


class MatchOut(Schema):
    agency: str
    reference: str
    tlp: str
    visible: bool
    title: str
    context: str


class AnswerOut(Schema):
    query: str
    type: str
    value: str
    error: str
    warninglist: str
    too_common: int
    matches: list[MatchOut]

    @staticmethod
    def data(item: Answer) -> dict[str, Any]:
        """Plain data, validated once against this schema on the way out (building the models first and then
        validating them again costs a third of a 10,000-value batch)."""
        return {
            "query": item.query,
            "type": item.kind,
            "value": item.value,
            "error": item.error,
            "warninglist": item.warninglist,
            "too_common": item.too_common,
            "matches": [
                {
                    "agency": m.agency,
                    "reference": m.reference,
                    "tlp": m.tlp,
                    "visible": m.visible,
                    "title": m.title,
                    "context": m.context,
                }
                for m in item.matches
            ],
        }


class TextIn(Schema):
    text: str = Field(max_length=5_000_000)
    country: str | None = None
