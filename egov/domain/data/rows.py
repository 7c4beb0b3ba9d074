"""Row storage for the data behind catalogue entries (see docs/adr/0010-data-row-storage.md).

Each load (:class:`~egov.domain.data.models.DataTable`) gets its own physical table ``data_rows_<hex>`` with a
row number ``_row`` (primary key; on SQLite the rowid itself) and one *typed* column per data item
(``c1``…``cN`` in item order), plus one index ``(cI, _row)`` per column. A filter on any column followed by
keyset paging on ``_row`` is then an index range scan on both PostgreSQL and SQLite, whatever the table
size. Values are parsed and typed once, at load time (:func:`parse_value`), so queries compare numbers with
numbers and dates with dates.

The tables are created with plain DDL (not the schema editor: SQLite's refuses to run inside a transaction)
so a load — table, rows, indexes and the ``DataTable`` record — is one transaction: nothing half-loaded.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps.registry import Apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from egov.domain.data.models import CheckRule, DataItem, DataTable, DataType
from egov.kernel.calendar.deadlines import BEIJING
from egov.kernel.errors import Conflict, Rejected
from egov.kernel.identifiers import validate_resident_id, validate_uscc

ROW = "_row"
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
INSERT_BATCH = 2000

_TYPE_LABELS: dict[str, str] = {
    DataType.STRING: "文本",
    DataType.INTEGER: "整数",
    DataType.DECIMAL: "数值",
    DataType.DATE: "日期（如 2024-01-31）",
    DataType.DATETIME: "日期时间（如 2024-01-31 08:30:00）",
    DataType.BOOLEAN: "是/否",
}
_TRUE = {"是", "true", "1", "y", "yes", "t"}
_FALSE = {"否", "false", "0", "n", "no", "f"}


# --- values ---------------------------------------------------------------------------------------


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_value(data_type: str, raw: Any) -> Any:
    """``raw`` (text from a CSV or query string, or a spreadsheet cell) as the Python value of ``data_type``.
    Blank → None. Raises ``ValueError`` with a Chinese message naming the expected type."""
    if _is_blank(raw):
        return None
    expected = _("取值应为%(type)s") % {"type": _TYPE_LABELS.get(data_type, data_type)}
    if data_type == DataType.STRING:
        if isinstance(raw, float) and raw.is_integer():
            return str(int(raw))
        if isinstance(raw, dt.datetime | dt.date):
            return raw.isoformat()
        return str(raw).strip()
    if data_type == DataType.INTEGER:
        if isinstance(raw, bool):
            raise ValueError(expected)
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float):
            if raw.is_integer():
                return int(raw)
            raise ValueError(expected)
        text = str(raw).strip().replace(",", "")
        try:
            value = int(text)
        except ValueError:
            raise ValueError(expected) from None
        if abs(value) >= 2**63:
            raise ValueError(_("整数超出范围"))
        return value
    if data_type == DataType.DECIMAL:
        if isinstance(raw, bool):
            raise ValueError(expected)
        try:
            number = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation:
            raise ValueError(expected) from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
            raise ValueError(expected)
        return number.quantize(Decimal("0.000001"))
    if data_type == DataType.DATE:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = str(raw).strip().replace("/", "-")
        try:
            day = parse_date(text)
        except ValueError:
            day = None
        if day is None:
            raise ValueError(expected)
        return day
    if data_type == DataType.DATETIME:
        if isinstance(raw, dt.datetime):
            moment = raw
        else:
            text = str(raw).strip().replace("/", "-")
            try:
                parsed = parse_datetime(text)
            except ValueError:
                parsed = None
            if parsed is None:
                raise ValueError(expected)
            moment = parsed
        return timezone.make_aware(moment, BEIJING) if timezone.is_naive(moment) else moment
    if data_type == DataType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(expected)
    raise ValueError(expected)


def check_item(item: DataItem | dict[str, Any], raw: Any) -> Any:
    """Parse ``raw`` and apply the item's rules (required, length, code list, ID/USCC check digit)."""
    get = item.get if isinstance(item, dict) else lambda name, default=None: getattr(item, name, default)
    value = parse_value(str(get("data_type")), raw)
    if value is None:
        if get("required", False):
            raise ValueError(_("必填项不能为空"))
        return None
    rule = get("check_rule", "") or ""
    if rule:
        try:
            value = validate_resident_id(value) if rule == CheckRule.RESIDENT_ID else validate_uscc(value)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
    length = get("length")
    if isinstance(value, str) and length and len(value) > length:
        raise ValueError(_("长度为%(n)s个字符，超过了登记的%(max)s个字符") % {"n": len(value), "max": length})
    codes = get("code_list") or []
    if codes and str(value) not in {str(code) for code in codes}:
        raise ValueError(
            _("取值“%(v)s”不在代码表中（允许：%(codes)s）") % {"v": value, "codes": "、".join(map(str, codes))}
        )
    return value


