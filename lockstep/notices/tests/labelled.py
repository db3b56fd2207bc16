"""The labelled set of name variants (data/name_variants.jsonl) and how a matcher is measured on it.

Each line is one person with several spellings of one name: native script, romanisations, with and without
diacritics, word order swapped, a middle name left out, hyphenated or joined, one keying error. Near-miss
persons (Zhang Wei and Zhang Wen, Aleksandr Ivanov and Ivanenko) are separate lines with other dates of birth.

The protocol: each person is held the way a notice holds a subject, under their native name and their first
romanisation, with their date of birth and nationality. Every other spelling is a query. A matcher returns the
persons it finds for a query; precision is the share of returned persons that are right, recall the share of
queries whose person is returned, top-1 the share whose person comes first."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lockstep.notices import names

DATA = Path(__file__).parent / "data" / "name_variants.jsonl"
HOLDOUT = Path(__file__).parent / "data" / "name_variants_holdout.jsonl"  # built apart, never tuned on


@dataclass(frozen=True)
class Person:
    key: str
    origin: str
    dob: names.Dob
    nationality: str
    held: tuple[str, ...]  # the names a notice would hold
    variants: tuple[tuple[str, str], ...]  # (kind, spelling): the queries


def people(path: Path = DATA) -> list[Person]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item: dict[str, Any] = json.loads(line)
        spellings = item["names"]
        native = [n["name"] for n in spellings if n["kind"] == "native"]
        roman = [n["name"] for n in spellings if n["kind"] == "romanisation" and n["script"] == "Latn"]
        held = tuple(native[:1] + roman[:1]) or (spellings[0]["name"],)
        variants = tuple((n["kind"], n["name"]) for n in spellings if n["name"] not in held)
        dob = names.parse_dob(item["dob"]) if item.get("dob") else (None, None, None)
        found.append(Person(item["person"], item["origin"], dob, item.get("nationality", ""), held, variants))
    return found


# A matcher: (query text, date of birth, nationalities) -> the keys of the persons it returns, best first.
Matcher = Callable[[str, names.Dob, tuple[str, ...]], list[str]]


def lockstep_matcher(gallery: Iterable[Person], threshold: float = 0.8) -> Matcher:
    index = names.Index(
        names.Entry(
            key=person.key,
            names=[names.prepare(text) for text in person.held],
            dob=person.dob,
            nationalities=(person.nationality,) if person.nationality else (),
        )
        for person in gallery
    )

    def match(text: str, dob: names.Dob, nationalities: tuple[str, ...]) -> list[str]:
        found = index.search(names.prepare(text), dob, nationalities, threshold=threshold, limit=10)
        return [str(entry.key) for entry, _score in found]

    return match


@dataclass
class Measure:
    queries: int
    returned: int
    right: int
    found: int
    first: int
    by_kind: dict[str, tuple[int, int]]  # kind -> (queries, found)

    @property
    def precision(self) -> float:
        return self.right / self.returned if self.returned else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.queries if self.queries else 0.0

    @property
    def top1(self) -> float:
        return self.first / self.queries if self.queries else 0.0


def measure(persons: list[Person], matcher: Matcher, *, with_dob: bool) -> Measure:
    result = Measure(0, 0, 0, 0, 0, {})
    for person in persons:
        dob = person.dob if with_dob else (None, None, None)
        for kind, text in person.variants:
            keys = matcher(text, dob, ())
            result.queries += 1
            result.returned += len(keys)
            result.right += keys.count(person.key)
            hit = person.key in keys
            result.found += hit
            result.first += bool(keys) and keys[0] == person.key
            asked, got = result.by_kind.get(kind, (0, 0))
            result.by_kind[kind] = (asked + 1, got + hit)
    return result
