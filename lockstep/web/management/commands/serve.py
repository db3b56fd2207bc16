"""`lockstep serve`: the production web server (gunicorn) with static files served by WhiteNoise."""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser
from gunicorn.app.base import BaseApplication

from lockstep.lib import nodekey
from lockstep.lib.commands import LockstepCommand


def _stop_from(master: int, worker: subprocess.Popen[bytes]) -> None:
    """gunicorn's web workers are forked from the master and inherit its exit handlers: only the master stops
    the background worker, not a web worker that exits or is replaced."""
    if os.getpid() == master:
        worker.terminate()


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from lockstep.wsgi import application

        return application


class Command(LockstepCommand):
    requires_system_checks = "__all__"  # a server or worker does not start on a node that fails them
    help = (
        "Serve Lockstep with gunicorn. Host and port default to LOCKSTEP_HOST and LOCKSTEP_PORT.\n\n"
        "  lockstep serve\n"
        "  lockstep serve --host 0.0.0.0 --port 8080 --workers 4\n"
        "  lockstep serve --no-worker   (background tasks run by a separate `lockstep worker`)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.LOCKSTEP_HOST)
        parser.add_argument("--port", type=int, default=settings.LOCKSTEP_PORT)
        parser.add_argument("--workers", type=int, default=settings.LOCKSTEP_WORKERS)
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start `lockstep worker` (run it elsewhere)"
        )

    def run(self, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        if nodekey.ensure_node_key():
            self.stdout.write(f"created the node signing key {nodekey.key_path()} (mode 0600)")
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"Lockstep is serving on {url}"))
        if settings.LOCKSTEP_DEMO:
            self.stdout.write(
                "Demo mode: second factor not enforced. Demo logins: `lockstep demo --if-empty`."
            )
        if not options["no_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "lockstep.cli", "worker"])
            atexit.register(_stop_from, os.getpid(), worker)
            self.stdout.write(f"background worker started (pid {worker.pid})")
        _Gunicorn(
            {
                "bind": f"{options['host']}:{options['port']}",
                "workers": options["workers"],
                "threads": 4,
                "worker_class": "gthread",
                "timeout": 60,
                "accesslog": "-",
                "errorlog": "-",
            }
        ).run()
