"""`lockstep serve` stops the background worker it started, from the master process only (gunicorn's forked
web workers inherit the exit handler and must not stop it)."""

from __future__ import annotations

import os
import subprocess
import sys

from lockstep.web.management.commands.serve import _stop_from


def test_only_the_master_process_stops_the_background_worker() -> None:
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _stop_from(os.getpid() + 100_000, worker)  # as a forked web worker would: another pid
        assert worker.poll() is None
        _stop_from(os.getpid(), worker)  # as the master
        assert worker.wait(timeout=10) != 0
    finally:
        worker.kill()
        worker.wait()
