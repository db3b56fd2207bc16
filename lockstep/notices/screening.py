"""Name search and batch screening: people (one name, or a passenger list, a company's officers) checked against
the persons named in the notices and diffusions the caller may see, ranked by how alike they are (names.py).

Only live notices count (published, sent or checked): a draft is not yet a notice and a tombstone keeps no
subject. Every search and every screening run is audited, with the number of queries and candidates, not the
names."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from lockstep.audit.services import record
from lockstep.directory.models import User
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.notices import names
from lockstep.notices.access import SHOWN, notices_for
from lockstep.notices.models import Subject, SubjectKind
from lockstep.policy.rules import is_operational

MAX_QUERIES = 10_000
MAX_NAME = 300
DEFAULT_THRESHOLD = 0.8


@dataclass(frozen=True)
class Query:
    qid: str
    name: str
    dob: names.Dob = (None, None, None)
    nationalities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    reference: str
    type: str
    kind: str
    owner: str
    subject: int
    name: str  # the subject's name that matched best
    score: float
    dob: str
    nationalities: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "type": self.type,
            "kind": self.kind,
            "owner": self.owner,
            "subject": self.subject,
            "name": self.name,
            "score": self.score,
            "dob": self.dob,
            "nationalities": list(self.nationalities),
        }


prepare = names.prepare


def _index(actor: User) -> names.Index:
    live = notices_for(actor).filter(status__in=SHOWN)
    subjects = (
        Subject.objects.filter(notice__in=live, kind=SubjectKind.PERSON)
        .select_related("notice__owner")
        .prefetch_related("names")
    )
    return names.Index(
        names.Entry(
            key=subject,
            names=[prepare(name.name) for name in subject.names.all()],
            dob=(subject.birth_year, subject.birth_month, subject.birth_day),
            nationalities=tuple(subject.nationalities),
        )
        for subject in subjects
    )


def _candidate(entry: names.Entry, score: float, query: names.Name) -> Candidate:
    subject: Subject = entry.key  # type: ignore[assignment]
    best = max(entry.names, key=lambda name: names.name_similarity(query, name))
    return Candidate(
        reference=subject.notice.reference,
        type=subject.notice.type,
        kind=subject.notice.kind,
        owner=subject.notice.owner.code,
        subject=subject.pk,
        name=best.text,
        score=score,
        dob=subject.birth_text,
        nationalities=tuple(subject.nationalities),
    )


def _check_threshold(threshold: float) -> None:
    if not 0.5 <= threshold <= 1.0:
        raise InvalidInput(
            _("The threshold is a score between 0.5 and 1."), fields={"threshold": [str(threshold)]}
        )


def screen(
    actor: User, queries: list[Query], *, threshold: float = DEFAULT_THRESHOLD, limit: int = 5
) -> list[tuple[Query, list[Candidate]]]:
    """Each query with its candidates scoring ``threshold`` or more, best first, at most ``limit`` of them."""
    if not is_operational(actor):
        raise PermissionDenied()
    if len(queries) > MAX_QUERIES:
        raise InvalidInput(
            _("At most %(count)s names per screening.") % {"count": f"{MAX_QUERIES:,}"},
            fields={"queries": [str(len(queries))]},
        )
    _check_threshold(threshold)
    index = _index(actor)
    results = []
    for query in queries:
        prepared = prepare(query.name)
        found = index.search(prepared, query.dob, query.nationalities, threshold=threshold, limit=limit)
        results.append((query, [_candidate(entry, score, prepared) for entry, score in found]))
    record(
        actor,
        "notices.screened",
        None,
        queries=len(queries),
        with_candidates=sum(1 for _query, found in results if found),
        threshold=str(threshold),
    )
    return results


def search_by_name(
    actor: User, name: str, dob: str = "", nationality: str = "", *, threshold: float = 0.75, limit: int = 50
) -> list[Candidate]:
    """One name (with a partial date of birth and a nationality if known), ranked."""
    query = make_query("search", name, dob, nationality)
    return screen(actor, [query], threshold=threshold, limit=limit)[0][1]


def make_query(qid: Any, name: Any, dob: Any = "", nationality: Any = "") -> Query:
    """A checked query; InvalidInput says which part is wrong."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(_("Give a name."), fields={"name": [_("required")]})
    if len(name) > MAX_NAME:
        raise InvalidInput(_("A name has at most 300 characters."), fields={"name": [name[:40]]})
    if not names.words_of(name):
        raise InvalidInput(_("The name has no letters to match."), fields={"name": [name[:40]]})
    parsed: names.Dob = (None, None, None)
    if dob:
        try:
            parsed = names.parse_dob(str(dob))
        except ValueError:
            raise InvalidInput(
                _("Give the date of birth as YYYY, YYYY-MM or YYYY-MM-DD."), fields={"dob": [str(dob)[:20]]}
            ) from None
    if isinstance(qid, bool) or not isinstance(qid, str | int) or len(str(qid)) > 100:
        raise InvalidInput(
            _("A qid is a text or a number of at most 100 characters."), fields={"qid": [str(qid)[:40]]}
        )
    given = (
        [nationality]
        if isinstance(nationality, str)
        else nationality
        if isinstance(nationality, list)
        else None
    )
    if given is None or not all(isinstance(code, str) for code in given):
        raise InvalidInput(
            _("Give nationalities as two-letter country codes."),
            fields={"nationality": [str(nationality)[:20]]},
        )
    countries: list[str] = []
    for code in given:
        for part in code.replace(";", ",").split(","):
            if part.strip() and not re.fullmatch(r"[A-Za-z]{2}", part.strip()):
                raise InvalidInput(
                    _("Give nationalities as two-letter country codes."), fields={"nationality": [part[:10]]}
                )
            if part.strip():
                countries.append(part.strip().upper())
    return Query(str(qid), name.strip(), parsed, tuple(countries))


