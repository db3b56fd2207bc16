"""Who is acting and through which door: set by the web, API and CLI edges, read by ``audit.record``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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


class RequestLedger:
    """What one request did to the audit log: how many events it wrote, and a token use still to record if
    it writes none (an event written during the request already names the token in its channel)."""

    def __init__(self) -> None:
        self.events = 0
        self.token_use: Callable[[], object] | None = None


_ledger: ContextVar[RequestLedger | None] = ContextVar("lockstep_audit_ledger", default=None)


@contextmanager
def request_ledger() -> Iterator[RequestLedger]:
    """Open a ledger for one request; on the way out, record a pending token use if nothing else named it."""
    ledger = RequestLedger()
    token = _ledger.set(ledger)
    try:
        yield ledger
    finally:
        _ledger.reset(token)
        if ledger.token_use is not None and ledger.events == 0:
            ledger.token_use()


def ledger() -> RequestLedger | None:
    return _ledger.get()


def set_via(via: str) -> None:
    """Refine the channel for the rest of the current request (e.g. once a token is identified)."""
    _current.set(replace(_current.get(), via=via))
