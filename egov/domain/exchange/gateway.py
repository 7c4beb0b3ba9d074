"""The exchange API (``/exchange/v1/…``, office zone): authenticate the calling application, require the
X-Road-style headers, check the call against a grant (deny by default), read the rows, sign the answer, and
append the call — allowed or not — to the access log chain.

Every response, errors included, carries the signature headers; the body is exactly the bytes digested.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from egov.domain.data.models import CatalogEntry, DataTable
from egov.domain.exchange import chain, signing
from egov.domain.exchange.canonical import SIGNATURE_ALGORITHM, request_canonical, signed_payload, sm3_hex
from egov.domain.exchange.models import CallResult, ExchangeApplication, Grant
from egov.domain.exchange.services import secret_digest
from egov.kernel.db import prepared_cursor
from egov.kernel.errors import Rejected
from egov.kernel.orgs.models import OrgUnit

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_ROWS_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)

HEADERS = (
    ("HTTP_X_ROAD_CLIENT", "X-Road-Client", 100),
    ("HTTP_X_ROAD_USERID", "X-Road-UserId", 100),
    ("HTTP_X_ROAD_ISSUE", "X-Road-Issue", 200),
)


class CallError(Exception):
    def __init__(self, status: int, code: str, message: str, result: str = CallResult.REJECTED) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.result = result


@dataclass(frozen=True)
class Application:
    """The calling application as one call needs it (read fresh on every call: a disabled application or a
    rotated secret takes effect from the next call)."""

    pk: int
    client_id: str
    secret_digest: str
    is_active: bool
    rate_limit: int
    consumer_id: int
    consumer_code: str


@dataclass(frozen=True)
class EntryRef:
    pk: Any
    code: str
    title: str
    provider_id: int


@dataclass(frozen=True)
class GrantRow:
    pk: int
    columns: list[str]
    row_filter: dict[str, list[str]]
    valid_from: date
    valid_until: date
    revoked_at: datetime | None


@dataclass
class Lookup:
    """Everything a call is checked against, read in one statement (see :func:`_lookup`)."""

    application: Application | None = None
    entry: EntryRef | None = None
    table: DataTable | None = None
    grants: list[GrantRow] = field(default_factory=list)


@dataclass
class Call:
    """What the access log records about one call."""

    call_id: str
    at_us: int
    method: str
    path: str
    query: str
    logged_query: str
    client: str = ""
    user_id: str = ""
    issue: str = ""
    application: Application | None = None
    consumer_id: int | None = None
    provider_id: int | None = None
    grant_id: int | None = None
    resource: str = ""
    row_count: int = 0
    rows_digest: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _clean_header(value: str) -> str:
    return _CONTROL.sub("", value)[:100]


def _query_texts(request: HttpRequest) -> tuple[str, str]:
    """The canonical query (sorted) and the version kept in the log, with filter values masked (they can be
    personal data such as an ID number; the request digest still binds the exact values)."""
    pairs = sorted((key, value) for key, values in request.GET.lists() for value in values)
    logged = []
    for key, value in pairs:
        if key == "filter" and value.count(":") >= 2:
            column, op, _value = value.split(":", 2)
            value = f"{column}:{op}:***"
        logged.append((key, value))
    return urlencode(pairs), _CONTROL.sub("", urlencode(logged))[:1000]


def _headers(request: HttpRequest, call: Call) -> None:
    missing = [label for meta, label, _limit in HEADERS if not request.META.get(meta, "").strip()]
    call.client = _clean_header(request.META.get("HTTP_X_ROAD_CLIENT", ""))
    call.user_id = _clean_header(request.META.get("HTTP_X_ROAD_USERID", ""))
    call.issue = _CONTROL.sub("", request.META.get("HTTP_X_ROAD_ISSUE", ""))[:200]
    if missing:
        raise CallError(
            400,
            "missing_headers",
            _(
                "缺少请求头：%(names)s。每次调用须写明调用方（X-Road-Client）、最终用户（X-Road-UserId）和所办事项（X-Road-Issue）"
            )
            % {"names": "、".join(missing)},
        )
    for meta, label, limit in HEADERS:
        value = request.META.get(meta, "")
        if len(value) > limit or _CONTROL.search(value):
            raise CallError(
                400,
                "invalid_header",
                _("请求头 %(name)s 不能超过 %(n)s 个字符，且不能含控制字符") % {"name": label, "n": limit},
            )


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


_APPLICATION_COLUMNS = "a.id, a.client_id, a.secret_digest, a.is_active, a.rate_limit, a.consumer_id, o.code"
_APPLICATION_FROM = f"FROM {_table(ExchangeApplication)} a JOIN {_table(OrgUnit)} o ON o.id = a.consumer_id"
# The application, its unit's code, the entry named by code or name (as CatalogEntry's default ordering picks
# it), the entry's current data table and every grant of the unit for the entry: one round trip per call
# instead of four ORM queries. Deny by default is unchanged: no grant row, no data.
_CALL_SQL = (
    f"SELECT {_APPLICATION_COLUMNS}, e.id, e.code, e.title, e.provider_id,"  # noqa: S608 - constant names
    " t.id, t.version, t.table_name, t.columns, t.row_count,"
    " g.id, g.columns, g.row_filter, g.valid_from, g.valid_until, g.revoked_at"
    f" {_APPLICATION_FROM}"
    f" LEFT JOIN {_table(CatalogEntry)} e ON e.id = ("
    f"SELECT x.id FROM {_table(CatalogEntry)} x WHERE x.code = %s OR x.name = %s ORDER BY x.code LIMIT 1)"
    f" LEFT JOIN {_table(DataTable)} t ON t.entry_id = e.id AND t.is_current = %s"
    f" LEFT JOIN {_table(Grant)} g ON g.consumer_id = a.consumer_id AND g.entry_id = e.id"
    " WHERE a.client_id = %s"
)
_APPLICATION_SQL = f"SELECT {_APPLICATION_COLUMNS} {_APPLICATION_FROM} WHERE a.client_id = %s"


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _lookup(client_id: str, reference: str | None) -> Lookup:
    found = Lookup()
    with prepared_cursor() as cursor:
        if reference is None:
            cursor.execute(_APPLICATION_SQL, [client_id])
        else:
            cursor.execute(_CALL_SQL, [reference, reference, True, client_id])
        rows = cursor.fetchall()
    if not rows:
        return found
    first = rows[0]
    found.application = Application(
        pk=first[0],
        client_id=first[1],
        secret_digest=first[2],
        is_active=bool(first[3]),
        rate_limit=first[4],
        consumer_id=first[5],
        consumer_code=first[6],
    )
    if reference is None or first[7] is None:
        return found
    found.entry = EntryRef(pk=first[7], code=first[8], title=first[9], provider_id=first[10])
    if first[11] is not None:
        found.table = DataTable(
            id=first[11],
            entry_id=first[7],
            version=first[12],
            table_name=first[13],
            columns=_json(first[14]),
            row_count=first[15],
            is_current=True,
        )
    found.grants = [
        GrantRow(
            pk=row[16],
            columns=list(_json(row[17]) or []),
            row_filter=dict(_json(row[18]) or {}),
            valid_from=_date(row[19]),
            valid_until=_date(row[20]),
            revoked_at=row[21],
        )
        for row in rows
        if row[16] is not None
    ]
    found.grants.sort(key=lambda grant: (grant.valid_until, grant.pk), reverse=True)
    return found


def _authenticate(request: HttpRequest, call: Call, reference: str | None) -> Lookup:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = header.partition(" ")
    message = _("应用凭证缺失或无效：请以 HTTP Basic 方式提供“应用标识:密钥”")
    if scheme.lower() != "basic" or not token:
        raise CallError(401, "unauthenticated", message, CallResult.DENIED)
    try:
        client_id, _colon, secret = base64.b64decode(token.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise CallError(401, "unauthenticated", message, CallResult.DENIED) from None
    found = _lookup(client_id[:40], reference) if client_id else Lookup()
    application = found.application
    if application is None or not hmac.compare_digest(application.secret_digest, secret_digest(secret)):
        raise CallError(401, "unauthenticated", message, CallResult.DENIED)
    call.application = application
    call.consumer_id = application.consumer_id
    if not application.is_active:
        raise CallError(401, "application_disabled", _("该应用已停用，请联系本单位数据管理员"), CallResult.DENIED)
    return found


def _check_client(application: Application, call: Call) -> None:
    expected = f"{application.consumer_code}/{application.client_id}"
    if call.client != expected:
        raise CallError(
            400,
            "client_mismatch",
            _("X-Road-Client 应为“%(expected)s”，与应用凭证不符") % {"expected": expected},
        )


def _rate_limit(application: Application) -> None:
    window = int(time.time() // 60)
    key = f"exchange:rate:{application.pk}:{window}"
    try:
        count = cache.incr(key)  # one round trip once the window's counter exists
    except ValueError:  # the window's first call (or the counter expired)
        count = 1 if cache.add(key, 1, timeout=120) else cache.incr(key)
    if count > application.rate_limit:
        raise CallError(
            429,
            "rate_limited",
            _("调用过于频繁：该应用每分钟最多调用 %(n)s 次，请稍后重试") % {"n": application.rate_limit},
            CallResult.LIMITED,
        )


def _today() -> date:
    from egov.kernel.calendar.deadlines import beijing_today

    return beijing_today()


def _entry(reference: str, call: Call, found: Lookup) -> EntryRef:
    call.resource = _CONTROL.sub("", reference)[:100]
    entry = found.entry
    if entry is None:
        raise CallError(404, "resource_not_found", _("信息资源“%(r)s”不存在") % {"r": call.resource})
    call.provider_id = entry.provider_id
    call.resource = entry.code
    return entry


class _GrantLike(Protocol):
    @property
    def pk(self) -> Any: ...
    @property
    def valid_from(self) -> date: ...
    @property
    def valid_until(self) -> date: ...
    @property
    def revoked_at(self) -> datetime | None: ...


G = TypeVar("G", bound=_GrantLike)


def choose_grant(grants: Sequence[G], today: date) -> G:
    """The current grant among ``grants`` (ordered latest ``valid_until`` first); a :class:`CallError` (403)
    says why there is none."""
    for grant in grants:
        if grant.revoked_at is None and grant.valid_from <= today <= grant.valid_until:
            return grant
    if any(grant.revoked_at is not None and grant.valid_until >= today for grant in grants):
        raise CallError(403, "grant_revoked", _("该信息资源的共享授权已被撤销"), CallResult.DENIED)
    expired = [grant.valid_until for grant in grants if grant.valid_until < today]
    if expired:
        raise CallError(
            403,
            "grant_expired",
            _("该信息资源的共享授权已于 %(d)s 到期") % {"d": max(expired).isoformat()},
            CallResult.DENIED,
        )
    raise CallError(403, "no_grant", _("本单位没有该信息资源的有效共享授权"), CallResult.DENIED)


def current_grant(consumer_id: int, entry: Any, *, today: date | None = None) -> Grant:
    """The consumer's current grant for ``entry``; a :class:`CallError` (403) says why there is none."""
    grants = list(Grant.objects.filter(consumer_id=consumer_id, entry=entry).order_by("-valid_until", "-pk"))
    return choose_grant(grants, today or _today())


