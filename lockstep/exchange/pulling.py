"""One pull of a partner source, by kind: a TAXII 2.1 collection (taxii2-client, from ``added_after``), a MISP
feed (its ``manifest.json``, event by event), a MISP server (PyMISP restSearch, page by page from the last
timestamp), a CSV or plain-list feed (through ``intel import``, resumable by file digest). Each step is stored
as it completes and the cursor saved after it, so an interrupted pull resumes where it stopped."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from lockstep.errors import InvalidInput
from lockstep.exchange import misp
from lockstep.exchange.misp_services import import_misp
from lockstep.exchange.models import Source, SourceKind
from lockstep.exchange.services import Imported, import_stix
from lockstep.intel.imports import import_file
from lockstep.lib.fetching import FetchError, fetch_url
from lockstep.lib.sealing import unseal
from lockstep.policy.audience import MarkingSpec

TIMEOUT = 60
MAX_FEED_FILE = 1 << 30  # a feed file (a CSV of millions of rows) is read whole, up to 1 GiB
TAXII_PAGE = 500
MISP_PAGE = 50


@dataclass
class Progress:
    taken: int = 0  # objects, events or rows brought in
    reports: int = 0
    step: str = ""


Report = Callable[[Progress], None]


class SourceError(InvalidInput):
    """The source answered with something Lockstep cannot use, or not at all."""


def local_path(source: Source, name: str = "") -> Path:
    """A file or directory source must lie in ``LOCKSTEP_FEEDS_DIR``: no one reads the server's files by
    configuring a source."""
    root = Path(settings.LOCKSTEP_FEEDS_DIR).resolve()
    path = (Path(source.url.removeprefix("file://")) / name).resolve()
    if not path.is_relative_to(root):
        raise SourceError(
            _("A local source must lie in %(root)s (LOCKSTEP_FEEDS_DIR).") % {"root": root},
            fields={"url": [source.url]},
        )
    return path


def _is_remote(source: Source) -> bool:
    return source.url.startswith(("http://", "https://"))


def fetch(source: Source, name: str = "") -> bytes:
    """The content at the source's address (``name`` appended for a feed's files)."""
    if not _is_remote(source):
        path = local_path(source, name)
        if not path.is_file():
            raise SourceError(_("No file %(path)s.") % {"path": path}, fields={"url": [str(path)]})
        return path.read_bytes()
    url = source.url.rstrip("/") + "/" + name if name else source.url
    secret = unseal(source.secret)
    auth = (source.username, secret) if source.username else None
    headers = {"Authorization": secret} if secret and not source.username else {}
    try:
        return fetch_url(url, limit=MAX_FEED_FILE, auth=auth, headers=headers)
    except FetchError as exc:
        raise SourceError(str(exc), fields={"url": [url]}) from None


def _json(content: bytes, what: str) -> Any:
    try:
        return json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(_("%(what)s is not JSON: %(error)s") % {"what": what, "error": exc}) from None


def _defaults(source: Source) -> MarkingSpec:
    return MarkingSpec(
        owner=source.agency,
        tlp=source.tlp,
        audience=source.audience,
        source_reliability=source.source_reliability,
        info_credibility=source.info_credibility,
    )


def _count(result: Imported, progress: Progress) -> None:
    progress.reports += result.created


def _save_cursor(source: Source) -> None:
    source.save(update_fields=["cursor"])


def pull_taxii(source: Source, progress: Progress, report: Report) -> None:
    from taxii2client.common import _HTTPConnection
    from taxii2client.v21 import Collection, as_pages

    secret = unseal(source.secret)
    connection = _HTTPConnection(user=source.username or None, password=secret or None, version="2.1")
    headers: dict[str, str] = {}
    connection.session.hooks["response"].append(lambda response, *a, **k: headers.update(response.headers))
    url = source.url.rstrip("/") + "/"
    if source.collection:
        url += f"collections/{source.collection}/"
    try:
        collection = Collection(url, conn=connection)
        filters = {"added_after": source.cursor["added_after"]} if source.cursor.get("added_after") else {}
        for envelope in as_pages(collection.get_objects, per_request=TAXII_PAGE, **filters):
            objects = envelope.get("objects") or []
            if objects:
                bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}
                result = import_stix(
                    source.run_as,
                    bundle,
                    defaults=_defaults(source),
                    name=f"source {source.name}",
                    complete=False,
                    loose_ref=f"source:{source.name}",
                )
                progress.taken += len(objects)
                _count(result, progress)
            last = headers.get("X-TAXII-Date-Added-Last")
            if last:
                source.cursor["added_after"] = last
                _save_cursor(source)
            progress.step = source.cursor.get("added_after", "")
            report(progress)
    except requests.RequestException as exc:
        raise SourceError(
            _("%(url)s: %(error)s") % {"url": url, "error": exc}, fields={"url": [url]}
        ) from None


def pull_misp_feed(source: Source, progress: Progress, report: Report) -> None:
    manifest = _json(fetch(source, "manifest.json"), "manifest.json")
    done: dict[str, int] = source.cursor.setdefault("events", {})
    for stamp, key in misp.feed_order(manifest, done):
        event = _json(fetch(source, f"{key}.json"), f"{key}.json")
        result = import_misp(source.run_as, event, defaults=_defaults(source), name=f"source {source.name}")
        progress.taken += 1
        _count(result, progress)
        done[key] = stamp
        _save_cursor(source)
        progress.step = key
        report(progress)


def pull_misp_server(source: Source, progress: Progress, report: Report) -> None:
    from pymisp import PyMISP
    from pymisp.exceptions import PyMISPError

    cursor = source.cursor
    since, page, newest = (
        int(cursor.get("since", 0)),
        int(cursor.get("page", 1)),
        int(cursor.get("newest", 0)),
    )
    try:
        server = PyMISP(source.url, unseal(source.secret), ssl=True, timeout=TIMEOUT)
        while True:
            answer = server.search(
                controller="events", timestamp=since or None, page=page, limit=MISP_PAGE, pythonify=False
            )
            if isinstance(answer, dict) and answer.get("errors"):
                raise SourceError(_("MISP refused the search: %(error)s") % {"error": answer["errors"]})
            events = answer if isinstance(answer, list) else []
            if not events:
                break
            result = import_misp(
                source.run_as, events, defaults=_defaults(source), name=f"source {source.name}"
            )
            progress.taken += len(events)
            _count(result, progress)
            stamps = [int((event.get("Event") or event).get("timestamp") or 0) for event in events]
            newest = max([newest, *stamps])
            page += 1
            cursor |= {"since": since, "page": page, "newest": newest}
            _save_cursor(source)
            progress.step = f"page {page - 1}"
            report(progress)
    except (PyMISPError, requests.RequestException) as exc:
        raise SourceError(_("%(url)s: %(error)s") % {"url": source.url, "error": exc}) from None
    source.cursor = {"since": newest or since, "page": 1, "newest": newest}
    _save_cursor(source)


def _feed_file(source: Source, content: bytes, suffix: str) -> tuple[Path, str]:
    digest = hashlib.sha256(content).hexdigest()
    folder = Path(settings.DATA_DIR) / "sources" / source.name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest[:16]}{suffix}"
    if not path.exists():
        path.write_bytes(content)
    return path, digest


def pull_rows(source: Source, progress: Progress, report: Report) -> None:
    content = fetch(source)
    if source.kind == SourceKind.TEXT:
        lines = content.decode("utf-8-sig", errors="replace").splitlines()
        values = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        content = "".join(json.dumps({"type": source.value_type, "value": v}) + "\n" for v in values).encode()
        path, digest = _feed_file(source, content, ".jsonl")
    else:
        path, digest = _feed_file(source, content, ".csv")
    if source.cursor.get("sha256") == digest:
        return  # nothing new since the last pull
    seen = {"report": f"source:{source.name}", "title": _("Feed %(name)s") % {"name": source.name}}

    def show(step: Any) -> None:
        progress.taken, progress.reports, progress.step = step.rows, step.reports, f"row {step.rows}"
        report(progress)

    done = import_file(
        source.run_as,
        path,
        mapping=source.mapping or None,
        tlp=source.tlp,
        audience=source.audience,
        on_progress=show,
        defaults=seen,
        grading=(source.source_reliability, source.info_credibility),
    )
    progress.taken, progress.reports = done.rows, done.reports
    source.cursor = {"sha256": digest, "at": datetime.datetime.now(datetime.UTC).isoformat()}
    _save_cursor(source)
    path.unlink(missing_ok=True)


PULLS: dict[str, Callable[[Source, Progress, Report], None]] = {
    SourceKind.TAXII: pull_taxii,
    SourceKind.MISP_FEED: pull_misp_feed,
    SourceKind.MISP_SERVER: pull_misp_server,
    SourceKind.CSV: pull_rows,
    SourceKind.TEXT: pull_rows,
}
