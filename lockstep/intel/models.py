"""Reports, their observables, cross-agency hits and follow-up requests, warninglists, lookups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lockstep.directory.models import Agency
from lockstep.policy.models import Marking

if TYPE_CHECKING:
    from lockstep.directory.models import User


class CrimeType(models.TextChoices):
    # Offences of the UN Convention against Cybercrime (arts. 7-17 [to confirm]) ...
    ILLEGAL_ACCESS = "illegal_access", _("Illegal access")
    ILLEGAL_INTERCEPTION = "illegal_interception", _("Illegal interception")
    DATA_INTERFERENCE = "data_interference", _("Interference with electronic data")
    SYSTEM_INTERFERENCE = "system_interference", _("Interference with an ICT system")
    MISUSE_OF_DEVICES = "misuse_of_devices", _("Misuse of devices")
    FORGERY = "forgery", _("ICT-related forgery")
    THEFT_FRAUD = "theft_fraud", _("ICT-related theft or fraud")
    CSAM = "csam", _("Online child sexual abuse or exploitation material")
    SOLICITATION = "solicitation", _("Solicitation or grooming of a child")
    NON_CONSENSUAL_IMAGES = "non_consensual_images", _("Non-consensual dissemination of intimate images")
    MONEY_LAUNDERING = "money_laundering", _("Laundering of proceeds of crime")
    # ... and common cyber-enabled crime.
    PHISHING = "phishing", _("Phishing")
    BEC = "bec", _("Business e-mail compromise")
    ROMANCE_SCAM = "romance_scam", _("Romance scam")
    INVESTMENT_SCAM = "investment_scam", _("Investment scam")
    SEXTORTION = "sextortion", _("Sextortion")
    RANSOMWARE = "ransomware", _("Ransomware")
    MALWARE = "malware", _("Malware")
    DDOS = "ddos", _("DDoS")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    IMPORTING = "importing", _("Importing")
    PENDING = "pending", _("Awaiting validation")  # a partner's, until the General Secretariat accepts it
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")


class ReportQuerySet(models.QuerySet["Report"]):
    def visible_to(self, actor: User) -> ReportQuerySet:
        from lockstep.policy.rules import visible_marking_q

        return self.filter(status=ReportStatus.ACTIVE).filter(visible_marking_q(actor, prefix="marking"))


class Report(models.Model):
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="reports")
    marking = models.OneToOneField(Marking, on_delete=models.PROTECT, related_name="report")
    title = models.CharField(_("title"), max_length=200)
    crime_type = models.CharField(_("crime type"), max_length=32, choices=CrimeType.choices)
    summary = models.TextField(_("summary"), blank=True)
    text = models.TextField(_("text"), blank=True)
    external_ref = models.CharField(
        _("external reference"),
        max_length=100,
        blank=True,
        help_text=_("The agency's own case or file reference; re-importing it updates the same report."),
    )
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.ACTIVE)
    notify_on_lookup = models.BooleanField(_("tell us when our records are looked up"), default=False)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey("directory.User", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "external_ref"],
                condition=~Q(external_ref=""),
                name="one_report_per_external_ref",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def listed_observables(self) -> models.QuerySet[Observable]:
        """What the report shows: a visible report only its correlating values (not rows of an import still
        running); a withdrawn one, shown to its owner alone, everything it held."""
        rows = self.observables.order_by("kind", "value")
        return rows.filter(active=True) if self.status == ReportStatus.ACTIVE else rows


class Observable(models.Model):
    """One value seen in one report. ``owner`` and ``marking`` repeat the report's, so that correlation and
    visibility are decided without joining the report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="observables")
    # No index of their own: every bulk insert pays for each index, and nothing looks observables up by these.
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", db_index=False)
    marking = models.ForeignKey(Marking, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(_("type"), max_length=16)
    value = models.CharField(_("value"), max_length=4096)
    value_key = models.BigIntegerField()
    context = models.CharField(_("role in the case"), max_length=120, blank=True)
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    suppressed = models.CharField(
        max_length=60, blank=True, help_text=_("The warninglist that keeps this value from correlating.")
    )

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            # One index serves both matching (value_key first) and de-duplication within a report.
            models.UniqueConstraint(fields=["value_key", "report"], name="one_value_per_report"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class HitState(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FOLLOW_UP_REQUESTED = "follow_up_requested", _("Follow-up requested")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Hit(models.Model):
    """``agency``'s observable matched ``other``, owned by ``other_agency``: one row for each side."""

    # observable and agency are covered by the unique pair and the (agency, state, created_at) indexes.
    observable = models.ForeignKey(Observable, on_delete=models.CASCADE, related_name="hits", db_index=False)
    other = models.ForeignKey(Observable, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="hits", db_index=False)
    other_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16)
    value_key = models.BigIntegerField()
    state = models.CharField(max_length=24, choices=HitState.choices, default=HitState.NEW)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["observable", "other"], name="one_hit_per_pair")]
        indexes = [models.Index(fields=["agency", "state", "created_at"]), models.Index(fields=["value_key"])]

    def __str__(self) -> str:
        return f"hit {self.agency_id}<-{self.other_agency_id} {self.kind}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")


class FollowUp(models.Model):
    """A request, sent from a hit, to the agency that owns the matching record."""

    hit = models.ForeignKey(Hit, on_delete=models.CASCADE, related_name="follow_ups")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("message"))
    status = models.CharField(max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    requested_by = models.ForeignKey("directory.User", on_delete=models.PROTECT, related_name="+")
    answered_by = models.ForeignKey("directory.User", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["to_agency", "status"])]

    def __str__(self) -> str:
        return f"follow-up {self.pk} {self.from_agency_id}->{self.to_agency_id}"


class CommonValue(models.Model):
    """A value held by more agencies than the fan-out limit: counted, not turned into hits."""

    value_key = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=16)
    agencies = models.PositiveIntegerField()
    detected_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} seen by {self.agencies} agencies"


class Warninglist(models.Model):
    """Values that must never correlate. Built-in lists are loaded from data files; the GS manages others."""

    name = models.CharField(max_length=60, unique=True)
    description = models.CharField(max_length=300)
    builtin = models.BooleanField(default=False)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WarninglistEntry(models.Model):
    """An exact value (any type), a network (cidr: covers ipv4/ipv6 inside it), or a domain and its
    subdomains (domain entries also cover URL hosts and e-mail domains only when ``kind`` says so)."""

    warninglist = models.ForeignKey(Warninglist, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=16)
    value = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["warninglist", "kind", "value"], name="one_entry")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class ImportRun(models.Model):
    """One import of a file; resumable: ``rows_done`` rows were committed, the rest is still to do."""

    sha256 = models.CharField(max_length=64)
    name = models.CharField(max_length=300)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey("directory.User", on_delete=models.PROTECT, related_name="+")
    rows_done = models.PositiveBigIntegerField(default=0)
    added = models.PositiveBigIntegerField(default=0)
    rejected = models.PositiveBigIntegerField(default=0)
    hits = models.PositiveBigIntegerField(default=0)
    finished = models.BooleanField(default=False)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    reports = models.ManyToManyField(Report, blank=True, related_name="+")

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["agency", "sha256"])]

    def __str__(self) -> str:
        return f"import {self.name} ({self.rows_done} rows)"
