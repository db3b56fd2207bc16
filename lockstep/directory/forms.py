"""Forms of the directory pages. Rules live in services; forms only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lockstep.directory.models import Agency, Channel, Country, Role


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    def limit_roles(self, allowed: list[str]) -> None:
        """Offer only the roles the acting administrator may give (the service still decides)."""
        self.fields["roles"].choices = [(value, label) for value, label in Role.choices if value in allowed]  # type: ignore[attr-defined]


class UserCreateForm(RolesForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. The user changes it after signing in."),
    )
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False)

    field_order = ["username", "first_name", "last_name", "email", "agency", "roles", "password"]

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
            self.fields["agency"].required = True


class ContactPointForm(forms.Form):
    country = forms.ModelChoiceField(label=_("Country served"), queryset=Country.objects.filter(member=True))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    address = forms.CharField(label=_("Number or address"), max_length=200)
    hours = forms.CharField(label=_("Hours"), max_length=100, initial="24/7")
    languages = forms.CharField(
        label=_("Languages"), max_length=100, help_text=_("ISO 639-1 codes separated by commas, e.g. en,fr.")
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
