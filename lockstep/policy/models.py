"""The Marking (handling metadata every shared record carries) and communities of agencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lockstep.directory.models import Agency, AgencyKind, Region

if TYPE_CHECKING:
    from lockstep.directory.models import User


class TLP(models.TextChoices):
    """Traffic Light Protocol 2.0."""

    CLEAR = "clear", "TLP:CLEAR"
    GREEN = "green", "TLP:GREEN"
    AMBER = "amber", "TLP:AMBER"
    AMBER_STRICT = "amber+strict", "TLP:AMBER+STRICT"
    RED = "red", "TLP:RED"


class Audience(models.TextChoices):
    OWNER = "owner", _("Owner agency only")
    RECIPIENTS = "recipients", _("Named agencies")
    COMMUNITY = "community", _("A community")
    MEMBERS = "members", _("All member agencies")
    EVERYONE = "everyone", _("Members and partners")


class SourceReliability(models.TextChoices):
    A = "A", _("A - Completely reliable")
    B = "B", _("B - Usually reliable")
    C = "C", _("C - Fairly reliable")
    D = "D", _("D - Not usually reliable")
    E = "E", _("E - Unreliable")
    F = "F", _("F - Reliability cannot be judged")


class InfoCredibility(models.TextChoices):
    CONFIRMED = "1", _("1 - Confirmed by other sources")
    PROBABLY_TRUE = "2", _("2 - Probably true")
    POSSIBLY_TRUE = "3", _("3 - Possibly true")
    DOUBTFUL = "4", _("4 - Doubtful")
    IMPROBABLE = "5", _("5 - Improbable")
    UNKNOWN = "6", _("6 - Truth cannot be judged")


class CommunityKind(models.TextChoices):
    REGION = "region", _("Region")
    OPERATION = "operation", _("Operation")
    GROUP = "group", _("Working group")


class Community(models.Model):
    """A named group of agencies. A regional community also includes, at read time, every member agency of
    its region, so agencies that join later see what was shared with it."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=CommunityKind.choices, default=CommunityKind.GROUP)
    region = models.CharField(max_length=24, choices=Region.choices, blank=True)
    members = models.ManyToManyField(Agency, blank=True, related_name="communities")
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="owned_communities")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name

    def member_agencies(self) -> models.QuerySet[Agency]:
        condition = Q(pk__in=self.members.values("pk"))
        if self.region:
            condition |= Q(country__region=self.region) & ~Q(kind=AgencyKind.PARTNER)
            condition |= Q(kind=AgencyKind.REGIONAL_BODY, region=self.region)
        return Agency.objects.filter(condition)


def communities_of(agency: Agency) -> models.QuerySet[Community]:
    """The communities an agency belongs to, explicitly or through its region."""
    condition = Q(members=agency)
    if not agency.is_partner:
        region = agency.country.region if agency.country_id and agency.country else agency.region
        if region:
            condition |= Q(region=region)
    return Community.objects.filter(condition).distinct()


class MarkingQuerySet(models.QuerySet["Marking"]):
    def visible_to(self, actor: User) -> MarkingQuerySet:
        from lockstep.policy.rules import visible_marking_q

        return self.filter(visible_marking_q(actor))


class Marking(models.Model):
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="owned_markings")
    tlp = models.CharField("TLP", max_length=16, choices=TLP.choices, default=TLP.AMBER)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.OWNER
    )
    recipients = models.ManyToManyField(Agency, blank=True, related_name="received_markings")
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, null=True, blank=True, related_name="markings"
    )
    no_judicial_use = models.BooleanField(_("not for judicial use without consent"), default=False)
    no_onward_dissemination = models.BooleanField(_("no onward dissemination without consent"), default=False)
    conditions = models.TextField(_("other handling conditions"), blank=True)
    source_reliability = models.CharField(
        _("source reliability"), max_length=1, choices=SourceReliability.choices, default=SourceReliability.F
    )
    info_credibility = models.CharField(
        _("information credibility"),
        max_length=1,
        choices=InfoCredibility.choices,
        default=InfoCredibility.UNKNOWN,
    )
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    review_at = models.DateField(_("review or delete by"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MarkingQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["audience", "owner"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(tlp="red") | Q(audience__in=["owner", "recipients"]),
                name="red_only_to_named_recipients",
            ),
            models.CheckConstraint(
                condition=Q(audience="community", community__isnull=False)
                | (~Q(audience="community") & Q(community__isnull=True)),
                name="community_audience_names_community",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tlp_display()} {self.audience} ({self.owner.code})"

    @property
    def grading(self) -> str:
        return f"{self.source_reliability}{self.info_credibility}"
