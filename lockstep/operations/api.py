"""Operations API: launch and run an operation, its participants, infrastructure (bulk import, filtered pages,
bulk state changes, CSV export) and results (report, correct, dashboard, press sentence)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from lockstep.accounts.actor import actor_of
from lockstep.audit.services import record
from lockstep.directory.models import Agency
from lockstep.errors import InvalidInput
from lockstep.exchange.documents import Exported
from lockstep.notices.printing import pdf_response
from lockstep.operations import services
from lockstep.operations.models import COUNTS, InfrastructureItem, Operation, Target, Task
from lockstep.operations.printing import operation_pdf
from lockstep.operations.results import dashboard, press_figures, write_csv

router = Router(tags=["operations"])


class PhaseIn(Schema):
    kind: str = Field(description="preparation, action or follow_up")
    starts_on: datetime.date
    ends_on: datetime.date


class OperationIn(Schema):
    code_name: str
    objectives: str
    crime_focus: str
    co_leads: list[str] = Field(default_factory=list, description="agency codes")
    participants: list[str] = Field(default_factory=list, description="agency codes")
    partners: list[str] = Field(default_factory=list, description="partner agency codes")
    phases: list[PhaseIn] = Field(default_factory=list)


class ParticipantOut(Schema):
    agency: str
    role: str
    joined_at: datetime.datetime


class OperationOut(Schema):
    code_name: str
    objectives: str
    crime_focus: str
    lead: str
    status: str
    community: str
    participants: list[ParticipantOut]
    phases: list[PhaseIn]

    @staticmethod
    def of(operation: Operation) -> OperationOut:
        return OperationOut(
            code_name=operation.code_name,
            objectives=operation.objectives,
            crime_focus=operation.crime_focus,
            lead=operation.lead.code,
            status=operation.status,
            community=operation.community.code,
            participants=[
                ParticipantOut(agency=p.agency.code, role=p.role, joined_at=p.joined_at)
                for p in operation.participants.select_related("agency")
            ],
            phases=[
                PhaseIn(kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on) for p in operation.phases.all()
            ],
        )


def _agencies(codes: list[str], field: str) -> list[Agency]:
    found = {agency.code: agency for agency in Agency.objects.filter(code__in=codes)}
    missing = sorted(set(codes) - set(found))
    if missing:
        raise InvalidInput(
            _("Unknown agencies: %(codes)s") % {"codes": ", ".join(missing)}, fields={field: missing}
        )
    return [found[code] for code in codes]


@router.post("/operations", response={201: OperationOut}, summary="A coordinator launches an operation")
def launch(request: HttpRequest, payload: OperationIn) -> Status:
    operation = services.launch_operation(
        actor_of(request),
        code_name=payload.code_name,
        objectives=payload.objectives,
        crime_focus=payload.crime_focus,
        co_leads=_agencies(payload.co_leads, "co_leads"),
        participants=_agencies(payload.participants, "participants"),
        partners=_agencies(payload.partners, "partners"),
        phases=[services.PhaseSpec(p.kind, p.starts_on, p.ends_on) for p in payload.phases],
    )
    return Status(201, OperationOut.of(operation))


@router.get(
    "/operations", response=list[OperationOut], summary="The operations the caller's agency takes part in"
)
def listing(request: HttpRequest) -> list[OperationOut]:
    return [OperationOut.of(operation) for operation in services.operations_for(actor_of(request))[:200]]


@router.get("/operations/{code_name}", response=OperationOut, summary="One operation")
def detail(request: HttpRequest, code_name: str) -> OperationOut:
    return OperationOut.of(services.get_operation_for(actor_of(request), code_name))


class ParticipantIn(Schema):
    agency: str
    role: str = Field("participant", description="co_lead, participant or partner")


@router.post(
    "/operations/{code_name}/participants",
    response=OperationOut,
    summary="Coordinators of the lead and co-leading bodies: an agency joins or changes role",
)
def join(request: HttpRequest, code_name: str, payload: ParticipantIn) -> OperationOut:
    actor = actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    services.add_participant(actor, operation, _agencies([payload.agency], "agency")[0], payload.role)
    return OperationOut.of(operation)


class TaskIn(Schema):
    agency: str
    text: str
    due_on: datetime.date | None = None


class TaskOut(Schema):
    id: int
    agency: str
    text: str
    due_on: datetime.date | None
    done_at: datetime.datetime | None

    @staticmethod
    def of(task: Task) -> TaskOut:
        return TaskOut(
            id=task.pk, agency=task.agency.code, text=task.text, due_on=task.due_on, done_at=task.done_at
        )


class ValueIn(Schema):
    kind: str = Field(description="an intel type: domain, url, ipv4, phone, wallet, handle, iban...")
    value: str


class TargetIn(Schema):
    kind: str = Field(description="suspect, group or infrastructure")
    name: str
    description: str = ""
    allocated_to: str = Field("", description="the code of a participating agency")
    values: list[ValueIn] = Field(default_factory=list)
    reports: list[str] = Field(default_factory=list, description="references of reports the caller may see")
    notices: list[str] = Field(default_factory=list, description="references of notices the caller may see")


class TargetOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    allocated_to: str
    values: list[ValueIn]
    reports: list[str] = Field(description="the linked reports the caller may see")
    notices: list[str] = Field(description="the linked notices the caller may see")
    tasks: list[TaskOut]

    @staticmethod
    def of(actor: Any, target: Target) -> TargetOut:
        reports, notices = services.linked_for(actor, target)
        return TargetOut(
            id=target.pk,
            kind=target.kind,
            name=target.name,
            description=target.description,
            allocated_to=target.allocated_to.code if target.allocated_to else "",
            values=[ValueIn(kind=v.kind, value=v.value) for v in target.values.all()],
            reports=reports,
            notices=notices,
            tasks=[TaskOut.of(task) for task in target.tasks.all()],
        )


@router.get("/operations/{code_name}/targets", response=list[TargetOut], summary="The operation's targets")
def targets(request: HttpRequest, code_name: str) -> list[TargetOut]:
    actor = actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    return [TargetOut.of(actor, target) for target in services.targets_of(operation)]


@router.post(
    "/operations/{code_name}/targets",
    response={201: TargetOut},
    summary="Coordinators running the operation add a target, linked to intel values, reports and notices",
)
def add_target(request: HttpRequest, code_name: str, payload: TargetIn) -> Status:
    actor = actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    target = services.add_target(
        actor,
        operation,
        kind=payload.kind,
        name=payload.name,
        description=payload.description,
        allocated_to=_agencies([payload.allocated_to], "allocated_to")[0] if payload.allocated_to else None,
        values=[(v.kind, v.value) for v in payload.values],
        reports=payload.reports,
        notices=payload.notices,
    )
    return Status(201, TargetOut.of(actor, services.targets_of(operation).get(pk=target.pk)))


@router.post(
    "/operations/{code_name}/targets/{target_id}/tasks",
    response={201: TaskOut},
    summary="Coordinators running the operation give a task on a target to a participating agency",
)
def add_task(request: HttpRequest, code_name: str, target_id: int, payload: TaskIn) -> Status:
    actor = actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    task = services.add_task(
        actor,
        services.get_target(operation, target_id),
        _agencies([payload.agency], "agency")[0],
        payload.text,
        payload.due_on,
    )
    return Status(201, TaskOut.of(task))


@router.post(
    "/operations/{code_name}/tasks/{task_id}/done",
    response=TaskOut,
    summary="The agency the task is given to (or those running the operation) marks it done",
)
def task_done(request: HttpRequest, code_name: str, task_id: int) -> TaskOut:
    actor = actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    return TaskOut.of(services.complete_task(actor, services.get_task(operation, task_id)))


class ImportIn(Schema):
    items: list[dict[str, Any]] = Field(
        description='{"kind", "value", "provider"?, "registrar"?, "asn"?, "country"?, "state"?, "evidence_ref"?}'
    )


class ImportOut(Schema):
    read: int
    created: int
    already: int


@router.post(
    "/operations/{code_name}/infrastructure",
    response=ImportOut,
    summary="Participants: infrastructure items in bulk (every item checked first; each value once)",
)
def import_items(request: HttpRequest, code_name: str, payload: ImportIn) -> ImportOut:
    actor = actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    summary = services.import_infrastructure(actor, operation, payload.items)
    return ImportOut(read=summary.read, created=summary.created, already=summary.already)


class ItemOut(Schema):
    id: int
    kind: str
    value: str
    provider: str
    registrar: str
    asn: int | None
    country: str
    state: str
    identified_on: datetime.date
    requested_on: datetime.date | None
    closed_on: datetime.date | None
    evidence_ref: str
    agency: str


class ItemsOut(Schema):
    items: list[ItemOut]
    next_after: int | None = Field(description="pass as after= for the next page; null on the last")


@router.get(
    "/operations/{code_name}/infrastructure",
    response=ItemsOut,
    summary="Participants: infrastructure items, filtered, in pages (keyset: after=)",
)
def items(
    request: HttpRequest,
    code_name: str,
    kind: str = "",
    state: str = "",
    country: str = "",
    search: str = "",
    after: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=1000),
) -> ItemsOut:
    actor = actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    rows = list(
        services.infrastructure_items(operation, kind, state, country, search)
        .filter(id__gt=after)
        .select_related("agency")
        .order_by("id")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return ItemsOut(
        items=[ItemOut(**_item(row)) for row in rows], next_after=rows[-1].id if more and rows else None
    )


def _item(row: InfrastructureItem) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "value": row.value,
        "provider": row.provider,
        "registrar": row.registrar,
        "asn": row.asn,
        "country": row.country,
        "state": row.state,
        "identified_on": row.identified_on,
        "requested_on": row.requested_on,
        "closed_on": row.closed_on,
        "evidence_ref": row.evidence_ref,
        "agency": row.agency.code,
    }


class StateIn(Schema):
    state: str = Field(description="identified, requested, taken_down, refused or no_response")
    ids: list[int] = Field(default_factory=list, description="these items; or, when empty, all that match:")
    kind: str = ""
    from_state: str = ""
    country: str = ""
    evidence_ref: str = ""
    on: datetime.date | None = None


class StateOut(Schema):
    changed: int


@router.post(
    "/operations/{code_name}/infrastructure/state",
    response=StateOut,
    summary="Participants: move items (by id, or all that match the filters) to a takedown state",
)
def change(request: HttpRequest, code_name: str, payload: StateIn) -> StateOut:
    actor = actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    rows = services.infrastructure_items(operation, payload.kind, payload.from_state, payload.country, "")
    if payload.ids:
        rows = rows.filter(id__in=payload.ids[:100_000])
    elif not (payload.kind or payload.from_state or payload.country):
        raise InvalidInput(_("Name the items: ids, or at least one filter."), fields={"ids": [_("required")]})
    count = services.change_state(
        actor, operation, rows, payload.state, evidence_ref=payload.evidence_ref, on=payload.on
    )
    return StateOut(changed=count)


@router.get(
    "/operations/{code_name}/infrastructure.csv",
    summary="Participants: the infrastructure items that match, as CSV",
    response={200: None},
)
def export(
    request: HttpRequest, code_name: str, kind: str = "", state: str = "", country: str = ""
) -> HttpResponse:
    actor = actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    out = io.StringIO()
    fields = list(ItemOut.model_fields)
    writer = csv.writer(out)
    writer.writerow(fields)
    count = 0
    columns = ["agency__code" if name == "agency" else name for name in fields]
    for row in (
        services.infrastructure_items(operation, kind, state, country, "")
        .order_by("id")
        .values_list(*columns)
        .iterator(chunk_size=5000)
    ):
        writer.writerow(row)
        count += 1
    record(actor, "operation.infrastructure_exported", operation, items=count, state=state, country=country)
    return Exported("csv", out.getvalue(), f"{operation.code_name}-infrastructure.csv").as_response()


class MoneyIn(Schema):
    kind: str = Field(description="seized, recovered, intercepted or losses")
    amount: Decimal
    currency: str
    usd_rate: Decimal = Field(description="USD for one unit of the currency")
    rate_date: datetime.date


class ResultsIn(Schema):
    counts: dict[str, Any] = Field(description=", ".join(name for name, _label in COUNTS))
    money: list[MoneyIn] = Field(default_factory=list)
    note: str = ""
    correction_reason: str = Field("", description="required when the agency has reported already")


class ResultsOut(Schema):
    agency: str
    version: int
    counts: dict[str, int]


@router.post(
    "/operations/{code_name}/results",
    response=ResultsOut,
    summary="A participating agency reports (or corrects) its country's results",
)
def report(request: HttpRequest, code_name: str, payload: ResultsIn) -> ResultsOut:
    actor = actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    saved = services.report_results(
        actor,
        operation,
        counts=payload.counts,
        money=[services.Money(m.kind, m.amount, m.currency, m.usd_rate, m.rate_date) for m in payload.money],
        note=payload.note,
        correction_reason=payload.correction_reason,
    )
    return ResultsOut(agency=actor.agency.code, version=saved.version, counts=saved.counts)


@router.get(
    "/operations/{code_name}/dashboard",
    response=dict[str, Any],
    summary="The figures: totals, per country, over time, infrastructure per state, and the press sentence",
)
def figures(request: HttpRequest, code_name: str) -> dict[str, Any]:
    operation = services.get_operation_for(actor_of(request), code_name)
    numbers = dashboard(operation)
    return {
        **numbers,
        "usd": {kind: str(amount) for kind, amount in numbers["usd"].items()},
        "countries": [
            {
                **row,
                "usd": {kind: str(amount) for kind, amount in row["usd"].items()},
                "money": [
                    {**line, **{key: str(line[key]) for key in ("amount", "usd_rate", "usd")}}
                    for line in row["money"]
                ],
            }
            for row in numbers["countries"]
        ],
        "press": press_figures(operation, numbers),
    }


@router.get(
    "/operations/{code_name}/results.csv",
    response={200: None},
    summary="The results per country and the totals as CSV (audited)",
)
def results_csv(request: HttpRequest, code_name: str) -> HttpResponse:
    actor = actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    out = io.StringIO()
    rows = write_csv(dashboard(operation), out)
    record(actor, "operation.results_exported", operation, rows=rows)
    return Exported("csv", out.getvalue(), f"{operation.code_name}-results.csv").as_response()


@router.get(
    "/operations/{code_name}/report.pdf",
    response={200: None},
    summary="The operation report as PDF, in the caller's language (audited)",
)
def report_pdf(request: HttpRequest, code_name: str) -> HttpResponse:
    filename, body = operation_pdf(actor_of(request), code_name)
    return pdf_response(filename, body)