def to_json(value: Any) -> Any:
    """A stored value as JSON: dates ISO 8601, decimals as strings (exact)."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, BEIJING).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(to_json(value))


# --- physical tables ------------------------------------------------------------------------------


def _field(data_type: str, column: str) -> models.Field[Any, Any]:
    fields: dict[str, models.Field[Any, Any]] = {
        DataType.STRING: models.TextField(null=True, db_column=column),
        DataType.INTEGER: models.BigIntegerField(null=True, db_column=column),
        DataType.DECIMAL: models.DecimalField(max_digits=21, decimal_places=6, null=True, db_column=column),
        DataType.DATE: models.DateField(null=True, db_column=column),
        DataType.DATETIME: models.DateTimeField(null=True, db_column=column),
        DataType.BOOLEAN: models.BooleanField(null=True, db_column=column),
    }
    return fields[data_type]


#: Row models live in their own registry: they are never migrated and never clash with real apps.
_ROW_APPS = Apps(installed_apps=())
_row_models: dict[str, type[models.Model]] = {}


def row_model(table: DataTable) -> type[models.Model]:
    """An unmanaged model over ``table``'s physical rows (cached per table)."""
    model = _row_models.get(table.table_name)
    if model is None:
        meta = type("Meta", (), {"app_label": "data_rows", "db_table": table.table_name, "apps": _ROW_APPS})
        meta.managed = False  # type: ignore[attr-defined]
        attrs: dict[str, Any] = {
            "__module__": __name__,
            "Meta": meta,
            "row": models.BigIntegerField(primary_key=True, db_column=ROW),
        }
        for column in table.columns:
            attrs[column["column"]] = _field(column["data_type"], column["column"])
        model = type(f"Rows_{table.table_name}", (models.Model,), attrs)
        _row_models[table.table_name] = model
    return model


def new_table_name() -> str:
    return f"data_rows_{uuid.uuid4().hex[:16]}"


def columns_for(items: Iterable[DataItem]) -> list[dict[str, Any]]:
    """The column definitions a table keeps (a snapshot of the items at load time)."""
    return [
        {
            "name": item.name,
            "column": f"c{index}",
            "data_type": item.data_type,
            "length": item.length,
            "description": item.description,
            "required": item.required,
            "code_list": list(item.code_list or []),
            "check_rule": item.check_rule,
            "is_personal": item.is_personal,
            "is_sensitive": item.is_sensitive,
        }
        for index, item in enumerate(items, start=1)
    ]


def create_table(table: DataTable) -> None:
    """CREATE TABLE for ``table`` (inside the caller's transaction); indexes come after the rows."""
    quote = connection.ops.quote_name
    row_type = "integer" if connection.vendor == "sqlite" else "bigint"
    parts = [f"{quote(ROW)} {row_type} NOT NULL PRIMARY KEY"]
    for column in table.columns:
        db_type = str(_field(column["data_type"], column["column"]).db_type(connection))
        if connection.vendor == "postgresql" and column["data_type"] == DataType.STRING:
            db_type += ' COLLATE "C"'  # code point order: prefix ranges and LIKE 'x%' use the btree index
        parts.append(f"{quote(column['column'])} {db_type} NULL")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {quote(table.table_name)} ({', '.join(parts)})")


def create_indexes(table: DataTable) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for column in table.columns:
            name = f"{table.table_name}_{column['column']}"
            cursor.execute(
                f"CREATE INDEX {quote(name)} ON {quote(table.table_name)} ({quote(column['column'])}, {quote(ROW)})"
            )
        if connection.vendor == "postgresql" or connection.vendor == "sqlite":
            cursor.execute(f"ANALYZE {quote(table.table_name)}")


