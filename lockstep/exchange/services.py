"""Exchange actions: import a STIX bundle as reports (correlated like any submission), export reports as
STIX, each under the policy and audited."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lockstep.audit.services import record
from lockstep.directory.models import Agency, User
from lockstep.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from lockstep.exchange import stix_export
from lockstep.exchange.collections import Collection
from lockstep.exchange.models import KeptObject, TaxiiObject
from lockstep.exchange.stix_import import Plan, check_bundle, invalid_bundle, plan_bundle
from lockstep.exchange.taxii_store import deferred, refresh
from lockstep.intel.ingest import prepare
from lockstep.intel.models import Report, ReportStatus
from lockstep.intel.services import (
    Submission,
    add_observables,
    remove_observable,
    submit_report,
    withdraw_report,
)
from lockstep.intel.warninglists import load_index
from lockstep.policy.audience import MarkingSpec, check_marking
from lockstep.policy.models import TLP, Audience, Community
from lockstep.policy.rules import can, is_operational


@dataclasses.dataclass
class Imported:
    """What one bundle became."""

    submissions: list[Submission]
    created: int = 0
    updated: int = 0
    kept: int = 0


def plan_marking(actor: User, plan: Plan, defaults: MarkingSpec, override: bool) -> MarkingSpec:
    """The bundle's own handling where it states one (TLP, and Lockstep's extension), the caller's defaults
    for the rest; with ``override`` the caller's marking as given."""
    if override:
        return dataclasses.replace(defaults, owner=actor.agency)
    spec = dataclasses.replace(defaults, owner=actor.agency, tlp=plan.tlp or defaults.tlp)
    handling = plan.handling
    for name in ("no_judicial_use", "no_onward_dissemination"):
        if isinstance(handling.get(name), bool):
            setattr(spec, name, handling[name] or getattr(defaults, name))
    for name in ("source_reliability", "info_credibility", "purpose"):
        if isinstance(handling.get(name), str) and handling[name]:
            setattr(spec, name, handling[name][:300])
    conditions = [spec.conditions, str(handling.get("conditions", "")), *plan.statements]
    spec.conditions = "\n".join(part for part in conditions if part)
    audience = handling.get("audience")
    if audience in (Audience.OWNER, Audience.MEMBERS, Audience.EVERYONE):
        spec.audience, spec.recipients, spec.community = audience, [], None
    elif audience == Audience.RECIPIENTS:
        found = list(Agency.objects.filter(code__in=handling.get("recipients") or []))
        if found:
            spec.audience, spec.recipients, spec.community = audience, found, None
    elif audience == Audience.COMMUNITY:
        community = Community.objects.filter(code=handling.get("community", "")).first()
        if community is not None:
            spec.audience, spec.recipients, spec.community = audience, [], community
    review = handling.get("review_at")
    if isinstance(review, str):
        try:
            when = datetime.date.fromisoformat(review)
        except ValueError:
            when = None
        if when and when >= timezone.now().date():
            spec.review_at = when
    if spec.tlp == TLP.RED and spec.audience not in (Audience.OWNER, Audience.RECIPIENTS):
        spec.audience, spec.community = Audience.OWNER, None  # RED goes to named recipients at most
    return spec


def check_values(actor: User, plans: list[Plan], prefix: str = "objects") -> None:
    """Every value the bundle carries must be valid, or nothing is imported."""
    errors: dict[str, list[str]] = {}
    warn = load_index()
    for plan in plans:
        _prepared, rejected = prepare(plan.observables, country=actor.agency.country_id, warn=warn)
        for item in rejected:
            errors.setdefault(plan.sources[item.index], []).append(
                _("%(type)s %(value)r: %(reason)s")
                % {"type": item.kind, "value": item.value, "reason": item.reason}
            )
    if errors:
        raise invalid_bundle(
            errors, _("%(count)d objects carry values Lockstep refuses; nothing was imported."), prefix
        )


def _keep(report: Report, objects: Sequence[dict[str, Any]], *, new: bool = False) -> int:
    stored = {} if new else {row.stix_id: row for row in report.stix_objects.all()}
    fresh = []
    for obj in objects:
        row = stored.get(obj["id"])
        if row is None:
            fresh.append(KeptObject(report=report, stix_id=obj["id"], stix_type=obj["type"], body=obj))
        elif str(obj.get("modified", "")) >= str(row.body.get("modified", "")) and row.body != obj:
            row.body = obj
            row.save(update_fields=["body"])
    KeptObject.objects.bulk_create(fresh, batch_size=1000)
    return len(objects)


def plan_stix(
    actor: User,
    data: Any,
    *,
    defaults: MarkingSpec,
    override: bool = False,
    name: str = "a STIX bundle",
    collection: Collection | None = None,
    complete: bool = True,
    loose_ref: str = "",
) -> tuple[int, list[Plan], list[MarkingSpec]]:
    """What ``import_stix`` would store (object count, one plan and Marking per report), or the error it would
    raise; nothing is written. The import page shows it as a preview."""
    if not is_operational(actor):
        raise PermissionDenied()
    objects = check_bundle(data, complete=complete)
    plans = plan_bundle(objects, name, loose_ref)
    check_values(actor, plans)
    specs = [plan_marking(actor, plan, defaults, override) for plan in plans]
    for plan, spec in zip(plans, specs, strict=True):
        if collection is not None:
            if spec.tlp == TLP.RED:
                raise InvalidInput(
                    _("TLP:RED data is never shared through a TAXII collection."),
                    fields={f"objects.{plan.stix_id}": [_("TLP:RED")]},
                )
            spec.audience, spec.community, spec.recipients = collection.audience, collection.community, []
        try:
            check_marking(spec)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, fields={f"objects.{plan.stix_id}": [exc.message]}) from None
    return len(objects), plans, specs


