"""Answers of an application form: from the posted page to stored values, to Django form data, to cleaned JSON.

Stored values are plain JSON per field: text as str, checkbox as bool, address as
``{"division_code", "detail"}``, a repeatable group as a list of row dicts. What the applicant typed is stored
as typed (also when it is wrong), so nothing is lost on an error; only ``clean_all`` turns it into the
normalised, validated answers a case is started with.

ID numbers never stay in the JSON: ``split_secrets`` moves every ``id_number`` answer (also inside groups)
out into a dict that the application keeps SM4-encrypted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from django import forms

from egov.domain.services.forms_schema import page_form_class

TRUE_VALUES = {"on", "true", "1", "yes", True}


def pages(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return list(definition.get("pages", []))


def all_fields(definition: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for page in pages(definition):
        yield from page["fields"]


def field_index(definition: dict[str, Any]) -> dict[str, tuple[int, dict[str, Any]]]:
    """Top-level field name → (page index, spec)."""
    return {spec["name"]: (index, spec) for index, page in enumerate(pages(definition)) for spec in page["fields"]}


# --- posted page → stored values ----------------------------------------------------------------------


def _value_from_post(spec: dict[str, Any], post: Mapping[str, Any], key: str) -> Any:
    kind = spec["type"]
    if kind == "checkbox":
        return post.get(key) in TRUE_VALUES
    if kind == "address_with_division_code":
        return {"division_code": str(post.get(f"{key}_0", "")).strip(), "detail": str(post.get(f"{key}_1", "")).strip()}
    if kind == "group":
        try:
            count = min(int(post.get(f"{key}__rows", 0)), 50)
        except (TypeError, ValueError):
            count = 0
        rows = []
        for number in range(count):
            row = {
                sub["name"]: _value_from_post(sub, post, f"{key}__{number}__{sub['name']}") for sub in spec["fields"]
            }
            if not is_blank(row):
                rows.append(row)
        return rows
    return str(post.get(key, "")).strip()


def is_blank(value: Any) -> bool:
    if isinstance(value, dict):
        return all(is_blank(v) for v in value.values())
    if isinstance(value, list):
        return not value
    return value in (None, "", False)


def values_from_post(page: dict[str, Any], post: Mapping[str, Any]) -> dict[str, Any]:
    """The page's answers as typed, from a POST (or an autosave request)."""
    return {spec["name"]: _value_from_post(spec, post, spec["name"]) for spec in page["fields"]}


# --- stored values → Django form data -----------------------------------------------------------------


def _form_items(spec: dict[str, Any], value: Any, key: str) -> dict[str, str]:
    kind = spec["type"]
    if value is None:
        return {}
    if kind == "checkbox":
        return {key: "on"} if value is True else {}
    if kind == "address_with_division_code":
        value = value if isinstance(value, dict) else {}
        return {f"{key}_0": str(value.get("division_code", "")), f"{key}_1": str(value.get("detail", ""))}
    if kind == "group":
        rows = value if isinstance(value, list) else []
        return {key: json.dumps([form_data(spec["fields"], row) for row in rows if isinstance(row, dict)])}
    return {key: str(value)}


def form_data(fields: list[dict[str, Any]], values: Mapping[str, Any]) -> dict[str, str]:
    data: dict[str, str] = {}
    for spec in fields:
        data.update(_form_items(spec, values.get(spec["name"]), spec["name"]))
    return data


def bound_page_form(definition: dict[str, Any], page_index: int, values: Mapping[str, Any]) -> forms.Form:
    """The page's form bound to the stored values; other pages' answers are the initial data that
    cross-page display conditions read."""
    page = pages(definition)[page_index]
    others = {name: value for name, value in values.items() if name not in {f["name"] for f in page["fields"]}}
    form_class = page_form_class(definition, page_index)
    return form_class(data=form_data(page["fields"], values), initial=others, prefix=None)


# --- cleaned form data → JSON -------------------------------------------------------------------------