def drop_table(table_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table_name)}")
    _row_models.pop(table_name, None)
    for key in [key for key in _compiled if key[1] == table_name]:
        del _compiled[key]


class RowWriter:
    """Batched INSERTs of typed rows into a freshly created table (row numbers 1, 2, 3…)."""

    def __init__(self, table: DataTable) -> None:
        model = row_model(table)
        quote = connection.ops.quote_name
        self._fields: list[models.Field[Any, Any]] = [
            model._meta.get_field(column["column"])  # type: ignore[misc]
            for column in table.columns
        ]
        names = ", ".join(quote(name) for name in [ROW, *(column["column"] for column in table.columns)])
        marks = ", ".join(["%s"] * (len(self._fields) + 1))
        # Identifiers are generated (data_rows_<hex>, c1…cN) and quoted; values are parameters.
        self._sql = f"INSERT INTO {quote(table.table_name)} ({names}) VALUES ({marks})"  # noqa: S608
        self._batch: list[list[Any]] = []
        self.count = 0

    def add(self, values: Sequence[Any]) -> None:
        self.count += 1
        prepared = [self.count]
        prepared.extend(f.get_db_prep_save(value, connection) for f, value in zip(self._fields, values, strict=True))
        self._batch.append(prepared)
        if len(self._batch) >= INSERT_BATCH:
            self.flush()

    def flush(self) -> None:
        if self._batch:
            with connection.cursor() as cursor:
                cursor.executemany(self._sql, self._batch)
            self._batch = []


# --- queries --------------------------------------------------------------------------------------

#: Filter operators of the row query API → ORM lookup.
OPERATORS: dict[str, str] = {
    "eq": "exact",
    "ne": "exact",
    "lt": "lt",
    "lte": "lte",
    "gt": "gt",
    "gte": "gte",
    "in": "in",
    "contains": "contains",
    "startswith": "startswith",
    "isnull": "isnull",
}
_TEXT_ONLY = {"contains", "startswith"}
MAX_IN_VALUES = 100


@dataclass(frozen=True)
class RowFilter:
    """``column`` is the data item's name; ``value`` is text (``in``: a list of texts; ``isnull``: "true"/"false")."""

    column: str
    op: str
    value: str | Sequence[str]


