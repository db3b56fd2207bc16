"""What exchange keeps beside intel: the STIX objects a bundle and the MISP pieces an event brought, as sent,
for lossless export; TAXII's bookkeeping."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lockstep.intel.models import Report


class KeptObject(models.Model):
    """A STIX object of an imported bundle, kept as sent: relationships, objects Lockstep has no type for, and
    the originals of the report, indicators and observables it maps (so their ids and extra properties come
    back on export)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="stix_objects")
    stix_id = models.CharField(max_length=100)
    stix_type = models.CharField(max_length=64)
    body = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "stix_id"], name="one_kept_object_per_report")
        ]

    def __str__(self) -> str:
        return self.stix_id


class MispKept(models.Model):
    """A piece of an imported MISP event, kept as sent: the event's header (with the tags Lockstep does not
    map), each attribute and each object, so that exporting the report gives MISP back what it sent."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="misp_kept")
    uuid = models.CharField(max_length=64)
    part = models.CharField(max_length=16)  # event, attribute, object
    body = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "part", "uuid"], name="one_misp_piece_per_report")
        ]

    def __str__(self) -> str:
        return f"{self.part} {self.uuid}"


class TaxiiObject(models.Model):
    """One STIX object in a TAXII collection, with TAXII's bookkeeping (date added, version) and the Marking
    that decides who may read it. Objects Lockstep generates from a report (its SDO, its handling marking, one
    indicator per observable) are rendered when read, from the report, the observable or the kept object this
    row points at; shared objects (identities, TLP markings) carry their body and no Marking."""

    collection = models.CharField(max_length=64)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, null=True, related_name="+")
    marking = models.ForeignKey("policy.Marking", on_delete=models.CASCADE, null=True, related_name="+")
    observable = models.ForeignKey("intel.Observable", on_delete=models.CASCADE, null=True, related_name="+")
    kept = models.ForeignKey(KeptObject, on_delete=models.CASCADE, null=True, related_name="+")
    part = models.CharField(max_length=16)  # report, handling, indicator, vulnerability, kept, shared
    stix_id = models.CharField(max_length=100)
    stix_type = models.CharField(max_length=64)
    spec_version = models.CharField(max_length=8, default="2.1")
    version = models.DateTimeField()
    date_added = models.DateTimeField()
    body = models.JSONField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["collection", "date_added", "id"], name="taxii_page"),
            models.Index(fields=["collection", "stix_id"], name="taxii_object"),
            models.Index(fields=["report", "part"], name="taxii_report"),
        ]

    def __str__(self) -> str:
        return f"{self.collection} {self.stix_id}"


class TaxiiStatus(models.Model):
    """The status resource of one TAXII POST (Lockstep processes a POST at once, so it is complete)."""

    id = models.UUIDField(primary_key=True)
    agency = models.ForeignKey("directory.Agency", on_delete=models.CASCADE, related_name="+")
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.id)


class SourceKind(models.TextChoices):
    TAXII = "taxii", _("TAXII 2.1 collection")
    MISP_FEED = "misp_feed", _("MISP feed (manifest.json)")
    MISP_SERVER = "misp_server", _("MISP server (REST API)")
    CSV = "csv", _("CSV feed")
    TEXT = "text", _("Plain list (one value per line)")


class Source(models.Model):
    """A partner's feed Lockstep pulls on a schedule, as ``run_as`` (whose agency owns what it brings), with
    the source's default Marking and grading; ``cursor`` says where the last pull stopped."""

    name = models.SlugField(_("name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices)
    url = models.CharField(_("address"), max_length=500, help_text=_("URL, or a directory for a MISP feed"))
    collection = models.CharField(_("TAXII collection id"), max_length=100, blank=True)
    value_type = models.CharField(_("type of the values (plain list)"), max_length=16, blank=True)
    mapping = models.JSONField(_("CSV columns (column -> field)"), default=dict, blank=True)
    username = models.CharField(_("user name"), max_length=200, blank=True)
    secret = models.TextField(blank=True)  # sealed (lib.sealing): password or API key
    run_as = models.ForeignKey("directory.User", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="sources")
    tlp = models.CharField("TLP", max_length=16, default="amber")
    audience = models.CharField(_("audience"), max_length=16, default="members")
    source_reliability = models.CharField(_("source reliability"), max_length=1, default="F")
    info_credibility = models.CharField(_("information credibility"), max_length=1, default="6")
    every_minutes = models.PositiveIntegerField(_("pull every (minutes)"), default=60)
    enabled = models.BooleanField(_("enabled"), default=True)
    cursor = models.JSONField(default=dict, blank=True)
    last_pull_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    objects_taken = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PullStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SourcePull(models.Model):
    """One pull of a source: when, how much it took, and what went wrong."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="pulls")
    status = models.CharField(max_length=12, choices=PullStatus.choices, default=PullStatus.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    taken = models.PositiveIntegerField(default=0)  # objects, events or rows brought in
    reports = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["source", "status"])]

    def __str__(self) -> str:
        return f"{self.source} {self.status}"
