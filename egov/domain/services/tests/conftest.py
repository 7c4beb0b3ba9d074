from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import OutputWrapper

from egov.kernel.search import suggest


@pytest.fixture(autouse=True)
def _test_settings(settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Demo passwords at production strength would dominate the run time; keep jieba's cache out of var/.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    settings.VAR_DIR = Path(tmp_path_factory.getbasetemp()) / "var"  # type: ignore[attr-defined]
    suggest.forget()


@pytest.fixture
def seeded(db: None, django_capture_on_commit_callbacks: Any) -> None:
    """The org tree, the demo accounts and the demo catalogue, loaded as ``manage.py load_demo`` does."""
    from egov.domain.services.demo import load
    from egov.kernel.orgs.demo import accounts, tree

    out = OutputWrapper(StringIO())
    tree.load(out)
    accounts.load(out)
    with django_capture_on_commit_callbacks(execute=True):  # publishing indexes the items after commit
        load(out)


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploads go to this test's own directory."""
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}},
    }
    return location


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Record the calls into the results and agency apps (their own tests cover their side of the contract)."""
    from types import SimpleNamespace

    from egov.domain.services import integration

    recorded: list[tuple[str, dict[str, Any]]] = []

    def recorder(name: str) -> Any:
        def call(**kwargs: Any) -> Any:
            recorded.append((name, kwargs))
            return SimpleNamespace(**kwargs)

        return call

    monkeypatch.setattr(integration, "issue_notice", recorder("notice"))
    monkeypatch.setattr(integration, "issue_certificate", recorder("certificate"))
    monkeypatch.setattr(integration, "assign_agent", recorder("agent"))
    monkeypatch.setattr(
        integration, "case_documents", lambda case: {"notices": [], "certificates": [], "delivery": None}
    )
    return recorded
