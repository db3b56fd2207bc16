"""Forms of the exchange pages: the GS validation decisions, the import page, partner sources."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lockstep.directory.models import User
from lockstep.exchange.models import Source
from lockstep.exchange.source_services import FIELDS
from lockstep.policy.models import TLP, Audience, InfoCredibility, SourceReliability


class AcceptForm(forms.Form):
    source_reliability = forms.ChoiceField(label=_("Source reliability"), choices=SourceReliability.choices)
    info_credibility = forms.ChoiceField(label=_("Information credibility"), choices=InfoCredibility.choices)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why is it rejected? (the partner sees this)"), max_length=300)


FORMAT_CHOICES = [
    ("auto", _("Recognise it (STIX or MISP)")),
    ("stix", "STIX 2.1"),
    ("misp", "MISP"),
    ("csv", _("CSV or JSON Lines")),
]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("or the address of the file"), required=False, assume_scheme="https")
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto")
    tlp = forms.ChoiceField(label="TLP", choices=TLP.choices, initial=TLP.AMBER)
    audience = forms.ChoiceField(
        label=_("Audience"),
        choices=[(key, label) for key, label in Audience.choices if key in ("owner", "members", "everyone")],
        initial=Audience.MEMBERS,
    )
    override = forms.BooleanField(
        label=_("Use this TLP and audience even where the file states its own"), required=False
    )
    mapping = forms.CharField(
        label=_("CSV columns to rename (one COLUMN=FIELD per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("url"):
            raise forms.ValidationError(_("Give a file or its address."))
        return data


class SourceForm(forms.ModelForm):
    secret = forms.CharField(
        label=_("Password or API key"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Sealed at rest and never shown again; leave empty to keep the one stored."),
    )

    columns = forms.CharField(
        label=_("CSV columns to rename (one COLUMN=FIELD per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Source
        fields = [name for name in FIELDS if name != "mapping"] + ["run_as"]  # mapping: ``columns``

    def __init__(self, *args: Any, agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        run_as = self.fields["run_as"]
        assert isinstance(run_as, forms.ModelChoiceField)
        run_as.queryset = User.objects.filter(agency=agency, is_active=True).order_by("username")
        self.fields["tlp"] = forms.ChoiceField(label="TLP", choices=TLP.choices)
        self.fields["audience"] = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
        self.fields["source_reliability"] = forms.ChoiceField(
            label=_("Source reliability"), choices=SourceReliability.choices
        )
        self.fields["info_credibility"] = forms.ChoiceField(
            label=_("Information credibility"), choices=InfoCredibility.choices
        )
        if self.instance.pk and self.instance.mapping:
            self.fields["columns"].initial = "\n".join(f"{k}={v}" for k, v in self.instance.mapping.items())

    def clean_columns(self) -> dict[str, str]:
        return column_mapping(self.cleaned_data["columns"])


def column_mapping(text: str) -> dict[str, str]:
    """``COLUMN=FIELD`` lines as a dict (blank lines and lines without ``=`` are ignored)."""
    mapping = {}
    for line in text.splitlines():
        column, _sep, field = line.strip().partition("=")
        if column.strip() and field.strip():
            mapping[column.strip()] = field.strip()
    return mapping
