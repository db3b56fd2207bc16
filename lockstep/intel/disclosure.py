"""What one side of a hit may know about the other record: all of it if its Marking allows, otherwise only
that it exists, who owns it, its reference and its handling (hit / no-hit)."""

from __future__ import annotations

from dataclasses import dataclass

from lockstep.directory.models import User
from lockstep.intel.models import Hit
from lockstep.policy.rules import visible_among


@dataclass
class OtherSide:
    agency: str
    reference: str
    tlp: str
    no_judicial_use: bool
    no_onward_dissemination: bool
    conditions: str
    visible: bool
    title: str = ""
    context: str = ""
    crime_type: str = ""


def other_sides(actor: User, hits: list[Hit]) -> dict[int, OtherSide]:
    """For each hit (by id), the disclosure of the matched record, with one visibility query for all."""
    visible = visible_among(
        actor, {(m.pk, m.owner_id, m.audience) for m in (hit.other.marking for hit in hits)}
    )
    result: dict[int, OtherSide] = {}
    for hit in hits:
        other, marking = hit.other, hit.other.marking
        shown = other.marking_id in visible
        result[hit.pk] = OtherSide(
            agency=hit.other_agency.code,
            reference=other.report.reference,
            tlp=marking.tlp,
            no_judicial_use=marking.no_judicial_use,
            no_onward_dissemination=marking.no_onward_dissemination,
            conditions=marking.conditions,
            visible=shown,
            title=other.report.title if shown else "",
            context=other.context if shown else "",
            crime_type=other.report.crime_type if shown else "",
        )
    return result
