"""Multinational operations: who takes part and how, their phases, targets and tasks, the infrastructure they
take down, and the results each participating agency reports for its country (DOMAIN.md section 3)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lockstep.directory.models import Agency
from lockstep.policy.models import Community


class OperationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PREPARATION = "preparation", _("Preparation")
    ACTION = "action", _("Action")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


class Operation(models.Model):
    code_name = models.CharField(_("code name"), max_length=80, unique=True)
    objectives = models.TextField(_("objectives"))
    crime_focus = models.CharField(_("crime focus"), max_length=200)
    lead = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_operations")
    status = models.CharField(max_length=12, choices=OperationStatus.choices, default=OperationStatus.PLANNED)
    # the participants as a community: what is shared with "the participants of operation X"
    community = models.OneToOneField(Community, on_delete=models.PROTECT, related_name="operation")
    created_by = models.ForeignKey("directory.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.code_name


class ParticipantRole(models.TextChoices):
    LEAD = "lead", _("Lead agency")
    CO_LEAD = "co_lead", _("Co-leading body")
    PARTICIPANT = "participant", _("Participating agency")
    PARTNER = "partner", _("Invited partner")


class Participant(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="participants")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="operation_roles")
    role = models.CharField(
        max_length=12, choices=ParticipantRole.choices, default=ParticipantRole.PARTICIPANT
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "agency__code"]
        constraints = [models.UniqueConstraint(fields=["operation", "agency"], name="one_role_per_agency")]

    def __str__(self) -> str:
        return f"{self.operation_id}:{self.agency_id}:{self.role}"


class PhaseKind(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    ACTION = "action", _("Action")
    FOLLOW_UP = "follow_up", _("Follow-up")


class Phase(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=12, choices=PhaseKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["operation", "kind"], name="one_phase_per_kind")]

    def __str__(self) -> str:
        return f"{self.operation_id}:{self.kind}"


class TargetKind(models.TextChoices):
    SUSPECT = "suspect", _("Suspect")
    GROUP = "group", _("Criminal group")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")


class Target(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(max_length=16, choices=TargetKind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    allocated_to = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="allocated_targets"
    )
    reports = models.ManyToManyField("intel.Report", blank=True, related_name="operation_targets")
    notices = models.ManyToManyField("notices.Notice", blank=True, related_name="operation_targets")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class TargetValue(models.Model):
    """An intel value the target is linked to (a handle, a wallet, a domain...), canonical, so that an intel
    observable with the same value is the same thing."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values")
    kind = models.CharField(max_length=24)
    value = models.CharField(max_length=2048)
    value_key = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["target", "value_key"], name="one_value_per_target")]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"


class Task(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="tasks")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="operation_tasks")
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text


class InfrastructureKind(models.TextChoices):
    DOMAIN = "domain", _("Domain")
    IP = "ip", _("IP address")
    URL = "url", _("URL")
    SERVER = "server", _("Server")
    PHONE = "phone", _("Phone line")
    ACCOUNT = "account", _("Account")


class TakedownState(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    REQUESTED = "requested", _("Takedown requested")
    TAKEN_DOWN = "taken_down", _("Taken down")
    REFUSED = "refused", _("Refused")
    NO_RESPONSE = "no_response", _("No response")


class InfrastructureItem(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="infrastructure")
    kind = models.CharField(max_length=8, choices=InfrastructureKind.choices)
    value = models.CharField(max_length=2048)  # canonical for domains, IPs, URLs and phones
    value_key = models.BigIntegerField()
    provider = models.CharField(_("hosting provider"), max_length=200, blank=True)
    registrar = models.CharField(max_length=200, blank=True)
    asn = models.PositiveBigIntegerField(null=True, blank=True)
    country = models.CharField(max_length=2, blank=True)
    state = models.CharField(max_length=12, choices=TakedownState.choices, default=TakedownState.IDENTIFIED)
    identified_on = models.DateField(default=timezone.localdate)
    requested_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)  # taken down, refused, or given up without response
    evidence_ref = models.CharField(max_length=300, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="operation_infrastructure")
    target = models.ForeignKey(Target, on_delete=models.SET_NULL, null=True, blank=True, related_name="items")

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["operation", "state", "id"]),
            models.Index(fields=["operation", "kind", "id"]),
            models.Index(fields=["operation", "country", "id"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["operation", "kind", "value_key"], name="one_item_per_value")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"


COUNTS = (
    ("arrests", _("Arrests")),
    ("suspects_identified", _("Suspects identified")),
    ("victims_identified", _("Victims identified")),
    ("victims_notified", _("Victims notified")),
    ("devices_seized", _("Devices seized")),
    ("accounts_frozen", _("Bank or virtual-asset accounts frozen")),
    ("infrastructures_taken_down", _("Infrastructures taken down (as reported)")),
    ("notices_requested", _("Notices requested")),
    ("diffusions_requested", _("Diffusions requested")),
    ("analytical_reports", _("Analytical reports produced")),
    ("new_modus_operandi", _("New modus operandi detected")),
)


class ResultReport(models.Model):
    """One agency's results for its country, as reported; a correction is a new version, the old one kept."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="results")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="operation_results")
    version = models.PositiveIntegerField(default=1)
    current = models.BooleanField(default=True)
    counts = models.JSONField(default=dict)  # COUNTS names -> non-negative integers
    note = models.TextField(blank=True)
    correction_reason = models.CharField(max_length=300, blank=True)
    reported_by = models.ForeignKey("directory.User", on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "agency", "version"], name="one_version_number"),
            models.UniqueConstraint(
                fields=["operation", "agency"], condition=models.Q(current=True), name="one_current_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.operation_id}:{self.agency_id} v{self.version}"


class MoneyKind(models.TextChoices):
    SEIZED = "seized", _("Seized")
    RECOVERED = "recovered", _("Recovered")
    INTERCEPTED = "intercepted", _("Intercepted")
    LOSSES = "losses", _("Victims' losses")


class MoneyLine(models.Model):
    report = models.ForeignKey(ResultReport, on_delete=models.CASCADE, related_name="money")
    kind = models.CharField(max_length=12, choices=MoneyKind.choices)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    usd_rate = models.DecimalField(max_digits=18, decimal_places=8)  # USD for one unit of the currency
    rate_date = models.DateField()
    usd = models.DecimalField(max_digits=20, decimal_places=2)  # amount x usd_rate, rounded, as reported

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking the rows")
    STORING = "storing", _("Storing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class InfrastructureImport(models.Model):
    """A file of infrastructure items imported in the background (`lockstep worker`), with its progress: the
    import page shows it while it runs. The file's text is kept until the import ends."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="imports")
    user = models.ForeignKey("directory.User", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    content = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    checked = models.PositiveIntegerField(default=0)  # rows checked so far
    stored = models.PositiveIntegerField(default=0)  # items stored so far
    to_store = models.PositiveIntegerField(default=0)  # new items the file holds (known once checked)
    read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    already = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} {self.status}"

    @property
    def running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.STORING)
