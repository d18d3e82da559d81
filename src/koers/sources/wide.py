"""The ``csv-wide`` format: a partner's CSV with areas as rows, and indicators (one period)
or years (one indicator) as columns.

The layouts, their mappings, area codes, numbers and missing values are those of
:mod:`koers.sources.tables`. The separator is ``;`` or ``,`` (read from the header); a
``;``-separated file uses Dutch notation, a ``,``-separated one English, exactly as the long
CSV. A column ``indicator`` belongs to the long layout: such a file is format ``csv``.
Row numbers in messages are the CSV's line numbers, the header being row 1.
"""

from __future__ import annotations

import csv

from koers.sources.base import ImportContext, Reading, SourceError
from koers.sources.tables import (
    AREA_COLUMNS,
    NO_AREA_COLUMN,
    Cell,
    Row,
    Table,
    read_wide,
    refuse_repeated_columns,
)
from koers.sources.toolkit import csv_rows, decode, dict_reader


class WideCsv:
    """A CSV with areas as rows; indicators or years as columns (see the module doc)."""

    format = "csv-wide"

    def sniff(self, data: bytes, name: str) -> bool:
        if not name.lower().endswith((".csv", ".txt")):
            return False
        header = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
        try:
            reader, _ = dict_reader(header, name)
        except SourceError:  # not even a CSV header
            return False
        keys = set(reader.fieldnames or [])
        return "indicator" not in keys and any(c in keys for c in AREA_COLUMNS)

    def read(self, data: bytes, name: str, context: ImportContext) -> Reading:
        table = _csv_table(data, name)
        if "indicator" in table.keys:
            raise SourceError(
                [
                    table.issue(
                        1,
                        table.keys.index("indicator"),
                        "een kolom 'indicator' hoort bij het lange formaat; "
                        "lees dit bestand met --format csv",
                    )
                ]
            )
        if table.index(*AREA_COLUMNS) is None:
            raise SourceError([table.issue(1, None, NO_AREA_COLUMN)])
        return read_wide(table, context, "csv")


def _csv_table(data: bytes, name: str) -> Table:
    text = decode(data, name)
    reader, dutch = dict_reader(text, name)
    keys = list(reader.fieldnames or [])
    first_line = text.split("\n", 1)[0].rstrip("\r")
    try:
        written = next(csv.reader([first_line], delimiter=";" if dutch else ","), [])
    except csv.Error:  # a header that spans lines: keep the lower-cased names
        written = []
    columns = [c.strip() for c in written] if len(written) == len(keys) else keys
    refuse_repeated_columns(name, 1, columns)
    rows = []
    for record in csv_rows(reader, name):
        cells: list[Cell] = [record.get(key) for key in keys]
        rows.append(Row(reader.line_num, cells, too_long=None in record))
    return Table(name, 1, columns, rows, dutch)
