"""CKAN action API (read side) over the catalogue: the actions, the dicts they return and CKAN's errors.

Each action takes the request's data dict and returns the ``result``; it raises one of the errors below,
which the view turns into CKAN's envelope with the HTTP status CKAN uses.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from egov.domain.data import selectors
from egov.domain.data.models import LICENSES, CatalogEntry, DataTheme, Resource
from egov.domain.data.query import QueryError, parse_fq, parse_sort
from egov.kernel.orgs.models import OrgUnit

CKAN_VERSION = "2.10.4"
MAX_ROWS = 1000
DEFAULT_ROWS = 10


class ActionError(Exception):
    status = 400
    type_name = ""


class NotFoundError(ActionError):
    status = 404
    type_name = "Not Found Error"


class AuthorizationError(ActionError):
    status = 403
    type_name = "Authorization Error"


class SearchQueryError(ActionError):
    status = 400
    type_name = "Search Query Error"


class ValidationError(ActionError):
    status = 409
    type_name = "Validation Error"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def error_body(exc: ActionError) -> dict[str, Any]:
    """The ``error`` member of CKAN's envelope for ``exc``."""
    if isinstance(exc, ValidationError):
        return {**exc.errors, "__type": exc.type_name}
    if isinstance(exc, NotFoundError):
        return {"__type": exc.type_name, "message": f"Not found: {exc}"}
    if isinstance(exc, AuthorizationError):
        return {"__type": exc.type_name, "message": f"Access denied: {exc}"}
    return {"__type": exc.type_name, "message": f"Search Query is invalid: {exc}"}


# --- parameters ---------------------------------------------------------------------------------


def _str(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key, default)
    if isinstance(value, list):
        value = value[0] if value else default
    return str(value) if value is not None else default


def _required(data: dict[str, Any], key: str) -> str:
    value = _str(data, key).strip()
    if not value:
        raise ValidationError({key: [_("缺少参数值")]})
    return value


def _int(data: dict[str, Any], key: str, default: int, *, maximum: int | None = None) -> int:
    raw = data.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({key: [_("必须是整数")]}) from None
    if value < 0:
        raise ValidationError({key: [_("必须是非负整数")]})
    return min(value, maximum) if maximum is not None else value


def _bool(data: dict[str, Any], key: str, default: bool = False) -> bool:
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "yes", "on"}


# --- dicts ----------------------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    """CKAN's timestamp form: naive UTC ISO 8601 with microseconds."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat()


def org_name(unit: OrgUnit) -> str:
    return unit.code.lower()


