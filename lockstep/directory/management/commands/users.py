"""`lockstep users create | list | set-roles | deactivate`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from lockstep.directory import services
from lockstep.directory.models import Agency, Role, User
from lockstep.lib.commands import LockstepCommand, read_secret, user_named


class Command(LockstepCommand):
    help = (
        "Create and administer users.\n\n"
        '  echo "$PASSWORD" | lockstep users create ke.analyst --agency NCB-KE --role analyst\n'
        "  lockstep users create gs.reviewer --agency GS --role reviewer --role analyst   (asks the password)\n"
        "  lockstep users list --agency NCB-KE\n"
        "  lockstep users set-roles ke.analyst --role analyst --role supervisor\n"
        "  lockstep users deactivate ke.analyst"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a user; the password is read from standard input")
        create.add_argument("username")
        create.add_argument("--agency", required=True, help="agency code, e.g. NCB-KE")
        create.add_argument("--role", action="append", required=True, choices=Role.values, dest="roles")
        create.add_argument("--email", default="", help="e-mail address")
        create.add_argument("--first-name", default="", help="first name")
        create.add_argument("--last-name", default="", help="last name")
        listing = sub.add_parser("list", help="list users")
        listing.add_argument("--agency")
        roles = sub.add_parser("set-roles", help="replace a user's roles")
        roles.add_argument("username")
        roles.add_argument("--role", action="append", required=True, choices=Role.values, dest="roles")
        for name, text in (
            ("deactivate", "the user can no longer sign in; tokens stop working"),
            ("activate", "let a deactivated user sign in again"),
            ("reset-second-factor", "remove the user's TOTP devices; the next sign-in enrols a new one"),
        ):
            sub.add_parser(name, help=text).add_argument("username")

    def run(self, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            agency = Agency.objects.filter(code=options["agency"].upper()).first()
            if agency is None:
                raise CommandError(f"no agency {options['agency']!r} (see `lockstep agencies list`)")
            password = read_secret(f"Password for {options['username']}: ")
            user = services.create_user(
                None,
                username=options["username"],
                agency=agency,
                roles=options["roles"],
                password=password,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
            self.stdout.write(f"created {user.username} ({agency.code}: {', '.join(sorted(user.roles))})")
        elif action == "list":
            rows = (
                User.objects.select_related("agency")
                .prefetch_related("role_grants")
                .order_by("agency__code", "username")
            )
            if options["agency"]:
                if not Agency.objects.filter(code=options["agency"].upper()).exists():
                    raise CommandError(f"no agency {options['agency']!r} (see `lockstep agencies list`)")
                rows = rows.filter(agency__code=options["agency"].upper())
            for user in rows:
                state = "" if user.is_active else "  (deactivated)"
                self.stdout.write(
                    f"{user.username:<24} {user.agency.code:<14} {','.join(sorted(user.roles))}{state}"
                )
        elif action == "set-roles":
            user = services.set_roles(None, user_named(options["username"]), options["roles"])
            self.stdout.write(f"{user.username}: {', '.join(sorted(user.roles))}")
        elif action == "reset-second-factor":
            removed = services.reset_second_factor(None, user_named(options["username"]))
            self.stdout.write(f"removed {removed} device(s); the next sign-in enrols a new one")
        else:
            user = services.set_active(None, user_named(options["username"]), action == "activate")
            self.stdout.write(f"{user.username} is {'active' if user.is_active else 'deactivated'}")
