"""Forms of the operation pages: launching an operation and reporting results."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lockstep.directory.models import Agency, AgencyKind
from lockstep.operations import services
from lockstep.operations.models import COUNTS, MoneyKind, PhaseKind


def _members() -> Any:
    return Agency.objects.exclude(kind=AgencyKind.PARTNER).order_by("code")


class LaunchForm(forms.Form):
    code_name = forms.CharField(label=_("Code name"), max_length=80)
    objectives = forms.CharField(label=_("Objectives"), widget=forms.Textarea(attrs={"rows": 3}))
    crime_focus = forms.CharField(label=_("Crime focus"), max_length=200)
    co_leads = forms.ModelMultipleChoiceField(
        label=_("Co-leading bodies"), queryset=_members(), required=False, to_field_name="code"
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating agencies"), queryset=_members(), required=False, to_field_name="code"
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Invited partners"),
        queryset=Agency.objects.filter(kind=AgencyKind.PARTNER).order_by("code"),
        required=False,
        to_field_name="code",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in PhaseKind.choices:
            self.fields[f"{kind}_starts_on"] = forms.DateField(
                label=_("%(phase)s from") % {"phase": label},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"{kind}_ends_on"] = forms.DateField(
                label=_("%(phase)s to") % {"phase": label},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def launch_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        phases = [
            services.PhaseSpec(
                kind, data[f"{kind}_starts_on"], data[f"{kind}_ends_on"] or data[f"{kind}_starts_on"]
            )
            for kind in PhaseKind.values
            if data.get(f"{kind}_starts_on")
        ]
        return {
            "code_name": data["code_name"],
            "objectives": data["objectives"],
            "crime_focus": data["crime_focus"],
            "co_leads": list(data["co_leads"]),
            "participants": list(data["participants"]),
            "partners": list(data["partners"]),
            "phases": phases,
        }


MONEY_LINES = 4


class ResultsForm(forms.Form):
    """An agency's results: the counts, up to MONEY_LINES money lines, a note and, for a correction, its
    reason. Built with ``initial_from`` on the agency's current report, so that a correction starts from the
    figures already given (a blank field would otherwise count as zero)."""

    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    correction_reason = forms.CharField(
        label=_("Why the figures are corrected (when your agency has reported already)"),
        required=False,
        max_length=300,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {
            f"c_{name}": forms.IntegerField(label=label, required=False, min_value=0)
            for name, label in COUNTS
        }
        for n in range(MONEY_LINES):
            fields[f"m{n}_kind"] = forms.ChoiceField(
                label=_("Money"), choices=[("", "-"), *MoneyKind.choices], required=False
            )
            fields[f"m{n}_amount"] = forms.DecimalField(
                label=_("Amount"), required=False, min_value=0, max_digits=18, decimal_places=2
            )
            fields[f"m{n}_currency"] = forms.CharField(
                label=_("Currency (ISO 4217)"), required=False, max_length=3
            )
            fields[f"m{n}_usd_rate"] = forms.DecimalField(
                label=_("USD for one unit"), required=False, min_value=0, max_digits=18, decimal_places=8
            )
            fields[f"m{n}_rate_date"] = forms.DateField(
                label=_("Date of the rate"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
        for n in range(MONEY_LINES):  # the money table's inputs, named for screen readers by column and line
            for part in ("kind", "amount", "currency", "usd_rate", "rate_date"):
                field = fields[f"m{n}_{part}"]
                field.widget.attrs["aria-label"] = f"{field.label} ({n + 1})"
        self.fields = {**fields, **self.fields}

    @staticmethod
    def initial_from(report: Any) -> dict[str, Any]:
        """The form's initial values from a current ResultReport (or nothing)."""
        if report is None:
            return {}
        initial: dict[str, Any] = {f"c_{name}": report.counts.get(name, 0) for name, _label in COUNTS}
        initial["note"] = report.note
        for n, line in enumerate(list(report.money.all())[:MONEY_LINES]):
            initial.update(
                {
                    f"m{n}_kind": line.kind,
                    f"m{n}_amount": line.amount,
                    f"m{n}_currency": line.currency,
                    f"m{n}_usd_rate": line.usd_rate.normalize(),
                    f"m{n}_rate_date": line.rate_date,
                }
            )
        return initial

    def count_fields(self) -> list[forms.BoundField]:
        return [self[f"c_{name}"] for name, _label in COUNTS]

    def money_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"m{n}_{part}"] for part in ("kind", "amount", "currency", "usd_rate", "rate_date")]
            for n in range(MONEY_LINES)
        ]

    def report_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        money = [
            services.Money(
                data[f"m{n}_kind"],
                data.get(f"m{n}_amount") or 0,
                (data.get(f"m{n}_currency") or "").upper(),
                data.get(f"m{n}_usd_rate") or 0,
                data.get(f"m{n}_rate_date") or datetime.date.today(),
            )
            for n in range(MONEY_LINES)
            if data.get(f"m{n}_kind")
        ]
        return {
            "counts": {
                name: data[f"c_{name}"] for name, _label in COUNTS if data.get(f"c_{name}") is not None
            },
            "money": money,
            "note": data.get("note", ""),
            "correction_reason": data.get("correction_reason", ""),
        }
