"""Demo step "orgs": the Hinggan org tree and positions from ``hinggan.json``, written through the services.

Units are matched by their code and positions by name: a missing one is created, a changed one updated,
an unchanged one left alone — so a second run writes nothing (and adds no audit entries).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.core.management.base import OutputWrapper

from egov.kernel.orgs.models import OrgKind, OrgUnit, Position
from egov.kernel.orgs.services import org_unit_create, org_unit_move, org_unit_update, position_create, position_update

DATA_FILE = Path(__file__).with_name("hinggan.json")


@cache
def demo_data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class UnitSpec:
    """One unit as the data file describes it; ``parent_code`` None for the League itself."""

    code: str
    name: str
    short_name: str
    kind: str
    division_code: str
    parent_code: str | None
    document_prefix: str
    sort_order: int


def unit_specs() -> list[UnitSpec]:
    """Every unit of the tree, parents before children."""
    data = demo_data()
    league = data["league"]
    specs = [
        UnitSpec(
            code=league["code"],
            name=league["name"],
            short_name=league["short_name"],
            kind=OrgKind.LEAGUE,
            division_code=league["division_code"],
            parent_code=None,
            document_prefix=league["document_prefix"],
            sort_order=0,
        )
    ]
    for order, county in enumerate(data["counties"], start=1):
        specs.append(
            UnitSpec(
                code=county["code"],
                name=county["name"],
                short_name=county["short_name"],
                kind=OrgKind.COUNTY,
                division_code=county["code"],
                parent_code=league["code"],
                document_prefix=f"{county['abbr']}政发",
                sort_order=order,
            )
        )
    # League departments come after the counties in the tree display.
    offset = len(data["counties"]) + 1
    for order, department in enumerate(league["departments"], start=offset):
        code = f"{league['code']}-{department['key']}"
        specs.append(
            UnitSpec(
                code=code,
                name=department["name"],
                short_name=department["short_name"],
                kind=OrgKind.DEPARTMENT,
                division_code=league["division_code"],
                parent_code=league["code"],
                document_prefix=department["document_prefix"],
                sort_order=order,
            )
        )
        specs += _office_specs(
            department.get("offices", []),
            parent=code,
            parent_name=department["name"],
            division_code=league["division_code"],
        )
    types = data["county_department_types"]
    for county in data["counties"]:
        for order, key in enumerate(county["departments"], start=1):
            kind = types[key]
            code = f"{county['code']}-{key}"
            name = f"{county['name']}{kind['name']}"
            specs.append(
                UnitSpec(
                    code=code,
                    name=name,
                    short_name=f"{county['short_name']}{kind['short_name']}",
                    kind=OrgKind.DEPARTMENT,
                    division_code=county["code"],
                    parent_code=county["code"],
                    document_prefix=f"{county['abbr']}{kind['abbr']}发",
                    sort_order=order,
                )
            )
            offices = county.get("offices", {}).get(key, [])
            specs += _office_specs(offices, parent=code, parent_name=name, division_code=county["code"])
    return specs


def _office_specs(
    offices: list[dict[str, str]], *, parent: str, parent_name: str, division_code: str
) -> list[UnitSpec]:
    return [
        UnitSpec(
            code=f"{parent}-{office['key']}",
            name=f"{parent_name}{office['name']}",
            short_name=office["name"],
            kind=OrgKind.OFFICE,
            division_code=division_code,
            parent_code=parent,
            document_prefix="",
            sort_order=order,
        )
        for order, office in enumerate(offices, start=1)
    ]


def load_units() -> tuple[int, int]:
    """Create or update every unit; returns (created, updated)."""
    existing = {unit.code: unit for unit in OrgUnit.objects.all()}
    created = updated = 0
    for spec in unit_specs():
        parent = existing[spec.parent_code] if spec.parent_code else None
        unit = existing.get(spec.code)
        if unit is None:
            existing[spec.code] = org_unit_create(
                code=spec.code,
                parent=parent,
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                division_code=spec.division_code,
                document_prefix=spec.document_prefix,
                sort_order=spec.sort_order,
            )
            created += 1
            continue
        changed = False
        if parent is not None and unit.parent_id != parent.pk:
            unit = org_unit_move(unit=unit, new_parent=parent)
            changed = True
        wanted = (spec.name, spec.short_name, spec.kind, spec.division_code, spec.document_prefix, spec.sort_order)
        actual = (unit.name, unit.short_name, unit.kind, unit.division_code, unit.document_prefix, unit.sort_order)
        if wanted != actual or not unit.is_active:
            unit = org_unit_update(
                unit=unit,
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                division_code=spec.division_code,
                document_prefix=spec.document_prefix,
                sort_order=spec.sort_order,
                is_active=True,
            )
            changed = True
        existing[spec.code] = unit
        updated += changed
    return created, updated


def load_positions() -> tuple[int, int]:
    existing = {position.name: position for position in Position.objects.all()}
    created = updated = 0
    for spec in demo_data()["positions"]:
        position = existing.get(spec["name"])
        if position is None:
            position_create(name=spec["name"], rank=spec["rank"], is_leader=spec["is_leader"])
            created += 1
        elif (position.rank, position.is_leader) != (spec["rank"], spec["is_leader"]):
            position_update(position=position, rank=spec["rank"], is_leader=spec["is_leader"])
            updated += 1
    return created, updated


def load(stdout: OutputWrapper) -> None:
    units_created, units_updated = load_units()
    positions_created, positions_updated = load_positions()
    stdout.write(
        f"组织机构：共 {OrgUnit.objects.count()} 个（新增 {units_created}，更新 {units_updated}）；"
        f"职务：共 {Position.objects.count()} 个（新增 {positions_created}，更新 {positions_updated}）"
    )
