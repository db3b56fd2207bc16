"""Forms of the notice pages: one request form per type (its own fields from ``types.SPECS``), the review."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lockstep.directory.models import Agency, AgencyKind
from lockstep.notices.models import Language, NoticeKind, PersonStatus, RefusalGround, SubjectKind
from lockstep.notices.types import SPECS

DETAIL_PREFIX = "d_"


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices, initial=NoticeKind.NOTICE)
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.EN)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    observables = forms.CharField(
        label=_("Linked observables (one per line, type:value, e.g. handle:telegram:name)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("Diffusion recipients (none: every member agency)"),
        queryset=Agency.objects.exclude(kind=AgencyKind.PARTNER).order_by("code"),
        required=False,
    )
    public_extract = forms.BooleanField(label=_("We consent to a public extract"), required=False)

    def __init__(self, *args: Any, notice_type: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        spec = SPECS[notice_type]
        for field in (*spec.required, *spec.optional):
            self.fields[DETAIL_PREFIX + field.name] = forms.CharField(
                label=field.label,
                required=False,  # the service says what is missing, with the type's rules
                widget=forms.Textarea(attrs={"rows": 2}) if not field.number else forms.TextInput(),
            )

    def details(self) -> dict[str, str]:
        return {
            key.removeprefix(DETAIL_PREFIX): value
            for key, value in self.cleaned_data.items()
            if key.startswith(DETAIL_PREFIX) and value
        }

    def field_for(self, error_key: str) -> str | None:
        """The form field a service error names (``details.charge``, ``subjects[0].names``...)."""
        if error_key.startswith("details."):
            name = DETAIL_PREFIX + error_key.removeprefix("details.")
            return name if name in self.fields else None
        return error_key if error_key in self.fields else None


class SubjectForm(forms.Form):
    """One subject of the request: a person (names in any script, date of birth that may be partial,
    nationalities, identity documents), a group or company, or an asset (Silver notices)."""

    kind = forms.ChoiceField(
        label=_("Kind of subject"), choices=SubjectKind.choices, initial=SubjectKind.PERSON
    )
    status = forms.ChoiceField(
        label=_("Person status"), choices=[("", "-"), *PersonStatus.choices], required=False
    )
    names = forms.CharField(
        label=_("Names (one per line, in any script; the first is the main one)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False, min_value=1900, max_value=2100)
    birth_month = forms.IntegerField(label=_("Month of birth"), required=False, min_value=1, max_value=12)
    birth_day = forms.IntegerField(label=_("Day of birth"), required=False, min_value=1, max_value=31)
    nationalities = forms.CharField(label=_("Nationalities (country codes, comma-separated)"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    documents = forms.CharField(
        label=_("Identity documents (one per line: type number country, e.g. passport A1234567 RU)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    photo = forms.FileField(label=_("Photo (JPEG, PNG or WebP, at most 5 MB)"), required=False)

    def subject(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        filled = ("names", "description", "documents", "nationalities", "birth_year", "photo", "status")
        if not data or not any(data.get(name) not in (None, "") for name in filled):
            return None
        upload = data.get("photo")
        documents = []
        for line in data["documents"].splitlines():
            parts = line.split()
            if len(parts) >= 3:  # type, number (may hold spaces), country
                documents.append(
                    {"type": parts[0], "number": " ".join(parts[1:-1]), "country": parts[-1].upper()}
                )
            elif parts:
                documents.append({"type": parts[0], "number": " ".join(parts[1:]), "country": ""})
        return {
            "kind": data["kind"],
            "status": data["status"],
            "names": [line.strip() for line in data["names"].splitlines() if line.strip()],
            "birth_year": data["birth_year"],
            "birth_month": data["birth_month"],
            "birth_day": data["birth_day"],
            "nationalities": [c.strip().upper() for c in data["nationalities"].split(",") if c.strip()],
            "documents": documents,
            "description": data["description"],
            "photo": upload.read(6 * 1024 * 1024) if upload else None,  # more than 5 MB is refused anyway
        }


SubjectFormSet = forms.formset_factory(SubjectForm, extra=0, min_num=1, max_num=20, validate_max=True)


def subjects_of(formset: Any) -> list[tuple[int, dict[str, Any]]]:
    """(form index, subject) for each subject form filled in: the empty ones are left out."""
    return [
        (index, subject)
        for index, form in enumerate(formset.forms)
        if (subject := form.subject()) is not None
    ]


CHECK_LABELS = {
    "neutrality": _("No political, military, religious or racial character (Article 3)"),
    "human_rights": _("Respects human rights (Article 2)"),
    "data_quality": _("The data are of good quality and complete"),
    "eligibility": _("Meets the conditions of its type"),
}


class ReviewForm(forms.Form):
    neutrality = forms.BooleanField(label=CHECK_LABELS["neutrality"], required=False)
    human_rights = forms.BooleanField(label=CHECK_LABELS["human_rights"], required=False)
    data_quality = forms.BooleanField(label=CHECK_LABELS["data_quality"], required=False)
    eligibility = forms.BooleanField(label=CHECK_LABELS["eligibility"], required=False)
    ground = forms.ChoiceField(
        label=_("Ground (to refuse)"), choices=[("", "-"), *RefusalGround.choices], required=False
    )
    text = forms.CharField(
        label=_("Why (to refuse or cancel)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def checks(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in CHECK_LABELS}
