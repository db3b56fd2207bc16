"""Partner sources: who manages them, saving one (its secret sealed), pulling one now or on its schedule, each
audited; the status of every pull is kept (``SourcePull``)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lockstep.audit.services import record
from lockstep.directory.models import Role, User
from lockstep.errors import InvalidInput, LockstepError, NotFound, PermissionDenied
from lockstep.exchange.models import PullStatus, Source, SourceKind, SourcePull
from lockstep.exchange.pulling import PULLS, Progress
from lockstep.exchange.tabular import check_mapping
from lockstep.intel.canonical import all_types
from lockstep.lib.sealing import seal
from lockstep.policy.audience import MarkingSpec, check_marking
from lockstep.policy.rules import is_active_actor, is_operational

logger = logging.getLogger(__name__)
FIELDS = (
    "name",
    "kind",
    "url",
    "collection",
    "value_type",
    "mapping",
    "username",
    "tlp",
    "audience",
    "source_reliability",
    "info_credibility",
    "every_minutes",
    "enabled",
)


def can_manage_sources(actor: User) -> bool:
    """An agency's administrators and analysts set up the feeds it takes in."""
    return is_active_actor(actor) and (actor.has_role(Role.AGENCY_ADMIN) or actor.has_role(Role.ANALYST))


def sources_for(actor: User) -> QuerySet[Source]:
    if not can_manage_sources(actor):
        raise PermissionDenied(_("Partner sources are managed by the agency's administrators and analysts."))
    return Source.objects.filter(agency=actor.agency).select_related("run_as", "agency")


def get_source_for(actor: User, name: str) -> Source:
    source = sources_for(actor).filter(name=name).first()
    if source is None:
        raise NotFound()
    return source


def _check(actor: User, source: Source) -> None:
    errors: dict[str, list[str]] = {}
    if source.kind not in SourceKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if not source.url.strip():
        errors["url"] = [_("Give the address.")]
    if source.kind == SourceKind.TEXT and source.value_type not in all_types():
        errors["value_type"] = [_("A plain list needs the type of its values.")]
    if source.run_as.agency_id != actor.agency_id or not is_operational(source.run_as):
        errors["run_as"] = [_("Pulls run as an operational user of the agency.")]
    if source.kind == SourceKind.CSV:
        try:
            check_mapping({field: column for column, field in source.mapping.items()})
        except InvalidInput as exc:
            errors["mapping"] = [exc.message]
    try:
        check_marking(
            MarkingSpec(
                owner=actor.agency,
                tlp=source.tlp,
                audience=source.audience,
                source_reliability=source.source_reliability,
                info_credibility=source.info_credibility,
            )
        )
    except InvalidInput as exc:
        errors.update(exc.fields or {"tlp": [exc.message]})
    if errors:
        raise InvalidInput(_("The source cannot be saved as it is."), fields=errors)


def save_source(
    actor: User, fields: dict[str, Any], *, source: Source | None = None, secret: str | None = None
) -> Source:
    """Create a source (or change ``source``): ``fields`` by name (``FIELDS``, plus ``run_as``), ``secret``
    sealed at rest (None keeps the one stored)."""
    if not can_manage_sources(actor):
        raise PermissionDenied(_("Partner sources are managed by the agency's administrators and analysts."))
    creating = source is None
    source = source or Source(agency=actor.agency)
    for name in (*FIELDS, "run_as"):
        if name in fields:
            setattr(source, name, fields[name])
    if creating and Source.objects.filter(name=source.name).exists():
        raise InvalidInput(_("A source of that name exists."), fields={"name": [source.name]})
    _check(actor, source)
    if secret is not None:
        source.secret = seal(secret)
    with transaction.atomic():
        source.save()
        shown = {name: getattr(source, name) for name in FIELDS}
        record(actor, "source.created" if creating else "source.changed", None, source=source.name, **shown)
    return source


def delete_source(actor: User, source: Source) -> None:
    with transaction.atomic():
        record(actor, "source.deleted", None, source=source.name)
        source.delete()


def pull_source(
    source: Source, *, pull: SourcePull | None = None, on_progress: Callable[[Progress], None] | None = None
) -> SourcePull:
    """Pull ``source`` now, as its ``run_as`` user. What each step brought stays stored even when a later
    step fails; the pull records how much it took and the error, and the next pull goes on from there."""
    pull = pull or SourcePull.objects.create(source=source)
    pull.status, pull.started_at = PullStatus.RUNNING, timezone.now()
    pull.save(update_fields=["status", "started_at"])
    progress = Progress()

    def report(step: Progress) -> None:
        pull.taken, pull.reports = step.taken, step.reports
        pull.save(update_fields=["taken", "reports"])
        if on_progress:
            on_progress(step)

    try:
        PULLS[source.kind](source, progress, report)
        pull.status, pull.error = PullStatus.DONE, ""
    except LockstepError as exc:
        pull.status, pull.error = (
            PullStatus.FAILED,
            exc.message
            + "".join(f"\n{name}: {'; '.join(messages)}" for name, messages in list(exc.fields.items())[:10]),
        )
    except Exception as exc:  # a feed must not take the worker down; the operator sees why in the status
        logger.exception("pull of source %s failed", source.name)
        pull.status, pull.error = PullStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
    pull.taken, pull.reports, pull.finished_at = progress.taken, progress.reports, timezone.now()
    pull.save()
    source.last_pull_at = pull.finished_at
    source.objects_taken += progress.taken
    source.last_error = pull.error
    if pull.status == PullStatus.DONE:
        source.last_success_at = pull.finished_at
    source.save(update_fields=["last_pull_at", "objects_taken", "last_error", "last_success_at"])
    record(
        source.run_as,
        "source.pulled",
        None,
        source=source.name,
        status=pull.status,
        taken=progress.taken,
        reports=progress.reports,
        error=pull.error[:300],
    )
    return pull


def queue_pull(source: Source) -> SourcePull | None:
    """Enqueue a pull for the worker, unless one is already queued or running."""
    from lockstep.exchange.tasks import pull_task

    if source.pulls.filter(status__in=(PullStatus.QUEUED, PullStatus.RUNNING)).exists():
        return None
    pull = SourcePull.objects.create(source=source)
    transaction.on_commit(lambda: pull_task.enqueue(pull.pk))
    return pull


def due_sources(now: datetime.datetime | None = None) -> list[Source]:
    """Enabled sources whose interval has passed since their last pull (or that were never pulled)."""
    now = now or timezone.now()
    return [
        source
        for source in Source.objects.filter(enabled=True).select_related("run_as", "agency")
        if source.last_pull_at is None
        or source.last_pull_at + datetime.timedelta(minutes=source.every_minutes) <= now
    ]


def schedule_due_pulls(now: datetime.datetime | None = None) -> list[SourcePull]:
    """What the worker's scheduler does each tick: queue a pull of every source that is due."""
    queued = []
    for source in due_sources(now):
        with transaction.atomic():
            pull = queue_pull(source)
        if pull is not None:
            queued.append(pull)
    return queued