def import_stix(
    actor: User,
    data: Any,
    *,
    defaults: MarkingSpec,
    override: bool = False,
    name: str = "a STIX bundle",
    collection: Collection | None = None,
    complete: bool = True,
    loose_ref: str = "",
) -> Imported:
    """Store a STIX 2.1 bundle as the actor's agency's reports, or refuse all of it with every offending
    object named. A report already imported (same STIX id) is updated: new values added, objects refreshed.
    Objects added to a TAXII ``collection`` take its audience, whatever the bundle says. A partner's reports are
    held for the General Secretariat's validation (``exchange.validation``) before anyone else sees them."""
    count, plans, specs = plan_stix(
        actor,
        data,
        defaults=defaults,
        override=override,
        name=name,
        collection=collection,
        complete=complete,
        loose_ref=loose_ref,
    )
    with transaction.atomic(), deferred():  # one TAXII refresh per report, once its kept objects are stored
        result = store_plans(actor, plans, specs, lambda report, plan, new: _keep(report, plan.kept, new=new))
        record(
            actor,
            "exchange.stix_imported",
            None,
            bundle=str(data.get("id", ""))[:100],
            objects=count,
            reports=[submission.report.reference for submission in result.submissions],
            created=result.created,
            updated=result.updated,
        )
    return result


def store_plans(
    actor: User,
    plans: Sequence[Plan],
    specs: Sequence[MarkingSpec],
    keep: Callable[[Report, Plan, bool], int],
) -> Imported:
    """Create or update (same external reference) one report per plan, in the caller's transaction; ``keep``
    stores what the format brought beside the values (told whether the report is new)."""
    result = Imported([])
    for plan, spec in zip(plans, specs, strict=True):
        report = Report.objects.filter(owner=actor.agency, external_ref=plan.stix_id).first()
        if report is not None and report.status != ReportStatus.ACTIVE:
            raise Conflict(
                _("Report %(reference)s (%(id)s) was withdrawn or is still importing; nothing was imported.")
                % {"reference": report.reference, "id": plan.stix_id}
            )
        if report is not None:
            submission = add_observables(actor, report, plan.observables)
            result.updated += 1
        else:
            submission = submit_report(
                actor,
                title=plan.title,
                crime_type=plan.crime_type,
                marking=spec,
                observables=plan.observables,
                summary=plan.summary,
                text=plan.text,
                external_ref=plan.stix_id,
            )
            result.created += 1
        result.kept += keep(submission.report, plan, report is None)
        refresh(submission.report)
        result.submissions.append(submission)
    return result


def delete_taxii_object(actor: User, rows: QuerySet[TaxiiObject], object_id: str) -> None:
    """TAXII DELETE: the owner takes an object out. A report is withdrawn, a value removed from its report, a
    kept object dropped; shared objects (identities, TLP markings) are not anyone's to delete."""
    found = list(rows.select_related("report__marking", "report__owner", "observable", "kept"))
    if not found:
        raise NotFound()
    own = [row for row in found if row.report is not None and row.report.owner_id == actor.agency_id]
    if not own or not all(
        can(actor, "marking.change", row.report.marking) for row in own if row.report is not None
    ):
        raise PermissionDenied(_("Only the agency that owns an object deletes it."))
    with transaction.atomic():
        for row in own:
            report = row.report
            assert report is not None
            if row.part == "report":
                withdraw_report(actor, report, _("Deleted through TAXII"))
            elif row.observable is not None:
                remove_observable(actor, report, row.observable)
            elif row.kept is not None:
                row.kept.delete()
                record(actor, "exchange.stix_object_deleted", report, stix_id=object_id)
                refresh(report)


def check_exportable(actor: User, reports: Sequence[Report]) -> None:
    """PermissionDenied naming the reports the policy keeps in (TLP:RED, the owner's conditions)."""
    refused = [report.reference for report in reports if not can(actor, "marking.export", report.marking)]
    if refused:
        raise PermissionDenied(
            _("These reports may not be exported (TLP:RED, or the owner's conditions): %(refs)s")
            % {"refs": ", ".join(refused[:20])}
        )


def export_stix(actor: User, reports: Sequence[Report]) -> dict[str, Any]:
    """A STIX 2.1 bundle of the reports, if the policy lets every one of them out (never TLP:RED, never data
    whose owner forbade onward dissemination), audited."""
    check_exportable(actor, reports)
    bundle = stix_export.bundle(reports)
    record(
        actor,
        "exchange.stix_exported",
        None,
        reports=[report.reference for report in reports][:1000],
        objects=len(bundle["objects"]),
    )
    return bundle
