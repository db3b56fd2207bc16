"""Extracting observables from report text: refang, find candidates per type, keep what validates.

Spans already claimed by a longer or more specific observable (a URL, an e-mail, a hash, an IBAN...) are
masked before the looser types (domains, IPs, phones) are searched, so one string yields one observable.
"""

from __future__ import annotations

import html.parser
import io
import re
from collections.abc import Callable

import phonenumbers

from lockstep.intel.canonical import InvalidValue, canonical, domain, refang

B58 = "1-9A-HJ-NP-Za-km-z"
BECH = "02-9ac-hj-np-z"

# Order matters: each pattern's matches are masked before the next ones run.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("url", re.compile(r"\b(?:https?|ftp)://[^\s<>\"'`{}|\\^]+", re.I)),
    ("email", re.compile(r"\b[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63}\b")),
    ("cidr", re.compile(r"(?<![\w.:])(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:]+)/\d{1,3}\b")),
    (
        "ipv6",
        re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{1,4})*(?![\w:])"),
    ),
    ("eth", re.compile(r"\b0x[0-9A-Fa-f]{40}\b")),
    ("sha256", re.compile(r"(?<!0x)(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])")),
    ("sha1", re.compile(r"(?<!0x)(?<![0-9A-Fa-f])[0-9A-Fa-f]{40}(?![0-9A-Fa-f])")),
    ("md5", re.compile(r"(?<!0x)(?<![0-9A-Fa-f])[0-9A-Fa-f]{32}(?![0-9A-Fa-f])")),
    ("ssdeep", re.compile(r"\b\d{1,10}:[A-Za-z0-9/+]{3,64}:[A-Za-z0-9/+]{3,64}\b")),
    ("btc", re.compile(rf"\b(?:bc1[{BECH}]{{11,71}}|BC1[{BECH.upper()}]{{11,71}}|[13][{B58}]{{25,34}})\b")),
    ("trx", re.compile(rf"\bT[{B58}]{{33}}\b")),
    ("xmr", re.compile(rf"\b[48][{B58}]{{94}}(?:[{B58}]{{11}})?\b")),
    ("ltc", re.compile(rf"\b(?:[LM][{B58}]{{26,33}}|ltc1[{BECH}]{{8,87}})\b")),
    ("doge", re.compile(rf"\bD[{B58}]{{25,33}}\b")),
    ("bch", re.compile(rf"\bbitcoincash:[qp][{BECH}]{{41}}\b")),
    ("xrp", re.compile(rf"\br[{B58}]{{24,34}}\b")),
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")),
    ("cve", re.compile(r"\bCVE-\d{4}-\d{4,7}\b", re.I)),
    ("asn", re.compile(r"\bAS\d{1,10}\b")),
    ("imei", re.compile(r"(?i:\bIMEI\b)[\s:#.-]{0,5}(?P<imei_digits>\d[\d -]{13,17}\d)")),
    (
        "handle",
        re.compile(
            r"(?i:\b(?P<handle_platform>telegram|whatsapp|signal|instagram|twitter|facebook|tiktok|discord|skype|wechat|viber)\b)"
            r"(?:\s+(?i:handle|account|user(?:name)?|id|profile))?(?:\s*[:=]\s*|\s+(?=[@+]))"
            r"(?P<handle_user>\+[\d ()-]{7,20}\d|@?[A-Za-z0-9_.-]{3,64})"
        ),
    ),
    ("ipv4", re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")),
    (
        "domain",
        re.compile(r"(?<![\w@.-])(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_][\w-]{0,62}(?![\w-]|\.\w)"),
    ),
]


def _scoped(pattern: re.Pattern[str]) -> str:
    return f"(?i:{pattern.pattern})" if pattern.flags & re.IGNORECASE else pattern.pattern


