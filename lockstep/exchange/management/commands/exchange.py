"""`lockstep exchange import FILE | export REFERENCE...`: STIX 2.1 bundles in and out."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from lockstep.errors import NotFound
from lockstep.exchange.services import export_stix, import_stix
from lockstep.intel import access
from lockstep.lib.commands import LockstepCommand, user_named
from lockstep.policy.audience import MarkingSpec


class Command(LockstepCommand):
    help = (
        "STIX 2.1 in and out.\n\n"
        "  lockstep exchange import bundle.json --user ke.analyst [--tlp amber --audience members] [--override]\n"
        "  lockstep exchange export NCB-KE-2026-000042 [...] --user ke.analyst [-o bundle.json]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser("import", help="import a STIX 2.1 bundle (all or nothing)")
        importing.add_argument("file", type=Path, help="a bundle (JSON); - reads standard input")
        importing.add_argument("--user", required=True, help="the user (and so the agency) importing")
        importing.add_argument(
            "--tlp", default="amber", help="TLP where the bundle states none (default amber)"
        )
        importing.add_argument(
            "--audience", default="members", help="audience where the bundle states none (default members)"
        )
        importing.add_argument(
            "--override",
            action="store_true",
            help="use --tlp and --audience even where the bundle states one",
        )
        exporting = sub.add_parser("export", help="export reports as one STIX 2.1 bundle")
        exporting.add_argument("references", nargs="+", help="report references")
        exporting.add_argument(
            "--user", required=True, help="who exports (the policy decides what may leave)"
        )
        exporting.add_argument("-o", "--output", type=Path, help="write here instead of standard output")

    def run(self, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(**options)

    def do_import(self, **options: Any) -> None:
        path: Path = options["file"]
        if str(path) != "-" and not path.is_file():
            raise CommandError(f"no file {path}")
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8-sig")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}: not JSON ({exc})") from None
        user = user_named(options["user"])
        defaults = MarkingSpec(owner=user.agency, tlp=options["tlp"], audience=options["audience"])
        result = import_stix(user, data, defaults=defaults, override=options["override"], name=path.name)
        for item in result.submissions:
            self.stdout.write(
                f"{item.report.reference}  {item.added:,} values added, {item.hits:,} hits  {item.report.title}"
            )
        self.stdout.write(
            f"{result.created} reports created, {result.updated} updated, {result.kept:,} STIX objects kept"
        )

    def do_export(self, **options: Any) -> None:
        user = user_named(options["user"])
        reports = []
        for reference in dict.fromkeys(options["references"]):
            try:
                reports.append(access.get_report_for(user, reference))
            except NotFound:
                raise CommandError(f"no report {reference} that {user.username} may see") from None
        text = json.dumps(export_stix(user, reports), indent=2, ensure_ascii=False)
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"wrote {options['output']}")
        else:
            self.stdout.write(text)
