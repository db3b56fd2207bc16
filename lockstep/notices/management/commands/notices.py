"""`lockstep notices list | export | import`: notices on the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from lockstep.lib.commands import LockstepCommand, user_named
from lockstep.notices import screening
from lockstep.notices.access import notices_for
from lockstep.notices.transfer import export_lines, import_lines


class Command(LockstepCommand):
    help = (
        "Notices and diffusions on the command line.\n\n"
        "  lockstep notices list --user ke.officer [--type red] [--status published]\n"
        "  lockstep notices export --user ke.officer [--type red] [-o notices.jsonl]\n"
        "  lockstep notices import notices.jsonl --user ke.officer\n"
        "  lockstep notices screen passengers.jsonl --user ke.officer [--threshold 0.8] [--limit 5] [--json]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("list", "the notices the user may see"), ("export", "as JSON Lines")):
            command = sub.add_parser(name, help=text)
            command.add_argument("--user", required=True)
            command.add_argument("--type", default="")
            command.add_argument("--status", default="")
            if name == "export":
                command.add_argument("-o", "--output", type=Path)
        importing = sub.add_parser("import", help="notices from JSON Lines, keeping their status and dates")
        importing.add_argument("file", type=Path)
        importing.add_argument("--user", required=True, help="a user of the agency the notices belong to")
        screen = sub.add_parser(
            "screen",
            help='people from JSON Lines {"qid", "name", "dob"?, "nationality"?} against live notices',
        )
        screen.add_argument("file", type=Path, help="the JSON Lines file, or - for standard input")
        screen.add_argument("--user", required=True, help="whose view of the notices to screen against")
        screen.add_argument("--threshold", type=float, default=screening.DEFAULT_THRESHOLD)
        screen.add_argument("--limit", type=int, default=5, help="candidates per person at most")
        screen.add_argument("--json", action="store_true", help="one JSON object per line")

    def _rows(self, **options: Any) -> Any:
        user = user_named(options["user"])
        rows = notices_for(user).prefetch_related("subjects__names")
        if options["type"]:
            rows = rows.filter(type=options["type"])
        if options["status"]:
            rows = rows.filter(status=options["status"])
        return user, rows

    def run(self, **options: Any) -> None:
        if options["action"] == "list":
            _user, rows = self._rows(**options)
            for notice in rows:
                self.stdout.write(
                    f"{notice.reference}  {notice.type}  {notice.status}  {notice.owner.code}  {notice.title}"
                )
        elif options["action"] == "export":
            user, rows = self._rows(**options)
            text = "".join(line + "\n" for line in export_lines(user, rows))
            if options["output"]:
                options["output"].write_text(text, encoding="utf-8")
                self.stderr.write(f"wrote {options['output']}")
            else:
                sys.stdout.write(text)
        elif options["action"] == "screen":
            self._screen(**options)
        else:
            path: Path = options["file"]
            if not path.is_file():
                raise CommandError(f"no file {path}")
            with path.open(encoding="utf-8-sig") as handle:
                created = import_lines(user_named(options["user"]), handle)
            self.stdout.write(f"{len(created)} notices imported")

    def _screen(self, **options: Any) -> None:
        path: Path = options["file"]
        user = user_named(options["user"])
        if str(path) == "-":
            queries = screening.queries_from_lines(sys.stdin)
        elif not path.is_file():
            raise CommandError(f"no file {path}")
        else:
            with path.open(encoding="utf-8-sig") as handle:
                queries = screening.queries_from_lines(handle)
        results = screening.screen(user, queries, threshold=options["threshold"], limit=options["limit"])
        for query, found in results:
            if options["json"]:
                line = {"qid": query.qid, "name": query.name, "candidates": [c.as_dict() for c in found]}
                self.stdout.write(json.dumps(line, ensure_ascii=False))
                continue
            shown = "  |  ".join(f"{c.score:.2f} {c.reference} {c.name}" for c in found) or "no candidate"
            self.stdout.write(f"{query.qid}\t{query.name}\t{shown}")
        matched = sum(1 for _query, found in results if found)
        self.stderr.write(f"{len(results)} screened, {matched} with candidates")