def organization_dict(unit: OrgUnit, *, package_count: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(unit.pk),
        "name": org_name(unit),
        "title": unit.name,
        "display_name": unit.name,
        "description": "",
        "image_url": "",
        "created": None,
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "type": "organization",
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def group_dict(theme: DataTheme, *, package_count: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(theme.pk),
        "name": theme.name,
        "title": theme.title,
        "display_name": theme.title,
        "description": theme.description,
        "image_url": "",
        "image_display_url": "",
        "created": _iso(theme.created_at),
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
        "type": "group",
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def resource_dict(resource: Resource, request: HttpRequest) -> dict[str, Any]:
    url = resource.url or (request.build_absolute_uri(resource.file.url) if resource.file else "")
    return {
        "id": str(resource.id),
        "package_id": str(resource.entry_id),
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "url": url,
        "url_type": "upload" if resource.file else None,
        "size": resource.size,
        "hash": f"sha256:{resource.checksum}" if resource.checksum else "",
        "mimetype": "text/csv" if resource.format == "CSV" else None,
        "created": _iso(resource.created_at),
        "last_modified": _iso(resource.last_modified),
        "metadata_modified": _iso(resource.last_modified),
        "position": resource.position - 1,
        "state": "active",
        "datastore_active": False,
        "row_count": resource.row_count,
    }


@functools.lru_cache(maxsize=64)
def _choice_labels(field: str, language: str | None) -> dict[str, str]:
    model_field: Any = CatalogEntry._meta.get_field(field)
    return {str(value): str(label) for value, label in model_field.flatchoices}


def _display(entry: CatalogEntry, field: str) -> str:
    """``get_<field>_display()`` without its cost: Django hashes every (lazy, translated) choice label on each
    call, which made the labels the largest part of package_search (profiled: half the time for 100 rows)."""
    value = getattr(entry, field)
    return _choice_labels(field, translation.get_language()).get(str(value), str(value))


def _extras(entry: CatalogEntry) -> list[dict[str, str]]:
    """The §6 catalogue fields CKAN has no slot for, as CKAN extras (string values)."""
    items = [
        {
            "name": item.name,
            "type": item.data_type,
            "length": item.length,
            "description": item.description,
            "personal": item.is_personal,
            "sensitive": item.is_sensitive,
        }
        for item in entry.items.all()
    ]
    values = {
        "code": entry.code,
        "provider": entry.provider.name,
        "data_format": entry.data_format,
        "update_frequency": _display(entry, "update_frequency"),
        "sharing_type": _display(entry, "sharing_type"),
        "sharing_basis": entry.sharing_basis,
        "sharing_method": _display(entry, "sharing_method"),
        "use_conditions": entry.use_conditions,
        "classification_level": _display(entry, "classification_level"),
        "open_type": _display(entry, "open_type"),
        "release_date": entry.release_date.isoformat() if entry.release_date else "",
        "data_items": json.dumps(items, ensure_ascii=False),
        "related": json.dumps([other.name for other in entry.related.all()]),
    }
    return [{"key": key, "value": str(value)} for key, value in values.items()]


def package_dict(entry: CatalogEntry, request: HttpRequest) -> dict[str, Any]:
    license_info = LICENSES.get(entry.license_id, {})
    tags = sorted(entry.tags.all(), key=lambda tag: tag.name)
    resources = sorted(entry.resources.all(), key=lambda resource: resource.position)
    return {
        "id": str(entry.pk),
        "name": entry.name,
        "title": entry.title,
        "notes": entry.summary,
        "type": "dataset",
        "state": "active",
        "private": False,
        "version": str(entry.version),
        "url": request.build_absolute_uri(f"/dataset/{entry.name}"),
        "author": entry.provider.name,
        "author_email": None,
        "maintainer": entry.provider.name,
        "maintainer_email": None,
        "license_id": entry.license_id,
        "license_title": license_info.get("title", ""),
        "license_url": license_info.get("url", ""),
        "isopen": entry.license_id in LICENSES,
        "metadata_created": _iso(entry.created_at),
        "metadata_modified": _iso(entry.modified_at),
        "owner_org": str(entry.provider_id),
        "organization": organization_dict(entry.provider),
        "groups": [group_dict(entry.theme)] if entry.theme else [],
        "tags": [
            {"id": str(tag.pk), "name": tag.name, "display_name": tag.name, "state": "active", "vocabulary_id": None}
            for tag in tags
        ],
        "num_tags": len(tags),
        "resources": [resource_dict(resource, request) for resource in resources],
        "num_resources": len(resources),
        "extras": _extras(entry),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


# --- actions --------------------------------------------------------------------------------------


def status_show(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "site_title": _("兴安盟公共数据开放平台"),
        "site_description": _("兴安盟行政公署公共数据开放目录"),
        "site_url": settings.SITE_BASE_URL or request.build_absolute_uri("/").rstrip("/"),
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "zh_Hans_CN",
        "extensions": ["dcat"],
    }


def package_list(request: HttpRequest, data: dict[str, Any]) -> list[str]:
    offset = _int(data, "offset", 0)
    names = selectors.portal_datasets().order_by("name").values_list("name", flat=True)
    if data.get("limit") not in (None, ""):
        return list(names[offset : offset + _int(data, "limit", 0)])
    return list(names[offset:])


def package_show(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    entry = selectors.portal_dataset(_required(data, "id"))
    if entry is None:
        raise NotFoundError(_("未找到该数据集"))
    return package_dict(entry, request)


def resource_show(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    resource = selectors.portal_resource(_required(data, "id"))
    if resource is None:
        raise NotFoundError(_("未找到该数据资源"))
    return resource_dict(resource, request)


_TEXT_FIELDS = ("title", "name", "summary", "code")

#: Facetable fields → the ORM value they count and how a value is displayed.
FACETS: dict[str, str] = {
    "organization": "provider__code",
    "groups": "theme__name",
    "tags": "tags__name",
    "res_format": "resources__format",
    "license_id": "license_id",
    "open_type": "open_type",
    "sharing_type": "sharing_type",
    "update_frequency": "update_frequency",
    "classification_level": "classification_level",
}


def _text_query(q: str) -> Q | None:
    terms = [term for term in q.split() if term not in {"*:*", "*"}]
    if not terms:
        return None
    condition = Q()
    for term in terms:
        tagged = CatalogEntry.objects.filter(tags__name__icontains=term).values("pk")
        condition &= Q(
            *[Q(**{f"{field}__icontains": term}) for field in _TEXT_FIELDS], Q(pk__in=tagged), _connector=Q.OR
        )
    return condition


def _facet_fields(data: dict[str, Any]) -> list[str]:
    raw = data.get("facet.field")
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ValidationError({"facet.field": [_("必须是 JSON 数组")]}) from None
    if not isinstance(raw, list) or not all(isinstance(field, str) for field in raw):
        raise ValidationError({"facet.field": [_("必须是 JSON 数组")]})
    unknown = [field for field in raw if field not in FACETS]
    if unknown:
        raise SearchQueryError(_("不支持的分面字段：%(f)s") % {"f": "、".join(unknown)})
    return raw


def _facet(entries: QuerySet[CatalogEntry], field: str, limit: int) -> dict[str, int]:
    column = FACETS[field]
    rows = (
        CatalogEntry.objects.filter(pk__in=entries.values("pk"))
        .exclude(**{f"{column}__isnull": True})
        .values(column)
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", column)
    )
    value = (lambda v: v.lower()) if field == "organization" else (lambda v: v)
    return {value(row[column]): row["n"] for row in rows[:limit]}


def package_search(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    rows = _int(data, "rows", DEFAULT_ROWS, maximum=MAX_ROWS)
    start = _int(data, "start", 0)
    q = _str(data, "q")
    sort = _str(data, "sort") or "score desc, metadata_modified desc"
    facet_fields = _facet_fields(data)
    facet_limit = _int(data, "facet.limit", 50)
    entries = selectors.portal_datasets()
    try:
        fq = parse_fq(_str(data, "fq"))
        text = _text_query(q)

        def score() -> str | None:
            return "score" if text is not None else None

        ordering = parse_sort(sort, score=score)
    except QueryError as exc:
        raise SearchQueryError(str(exc)) from None
    if text is not None:
        entries = entries.filter(text)
    entries = entries.filter(fq)
    # Conditions on tags and resources are subqueries (see query.py), so no entry is ever joined twice.
    matching = entries
    if text is not None:
        terms = q.split()
        matching = matching.annotate(
            score=Case(
                When(Q(*[Q(title__icontains=term) for term in terms]), then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
    count = matching.count()
    page = with_ordering(matching, ordering)[start : start + rows]
    facets = {field: _facet(matching, field, facet_limit) for field in facet_fields}
    return {
        "count": count,
        "sort": sort,
        "facets": facets,
        "results": [package_dict(entry, request) for entry in selectors.with_details(page)],
        "search_facets": {
            field: {
                "title": field,
                "items": [{"name": name, "display_name": name, "count": n} for name, n in values.items()],
            }
            for field, values in facets.items()
        },
    }


def with_ordering(entries: QuerySet[CatalogEntry], ordering: list[str]) -> QuerySet[CatalogEntry]:
    # The primary key last keeps paging stable when the requested fields tie.
    return entries.order_by(*ordering, "pk")


def _list_params(data: dict[str, Any]) -> tuple[bool, int, int | None]:
    limit = _int(data, "limit", 0) if data.get("limit") not in (None, "") else None
    return _bool(data, "all_fields"), _int(data, "offset", 0), limit


def organization_list(request: HttpRequest, data: dict[str, Any]) -> list[Any]:
    all_fields, offset, limit = _list_params(data)
    units = list(selectors.portal_organizations())
    units = units[offset : offset + limit] if limit is not None else units[offset:]
    if not all_fields:
        return [org_name(unit) for unit in units]
    counts = selectors.package_counts("provider")
    return [organization_dict(unit, package_count=counts.get(unit.pk, 0)) for unit in units]


def organization_show(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    unit = selectors.portal_organization(_required(data, "id"))
    if unit is None:
        raise NotFoundError(_("未找到该组织"))
    result = organization_dict(unit, package_count=selectors.package_counts("provider").get(unit.pk, 0))
    if _bool(data, "include_datasets"):
        entries = selectors.with_details(selectors.portal_datasets().filter(provider=unit).order_by("name"))
        result["packages"] = [package_dict(entry, request) for entry in entries]
    return result


def group_list(request: HttpRequest, data: dict[str, Any]) -> list[Any]:
    all_fields, offset, limit = _list_params(data)
    themes = list(selectors.portal_themes())
    themes = themes[offset : offset + limit] if limit is not None else themes[offset:]
    if not all_fields:
        return [theme.name for theme in themes]
    counts = selectors.package_counts("theme")
    return [group_dict(theme, package_count=counts.get(theme.pk, 0)) for theme in themes]


def group_show(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    key = _required(data, "id")
    themes = selectors.portal_themes()
    theme = (themes.filter(pk=int(key)) if key.isdigit() else themes.filter(name=key)).first()
    if theme is None:
        raise NotFoundError(_("未找到该主题"))
    result = group_dict(theme, package_count=selectors.package_counts("theme").get(theme.pk, 0))
    if _bool(data, "include_datasets"):
        entries = selectors.with_details(selectors.portal_datasets().filter(theme=theme).order_by("name"))
        result["packages"] = [package_dict(entry, request) for entry in entries]
    return result


def tag_list(request: HttpRequest, data: dict[str, Any]) -> list[Any]:
    tags = selectors.portal_tags()
    query = _str(data, "query")
    if query:
        tags = tags.filter(name__icontains=query)
    if _bool(data, "all_fields"):
        return [{"id": str(tag.pk), "name": tag.name, "vocabulary_id": None} for tag in tags]
    return [tag.name for tag in tags]


def license_list(request: HttpRequest, data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"id": key, "title": value["title"], "url": value["url"], "status": "active", "od_conformance": "approved"}
        for key, value in LICENSES.items()
    ]


Action = Callable[[HttpRequest, dict[str, Any]], Any]

ACTIONS: dict[str, Action] = {
    action.__name__: action
    for action in (
        status_show,
        package_list,
        package_search,
        package_show,
        resource_show,
        organization_list,
        organization_show,
        group_list,
        group_show,
        tag_list,
        license_list,
    )
}

#: CKAN's write actions: known names, refused with an Authorization Error (this API is read-only).
WRITE_ACTIONS = frozenset(
    {
        "package_create",
        "package_update",
        "package_patch",
        "package_delete",
        "resource_create",
        "resource_update",
        "resource_patch",
        "resource_delete",
        "organization_create",
        "group_create",
        "dataset_purge",
    }
)
