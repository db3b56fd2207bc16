"""Bech32 (BIP-173) and Bech32m (BIP-350) checksums for segwit addresses.

The `bech32` package on PyPI predates BIP-350 and cannot check Bech32m (taproot) addresses; this is the
reference algorithm from the BIPs.
"""

from __future__ import annotations

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_CONST = 1
BECH32M_CONST = 0x2BC830A3


def _polymod(values: list[int]) -> int:
    generators = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for index in range(5):
            checksum ^= generators[index] if ((top >> index) & 1) else 0
    return checksum


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convertbits(data: list[int], frombits: int, tobits: int) -> list[int] | None:
    acc, bits, out = 0, 0, []
    maxv = (1 << tobits) - 1
    for value in data:
        if value < 0 or value >> frombits:
            return None
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def decode_segwit(hrp: str, address: str) -> tuple[int, bytes] | None:
    """(witness version, program) of a valid segwit address for ``hrp``, else None."""
    if address.lower() != address and address.upper() != address:
        return None  # mixed case is invalid
    address = address.lower()
    position = address.rfind("1")
    if position < 1 or position + 7 > len(address) or len(address) > 90 or address[:position] != hrp:
        return None
    if any(c not in CHARSET for c in address[position + 1 :]):
        return None
    data = [CHARSET.find(c) for c in address[position + 1 :]]
    constant = _polymod(_hrp_expand(hrp) + data)
    if constant not in (BECH32_CONST, BECH32M_CONST):
        return None
    version, program = data[0], _convertbits(data[1:-6], 5, 8)
    if program is None or version > 16 or not 2 <= len(program) <= 40:
        return None
    if version == 0 and (len(program) not in (20, 32) or constant != BECH32_CONST):
        return None
    if version != 0 and constant != BECH32M_CONST:
        return None
    return version, bytes(program)