def queries_from_lines(lines: Iterable[str]) -> list[Query]:
    """JSON Lines of {"qid", "name", "dob"?, "nationality"?}; see queries_from_items."""

    def parsed() -> Iterable[tuple[int, Any]]:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except (json.JSONDecodeError, ValueError, RecursionError) as error:
                    yield number, error

    return queries_from_items(parsed(), _("line %(number)s: %(message)s"))


def queries_from_items(items: Iterable[tuple[int, Any]], where: str) -> list[Query]:
    """Numbered {"qid", "name", "dob"?, "nationality"?} objects; every one is checked before any is screened,
    and InvalidInput lists the first faulty ones by number (``where`` names them: line or item)."""
    queries: list[Query] = []
    faults: list[str] = []
    seen: set[str] = set()
    for number, item in items:
        try:
            if isinstance(item, json.JSONDecodeError):
                raise InvalidInput(_("not JSON (%(error)s)") % {"error": item.msg})
            if isinstance(item, ValueError | RecursionError):
                raise InvalidInput(_("not JSON (%(error)s)") % {"error": type(item).__name__})
            if not isinstance(item, dict):
                raise InvalidInput(_("Each entry is one JSON object."))
            if "qid" not in item or str(item["qid"]).strip() == "":
                raise InvalidInput(_("Each entry needs a qid."))
            query = make_query(
                item["qid"], item.get("name"), item.get("dob") or "", item.get("nationality") or ""
            )
            if query.qid in seen:
                raise InvalidInput(_("The qid %(qid)s is used twice.") % {"qid": query.qid})
            seen.add(query.qid)
            queries.append(query)
        except InvalidInput as error:
            detail = "; ".join(f"{key} {', '.join(values)}" for key, values in error.fields.items())
            message = error.message + (f" ({detail})" if detail else "")
            faults.append(where % {"number": number, "message": message})
        if len(faults) >= 20 or len(queries) > MAX_QUERIES:
            break
    if faults:
        raise InvalidInput(
            _("Nothing was screened: %(count)s faulty entries.") % {"count": len(faults)},
            fields={"lines": faults},
        )
    return queries