def to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value


def clean_page(
    definition: dict[str, Any], page_index: int, values: Mapping[str, Any]
) -> tuple[dict[str, Any], forms.Form]:
    """(cleaned JSON answers of the page, the bound form): the form carries the errors, if any."""
    form = bound_page_form(definition, page_index, values)
    if form.is_valid():
        return to_json(form.cleaned_data), form
    return {}, form


def clean_all(definition: dict[str, Any], values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[int, forms.Form]]:
    """Validate every page: (cleaned answers, {page index: invalid form})."""
    cleaned: dict[str, Any] = {}
    invalid: dict[int, forms.Form] = {}
    for index in range(len(pages(definition))):
        page_cleaned, form = clean_page(definition, index, values)
        if form.errors:
            invalid[index] = form
        cleaned.update(page_cleaned)
    return cleaned, invalid


# --- personal data out of the JSON ----------------------------------------------------------------------


def split_secrets(definition: dict[str, Any], values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(answers without ID numbers, {"name" or "group.row.name": ID number})."""
    plain: dict[str, Any] = dict(values)
    secret: dict[str, str] = {}
    for spec in all_fields(definition):
        name = spec["name"]
        if name not in plain:
            continue
        if spec["type"] == "id_number":
            value = plain.pop(name)
            if value:
                secret[name] = str(value)
        elif spec["type"] == "group" and isinstance(plain[name], list):
            subs = [sub["name"] for sub in spec["fields"] if sub["type"] == "id_number"]
            rows = []
            for number, row in enumerate(plain[name]):
                row = dict(row) if isinstance(row, dict) else {}
                for sub in subs:
                    value = row.pop(sub, "")
                    if value:
                        secret[f"{name}.{number}.{sub}"] = str(value)
                rows.append(row)
            plain[name] = rows
    return plain, secret


def merge_secrets(plain: Mapping[str, Any], secret: Mapping[str, str]) -> dict[str, Any]:
    merged: dict[str, Any] = {key: (list(value) if isinstance(value, list) else value) for key, value in plain.items()}
    for key, value in secret.items():
        parts = key.split(".")
        if len(parts) == 1:
            merged[key] = value
            continue
        group, number, sub = parts[0], int(parts[1]), parts[2]
        rows = merged.get(group)
        if isinstance(rows, list) and number < len(rows):
            rows[number] = {**rows[number], sub: value}
    return merged


# --- display --------------------------------------------------------------------------------------------


def display_value(spec: dict[str, Any], value: Any, *, mask_ids: bool) -> str:
    """How an answer reads on the check-your-answers and office pages."""
    from egov.kernel.identifiers import mask_mobile, mask_resident_id

    kind = spec["type"]
    if is_blank(value):
        return "否" if kind == "checkbox" else "（未填写）"
    if kind == "checkbox":
        return "是"
    if kind == "address_with_division_code" and isinstance(value, dict):
        return f"{value.get('detail', '')}（区划代码 {value.get('division_code', '')}）"
    if kind == "id_number":
        return mask_resident_id(str(value)) if mask_ids else str(value)
    if kind == "phone":
        return mask_mobile(str(value)) if mask_ids else str(value)
    if kind == "amount":
        return f"{value} 元"
    if kind == "group" and isinstance(value, list):
        rows = []
        for number, row in enumerate(value, start=1):
            parts = [
                f"{sub['label']}：{display_value(sub, row.get(sub['name']), mask_ids=mask_ids)}"
                for sub in spec["fields"]
            ]
            rows.append(f"{number}. " + "，".join(parts))
        return "\n".join(rows)
    return str(value)


def shown(spec: dict[str, Any], values: Mapping[str, Any]) -> bool:
    condition = spec.get("show_if")
    if not condition:
        return True
    value = values.get(condition["field"])
    if isinstance(condition["equals"], bool):
        value = value in TRUE_VALUES
    return bool(value == condition["equals"])