# All the patterns in one pass, in priority order: at each position the first alternative that matches wins,
# and the text it covers is not searched again (a URL's host is not also a domain).
MASTER = re.compile("|".join(f"(?P<{kind}>{_scoped(pattern)})" for kind, pattern in PATTERNS))
KINDS = [kind for kind, _pattern in PATTERNS]

VERSION_BEFORE = re.compile(r"(?:\bv|\bversion|\bver\.?|\bbuild|\brelease|\bfirmware|\bupdate)\s*$", re.I)
FILE_EXTENSIONS = frozenset(
    "exe dll sys pdf doc docx docm xls xlsx xlsm ppt pptx zip rar 7z gz tar js vbs ps1 bat cmd py sh jar apk iso "
    "img txt log csv json xml html htm php asp aspx jsp jpg jpeg png gif bmp lnk hta scr msi dat bin tmp cfg ini "
    "md rs go c cpp h pl rb one eml msg".split()
)
TRAILING = ".,;:!?)]}'\">"


def _clean_url(text: str) -> str:
    while text and text[-1] in TRAILING:
        if text[-1] == ")" and text.count("(") >= text.count(")"):
            break
        text = text[:-1]
    return text


def _accept_domain(candidate: str, text: str, start: int) -> str | None:
    labels = candidate.lower().split(".")
    if len(labels) == 2 and labels[-1] in FILE_EXTENSIONS:
        return None  # a file name such as setup.exe or invoice.pdf
    try:
        return domain(candidate, known_suffix=True)
    except InvalidValue:
        return None


def _accept_ipv4(candidate: str, text: str, start: int) -> str | None:
    if VERSION_BEFORE.search(text[max(0, start - 12) : start]):
        return None  # "version 10.2.3.4" is a version string
    return canonical("ipv4", candidate)


Acceptor = Callable[[str, str, int], "str | None"]
SPECIAL: dict[str, Acceptor] = {"domain": _accept_domain, "ipv4": _accept_ipv4}


def _candidate(kind: str, match: re.Match[str], group: str | int) -> tuple[int, int, str]:
    """The span and text of a match (``group``: the kind's group in MASTER, 0 for one pattern alone), narrowed
    to the part that is the observable."""
    if kind == "imei":
        return match.start("imei_digits"), match.end("imei_digits"), match.group("imei_digits")
    if kind == "handle":
        user = match.group("handle_user").rstrip(".-")
        start = match.start("handle_user")
        return start, start + len(user), f"{match.group('handle_platform')}:{user}"
    start, value = match.start(group), match.group(group)
    if kind == "url":
        value = _clean_url(value)
    return start, start + len(value), value


PHONE_WINDOW = re.compile(r"(?<![\w+])\+?\(?\d[\d \t().-]{5,22}\d(?!\w)")


# Runs of plain prose: words of letters only (at most 24: no wallet is that short), each after a space,
# with sentence punctuation, none of the words that introduce a handle or an IMEI, none in capitals only (an
# IBAN's bank code: GB82 WEST 1234...). No observable starts or
# ends inside such a run, so the many-alternative search skips them (most of a report is prose).
PLAIN_RUN = re.compile(
    r"(?<!\S)(?:[\"'(]*(?!(?i:telegram|whatsapp|signal|instagram|twitter|facebook|tiktok|discord|skype|wechat"
    r"|viber|imei|handle|account|user|username|id|profile)\b)(?![A-Z]+\b)[^\W\d_]{1,24}[.,;:!?)\"']*\s+)+"
)


