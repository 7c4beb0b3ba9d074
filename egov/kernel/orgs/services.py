"""Writes to the organisation tree."""

from __future__ import annotations

from django.db import transaction

from egov.kernel.orgs.models import OrgKind, OrgUnit


@transaction.atomic
def org_unit_create(
    *,
    name: str,
    code: str,
    kind: OrgKind | str,
    division_code: str,
    parent: OrgUnit | None = None,
    short_name: str = "",
    sort_order: int = 0,
    document_prefix: str = "",
) -> OrgUnit:
    unit = OrgUnit.objects.create(
        name=name,
        short_name=short_name,
        code=code,
        kind=kind,
        division_code=division_code,
        parent=parent,
        sort_order=sort_order,
        document_prefix=document_prefix,
        path="",
        depth=(parent.depth + 1) if parent else 0,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    return unit
