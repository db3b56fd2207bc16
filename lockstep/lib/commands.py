"""The base of Lockstep's management commands: domain errors become CLI errors (non-zero exit), and audit
events written by a command are marked as coming from the command line."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any, Literal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, DjangoHelpFormatter
from django.db import OperationalError, ProgrammingError

from lockstep.audit import context
from lockstep.errors import LockstepError


def describe(error: LockstepError) -> str:
    lines = [error.message]
    lines += [f"  {name}: {message}" for name, messages in error.fields.items() for message in messages]
    return "\n".join(lines)


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of the examples in each command's help."""


class LockstepCommand(BaseCommand):
    # The data commands skip Django's system checks: they import every URL module (the whole API and its
    # schemas), three of the four seconds a command took. `lockstep serve` and `lockstep worker` run them,
    # and `lockstep check --deploy` runs them on demand.
    requires_system_checks: list[str] | tuple[str, ...] | Literal["__all__"] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = HelpFormatter
        return parser

    def handle(self, *args: Any, **options: Any) -> None:
        user = os.environ.get("USER") or "operator"
        with context.bound(via=f"cli:{user}"[:64], ip=None):
            try:
                self.run(**options)
            except LockstepError as exc:
                raise CommandError(describe(exc)) from exc
            except (OperationalError, ProgrammingError) as exc:
                where = settings.DATABASES["default"]["NAME"]
                raise CommandError(
                    f"The database ({where}) is not ready: {exc}.\nRun `lockstep migrate` first, and check "
                    "LOCKSTEP_DATA_DIR / DATABASE_URL (the default data directory is ./var, relative to the "
                    "current directory)."
                ) from exc

    def run(self, **options: Any) -> None:
        raise NotImplementedError


def user_named(username: str) -> Any:
    """The user a command acts as (``--user``), with its agency; a clear error when there is none."""
    from lockstep.directory.models import User

    user = User.objects.filter(username=username).select_related("agency").first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    return user


def read_secret(prompt: str, *, confirm: bool = True) -> str:
    """A password from the terminal (asked twice), or the first line of standard input when piped."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Again: ") != first:
            raise CommandError("The two passwords differ.")
        value = first
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise CommandError('No password given (pipe it on standard input, e.g. `echo "$PW" | lockstep ...`).')
    return value


def pairs(items: list[str]) -> dict[str, str]:
    """``--map A=B`` options as a dict; a clear error for one without ``=``."""
    mapping = {}
    for pair in items:
        key, _sep, value = pair.partition("=")
        if not key or not value:
            raise CommandError(f"--map takes NAME=NAME, not {pair!r}")
        mapping[key] = value
    return mapping
