from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]  # type: ignore[attr-defined]
