"""MISP actions: import events (a file, a feed, a MISP server's answer) as the actor's agency's reports, export
reports as events and as a complete MISP feed, each under the policy and audited."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lockstep.audit.services import record
from lockstep.directory.models import Agency, User
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.exchange import misp, misp_export
from lockstep.exchange.models import MispKept
from lockstep.exchange.services import Imported, check_exportable, check_values, plan_marking, store_plans
from lockstep.exchange.stix_import import Plan
from lockstep.exchange.taxii_store import deferred
from lockstep.intel.models import Report
from lockstep.policy.audience import MarkingSpec, check_marking
from lockstep.policy.models import Community
from lockstep.policy.rules import is_operational

Pieces = dict[str, list[tuple[str, str, dict[str, Any]]]]  # per plan: (uuid, part, body) kept as sent


def _audience(handling: dict[str, Any]) -> None:
    """A sharing group becomes the Lockstep community of that name, else the agencies it names, else the owner
    alone: what cannot be matched is never shared wider than it was."""
    group = handling.pop("sharing_group", None)
    if group is None:
        return
    if Community.objects.filter(code=group["name"]).exists():
        handling |= {"audience": "community", "community": group["name"]}
        return
    by_uuid = {
        misp_export.agency_org(agency)["uuid"]: agency.code for agency in Agency.objects.only("code", "name")
    }
    codes = {by_uuid[key] for key in group["uuids"] if key in by_uuid}
    codes |= set(Agency.objects.filter(code__in=group["orgs"]).values_list("code", flat=True))
    handling |= {"audience": "recipients", "recipients": sorted(codes)} if codes else {"audience": "owner"}


def _keeper(pieces: Pieces) -> Callable[[Report, Plan, bool], int]:
    def keep(report: Report, plan: Plan, new: bool) -> int:
        stored = {} if new else {(row.part, row.uuid): row for row in report.misp_kept.all()}
        fresh = []
        for key, part, body in pieces[plan.stix_id]:
            row = stored.get((part, key))
            if row is None:
                fresh.append(MispKept(report=report, uuid=key, part=part, body=body))
            elif row.body != body:
                row.body = body
                row.save(update_fields=["body"])
        MispKept.objects.bulk_create(fresh, batch_size=1000)
        return len(pieces[plan.stix_id])

    return keep


def plan_misp(
    actor: User, data: Any, *, defaults: MarkingSpec, override: bool = False
) -> tuple[list[Plan], list[MarkingSpec], Pieces]:
    """What ``import_misp`` would store (one plan and Marking per event, the pieces kept as sent), or the
    error it would raise; nothing is written."""
    if not is_operational(actor):
        raise PermissionDenied()
    plans: list[Plan] = []
    pieces: Pieces = {}
    for event in misp.events_of(data):
        planned = misp.plan_event(event)
        _audience(planned.plan.handling)
        plans.append(planned.plan)
        pieces[planned.plan.stix_id] = planned.kept
    check_values(actor, plans, "events")
    specs = [plan_marking(actor, plan, defaults, override) for plan in plans]
    for plan, spec in zip(plans, specs, strict=True):
        try:
            check_marking(spec)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, fields={f"events.{plan.stix_id}": [exc.message]}) from None
    return plans, specs, pieces


def import_misp(
    actor: User, data: Any, *, defaults: MarkingSpec, override: bool = False, name: str = "MISP"
) -> Imported:
    """Store MISP events (one, a list, or a restSearch answer) as the actor's agency's reports, or refuse all
    of them with every offending attribute named. An event imported before (same uuid, whether it came as MISP
    or as STIX) is updated. A partner's reports are held for the General Secretariat's validation."""
    plans, specs, pieces = plan_misp(actor, data, defaults=defaults, override=override)
    with transaction.atomic(), deferred():
        result = store_plans(actor, plans, specs, _keeper(pieces))
        record(
            actor,
            "exchange.misp_imported",
            None,
            source=name[:200],
            events=[plan.stix_id.removeprefix("report--") for plan in plans][:1000],
            reports=[submission.report.reference for submission in result.submissions][:1000],
            created=result.created,
            updated=result.updated,
        )
    return result


def export_misp(actor: User, reports: Sequence[Report]) -> list[dict[str, Any]]:
    """The reports as MISP events, if the policy lets every one of them out; audited."""
    check_exportable(actor, reports)
    events = [misp_export.event(report) for report in reports]
    record(actor, "exchange.misp_exported", None, reports=[report.reference for report in reports][:1000])
    return events


def write_feed(actor: User, reports: Sequence[Report], directory: Path) -> int:
    """A complete MISP feed in ``directory`` (``manifest.json``, ``hashes.csv``, one file per event) of the
    reports, if the policy lets every one of them out; audited. Returns the number of events."""
    check_exportable(actor, reports)
    directory.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {}
    with (directory / "hashes.csv").open("w", encoding="utf-8") as hashes:
        for report in reports:
            item = misp_export.feed_event(report)
            (directory / f"{item.uuid}.json").write_text(json.dumps(item.body, indent=1), encoding="utf-8")
            manifest[item.uuid] = item.manifest
            hashes.writelines(misp_export.hashes_csv([item]))
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    record(
        actor,
        "exchange.misp_feed_written",
        None,
        reports=[report.reference for report in reports][:1000],
        events=len(manifest),
    )
    return len(manifest)


def import_feed(actor: User, directory: Path, *, defaults: MarkingSpec, override: bool = False) -> Imported:
    """Every event of a MISP feed directory (its ``manifest.json``), oldest first, each event all or nothing;
    an event that fails stops the import with what came before it stored."""
    manifest_path = directory / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            _("%(path)s is not a MISP feed manifest: %(error)s") % {"path": manifest_path, "error": exc},
            fields={"file": [str(manifest_path)]},
        ) from None
    total = Imported([])
    for _stamp, key in misp.feed_order(manifest):
        try:
            data = json.loads((directory / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InvalidInput(
                _("Event %(uuid)s of the feed cannot be read: %(error)s") % {"uuid": key, "error": exc},
                fields={f"events.{key}": [str(exc)]},
            ) from None
        result = import_misp(actor, data, defaults=defaults, override=override, name=str(directory))
        total.submissions += result.submissions
        total.created += result.created
        total.updated += result.updated
        total.kept += result.kept
    return total
