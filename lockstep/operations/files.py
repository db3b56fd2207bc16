"""Infrastructure lists as people hand them over: CSV with a header row, or JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any


def rows_from_text(text: str) -> Iterator[dict[str, Any]]:
    """Rows of CSV with a header (kind,value,provider,registrar,asn,country,state,evidence_ref) or of JSON
    Lines (told apart by the first character); a line that is not a JSON object becomes an empty row, which the
    import refuses by its number."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("{"):
        for line in text.splitlines():
            if line.strip():
                try:
                    item = json.loads(line)
                except (ValueError, RecursionError):
                    item = {}
                yield item if isinstance(item, dict) else {}
    else:
        yield from csv.DictReader(io.StringIO(text))
