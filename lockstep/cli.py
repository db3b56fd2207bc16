"""The `lockstep` command: Django's management commands with Lockstep's settings preset."""

from __future__ import annotations

import os
import sys

HELP = """\
usage: lockstep COMMAND [ARGS]

Lockstep commands (each has --help with examples):
  serve                         run the web server (gunicorn, static files served)
  demo                          load the demo scenario (needs LOCKSTEP_DEMO=true)
  migrate                       create or upgrade the database
  audit verify                  recompute the audit chain and signed checkpoints
  audit checkpoint              sign the current audit chain head now
  audit export [--since ...]    write audit events as JSON Lines
  agencies list [--kind ncb]    list agencies
  agencies create CODE ...      add an agency
  users create USERNAME --agency CODE --role ROLE [--role ROLE]   (password on stdin)
  users list [--agency CODE]    list users and roles
  users set-roles USERNAME --role ROLE ...
  users deactivate | activate | reset-second-factor USERNAME
  tokens create USERNAME --scope read|read-write   (prints the token once)
  tokens list USERNAME
  tokens revoke TOKEN_ID
  directory sync-countries      reload ISO 3166-1 countries and INTERPOL membership

Examples:
  lockstep users create ke.analyst --agency NCB-KE --role analyst < password.txt
  lockstep tokens create ke.analyst --scope read --name "TIP connector" --days 30
  lockstep audit verify

`lockstep help` lists every Django management command as well.
Configuration is read from environment variables: see docs/configuration.md.
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lockstep.settings")
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        sys.stdout.write(HELP)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lockstep", *argv[1:]])


if __name__ == "__main__":
    main()
