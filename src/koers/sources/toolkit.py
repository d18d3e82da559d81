"""The text and number toolkit every importer shares; no importer owns it.

Decoding a file's bytes (UTF-8 with or without BOM, no NUL characters), reading JSON that
Python can hold, telling a CSV's separator from its header and reading its rows with the
line where the ``csv`` module gives up, numbers in Dutch or English notation that must be
finite, publishers' marks for a missing value (:data:`MISSING_MARKS`), and the short quotes
and suggestions of messages. Whatever goes wrong is a :class:`SourceError` naming the file
and, where there is one, the line; a cell that is not a number is a ``ValueError`` whose
Dutch message the importer places at its row and column.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from koers.sources.base import SourceError, SourceIssue

MISSING_MARKS = {
    "": "leeg",
    ".": "geheim of niet beschikbaar (.)",
    "x": "geheim (x)",
    "-": "nihil of niet van toepassing (-)",
    "NA": "niet beschikbaar (NA)",
    "-99997": "geheim of niet beschikbaar (CBS -99997)",
    "-99995": "niet van toepassing (CBS -99995)",
    "-99996": "niet van toepassing (CBS -99996)",
    "-99998": "ontbreekt (CBS -99998)",
    "-99999": "onbekend (CBS -99999)",
}
"""Marks publishers use for a value they do not give: missing with a reason, never zero.

The CBS sentinels (-99995 … -99999, in KWB files and the Wijk- en Buurtkaart) stand in
numeric columns where CBS gives no number; they count as marks however the cell writes
them: as text (``-99997``, ``-99997.0``, ``-99997,0``, padded with spaces) or as a number
(see :func:`missing_mark` and :func:`sentinel`)."""

_SENTINEL_TEXT = re.compile(r"-9999[5-9](?:[.,]0*)?")

MAX_JSON_DEPTH = 64
"""Deepest nesting of lists and objects a JSON file may have (GeoJSON needs about 8)."""


DUTCH_NUMBER = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?")
"""Dutch notation with grouping dots: ``1.234`` or ``1.234,5`` (never ``12.4``)."""
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
"""What ``float`` may read after the notation is settled: no ``nan``, ``inf``, ``1_000``."""
SHOWN = 40
"""Characters of a cell quoted in a message; a longer cell is cut."""
MAX_FIELDS = 10_000
"""Most fields a CSV line may have (the widest real file, a Wijkprofiel sheet, has ~200)."""

_T = TypeVar("_T")


def shown(text: str) -> str:
    """A cell's text for a message: cut when it is long."""
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}… ({len(text)} tekens)"


def parse_number(text: str, dutch: bool) -> float:
    """A number in Dutch or English notation; ValueError (with the reason) when it is none.

    In Dutch notation a dot only groups thousands, so ``12.4`` is refused rather than read
    as 124.
    """
    raw = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if dutch and "." in raw and not DUTCH_NUMBER.fullmatch(raw):
        raise ValueError(
            f"'{shown(text)}' is geen getal in Nederlandse schrijfwijze (een punt scheidt "
            f"duizendtallen, de komma is het decimaalteken: 1.234,5)"
        )
    if dutch or ("," in raw and "." not in raw):
        raw = raw.replace(".", "").replace(",", ".")
    if not PLAIN_NUMBER.fullmatch(raw):
        raise ValueError(f"'{shown(text)}' is geen getal")
    number = float(raw)
    if not math.isfinite(number):
        raise ValueError(not_finite(text, number))
    return number


def missing_mark(text: str) -> str | None:
    """Why a cell's text stands for a missing value (a mark of :data:`MISSING_MARKS`, in any
    case, or a CBS sentinel however written); None when it is no such mark."""
    text = text.strip()
    for mark in (text, text.lower(), text.upper()):
        if mark in MISSING_MARKS:
            return MISSING_MARKS[mark]
    return sentinel_text(text)


def sentinel_text(text: str) -> str | None:
    """Why a cell's text is a CBS sentinel (``-99997``, ``-99997.0``, ``-99997,0``); else
    None. The long CSV, which takes no other marks, takes these."""
    text = text.strip()
    return MISSING_MARKS[text[:6]] if _SENTINEL_TEXT.fullmatch(text) else None


def sentinel(number: float) -> str | None:
    """Why a number is a CBS sentinel for a missing value (-99995 … -99999); else None."""
    if -99999 <= number <= -99995 and number.is_integer():
        return MISSING_MARKS[str(int(number))]
    return None


def not_finite(text: str, number: float) -> str:
    """Why a cell that reads as NaN or infinity (``1e400``, 400 digits) is refused."""
    if math.isnan(number):
        return f"'{shown(text)}' is geen getal"
    return f"'{shown(text)}' is te groot om als getal te bewaren"


