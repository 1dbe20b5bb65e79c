"""Walking a Parquet file's page headers, so its decoded size is known before decoding.

A Parquet file's footer can claim anything; the page headers are what a
reader trusts when it allocates: each says how large its page is once
decompressed, and how many values it holds. A zstd page of 30 KB may expand
to a gigabyte, and a dictionary or delta encoding may repeat one long text
in every row. So before pyarrow decodes a single page, every page header of
every column chunk is read here (a few dozen bytes of Thrift compact
protocol each, never the page itself) and the file is refused when:

- its pages, decompressed, would hold more than the per-file byte cap, or it
  has more pages than the page cap;
- a column holds other than its footer says, a plain column other than one
  value a row, or the list columns together more values than the value cap;
- a text column that is not an enum uses a dictionary or a ``DELTA_*`` byte
  encoding: those are the encodings whose decoded text can dwarf the page
  (the library's writer never uses them there), so every decoded text
  column is at most as large as its pages.

Only the standard library is used; the footer is read by pyarrow first.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Final

from shanghai_innovation import _limits

__all__ = ["check_pages"]

# Page types and encodings of the Parquet format (parquet.thrift).
_DATA_PAGE: Final = 0
_DICTIONARY_PAGE: Final = 2
_DATA_PAGE_V2: Final = 3
_PLAIN: Final = 0
_PLAIN_DICTIONARY: Final = 2
_RLE_DICTIONARY: Final = 8
#: Encodings a dictionary (enum) text column may use for its data pages.
_DICTIONARY_ENCODINGS: Final = frozenset({_PLAIN, _PLAIN_DICTIONARY, _RLE_DICTIONARY})
#: How deeply page-header structs may nest (the format nests three deep).
_MAX_DEPTH: Final = 8

# Thrift compact protocol field types.
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY = 1, 2, 3, 4, 5, 6, 7, 8
_LIST, _SET, _MAP, _STRUCT = 9, 10, 11, 12


class _Header:
    """A reader of one Thrift compact struct within ``data[pos:end]``."""

    def __init__(self, data: bytes, pos: int, end: int) -> None:
        self.data = data
        self.pos = pos
        self.end = end

    def byte(self) -> int:
        if self.pos >= self.end:
            msg = "a page header runs past its column chunk"
            raise ValueError(msg)
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varint(self) -> int:
        value = shift = 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
            shift += 7
            if shift > 63:
                msg = "a page header holds a malformed number"
                raise ValueError(msg)

    def zigzag(self) -> int:
        value = self.varint()
        return (value >> 1) ^ -(value & 1)

    def advance(self, count: int) -> None:
        if count < 0 or count > self.end - self.pos:
            msg = "a page header runs past its column chunk"
            raise ValueError(msg)
        self.pos += count

    def value(self, kind: int, depth: int) -> Any:
        """Read one value of a compact type: ints as ints, structs as dicts, the rest skipped."""
        if kind in (_TRUE, _FALSE):
            return kind == _TRUE
        if kind == _BYTE:
            return self.byte()
        if kind in (_I16, _I32, _I64):
            return self.zigzag()
        if kind == _DOUBLE:
            self.advance(8)
            return None
        if kind == _BINARY:
            self.advance(self.varint())
            return None
        if kind in (_LIST, _SET):
            head = self.byte()
            size = head >> 4 if head >> 4 != 15 else self.varint()
            self._skip_items(size, [head & 0x0F], depth)
            return None
        if kind == _MAP:
            size = self.varint()
            types = self.byte() if size else 0
            self._skip_items(size, [types >> 4, types & 0x0F], depth)
            return None
        if kind == _STRUCT:
            return self.struct(depth + 1)
        msg = f"a page header holds an unknown field type {kind}"
        raise ValueError(msg)

    def _skip_items(self, size: int, kinds: list[int], depth: int) -> None:
        if size > self.end - self.pos:  # every item takes a byte at least
            msg = "a page header lists more items than it has bytes"
            raise ValueError(msg)
        for _ in range(size):
            for kind in kinds:
                if kind in (_TRUE, _FALSE):  # inside a container a bool is a byte
                    self.byte()
                else:
                    self.value(kind, depth)

    def struct(self, depth: int = 0) -> dict[int, Any]:
        if depth > _MAX_DEPTH:
            msg = "a page header nests too deeply"
            raise ValueError(msg)
        fields: dict[int, Any] = {}
        last = 0
        while True:
            head = self.byte()
            if head == 0:
                return fields
            delta, kind = head >> 4, head & 0x0F
            last = last + delta if delta else self.zigzag()
            fields[last] = self.value(kind, depth)


def _int(fields: dict[int, Any], key: int, what: str) -> int:
    value = fields.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        msg = f"a page header without a valid {what}"
        raise ValueError(msg)
    return value


def _chunk_pages(data: bytes, start: int, length: int) -> list[dict[int, Any]]:
    """Every page header of one column chunk, in order."""
    end = start + length
    if start < 0 or length < 0 or end > len(data):
        msg = "a column chunk lies outside the file"
        raise ValueError(msg)
    pages: list[dict[int, Any]] = []
    pos = start
    while pos < end:
        reader = _Header(data, pos, end)
        header = reader.struct()
        size = _int(header, 3, "compressed size")
        reader.advance(size)
        pos = reader.pos
        pages.append(header)
        if len(pages) > _limits.MAX_PARQUET_PAGES:
            break
    return pages


def check_pages(
    metadata: Any,
    data: bytes,
    dictionary_columns: Collection[str],
    list_columns: Collection[str],
) -> None:
    """Refuse a Parquet file whose pages could decode to more than the caps allow.

    Args:
        metadata: The file's ``pyarrow.parquet.FileMetaData``.
        data: The whole file.
        dictionary_columns: Top-level names of the columns that may be
            dictionary encoded (enum columns).
        list_columns: Top-level names of the list columns (any other column
            holds exactly one value a row).

    Raises:
        ValueError: saying which cap or rule the file breaks, and where.

    """
    if metadata.num_rows > _limits.MAX_ROWS:
        msg = f"{metadata.num_rows} rows, over the cap of {_limits.MAX_ROWS} rows a table"
        raise ValueError(msg)
    pages = decoded = list_values = 0
    for group_index in range(metadata.num_row_groups):
        group = metadata.row_group(group_index)
        for column_index in range(group.num_columns):
            chunk = group.column(column_index)
            if chunk.num_values == 0 and group.num_rows == 0:
                continue  # a reader stops once it has the values: it reads no page here
            name = chunk.path_in_schema
            top = name.split(".")[0]
            try:
                headers = _chunk_pages(data, _chunk_start(chunk), chunk.total_compressed_size)
                pages += len(headers)
                if pages > _limits.MAX_PARQUET_PAGES:
                    msg = f"over the cap of {_limits.MAX_PARQUET_PAGES} pages"
                    raise ValueError(msg)
                text = chunk.physical_type == "BYTE_ARRAY"
                decoded += sum(_int(h, 2, "decompressed size") for h in headers)
                values = sum(
                    _page_values(h, text=text, dictionary=top in dictionary_columns)
                    for h in headers
                )
            except ValueError as exc:
                raise ValueError(f"column {name}: {exc}") from None
            if decoded > _limits.MAX_FILE_BYTES:
                msg = (
                    f"pages that decompress to over the cap of {_limits.MAX_FILE_BYTES} "
                    "bytes for one file"
                )
                raise ValueError(msg)
            list_values += values if top in list_columns else 0
            _check_count(name, values, chunk.num_values, group.num_rows, top in list_columns)
            if list_values > _limits.MAX_PARQUET_VALUES:
                msg = (
                    f"over the cap of {_limits.MAX_PARQUET_VALUES} values "
                    f"in its list columns (at column {name})"
                )
                raise ValueError(msg)


def _chunk_start(chunk: Any) -> int:
    """Where a reader starts on a column chunk: as Arrow's ComputeColumnChunkRange does."""
    start: int = chunk.data_page_offset
    dictionary = chunk.dictionary_page_offset if chunk.has_dictionary_page else None
    if dictionary and start > dictionary:
        start = dictionary
    return start


