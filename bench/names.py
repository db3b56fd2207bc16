"""Benchmark: name matching across scripts and spellings, beside simpler matchers in the same run.

1. Quality on the labelled sets (lockstep/notices/tests/data): the tuning set and the held-out set (built apart
   and never tuned on). Each person is held under their native name and first romanisation; every other
   spelling is a query. Precision, recall and top-1 at the screening threshold, names alone and with the date
   of birth, for:
   - Lockstep (`notices.names`, threshold 0.8);
   - exact: the names equal once lower-cased, stripped of diacritics and of word order;
   - rapidfuzz token_sort_ratio >= 85 and token_set_ratio >= 90 on anyascii-romanised, lower-cased names
     (what a quick fuzzy matcher does; the dates of birth cannot enter it).
2. Throughput: screening 10,000 queries against N held persons (names drawn from the labelled sets' words,
   recombined), Lockstep's index beside rapidfuzz `process.cdist` (C, all cores) over every pair.

Usage: python bench/names.py [--held 10000,50000] [--queries 10000]
"""

from __future__ import annotations

import argparse
import random
import time
import unicodedata
from collections.abc import Callable

from anyascii import anyascii
from rapidfuzz import fuzz, process

from lockstep.notices import names
from lockstep.notices.tests.labelled import (
    DATA,
    HOLDOUT,
    Matcher,
    Person,
    lockstep_matcher,
    measure,
    people,
)

THRESHOLD = 0.8


def _plain(text: str) -> str:
    return anyascii(unicodedata.normalize("NFKC", text)).lower()


def exact_matcher(gallery: list[Person]) -> Matcher:
    def key(text: str) -> str:
        stripped = "".join(
            c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
        )
        return " ".join(sorted(stripped.replace("-", " ").split()))

    held: dict[str, set[str]] = {}
    for person in gallery:
        for text in person.held:
            held.setdefault(key(text), set()).add(person.key)
    return lambda text, dob, nationalities: sorted(held.get(key(text), set()))


def fuzzy_matcher(gallery: list[Person], scorer: Callable[..., float], cutoff: float) -> Matcher:
    choices = [(_plain(text), person.key) for person in gallery for text in person.held]
    strings = [text for text, _key in choices]

    def match(text: str, dob: names.Dob, nationalities: tuple[str, ...]) -> list[str]:
        found = process.extract(_plain(text), strings, scorer=scorer, score_cutoff=cutoff, limit=20)
        keys: list[str] = []
        for _string, _score, at in found:
            if choices[at][1] not in keys:
                keys.append(choices[at][1])
        return keys[:10]

    return match


def quality() -> None:
    print("| set | matcher | queries | precision | recall | top-1 | precision with dob | recall with dob |")
    print("|---|---|---|---|---|---|---|---|")
    for label, path in (("tuning", DATA), ("held-out", HOLDOUT)):
        if not path.exists():
            print(f"| {label} | (missing: {path.name}) |")
            continue
        persons = people(path)
        matchers = {
            "Lockstep (names.py, 0.8)": lockstep_matcher(persons, THRESHOLD),
            "exact (folded, any order)": exact_matcher(persons),
            "rapidfuzz token_sort_ratio >= 85": fuzzy_matcher(persons, fuzz.token_sort_ratio, 85),
            "rapidfuzz token_set_ratio >= 90": fuzzy_matcher(persons, fuzz.token_set_ratio, 90),
        }
        for name, matcher in matchers.items():
            plain = measure(persons, matcher, with_dob=False)
            dated = measure(persons, matcher, with_dob=True)
            print(
                f"| {label} | {name} | {plain.queries} | {plain.precision:.3f} | {plain.recall:.3f} | "
                f"{plain.top1:.3f} | {dated.precision:.3f} | {dated.recall:.3f} |"
            )


SYLLABLES = (
    "ka ra mi zo ten bar lo vic han sun dre pol mar tin ver go sha lei ko nu bek dal fer im jo qui sal tor us"
    " wen yas zhu ab el or an ev ir om"
).split()


def _population(count: int, seed: int) -> list[str]:
    """Persons as a watch list holds them: a given name from the labelled sets' (few, often shared: Mohammed,
    Aleksandr, Wei), in its script; a family name that one time in four is the labelled sets' (Zhang, Hassan,
    Ivanov: common ones) and otherwise made of syllables (family names are many); a middle name two times in
    five."""
    rng = random.Random(seed)
    spellings = [n for path in (DATA, HOLDOUT) if path.exists() for p in people(path) for n in (*p.held,)]
    words = [text.split() for text in spellings]
    made = []
    for _ in range(count):
        given, family, middle = rng.choice(words), rng.choice(words), rng.choice(words)
        surname = family[-1] if rng.random() < 0.25 else "".join(rng.choices(SYLLABLES, k=rng.choice((2, 3))))
        parts = [given[0], surname.capitalize()] + ([middle[len(middle) // 2]] if rng.random() < 0.4 else [])
        made.append(" ".join(parts))
    return made


def throughput(held_sizes: list[int], queries: int) -> None:
    print("\n| held persons | queries | matcher | build (s) | screening (s) | queries/s | ratio |")
    print("|---|---|---|---|---|---|---|")
    asked = _population(queries, seed=2)
    for size in held_sizes:
        held = _population(size, seed=1)
        started = time.perf_counter()
        index = names.Index(names.Entry(at, [names.prepare(text)]) for at, text in enumerate(held))
        built = time.perf_counter() - started
        started = time.perf_counter()
        found = 0
        for text in asked:
            found += bool(index.search(names.prepare(text), threshold=THRESHOLD, limit=5))
        ours = time.perf_counter() - started

        plain_held = [_plain(text) for text in held]
        started = time.perf_counter()
        plain_asked = [_plain(text) for text in asked]
        peer_built = time.perf_counter() - started
        started = time.perf_counter()
        step = 1000  # cdist in slices, so that the score matrix fits in memory
        for at in range(0, len(plain_asked), step):
            process.cdist(
                plain_asked[at : at + step],
                plain_held,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=85,
                workers=-1,
            )
        theirs = time.perf_counter() - started
        print(
            f"| {size:,} | {queries:,} | rapidfuzz cdist token_sort_ratio (all cores) | {peer_built:.2f} | "
            f"{theirs:.2f} | {queries / theirs:,.0f} | 1.00 |"
        )
        print(
            f"| {size:,} | {queries:,} | Lockstep index ({found:,} with candidates) | {built:.2f} | {ours:.2f} | "
            f"{queries / ours:,.0f} | {theirs / ours:.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--held", default="10000,50000")
    parser.add_argument("--queries", type=int, default=10_000)
    args = parser.parse_args()
    quality()
    throughput([int(size) for size in args.held.split(",")], args.queries)


if __name__ == "__main__":
    main()
