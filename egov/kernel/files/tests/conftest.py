from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _storage(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Every test stores into its own directory (the storages registry is reset when STORAGES changes)."""
    location = tmp_path / "media"
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}},
    }
    return location
