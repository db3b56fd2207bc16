"""File imports: CSV and JSON Lines, atomic batches, invisible until complete, resumable, idempotent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lockstep.audit.models import AuditEvent
from lockstep.errors import PermissionDenied
from lockstep.intel.imports import import_file
from lockstep.intel.models import Hit, ImportRun, Observable, Report, Warninglist
from lockstep.intel.tests.helpers import submit


@pytest.fixture(autouse=True)
def _documentation_values_correlate(db: None) -> None:
    Warninglist.objects.filter(name="documentation").update(enabled=False)


def _csv(tmp_path: Path, rows: int, name: str = "observations.csv") -> Path:
    lines = ["report,title,crime_type,type,value,context"]
    for number in range(rows):
        case = f"CASE-{number % 3}"
        lines.append(f"{case},Case {number % 3},ransomware,ipv4,198.51.{number // 250}.{number % 250 + 1},C2")
    lines.append("CASE-0,Case 0,ransomware,ipv4,999.1.1.1,bad")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_csv_file_becomes_reports_correlated_at_the_end(world: Any, tmp_path: Path) -> None:
    submit(world.outsider, [("ipv4", "198.51.0.5"), ("ipv4", "198.51.0.6")])
    progress = import_file(world.owner, _csv(tmp_path, 600), batch_size=100)
    assert (progress.rows, progress.added, progress.rejected, progress.reports) == (601, 600, 1, 3)
    assert progress.hits == 4  # two shared values, both directions
    reports = Report.objects.filter(owner=world.ncb_ke)
    assert sorted(reports.values_list("external_ref", flat=True)) == ["CASE-0", "CASE-1", "CASE-2"]
    assert set(reports.values_list("status", flat=True)) == {"active"}
    assert reports.get(external_ref="CASE-0").crime_type == "ransomware"
    event = AuditEvent.objects.get(action="report.imported")
    assert event.details["rows"] == 601 and event.details["added"] == 600
    assert progress.problems[0].startswith("row 601: ipv4 '999.1.1.1'")


def test_an_interrupted_import_shows_nothing_and_resumes(world: Any, tmp_path: Path) -> None:
    path = _csv(tmp_path, 600)
    submit(world.outsider, [("ipv4", "198.51.0.5")])
    partial = import_file(world.owner, path, batch_size=100, stop_after=300)
    assert partial.rows == 300
    assert not Report.objects.visible_to(world.outsider).filter(owner=world.ncb_ke).exists()
    assert not Report.objects.visible_to(world.colleague).filter(owner=world.ncb_ke).exists()
    assert Observable.objects.filter(owner=world.ncb_ke).count() == 300
    assert not Hit.objects.filter(agency=world.ncb_ke).exists()  # no hits on a report still importing
    resumed = import_file(world.owner, path, batch_size=100)
    assert resumed.resumed_from == 300 and resumed.rows == 601 and resumed.added == 600
    assert Observable.objects.filter(owner=world.ncb_ke).count() == 600
    assert Hit.objects.filter(agency=world.ncb_ke).count() == 1
    assert ImportRun.objects.get().finished


def test_importing_the_same_file_again_adds_nothing(world: Any, tmp_path: Path) -> None:
    path = _csv(tmp_path, 300)
    import_file(world.owner, path)
    again = import_file(world.owner, path)
    assert again.added == 0
    assert Report.objects.filter(owner=world.ncb_ke).count() == 3
    assert Observable.objects.filter(owner=world.ncb_ke).count() == 300


def test_json_lines_with_a_column_mapping(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    rows = [
        {
            "case": "OP-1",
            "kind": "domain",
            "indicator": f"host{n}.evil-example.net",
            "first_seen": "2026-11-01",
        }
        for n in range(10)
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    progress = import_file(
        world.owner, path, mapping={"case": "report", "kind": "type", "indicator": "value"}
    )
    assert progress.added == 10
    first = Observable.objects.filter(owner=world.ncb_ke).order_by("value").first()
    assert first.first_seen.date().isoformat() == "2026-11-01"


def test_only_operational_users_import(world: Any, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        import_file(world.auditor, _csv(tmp_path, 3))


def _rows(tmp_path: Path, name: str, values: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("report,type,value\n" + "".join(f"CASE-0,ipv4,{value}\n" for value in values))
    return path


def test_rows_added_to_a_visible_report_stay_hidden_until_the_file_is_in(world: Any, tmp_path: Path) -> None:
    import_file(world.owner, _rows(tmp_path, "first.csv", ["198.51.100.1"]))
    submit(world.outsider, [("ipv4", "198.51.100.2")])
    report = Report.objects.get(owner=world.ncb_ke, external_ref="CASE-0")
    more = _rows(tmp_path, "second.csv", ["198.51.100.2", "198.51.100.3", "198.51.100.4"])
    import_file(world.owner, more, batch_size=1, stop_after=2)
    assert list(report.listed_observables().values_list("value", flat=True)) == ["198.51.100.1"]
    assert not Hit.objects.filter(agency=world.ncb_ke).exists()
    import_file(world.owner, more, batch_size=1)
    assert report.listed_observables().count() == 4
    assert Hit.objects.filter(agency=world.ncb_ke, observable__value="198.51.100.2").count() == 1


def test_a_withdrawn_report_takes_no_imported_rows(world: Any, tmp_path: Path) -> None:
    from lockstep.intel.services import withdraw_report

    import_file(world.owner, _rows(tmp_path, "first.csv", ["198.51.100.1"]))
    report = Report.objects.get(owner=world.ncb_ke, external_ref="CASE-0")
    withdraw_report(world.owner, report, "Recalled by the prosecutor")
    submit(world.outsider, [("ipv4", "198.51.100.1"), ("ipv4", "198.51.100.2")])
    progress = import_file(world.owner, _rows(tmp_path, "again.csv", ["198.51.100.1", "198.51.100.2"]))
    assert (progress.added, progress.rejected, progress.hits) == (0, 2, 0)
    assert "withdrawn" in progress.problems[0]
    assert not Observable.objects.filter(report=report, active=True).exists()
    assert not Hit.objects.filter(agency=world.ncb_ke, state="new").exists()


def test_the_agencies_on_both_sides_of_an_import_hit_are_told(world: Any, tmp_path: Path) -> None:
    from lockstep.alerts.models import Notification

    submit(world.outsider, [("ipv4", "198.51.0.5")])
    import_file(world.owner, _csv(tmp_path, 300))
    assert Notification.objects.get(agency=world.ncb_ng, kind="hit").params == {
        "count": "3",
        "agency": "NCB-KE",
    }
    assert Notification.objects.filter(agency=world.ncb_ke, kind="hit").count() == 1
