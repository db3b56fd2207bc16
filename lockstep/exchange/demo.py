"""The exchange part of the demo: a partner CERT's MISP feed on disk, and NCB-KE's source pulling it (pulled
once now, so the sources page shows a finished pull; `lockstep worker` pulls it again on its schedule)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from lockstep.directory.models import User
from lockstep.exchange.models import Source
from lockstep.exchange.source_services import pull_source, save_source

FEED = Path(__file__).parent / "data" / "demo_feed.json"
NAME = "demo-partner-cert"


def write_demo_feed(directory: Path) -> None:
    """The feed's files, as a MISP instance publishes them (manifest.json, one file per event)."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for event in json.loads(FEED.read_text(encoding="utf-8")):
        body = event["Event"]
        (directory / f"{body['uuid']}.json").write_text(json.dumps(event), encoding="utf-8")
        manifest[body["uuid"]] = {key: body.get(key) for key in ("info", "date", "timestamp", "Orgc", "Tag")}
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def load_exchange() -> int:
    """Returns what the first pull took (0 when the demo source already exists)."""
    if Source.objects.filter(name=NAME).exists():
        return 0
    directory = Path(settings.LOCKSTEP_FEEDS_DIR) / NAME
    write_demo_feed(directory)
    admin = User.objects.get(username="ke.admin")
    source = save_source(
        admin,
        {
            "name": NAME,
            "kind": "misp_feed",
            "url": str(directory),
            "run_as": User.objects.get(username="ke.analyst"),
            "tlp": "green",
            "audience": "members",
            "source_reliability": "B",
            "info_credibility": "2",
            "every_minutes": 60,
        },
    )
    return pull_source(source).taken
