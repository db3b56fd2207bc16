"""`lockstep tokens create | list | revoke`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from lockstep.accounts import services
from lockstep.accounts.models import ApiToken, Scope
from lockstep.directory.models import User
from lockstep.lib.commands import LockstepCommand


class Command(LockstepCommand):
    help = (
        "Issue and revoke API tokens.\n\n"
        "  lockstep tokens create ke.analyst --scope read --name 'TIP connector' --days 30\n"
        "      prints the token once; it is stored only as a SHA-256 digest\n"
        "  lockstep tokens list ke.analyst\n"
        "  lockstep tokens revoke 12"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("--scope", required=True, choices=Scope.values, help="read: GET only; read-write")
        create.add_argument(
            "--name", default="command line", help="what uses the token (default: %(default)s)"
        )
        create.add_argument("--days", type=int, default=90, help="lifetime in days (default: %(default)s)")
        sub.add_parser("list", help="list a user's tokens").add_argument("username")
        sub.add_parser("revoke", help="revoke a token by id").add_argument("token_id", type=int)

    def run(self, **options: Any) -> None:
        action = options["action"]
        if action == "revoke":
            token = ApiToken.objects.filter(pk=options["token_id"]).select_related("user").first()
            if token is None:
                raise CommandError(f"no token {options['token_id']}")
            services.revoke_token(None, token)
            self.stdout.write(f"revoked token {token.pk} ({token.prefix}...) of {token.user.username}")
            return
        user = User.objects.filter(username=options["username"]).select_related("agency").first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        if action == "list":
            for token in ApiToken.objects.filter(user=user):
                state = "revoked" if token.revoked_at else "usable" if token.is_usable else "expired"
                self.stdout.write(
                    f"{token.pk:>5} {token.prefix}... {token.scope:<10} "
                    f"expires {token.expires_at:%Y-%m-%d} {state:<8} {token.name}"
                )
            return
        _token, value = services.create_token(
            None, user, name=options["name"], scope=options["scope"], days=options["days"]
        )
        self.stdout.write(value)
