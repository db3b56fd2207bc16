"""Matching a person's name across scripts and spellings: "محمد عبد الرحمن", "Mohamed Abdel Rahman" and
"Muhammad Abdulrahman" are one name; so are "Щукин", "Shchukin", "Chtchoukine" and "Schtschukin", and "张伟",
"Zhang Wei", "Chang Wei" and "Wei Zhang".

A name is prepared once. Every word is written in Latin letters (Arabic and Persian with the table below,
other scripts with anyascii, Chinese and Korean one syllable per word), folded (lower case, no diacritics),
particles dropped (al-, von, de...), "Abd al-" compounds and "bin"/"ben" patronymics joined to the next word.
Each word gets one or more sound skeletons: its consonants in classes (Q, K, G, C one class; SH, SCH, Щ, X
another; J, ZH, DJ, CH, TCH another; T and D one, as Wade-Giles writes pinyin d as t...), doubled letters
once, "_" when it starts with a vowel; and its vowel classes (A; E, I, Y; O, U) unless its script writes no
short vowels (Arabic, Persian, Hebrew).

Two words are as similar as their folded spellings (edit distance with transpositions) or, when a skeleton is
shared, their vowels (Hussein and Hassan share HSN, not UI / AA). Two names are as similar as the best
one-to-one pairing of their words in any order, a word split on one side and joined on the other (Xiaoming,
Xiao-Ming) paired too; a near word (Popov and Popkov) counts much less than an equal one, since one name
among three that differs usually means another person. A partial date of birth and the nationalities move the
score a little.

The rules were tuned on tests/data/name_variants.jsonl and are measured, untuned, on
tests/data/name_variants_holdout.jsonl too (bench/names.py; figures in docs/benchmarks.md)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from anyascii import anyascii
from rapidfuzz.distance import OSA

ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "", "ئ": "", "ب": "b", "ت": "t",
    "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s",
    "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "a", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y", "ى": "a", "پ": "p", "چ": "ch",
    "ژ": "zh", "گ": "g", "ک": "k", "ی": "y", "ۀ": "a",
}  # fmt: skip
CARONS = {"ž": "zh", "Ž": "Zh", "š": "sh", "Š": "Sh", "č": "ch", "Č": "Ch"}  # Žuravlëv: Zh, not Z
PARTICLES = frozenset("al el ul ad ar as at an az ash von van der den de del della dos das y e".split())
SYLLABIC = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]")
PATRONYMIC = frozenset(
    "bin ben ibn bn bint binti bnt bte".split()
)  # joined to the next word: Ben Ali, Benali
ABD = re.compile(r"^abd(?:[aeiou]l|[aeiou])?(?=[a-z]{2})")
ABD_WORDS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdu", "abdoul", "abdi"})
# Family names whose romanisations share no skeleton (Korean 이 Lee/Yi/Rhee, 박 Park/Pak/Bak...).
EQUIVALENT = {
    word: key
    for key, words in {
        "=li": "lee li yi rhee ri i",
        "=park": "park pak bak bag bahk",
        "=choi": "choi choe chey",
        "=wu": "wu woo",
        "=guo": "guo kuo kwok",
        "=ng": "ng",
    }.items()
    for word in words.split()
}
VOWELS = frozenset("aeiouy")
# Ordered: longest spellings first. A value with "|" gives the alternatives the spelling may stand for.
SOUNDS = [
    ("schtsch", "S"), ("shtch", "S"), ("chtch", "S"), ("shch", "S"), ("sch", "S"), ("tsch", "J"), ("tch", "J"),
    ("dsch", "J"), ("dzh", "J"), ("dj", "J"), ("zh", "J"), ("ch", "J|H|K|S"), ("sh", "S"), ("kh", "H"), ("gh", "K"),
    ("ph", "F"),
    ("th", "T"), ("dh", "T"), ("ts", "S"), ("tz", "S"), ("dz", "S"), ("hs", "S"), ("ck", "K"), ("ks", "X"),
    ("x", "X|S"), ("q", "K"), ("k", "K"), ("g", "K|J"), ("c", "K|S"), ("j", "J|Y"), ("s", "S"), ("z", "S"),
    ("w", "V"), ("v", "V"), ("b", "B"), ("p", "B"), ("f", "F"), ("t", "T"), ("d", "T"), ("h", "H"),
    ("l", "L"), ("r", "R"), ("m", "M"), ("n", "N"),
]  # fmt: skip
ABJAD = re.compile(r"[\u0590-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")  # Hebrew, Arabic, Persian
MAX_SKELETONS = 8
MAX_STEPS = 400  # past this many places in one word, each spelling keeps its first sound only
MAX_WORD = 40  # letters of a word that count
MAX_WORDS = 12  # words of a name that count (names are rarely longer; pairing cost grows with them)
PAIR_FLOOR = 0.72  # two words less alike than this do not pair
SURE = 0.9  # two words this alike count in full; below, less and less
NEAR_PENALTY = 2.0
VOWEL_WEIGHT = 0.4  # how much vowels that differ lower two words with one skeleton


@dataclass(frozen=True, eq=False)  # interned (_word): one object per spelling, compared by identity
class Word:
    folded: str
    skeletons: frozenset[str]
    vowels: str | None = None  # the vowel classes in order; None when the script writes no short vowels
    long: tuple[str, ...] = ()  # the skeletons of four consonants or more, where one apart may still pair


@dataclass
class Name:
    text: str
    words: tuple[Word, ...]
    # the words with two neighbours joined, and the joined word: Xiao Ming -> (Xiaoming,), Xiaoming
    joined: list[tuple[tuple[Word, ...], Word]] = field(default_factory=list)
    keys: frozenset[str] = (
        frozenset()
    )  # the keys of its words (Index), to tell fast that a joined word may pair


def _latin(text: str) -> str:
    out: list[str] = []
    for char in text:
        if char in "هح" and out and out[-1][-1:] in "sktdzgc":
            out.append("ah")  # not read as the digraphs sh, kh, th, dh, zh, gh, ch: زهراء is z-h-r, not ž-r
        elif char in ARABIC:
            out.append(ARABIC[char])
        elif char in CARONS:
            out.append(CARONS[char])
        elif "\u064b" <= char <= "\u065f" or char == "\u0640":  # Arabic vowel marks and tatweel
            continue
        elif "\u4e00" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7a3" or "\u3400" <= char <= "\u4dbf":
            out.append(f" {anyascii(char)} ")  # one Chinese character or Korean block: one syllable
        else:
            out.append(char)
    return anyascii(unicodedata.normalize("NFKC", "".join(out)))


def _arabic_article(text: str) -> str:
    return " ".join(word[2:] if word.startswith("ال") and len(word) > 3 else word for word in text.split())


def words_of(text: str) -> list[str]:
    """The folded words of a name, particles dropped and Arabic 'Abd al-' compounds joined."""
    letters = "".join(
        char if unicodedata.category(char)[0] in "LM" or char in "'’ʿʾ`" else " " for char in text
    )  # symbols, emoji, invisible marks and joiners separate words and match nothing
    latin = re.sub(r"['’ʿʾ`]", "", _latin(_arabic_article(letters)).lower())  # Sa'id, Ka'bi
    raw = [word for word in re.split(r"[^a-z]+", latin) if word]
    raw = [re.sub(r"^([ln])(?:v|yu)(e|an|n)?$", r"\1u\2", word) for word in raw]  # pinyin ü as v, yu: Lv, Lyu
    raw = [re.sub(r"gu(?=[eiy])", "g", word) for word in raw]  # French Evgueni, Serguei
    if not SYLLABIC.search(text):  # Chinese, Korean syllables are never particles (Du, An, Le...)
        raw = [word for at, word in enumerate(raw) if word not in PARTICLES or at == len(raw) - 1] or raw
    kept = raw[:MAX_WORDS]
    joined: list[str] = []
    for word in kept:
        if joined and joined[-1] in ABD_WORDS:
            joined[-1] = "abd" + word
        elif joined and joined[-1] in PATRONYMIC:
            joined[-1] += word
        else:
            joined.append(ABD.sub("abd", word))
    return joined


def skeletons(word: str, abjad: bool = False) -> frozenset[str]:
    """The consonant classes a spelling may stand for, doubled letters once, '_' when it starts with a vowel;
    also those of the word without an Arabic article or patronymic glued to it (Alharbi, Eddine, Benali).
    ``abjad``: the word was written in Arabic, Persian or Hebrew letters, so that HS is H and S (حسين), not the
    Wade-Giles HS of Hsu."""
    found = _skeletons(word, abjad)
    bare = re.sub(
        r"^(?:[ae]l(?=[a-z]{3})|[ae]([b-df-hj-np-tv-z])(?=\1[a-z]{2})|i?b[ie]?nt?(?=[a-z]{3}))", "", word
    )
    return found | _skeletons(bare, abjad) if bare != word else found


def _skeletons(word: str, abjad: bool) -> frozenset[str]:
    if word in EQUIVALENT:
        return frozenset({EQUIVALENT[word]})
    word = re.sub(r"(?:off|ow|ff)$", "ov", word)
    if len(word) > 3 or (len(word) == 3 and word[1] in VOWELS):
        word = re.sub(r"(?<![cskgtdzp])h$", "", word)  # Fatimah, Allah, WG Yeh; not Pavlovich
    word = word[:MAX_WORD]
    results = [("_" if word[:1] in VOWELS else "", 0)]
    done: set[str] = set()
    seen: set[tuple[str, int]] = set()
    while results:
        stem, at = results.pop()
        stem = re.sub(r"(.)\1+", r"\1", stem)
        if (stem, at) in seen:  # another path to the same place: Jjjj... stays linear
            continue
        seen.add((stem, at))
        if at >= len(word):
            done.add(re.sub(r"(.)\1+", r"\1", stem))
            continue
        if word[at] in VOWELS or (
            word[at] == "w" and word[at + 1 : at + 2] not in VOWELS and word[at - 1 : at] not in "aeiou"
        ):
            results.append(
                (stem, at + 1)
            )  # a vowel, or a W standing for one (Arabic يوسف "ywsf", موسى "mwsa")
            continue
        for spelling, sounds in SOUNDS:
            if word.startswith(spelling, at) and not (abjad and spelling == "hs"):
                alternatives = sounds.split("|") if len(seen) < MAX_STEPS else sounds.split("|")[:1]
                for sound in alternatives[: max(1, MAX_SKELETONS - len(done) - len(results))]:
                    if sound == "Y":  # J read as Y is a vowel: Jewgeni, Yevgeny, Evgeniy
                        sound = "" if stem else "_"
                    results.append((stem + sound, at + len(spelling)))
                break
        else:
            results.append((stem, at + 1))
    return frozenset(done)


DIPHTHONGS = {
    "ai": "I", "ay": "I", "ei": "I", "ey": "I", "ee": "I", "ie": "I", "iy": "I", "ou": "U", "oo": "U", "ue": "U",
    "oe": "U", "ae": "A",
}  # fmt: skip
VOWEL_CLASS = {"a": "A", "e": "I", "i": "I", "y": "I", "o": "U", "u": "U"}


def vowels_of(word: str) -> str:
    """A, I or U for each run of vowels (Hussein: UI, Hassan: AA, Husayn: UI), the same class once."""
    shown = []
    word = re.sub(r"(?<=[a-z]{3}[^aeiouy])e$", "", re.sub(r"^y(?=[aeiou])", "", word))  # a silent final e
    for run in re.findall(r"[aeiouy]+", word):
        shown.append(DIPHTHONGS.get(run[:2]) or "".join(VOWEL_CLASS[char] for char in run))
    return re.sub(r"(.)\1+", r"\1", "".join(shown))


_INTERNED: dict[tuple[str, bool], Word] = {}


def _word(word: str, voweled: bool) -> Word:
    found = _INTERNED.get((word, voweled))
    if found is None:
        if len(_INTERNED) > 1_000_000:
            _INTERNED.clear()
            _pair_weight.cache_clear()
            _word_keys.cache_clear()
        sounds = skeletons(word, not voweled)
        found = _INTERNED[(word, voweled)] = Word(
            word, sounds, vowels_of(word) if voweled else None, tuple(s for s in sounds if len(s) >= 4)
        )
    return found


@functools.lru_cache(maxsize=200_000)
def prepare(text: str) -> Name:
    """The prepared name (one object per text, so that many holders of one name are compared once)."""
    return _prepare(text)


def _prepare(text: str) -> Name:
    voweled = not ABJAD.search(text)
    words = tuple(_word(word, voweled) for word in words_of(text))
    joined = []
    if 1 < len(words) <= 5:
        for at in range(len(words) - 1):
            glued = _word(words[at].folded + words[at + 1].folded, voweled)
            joined.append(((*words[:at], glued, *words[at + 2 :]), glued))
    keys = frozenset(key for word in words for key in _word_keys(word))
    return Name(text, words, joined, keys)


def word_similarity(one: Word, other: Word) -> float:
    if one.folded == other.folded:
        return 1.0
    spelled = OSA.normalized_similarity(one.folded, other.folded)
    if one.skeletons & other.skeletons:
        shortest = min(len(s) for s in one.skeletons & other.skeletons)
        sounded = 0.95 if shortest >= 3 else 0.93 if shortest == 2 else 0.9
        if one.vowels is not None and other.vowels is not None:  # Hussein and Hassan share HSN, not UI
            alike = OSA.normalized_similarity(one.vowels, other.vowels)
            sounded *= (1 - VOWEL_WEIGHT + VOWEL_WEIGHT * alike) if shortest >= 3 else (0.8 + 0.2 * alike)
    elif one.long and other.long:  # one consonant apart counts only in long skeletons (0.9 x 4/5: the floor)
        sounded = 0.9 * max(
            (OSA.normalized_similarity(a, b) for a in one.long for b in other.long if len(a) + len(b) >= 9),
            default=0.0,
        )
    else:
        sounded = 0.0
    return max(spelled, sounded)


def _weight(similarity: float) -> float:
    """What a pair of words adds to a name's score: a near word (Popov and Popkov, Xiaoming and Xiaodong) much
    less than an equal one, since one name among three that differs usually means another person."""
    if similarity >= SURE:
        return similarity
    return max(similarity - NEAR_PENALTY * (SURE - similarity), 0.0) if similarity >= PAIR_FLOOR else 0.0


@functools.lru_cache(maxsize=1 << 20)
def _pair_weight(one: Word, other: Word) -> float:
    return _weight(word_similarity(one, other))


def _assignment(options: list[list[tuple[int, float]]]) -> float:
    """The heaviest one-to-one choice, one option per row at most (rows: the shorter name's words, options: the
    words of the other they may pair with). Depth-first with a bound; the rows have few options each."""
    firsts = [row[0][0] for row in options if row]
    if len(set(firsts)) == len(firsts):  # no two rows want the same word: each takes its best
        return sum(row[0][1] for row in options if row)
    bounds = [0.0] * (len(options) + 1)
    for i in range(len(options) - 1, -1, -1):
        bounds[i] = bounds[i + 1] + (options[i][0][1] if options[i] else 0.0)
    best, steps = 0.0, 0

    def walk(i: int, used: int, total: float) -> None:
        nonlocal best, steps
        steps += 1
        if total + bounds[i] <= best or steps > 20_000:  # past the budget: the best found (greedy first)
            return
        if i == len(options):
            best = total
            return
        for j, weight in options[i]:
            if not used & (1 << j):
                walk(i + 1, used | (1 << j), total + weight)
        walk(i + 1, used, total)

    walk(0, 0, 0.0)
    return best


def _pairing(one: tuple[Word, ...], other: tuple[Word, ...]) -> float:
    if not one or not other:
        return 0.0
    short, long = (one, other) if len(one) <= len(other) else (other, one)
    options = []
    for a in short:
        row = [(j, w) for j, b in enumerate(long) if (w := _pair_weight(a, b)) > 0]
        if len(row) > 1:
            row.sort(key=lambda o: -o[1])
        options.append(row)
    best = _assignment(options)
    score = best / len(short) - 0.05 * (len(long) - len(short))
    if len(short) == 1 and len(long) > 1:
        score *= 0.8  # one word alone says little
    return max(score, 0.0)


def name_similarity(one: Name, other: Name) -> float:
    """The best pairing of the two names' words, with two neighbouring words joined on one side at most."""
    if not one.words or not other.words:
        return 0.0
    pairs = [(one.words, other.words)]
    # a joined word that shares no key with the other side's words would pair with none of them: it cannot do
    # better than the words apart
    pairs += [(one.words, shape) for shape, glued in other.joined if _word_keys(glued, True) & one.keys]
    pairs += [(shape, other.words) for shape, glued in one.joined if _word_keys(glued, True) & other.keys]
    return max(_pairing(a, b) for a, b in pairs)