def finite(raw: int | float) -> float:
    """A native number (a spreadsheet or JSON cell) as a float; ValueError, worded by
    :func:`not_finite`, for NaN, infinity and an integer beyond any float."""
    try:
        number = float(raw)
    except OverflowError:  # an integer beyond any float
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(not_finite(str(raw), number))
    return number


def decode(data: bytes, name: str) -> str:
    """The text of a file: UTF-8 (with or without BOM) and without NUL characters, which no
    text file has (UTF-16 without a BOM is full of them) and PostgreSQL cannot store."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            [SourceIssue(name, None, None, f"geen UTF-8 tekst (byte {error.start})")]
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise SourceError(
            [
                SourceIssue(
                    name,
                    text.count("\n", 0, nul) + 1,
                    None,
                    "een NUL-teken: geen tekstbestand, of UTF-16; sla het op als UTF-8",
                )
            ]
        )
    return text


def delimiter(header: str) -> str:
    """The separator of a CSV, read from its header line: ``;`` when the line has more of
    them than ``,`` (a Dutch file, with decimal commas), else ``,``."""
    return ";" if header.count(";") > header.count(",") else ","


def dict_reader(text: str, name: str) -> tuple[csv.DictReader[str], bool]:
    """A reader with lower-cased, trimmed column names; and whether the file is Dutch (';').

    Iterate it through :func:`csv_rows`, which turns what the csv module cannot read into a
    :class:`SourceError`."""
    separator = delimiter(text.split("\n", 1)[0])
    dutch = separator == ";"
    reader = csv.DictReader(io.StringIO(text), delimiter=separator)
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as error:
        raise csv_error(name, reader.line_num + 1, error) from None
    if len(fieldnames) > MAX_FIELDS:
        raise _too_wide(name, 1, len(fieldnames))
    reader.fieldnames = [c.strip().lower() for c in fieldnames]
    return reader, dutch


def csv_rows(reader: Iterator[_T], name: str) -> Iterator[_T]:
    """The rows of a ``csv`` reader; a :class:`SourceError` naming the line where the csv
    module gives up (a field over its size limit, a stray carriage return)."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # line_num counts the lines read before this one
            raise csv_error(name, getattr(reader, "line_num", 0) + 1, error) from None
        if isinstance(row, dict):  # a DictReader's: fields past the header are under None
            width = len(row) + len(row.get(None) or ())
        else:
            width = len(row) if isinstance(row, list) else 0
        if width > MAX_FIELDS:
            raise _too_wide(name, getattr(reader, "line_num", None), width)
        yield row


def _too_wide(name: str, line: int | None, width: int) -> SourceError:
    message = f"{width} velden op één regel; meer dan {MAX_FIELDS} kan geen tabel zijn"
    return SourceError([SourceIssue(name, line, None, message)])


def csv_error(name: str, line: int, error: csv.Error) -> SourceError:
    text = str(error)
    if "field limit" in text:
        message = (
            f"een veld is langer dan {csv.field_size_limit()} tekens; is dit wel een "
            f"CSV-bestand, en is elk aanhalingsteken gesloten?"
        )
    elif "new-line character" in text:
        message = (
            "een regeleinde (CR) midden in een veld zonder aanhalingstekens; sla het "
            "bestand op met gewone regeleinden"
        )
    else:
        message = f"geen geldige CSV-regel ({text})"
    return SourceError([SourceIssue(name, line, None, message)])


def load_json(text: str, name: str) -> Any:
    """``json.loads`` for a file. Raises ``json.JSONDecodeError`` (the caller words it) or a
    :class:`SourceError` for JSON Python cannot or should not hold: nested deeper than
    :data:`MAX_JSON_DEPTH`, or an integer of more than 4300 digits."""

    def fail(message: str) -> SourceError:
        return SourceError([SourceIssue(name, None, None, f"geen geldige JSON: {message}")])

    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise fail(f"te diep genest (meer dan {MAX_JSON_DEPTH} niveaus)") from None
    except ValueError:  # Python reads no integer of more than 4300 digits
        raise fail("een getal met meer dan 4300 cijfers") from None
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise fail(f"te diep genest (meer dan {MAX_JSON_DEPTH} niveaus)")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return document


def suggest(value: str, candidates: Iterable[str]) -> str:
    """' (bedoelde u: a, b?)' with the closest known names, or ''."""
    close = difflib.get_close_matches(value, list(candidates), n=3, cutoff=0.6)
    return f" (bedoelde u: {', '.join(close)}?)" if close else ""


def shown_json(value: Any) -> str:
    """A JSON value for a message, cut as :func:`shown` cuts a cell."""
    return shown(json.dumps(value, ensure_ascii=False))
