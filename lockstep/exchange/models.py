"""What exchange keeps beside intel: the STIX objects a bundle brought, as sent, for lossless export."""

from __future__ import annotations

from django.db import models

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