def _check_count(name: str, values: int, declared: int, rows: int, listed: bool) -> None:
    if values != declared:
        msg = f"column {name}: its pages hold {values} values, its footer says {declared}"
        raise ValueError(msg)
    if not listed and values != rows:
        msg = f"column {name}: {values} values in a row group of {rows} rows"
        raise ValueError(msg)


def _page_values(header: dict[int, Any], *, text: bool, dictionary: bool) -> int:
    """The values a data page holds (0 for a dictionary page); refuses unbounded encodings."""
    kind = header.get(1)
    if kind == _DICTIONARY_PAGE:
        if text and not dictionary:
            msg = "a dictionary page in a text column that is not an enum"
            raise ValueError(msg)
        return 0
    if kind not in (_DATA_PAGE, _DATA_PAGE_V2):
        msg = f"a page of type {kind!r} (only data and dictionary pages are read)"
        raise ValueError(msg)
    field, encoding_field = (5, 2) if kind == _DATA_PAGE else (8, 4)
    inner = header.get(field)
    if not isinstance(inner, dict):
        msg = "a data page without its header"
        raise ValueError(msg)
    encoding = _int(inner, encoding_field, "encoding")
    allowed = _DICTIONARY_ENCODINGS if dictionary else frozenset({_PLAIN})
    if text and encoding not in allowed:
        msg = f"text in encoding {encoding}, which this library neither writes nor reads"
        raise ValueError(msg)
    return _int(inner, 1, "value count")
