"""Importing observations from CSV or JSON Lines files: streamed, in atomic batches, resumable, idempotent.

Each row is one observation: ``report`` (the agency's own reference: rows sharing it form one report), ``type``,
``value``, and optionally ``context``, ``first_seen``, ``last_seen``, ``title``, ``crime_type``, ``summary``,
``tlp``, ``audience``. Reports stay invisible (status importing) until the whole file is in; then they become
active and are correlated in one set-based pass. Re-running an interrupted import resumes after the last
committed batch; re-importing a finished file adds nothing (same reports, duplicate values ignored).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lockstep.audit.services import record
from lockstep.directory.models import User
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.intel.correlate import correlate
from lockstep.intel.ingest import Submitted, insert_rows, pipelined, prepare, rows_for
from lockstep.intel.models import CrimeType, ImportRun, Observable, Report, ReportStatus
from lockstep.intel.notify import notify_hits
from lockstep.intel.signals import report_changed
from lockstep.intel.warninglists import load_index
from lockstep.policy.audience import MarkingSpec
from lockstep.policy.rules import is_operational
from lockstep.policy.services import create_marking, release

FIELDS = (
    "report",
    "type",
    "value",
    "context",
    "first_seen",
    "last_seen",
    "title",
    "crime_type",
    "summary",
    "tlp",
    "audience",
)


@dataclass
class Canonical:
    """A batch after canonicalisation: rows done once it is written, rows without a report reference, and per
    report reference its first row, values ready to insert, how many were rejected and why."""

    rows_done: int
    missing: int
    reports: dict[str, tuple[dict[str, Any], list[Any], int, list[str]]]


@dataclass
class Progress:
    rows: int = 0
    added: int = 0
    rejected: int = 0
    reports: int = 0
    hits: int = 0
    resumed_from: int = 0
    problems: list[str] | None = None


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_rows(text: TextIO, name: str, mapping: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """Rows as dicts with Lockstep's field names (``mapping``: file column -> field). Row numbers in messages
    count data rows from 1 (a CSV header is not a row)."""
    mapping = mapping or {}
    if name.lower().endswith((".jsonl", ".ndjson", ".json")):
        for number, line in enumerate(text, 1):
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InvalidInput(
                        _("Line %(line)d is not JSON: %(error)s") % {"line": number, "error": exc.msg},
                        fields={"file": [f"line {number}"]},
                    ) from None
                yield {mapping.get(key, key): value for key, value in row.items()}
        return
    reader = csv.DictReader(text)
    for row in reader:
        yield {mapping.get(key, key): value for key, value in row.items() if key}


def _when(value: Any) -> datetime.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(str(value)) or (
        parse_datetime(f"{value}T00:00:00") if len(str(value)) == 10 else None
    )
    if parsed and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed


class Importer:
    def __init__(
        self, actor: User, run: ImportRun, *, tlp: str, audience: str, grading: tuple[str, str] = ("F", "6")
    ) -> None:
        self.actor, self.run, self.tlp, self.audience, self.grading = actor, run, tlp, audience, grading
        self.reports: dict[str, Report] = {
            report.external_ref: report
            for report in Report.objects.filter(owner=actor.agency, pk__in=run.reports.all())
        }
        self.warn = load_index()
        self.country = actor.agency.country_id

    def _report(self, reference: str, row: dict[str, Any]) -> Report:
        report = self.reports.get(reference)
        if report is None:
            report = Report.objects.filter(owner=self.actor.agency, external_ref=reference).first()
        if report is not None and report.status in (ReportStatus.WITHDRAWN, ReportStatus.REJECTED):
            return report  # its rows are refused in ``write``: a recalled report takes no new values
        if report is None:
            crime = row.get("crime_type") or CrimeType.OTHER
            if crime not in CrimeType.values:
                crime = CrimeType.OTHER
            marking = create_marking(
                self.actor,
                MarkingSpec(
                    owner=self.actor.agency,
                    tlp=row.get("tlp") or self.tlp,
                    audience=row.get("audience") or self.audience,
                    source_reliability=self.grading[0],
                    info_credibility=self.grading[1],
                ),
            )
            report = Report.objects.create(
                reference=f"tmp-{reference}"[:40],
                owner=self.actor.agency,
                marking=marking,
                external_ref=reference,
                title=(row.get("title") or reference)[:200],
                crime_type=crime,
                summary=row.get("summary") or "",
                status=ReportStatus.IMPORTING,
                created_by=self.actor,
            )
            report.reference = f"{self.actor.agency.code}-{report.created_at:%Y}-{report.pk:06d}"
            report.save(update_fields=["reference"])
        if reference not in self.reports:
            self.reports[reference] = report
            self.run.reports.add(report)
        return report

    def canonicalise(self, chunk: tuple[int, list[dict[str, Any]]]) -> Canonical:
        """Pure work, run on a helper thread while the previous batch is written: group the rows by report and
        canonicalise them."""
        first_index, rows = chunk
        grouped: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        missing = 0
        for offset, row in enumerate(rows):
            reference = str(row.get("report") or "").strip()[:100]
            if not reference:
                missing += 1
                continue
            grouped.setdefault(reference, []).append((first_index + offset, row))
        reports = {}
        for reference, items in grouped.items():
            submitted = [
                Submitted(
                    str(row.get("type") or "").strip().lower(),
                    str(row.get("value") or ""),
                    str(row.get("context") or "")[:120],
                    _when(row.get("first_seen")),
                    _when(row.get("last_seen")),
                )
                for _index, row in items
            ]
            prepared, rejected = prepare(submitted, country=self.country, warn=self.warn)
            problems = [
                f"row {items[r.index][0] + 1}: {r.kind} {r.value!r}: {r.reason}" for r in rejected[:50]
            ]
            reports[reference] = (items[0][1], prepared, len(rejected), problems)
        return Canonical(first_index + len(rows), missing, reports)

    def write(self, batch: Canonical, progress: Progress) -> None:
        """One atomic batch: reports created as needed, values bulk-inserted, progress recorded."""
        with transaction.atomic():
            pending: list[tuple[Any, ...]] = []
            progress.rejected += batch.missing
            for reference, (first_row, prepared, rejected, problems) in batch.reports.items():
                report = self._report(reference, first_row)
                if report.status in (ReportStatus.WITHDRAWN, ReportStatus.REJECTED):
                    rejected, problems = (
                        rejected + len(prepared),
                        [
                            _("report %(reference)s: withdrawn, its rows were not imported")
                            % {"reference": reference},
                            *problems,
                        ],
                    )
                    prepared = []
                progress.rejected += rejected
                if progress.problems is not None:
                    progress.problems.extend(problems[: max(0, 50 - len(progress.problems))])
                # Inactive until the whole file is in, also when added to a report that is already visible.
                pending += rows_for(report.pk, report.owner_id, report.marking_id, prepared, active=False)
            progress.added += insert_rows(pending)
            progress.rows = batch.rows_done
            ImportRun.objects.filter(pk=self.run.pk).update(
                rows_done=progress.rows, added=progress.added, rejected=progress.rejected
            )

    def finish(self, progress: Progress) -> None:
        """Make the imported reports visible and correlate them in one pass."""
        with transaction.atomic():
            reports = [
                r
                for r in self.reports.values()
                if r.status not in (ReportStatus.WITHDRAWN, ReportStatus.REJECTED)
            ]
            ids = [r.pk for r in reports]
            importing = Report.objects.filter(pk__in=ids, status=ReportStatus.IMPORTING)
            fresh = set(importing.values_list("pk", flat=True))  # released now; the others were before
            held = self.actor.agency.is_partner  # partner data waits for the General Secretariat
            importing.update(status=ReportStatus.PENDING if held else ReportStatus.ACTIVE)
            common, hits = 0, 0
            if not held:
                Observable.objects.filter(report__in=ids, active=False).update(active=True)
                common, hits = correlate(ids, full=progress.added >= 100_000)
            progress.hits, progress.reports = hits, len(reports)
            self.run.finished, self.run.finished_at, self.run.hits = True, timezone.now(), hits
            self.run.rows_done, self.run.added, self.run.rejected = (
                progress.rows,
                progress.added,
                progress.rejected,
            )
            self.run.save()
            stored = list(Report.objects.filter(pk__in=ids).select_related("marking", "owner"))
            for report in stored:
                if report.pk in fresh and not held:
                    release(self.actor, report.marking, report)
                report_changed.send(Report, report=report)
            if hits:
                notify_hits(stored)
            record(
                self.actor,
                "report.imported",
                self.run,
                file=self.run.name,
                sha256=self.run.sha256,
                rows=progress.rows,
                added=progress.added,
                rejected=progress.rejected,
                reports=len(reports),
                hits=hits,
                common_values=common,
            )


def _chunks(
    rows: Iterator[dict[str, Any]], size: int, start: int
) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    while True:
        chunk = list(itertools.islice(rows, size))
        if not chunk:
            return
        yield start, chunk
        start += len(chunk)


def import_file(
    actor: User,
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    batch_size: int = 5000,
    tlp: str = "amber",
    audience: str = "members",
    on_progress: Callable[[Progress], None] | None = None,
    stop_after: int | None = None,
    defaults: dict[str, str] | None = None,
    grading: tuple[str, str] = ("F", "6"),
) -> Progress:
    """Import ``path`` for the actor's agency. ``defaults`` fill fields a row leaves out (a feed without a
    ``report`` column puts every row in one report); ``stop_after`` (rows) simulates an interruption, for
    tests."""
    if not is_operational(actor):
        raise PermissionDenied()
    digest = file_digest(path)
    run = ImportRun.objects.filter(agency=actor.agency, sha256=digest, finished=False).first()
    progress = Progress(problems=[])
    if run is None:
        run = ImportRun.objects.create(sha256=digest, name=path.name[:300], agency=actor.agency, user=actor)
    else:
        progress.resumed_from = progress.rows = int(run.rows_done)
        progress.added, progress.rejected = int(run.added), int(run.rejected)
    importer = Importer(actor, run, tlp=tlp, audience=audience, grading=grading)
    stopped = False

    def write(batch: Canonical) -> None:
        nonlocal stopped
        if stopped:
            return
        importer.write(batch, progress)
        if on_progress:
            on_progress(progress)
        stopped = stop_after is not None and progress.rows >= stop_after

    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows: Iterator[dict[str, Any]] = itertools.islice(
            read_rows(handle, path.name, mapping), progress.resumed_from, None
        )
        if defaults:
            rows = ({**defaults, **{key: value for key, value in row.items() if value}} for row in rows)
        pipelined(_chunks(rows, batch_size, progress.resumed_from), importer.canonicalise, write)
    if stopped:
        return progress
    importer.finish(progress)
    if on_progress:
        on_progress(progress)
    return progress
