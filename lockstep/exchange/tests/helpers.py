"""Shared by the exchange tests: load a bundle from tests/data, describe what an import stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lockstep.accounts.services import create_token
from lockstep.exchange.services import Imported, import_stix
from lockstep.policy.audience import MarkingSpec

DATA = Path(__file__).parent / "data"


def bearer(user: Any) -> dict[str, str]:
    """Request headers carrying a fresh read-write API token of ``user``."""
    value = create_token(None, user, name="exchange", scope="read-write", days=1)[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())


def import_as(user: Any, bundle: dict[str, Any], **marking: Any) -> Imported:
    defaults = MarkingSpec(owner=user.agency, **{"tlp": "amber", "audience": "members", **marking})
    return import_stix(user, bundle, defaults=defaults)


def describe(imported: Imported) -> list[dict[str, Any]]:
    """The Lockstep view of an import: what a golden file states."""
    out = []
    for submission in imported.submissions:
        report = submission.report
        marking = report.marking
        out.append(
            {
                "title": report.title,
                "crime_type": report.crime_type,
                "summary": report.summary,
                "tlp": marking.tlp,
                "audience": marking.audience,
                "conditions": marking.conditions,
                "observables": [
                    [row.kind, row.value, row.context] for row in report.observables.order_by("kind", "value")
                ],
                "kept": sorted(row.stix_id.split("--")[0] for row in report.stix_objects.all()),
            }
        )
    return out
