"""Observable types: refanging, validation and the one canonical form of each value, and its matching key.

Pure functions. ``canonical(type, raw, country=...)`` returns the canonical text or raises ``InvalidValue``
saying why; ``value_key(type, value)`` is the fixed-size key matching runs on.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import string
from collections.abc import Callable
from functools import cache

import idna
import phonenumbers
import pycountry
import tldextract
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from lockstep.intel import wallets

BASE_TYPES = [
    "ipv4",
    "ipv6",
    "cidr",
    "domain",
    "url",
    "email",
    "phone",
    "btc",
    "eth",
    "trx",
    "xmr",
    "iban",
    "bank_account",
    "md5",
    "sha1",
    "sha256",
    "ssdeep",
    "cve",
    "asn",
    "handle",
    "imei",
]


class InvalidValue(ValueError):
    """A value that is not a valid observable of its type; the message says why."""


def all_types() -> list[str]:
    return BASE_TYPES + sorted(wallets.chains())


# --- refanging ------------------------------------------------------------------------------------------

_REFANG = [
    (re.compile(r"\bh(?:xx|\*\*|XX|__)p(s?)(?=\s*(?:\[:\]|\(:\)|:|\[://\]))", re.I), r"http\1"),
    (re.compile(r"\bfxp(s?)(?=\s*(?:\[:\]|:))", re.I), r"ftp\1"),
    (re.compile(r"\[\s*://\s*\]|\[:\]//|:\[//\]"), "://"),
    (re.compile(r"\[\s*:\s*\]|\(\s*:\s*\)"), ":"),
    (re.compile(r"\[\s*/\s*\]"), "/"),
    # a bracketed dot or "dot", and the spaces a writer put around it: "example [dot] com", "evil (.) org"
    (
        re.compile(
            r"\s*(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\}|<\s*(?:\.|dot)\s*>)\s*",
            re.I,
        ),
        ".",
    ),
    (re.compile(r"(?<=\w)(?:\[\.|\.\])(?=\w)"), "."),  # a half bracket: "evil[.com", "evil.]com"
    (re.compile(r"\\\."), "."),
    (re.compile(r"\s*(?:\[\s*(?:@|at)\s*\]|\(\s*(?:@|at)\s*\)|\{\s*(?:@|at)\s*\})\s*", re.I), "@"),
    (re.compile(r"(?<=\w)\s+\[?dot\]?\s+(?=\w)", re.I), "."),  # "example dot com"
]
_DEFANGED = re.compile(r"[\[\](){}<>\\]|xx|\*\*|__p|fxp|dot", re.I)


def refang(text: str) -> str:
    """Undo the usual defanging: hxxp, [.], (.), {.}, [dot], [@], [at], [:], [://], [/], \\. ..."""
    if not _DEFANGED.search(text):
        return text  # nothing defanged (most values): skip the substitutions
    for pattern, replacement in _REFANG:
        text = pattern.sub(replacement, text)
    return text


# --- network --------------------------------------------------------------------------------------------


_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_CANONICAL_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")


def ipv4(value: str) -> str:
    if _CANONICAL_IPV4.fullmatch(value):
        return value  # already canonical (the usual case): no need to parse
    if any(len(part) > 1 and part.startswith("0") for part in value.split(".")):
        raise InvalidValue("leading zeros in an IPv4 address are ambiguous (octal)")
    try:
        return str(ipaddress.IPv4Address(value))
    except ValueError:
        raise InvalidValue("not an IPv4 address (four numbers 0-255 separated by dots)") from None


def ipv6(value: str) -> str:
    try:
        return ipaddress.IPv6Address(value.strip("[]")).compressed
    except ValueError:
        raise InvalidValue("not an IPv6 address") from None


def cidr(value: str) -> str:
    if "/" not in value:
        raise InvalidValue("a network is an address followed by /prefix, e.g. 192.0.2.0/24")
    try:
        return ipaddress.ip_network(value, strict=False).compressed
    except ValueError:
        raise InvalidValue("not an IPv4 or IPv6 network") from None


@cache
def _suffixes() -> tldextract.TLDExtract:
    # Offline: the bundled public suffix list snapshot (the default fetches it from the network, no timeout).
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PLAIN_ASCII = re.compile(r"^[a-z0-9.-]+$")


def domain(value: str, *, known_suffix: bool = False) -> str:
    """IDNA A-labels, lower case, no trailing dot. ``known_suffix`` also requires a public suffix."""
    name = value.strip().rstrip(".").lower()
    if not name or " " in name:
        raise InvalidValue("empty or contains spaces")
    if not _PLAIN_ASCII.match(name) or "xn--" in name:
        # Non-ASCII or punycode: full IDNA 2008 with UTS #46 mapping (plain ASCII names are their own A-labels).
        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise InvalidValue(f"not a valid internationalised domain name ({exc})") from None
    labels = name.split(".")
    if len(labels) < 2 or len(name) > 253:
        raise InvalidValue("a domain has at least two labels and at most 253 characters")
    if not all(_LABEL.match(label) for label in labels):
        raise InvalidValue("labels are letters, digits and inner hyphens, at most 63 characters")
    if not (labels[-1].isalpha() or labels[-1].startswith("xn--")):
        raise InvalidValue("the top-level domain is not alphabetic")
    if known_suffix and labels[-1] != "onion" and not _suffixes()(name).suffix:
        raise InvalidValue("the top-level domain is not in the public suffix list")
    return name


def _host(value: str) -> str:
    if value.startswith("["):
        return "[" + ipv6(value) + "]"
    try:
        return ipv4(value)
    except InvalidValue:
        return domain(value)


_UNRESERVED = set(string.ascii_letters + string.digits + "-._~")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")


def _normalise_component(text: str, safe: str) -> str:
    """Percent-encoding normalised: unreserved characters decoded, escapes upper-case, the rest encoded."""
    text = _PERCENT.sub(
        lambda m: (
            chr(int(m.group(1), 16)) if chr(int(m.group(1), 16)) in _UNRESERVED else "%" + m.group(1).upper()
        ),
        text,
    )
    out = []
    for char in text:
        if char in _UNRESERVED or char in safe or char == "%":
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    output: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(output) > 1:
                output.pop()
        elif segment != ".":
            output.append(segment)
    result = "/".join(output)
    if path.endswith(("/.", "/..")):
        result += "/"
    return result if result.startswith("/") else "/" + result


_URL = re.compile(
    r"^(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://(?:(?P<userinfo>[^@/?#]*)@)?"
    r"(?P<host>\[[^\]]+\]|[^:/?#]+)(?::(?P<port>\d*))?(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?"
)
DEFAULT_PORTS = {"http": "80", "https": "443", "ftp": "21"}


def url(value: str) -> str:
    match = _URL.match(value.strip())
    if not match:
        raise InvalidValue("a URL needs a scheme and a host, e.g. https://example.com/path")
    scheme = match["scheme"].lower()
    try:
        host = _host(match["host"])
    except InvalidValue as exc:
        raise InvalidValue(f"the host is not valid: {exc}") from None
    port = match["port"] or ""
    if port and (not port.isdigit() or not 0 < int(port) < 65536):
        raise InvalidValue("the port is not a number between 1 and 65535")
    port = "" if port == DEFAULT_PORTS.get(scheme) else port
    userinfo = _normalise_component(match["userinfo"], "!$&'()*+,;=:") + "@" if match["userinfo"] else ""
    path = _remove_dot_segments(_normalise_component(match["path"] or "/", "/!$&'()*+,;=:@"))
    query = match["query"]
    query_part = "?" + _normalise_component(query, "/?!$&'()*+,;=:@") if query else ""
    return f"{scheme}://{userinfo}{host}{':' + port if port else ''}{path}{query_part}"


_LOCAL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")


def email(value: str) -> str:
    local, _, host = value.strip().rpartition("@")
    if not local or not host:
        raise InvalidValue("an e-mail address is local-part@domain")
    local = local.lower()
    if not _LOCAL.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise InvalidValue("the part before @ is not valid")
    return f"{local}@{domain(host)}"


def phone(value: str, country: str | None = None) -> str:
    text = value.strip()
    if not text.startswith("+") and not country:
        raise InvalidValue("a number without a country code (+...) needs the submitting agency's country")
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else country)
    except phonenumbers.NumberParseException as exc:
        raise InvalidValue(f"not a telephone number ({exc})") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidValue("not a valid number for its country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- finance, hashes, identifiers ---------------------------------------------------------------------


def iban(value: str) -> str:
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise InvalidValue(f"not a valid IBAN ({exc})") from None


def bank_account(value: str) -> str:
    parts = [part for part in re.split(r"[:/|]", value.strip()) if part.strip()]
    if len(parts) != 3:
        raise InvalidValue("give country:bank code:account number, e.g. KE:01:0123456789")
    country, bank, number = (re.sub(r"[\s.-]", "", part).upper() for part in parts)
    if not re.fullmatch(r"[A-Z]{2}", country) or pycountry.countries.get(alpha_2=country) is None:
        raise InvalidValue("the country is a two-letter ISO 3166-1 code")
    if not re.fullmatch(r"[A-Z0-9]{1,20}", bank) or not re.fullmatch(r"[A-Z0-9]{4,34}", number):
        raise InvalidValue("the bank code (1-20) and account number (4-34) are letters and digits")
    return f"{country}:{bank}:{number}"


def _hex(length: int, name: str) -> Callable[[str], str]:
    pattern = re.compile(rf"[0-9a-fA-F]{{{length}}}")

    def check(value: str) -> str:
        if not pattern.fullmatch(value.strip()):
            raise InvalidValue(f"{name} is {length} hexadecimal digits")
        return value.strip().lower()

    return check


_SSDEEP = re.compile(r"^\d{1,10}:[A-Za-z0-9/+]{1,64}:[A-Za-z0-9/+]{1,64}(?:,\"[^\"]*\")?$")


def ssdeep(value: str) -> str:
    if not _SSDEEP.match(value.strip()):
        raise InvalidValue("an ssdeep hash is blocksize:hash:hash")
    block = int(value.split(":", 1)[0])
    if block < 3 or block % 3 or (block // 3) & (block // 3 - 1):
        raise InvalidValue("the block size of an ssdeep hash is 3 x 2^n (3, 6, 12, 24, ...)")
    return value.strip().split(",")[0]


def cve(value: str) -> str:
    match = re.fullmatch(r"cve[-_ ]?(\d{4})[-_ ](\d{4,7})", value.strip(), re.I)
    if not match:
        raise InvalidValue("a CVE identifier is CVE-YYYY-NNNN")
    return f"CVE-{match[1]}-{match[2]}"


def asn(value: str) -> str:
    match = re.fullmatch(r"(?:as\s*)?(\d{1,10})", value.strip(), re.I)
    if not match or not 0 < int(match[1]) < 2**32:
        raise InvalidValue("an autonomous system number is AS followed by 1-4294967295")
    return f"AS{int(match[1])}"


PLATFORMS = {
    "telegram": "telegram",
    "tg": "telegram",
    "whatsapp": "whatsapp",
    "wa": "whatsapp",
    "x": "x",
    "twitter": "x",
    "facebook": "facebook",
    "fb": "facebook",
    "instagram": "instagram",
    "ig": "instagram",
    "tiktok": "tiktok",
    "signal": "signal",
    "discord": "discord",
    "skype": "skype",
    "snapchat": "snapchat",
    "wechat": "wechat",
    "vk": "vk",
    "line": "line",
    "viber": "viber",
    "linkedin": "linkedin",
}
_PHONE_PLATFORMS = {"whatsapp", "signal", "viber"}
_USER = re.compile(r"^[a-z0-9._-]{2,64}$")


def handle(value: str, country: str | None = None) -> str:
    platform, separator, user = value.strip().partition(":")
    if not separator or platform.strip().lower() not in PLATFORMS:
        raise InvalidValue(
            f"give platform:user name, platform one of {', '.join(sorted(set(PLATFORMS.values())))}"
        )
    platform = PLATFORMS[platform.strip().lower()]
    user = user.strip().lstrip("@").lower()
    if platform in _PHONE_PLATFORMS and re.fullmatch(r"[+\d][\d\s().-]{5,}", user):
        return f"{platform}:{phone(user, country)}"
    if not _USER.match(user):
        raise InvalidValue("the user name is 2-64 letters, digits, dots, hyphens or underscores")
    return f"{platform}:{user}"


def imei(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"\d{15}", digits):
        raise InvalidValue("an IMEI is 15 digits")
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char) * (2 if index % 2 else 1)
        total += number - 9 if number > 9 else number
    if total % 10:
        raise InvalidValue("the IMEI check digit (Luhn) does not match")
    return digits


def _wallet(check: Callable[[str], str]) -> Callable[[str], str]:
    def run(value: str) -> str:
        try:
            return check(value.strip())
        except wallets.WalletError as exc:
            raise InvalidValue(str(exc)) from None

    return run


_SIMPLE: dict[str, Callable[[str], str]] = {
    "ipv4": ipv4,
    "ipv6": ipv6,
    "cidr": cidr,
    "domain": domain,
    "url": url,
    "email": email,
    "iban": iban,
    "bank_account": bank_account,
    "md5": _hex(32, "MD5"),
    "sha1": _hex(40, "SHA-1"),
    "sha256": _hex(64, "SHA-256"),
    "ssdeep": ssdeep,
    "cve": cve,
    "asn": asn,
    "imei": imei,
    "btc": _wallet(wallets.btc),
    "eth": _wallet(wallets.eth),
    "trx": _wallet(wallets.trx),
    "xmr": _wallet(wallets.xmr),
}


def canonical(kind: str, raw: str, *, country: str | None = None) -> str:
    """The canonical form of ``raw`` as an observable of type ``kind`` (refanged first)."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidValue("empty value")
    if len(raw) > 4096:
        raise InvalidValue("longer than 4096 characters")
    value = refang(raw.strip())
    if kind == "phone":
        return phone(value, country)
    if kind == "handle":
        return handle(value, country)
    if kind in _SIMPLE:
        return _SIMPLE[kind](value)
    if kind in wallets.chains():
        return _wallet(lambda text: wallets.other_chain(kind, text))(value)
    raise InvalidValue(f"unknown type {kind!r}; types are: {', '.join(all_types())}")


def value_key(kind: str, value: str) -> int:
    """A signed 64-bit key of (type, canonical value): what correlation joins and indexes on. Matching also
    compares the values themselves, so a key collision cannot create a false hit."""
    digest = hashlib.sha256(f"{kind}\x1f{value}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
