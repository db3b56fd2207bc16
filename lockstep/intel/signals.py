"""What intel tells other apps, inside the transaction that made the change: a report was released, changed
(values added, fields edited) or withdrawn. Exchange keeps its TAXII collections in step with it."""

from __future__ import annotations

from django.dispatch import Signal

# sent with report=<Report>
report_changed = Signal()
