"""One entry for every format: which one a document is, importing it, and exporting reports or a plain list,
each under the policy and audited. The CLI, the API and the pages all come through here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from lockstep.audit.services import record
from lockstep.directory.models import User
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.exchange import tabular
from lockstep.exchange.misp_services import export_misp, import_misp, plan_misp
from lockstep.exchange.services import Imported, check_exportable, export_stix, import_stix, plan_stix
from lockstep.exchange.stix_import import Plan
from lockstep.intel.models import Report
from lockstep.policy.audience import MarkingSpec
from lockstep.policy.rules import is_operational

FORMATS = ("stix", "misp", "csv")
MEDIA_TYPES = {
    "stix": "application/stix+json;version=2.1",
    "misp": "application/json",
    "csv": "text/csv; charset=utf-8",
}


@dataclass
class Exported:
    format: str
    content: str
    filename: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    def as_response(self) -> HttpResponse:
        """The file as a download."""
        response = HttpResponse(self.content, content_type=self.media_type)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


def detect(data: Any) -> str:
    """``stix`` for a STIX bundle, ``misp`` for MISP events; InvalidInput otherwise."""
    if isinstance(data, dict) and data.get("type") == "bundle":
        return "stix"
    first = data[0] if isinstance(data, list) and data else data
    if isinstance(data, dict) and isinstance(data.get("response"), list):
        return "misp"
    if isinstance(first, dict) and ("Event" in first or "Attribute" in first or "Orgc" in first):
        return "misp"
    raise InvalidInput(
        _("Neither a STIX 2.1 bundle nor MISP events: give one, or name the format."),
        fields={"format": [_("unknown")]},
    )


def parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            _("Not JSON: %(error)s (line %(line)d)") % {"error": exc.msg, "line": exc.lineno},
            fields={"file": [exc.msg]},
        ) from None


def import_document(
    actor: User,
    data: Any,
    *,
    defaults: MarkingSpec,
    format: str = "auto",
    override: bool = False,
    name: str = "",
) -> Imported:
    """Import a STIX bundle or MISP events (``format`` auto-detected unless given), all or nothing."""
    kind = detect(data) if format == "auto" else format
    if kind == "stix":
        return import_stix(actor, data, defaults=defaults, override=override, name=name or "a STIX bundle")
    if kind == "misp":
        return import_misp(actor, data, defaults=defaults, override=override, name=name or "MISP")
    raise InvalidInput(_("Unknown format %(format)s.") % {"format": kind}, fields={"format": [kind]})


def export_reports(
    actor: User, reports: Sequence[Report], format: str, mapping: dict[str, str] | None = None
) -> Exported:
    """The reports as one document: a STIX bundle, MISP events (one event, or a list), or CSV."""
    if format not in FORMATS:
        raise InvalidInput(
            _("Unknown format %(format)s; formats are: %(formats)s")
            % {"format": format, "formats": ", ".join(FORMATS)},
            fields={"format": [format]},
        )
    stem = reports[0].reference if len(reports) == 1 else "lockstep-export"
    if format == "stix":
        return Exported(format, json.dumps(export_stix(actor, reports), indent=1), f"{stem}.stix.json")
    if format == "misp":
        events = export_misp(actor, reports)
        body = events[0] if len(events) == 1 else events
        return Exported(format, json.dumps(body, indent=1), f"{stem}.misp.json")
    check_exportable(actor, reports)
    text = "".join(tabular.csv_text(tabular.csv_rows(reports), mapping))
    record(actor, "exchange.csv_exported", None, reports=[report.reference for report in reports][:1000])
    return Exported(format, text, f"{stem}.csv")


def export_list(actor: User, kind: str) -> list[str]:
    """Every value of ``kind`` the actor may hand to a blocking tool (``tabular.list_values``); audited."""
    if not is_operational(actor):
        raise PermissionDenied()
    values = list(tabular.list_values(actor, kind))
    record(actor, "exchange.list_exported", None, type=kind, values=len(values))
    return values


@dataclass
class Preview:
    """One report an import would create or update, with the Marking it would get."""

    plan: Plan
    marking: MarkingSpec
    exists: bool  # an earlier import made it: the import adds to it

    @property
    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for item in self.plan.observables:
            found[item.kind] = found.get(item.kind, 0) + 1
        return dict(sorted(found.items()))


def preview_document(
    actor: User, data: Any, *, defaults: MarkingSpec, format: str = "auto", override: bool = False
) -> list[Preview]:
    """What ``import_document`` would do, without writing anything (the import page's preview)."""
    kind = detect(data) if format == "auto" else format
    if kind == "stix":
        _count, plans, specs = plan_stix(actor, data, defaults=defaults, override=override)
    elif kind == "misp":
        plans, specs, _pieces = plan_misp(actor, data, defaults=defaults, override=override)
    else:
        raise InvalidInput(_("Unknown format %(format)s.") % {"format": kind}, fields={"format": [kind]})
    existing = set(
        Report.objects.filter(
            owner=actor.agency, external_ref__in=[plan.stix_id for plan in plans]
        ).values_list("external_ref", flat=True)
    )
    return [Preview(plan, spec, plan.stix_id in existing) for plan, spec in zip(plans, specs, strict=True)]
