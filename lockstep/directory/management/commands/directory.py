"""`lockstep directory sync-countries`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from lockstep.directory.countries import sync_countries
from lockstep.directory.models import Country
from lockstep.lib.commands import LockstepCommand


class Command(LockstepCommand):
    help = "Directory maintenance.\n\n  lockstep directory sync-countries   reload ISO 3166-1 and INTERPOL membership"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sync-countries", help="reload countries from pycountry and data/interpol_members.csv")

    def run(self, **options: Any) -> None:
        written = sync_countries()
        members = Country.objects.filter(member=True).count()
        self.stdout.write(f"{written} countries, {members} member countries")
