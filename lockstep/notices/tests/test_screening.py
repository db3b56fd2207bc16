"""Name search and batch screening against the notices and diffusions the caller may see: the CLI, the API,
what is and is not screened against, the errors, the audit."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from conftest import verified_client
from lockstep.audit.models import AuditEvent
from lockstep.directory.tests.factories import AgencyFactory, UserFactory
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.notices import screening, services
from lockstep.notices.tests.test_workflow import RED

pytestmark = pytest.mark.django_db
CHECKS = dict.fromkeys(services.CHECKLIST, True)


def _person(*spellings: str, dob: tuple[int, int | None, int | None], nationality: str) -> dict[str, Any]:
    return {
        "kind": "person",
        "status": "suspect",
        "names": [{"name": text} for text in spellings],
        "birth_year": dob[0],
        "birth_month": dob[1],
        "birth_day": dob[2],
        "nationalities": [nationality],
    }


@pytest.fixture
def notices(world: Any) -> dict[str, Any]:
    """A published Red notice (two subjects), a diffusion sent to NCB-NG only, a draft, from NCB-KE."""
    supervisor = UserFactory(username="ke-sup", agency=world.ncb_ke, roles=["supervisor"])
    red = services.draft_notice(
        world.owner,
        type="red",
        title="Investment fraud call centre",
        details=RED,
        subjects=[
            _person("محمد عبد الرحمن", "Mohamed Abdel Rahman", dob=(1979, 3, 14), nationality="EG"),
            _person("Щукин Евгений Павлович", "Yevgeniy Shchukin", dob=(1985, None, None), nationality="RU"),
        ],
    )
    services.approve_notice(supervisor, red)
    services.publish_notice(world.reviewer, red, CHECKS)
    diffusion = services.draft_notice(
        world.owner,
        kind="diffusion",
        type="blue",
        title="Locate a money mule",
        details={"facts": "Mule accounts opened in Nairobi", "information_sought": "Where he lives"},
        subjects=[_person("张伟", "Zhang Wei", dob=(1990, 1, 2), nationality="CN")],
        recipients=[world.ncb_ng],
    )
    services.approve_notice(supervisor, diffusion)
    draft = services.draft_notice(
        world.owner,
        type="red",
        title="Not yet asked",
        details=RED,
        subjects=[_person("Grace Wanjiru Kamau", dob=(1992, 5, 5), nationality="KE")],
    )
    ghana = UserFactory(
        username="gh", agency=AgencyFactory(code="NCB-GH", kind="ncb", country_id="GH"), roles=["officer"]
    )
    return {"red": red, "diffusion": diffusion, "draft": draft, "ghana": ghana}


def _queries(*items: dict[str, Any]) -> list[screening.Query]:
    return screening.queries_from_lines(json.dumps(item, ensure_ascii=False) for item in items)


PASSENGERS = (
    {"qid": "p1", "name": "Muhammad Abd al-Rahman", "dob": "1979-03-14"},
    {"qid": "p2", "name": "Chang Wei", "dob": "1990"},
    {"qid": "p3", "name": "Evgueni Chtchoukine", "nationality": "RU"},
    {"qid": "p4", "name": "Grace Kamau"},
    {"qid": "p5", "name": "Amani Otieno"},
)


def test_each_query_gets_the_subjects_it_may_see_ranked(world: Any, notices: dict[str, Any]) -> None:
    results = dict((q.qid, found) for q, found in screening.screen(world.outsider, _queries(*PASSENGERS)))
    assert [c.reference for c in results["p1"]] == [notices["red"].reference]
    assert results["p1"][0].name in {"محمد عبد الرحمن", "Mohamed Abdel Rahman"}
    assert results["p1"][0].score == 1.0  # all words, and the full date of birth, agree
    assert results["p1"][0].dob == "1979-03-14" and results["p1"][0].nationalities == ("EG",)
    assert [c.reference for c in results["p2"]] == [notices["diffusion"].reference]  # sent to NCB-NG
    assert [c.reference for c in results["p3"]] == [notices["red"].reference]
    assert results["p4"] == [] and results["p5"] == []  # a draft is no notice; nobody else matches

    # Ghana was not among the diffusion's recipients: the same list finds the Red notice only.
    ghana = dict((q.qid, found) for q, found in screening.screen(notices["ghana"], _queries(*PASSENGERS)))
    assert ghana["p2"] == []
    assert [c.reference for c in ghana["p1"]] == [notices["red"].reference]


def test_a_withdrawn_notice_is_no_longer_screened_against(world: Any, notices: dict[str, Any]) -> None:
    services.withdraw_notice(world.owner, notices["red"], "arrested")
    found = screening.screen(world.outsider, _queries(PASSENGERS[0]))
    assert found[0][1] == []


def test_the_threshold_and_the_date_of_birth_narrow_the_candidates(
    world: Any, notices: dict[str, Any]
) -> None:
    loose = screening.search_by_name(world.outsider, "Mohamed Abdel Rahman", threshold=0.5)
    assert loose and loose[0].reference == notices["red"].reference
    wrong_year = screening.search_by_name(world.outsider, "Mohamed Abdel Rahman", dob="1955")
    right_year = screening.search_by_name(world.outsider, "Mohamed Abdel Rahman", dob="1979")
    assert right_year and (not wrong_year or wrong_year[0].score < right_year[0].score)


def test_screening_is_audited_without_the_names(world: Any, notices: dict[str, Any]) -> None:
    screening.screen(world.outsider, _queries(*PASSENGERS))
    event = AuditEvent.objects.get(action="notices.screened")
    assert event.details["queries"] == 5 and event.details["with_candidates"] == 3
    assert "Chang" not in json.dumps(event.details)


def test_bad_lines_are_refused_by_number_and_nothing_is_screened(world: Any, notices: dict[str, Any]) -> None:
    lines = [
        json.dumps({"qid": "a", "name": "Zhang Wei"}),
        "{not json",
        json.dumps({"qid": "b", "name": "Zhang Wei", "dob": "17/05/1980"}),
        json.dumps({"name": "no qid"}),
        json.dumps({"qid": "a", "name": "twice"}),
        json.dumps({"qid": "c", "name": "Zhang Wei", "nationality": "China"}),
        json.dumps({"qid": "d", "name": "  "}),
    ]
    with pytest.raises(InvalidInput) as caught:
        screening.queries_from_lines(lines)
    faults = caught.value.fields["lines"]
    assert [fault.split(":")[0] for fault in faults] == [
        "line 2",
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
    ]
    assert "YYYY" in faults[1] and "qid" in faults[2] and "twice" in faults[3]
    assert not AuditEvent.objects.filter(action="notices.screened").exists()


def test_who_may_screen_and_how_many(world: Any, notices: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        screening.screen(world.auditor, _queries(PASSENGERS[0]))
    assert screening.screen(world.partner, _queries(PASSENGERS[0]))[0][1] == []  # partners see no notices
    many = [screening.Query(str(n), "Zhang Wei") for n in range(screening.MAX_QUERIES + 1)]
    with pytest.raises(InvalidInput, match="10,000"):
        screening.screen(world.outsider, many)
    with pytest.raises(InvalidInput, match="threshold"):
        screening.screen(world.outsider, many[:1], threshold=0.2)


def test_the_cli_prints_one_line_per_query(world: Any, notices: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "passengers.jsonl"
    path.write_text(
        "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in PASSENGERS), encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("notices", "screen", str(path), "--user", world.outsider.username, stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["p1", "p2", "p3", "p4", "p5"]
    assert f"1.00 {notices['red'].reference}" in lines[0]
    assert lines[4].endswith("no candidate")
    assert "5 screened, 3 with candidates" in err.getvalue()

    out = io.StringIO()
    call_command("notices", "screen", str(path), "--user", world.outsider.username, "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[1]["qid"] == "p2" and rows[1]["candidates"][0]["reference"] == notices["diffusion"].reference
    assert 0.8 <= rows[1]["candidates"][0]["score"] <= 1.0


def test_the_cli_refuses_a_bad_file_with_the_line(
    world: Any, notices: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"qid": "a", "name": "Zhang Wei"}\n{"qid": "b"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("notices", "screen", str(path), "--user", world.outsider.username, stdout=io.StringIO())
    with pytest.raises(CommandError, match="no file"):
        call_command("notices", "screen", str(tmp_path / "none.jsonl"), "--user", world.outsider.username)


def _api(user: Any) -> Client:
    return verified_client(Client(), user)


def test_the_api_screens_a_list_and_searches_one_name(world: Any, notices: dict[str, Any]) -> None:
    client = _api(world.outsider)
    response = client.post(
        "/api/v1/notices/screen",
        {"queries": list(PASSENGERS), "limit": 3},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["queries"], body["with_candidates"]) == (5, 3)
    assert body["results"][0]["candidates"][0]["reference"] == notices["red"].reference
    found = client.get("/api/v1/notices/by-name", {"name": "Шукин Евгений", "dob": "1985"}).json()
    assert [c["reference"] for c in found] == [notices["red"].reference]


def test_the_api_refuses_bad_queries_and_too_many(world: Any, notices: dict[str, Any]) -> None:
    client = _api(world.outsider)
    bad = client.post(
        "/api/v1/notices/screen",
        {"queries": [{"qid": "1", "name": "Zhang Wei"}, {"qid": "2", "name": "x", "dob": "soon"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["lines"][0].startswith("item 2:")
    many = [{"qid": str(n), "name": "Zhang Wei"} for n in range(screening.MAX_QUERIES + 1)]
    too_many = client.post("/api/v1/notices/screen", {"queries": many}, content_type="application/json")
    assert too_many.status_code == 400 and "10,000" in too_many.json()["error"]["message"]
    assert client.get("/api/v1/notices/by-name", {"name": "Zhang", "dob": "May 1990"}).status_code == 400
    assert not AuditEvent.objects.filter(action="notices.screened").exists()


def test_the_list_page_finds_a_person_by_name(world: Any, notices: dict[str, Any]) -> None:
    client = _api(world.outsider)
    page = client.get("/notices/", {"name": "Zhang Wei", "dob": "1990-01"})
    assert page.status_code == 200
    table = page.content.decode().split('id="candidates"')[1].split("</table>")[0]
    assert notices["diffusion"].reference in table
    assert "张伟" in table or "Zhang Wei" in table
    assert notices["red"].reference not in table
    nobody = client.get("/notices/", {"name": "Amani Otieno"}).content.decode()
    assert "Nobody in the notices you may see has a name like this." in nobody
    bad = client.get("/notices/", {"name": "Zhang Wei", "dob": "next year"})
    assert bad.status_code == 400 and "YYYY" in bad.content.decode()


@pytest.mark.parametrize(
    "item",
    [
        {"qid": "a", "name": "Ali", "nationality": 12},
        {"qid": "a", "name": "Ali", "nationality": True},
        {"qid": "a", "name": "Ali", "nationality": "ÄÖ"},
        {"qid": [1, 2], "name": "Ali"},
        {"qid": "x" * 101, "name": "Ali"},
        {"qid": "a", "name": "😀"},
        {"qid": "a", "name": ["Ali"]},
    ],
)
def test_odd_items_are_refused_not_crashed_on(item: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        screening.queries_from_items([(1, item)], "item %(number)s: %(message)s")


def test_odd_json_lines_are_refused_by_number() -> None:
    with pytest.raises(InvalidInput) as caught:
        screening.queries_from_lines(['{"qid": 1, "name": "' + "9" * 10 + '"}', "9" * 5000, "[" * 100000])
    assert [fault.split(":")[0] for fault in caught.value.fields["lines"]] == ["line 1", "line 2", "line 3"]


def test_a_body_too_large_is_413(world: Any) -> None:
    client = _api(world.outsider)
    body = json.dumps({"queries": [{"qid": str(n), "name": "Zhang Wei " * 30} for n in range(45_000)]})
    response = client.post("/api/v1/notices/screen", body, content_type="application/json")
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
