"""Test helpers: submit reports quickly."""

from __future__ import annotations

from typing import Any

from lockstep.intel.ingest import Submitted
from lockstep.intel.services import Submission, submit_report
from lockstep.policy.audience import MarkingSpec


def submit(
    user: Any,
    values: list[tuple[str, str]],
    *,
    audience: str = "members",
    tlp: str = "green",
    title: str = "Case",
    **kwargs: Any,
) -> Submission:
    marking = MarkingSpec(
        owner=user.agency, audience=audience, tlp=tlp, recipients=kwargs.pop("recipients", [])
    )
    return submit_report(
        user,
        title=title,
        crime_type="phishing",
        marking=marking,
        observables=[Submitted(kind, value, context=kwargs.pop("context", "")) for kind, value in values],
        **kwargs,
    )
