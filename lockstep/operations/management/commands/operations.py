"""`lockstep operations list | import-infrastructure | report`: operations on the command line."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from lockstep.lib.commands import LockstepCommand, user_named
from lockstep.operations import services
from lockstep.operations.files import rows_from_text, text_of
from lockstep.operations.models import COUNTS, MoneyKind
from lockstep.operations.results import dashboard, press_figures, write_csv


class Command(LockstepCommand):
    help = (
        "Operations on the command line.\n\n"
        "  lockstep operations list --user ke.officer\n"
        "  lockstep operations import-infrastructure items.csv --operation Serengeti --user ke.officer\n"
        "  lockstep operations report Serengeti --user ke.officer [--format text|csv|json]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the operations the user's agency takes part in")
        listing.add_argument("--user", required=True)
        importing = sub.add_parser(
            "import-infrastructure", help="infrastructure items from CSV (with a header) or JSON Lines"
        )
        importing.add_argument("file", type=Path)
        importing.add_argument("--operation", required=True, help="the operation's code name")
        importing.add_argument("--user", required=True, help="a user of a participating agency")
        report = sub.add_parser("report", help="the operation's figures and its press sentence")
        report.add_argument("operation", help="the operation's code name")
        report.add_argument("--user", required=True)
        report.add_argument("--format", choices=["text", "csv", "json"], default="text")

    def run(self, **options: Any) -> None:
        user = user_named(options["user"])
        if options["action"] == "list":
            for operation in services.operations_for(user):
                self.stdout.write(
                    f"{operation.code_name}\t{operation.status}\t{operation.lead.code}\t{operation.crime_focus}"
                )
            return
        if options["action"] == "import-infrastructure":
            self._import(user, options["file"], options["operation"])
            return
        operation = services.get_operation_for(user, options["operation"])
        figures = dashboard(operation)
        if options["format"] == "json":
            body = {**figures, "press": press_figures(operation, figures)}
            self.stdout.write(json.dumps(body, default=str, ensure_ascii=False, indent=1))
        elif options["format"] == "csv":
            write_csv(figures, self.stdout)
        else:
            self.stdout.write(press_figures(operation, figures))
            self.stdout.write("")
            for name, label in COUNTS:
                self.stdout.write(f"{label}: {figures['totals'][name]:,}")
            for kind in MoneyKind.values:
                self.stdout.write(f"USD {kind}: {figures['usd'][kind]:,}")
            self.stdout.write(
                f"infrastructure: {figures['identified']:,} identified, {figures['taken_down']:,} taken down "
                f"({figures['taken_down_share']:.0%})"
            )

    def _import(self, user: Any, path: Path, code_name: str) -> None:
        if not path.is_file():
            raise CommandError(f"no file {path}")
        operation = services.get_operation_for(user, code_name)
        started, tty = time.monotonic(), sys.stderr.isatty()

        def show(stage: str, done: int, total: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            if stage == "checking":
                line = f"{done:,} rows checked, {rate:,.0f}/s"
            else:
                line = f"{done:,} of {total:,} new items stored"
            self.stderr.write(("\r" + line) if tty else line, ending="" if tty else "\n")

        text = text_of(path.read_bytes())
        summary = services.import_infrastructure(user, operation, rows_from_text(text), progress=show)
        if tty:
            self.stderr.write("")
        self.stdout.write(
            f"{summary.read:,} rows read, {summary.created:,} items created, {summary.already:,} already held"
        )
