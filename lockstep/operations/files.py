"""Infrastructure lists as people hand them over: CSV with a header row, or JSON Lines, in UTF-8 (or UTF-16
with its byte-order mark, as spreadsheets save "Unicode text")."""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from lockstep.errors import InvalidInput


def text_of(data: bytes) -> str:
    """The text of an uploaded file; InvalidInput when it is not text (NUL characters: a binary file, or an
    encoding we cannot tell)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        text = data.decode("utf-8-sig", errors="replace")
    if "\x00" in text:
        raise InvalidInput(
            _("The file is not text: save it as CSV or JSON Lines in UTF-8."),
            fields={"file": [_("not text")]},
        )
    return text


def rows_from_text(text: str) -> Iterator[dict[str, Any]]:
    """Rows of CSV with a header (kind,value,provider,registrar,asn,country,state,evidence_ref) or of JSON
    Lines (told apart by the first character); a line that is not a JSON object becomes an empty row, which the
    import refuses by its number. CSV that cannot be read (a field longer than 128 KiB...) is InvalidInput."""
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
        reader = csv.DictReader(io.StringIO(text))
        try:
            yield from reader
        except csv.Error as error:
            raise InvalidInput(
                _("The CSV cannot be read at line %(line)s: %(error)s")
                % {"line": reader.line_num, "error": error},
                fields={"file": [str(error)[:200]]},
            ) from None
