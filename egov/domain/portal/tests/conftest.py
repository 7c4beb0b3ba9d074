from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _portal_settings(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.ALLOWED_HOSTS = ["*"]  # host-name routing is tested with the sites' own host names
    settings.VAR_DIR = Path(tmp_path_factory.getbasetemp()) / "var"  # jieba's cache out of the real var/
