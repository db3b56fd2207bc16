"""Security settings: deploy checks clean in production, headers on every page, HTTPS hardening."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import Client


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LOCKSTEP_") and k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        LOCKSTEP_DATA_DIR=str(tmp_path),
        LOCKSTEP_HTTPS="true",
        LOCKSTEP_SECRET_KEY=secrets.token_urlsafe(50),
        LOCKSTEP_ALLOWED_HOSTS="lockstep.example",
        DJANGO_SETTINGS_MODULE="lockstep.settings",
    )
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lockstep.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_without_https(tmp_path: Path) -> None:
    env = {**_production_env(tmp_path), "LOCKSTEP_HTTPS": "false"}
    result = subprocess.run(
        [sys.executable, "-m", "lockstep.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # HSTS


def test_a_bad_setting_is_refused_at_start(tmp_path: Path) -> None:
    env = {**_production_env(tmp_path), "LOCKSTEP_IDLE_TIMEOUT_MINUTES": "soon"}
    result = subprocess.run(
        [sys.executable, "-m", "lockstep.cli", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "LOCKSTEP_IDLE_TIMEOUT_MINUTES must be a whole number" in result.stderr


def test_a_readable_node_key_fails_the_system_check(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    key = tmp_path / "node_key.pem"
    key.write_text("not really a key")
    key.chmod(0o644)
    result = subprocess.run(
        [sys.executable, "-m", "lockstep.cli", "check"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "lockstep.E002" in result.stderr
    for server in (["serve", "--port", "8979"], ["worker", "--once"]):  # neither starts on such a node
        refused = subprocess.run(
            [sys.executable, "-m", "lockstep.cli", *server],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert refused.returncode != 0 and "lockstep.E002" in refused.stderr, server


def test_pages_carry_the_security_headers(db: None, client: Client) -> None:
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_https_mode_sets_hsts_and_secure_cookies(world: Any, settings: Any) -> None:
    from conftest import verified_client

    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    client = verified_client(Client(), world.owner)
    assert client.get("/").status_code == 301  # to https
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.cookies["sessionid"]["secure"]
    assert response.cookies["sessionid"]["httponly"]


def test_the_password_hasher_is_argon2() -> None:
    from lockstep import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
