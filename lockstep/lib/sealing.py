"""Secrets Lockstep must use again (a partner source's API key or password), sealed at rest with Fernet under a
key derived from ``SECRET_KEY``: a copy of the database alone does not give them away."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"lockstep sealed secrets").derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode() if secret else ""


def unseal(token: str) -> str:
    """The secret, or ValueError when it was sealed under another ``SECRET_KEY`` (it must be entered again)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("sealed under another SECRET_KEY; enter the secret again") from None
