"""Each observable type: valid inputs and their one canonical form, invalid inputs and why."""

from __future__ import annotations

import pytest

from lockstep.intel.canonical import InvalidValue, all_types, canonical, refang, value_key

VALID = [
    ("ipv4", "192.0.2.1", "192.0.2.1"),
    ("ipv4", "198.51.100[.]7", "198.51.100.7"),
    ("ipv6", "2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
    ("ipv6", "[2001:db8::a]", "2001:db8::a"),
    ("cidr", "192.0.2.77/24", "192.0.2.0/24"),
    ("cidr", "2001:DB8::/32", "2001:db8::/32"),
    ("domain", "Example.COM.", "example.com"),
    ("domain", "evil[.]example(.)org", "evil.example.org"),
    ("domain", "bücher.de", "xn--bcher-kva.de"),
    ("domain", "xn--bcher-kva.de", "xn--bcher-kva.de"),
    ("domain", "abcdefghij.onion", "abcdefghij.onion"),
    ("url", "hxxps://Example[.]COM:443/a/./b/../c%7e?q=%41#frag", "https://example.com/a/c~?q=A"),
    ("url", "http://example.com", "http://example.com/"),
    ("url", "HTTP://EXAMPLE.com:8080/Path", "http://example.com:8080/Path"),
    ("url", "http://[2001:DB8::1]/x y", "http://[2001:db8::1]/x%20y"),
    ("url", "https://bücher.de/straße", "https://xn--bcher-kva.de/stra%C3%9Fe"),
    ("url", "hxxp[:]//paypal.com@198.51.100.7/login", "http://paypal.com@198.51.100.7/login"),
    ("url", "https://example.com/%2f%2F", "https://example.com/%2F%2F"),
    ("email", "John.Doe[@]Example[.]org", "john.doe@example.org"),
    ("email", "a+tag@Bücher.de", "a+tag@xn--bcher-kva.de"),
    ("btc", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
    ("btc", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
    ("btc", "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    (
        "btc",
        "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
        "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
    ),
    ("eth", "0x52908400098527886E0F7030069857D2E4169EE7", "0x52908400098527886e0f7030069857d2e4169ee7"),
    ("eth", "0xDE709F2102306220921060314715629080E2FB77", "0xde709f2102306220921060314715629080e2fb77"),
    ("eth", "0x27b1fdb04752bbc536007a920d24acb045561c26", "0x27b1fdb04752bbc536007a920d24acb045561c26"),
    ("trx", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"),
    (
        "xmr",
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A",
    ),
    ("ltc", "LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz", "LaMT348PWRnrqeeWArpwQPbuanpXDZGEUz"),
    ("doge", "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L", "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L"),
    (
        "bch",
        "QPM2QSZNHKS23Z7629MMS6S4CWEF74VCWVY22GDX6A",
        "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a",
    ),
    ("sol", "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV", "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV"),
    ("xrp", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"),
    (
        "ton",
        "EQD2NmD_lH5f5u1Kj3KfGyTvhZSX0Eg6qp2a5IQUKXxOG21n",
        "EQD2NmD_lH5f5u1Kj3KfGyTvhZSX0Eg6qp2a5IQUKXxOG21n",
    ),
    ("iban", "gb82 west 1234 5698 7654 32", "GB82WEST12345698765432"),
    ("iban", "DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
    ("bank_account", "ke/01/0123-456789", "KE:01:0123456789"),
    ("md5", "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e"),
    ("sha1", "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
    (
        "sha256",
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
    ("ssdeep", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"),
    ("cve", "cve-2024-3094", "CVE-2024-3094"),
    ("asn", "as 13335", "AS13335"),
    ("asn", "64496", "AS64496"),
    ("handle", "Telegram:@Scam_Boss", "telegram:scam_boss"),
    ("handle", "twitter:@Fraudster", "x:fraudster"),
    ("handle", "whatsapp:+254 712 345 678", "whatsapp:+254712345678"),
    ("imei", "49-015420-323751-8", "490154203237518"),
]


@pytest.mark.parametrize(("kind", "raw", "expected"), VALID)
def test_canonical_form(kind: str, raw: str, expected: str) -> None:
    assert canonical(kind, raw, country="KE") == expected
    assert canonical(kind, expected, country="KE") == expected  # canonical forms are fixed points


INVALID = [
    ("ipv4", "256.1.1.1", "IPv4"),
    ("ipv4", "010.1.1.1", "leading zeros"),
    ("ipv4", "1.2.3", "IPv4"),
    ("ipv6", "2001:db8::g", "IPv6"),
    ("cidr", "192.0.2.0", "/prefix"),
    ("cidr", "192.0.2.0/33", "network"),
    ("domain", "localhost", "two labels"),
    ("domain", "exa mple.com", "spaces"),
    ("domain", "-bad.example.com", "hyphen"),
    ("domain", "example.123", "top-level"),
    ("url", "example.com/path", "scheme"),
    ("url", "http://exa mple.com/", "host"),
    ("url", "http://example.com:99999/", "port"),
    ("email", "no-at-sign.example.com", "local-part@domain"),
    ("email", "a..b@example.com", "before @"),
    ("btc", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", "checksum"),
    ("btc", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx", "segwit"),
    ("btc", "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "testnet"),
    ("btc", "bc1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", "segwit"),  # mixed case
    ("eth", "0x52908400098527886E0F7030069857D2E4169Ee7", "EIP-55"),
    ("eth", "0x1234", "40 hexadecimal"),
    ("trx", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU8", "checksum"),
    (
        "xmr",
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3B",
        "checksum",
    ),
    ("ltc", "LaMT348PWRnrqeeWArpwQPbuanpXDZGEUy", "checksum"),
    ("doge", "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7M", "checksum"),
    ("xrp", "bHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "XRP"),
    ("xrp", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTi", "checksum"),
    ("ton", "EQD2NmD_lH5f5u1Kj3KfGyTvhZSX0Eg6qp2a5IQUKXxOG21m", "checksum"),
    ("bch", "qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6c", "CashAddr checksum"),
    ("sol", "1111111111111111111111111111111111", "32-byte"),
    ("bank_account", "XX:01:0123456789", "ISO 3166-1"),
    ("ssdeep", "4:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C", "block size"),
    ("iban", "GB82 WEST 1234 5698 7654 33", "IBAN"),
    ("iban", "XX82WEST12345698765432", "IBAN"),
    ("bank_account", "0123456789", "country:bank code"),
    ("md5", "d41d8cd98f00b204e9800998ecf8427", "32 hexadecimal"),
    ("sha256", "zz" * 32, "64 hexadecimal"),
    ("ssdeep", "not:an ssdeep", "blocksize"),
    ("cve", "CVE-24-1", "CVE-YYYY"),
    ("asn", "AS0", "autonomous"),
    ("handle", "myspace:someone", "platform"),
    ("handle", "telegram:@a", "2-64"),
    ("imei", "490154203237519", "Luhn"),
    ("imei", "4901542032375", "15 digits"),
    ("nope", "x", "unknown type"),
    ("domain", "   ", "empty"),
]


@pytest.mark.parametrize(("kind", "raw", "reason"), INVALID)
def test_invalid_values_say_why(kind: str, raw: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason):
        canonical(kind, raw, country="KE")


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("+254 712 345 678", None, "+254712345678"),
        ("0712 345678", "KE", "+254712345678"),
        ("(020) 7946 0018", "GB", "+442079460018"),
        ("+33 1 42 68 53 00", "KE", "+33142685300"),
    ],
)
def test_phones_become_e164(raw: str, country: str | None, expected: str) -> None:
    assert canonical("phone", raw, country=country) == expected


def test_a_national_number_needs_the_agency_country() -> None:
    with pytest.raises(InvalidValue, match="country code"):
        canonical("phone", "0712 345678")
    with pytest.raises(InvalidValue, match="not a valid number"):
        canonical("phone", "+254 12")


@pytest.mark.parametrize(
    ("defanged", "fanged"),
    [
        ("hxxp://evil[.]com", "http://evil.com"),
        ("hXXps[:]//evil(.)com[/]x", "https://evil.com/x"),
        ("fxp://files{.}example[dot]net", "ftp://files.example.net"),
        ("user[@]example[.]com", "user@example.com"),
        ("user(at)example(dot)com", "user@example.com"),
        ("evil\\.example\\.com", "evil.example.com"),
        ("192.0.2[.]1", "192.0.2.1"),
        ("example dot com", "example.com"),
        ("example [dot] com", "example.com"),
        ("login (.) bank [.] example", "login.bank.example"),
        ("john.doe [at] example [dot] org", "john.doe@example.org"),
        ("h__ps[://]evil.example/a", "https://evil.example/a"),
        ("hxxps://evil[.example[.]com", "https://evil.example.com"),
        ("evil.]example.com", "evil.example.com"),
        ("hxxp:[//]evil.example", "http://evil.example"),
        ("hxxp(:)//evil.example", "http://evil.example"),
    ],
)
def test_refang(defanged: str, fanged: str) -> None:
    assert refang(defanged) == fanged


def test_value_keys_depend_on_type_and_value() -> None:
    assert value_key("domain", "example.com") == value_key("domain", "example.com")
    assert value_key("domain", "example.com") != value_key("email", "example.com")
    assert -(2**63) <= value_key("md5", "x") < 2**63


def test_every_type_has_a_canonical_rule() -> None:
    covered = {kind for kind, _raw, _expected in VALID} | {"phone"}
    assert set(all_types()) == covered
