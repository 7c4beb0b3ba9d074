"""Reads on the platform's hottest paths, compiled to SQL by the ORM once instead of on every call.

Django compiles a QuerySet to SQL each time it runs. For a lookup by primary key with a join that costs
0.4–0.8 ms of CPU, several times what the database spends answering it (bench/workflow_throughput.py: a case
start and its first step ran ~25 statements, most of the request's CPU was the ORM building them). A
``CompiledQuery`` is written as an ordinary QuerySet, built once with stand-in arguments; its SQL and the
positions of the stand-ins among the parameters are kept, and each call only substitutes the real values,
runs the statement and builds the instances the way Django's own ``ModelIterable`` does (converters,
``Model.from_db``, ``select_related`` objects, annotations). So the query is still the ORM's, reviewed and
written in one place; only its compilation is cached. On PostgreSQL the statements are also prepared on the
server (``egov.kernel.db.prepared_cursor``, ADR 0023): parsed and planned once per connection.

Use it for a handful of fixed-shape reads that run per request; every other query stays a plain QuerySet.
Arguments must be scalar values that reach the SQL as one parameter each (a primary key, a code): a list for
``__in`` would change the shape, so lists are written into the QuerySet as constants.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar, cast

from django.db import connections, models
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError

from egov.kernel.db import prepared_cursor

M = TypeVar("M", bound=models.Model)

# Stand-ins no real argument equals: an integer far outside any id range and a string no code contains.
_INT_STAND_IN = -7_391_000_000_000
_TEXT_STAND_IN = "\x00compiled-argument-{}\x00"


class _Arg:
    """The stand-in for argument ``index``: typed the way the QuerySet builder will use it."""

    def __init__(self, index: int, kind: type) -> None:
        self.index = index
        self.value: Any = _INT_STAND_IN - index if kind is int else _TEXT_STAND_IN.format(index)


class _Compiled:
    def __init__(self, queryset: models.QuerySet[Any], stand_ins: list[_Arg], alias: str) -> None:
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        self.sql = sql
        self.params = list(params)
        self.for_update = bool(queryset.query.select_for_update)
        self.slots: list[tuple[int, int]] = []  # (position in params, argument index)
        for position, value in enumerate(self.params):
            for arg in stand_ins:
                if type(value) is type(arg.value) and value == arg.value:
                    self.slots.append((position, arg.index))
        missing = {arg.index for arg in stand_ins} - {index for _position, index in self.slots}
        if missing:
            raise ValueError(f"compiled query: arguments {sorted(missing)} do not reach the SQL as parameters")
        self.compiler = compiler
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        # Django 5.2's signature; the installed stubs describe 6.x, which adds a fetch mode argument.
        self.populators = get_related_populators(klass_info, select, alias)  # type: ignore[call-arg]
        self.annotations = dict(compiler.annotation_col_map or {})
        self.converters = compiler.get_converters([column[0] for column in select[: compiler.col_count]])


class CompiledQuery(Generic[M]):
    """``CompiledQuery(lambda pk: Case.objects.filter(pk=pk), int)``; ``.fetch(pk)`` → list of instances.

    ``kinds`` gives the type of each argument (int or str). Compiled on first use per database alias."""

    def __init__(self, build: Callable[..., models.QuerySet[M]], *kinds: type, using: str = "default") -> None:
        if any(kind not in (int, str) for kind in kinds):
            raise TypeError("compiled query arguments are int or str")
        self._build = build
        self._kinds = kinds
        self._using = using
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def _get(self) -> _Compiled:
        connection = connections[self._using]
        key = (self._using, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            stand_ins = [_Arg(index, kind) for index, kind in enumerate(self._kinds)]
            compiled = _Compiled(self._build(*(arg.value for arg in stand_ins)), stand_ins, self._using)
            self._compiled[key] = compiled
        return compiled

    def fetch(self, *args: Any) -> list[M]:
        if len(args) != len(self._kinds):
            raise TypeError(f"compiled query takes {len(self._kinds)} arguments, {len(args)} given")
        compiled = self._get()
        connection = connections[self._using]
        if compiled.for_update and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = args[index]
        with prepared_cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        objects = []
        for row in rows:
            obj = compiled.model.from_db(self._using, compiled.init_list, row[compiled.start : compiled.end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def first(self, *args: Any) -> M | None:
        rows = self.fetch(*args)
        return rows[0] if rows else None


_INSERTS: dict[tuple[str, str, type, bool, int], tuple[str, list[Any]]] = {}

#: A data-modifying statement (SQL, params) that runs along with another one: see ``insert``.
Statement = tuple[str, Sequence[Any]]


def insert(objects: Sequence[models.Model], *, using: str = "default", along: Sequence[Statement] = ()) -> None:
    """``bulk_create`` for a hot path: the same INSERT … RETURNING, its SQL built once per model and row count.

    For plain models only (no multi-table inheritance, no field with its own SQL placeholder); objects are
    stored as given, primary keys come back from the database unless set (the audit chain sets its own), and
    like ``bulk_create`` it sends no ``save`` signals. Where the database cannot return rows from a multi-row
    insert, this is ``bulk_create`` itself.

    ``along``: other data-modifying statements (``update_statement``, ``insert_statement``) that must run with
    the insert and read neither the inserted rows nor each other's. On PostgreSQL they go in the same round
    trip, as WITH clauses of the INSERT (each run once and to completion whether or not the INSERT reads it);
    elsewhere they run right after the insert, in the order given. With no objects the statements still run."""
    connection = connections[using]
    if not objects or (along and connection.vendor != "postgresql"):
        if objects:
            insert(objects, using=using)
        run_together(along, using=using)
        return
    model = type(objects[0])
    with_pk = objects[0].pk is not None
    plan = _insert_plan(objects, connection)
    if plan is None:
        model._default_manager.using(using).bulk_create(objects)
        run_together(along, using=using)
        return
    sql, params = with_along((plan[0], _insert_values(objects, plan[1], connection)), along)
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    for obj, (pk,) in zip(objects, returned, strict=True):
        if not with_pk:
            obj.pk = pk
        obj._state.adding = False
        obj._state.db = using


def insert_statement(objects: Sequence[models.Model], *, using: str = "default") -> Statement:
    """The INSERT of ``insert`` as a statement to run ``along`` with another: the objects get no primary key
    back (nothing reads the rows it returns). For models ``insert`` compiles only (ValueError otherwise)."""
    connection = connections[using]
    plan = _insert_plan(objects, connection) if objects else None
    if plan is None:
        raise ValueError("insert_statement: needs objects of a model that compiled.insert compiles")
    return plan[0], _insert_values(objects, plan[1], connection)


def _insert_values(objects: Sequence[models.Model], fields: list[Any], connection: Any) -> list[Any]:
    return [field.get_db_prep_save(field.pre_save(obj, True), connection) for obj in objects for field in fields]


def with_along(statement: Statement, along: Sequence[Statement]) -> Statement:
    """``statement`` with ``along`` as data-modifying WITH clauses (PostgreSQL): one statement, one round trip."""
    if not along:
        return statement
    clauses = ", ".join(f"along{n} AS ({sql})" for n, (sql, _params) in enumerate(along))
    return f"WITH {clauses} {statement[0]}", [*(p for _sql, params in along for p in params), *statement[1]]


def _insert_plan(objects: Sequence[models.Model], connection: Any) -> tuple[str, list[Any]] | None:
    """The cached INSERT … RETURNING of these objects and its fields, or None where ``bulk_create`` must do it."""
    model = type(objects[0])
    meta = model._meta
    with_pk = objects[0].pk is not None
    if (
        not connection.features.can_return_rows_from_bulk_insert
        or meta.parents
        or any(type(obj) is not model or (obj.pk is not None) != with_pk for obj in objects)
    ):
        return None
    key = (connection.alias, connection.vendor, model, with_pk, len(objects))
    cached = _INSERTS.get(key)
    if cached is None:
        fields = [f for f in meta.concrete_fields if with_pk or not f.primary_key]
        if any(hasattr(f, "get_placeholder") or getattr(f, "generated", False) for f in fields):
            return None
        quote = connection.ops.quote_name
        table, pk_column = quote(meta.db_table), quote(cast(str, meta.pk.column))
        columns = ", ".join(quote(cast(str, f.column)) for f in fields)
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        rows = ", ".join([row] * len(objects))
        sql = f"INSERT INTO {table} ({columns}) VALUES {rows} RETURNING {table}.{pk_column}"  # noqa: S608 - model names
        cached = (sql, fields)
        _INSERTS[key] = cached
    return cached


def run_together(statements: Sequence[Statement], *, using: str = "default") -> None:
    """Run data-modifying statements that read none of each other's rows: on PostgreSQL in one round trip (WITH
    clauses of one statement), elsewhere one after the other."""
    connection = connections[using]
    if len(statements) > 1 and connection.vendor == "postgresql":
        statements = [with_along(("SELECT 1", []), statements)]
    for sql, params in statements:
        with prepared_cursor(connection) as cursor:
            cursor.execute(sql, params)


_UPDATES: dict[tuple[str, str, type, tuple[str, ...]], tuple[str, list[models.Field[Any, Any]]]] = {}


def update(obj: models.Model, fields: Sequence[str], *, using: str = "default") -> int:
    """``obj.save(update_fields=fields)`` for a hot path (one UPDATE by primary key, its SQL built once per model
    and field list; ``auto_now`` fields among ``fields`` are set as ``save`` would). Sends no ``save`` signals.
    Returns the number of rows updated."""
    sql, params = update_statement(obj, fields, using=using)
    with prepared_cursor(connections[using]) as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def update_statement(obj: models.Model, fields: Sequence[str], *, using: str = "default") -> Statement:
    """The UPDATE of ``update`` as a statement (SQL, params), to run ``along`` with an insert; the values are
    taken (and ``auto_now`` fields set on ``obj``) now."""
    model = type(obj)
    connection = connections[using]
    key = (using, connection.vendor, model, tuple(fields))
    cached = _UPDATES.get(key)
    if cached is None:
        meta = model._meta
        found = [meta.get_field(name) for name in fields]
        targets = [f for f in found if isinstance(f, models.Field) and f.concrete and not f.primary_key]
        if meta.parents or len(targets) != len(found) or any(hasattr(f, "get_placeholder") for f in targets):
            raise ValueError(f"compiled update: {model.__name__}.{fields} needs Model.save")
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(cast(str, f.column))} = %s" for f in targets)
        pk_column = quote(cast(str, meta.pk.column))
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {pk_column} = %s"  # noqa: S608 - model names
        cached = (sql, targets)
        _UPDATES[key] = cached
    sql, targets = cached
    return sql, [*(field.get_db_prep_save(field.pre_save(obj, False), connection) for field in targets), obj.pk]
