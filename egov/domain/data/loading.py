"""Reading an uploaded CSV/XLSX table and checking every row against the declared data items.

The header row names the data items (any order); every later row is checked cell by cell and every problem
is reported with its row number (as the spreadsheet shows it: the header is row 1) and column name.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from egov.domain.data.rows import check_item
from egov.kernel.errors import Rejected

CHUNK = 64 * 1024
#: The report keeps at most this many errors (the total is still counted).
MAX_REPORTED_ERRORS = 50_000


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in the file: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        where = _("第%(row)s行") % {"row": self.row}
        if self.column:
            where += _("“%(c)s”") % {"c": self.column}
        return f"{where}：{self.message}"


class LoadRejected(Rejected):
    """The file did not pass: ``errors`` lists every problem found; nothing was loaded."""

    def __init__(self, errors: list[RowError], *, total: int, rows_checked: int) -> None:
        bad_rows = len({error.row for error in errors})
        message = _("数据校验未通过：共 %(n)s 处错误（涉及 %(rows)s 行），未加载任何数据") % {
            "n": total,
            "rows": bad_rows,
        }
        super().__init__("load_invalid", message, field="file")
        self.errors = errors
        self.total = total
        self.rows_checked = rows_checked


def _csv_encoding(stream: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes as UTF-8, else GB 18030 (Excel's Chinese CSV)."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"
    finally:
        stream.seek(0)


def _csv_rows(stream: IO[bytes]) -> Iterator[list[Any]]:
    encoding = _csv_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        yield from csv.reader(text)
    except UnicodeDecodeError:
        raise Rejected("file_encoding", _("文件编码无法识别，请另存为 UTF-8 编码的 CSV 文件"), field="file") from None
    except csv.Error as exc:
        raise Rejected("csv_invalid", _("CSV 文件格式错误：%(e)s") % {"e": exc}, field="file") from None
    finally:
        with contextlib.suppress(ValueError):  # the upload may already be closed
            text.detach()


def _xlsx_rows(stream: IO[bytes]) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise Rejected("xlsx_invalid", _("无法读取该 XLSX 文件，请确认文件未损坏"), field="file") from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def read_table(stream: IO[bytes], file_format: str) -> Iterator[list[Any]]:
    return _xlsx_rows(stream) if file_format == "XLSX" else _csv_rows(stream)


def _blank(values: Sequence[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def header_positions(header: Sequence[Any], columns: Sequence[dict[str, Any]]) -> list[int | None]:
    """For each declared column, its position in the file's header; file-level problems are refused at once."""
    names = [str(value).strip() if value is not None else "" for value in header]
    while names and not names[-1]:
        names.pop()
    seen: set[str] = set()
    duplicates = [name for name in names if name in seen or seen.add(name)]  # type: ignore[func-returns-value]
    if duplicates:
        raise Rejected(
            "header_duplicate", _("表头中数据项重复：%(n)s") % {"n": "、".join(dict.fromkeys(duplicates))}, field="file"
        )
    declared = [column["name"] for column in columns]
    unknown = [name for name in names if name not in declared]
    problems = []
    if unknown:
        problems.append(_("表头中有未登记的数据项：%(n)s") % {"n": "、".join(name or _("（空）") for name in unknown)})
    missing = [column["name"] for column in columns if column["required"] and column["name"] not in names]
    if missing:
        problems.append(_("表头缺少必填数据项：%(n)s") % {"n": "、".join(missing)})
    if problems:
        raise Rejected("header_invalid", "；".join(problems), field="file")
    return [names.index(name) if name in names else None for name in declared]


@dataclass
class CheckedRows:
    """Valid typed rows come out of :meth:`rows`; problems collect in ``errors``."""

    source: Iterator[list[Any]]
    columns: Sequence[dict[str, Any]]
    errors: list[RowError]
    total_errors: int = 0
    rows_checked: int = 0

    def rows(self) -> Iterator[list[Any]]:
        try:
            header = next(self.source)
        except StopIteration:
            raise Rejected("file_no_header", _("文件中没有表头行"), field="file") from None
        positions = header_positions(header, self.columns)
        width = len([value for value in header if value is not None])
        for number, values in enumerate(self.source, start=2):
            if _blank(values):
                continue
            self.rows_checked += 1
            extra = [value for value in values[width:] if not _blank([value])]
            if extra:
                self._error(number, "", _("该行的列数多于表头"))
            typed: list[Any] = []
            ok = not extra
            for column, position in zip(self.columns, positions, strict=True):
                raw = values[position] if position is not None and position < len(values) else None
                try:
                    typed.append(check_item(column, raw))
                except ValueError as exc:
                    ok = False
                    self._error(number, column["name"], str(exc))
            if ok:
                yield typed
        if not self.rows_checked:
            raise Rejected("file_no_rows", _("文件中没有数据行"), field="file")

    def _error(self, row: int, column: str, message: str) -> None:
        self.total_errors += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row, column, message))
