"""`lockstep worker`: runs background tasks (django-tasks' database backend), queues the partner-source pulls
that are due and runs notice validity (warnings before expiry, expiry); `lockstep serve` starts one."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from lockstep.exchange.models import PullStatus, SourcePull
from lockstep.exchange.source_services import schedule_due_pulls
from lockstep.lib.commands import LockstepCommand
from lockstep.notices.services import run_validity
from lockstep.operations.models import ImportStatus, InfrastructureImport

logger = logging.getLogger(__name__)


def _schedule(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            schedule_due_pulls()
            run_validity()
        except Exception:  # the scheduler keeps ticking; the operator reads why in the log
            logger.exception("a scheduled job failed")
        finally:
            close_old_connections()
        stop.wait(settings.LOCKSTEP_SCHEDULER_SECONDS)


class Command(LockstepCommand):
    requires_system_checks = "__all__"  # a server or worker does not start on a node that fails them
    help = (
        "Run background tasks and the partner-source schedule.\n\n"
        "  lockstep worker          (until stopped)\n"
        "  lockstep worker --once   (queue what is due, run every queued task, exit: for cron or a test)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued and due, then exit")

    def run(self, **options: Any) -> None:
        # a worker that died mid-pull left it "running": say so; the next pull resumes from the cursor
        SourcePull.objects.filter(status=PullStatus.RUNNING).update(
            status=PullStatus.FAILED, error="interrupted (the worker stopped); the next pull resumes"
        )
        # the same for an infrastructure import cut short: importing the file again skips what was stored
        InfrastructureImport.objects.filter(status__in=[ImportStatus.CHECKING, ImportStatus.STORING]).update(
            status=ImportStatus.FAILED,
            content="",
            error="interrupted (the worker stopped); import the file again: the items stored are skipped",
            finished_at=timezone.now(),
        )
        worker = Worker(
            queue_names=["default"],
            interval=1.0,
            batch=options["once"],
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if options["once"]:
            queued = schedule_due_pulls()
            warned, expired = run_validity()
            self.stdout.write(f"{len(queued)} pulls queued; {warned} notices near expiry, {expired} expired")
            worker.run()
            return
        stop = threading.Event()
        scheduler = threading.Thread(target=_schedule, args=(stop,), name="scheduler", daemon=True)
        scheduler.start()
        self.stdout.write("Lockstep worker running (background tasks, partner-source schedule)")
        try:
            worker.run()
        finally:
            stop.set()
