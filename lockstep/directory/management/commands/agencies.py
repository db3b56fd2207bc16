"""`lockstep agencies list | create`."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from lockstep.directory import services
from lockstep.directory.access import get_country
from lockstep.directory.models import Agency, AgencyKind
from lockstep.errors import NotFound
from lockstep.lib.commands import LockstepCommand


class Command(LockstepCommand):
    help = (
        "List and create agencies.\n\n"
        "  lockstep agencies list --kind ncb\n"
        "  lockstep agencies list --json\n"
        "  lockstep agencies create NCB-PE --name 'NCB Lima' --kind ncb --country PE\n"
        "  lockstep agencies create P-ACME --name 'Acme Security' --kind partner "
        "--agreement GW-2026-01 --expires 2027-12-31"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="list agencies")
        listing.add_argument("--kind", choices=AgencyKind.values)
        listing.add_argument("--json", action="store_true", help="JSON output")
        create = sub.add_parser("create", help="create an agency")
        create.add_argument("code")
        create.add_argument("--name", required=True)
        create.add_argument("--kind", required=True, choices=AgencyKind.values)
        create.add_argument("--country", help="ISO 3166-1 alpha-2 code")
        create.add_argument("--region", default="")
        create.add_argument("--agreement", default="", help="partner agreement reference")
        create.add_argument("--expires", help="partner agreement expiry, YYYY-MM-DD")

    def run(self, **options: Any) -> None:
        if options["action"] == "list":
            rows = Agency.objects.select_related("country")
            if options["kind"]:
                rows = rows.filter(kind=options["kind"])
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        [
                            {
                                "code": a.code,
                                "name": a.name,
                                "kind": a.kind,
                                "country": a.country_id,
                                "active": a.can_act(),
                            }
                            for a in rows
                        ],
                        indent=2,
                    )
                )
                return
            for agency in rows:
                state = "" if agency.can_act() else "  (cannot act)"
                self.stdout.write(
                    f"{agency.code:<16} {agency.kind:<20} {agency.country_id or '--':<3} {agency.name}{state}"
                )
            return
        try:
            country = get_country(options["country"]) if options["country"] else None
        except NotFound:
            raise CommandError(f"unknown country code {options['country']!r}") from None
        try:
            expires = datetime.date.fromisoformat(options["expires"]) if options["expires"] else None
        except ValueError:
            raise CommandError("--expires is a date, YYYY-MM-DD") from None
        agency = services.onboard_agency(
            None,
            code=options["code"],
            name=options["name"],
            kind=options["kind"],
            country=country,
            region=options["region"],
            agreement_reference=options["agreement"],
            agreement_expires_on=expires,
        )
        self.stdout.write(f"created {agency.code}")
