"""Django's SQLite backend, with writers queued on a file lock instead of SQLite's sleeping busy handler.

SQLite lets one writer in at a time. When a second one arrives, its busy handler sleeps 1, 2, 5, 10, ... ms
before trying again, so under concurrent writes (several server threads and workers auditing every lookup)
most of the time is spent asleep while the database is free. Here a transaction first takes an exclusive
``flock`` on ``<database>.writelock``: waiting writers are woken by the kernel the moment the holder commits,
in turn, across threads and processes alike. ``BEGIN IMMEDIATE`` then finds the database free. In-memory
databases (tests) have nothing to share and skip the lock.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._write_lock_fd: int | None = None

    def _lock_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writelock"

    def _take_write_lock(self) -> None:
        path = self._lock_path()
        if path is None or self._write_lock_fd is not None:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # blocks without holding the interpreter lock
        except BaseException:
            os.close(fd)
            raise
        self._write_lock_fd = fd

    def _release_write_lock(self) -> None:
        fd, self._write_lock_fd = self._write_lock_fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor releases the lock

    def _start_transaction_under_autocommit(self) -> None:
        self._take_write_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._release_write_lock()
