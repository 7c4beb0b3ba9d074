"""CKAN action API (read side) over the catalogue: the actions, the dicts they return and CKAN's errors.

Each action takes the request's data dict and returns the ``result``; it raises one of the errors below,
which the view turns into CKAN's envelope with the HTTP status CKAN uses.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from egov.domain.data import selectors
from egov.domain.data.models import LICENSES, CatalogEntry, DataItem, DataTheme, Resource, Tag
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
    data = _organization(unit.pk, org_name(unit), unit.name)
    if package_count is not None:
        data["package_count"] = package_count
    return data


def _organization(pk: Any, name: str, title: str) -> dict[str, Any]:
    return {
        "id": str(pk),
        "name": name,
        "title": title,
        "display_name": title,
        "description": "",
        "image_url": "",
        "created": None,
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
        "type": "organization",
    }


def group_dict(theme: DataTheme, *, package_count: int | None = None) -> dict[str, Any]:
    data = _group(theme.pk, theme.name, theme.title, theme.description, theme.created_at)
    if package_count is not None:
        data["package_count"] = package_count
    return data


def _group(pk: Any, name: str, title: str, description: str, created_at: dt.datetime) -> dict[str, Any]:
    return {
        "id": str(pk),
        "name": name,
        "title": title,
        "display_name": title,
        "description": description,
        "image_url": "",
        "image_display_url": "",
        "created": _iso(created_at),
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
        "type": "group",
    }


#: Columns a resource dict is built from (``Resource.objects.values(*RESOURCE_FIELDS)``).
RESOURCE_FIELDS = (
    "id", "entry_id", "position", "name", "description", "format", "url", "file", "size", "row_count", "checksum",
    "last_modified", "created_at",
)  # fmt: skip
#: Columns of the entry (and its provider and theme) a package dict is built from.
_ENTRY_FIELDS = (
    "id", "name", "code", "title", "summary", "version", "license_id", "created_at", "modified_at", "data_format",
    "update_frequency", "sharing_type", "sharing_basis", "sharing_method", "use_conditions",
    "classification_level", "open_type", "release_date", "provider_id", "provider__code", "provider__name",
    "theme_id", "theme__name", "theme__title", "theme__description", "theme__created_at",
)  # fmt: skip
_ITEM_FIELDS = ("entry_id", "name", "data_type", "length", "description", "is_personal", "is_sensitive")


def resource_dict(resource: dict[str, Any], request: HttpRequest) -> dict[str, Any]:
    """A resource's CKAN dict from its :data:`RESOURCE_FIELDS` values."""
    stored = resource["file"]
    storage = Resource._meta.get_field("file").storage
    url = resource["url"] or (request.build_absolute_uri(storage.url(stored)) if stored else "")
    return {
        "id": str(resource["id"]),
        "package_id": str(resource["entry_id"]),
        "name": resource["name"],
        "description": resource["description"],
        "format": resource["format"],
        "url": url,
        "url_type": "upload" if stored else None,
        "size": resource["size"],
        "hash": f"sha256:{resource['checksum']}" if resource["checksum"] else "",
        "mimetype": "text/csv" if resource["format"] == "CSV" else None,
        "created": _iso(resource["created_at"]),
        "last_modified": _iso(resource["last_modified"]),
        "metadata_modified": _iso(resource["last_modified"]),
        "position": resource["position"] - 1,
        "state": "active",
        "datastore_active": False,
        "row_count": resource["row_count"],
    }


@functools.lru_cache(maxsize=64)
def _choice_labels(field: str, language: str | None) -> dict[str, str]:
    model_field: Any = CatalogEntry._meta.get_field(field)
    return {str(value): str(label) for value, label in model_field.flatchoices}


def _display(entry: dict[str, Any], field: str, language: str | None) -> str:
    """``get_<field>_display()`` without its cost: Django hashes every (lazy, translated) choice label on each
    call, which made the labels the largest part of package_search (profiled: half the time for 100 rows)."""
    value = entry[field]
    return _choice_labels(field, language).get(str(value), str(value))


def _extras(entry: dict[str, Any], items: list[dict[str, Any]], related: list[str]) -> list[dict[str, str]]:
    """The §6 catalogue fields CKAN has no slot for, as CKAN extras (string values)."""
    language = translation.get_language()
    data_items = [
        {
            "name": item["name"],
            "type": item["data_type"],
            "length": item["length"],
            "description": item["description"],
            "personal": item["is_personal"],
            "sensitive": item["is_sensitive"],
        }
        for item in items
    ]
    values = {
        "code": entry["code"],
        "provider": entry["provider__name"],
        "data_format": entry["data_format"],
        "update_frequency": _display(entry, "update_frequency", language),
        "sharing_type": _display(entry, "sharing_type", language),
        "sharing_basis": entry["sharing_basis"],
        "sharing_method": _display(entry, "sharing_method", language),
        "use_conditions": entry["use_conditions"],
        "classification_level": _display(entry, "classification_level", language),
        "open_type": _display(entry, "open_type", language),
        "release_date": entry["release_date"].isoformat() if entry["release_date"] else "",
        "data_items": json.dumps(data_items, ensure_ascii=False),
        "related": json.dumps(related),
    }
    return [{"key": key, "value": str(value)} for key, value in values.items()]


