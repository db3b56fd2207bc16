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
