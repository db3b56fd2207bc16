"""The hash chain: an event's hash covers the previous event's hash and the canonical JSON of the event."""

from __future__ import annotations

import hashlib
from typing import Any

from lockstep.lib import canonjson


def event_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonjson.encode(payload))
    return digest.hexdigest()