def package_dicts(request: HttpRequest, pks: Sequence[Any]) -> list[dict[str, Any]]:
    """CKAN package dicts of the entries ``pks``, in that order, in five queries that fetch plain values (no
    model instances and no prefetch machinery: at 100 rows they were two thirds of package_search's time)."""
    if not pks:
        return []
    entries = {row["id"]: row for row in CatalogEntry.objects.filter(pk__in=pks).values(*_ENTRY_FIELDS)}
    tags: dict[Any, list[tuple[str, int]]] = defaultdict(list)
    for entry_id, tag_id, tag_name in (
        CatalogEntry.tags.through.objects.filter(catalogentry_id__in=pks)
        .order_by("tag__name")
        .values_list("catalogentry_id", "tag_id", "tag__name")
    ):
        tags[entry_id].append((tag_name, tag_id))
    resources: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for resource in Resource.objects.filter(entry_id__in=pks).order_by("position").values(*RESOURCE_FIELDS):
        resources[resource["entry_id"]].append(resource)
    items: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for item in DataItem.objects.filter(entry_id__in=pks).order_by("position", "pk").values(*_ITEM_FIELDS):
        items[item["entry_id"]].append(item)
    related: dict[Any, list[str]] = defaultdict(list)
    for entry_id, name in (
        CatalogEntry.related.through.objects.filter(from_catalogentry_id__in=pks)
        .order_by("to_catalogentry__code")
        .values_list("from_catalogentry_id", "to_catalogentry__name")
    ):
        related[entry_id].append(name)
    return [
        _package(entries[pk], tags[pk], resources[pk], items[pk], related[pk], request) for pk in pks if pk in entries
    ]


