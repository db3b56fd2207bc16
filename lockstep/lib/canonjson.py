"""Canonical JSON: the one byte form of a value that hashes and signatures cover.

Keys sorted, no insignificant whitespace, UTF-8, no floats (their text form is not canonical: callers pass
decimals as strings), datetimes as ISO 8601 UTC with microseconds.
"""

from __future__ import annotations

import datetime
import json
import uuid
from decimal import Decimal
from typing import Any


def normalise(value: Any) -> Any:
    """Turn ``value`` into plain JSON types, refusing what has no single canonical form."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        raise TypeError("floats have no canonical form here; pass a string or an integer")
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise TypeError("naive datetime in canonical JSON")
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [normalise(item) for item in value]
        return sorted(items, key=dumps) if isinstance(value, set | frozenset) else items
    raise TypeError(f"cannot put {type(value).__name__} in canonical JSON")


def dumps(value: Any) -> str:
    return json.dumps(normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def encode(value: Any) -> bytes:
    return dumps(value).encode("utf-8")
