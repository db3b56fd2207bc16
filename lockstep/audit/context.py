"""Who is acting and through which door: set by the web, API and CLI edges, read by ``audit.record``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Channel:
    via: str = "system"  # web, api, api-token:<id>, cli, system
    ip: str | None = None


_current: ContextVar[Channel] = ContextVar("lockstep_audit_channel", default=Channel())  # noqa: B039 - frozen


def current() -> Channel:
    return _current.get()


@contextmanager
def bound(**changes: str | None) -> Iterator[Channel]:
    """Within the block, audit events carry these channel values."""
    token = _current.set(replace(_current.get(), **changes))  # type: ignore[arg-type]
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def set_via(via: str) -> None:
    """Refine the channel for the rest of the current request (e.g. once a token is identified)."""
    _current.set(replace(_current.get(), via=via))