def _not_granted(names: list[str]) -> CallError:
    return CallError(
        403, "column_not_granted", _("数据项“%(c)s”不在共享授权范围内") % {"c": "、".join(names)}, CallResult.DENIED
    )


def _parameters(request: HttpRequest, grant: GrantRow) -> tuple[list[str], list[Any], str | None, int]:
    from egov.domain.data.rows import RowFilter

    allowed = list(grant.columns)
    raw_columns = request.GET.get("columns", "").strip()
    if raw_columns:
        columns = list(dict.fromkeys(name.strip() for name in raw_columns.split(",") if name.strip()))
        outside = [name for name in columns if name not in allowed]
        if outside:
            raise _not_granted(outside)
        if not columns:
            raise CallError(400, "no_columns", _("请至少选择一个数据项"))
    else:
        columns = allowed
    filters = []
    for column, values in (grant.row_filter or {}).items():
        filters.append(RowFilter(column, "in", list(values)) if len(values) > 1 else RowFilter(column, "eq", values[0]))
    for text in request.GET.getlist("filter"):
        parts = text.split(":", 2)
        if len(parts) != 3 or not parts[0] or not parts[1]:
            raise CallError(400, "invalid_filter", _("筛选条件格式应为“数据项:条件:取值”，例如 旗县:eq:突泉县"))
        if parts[0] not in allowed:
            raise _not_granted([parts[0]])
        filters.append(RowFilter(parts[0], parts[1], parts[2]))
    raw_limit = request.GET.get("limit", "")
    try:
        limit = int(raw_limit) if raw_limit else DEFAULT_LIMIT
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise CallError(400, "invalid_limit", _("每页条数应为 1 到 %(n)s 之间的整数") % {"n": MAX_LIMIT})
    cursor = request.GET.get("cursor") or None
    return columns, filters, cursor, limit


