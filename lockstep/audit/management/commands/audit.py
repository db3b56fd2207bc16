"""`lockstep audit verify | checkpoint | export`."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from lockstep.audit.models import AuditEvent
from lockstep.audit.queries import filter_events, jsonl_lines
from lockstep.audit.services import record, write_checkpoint
from lockstep.audit.verify import verify
from lockstep.lib.commands import LockstepCommand


class Command(LockstepCommand):
    help = (
        "Work with the tamper-evident audit log.\n\n"
        "  lockstep audit verify            exit 0 when intact; else names the first changed, deleted or\n"
        "                                   inserted event and exits 1\n"
        "  lockstep audit checkpoint        sign the current chain head with the node key\n"
        "  lockstep audit export --since 2026-01-01 --agency NCB-KE > audit.jsonl"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute the chain and checkpoints")
        sub.add_parser("checkpoint", help="sign the chain head now")
        export = sub.add_parser("export", help="write events as JSON Lines to standard output")
        for name, text in (
            ("agency", "agency code"),
            ("actor", "user name"),
            ("action", "action or prefix, e.g. auth"),
            ("since", "from this day (YYYY-MM-DD) or ISO 8601 date-time"),
            ("until", "to this day, included, or date-time"),
        ):
            export.add_argument(f"--{name}", default="", dest=f"filter_{name}", help=text)

    def run(self, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            report = verify()
            self.stdout.write(f"{report.events} events, {report.checkpoints} signed checkpoints checked")
            if report.ok:
                self.stdout.write(
                    self.style.SUCCESS(f"intact: chain head #{report.head_seq} {report.head_hash}")
                )
                return
            for finding in report.findings:
                self.stderr.write(f"{finding.kind}: {finding.message}")
            raise CommandError(
                f"audit log tampered: first problem at event #{report.first.seq}",  # type: ignore[union-attr]
                returncode=1,
            )
        if action == "checkpoint":
            checkpoint = write_checkpoint()
            if checkpoint is None:
                self.stdout.write("nothing to sign: the log is empty or its head is already signed")
            else:
                self.stdout.write(f"signed checkpoint #{checkpoint.seq} with key {checkpoint.key_id}")
            return
        filters = {
            name: options[f"filter_{name}"] for name in ("agency", "actor", "action", "since", "until")
        }
        events = filter_events(AuditEvent.objects.all(), **filters)
        record(None, "audit.exported", None, filters={key: value for key, value in filters.items() if value})
        for line in jsonl_lines(events):
            sys.stdout.write(line)
