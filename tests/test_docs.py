"""The documentation keeps up with the code: settings, commands and API operations are all described."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import get_commands

from lockstep.lib.env import DOCUMENTED

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_environment_variable_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()
    missing = sorted(name for name in DOCUMENTED if f"`{name}`" not in text)
    assert missing == []


def test_every_lockstep_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text()
    ours = sorted(name for name, app in get_commands().items() if app.startswith("lockstep"))
    assert ours, "no Lockstep commands found"
    assert [name for name in ours if f"`lockstep {name}" not in text] == []


@pytest.mark.parametrize(
    "command",
    ["audit", "agencies", "users", "tokens", "directory", "intel", "exchange", "notices", "operations"],
)
def test_every_subcommand_is_documented(command: str) -> None:
    from django.core.management import load_command_class

    parser = load_command_class(get_commands()[command], command).create_parser("lockstep", command)
    actions = [action for action in parser._actions if action.dest == "action"]
    subcommands = list(actions[0].choices) if actions else []
    text = (DOCS / "cli.md").read_text()
    assert subcommands
    assert [
        name
        for name in subcommands
        if f"`lockstep {command} {name}" not in text and f"/ `{name}`" not in text
    ] == []


def test_every_api_operation_is_documented() -> None:
    from lockstep.api import api

    text = (DOCS / "api.md").read_text()
    schema = api.get_openapi_schema()
    operations = [
        f"`{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods
    ]
    assert [operation for operation in operations if operation not in text] == []


def test_readme_starts_with_the_two_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block and "make run" in first_block.group(1) and "make test" in first_block.group(1)
    assert readme.index("make run") < readme.index("## What it is")
