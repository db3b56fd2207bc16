"""`lockstep exchange import | export | misp-feed | list`: STIX 2.1, MISP and CSV in and out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from lockstep.directory.models import User
from lockstep.errors import NotFound
from lockstep.exchange.documents import FORMATS, export_list, export_reports, import_document, parse_json
from lockstep.exchange.misp_services import write_feed
from lockstep.intel import access
from lockstep.intel.imports import import_file
from lockstep.intel.models import Report
from lockstep.lib.commands import LockstepCommand, pairs, user_named
from lockstep.policy.audience import MarkingSpec
from lockstep.policy.rules import can

CSV_SUFFIXES = (".csv", ".jsonl", ".ndjson")


class Command(LockstepCommand):
    help = (
        "STIX 2.1, MISP and CSV in and out.\n\n"
        "  lockstep exchange import bundle.json|event.json|rows.csv --user ke.analyst [--format auto]\n"
        "      [--tlp amber --audience members] [--override] [--map COLUMN=FIELD]\n"
        "  lockstep exchange export NCB-KE-2026-000042 [...] --user ke.analyst [--format stix|misp|csv] [-o FILE]\n"
        "  lockstep exchange misp-feed DIRECTORY --user ke.analyst [--all]\n"
        "  lockstep exchange list domain --user ke.analyst [-o FILE]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser(
            "import", help="import a STIX bundle or MISP events (all or nothing), or CSV"
        )
        importing.add_argument(
            "file", type=Path, help="a bundle, MISP events (JSON) or CSV; - reads standard input"
        )
        importing.add_argument(
            "--format",
            choices=["auto", "stix", "misp", "csv"],
            default="auto",
            help="default: from the content",
        )
        importing.add_argument(
            "--map", action="append", default=[], metavar="COLUMN=FIELD", help="CSV: rename a column"
        )
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
        exporting = sub.add_parser("export", help="export reports as one STIX 2.1 bundle, MISP events or CSV")
        exporting.add_argument("references", nargs="+", help="report references")
        exporting.add_argument("--format", choices=list(FORMATS), default="stix")
        exporting.add_argument(
            "--map", action="append", default=[], metavar="FIELD=COLUMN", help="CSV: rename a column"
        )
        exporting.add_argument(
            "--user", required=True, help="who exports (the policy decides what may leave)"
        )
        exporting.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
        feed = sub.add_parser(
            "misp-feed", help="write a complete MISP feed (manifest.json, hashes.csv, events)"
        )
        feed.add_argument("directory", type=Path)
        feed.add_argument("--user", required=True, help="who exports (the policy decides what may leave)")
        feed.add_argument(
            "--all", action="store_true", help="every report the user may export, not only the agency's own"
        )
        listing = sub.add_parser("list", help="one value per line, for blocking tools (TLP up to AMBER)")
        listing.add_argument("type", help="observable type: domain, url, ipv4, ...")
        listing.add_argument("--user", required=True)
        listing.add_argument("-o", "--output", type=Path, help="write here instead of standard output")

    def run(self, **options: Any) -> None:
        getattr(self, f"do_{options['action'].replace('-', '_')}")(**options)

    def do_import(self, **options: Any) -> None:
        path: Path = options["file"]
        if str(path) != "-" and not path.is_file():
            raise CommandError(f"no file {path}")
        user = user_named(options["user"])
        if options["format"] == "csv" or (
            options["format"] == "auto" and path.suffix.lower() in CSV_SUFFIXES
        ):
            progress = import_file(
                user, path, mapping=pairs(options["map"]), tlp=options["tlp"], audience=options["audience"]
            )
            self.stdout.write(
                f"{progress.rows:,} rows: {progress.added:,} observables added, {progress.rejected:,} rejected, "
                f"{progress.reports:,} reports, {progress.hits:,} hits"
            )
            return
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8-sig")
        defaults = MarkingSpec(owner=user.agency, tlp=options["tlp"], audience=options["audience"])
        result = import_document(
            user,
            parse_json(text),
            defaults=defaults,
            format=options["format"],
            override=options["override"],
            name=path.name,
        )
        for item in result.submissions:
            self.stdout.write(
                f"{item.report.reference}  {item.added:,} values added, {item.hits:,} hits  {item.report.title}"
            )
        self.stdout.write(
            f"{result.created} reports created, {result.updated} updated, {result.kept:,} objects kept as sent"
        )

    def _reports(self, user: User, references: list[str]) -> list[Report]:
        reports = []
        for reference in dict.fromkeys(references):
            try:
                reports.append(access.get_report_for(user, reference))
            except NotFound:
                raise CommandError(f"no report {reference} that {user.username} may see") from None
        return reports

    def _write(self, text: str, output: Path | None) -> None:
        if output:
            output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
            self.stderr.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")

    def do_export(self, **options: Any) -> None:
        user = user_named(options["user"])
        reports = self._reports(user, options["references"])
        exported = export_reports(user, reports, options["format"], pairs(options["map"]))
        self._write(exported.content, options["output"])

    def do_misp_feed(self, **options: Any) -> None:
        user = user_named(options["user"])
        rows = access.reports_for(user).select_related("marking", "owner")
        if not options["all"]:
            rows = rows.filter(owner=user.agency)
        reports = [report for report in rows if can(user, "marking.export", report.marking)]
        count = write_feed(user, reports, options["directory"])
        self.stdout.write(f"{count:,} events written to {options['directory']}")

    def do_list(self, **options: Any) -> None:
        values = export_list(user_named(options["user"]), options["type"])
        self._write("".join(f"{value}\n" for value in values), options["output"])
