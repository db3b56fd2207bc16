"""`lockstep exchange import | export | misp-feed | list`: STIX 2.1, MISP and CSV in and out."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from lockstep.directory.models import User
from lockstep.errors import NotFound
from lockstep.exchange.documents import FORMATS, export_list, export_reports, import_document, parse_json
from lockstep.exchange.misp_services import import_feed, write_feed
from lockstep.exchange.models import PullStatus, SourceKind
from lockstep.exchange.pulling import Progress
from lockstep.exchange.services import Imported
from lockstep.exchange.source_services import (
    delete_source,
    get_source_for,
    pull_source,
    save_source,
    sources_for,
)
from lockstep.intel import access
from lockstep.intel.imports import import_file
from lockstep.intel.models import Report
from lockstep.lib.commands import LockstepCommand, pairs, read_secret, user_named
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
        "  lockstep exchange list domain --user ke.analyst [-o FILE]\n"
        "  lockstep exchange add-source cert-feed --kind misp_feed --url https://cert.example/feed --user ke.admin\n"
        "      --run-as ke.analyst [--tlp green --audience members --reliability B --credibility 2 --every 60]\n"
        "  lockstep exchange sources --user ke.admin\n"
        "  lockstep exchange pull cert-feed --user ke.admin"
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

        adding = sub.add_parser("add-source", help="configure a partner source to pull on a schedule")
        adding.add_argument("name")
        adding.add_argument("--kind", required=True, choices=list(SourceKind.values))
        adding.add_argument("--url", required=True, help="URL, or a directory/file in LOCKSTEP_FEEDS_DIR")
        adding.add_argument("--collection", default="", help="TAXII: the collection id")
        adding.add_argument(
            "--type", default="", dest="value_type", help="plain list: the type of its values"
        )
        adding.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD", help="CSV columns")
        adding.add_argument("--username", default="", help="HTTP Basic / TAXII user name")
        adding.add_argument(
            "--secret-stdin", action="store_true", help="read the password or API key from standard input"
        )
        adding.add_argument("--user", required=True, help="who configures it (agency admin or analyst)")
        adding.add_argument("--run-as", required=True, help="the operational user pulls run as")
        adding.add_argument("--tlp", default="amber")
        adding.add_argument("--audience", default="members")
        adding.add_argument("--reliability", default="F", help="source reliability A-F")
        adding.add_argument("--credibility", default="6", help="information credibility 1-6")
        adding.add_argument("--every", type=int, default=60, help="minutes between pulls")
        adding.add_argument("--disabled", action="store_true", help="pull only when asked")
        listing_sources = sub.add_parser("sources", help="the agency's sources and how their pulls went")
        listing_sources.add_argument("--user", required=True)
        removing = sub.add_parser("remove-source", help="delete a partner source (what it brought stays)")
        removing.add_argument("name")
        removing.add_argument("--user", required=True)
        pulling = sub.add_parser("pull", help="pull one source now, with a progress display")
        pulling.add_argument("name")
        pulling.add_argument("--user", required=True)

    def run(self, **options: Any) -> None:
        getattr(self, f"do_{options['action'].replace('-', '_')}")(**options)

    def do_import(self, **options: Any) -> None:
        path: Path = options["file"]
        user = user_named(options["user"])
        defaults = MarkingSpec(owner=user.agency, tlp=options["tlp"], audience=options["audience"])
        if path.is_dir():
            self._report(import_feed(user, path, defaults=defaults, override=options["override"]))
            return
        if str(path) != "-" and not path.is_file():
            raise CommandError(f"no file {path}")
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
        result = import_document(
            user,
            parse_json(text),
            defaults=defaults,
            format=options["format"],
            override=options["override"],
            name=path.name,
        )
        self._report(result)

    def _report(self, result: Imported) -> None:
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

    def do_add_source(self, **options: Any) -> None:
        user = user_named(options["user"])
        fields = {
            "name": options["name"],
            "kind": options["kind"],
            "url": options["url"],
            "collection": options["collection"],
            "value_type": options["value_type"],
            "mapping": pairs(options["map"]),
            "username": options["username"],
            "run_as": user_named(options["run_as"]),
            "tlp": options["tlp"],
            "audience": options["audience"],
            "source_reliability": options["reliability"],
            "info_credibility": options["credibility"],
            "every_minutes": max(1, options["every"]),
            "enabled": not options["disabled"],
        }
        secret = read_secret("Password or API key: ", confirm=False) if options["secret_stdin"] else None
        source = save_source(user, fields, secret=secret)
        self.stdout.write(
            f"source {source.name} saved ({source.get_kind_display()}, every {source.every_minutes} min)"
        )

    def do_sources(self, **options: Any) -> None:
        for source in sources_for(user_named(options["user"])):
            last = source.pulls.first()
            state = (
                f"{last.status} {last.finished_at or last.created_at:%Y-%m-%d %H:%M}"
                if last
                else "never pulled"
            )
            error = f"  error: {source.last_error.splitlines()[0]}" if source.last_error else ""
            self.stdout.write(
                f"{source.name}  {source.kind}  {'enabled' if source.enabled else 'disabled'}  every "
                f"{source.every_minutes} min  {state}  {source.objects_taken:,} taken{error}"
            )

    def do_remove_source(self, **options: Any) -> None:
        user = user_named(options["user"])
        delete_source(user, get_source_for(user, options["name"]))
        self.stdout.write(f"source {options['name']} removed")

    def do_pull(self, **options: Any) -> None:
        source = get_source_for(user_named(options["user"]), options["name"])
        started = time.monotonic()
        tty = sys.stderr.isatty()

        def show(progress: Progress) -> None:
            rate = progress.taken / max(time.monotonic() - started, 1e-6)
            line = f"{source.name}: {progress.taken:,} taken, {progress.reports:,} new reports, {rate:,.0f}/s"
            self.stderr.write(("\r" + line) if tty else line, ending="" if tty else "\n")

        pull = pull_source(source, on_progress=show)
        if tty:
            self.stderr.write("")
        if pull.status != PullStatus.DONE:
            raise CommandError(f"pull of {source.name} failed after {pull.taken:,} taken: {pull.error}")
        self.stdout.write(f"{source.name}: {pull.taken:,} taken, {pull.reports:,} new reports")

    def do_list(self, **options: Any) -> None:
        values = export_list(user_named(options["user"]), options["type"])
        self._write("".join(f"{value}\n" for value in values), options["output"])