def _regions(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` between plain-prose runs: where observables can be."""
    regions: list[tuple[int, int]] = []
    start = 0
    for run in PLAIN_RUN.finditer(text):
        if run.start() > start:
            regions.append((start, run.start()))
        start = run.end()
    if start < len(text):
        regions.append((start, len(text)))
    return regions


Judge = Callable[[str, str, str, int], "str | None"]
Keep = Callable[[str, str, int, int], None]


def _scan(text: str, position: int, end_of_region: int, judge: Judge, keep: Keep) -> None:
    """All the patterns in priority order over one region (the search stops at its end: a region ends where
    prose begins, after a space, so no pattern sees less than it would in the whole text)."""
    while True:
        match = MASTER.search(text, position, end_of_region)
        if match is None:
            break
        kind = next(name for name in KINDS if match.group(name) is not None)
        start, end, candidate = _candidate(kind, match, kind)
        value = judge(kind, candidate, text, start)
        if value:
            keep(kind, value, start, end)
            position = max(end, match.start() + 1)
            continue
        # Refused (a bad checksum, a version string...): the lower-priority patterns may still find
        # something where it stood, as when each pattern ran over the text in turn.
        later = KINDS.index(kind) + 1
        position = match.start() + 1
        for name, pattern in PATTERNS[later:]:
            retry = pattern.match(text, match.start(), end_of_region)
            if retry is None:
                continue
            start, end, candidate = _candidate(name, retry, 0)
            value = judge(name, candidate, text, start)
            if value:
                keep(name, value, start, end)
                position = max(end, position)
                break


def extract(text: str, country: str | None = None) -> dict[str, list[str]]:
    """Canonical observables found in ``text``, by type, each once, in order of first appearance."""
    text = refang(text)
    found: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    decided: dict[tuple[str, str], str | None] = {}  # a candidate string is judged once per text
    masked = list(text)

    def keep(kind: str, value: str, start: int, end: int) -> None:
        if (kind, value) not in seen:
            seen.add((kind, value))
            found.setdefault(kind, []).append(value)
        masked[start:end] = " " * (end - start)

    def judge(kind: str, candidate: str, current: str, start: int) -> str | None:
        if kind == "ipv4" and VERSION_BEFORE.search(current[max(0, start - 12) : start]):
            return None  # "version 10.2.3.4" is a version string
        key = (kind, candidate)
        if key not in decided:
            accept = SPECIAL.get(kind)
            try:
                decided[key] = (
                    accept(candidate, current, start)
                    if accept and kind != "ipv4"
                    else canonical(kind, candidate, country=country)
                )
            except InvalidValue:
                decided[key] = None
        return decided[key]

    for region_start, region_end in _regions(text):
        _scan(text, region_start, region_end, judge, keep)
    # Telephone numbers: libphonenumber's matcher, run only on the digit runs that could be numbers.
    current = "".join(masked)
    region = country or "ZZ"
    numbers: dict[str, list[tuple[int, int, str]]] = {}  # each digit run is parsed once per text
    for window in PHONE_WINDOW.finditer(current):
        digits = window.group()
        if digits not in numbers:
            matcher = phonenumbers.PhoneNumberMatcher(digits, region, leniency=phonenumbers.Leniency.VALID)
            numbers[digits] = [
                (m.start, m.end, phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164))
                for m in matcher
            ]
        for start, end, value in numbers[digits]:
            keep("phone", value, window.start() + start, window.start() + end)
    return found


class _TextOfHtml(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("href", "src") and value and "://" in value:
                self.parts.append(f" {value} ")
        if tag in ("br", "p", "div", "li", "tr", "td", "h1", "h2", "h3"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def text_of(name: str, content: bytes) -> str:
    """Plain text of an uploaded file: .pdf (text layer), .html/.htm, anything else as UTF-8 text."""
    lowered = name.lower()
    if lowered.endswith(".pdf") or content.startswith(b"%PDF"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
        except (PdfReadError, ValueError) as exc:
            raise InvalidValue(f"the PDF could not be read ({exc})") from None
    decoded = content.decode("utf-8", errors="replace")
    if lowered.endswith((".html", ".htm")) or decoded.lstrip()[:15].lower().startswith(
        ("<!doctype html", "<html")
    ):
        parser = _TextOfHtml()
        parser.feed(decoded)
        return "".join(parser.parts)
    return decoded