@dataclass
class RowPage:
    columns: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    next_cursor: str | None
    version: int
    total_rows: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def encode_cursor(version: int, row: int) -> str:
    return base64.urlsafe_b64encode(f"{version}:{row}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, version: int) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        cursor_version, row = (int(part) for part in text.split(":"))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Rejected("invalid_cursor", _("翻页游标无效，请从第一页重新查询"), field="cursor") from None
    if cursor_version != version:
        raise Conflict("data_reloaded", _("数据已更新为新版本，请从第一页重新查询"))
    return row


_RANGE_OPERATORS = {"lt", "lte", "gt", "gte", "startswith"}
#: Below this many matches a range filter counts as selective (see :func:`_order_by`).
SELECTIVE_MATCHES = 5000
_COMPARISONS = {"eq": "=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


@dataclass(frozen=True)
class _Compiled:
    """What hand-written SQL over one row table needs: quoted names, the typed fields (to prepare filter values
    exactly as the ORM does) and the converters the ORM would apply to each column's results."""

    table: str
    fields: dict[str, models.Field[Any, Any]]
    converters: dict[str, list[tuple[Any, Any]]]

    def column(self, name: str) -> str:
        return f"{self.table}.{connection.ops.quote_name(name)}"

    def prep(self, name: str, value: Any) -> Any:
        field = self.fields[name]
        return field.get_db_prep_value(field.get_prep_value(value), connection, prepared=True)


_compiled: dict[tuple[str, str], _Compiled] = {}


def _compile(table: DataTable) -> _Compiled:
    key = (connection.vendor, table.table_name)
    compiled = _compiled.get(key)
    if compiled is None:
        model = row_model(table)
        fields: dict[str, models.Field[Any, Any]] = {
            name: model._meta.get_field(name)  # type: ignore[misc]
            for name in ["row", *(column["column"] for column in table.columns)]
        }
        converters = {}
        for name, model_field in fields.items():
            expression = model_field.get_col(table.table_name)
            found = connection.ops.get_db_converters(expression) + model_field.get_db_converters(connection)
            converters[name] = [(converter, expression) for converter in found]
        compiled = _Compiled(connection.ops.quote_name(table.table_name), fields, converters)
        _compiled[key] = compiled
    return compiled


def _condition(compiled: _Compiled, by_name: dict[str, dict[str, Any]], flt: RowFilter) -> tuple[str, list[Any]]:
    """One filter as SQL with its parameters: the same SQL and parameter values the ORM builds for the lookup
    (``eq`` → exact, ``ne`` → NOT exact over a nullable column, ``contains`` → LIKE with escaping …), without
    building and compiling a queryset on every call."""
    column = by_name.get(flt.column)
    if column is None:
        raise Rejected("unknown_column", _("没有名为“%(c)s”的数据项") % {"c": flt.column}, field="filter")
    if flt.op not in OPERATORS:
        raise Rejected(
            "unknown_operator",
            _("不支持的筛选条件“%(op)s”，可用：%(ops)s") % {"op": flt.op, "ops": "、".join(OPERATORS)},
            field="filter",
        )
    if flt.op in _TEXT_ONLY and column["data_type"] != DataType.STRING:
        raise Rejected(
            "operator_type", _("“%(op)s”只能用于文本数据项，“%(c)s”不是文本") % {"op": flt.op, "c": flt.column}
        )
    name = column["column"]
    sql_column = compiled.column(name)
    if flt.op == "isnull":
        text = str(flt.value).strip().lower()
        if text not in {"true", "false"}:
            raise Rejected("invalid_value", _("isnull 的取值应为 true 或 false"), field="filter")
        return f"{sql_column} IS {'' if text == 'true' else 'NOT '}NULL", []
    raw_values = list(flt.value) if not isinstance(flt.value, str) else [flt.value]
    if flt.op == "in":
        if len(raw_values) == 1:
            raw_values = raw_values[0].split("|")
        if len(raw_values) > MAX_IN_VALUES:
            raise Rejected("too_many_values", _("in 条件最多 %(n)s 个取值") % {"n": MAX_IN_VALUES}, field="filter")
    elif len(raw_values) != 1:
        raise Rejected("invalid_value", _("“%(op)s”条件只能有一个取值") % {"op": flt.op}, field="filter")
    values = []
    for raw in raw_values:
        if column["data_type"] == DataType.STRING:
            values.append(str(raw))
            continue
        try:
            parsed = parse_value(column["data_type"], raw)
        except ValueError as exc:
            raise Rejected(
                "invalid_value", _("数据项“%(c)s”的%(m)s") % {"c": flt.column, "m": str(exc)}, field="filter"
            ) from None
        if parsed is None:
            raise Rejected("invalid_value", _("数据项“%(c)s”的筛选值不能为空") % {"c": flt.column}, field="filter")
        values.append(parsed)
    if flt.op == "startswith":
        # A prefix is the half-open range [p, p with its last character + 1): an index range scan on both
        # databases (SQLite's LIKE ignores the index; text columns are COLLATE "C" on PostgreSQL).
        prefix = values[0]
        if not prefix:
            return "", []
        upper = prefix[:-1] + chr(min(ord(prefix[-1]) + 1, 0x10FFFF))
        return f"{sql_column} >= %s AND {sql_column} < %s", [compiled.prep(name, prefix), compiled.prep(name, upper)]
    if flt.op == "contains":
        pattern = f"%{connection.ops.prep_for_like_query(values[0])}%"
        lhs = connection.ops.lookup_cast("contains", "TextField") % sql_column
        like = connection.operators["contains"]  # type: ignore[attr-defined]  # set by every backend
        return f"{lhs} {like % '%s'}", [pattern]
    if flt.op == "in":
        prepared = list(dict.fromkeys(compiled.prep(name, value) for value in values))  # the ORM drops repeats
        return f"{sql_column} IN ({', '.join(['%s'] * len(prepared))})", prepared
    param = compiled.prep(name, values[0])
    if flt.op == "ne":  # NULLs are "not equal" too, as with the ORM's negated lookup
        return f"NOT ({sql_column} = %s AND {sql_column} IS NOT NULL)", [param]
    return f"{sql_column} {_COMPARISONS[flt.op]} %s", [param]


def _order_by(compiled: _Compiled, where: str, params: list[Any], filters: Sequence[RowFilter]) -> str:
    """Row order, with a hint for SQLite: without histograms (no STAT4) its planner cannot tell a selective
    range from a wide one and, to honour ORDER BY _row LIMIT n, walks the rowid — slow when few rows match.
    A bounded probe through the index tells; when the range is selective, "+_row" (an expression) lets the
    planner use the column index and sort the few matches. PostgreSQL's planner has histograms."""
    row = compiled.column(ROW)
    if connection.vendor != "sqlite" or not any(flt.op in _RANGE_OPERATORS for flt in filters):
        return f"{row} ASC"
    probe = f"SELECT COUNT(*) FROM (SELECT 1 FROM {compiled.table}{where} LIMIT {SELECTIVE_MATCHES}) matches"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(probe, params)
        matches = cursor.fetchone()[0]
    return f"{row} ASC" if matches >= SELECTIVE_MATCHES else f"+{row} ASC"


def rows_query(
    table: DataTable,
    *,
    columns: Sequence[str] | None = None,
    filters: Sequence[RowFilter] = (),
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> RowPage:
    """Rows of ``table`` in row order: only ``columns`` (item names; None = all), all ``filters`` ANDed,
    after ``cursor`` (from the previous page's ``next_cursor``), at most ``limit`` (1…1000).
    Raises :class:`Rejected` (400) for unknown columns/operators, bad values, bad cursor or limit, and
    :class:`Conflict` (409) when the cursor belongs to an older load.

    Hand-written SQL (identifiers generated and quoted, values as parameters): this is the hot path of the row
    API and of every exchange call, and building and compiling a queryset cost several times the query."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Rejected("invalid_limit", _("每页条数应在 1 到 %(max)s 之间") % {"max": MAX_LIMIT}, field="limit")
    by_name = {column["name"]: column for column in table.columns}
    if columns is None:
        selected = list(table.columns)
    else:
        unknown = [name for name in columns if name not in by_name]
        if unknown:
            raise Rejected("unknown_column", _("没有名为“%(c)s”的数据项") % {"c": "、".join(unknown)}, field="fields")
        if not columns:
            raise Rejected("no_columns", _("请至少选择一个数据项"), field="fields")
        selected = [by_name[name] for name in dict.fromkeys(columns)]
    compiled = _compile(table)
    conditions: list[str] = []
    params: list[Any] = []
    for flt in filters:
        sql, values = _condition(compiled, by_name, flt)
        if sql:
            conditions.append(f"({sql})")
            params.extend(values)
    if cursor:
        conditions.append(f"{compiled.column(ROW)} > %s")
        params.append(compiled.prep("row", decode_cursor(cursor, table.version)))
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    names = [column["column"] for column in selected]
    select = ", ".join(compiled.column(name) for name in [ROW, *names])
    order = _order_by(compiled, where, params, filters)
    sql = f"SELECT {select} FROM {compiled.table}{where} ORDER BY {order} LIMIT {limit + 1}"  # noqa: S608
    with connection.cursor() as db_cursor:
        db_cursor.execute(sql, params)
        found = db_cursor.fetchall()
    more = len(found) > limit
    found = found[:limit]
    converters = [compiled.converters[name] for name in names]
    rows = []
    for row in found:
        record = {}
        for column, value, column_converters in zip(selected, row[1:], converters, strict=True):
            for converter, expression in column_converters:
                value = converter(value, expression, connection)
            record[column["name"]] = to_json(value)
        rows.append(record)
    next_cursor = encode_cursor(table.version, found[-1][0]) if more and found else None
    return RowPage(
        columns=[
            {"name": c["name"], "type": c["data_type"], "description": c.get("description", "")} for c in selected
        ],
        rows=rows,
        next_cursor=next_cursor,
        version=table.version,
        total_rows=table.row_count,
    )


def iter_rows(table: DataTable, *, chunk_size: int = 2000) -> Iterator[tuple[Any, ...]]:
    """Every row of ``table`` as a tuple of typed values in column order (for downloads), streamed."""
    model = row_model(table)
    names = [column["column"] for column in table.columns]
    last = 0
    while True:
        chunk = list(
            model._default_manager.filter(row__gt=last).order_by("row").values_list("row", *names)[:chunk_size]
        )
        if not chunk:
            return
        for row in chunk:
            yield row[1:]
        last = chunk[-1][0]
