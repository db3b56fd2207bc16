"""Forms of the intel pages. They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lockstep.directory.models import Agency
from lockstep.intel.canonical import all_types
from lockstep.intel.ingest import Submitted
from lockstep.intel.models import CrimeType, HitState
from lockstep.policy.audience import MarkingSpec
from lockstep.policy.models import TLP, Audience, InfoCredibility, SourceReliability, communities_of


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    crime_type = forms.ChoiceField(label=_("Crime type"), choices=CrimeType.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    text = forms.CharField(
        label=_("Report text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("Paste the report; observables are extracted from it, defanged forms included."),
    )
    upload = forms.FileField(label=_("Or upload a file (text, HTML or PDF)"), required=False)
    observables = forms.CharField(
        label=_("Observables"),
        widget=forms.Textarea(attrs={"rows": 10, "class": "mono"}),
        required=False,
        help_text=_(
            "One per line: type, a space, the value, and optionally ' -- ' and its role in the case."
        ),
    )
    notify_on_lookup = forms.BooleanField(
        label=_("Tell us when other agencies look these values up"), required=False
    )

    def submitted(self) -> list[Submitted]:
        rows = []
        for line in self.cleaned_data.get("observables", "").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            head, _sep, context = line.partition(" -- ")
            kind, _space, value = head.strip().partition(" ")
            rows.append(Submitted(kind.strip().lower(), value.strip(), context.strip()))
        return rows


def observables_text(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{kind} {value}" for kind in all_types() for value in found.get(kind, []))


class MarkingForm(forms.Form):
    tlp = forms.ChoiceField(label="TLP", choices=TLP.choices, initial=TLP.AMBER)
    audience = forms.ChoiceField(
        label=_("Who receives it"), choices=Audience.choices, initial=Audience.MEMBERS
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("Named agencies"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    community = forms.ChoiceField(label=_("Community"), required=False)
    no_judicial_use = forms.BooleanField(label=_("Not for judicial use without consent"), required=False)
    no_onward_dissemination = forms.BooleanField(
        label=_("No onward dissemination without consent"), required=False
    )
    conditions = forms.CharField(label=_("Other handling conditions"), required=False, max_length=500)
    source_reliability = forms.ChoiceField(
        label=_("Source reliability"), choices=SourceReliability.choices, initial="F"
    )
    info_credibility = forms.ChoiceField(
        label=_("Information credibility"), choices=InfoCredibility.choices, initial="6"
    )
    purpose = forms.CharField(label=_("Purpose"), required=False, max_length=300)
    review_at = forms.DateField(label=_("Review or delete by (YYYY-MM-DD)"), required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["recipients"].queryset = Agency.objects.active().exclude(pk=agency.pk)  # type: ignore[attr-defined]
        self._communities = {community.code: community for community in communities_of(agency)}
        self.fields["community"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (code, community.name) for code, community in self._communities.items()
        ]

    def spec(self) -> MarkingSpec:
        data = dict(self.cleaned_data)
        return MarkingSpec(
            owner=self.agency,
            tlp=data["tlp"],
            audience=data["audience"],
            recipients=list(data["recipients"]),
            community=self._communities.get(data.get("community") or ""),
            no_judicial_use=data["no_judicial_use"],
            no_onward_dissemination=data["no_onward_dissemination"],
            conditions=data["conditions"],
            source_reliability=data["source_reliability"],
            info_credibility=data["info_credibility"],
            purpose=data["purpose"],
            review_at=data["review_at"],
        )


class ReportEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    crime_type = forms.ChoiceField(label=_("Crime type"), choices=CrimeType.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    text = forms.CharField(label=_("Report text"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    notify_on_lookup = forms.BooleanField(
        label=_("Tell us when other agencies look these values up"), required=False
    )
    review_at = forms.DateField(label=_("Review or delete by (YYYY-MM-DD)"), required=False)
    add_observables = forms.CharField(
        label=_("Add observables"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}),
        required=False,
        help_text=_(
            "One per line: type, a space, the value, and optionally ' -- ' and its role in the case."
        ),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is it withdrawn?"), max_length=300)


class FollowUpForm(forms.Form):
    message = forms.CharField(
        label=_("Your request to the owner"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class HitStateForm(forms.Form):
    state = forms.ChoiceField(
        choices=[
            (HitState.ACKNOWLEDGED, HitState.ACKNOWLEDGED.label),
            (HitState.CLOSED, HitState.CLOSED.label),
        ]
    )


def typed_lines(text: str) -> list[tuple[str | None, str]]:
    """Values one per line, each 'type value' or just the value (type None: to be recognised)."""
    result: list[tuple[str | None, str]] = []
    types = set(all_types())
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        head, _space, rest = line.partition(" ")
        result.append(
            (head.lower(), rest.strip()) if head.lower() in types and rest.strip() else (None, line)
        )
    return result


class LookupForm(forms.Form):
    values = forms.CharField(
        label=_("Values"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}),
        help_text=_("One per line. The type is recognised; to choose it, write 'type value'."),
    )

    def queries(self) -> list[tuple[str | None, str]]:
        return typed_lines(self.cleaned_data["values"])
