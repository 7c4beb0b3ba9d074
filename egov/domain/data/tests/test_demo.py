from __future__ import annotations

import io

import pytest
from django.core.management.base import OutputWrapper

from egov.domain.data.models import CatalogEntry, CatalogEntryRevision, EntryStatus, OpenType, Resource
from egov.domain.data.selectors import portal_datasets
from egov.kernel.audit.models import AuditEntry
from egov.kernel.orgs.demo import discover_demo_steps

pytestmark = pytest.mark.django_db


def _run(names: set[str]) -> str:
    out = io.StringIO()
    for step in discover_demo_steps():
        if step.name in names:
            step.load(OutputWrapper(out))
    return out.getvalue()


def test_demo_step_seeds_the_catalogue_once() -> None:
    # given the org tree and accounts
    _run({"orgs", "accounts"})
    # when the data step runs twice
    first = _run({"data"})
    counts = (CatalogEntry.objects.count(), Resource.objects.count(), CatalogEntryRevision.objects.count())
    audit_count = AuditEntry.objects.count()
    second = _run({"data"})
    # then
    assert counts == (CatalogEntry.objects.count(), Resource.objects.count(), CatalogEntryRevision.objects.count())
    assert AuditEntry.objects.count() == audit_count
    assert counts[0] >= 40
    assert 24 <= CatalogEntry.objects.filter(status=EntryStatus.PUBLISHED, open_type=OpenType.OPEN).count() <= 28
    assert "新建信息资源目录 0 条" in second
    assert f"新建信息资源目录 {counts[0]} 条" in first
    assert portal_datasets().filter(title="乌兰浩特市公共厕所位置").exists()
    assert not portal_datasets().filter(title="兴安盟居民电子健康档案").exists()
    assert all(resource.row_count and resource.size for resource in Resource.objects.all())
