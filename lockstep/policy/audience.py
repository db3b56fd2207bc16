"""Checking a Marking and resolving its audience to the concrete set of agencies that will receive it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lockstep.directory.models import Agency
from lockstep.errors import InvalidInput
from lockstep.policy.models import TLP, Audience, Community, InfoCredibility, Marking, SourceReliability


@dataclass
class MarkingSpec:
    """A Marking before it is stored: what a sender chooses."""

    owner: Agency
    tlp: str = TLP.AMBER
    audience: str = Audience.OWNER
    recipients: list[Agency] = field(default_factory=list)
    community: Community | None = None
    no_judicial_use: bool = False
    no_onward_dissemination: bool = False
    conditions: str = ""
    source_reliability: str = SourceReliability.F
    info_credibility: str = InfoCredibility.UNKNOWN
    purpose: str = ""
    review_at: datetime.date | None = None


def check_marking(spec: MarkingSpec) -> None:
    """Raise InvalidInput naming every field that breaks the handling rules."""
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if spec.tlp not in TLP.values:
        fail("tlp", _("Unknown TLP level."))
    if spec.audience not in Audience.values:
        fail("audience", _("Unknown audience."))
    if spec.audience == Audience.RECIPIENTS and not spec.recipients:
        fail("recipients", _("Name at least one recipient agency."))
    if spec.audience != Audience.RECIPIENTS and spec.recipients:
        fail("recipients", _("Recipients are only used with the audience 'named agencies'."))
    if spec.audience == Audience.COMMUNITY and spec.community is None:
        fail("community", _("Choose the community."))
    if spec.audience != Audience.COMMUNITY and spec.community is not None:
        fail("community", _("A community is only used with the audience 'community'."))
    if spec.tlp == TLP.RED and spec.audience not in (Audience.OWNER, Audience.RECIPIENTS):
        fail("audience", _("TLP:RED may only go to named recipient agencies."))
    inactive = [agency.code for agency in spec.recipients if not agency.can_act()]
    if inactive:
        fail(
            "recipients", _("These agencies cannot receive data: %(codes)s") % {"codes": ", ".join(inactive)}
        )
    if spec.source_reliability not in SourceReliability.values:
        fail("source_reliability", _("Source reliability is a letter from A to F."))
    if spec.info_credibility not in InfoCredibility.values:
        fail("info_credibility", _("Information credibility is a digit from 1 to 6."))
    if spec.review_at is not None and spec.review_at < timezone.now().date():
        fail("review_at", _("The review date is in the past."))
    if errors:
        raise InvalidInput(_("The handling marking is not valid."), fields=errors)


def resolve(
    owner: Agency, audience: str, recipients: Iterable[Agency] = (), community: Community | None = None
) -> QuerySet[Agency]:
    """The agencies that will see a record with this audience, the owner included."""
    active = Agency.objects.active()
    ids = {owner.pk}
    if audience == Audience.RECIPIENTS:
        ids |= set(active.filter(pk__in=[agency.pk for agency in recipients]).values_list("pk", flat=True))
    elif audience == Audience.COMMUNITY and community is not None:
        ids |= set(
            active.filter(pk__in=community.member_agencies().values("pk")).values_list("pk", flat=True)
        )
    elif audience == Audience.MEMBERS:
        ids |= set(active.members().values_list("pk", flat=True))
    elif audience == Audience.EVERYONE:
        ids |= set(active.values_list("pk", flat=True))
    return Agency.objects.filter(pk__in=ids).select_related("country").order_by("code")


def preview_recipients(spec: MarkingSpec) -> QuerySet[Agency]:
    """Check ``spec`` and return who will receive it, for the sender to see before release."""
    check_marking(spec)
    return resolve(spec.owner, spec.audience, spec.recipients, spec.community)


def resolve_marking(marking: Marking) -> QuerySet[Agency]:
    return resolve(marking.owner, marking.audience, marking.recipients.all(), marking.community)
