"""Row query API of the open data portal: ``GET /api/public/data/datasets/<name>/rows``.

Parameters: ``fields`` (comma-separated item names), ``filter`` (repeatable, ``<item>:<op>:<value>``, e.g.
``旗县:eq:突泉县``, ``员工数:gte:10``, ``旗县:in:突泉县|乌兰浩特市``), ``cursor`` (``next_cursor`` of the previous
page), ``limit`` (1–1000, default 100). Bad input → 400 JSON ``{"error": {"code", "message", "field"}}``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from egov.domain.data import rows, selectors
from egov.domain.data.rows import RowFilter
from egov.kernel.errors import NotFound, Rejected

api_prefix = "data"
public_router = Router(tags=["开放数据"])

MAX_FILTERS = 10


def parse_filters(raw_filters: list[str]) -> list[RowFilter]:
    if len(raw_filters) > MAX_FILTERS:
        raise Rejected("too_many_filters", _("筛选条件最多 %(n)s 个") % {"n": MAX_FILTERS}, field="filter")
    filters = []
    for raw in raw_filters:
        parts = raw.split(":", 2)
        if len(parts) != 3 or not parts[0]:
            raise Rejected(
                "invalid_filter",
                _("筛选条件“%(f)s”格式不正确，应为“数据项:条件:取值”，如 旗县:eq:突泉县") % {"f": raw},
                field="filter",
            )
        filters.append(RowFilter(column=parts[0], op=parts[1], value=parts[2]))
    return filters


def _limit(raw: str | None) -> int:
    if raw in (None, ""):
        return rows.DEFAULT_LIMIT
    try:
        return int(raw)
    except ValueError:
        raise Rejected("invalid_limit", _("每页条数应为整数"), field="limit") from None


@public_router.get("/datasets/{name}/rows", summary="按条件查询数据集的记录（游标分页）")
def dataset_rows(request: HttpRequest, name: str) -> dict[str, Any]:
    entry = selectors.portal_entry(name)
    if entry is None:
        raise NotFound("dataset_not_found", _("未找到该数据集"))
    if not selectors.can_use_data(request.user, entry):
        raise NotFound("dataset_restricted", _("该数据集为有条件开放，获得提供单位同意后方可查询"))
    fields = request.GET.get("fields", "")
    columns = [name.strip() for name in fields.split(",") if name.strip()] if fields else None
    page = selectors.rows_query(
        entry,
        columns=columns,
        filters=parse_filters(request.GET.getlist("filter")),
        cursor=request.GET.get("cursor") or None,
        limit=_limit(request.GET.get("limit")),
    )
    return {
        "dataset": entry.name,
        "version": page.version,
        "total_rows": page.total_rows,
        "columns": page.columns,
        "rows": page.rows,
        "next_cursor": page.next_cursor,
    }
