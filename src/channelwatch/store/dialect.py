"""The SQL of both stores, built from the table descriptions, and what differs between them.

Shared SQL is written with ``?`` placeholders (no literal ``?`` or ``%`` anywhere);
:meth:`Dialect.sql` turns it into the driver's style. A backend overrides only its differences:
column names of times, value conversions, insert-or-skip, the spatial filter, arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from operator import attrgetter
from typing import Any, Generic, TypeVar

from channelwatch.store.codec import dumps
from channelwatch.store.records import BBox
from channelwatch.store.tables import Column, Kind, Table

Convert = Callable[[Any], Any]
R = TypeVar("R")


class RowCodec(Generic[R]):
    """Record -> parameters of an insert, and a selected row -> record, for one table."""

    __slots__ = ("_get", "_in", "_make", "_out", "table")

    def __init__(self, table: Table, dialect: Dialect) -> None:
        if table.record is None:
            raise TypeError(f"table {table.name} holds no record")
        self.table = table
        written = [c.name for c in table.written]
        self._get = _getter(written)
        self._in = _fixes(table.written, dialect.encoder)
        self._out = _fixes(table.columns, dialect.decoder)
        self._make: Callable[..., R] = table.record

    def params(self, record: R) -> tuple[Any, ...]:
        values = list(self._get(record))
        for i, fn in self._in:
            values[i] = fn(values[i])
        return tuple(values)

    def record(self, row: Sequence[Any]) -> R:
        values = list(row)
        for i, fn in self._out:
            values[i] = fn(values[i])
        return self._make(*values)


def _getter(names: Sequence[str]) -> Callable[[Any], Sequence[Any]]:
    if len(names) == 1:  # attrgetter of one name gives the value, not a tuple
        name = names[0]
        return lambda r: (getattr(r, name),)
    getter: Callable[[Any], Sequence[Any]] = attrgetter(*names)
    return getter


def _fixes(
    columns: Sequence[Column], pick: Callable[[Kind], Convert | None]
) -> tuple[tuple[int, Convert], ...]:
    out: list[tuple[int, Convert]] = []
    for i, col in enumerate(columns):
        fn = pick(col.kind)
        if fn is not None:
            out.append((i, _none_safe(fn) if col.nullable else fn))
    return tuple(out)


def _none_safe(fn: Convert) -> Convert:
    return lambda v: None if v is None else fn(v)


class Dialect:
    """The shared SQL, with hooks for what a backend does its own way."""

    name = "sql"
    has_arrays = False  # ``col = ANY(?)`` takes a list argument

    def __init__(self) -> None:
        self._codecs: dict[str, RowCodec[Any]] = {}

    # -- differences (overridden by a backend) ---------------------------------------------
    def sql(self, text: str) -> str:
        """Shared SQL in the driver's placeholder style."""
        return text

    def column(self, name: str) -> str:
        """The physical name of a logical column."""
        return name

    def param(self, column: Column) -> str:
        """The placeholder of a column's value in an insert."""
        return "?"

    def encoder(self, kind: Kind) -> Convert | None:
        """How a value of this kind is passed to the driver (None: as is)."""
        return dumps if kind == "json" else None

    def decoder(self, kind: Kind) -> Convert | None:
        """How a value of this kind comes back from the driver (None: as is)."""
        return None

    def insert_or_skip(self, table: Table, cols: str, marks: str) -> str:
        """An insert that skips rows whose key is there already."""
        target = f" ({', '.join(table.key)})" if table.key else ""
        return f"INSERT INTO {table.name} ({cols}) VALUES ({marks}) ON CONFLICT{target} DO NOTHING"

    def bbox_filter(self, table: Table, bbox: BBox) -> tuple[str, str, list[Any]]:
        """(join, condition, arguments) that find the rows in a box with the spatial index."""
        raise NotImplementedError

    # -- built from the description --------------------------------------------------------
    def codec(self, table: Table) -> RowCodec[Any]:
        codec = self._codecs.get(table.name)
        if codec is None:
            codec = self._codecs[table.name] = RowCodec(table, self)
        return codec

    def encode_time(self, value: datetime) -> Any:
        fn = self.encoder("time")
        return value if fn is None else fn(value)

    def select(self, table: Table) -> str:
        """``SELECT <the record's columns> FROM <table> <alias>``."""
        return f"SELECT {self.columns(table)} FROM {table.name} {table.alias}"

    def columns(self, table: Table) -> str:
        """The record's columns of ``table``, qualified by its alias, in field order."""
        a = table.alias
        return ", ".join(f"{a}.{self.column(c.column)}" for c in table.columns)

    def insert(self, table: Table, *, skip_existing: bool = False) -> str:
        cols, marks = self._cols_marks(table)
        if skip_existing:
            return self.sql(self.insert_or_skip(table, cols, marks))
        return self.sql(f"INSERT INTO {table.name} ({cols}) VALUES ({marks})")

    def upsert(self, table: Table) -> str:
        """An insert that replaces the other columns of a row whose key is there already."""
        cols, marks = self._cols_marks(table)
        sets = ", ".join(
            f"{n} = excluded.{n}"
            for n in (self.column(c.name) for c in table.written)
            if n not in table.key
        )
        return self.sql(
            f"INSERT INTO {table.name} ({cols}) VALUES ({marks})"
            f" ON CONFLICT ({', '.join(table.key)}) DO UPDATE SET {sets}"
        )

    def _cols_marks(self, table: Table) -> tuple[str, str]:
        cols = ", ".join(self.column(c.name) for c in table.written)
        marks = ", ".join(self.param(c) for c in table.written)
        return cols, marks

    def filters(
        self,
        table: Table,
        *,
        after: int | None = None,
        kind: str | None = None,
        since: datetime | None = None,
        bbox: BBox | None = None,
    ) -> tuple[str, list[str], list[Any]]:
        """(join, conditions, arguments) of the common list filters on ``table``'s alias."""
        a = table.alias
        where: list[str] = []
        args: list[Any] = []
        if after is not None:
            where.append(f"{a}.ledger_index > ?")
            args.append(after)
        if kind is not None:
            where.append(f"{a}.kind = ?")
            args.append(kind)
        if since is not None:
            where.append(f"{a}.{self.column('time')} >= ?")
            args.append(self.encode_time(since))
        join = ""
        if bbox is not None:
            join, cond, box_args = self.bbox_filter(table, bbox)
            # the index keeps float32 boxes rounded outward: it finds every candidate, the
            # exact test on the row's own coordinates decides
            where.append(f"{cond} AND {a}.lon BETWEEN ? AND ? AND {a}.lat BETWEEN ? AND ?")
            args += [*box_args, bbox.lon0, bbox.lon1, bbox.lat0, bbox.lat1]
        return join, where, args


def where_clause(conditions: Sequence[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""