def _rows_body(request: HttpRequest, reference: str, call: Call, found: Lookup) -> dict[str, Any]:
    from egov.domain.data.rows import rows_query

    entry = _entry(reference, call, found)
    grant = choose_grant(found.grants, _today())
    call.grant_id = grant.pk
    columns, filters, cursor, limit = _parameters(request, grant)
    if found.table is None:
        raise CallError(404, "no_data", _("该数据目录尚未加载数据"))
    try:
        page = rows_query(found.table, columns=columns, filters=filters, cursor=cursor, limit=limit)
    except Rejected as exc:
        raise CallError(exc.status, exc.code, exc.message) from None
    granted = set(columns)
    rows = [{name: value for name, value in row.items() if name in granted} for row in page.rows]
    call.row_count = len(rows)
    call.rows_digest = sm3_hex(_ROWS_JSON.encode(rows))
    return {
        "resource": {"code": entry.code, "title": entry.title, "provider": entry.provider_id},
        "version": page.version,
        "columns": [column for column in page.columns if column["name"] in granted],
        "rows": rows,
        "next_cursor": page.next_cursor,
    }


def _grants_body(call: Call) -> dict[str, Any]:
    today = _today()
    grants = (
        Grant.objects.filter(
            consumer_id=call.consumer_id, revoked_at__isnull=True, valid_until__gte=today, valid_from__lte=today
        )
        .select_related("entry", "entry__provider")
        .order_by("entry__code")
    )
    return {
        "resources": [
            {
                "code": grant.entry.code,
                "title": grant.entry.title,
                "provider": grant.entry.provider.name,
                "columns": grant.columns,
                "row_filter": grant.row_filter,
                "valid_until": grant.valid_until.isoformat(),
            }
            for grant in grants
        ]
    }


