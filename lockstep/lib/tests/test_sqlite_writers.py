"""The SQLite backend queues writers on a file lock: a second writer waits for the first to end, whether it
commits or rolls back, and is let in as soon as it does."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from lockstep.lib.sqlite.base import DatabaseWrapper


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker: Any) -> Any:
    """These tests open their own database files, outside the test database."""
    with django_db_blocker.unblock():
        yield


def _wrapper(path: Path, alias: str) -> DatabaseWrapper:
    settings: dict[str, Any] = dict(connections["default"].settings_dict)
    settings.update(
        ENGINE="lockstep.lib.sqlite",
        NAME=str(path),
        # no busy timeout: without the file lock the second BEGIN IMMEDIATE fails at once ("database is locked")
        OPTIONS={"transaction_mode": "IMMEDIATE", "timeout": 0, "init_command": "PRAGMA journal_mode=WAL;"},
    )
    return DatabaseWrapper(settings, alias=alias)


def _writer_waits_for(first: DatabaseWrapper, path: Path, end: str) -> None:
    first.ensure_connection()
    first._start_transaction_under_autocommit()
    first.cursor().execute("INSERT INTO t VALUES (1)")
    entered = threading.Event()

    def write() -> None:
        second = _wrapper(path, "w2")  # a connection belongs to its thread
        second.ensure_connection()
        second._start_transaction_under_autocommit()
        second.cursor().execute("INSERT INTO t VALUES (2)")
        entered.set()
        second.commit()
        second.close()

    thread = threading.Thread(target=write)
    thread.start()
    assert not entered.wait(0.3)  # the first writer holds the lock
    getattr(first, end)()
    assert entered.wait(10)  # let in once the first one ended
    thread.join()


def test_a_second_writer_waits_for_the_first_to_commit(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    first = _wrapper(path, "w1")
    first.ensure_connection()
    first.cursor().execute("CREATE TABLE t (v integer)")
    _writer_waits_for(first, path, "commit")
    assert first.cursor().execute("SELECT v FROM t ORDER BY v").fetchall() == [(1,), (2,)]
    assert first._write_lock_fd is None and (tmp_path / "db.sqlite3.writelock").exists()
    first.close()


def test_a_rollback_releases_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    first = _wrapper(path, "w1")
    first.ensure_connection()
    first.cursor().execute("CREATE TABLE t (v integer)")
    _writer_waits_for(first, path, "rollback")
    assert first.cursor().execute("SELECT v FROM t").fetchall() == [(2,)]
    first.close()


def test_in_memory_databases_take_no_lock() -> None:
    memory = _wrapper(Path(":memory:"), "w3")
    memory.settings_dict["NAME"] = ":memory:"
    memory.ensure_connection()
    memory._start_transaction_under_autocommit()
    assert memory._write_lock_fd is None
    memory.rollback()
    memory.close()
