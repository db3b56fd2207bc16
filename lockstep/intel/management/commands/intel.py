"""`lockstep intel extract | import | lookup | warninglists`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from lockstep.audit.services import record
from lockstep.intel.canonical import all_types
from lockstep.intel.extract import extract
from lockstep.intel.imports import Progress, import_file
from lockstep.intel.lookup import lookup
from lockstep.intel.models import Warninglist
from lockstep.intel.warninglists import reapply, sync_builtin
from lockstep.lib.commands import LockstepCommand, pairs, user_named


class Command(LockstepCommand):
    help = (
        "Intelligence from the command line.\n\n"
        "  lockstep intel extract < report.txt               prints {type: [values]} as JSON\n"
        '  lockstep intel extract --jsonl < texts.jsonl      lines {"id", "text"} -> {"id", "iocs"}\n'
        "  lockstep intel import observations.csv --user ke.analyst [--map indicator=value] [--batch 5000]\n"
        "  lockstep intel lookup --user ke.analyst 203.0.113.9 evil.example.net\n"
        "  lockstep intel warninglists list | sync"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        extracting = sub.add_parser("extract", help="extract observables from text on standard input")
        extracting.add_argument("--jsonl", action="store_true", help='read lines {"id", "text"}')
        extracting.add_argument("--country", help="ISO country for national phone numbers, e.g. KE")
        importing = sub.add_parser("import", help="import a CSV or JSON Lines file of observations")
        importing.add_argument("file", type=Path)
        importing.add_argument("--user", required=True, help="the user (and so the agency) importing")
        importing.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="file column to Lockstep field, e.g. indicator=value (repeatable)",
        )
        importing.add_argument("--batch", type=int, default=5000, help="rows per atomic batch (default 5000)")
        importing.add_argument("--tlp", default="amber", help="TLP of new reports (default amber)")
        importing.add_argument(
            "--audience", default="members", help="audience of new reports (default members)"
        )
        looking = sub.add_parser("lookup", help="has anyone seen these values?")
        looking.add_argument(
            "values", nargs="*", help="values (or type:value, e.g. asn:13335); none: read lines on stdin"
        )
        looking.add_argument("--user", required=True, help="who is asking (audited)")
        lists = sub.add_parser("warninglists", help="built-in and GS warninglists")
        lists.add_argument(
            "what",
            choices=["list", "sync", "apply"],
            help="list; sync: reload the built-in lists; apply: re-mark stored values",
        )

    def run(self, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(**options)

    def do_extract(self, **options: Any) -> None:
        if not options["jsonl"]:
            self.stdout.write(json.dumps(extract(sys.stdin.read(), options["country"]), ensure_ascii=False))
            return
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text, ident = item["text"], item.get("id")
            except (json.JSONDecodeError, KeyError, TypeError):
                raise CommandError(f'line {number}: expected {{"id", "text"}}') from None
            found = extract(text, options["country"])
            self.stdout.write(json.dumps({"id": ident, "iocs": found}, ensure_ascii=False))

    def do_import(self, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no file {path}")
        mapping = pairs(options["map"])
        started = time.monotonic()
        tty = sys.stderr.isatty()

        def show(progress: Progress) -> None:
            rate = (progress.rows - progress.resumed_from) / max(time.monotonic() - started, 1e-6)
            line = (
                f"{progress.rows:,} rows, {progress.added:,} added, {progress.rejected:,} rejected, "
                f"{rate:,.0f} rows/s"
            )
            self.stderr.write(("\r" + line) if tty else line, ending="" if tty else "\n")

        progress = import_file(
            user_named(options["user"]),
            path,
            mapping=mapping,
            batch_size=max(1, options["batch"]),
            tlp=options["tlp"],
            audience=options["audience"],
            on_progress=show,
        )
        if tty:
            self.stderr.write("")
        if progress.resumed_from:
            self.stdout.write(f"resumed after row {progress.resumed_from:,}")
        for problem in progress.problems or []:
            self.stderr.write(problem)
        self.stdout.write(
            f"{progress.rows:,} rows: {progress.added:,} observables added, {progress.rejected:,} "
            f"rejected, {progress.reports:,} reports, {progress.hits:,} hits"
        )

    def do_lookup(self, **options: Any) -> None:
        values = options["values"] or [line.strip() for line in sys.stdin if line.strip()]
        queries: list[tuple[str | None, str]] = []
        for value in values:
            kind, sep, rest = value.partition(":")
            queries.append((kind, rest) if sep and kind in all_types() else (None, value))
        for answer in lookup(user_named(options["user"]), queries):
            self.stdout.write(
                json.dumps(
                    {
                        "query": answer.query,
                        "type": answer.kind,
                        "value": answer.value,
                        "error": answer.error,
                        "warninglist": answer.warninglist,
                        "too_common": answer.too_common,
                        "matches": [vars(match) for match in answer.matches],
                    },
                    ensure_ascii=False,
                )
            )

    def do_warninglists(self, **options: Any) -> None:
        if options["what"] == "sync":
            self.stdout.write(f"{sync_builtin()} built-in entries loaded")
        if options["what"] == "apply":
            changed = reapply()
            with transaction.atomic():
                record(None, "intel.warninglists_applied", None, changed=changed)
            self.stdout.write(f"{changed:,} stored values re-marked")
            return
        for listed in Warninglist.objects.all():
            state = "enabled" if listed.enabled else "disabled"
            kind = "built-in" if listed.builtin else "GS"
            self.stdout.write(
                f"{listed.name:<28} {kind:<9} {state:<9} {listed.entries.count():>6}  {listed.description}"
            )