def handle(request: HttpRequest, reference: str | None) -> HttpResponse:
    """Serve one exchange call; ``reference`` is a catalogue code or name (None: list my granted resources)."""
    query, logged_query = _query_texts(request)
    call = Call(
        call_id=uuid.uuid4().hex,
        at_us=time.time_ns() // 1000,
        method=request.method or "GET",
        path=_CONTROL.sub("", request.path)[:300],
        query=query,
        logged_query=logged_query,
    )
    status, result, reason = 200, str(CallResult.OK), ""
    try:
        if request.method != "GET":
            raise CallError(405, "method_not_allowed", _("交换接口只接受 GET 请求"))
        _headers(request, call)
        found = _authenticate(request, call, reference)
        assert found.application is not None  # _authenticate raised otherwise
        _check_client(found.application, call)
        _rate_limit(found.application)
        body: dict[str, Any] = _grants_body(call) if reference is None else _rows_body(request, reference, call, found)
    except CallError as exc:
        status, result, reason = exc.status, exc.result, exc.code
        body = {"error": {"code": exc.code, "message": exc.message}}
        call.row_count, call.rows_digest = 0, ""
    body["call_id"] = call.call_id
    content = _JSON.encode(body).encode()
    return _finish(call, content, status=status, result=result, reason=reason)


def _finish(call: Call, content: bytes, *, status: int, result: str, reason: str) -> HttpResponse:
    key = signing.current_key()
    application = call.application
    values: dict[str, Any] = {
        "at_us": call.at_us,
        "call_id": call.call_id,
        "client_id": application.client_id if application else "",
        "application_id": application.pk if application else None,
        "consumer_id": call.consumer_id,
        "provider_id": call.provider_id,
        "grant_id": call.grant_id,
        "resource": call.resource,
        "end_user": call.user_id,
        "issue": call.issue,
        "method": call.method[:8],
        "path": call.path,
        "query": call.logged_query,
        "result": result,
        "status_code": status,
        "reason_code": reason,
        "row_count": call.row_count,
        "rows_digest": call.rows_digest,
        "request_digest": sm3_hex(
            request_canonical(
                method=call.method,
                path=call.path,
                query=call.query,
                client=call.client,
                user_id=call.user_id,
                issue=call.issue,
            )
        ),
        "response_digest": sm3_hex(content),
        "key_id": key.kid,
    }
    values["signature"] = key.sign(signed_payload(values))
    chain.append(values)
    response = HttpResponse(content, status=status, content_type="application/json; charset=utf-8")
    response["X-Exchange-Call-Id"] = call.call_id
    response["X-Exchange-Time"] = str(call.at_us)
    response["X-Exchange-Request-Digest"] = values["request_digest"]
    response["X-Exchange-Response-Digest"] = values["response_digest"]
    response["X-Exchange-Rows-Digest"] = values["rows_digest"]
    response["X-Exchange-Key-Id"] = key.kid
    response["X-Exchange-Signature-Algorithm"] = SIGNATURE_ALGORITHM
    response["X-Exchange-Signature"] = values["signature"]
    return response
