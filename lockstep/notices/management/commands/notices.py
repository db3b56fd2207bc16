"""`lockstep notices list | export | import`: notices on the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from lockstep.lib.commands import LockstepCommand, user_named
from lockstep.notices.access import notices_for
from lockstep.notices.transfer import export_lines, import_lines


class Command(LockstepCommand):
    help = (
        "Notices and diffusions on the command line.\n\n"
        "  lockstep notices list --user ke.officer [--type red] [--status published]\n"
        "  lockstep notices export --user ke.officer [--type red] [-o notices.jsonl]\n"
        "  lockstep notices import notices.jsonl --user ke.officer"
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
        else:
            path: Path = options["file"]
            if not path.is_file():
                raise CommandError(f"no file {path}")
            with path.open(encoding="utf-8-sig") as handle:
                created = import_lines(user_named(options["user"]), handle)
            self.stdout.write(f"{len(created)} notices imported")
