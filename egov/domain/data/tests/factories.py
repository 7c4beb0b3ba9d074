"""Catalogue test data, written through the services as a data administrator of the provider unit."""

from __future__ import annotations

from typing import Any

from egov.domain.data.models import CatalogEntry
from egov.domain.data.services import (
    DataItemSpec,
    catalog_entry_create,
    catalog_entry_publish,
    catalog_entry_submit,
    resource_add,
)
from egov.kernel.access.tests.factories import OrgUnitFactory, UserFactory, grant
from egov.kernel.accounts.models import User
from egov.kernel.orgs.models import OrgUnit

__all__ = ["OrgUnitFactory", "data_admin", "data_reviewer", "make_entry"]

_sequence = iter(range(1, 10_000))


def data_admin(unit: OrgUnit) -> User:
    """A staff account holding "data.manage" at ``unit``."""
    user = UserFactory(staff=True)
    grant(user, "data_admin", unit)
    return user


def data_reviewer(unit: OrgUnit) -> User:
    """A staff account of the data authority holding "data.review" over ``unit`` and its sub-units."""
    user = UserFactory(staff=True)
    grant(user, "data_authority", unit, include_subunits=True)
    return user


def make_entry(
    *,
    actor: User,
    provider: OrgUnit,
    publish: bool = True,
    csv: bytes | None = b"a,b\n1,2\n3,4\n",
    **overrides: Any,
) -> CatalogEntry:
    """A catalogue entry (published and open unless told otherwise) with one CSV resource."""
    n = next(_sequence)
    values: dict[str, Any] = {
        "code": f"01.02.03-{n:04d}",
        "title": f"测试数据集{n}",
        "summary": f"测试数据集{n}的摘要",
        "data_format": "CSV",
        "update_frequency": "monthly",
        "sharing_type": "unconditional",
        "sharing_method": "file",
        "classification_level": "general",
        "open_type": "open",
        "items": [DataItemSpec(name="名称", data_type="string", length=50)],
    }
    values.update(overrides)
    entry = catalog_entry_create(actor=actor, provider=provider, **values)
    if csv is not None:
        resource_add(actor=actor, entry=entry, name=f"{entry.title}（CSV）", format="CSV", content=csv)
    if publish:
        catalog_entry_submit(actor=actor, entry=entry)
        entry = catalog_entry_publish(actor=data_reviewer(provider), entry=entry)
    return entry
