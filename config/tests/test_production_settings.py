"""Production settings: ``check --deploy`` is clean with the production variables set, and the platform
refuses to start in production without its secrets. Run in subprocesses: settings are read at start-up."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SECRETS = ("SECRET_KEY", "EGOV_DATA_KEY", "EGOV_INDEX_KEY")


def manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in SECRETS and not key.startswith("EGOV_")}
    # A production process has neither a settings override nor the test runner's async escape hatch.
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL"):
        clean.pop(name, None)
    clean.update(EGOV_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def production_env() -> dict[str, str]:
    return {
        "EGOV_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "EGOV_DATA_KEY": secrets.token_hex(16),
        "EGOV_INDEX_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "www.xam.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://www.xam.gov.cn",
        "SITE_BASE_URL": "https://www.xam.gov.cn",
    }


def test_check_deploy_is_clean_with_the_production_variables_set(tmp_path: Path) -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(), tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr.upper()


@pytest.mark.parametrize("missing", SECRETS)
def test_production_refuses_to_start_without_a_secret(tmp_path: Path, missing: str) -> None:
    env = production_env()
    del env[missing]

    result = manage("check", env=env, tmp_path=tmp_path)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {missing} must be set when EGOV_ENV=production" in result.stderr


def test_outside_production_the_demo_secrets_are_used(tmp_path: Path) -> None:
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY[:14])",
        env={"EGOV_ENV": "development"},
        tmp_path=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "demo-only-inse"
