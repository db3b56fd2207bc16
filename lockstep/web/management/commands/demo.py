"""`lockstep demo`: load the demo scenario (only on a node in demo mode)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from lockstep.directory.demo import DEMO_PASSWORD, load_directory
from lockstep.directory.models import User
from lockstep.exchange.demo import load_exchange
from lockstep.intel.demo import load_intel
from lockstep.lib.commands import LockstepCommand
from lockstep.notices.demo import load_notices
from lockstep.operations.demo import load_operation


class Command(LockstepCommand):
    help = (
        "Load the fictional demo scenario: agencies of an African regional operation, the GS, a regional body,\n"
        "three partners and users for every role. Running it again adds nothing twice.\n\n"
        "  LOCKSTEP_DEMO=true lockstep demo\n"
        "  LOCKSTEP_DEMO=true lockstep demo --if-empty     (load only into an empty database)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing if any user exists")
        parser.add_argument(
            "--operation-items",
            type=int,
            default=30_000,
            help="infrastructure items of the demo operation (default 30,000)",
        )
        parser.add_argument(
            "--observables-per-report",
            type=int,
            default=700,
            help="size of each demo report (default 700: about 40,000 observables in all)",
        )

    def run(self, **options: Any) -> None:
        if not settings.LOCKSTEP_DEMO:
            raise CommandError(
                "The demo creates accounts with a published password; run it only on a demo node "
                "(LOCKSTEP_DEMO=true)."
            )
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("The database already holds data; the demo scenario was not loaded again.")
        else:
            with transaction.atomic():
                users = load_directory()
            stored, hits = load_intel(per_report=max(1, options["observables_per_report"]))
            pulled = load_exchange()
            notices = load_notices()
            items = load_operation(options["operation_items"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo scenario loaded: {len(users)} demo users, {stored:,} observables, {hits:,} hits, "
                    f"{pulled} events pulled from a partner's MISP feed, {notices} notices and diffusions, "
                    f"operation Savanna with {items:,} infrastructure items."
                )
            )
        self.print_logins()

    def print_logins(self) -> None:
        from lockstep.directory.demo import all_users

        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for spec in all_users():
            self.stdout.write(f"  {spec.username:<22} {spec.agency:<12} {', '.join(spec.roles)}")
