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


class ResultsForm(forms.Form):
    money_kind = forms.ChoiceField(label=_("Money"), choices=[("", "-"), *MoneyKind.choices], required=False)
    money_amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=0, max_digits=18, decimal_places=2
    )
    money_currency = forms.CharField(label=_("Currency (ISO 4217)"), required=False, max_length=3)
    money_usd_rate = forms.DecimalField(
        label=_("USD for one unit"), required=False, min_value=0, max_digits=18, decimal_places=8
    )
    money_rate_date = forms.DateField(
        label=_("Date of the rate"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    correction_reason = forms.CharField(
        label=_("Why the figures are corrected (when your agency has reported already)"),
        required=False,
        max_length=300,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in reversed(COUNTS):
            self.fields = {
                f"c_{name}": forms.IntegerField(label=label, required=False, min_value=0),
                **self.fields,
            }

    def report_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        money = []
        if data.get("money_kind"):
            money.append(
                services.Money(
                    data["money_kind"],
                    data.get("money_amount") or 0,
                    (data.get("money_currency") or "").upper(),
                    data.get("money_usd_rate") or 0,
                    data.get("money_rate_date") or datetime.date.today(),
                )
            )
        return {
            "counts": {
                name: data[f"c_{name}"] for name, _label in COUNTS if data.get(f"c_{name}") is not None
            },
            "money": money,
            "note": data.get("note", ""),
            "correction_reason": data.get("correction_reason", ""),
        }
