"""Forms of the exchange pages: the GS validation decisions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lockstep.policy.models import InfoCredibility, SourceReliability


class AcceptForm(forms.Form):
    source_reliability = forms.ChoiceField(label=_("Source reliability"), choices=SourceReliability.choices)
    info_credibility = forms.ChoiceField(label=_("Information credibility"), choices=InfoCredibility.choices)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why is it rejected? (the partner sees this)"), max_length=300)