def _package(
    entry: dict[str, Any],
    tags: list[tuple[str, int]],
    resources: list[dict[str, Any]],
    items: list[dict[str, Any]],
    related: list[str],
    request: HttpRequest,
) -> dict[str, Any]:
    license_info = LICENSES.get(entry["license_id"], {})
    groups = []
    if entry["theme_id"] is not None:
        groups.append(
            _group(
                entry["theme_id"],
                entry["theme__name"],
                entry["theme__title"],
                entry["theme__description"],
                entry["theme__created_at"],
            )
        )
    return {
        "id": str(entry["id"]),
        "name": entry["name"],
        "title": entry["title"],
        "notes": entry["summary"],
        "type": "dataset",
        "state": "active",
        "private": False,
        "version": str(entry["version"]),
        "url": request.build_absolute_uri(f"/dataset/{entry['name']}"),
        "author": entry["provider__name"],
        "author_email": None,
        "maintainer": entry["provider__name"],
        "maintainer_email": None,
        "license_id": entry["license_id"],
        "license_title": license_info.get("title", ""),
        "license_url": license_info.get("url", ""),
        "isopen": entry["license_id"] in LICENSES,
        "metadata_created": _iso(entry["created_at"]),
        "metadata_modified": _iso(entry["modified_at"]),
        "owner_org": str(entry["provider_id"]),
        "organization": _organization(entry["provider_id"], entry["provider__code"].lower(), entry["provider__name"]),
        "groups": groups,
        "tags": [
            {"id": str(tag_id), "name": name, "display_name": name, "state": "active", "vocabulary_id": None}
            for name, tag_id in tags
        ],
        "num_tags": len(tags),
        "resources": [resource_dict(resource, request) for resource in resources],
        "num_resources": len(resources),
        "extras": _extras(entry, items, related),
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
    pk = selectors.portal_dataset_pk(_required(data, "id"))
    if pk is None:
        raise NotFoundError(_("未找到该数据集"))
    return package_dicts(request, [pk])[0]


def resource_show(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    resource = selectors.portal_resource(_required(data, "id"))
    if resource is None:
        raise NotFoundError(_("未找到该数据资源"))
    values = {field: getattr(resource, field) for field in RESOURCE_FIELDS}
    values["file"] = resource.file.name
    return resource_dict(values, request)


_TEXT_FIELDS = ("title", "name", "summary", "code")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")

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


def _term_lookup(term: str) -> str:
    """``icontains`` only where case can differ: UPPER() over every summary made Chinese text queries 3× slower."""
    return "icontains" if term.lower() != term.upper() else "contains"


def _text_query(q: str) -> Q | None:
    terms = [term for term in q.split() if term not in {"*:*", "*"}]
    if not terms:
        return None
    condition = Q()
    for term in terms:
        lookup = _term_lookup(term)
        # Names (slugs) and codes hold only ASCII letters, digits and punctuation.
        fields = _TEXT_FIELDS if _ASCII_WORD.search(term) else ("title", "summary")
        tagged = CatalogEntry.tags.through.objects.filter(**{f"tag__name__{lookup}": term}).values("catalogentry_id")
        condition &= Q(*[Q(**{f"{field}__{lookup}": term}) for field in fields], Q(pk__in=tagged), _connector=Q.OR)
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
    return list(dict.fromkeys(raw))


#: How each facet is counted over the matching entries ``m`` (see :func:`_count_and_facets`); "" is any facet on
#: a column of the entry itself. Every name filled in is a model's table or column, never request text.
_FACET_SQL = {
    "organization": "SELECT {label}, o.code, COUNT(*) FROM m JOIN {units} o ON o.id = m.provider_id GROUP BY o.code",
    "groups": "SELECT {label}, t.name, COUNT(*) FROM m JOIN {themes} t ON t.id = m.theme_id GROUP BY t.name",
    "tags": (
        "SELECT {label}, g.name, COUNT(*) FROM m JOIN {links} l ON l.catalogentry_id = m.id "
        "JOIN {tags} g ON g.id = l.tag_id GROUP BY g.name"
    ),
    "res_format": (
        "SELECT {label}, r.format, COUNT(DISTINCT r.entry_id) FROM m JOIN {resources} r ON r.entry_id = m.id "
        "GROUP BY r.format"
    ),
    "": "SELECT {label}, m.{column}, COUNT(*) FROM m WHERE m.{column} IS NOT NULL GROUP BY m.{column}",
}


def _facet_sql(field: str) -> str:
    quote = connection.ops.quote_name
    return _FACET_SQL.get(field, _FACET_SQL[""]).format(
        label=f"'{field}'",  # a FACETS key
        column=quote(FACETS[field]),
        units=quote(OrgUnit._meta.db_table),
        themes=quote(DataTheme._meta.db_table),
        links=quote(CatalogEntry.tags.through._meta.db_table),
        tags=quote(Tag._meta.db_table),
        resources=quote(Resource._meta.db_table),
    )


def _count_and_facets(
    matching: QuerySet[CatalogEntry], fields: list[str], limit: int
) -> tuple[int, dict[str, dict[str, int]]]:
    """The number of matching entries and the facet counts, in one statement: the search condition (a text
    query is the costly part) is evaluated once, into a common table expression every count reads, instead of
    once per facet; and tags and formats are counted from their own tables, without joins that need
    ``COUNT(DISTINCT)`` over every entry."""
    direct = [FACETS[field] for field in fields if "__" not in FACETS[field]]
    columns = ["pk", "provider_id", "theme_id", *direct]
    inner, params = matching.order_by().values(*columns).query.sql_with_params()
    names = ", ".join(["id", "provider_id", "theme_id", *[connection.ops.quote_name(c) for c in direct]])
    parts = ["SELECT '', '', COUNT(*) FROM m", *[_facet_sql(field) for field in fields]]
    sql = f"WITH m ({names}) AS ({inner}) " + " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    count = 0
    found: dict[str, list[tuple[str, int]]] = {field: [] for field in fields}
    for field, value, n in rows:
        if field == "":
            count = n
        elif value is not None:
            found[field].append((value.lower() if field == "organization" else value, n))
    facets = {
        field: dict(sorted(values, key=lambda pair: (-pair[1], pair[0]))[:limit]) for field, values in found.items()
    }
    return count, facets


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
    # Conditions on tags and resources are subqueries (see query.py), so no entry is ever joined twice.
    matching = entries.filter(fq)
    count, facets = _count_and_facets(matching, facet_fields, facet_limit)
    page: list[Any] = []
    if rows and start < count:
        ranked = matching
        if text is not None:
            ranked = ranked.annotate(
                score=Case(
                    When(Q(*[Q(**{f"title__{_term_lookup(term)}": term}) for term in q.split()]), then=Value(2)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
        page = list(with_ordering(ranked, ordering).values_list("pk", flat=True)[start : start + rows])
    return {
        "count": count,
        "sort": sort,
        "facets": facets,
        "results": package_dicts(request, page),
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
        entries = selectors.portal_datasets().filter(provider=unit).order_by("name")
        result["packages"] = package_dicts(request, list(entries.values_list("pk", flat=True)))
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
        entries = selectors.portal_datasets().filter(theme=theme).order_by("name")
        result["packages"] = package_dicts(request, list(entries.values_list("pk", flat=True)))
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
