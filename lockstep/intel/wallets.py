"""Cryptocurrency addresses: checksummed canonical forms for btc, eth, trx and xmr; other chains from data."""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import base58
from Crypto.Hash import keccak

from lockstep.lib.bech32 import CHARSET as BECH32_CHARSET
from lockstep.lib.bech32 import decode_segwit

CHAINS_FILE = Path(__file__).resolve().parent / "data" / "chains.json"
BASE58 = re.compile(r"^[1-9A-HJ-NP-Za-km-z]+$")


class WalletError(ValueError):
    pass


def _keccak256(data: bytes) -> bytes:
    return keccak.new(digest_bits=256, data=data).digest()


def _base58check(value: str) -> bytes:
    if not BASE58.match(value):
        raise WalletError("contains characters that are not base58")
    try:
        return base58.b58decode_check(value)
    except ValueError:
        raise WalletError("the base58 checksum does not match") from None


def btc(value: str) -> str:
    if value[:3].lower() in ("bc1", "tb1"):
        if value[:3].lower() == "tb1":
            raise WalletError("testnet addresses are not accepted")
        if decode_segwit("bc", value) is None:
            raise WalletError("not a valid bech32/bech32m segwit address (checksum or length)")
        return value.lower()
    if not 25 <= len(value) <= 35 or value[0] not in "13":
        raise WalletError("a bitcoin address starts with 1, 3 or bc1")
    payload = _base58check(value)
    if len(payload) != 21 or payload[0] not in (0x00, 0x05):
        raise WalletError("not a mainnet P2PKH/P2SH address")
    return value


def eth(value: str) -> str:
    if not re.fullmatch(r"0[xX][0-9a-fA-F]{40}", value):
        raise WalletError("an ethereum address is 0x followed by 40 hexadecimal digits")
    digits = value[2:]
    if digits != digits.lower() and digits != digits.upper():
        expected = _keccak256(digits.lower().encode()).hex()
        for char, nibble in zip(digits, expected, strict=True):
            if char.isalpha() and (char.isupper() != (int(nibble, 16) >= 8)):
                raise WalletError("the EIP-55 mixed-case checksum does not match")
    return "0x" + digits.lower()


def trx(value: str) -> str:
    if len(value) != 34 or not value.startswith("T"):
        raise WalletError("a TRON address is 34 characters starting with T")
    payload = _base58check(value)
    if len(payload) != 21 or payload[0] != 0x41:
        raise WalletError("not a TRON mainnet address")
    return value


# Monero's base58 encodes 8-byte blocks as 11 characters (the last block shorter).
_XMR_BLOCK = {0: 0, 2: 1, 3: 2, 5: 3, 6: 4, 7: 5, 9: 6, 10: 7, 11: 8}
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _xmr_decode(value: str) -> bytes:
    out = bytearray()
    for start in range(0, len(value), 11):
        block = value[start : start + 11]
        size = _XMR_BLOCK.get(len(block))
        if size is None:
            raise WalletError("not a Monero base58 string")
        number = 0
        for char in block:
            number = number * 58 + _ALPHABET.index(char)
        if number >> (8 * size):
            raise WalletError("not a Monero base58 string")
        out += number.to_bytes(size, "big")
    return bytes(out)


def xmr(value: str) -> str:
    if len(value) not in (95, 106) or value[0] not in "48" or not BASE58.match(value):
        raise WalletError(
            "a Monero address is 95 (or 106, integrated) base58 characters starting with 4 or 8"
        )
    raw = _xmr_decode(value)
    if _keccak256(raw[:-4])[:4] != raw[-4:]:
        raise WalletError("the Monero checksum does not match")
    return value


def _cashaddr_polymod(values: list[int]) -> int:
    generators = (0x98F2BC8E61, 0x79B76D99E2, 0xF33E5FB3C4, 0xAE2EABE2A8, 0x1E4F43E470)
    checksum = 1
    for value in values:
        top = checksum >> 35
        checksum = ((checksum & 0x07FFFFFFFF) << 5) ^ value
        for bit, generator in enumerate(generators):
            if (top >> bit) & 1:
                checksum ^= generator
    return checksum ^ 1


def _cashaddr(value: str, prefix: str) -> None:
    """CashAddr: the BCH polymod over the prefix (low 5 bits) and the base32 payload must be zero."""
    payload = value.lower().rpartition(":")[2]
    data = [BECH32_CHARSET.index(char) for char in payload]
    if _cashaddr_polymod([ord(char) & 0x1F for char in prefix] + [0] + data):
        raise WalletError("the CashAddr checksum does not match")


def _crc16_xmodem(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _ton(value: str) -> None:
    """A user-friendly TON address: base64url of tag, workchain, 32-byte account id and a CRC16 (XMODEM)."""
    try:
        raw = base64.urlsafe_b64decode(value)
    except ValueError:
        raise WalletError("not base64url") from None
    if len(raw) != 36 or raw[0] not in (0x11, 0x51):
        raise WalletError("not a TON mainnet address")
    if _crc16_xmodem(raw[:34]) != int.from_bytes(raw[34:], "big"):
        raise WalletError("the TON checksum does not match")


def _ripple(value: str) -> None:
    try:
        payload = base58.b58decode_check(value, alphabet=base58.RIPPLE_ALPHABET)
    except ValueError:
        raise WalletError("the base58 checksum does not match") from None
    if len(payload) != 21 or payload[0] != 0:
        raise WalletError("not an XRP Ledger account address")


def _ed25519_key(value: str) -> None:
    if len(base58.b58decode(value)) != 32:
        raise WalletError("not a 32-byte public key")


CHECKS = {"ripple": _ripple, "ton": _ton, "ed25519_key": _ed25519_key}


@cache
def chains() -> dict[str, dict[str, Any]]:
    data = json.loads(CHAINS_FILE.read_text(encoding="utf-8"))
    return {name: spec for name, spec in data.items() if not name.startswith("_")}


def shape_fits(spec: dict[str, Any], value: str) -> bool:
    return re.fullmatch(spec["pattern"], value if spec["case_sensitive"] else value.lower()) is not None


def other_chain(chain: str, value: str) -> str:
    spec = chains()[chain]
    if not shape_fits(spec, value):
        raise WalletError(f"not a {spec['name']} address")
    if spec.get("bech32_hrp") and value.lower().startswith(spec["bech32_hrp"] + "1"):
        if decode_segwit(spec["bech32_hrp"], value) is None:
            raise WalletError(f"not a valid {spec['name']} bech32 address")
        return value.lower()
    if spec.get("check") == "cashaddr":
        _cashaddr(value, spec["prefix"].rstrip(":"))
    elif spec.get("check"):
        CHECKS[spec["check"]](value)
    versions = spec.get("base58_versions")
    if versions:
        payload = _base58check(value)
        if payload[0] not in versions:
            raise WalletError(f"not a {spec['name']} mainnet address")
    if not spec["case_sensitive"]:
        value = value.lower()
        prefix = spec.get("prefix", "")
        if prefix and not value.startswith(prefix):
            value = prefix + value
    return value
