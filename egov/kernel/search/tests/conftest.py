from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from egov.kernel.search import suggest


@pytest.fixture(autouse=True)
def _fresh_vocabulary() -> Iterator[None]:
    """The "did you mean" vocabulary is cached per process; each test starts from its own index."""
    suggest.forget()
    yield
    suggest.forget()


@pytest.fixture(autouse=True)
def _jieba_cache(settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep jieba's model cache out of the real var/ directory (it is built once per test session)."""
    settings.VAR_DIR = Path(tmp_path_factory.getbasetemp()) / "var"  # type: ignore[attr-defined]
