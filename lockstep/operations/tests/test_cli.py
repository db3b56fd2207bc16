"""`lockstep operations`: list, import infrastructure from CSV or JSON Lines, and the report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from lockstep.directory.tests.factories import UserFactory
from lockstep.operations import services
from lockstep.operations.models import InfrastructureItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def operation(world: Any) -> Any:
    coordinator = UserFactory(username="gs.coord", agency=world.gs, roles=["coordinator"])
    return services.launch_operation(
        coordinator,
        code_name="Red Card",
        objectives="SIM-box fraud",
        crime_focus="fraud",
        participants=[world.ncb_ke, world.ncb_ng],
    )


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("operations", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_from_csv_and_json_lines_then_report(world: Any, operation: Any, tmp_path: Path) -> None:
    table = tmp_path / "items.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kind", "value", "provider", "asn", "country", "state"])
        for n in range(30):
            writer.writerow(["domain", f"simbox-{n}.example", "Host Ltd", "AS64500", "KE", "identified"])
    out, err = _run(
        "import-infrastructure", str(table), "--operation", "Red Card", "--user", world.owner.username
    )
    assert "30 rows read, 30 items created, 0 already held" in out and "30 of 30 new items stored" in err
    lines = tmp_path / "items.jsonl"
    lines.write_text(
        "\n".join(
            json.dumps({"kind": "phone", "value": "+254 712 345 678", "state": "taken_down"})
            for _ in range(2)
        ),
        encoding="utf-8",
    )
    out, _err = _run(
        "import-infrastructure", str(lines), "--operation", "Red Card", "--user", world.outsider.username
    )
    assert "2 rows read, 1 items created, 1 already held" in out
    assert InfrastructureItem.objects.get(kind="phone").value == "+254712345678"
    services.report_results(world.owner, operation, counts={"arrests": 306, "devices_seized": 1842})
    text, _err = _run("report", "Red Card", "--user", world.owner.username)
    assert text.startswith(
        "Operation Red Card brought together 2 countries: 306 arrests, 1,842 devices seized"
    )
    assert "infrastructure: 31 identified, 1 taken down (3%)" in text
    rows = list(
        csv.reader(
            io.StringIO(_run("report", "Red Card", "--user", world.owner.username, "--format", "csv")[0])
        )
    )
    assert rows[1][:4] == ["NCB-KE", "KE", "1", "306"] and rows[-1][0] == "total"
    body = json.loads(_run("report", "Red Card", "--user", world.owner.username, "--format", "json")[0])
    assert body["totals"]["arrests"] == 306 and body["press"].startswith("Operation Red Card")
    listed, _err = _run("list", "--user", world.owner.username)
    assert listed.startswith("Red Card\tplanned\tGS\t")


def test_a_faulty_file_is_refused_with_its_lines(world: Any, operation: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"kind": "domain", "value": "ok.example"}\n{not json\n{"kind": "ip", "value": "300.1.1.1"}\n'
    )
    with pytest.raises(CommandError, match="line 2"):
        _run("import-infrastructure", str(bad), "--operation", "Red Card", "--user", world.owner.username)
    assert not InfrastructureItem.objects.exists()
    with pytest.raises(CommandError):
        _run("report", "Red Card", "--user", UserFactory(username="gh", roles=["officer"]).username)
    with pytest.raises(CommandError, match="no file"):
        _run(
            "import-infrastructure",
            str(tmp_path / "none.csv"),
            "--operation",
            "Red Card",
            "--user",
            world.owner.username,
        )