def parse_dob(text: str) -> tuple[int | None, int | None, int | None]:
    """'1980', '1980-05' or '1980-05-17' (a partial date of birth); ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text.strip())
    if not match:
        raise ValueError(f"date of birth {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else None for part in match.groups())
    if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
        raise ValueError(f"date of birth {text!r} has no such month or day")
    return year, month, day


Dob = tuple[int | None, int | None, int | None]


def dob_adjustment(query: Dob, subject: Dob) -> float:
    (qy, qm, qd), (sy, sm, sd) = query, subject
    if qy is None or sy is None:
        return 0.0
    if abs(qy - sy) > 1:
        return -0.25
    if qy != sy:
        return -0.08
    if qm is None or sm is None:
        return 0.03
    if qm != sm:
        return -0.05 if (qd, qm) != (sm, sd) else 0.0  # day and month swapped is a common slip
    if qd is None or sd is None:
        return 0.04
    return 0.06 if qd == sd else -0.04


def nationality_adjustment(query: Iterable[str], subject: Iterable[str]) -> float:
    wanted, held = {c.upper() for c in query if c}, {c.upper() for c in subject if c}
    if not wanted or not held:
        return 0.0
    return 0.02 if wanted & held else -0.03


@dataclass
class Entry:
    """One person to match against: their names prepared, their date of birth and nationalities."""

    key: object
    names: list[Name]
    dob: Dob = (None, None, None)
    nationalities: tuple[str, ...] = ()


def score(
    query: Name,
    entry: Entry,
    dob: Dob = (None, None, None),
    nationalities: Iterable[str] = (),
    memo: dict[int, float] | None = None,
) -> float:
    """``memo``: the query's similarity to names already compared (by the prepared name's identity)."""
    if memo is None:
        memo = {}
    by_name = 0.0
    for name in entry.names:
        if id(name) not in memo:
            memo[id(name)] = name_similarity(query, name)
        by_name = max(by_name, memo[id(name)])
    total = (
        by_name + dob_adjustment(dob, entry.dob) + nationality_adjustment(nationalities, entry.nationalities)
    )
    return round(min(max(total, 0.0), 1.0), 3)


@functools.lru_cache(maxsize=1 << 18)
def _word_keys(word: Word, joined: bool = False) -> frozenset[str]:
    """Where a word is filed: its skeletons (a one-letter skeleton with its vowels, Zhou J:U), and its first
    letters unless it is two words joined (whose first letters are the first word's)."""
    keys = {s if len(s) >= 2 else f"{s}:{word.vowels}" for s in word.skeletons}
    if not joined:
        keys.add("~" + word.folded[:3])
    return frozenset(keys)


def _needed(words: int) -> int:
    """How many of the shorter name's words must share a key for the names to reach a screening score: all up
    to three (two of three pairing give 0.67 at most), one fewer from four (a keying error that changes both
    the first letters and the skeleton)."""
    return words if words <= 3 else words - 1


class Index:
    """People to screen against. A query finds the entries that share a key with enough of its words (_needed),
    then scores them."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = list(entries)
        self.by_key: dict[str, set[int]] = defaultdict(set)
        self.fewest: list[int] = []  # per entry, the word count of its shortest name
        for at, entry in enumerate(self.entries):
            self.fewest.append(min((len(name.words) for name in entry.names), default=0))
            for name in entry.names:
                for word in name.words:
                    for key in _word_keys(word):
                        self.by_key[key].add(at)
                for _shape, glued in name.joined:
                    for key in _word_keys(glued, joined=True):
                        self.by_key[key].add(at)

    def candidates(self, query: Name) -> list[int]:
        """The entries that share a key with enough words of the query, the words apart or two of them joined."""
        hit_by: dict[int, set[int]] = {}

        joined = {id(glued) for _shape, glued in query.joined}

        def hits(word: Word) -> set[int]:
            if id(word) not in hit_by:
                found: set[int] = set()
                for key in _word_keys(word, joined=id(word) in joined):
                    found |= self.by_key.get(key, set())
                hit_by[id(word)] = found
            return hit_by[id(word)]

        kept: set[int] = set()
        for shape in (query.words, *(shape for shape, _glued in query.joined)):
            counts: Counter[int] = Counter()
            for word in shape:
                counts.update(hits(word))
            most = _needed(len(shape))
            kept.update(
                at for at, count in counts.items() if count >= most or count >= _needed(self.fewest[at])
            )
        return list(kept)

    def search(
        self,
        query: Name,
        dob: Dob = (None, None, None),
        nationalities: Iterable[str] = (),
        *,
        threshold: float = 0.8,
        limit: int = 10,
    ) -> list[tuple[Entry, float]]:
        nationalities = tuple(nationalities)
        memo: dict[int, float] = {}
        scored = [
            (self.entries[at], score(query, self.entries[at], dob, nationalities, memo))
            for at in self.candidates(query)
        ]
        ranked = sorted((pair for pair in scored if pair[1] >= threshold), key=lambda pair: -pair[1])
        return ranked[:limit]
