"""Files that hold secrets: created once with mode 0600, never world-readable."""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, data: bytes) -> bool:
    """Create ``path`` with mode 0600 holding ``data``; return False if it already existed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return True


def read_or_create(path: Path, make: bytes) -> bytes:
    """Return the content of ``path``, creating it from ``make`` the first time."""
    write_private(path, make)
    return path.read_bytes()


def is_private(path: Path) -> bool:
    return path.exists() and (path.stat().st_mode & 0o077) == 0
