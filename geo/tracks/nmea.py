r"""Read AIS NMEA 0183 logs (``!AIVDM``/``!AIVDO``) as positions, every line accounted for.

Sentences are checked and decoded with pyais (the ``nmea`` extra). Raw AIVDM carries no
date, so each position takes its time from its line, in one of two forms:

* an NMEA 4.10 **tag block** with a ``c:`` field, UNIX seconds (UTC), before the sentence:
  ``\c:1672876801*hh\!AIVDM,1,1,,A,...``;
* an **ISO 8601 timestamp** before the sentence and a space, a tab or a comma (what
  loggers write): ``2023-01-05T00:00:01Z !AIVDM,...`` or ``2023-01-05 00:00:01,!AIVDM,...``;
  a time without a zone is UTC and an offset is converted, as in CSV files.

When a line has both, the tag block's ``c:`` is taken. A message of several sentences
(a type 5 takes two) is joined by its fragment count and number, sequential id and
channel, and takes the time of its first sentence that has one.

Every non-blank line ends in one of three places, so that positions + not positions +
rejected = lines read (``lines_read``; blank lines are not counted):

* **a position**: a message of type 1, 2, 3 (class A), 18, 19 (class B) or 27 (long
  range) with a time: a row of ``frame``, its ``row`` the line number (of the first
  sentence of a message of several);
* **not a position** (``not_positions``): a good sentence that holds no vessel
  position (type 5 static data, 24, 4 base stations, 21 aids to navigation...; an NMEA
  sentence that is not AIS, such as ``$GPGGA``; or a later sentence of a message that is
  counted on the line of its first sentence): these are skipped, not errors;
* **rejected** (``rejects``): text that is not an NMEA sentence, a bad checksum, a
  broken sentence or an undecodable payload, a message whose other sentences are missing
  (unless its first sentence says it is no position), or a position with no time.

The values are the CSV reader's: ``mmsi`` as 9-digit text, ``lat``/``lon`` as sent (91
and 181, "not available", are rejected by :func:`geo.load_tracks` as in CSV files),
``sog`` and ``cog`` in knots and degrees with AIS's "not available" (102.3, 360), which
the flags of :mod:`geo.tracks.clean` read; a type 27's 63 kn and 511° are written as those.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from .. import settings
from ..coords import excerpt
from ..errors import InputError

__all__ = ["NMEA_SUFFIXES", "POSITION_TYPES", "NmeaLines", "is_nmea", "read_nmea"]

#: File endings always read as NMEA (also with .gz, .bz2 or .xz after them); any other
#: file but Parquet is read as NMEA when its first non-blank line is an NMEA sentence.
NMEA_SUFFIXES: tuple[str, ...] = (".nmea", ".ais")

#: AIS message types that are vessel position reports (ITU-R M.1371), with their names.
POSITION_TYPES: dict[int, str] = {
    1: "position report, class A",
    2: "position report, class A (assigned schedule)",
    3: "position report, class A (response to interrogation)",
    18: "position report, class B",
    19: "extended position report, class B",
    27: "long-range position report",
}

#: The other message types of ITU-R M.1371, for the reasons of lines that are no position.
_OTHER_TYPES: dict[int, str] = {
    4: "base station report", 5: "static and voyage data", 6: "addressed binary message",
    7: "binary acknowledge", 8: "binary broadcast message", 9: "SAR aircraft position report",
    10: "UTC and date inquiry", 11: "UTC and date response", 12: "addressed safety message",
    13: "safety acknowledge", 14: "safety broadcast message", 15: "interrogation",
    16: "assigned mode command", 17: "DGNSS broadcast", 20: "data link management",
    21: "aid-to-navigation report", 22: "channel management", 23: "group assignment",
    24: "static data report", 25: "single-slot binary message",
    26: "multiple-slot binary message",
}  # fmt: skip

_COMPRESSED = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
_TIMESTAMP = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
_SEPARATOR = r"(?:[ \t]*,[ \t]*|[ \t]+)"
#: A logger's timestamp, then a comma or white space.
_PREFIX = re.compile(rf"({_TIMESTAMP}){_SEPARATOR}")
#: The start of a line of NMEA: optional timestamp, optional tag block, a sentence address.
_SNIFF = re.compile(rf"(?:{_TIMESTAMP}{_SEPARATOR})?(?:\\[^\\]*\\)?[!$][A-Z][A-Z0-9]{{4}},")
_SENTENCE = re.compile(r"([!$][^*]*)\*([0-9A-Fa-f]{2})")
#: The characters of AIS's six-bit payload armour.
_ARMOUR = re.compile(r"[0-W`-w]*")
_NO_TIME = "no time (no tag block c: field or timestamp prefix)"
_VALUE_CHARS = 200  # the most of a line kept as a reject's value


@dataclass
class NmeaLines:
    """An NMEA file read: its positions and where every other line went.

    ``frame`` has one row per position (``mmsi``, ``time``, ``lat``, ``lon``, ``sog``,
    ``cog``, ``msg_type``) and ``rows`` its line numbers (from 1); ``rejects`` and
    ``not_positions`` are records with ``row``, ``column``, ``value``, ``reason``.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    rejects: list[dict[str, object]]
    not_positions: list[dict[str, object]]
    lines_read: int


@dataclass
class _Line:
    """One sentence of AIS, checked, with its time (or why it has none)."""

    row: int
    text: str
    sentence: Any  # pyais AISSentence
    time: datetime | None
    no_time: str


class _Bad(Exception):
    """A line (or message) that is rejected, or is not a position (``rejected=False``)."""

    def __init__(self, column: str, reason: str, *, rejected: bool = True) -> None:
        super().__init__(reason)
        self.column, self.reason, self.rejected = column, reason, rejected


@dataclass
class _Outcomes:
    """The records of the lines read so far."""

    positions: list[dict[str, object]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    rejects: list[dict[str, object]] = field(default_factory=list)
    not_positions: list[dict[str, object]] = field(default_factory=list)

    def put(self, row: int, text: str, column: str, reason: str, *, rejected: bool) -> None:
        value = text if len(text) <= _VALUE_CHARS else text[:_VALUE_CHARS] + "…"
        record = {"row": row, "column": column, "value": value, "reason": reason}
        (self.rejects if rejected else self.not_positions).append(record)

    def message(self, parts: list[_Line], column: str, reason: str, *, rejected: bool) -> None:
        """Put a whole message: its first line with the reason, the others pointing to it."""
        first = parts[0]
        self.put(first.row, first.text, column, reason, rejected=rejected)
        for part in parts[1:]:
            note = (f"part {part.sentence.frag_num} of {part.sentence.frag_cnt} of the message "
                    f"on line {first.row}")  # fmt: skip
            self.put(part.row, part.text, column, note + (f": {reason}" if rejected else ""),
                     rejected=rejected)  # fmt: skip


def _open(path: Path) -> IO[bytes]:
    opener = _COMPRESSED.get(path.suffix.lower())
    return opener(path, "rb") if opener else path.open("rb")  # type: ignore[operator]


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, stripped text) of the non-blank lines; bytes not ASCII shown as �."""
    with _open(path) as f:
        for row, raw in enumerate(f, start=1):
            if row == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark
            text = raw.decode("ascii", errors="replace").strip()
            if text:
                yield row, text


def is_nmea(path: str | Path) -> bool:
    """Tell whether a file is read as NMEA: by its ending, else by its first non-blank line.

    Parameters
    ----------
    path : str or Path
        The file. Parquet files never are; ``.nmea`` and ``.ais`` files (also ``.gz``,
        ``.bz2``, ``.xz``) always are; other files are when their first non-blank line
        is an NMEA sentence (``!`` or ``$`` and a five-letter address, after an optional
        timestamp and tag block).

    Returns
    -------
    bool

    Examples
    --------
    >>> is_nmea("day.nmea"), is_nmea("day.ais.gz"), is_nmea("day.parquet")
    (True, True, False)
    """
    p = Path(path)
    lower = p.name.lower()
    bare = next((lower[: -len(s)] for s in _COMPRESSED if lower.endswith(s)), lower)
    if bare.endswith(NMEA_SUFFIXES):
        return True
    if bare.endswith((".parquet", ".geoparquet", ".pq", ".zip")) or not p.is_file():
        return False
    try:
        first = next(_lines(p), None)
    except (OSError, EOFError, lzma.LZMAError):  # not what its ending says: the reader tells
        return False
    return first is not None and _SNIFF.match(first[1]) is not None


def _checksum(text: str) -> int:
    out = 0
    for char in text.encode("ascii"):
        out ^= char
    return out


def _tag_time(tag: str) -> tuple[datetime | None, str] | None:
    """Return the time of a tag block's ``c:`` field (or None and why); None if it has none."""
    from pyais import TagBlock

    block = TagBlock(tag.encode("ascii"))
    block.init()
    if "*" not in tag:
        raise _Bad("checksum", "the tag block has no checksum (*hh)")
    if not block.is_valid:
        given = tag.rpartition("*")[2]
        raise _Bad("checksum", f"tag block checksum *{given} does not match its fields "
                   f"(*{_checksum(tag.partition('*')[0]):02X}): the line is damaged")  # fmt: skip
    c = block.receiver_timestamp
    if c is None:
        return None
    try:
        seconds = float(c)
        if not 0 <= seconds < 1e11:  # 1e11 s is the year 5138: c: is never milliseconds
            raise ValueError(c)
        return datetime.fromtimestamp(seconds, UTC), ""
    except (ValueError, OverflowError):
        hint = " (milliseconds? it is in seconds)" if c.strip().isdigit() else ""
        return None, f"tag block c: {c!r} is not a UNIX time in seconds{hint}"


def _prefix_time(stamp: str) -> tuple[datetime | None, str]:
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return None, f"timestamp {stamp!r} is not a date and time"
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC), ""
    return when.astimezone(UTC), ""


def _parse(row: int, text: str) -> _Line:
    """Check one line: timestamp, tag block, checksum, AIS sentence; raise _Bad if it fails."""
    from pyais import AISSentence
    from pyais.exceptions import AISBaseException

    if not text.isascii():
        raise _Bad("sentence", "the line has characters that are not ASCII: not NMEA")
    rest, time, no_time = text, None, _NO_TIME
    prefix = _PREFIX.match(text)
    if prefix:
        rest = text[prefix.end() :]
        time, no_time = _prefix_time(prefix.group(1))
    if rest.startswith("\\"):
        tag, closed, rest = rest[1:].partition("\\")
        if not closed:
            raise _Bad("sentence", "the tag block has no closing '\\'")
        stamped = _tag_time(tag)
        if stamped is not None:
            time, no_time = stamped
    sentence = _SENTENCE.fullmatch(rest)
    if sentence is None:
        if rest[:1] in ("!", "$"):
            raise _Bad("checksum", "no checksum (*hh) at the end of the sentence")
        start = min((i for i in map(rest.find, "!$\\") if i > 0), default=-1)
        if start > 0 and not prefix:
            raise _Bad("sentence", f"{excerpt(rest[:start].strip())} before the sentence is not "
                       "an ISO 8601 timestamp with a space or a comma after it (e.g. "
                       "'2023-01-05T00:00:01Z ')")  # fmt: skip
        raise _Bad("sentence", "not an NMEA sentence (expected !AIVDM or !AIVDO, after an "
                   "optional timestamp or tag block)")  # fmt: skip
    body, given = sentence.groups()
    actual = _checksum(body[1:])
    if actual != int(given, 16):
        raise _Bad("checksum", f"checksum *{given} does not match the sentence (*{actual:02X}): "
                   "the line is damaged")  # fmt: skip
    address = body.split(",", 1)[0]
    if address[3:].upper() not in ("VDM", "VDO") or len(address) != 6:
        raise _Bad("sentence", f"{address} is not an AIS sentence (!AIVDM, !AIVDO)",
                   rejected=False)  # fmt: skip
    try:
        ais = AISSentence(rest.encode("ascii"))
    except (AISBaseException, ValueError) as exc:
        raise _Bad("sentence", f"not a valid AIS sentence: {exc}") from exc
    if not _ARMOUR.fullmatch(ais.payload.decode("ascii")):
        raise _Bad("payload", "the payload has characters outside AIS's six-bit armour")
    return _Line(row, text, ais, time, no_time)


def _decode(parts: list[_Line]) -> dict[str, object]:
    """Decode a whole message into a position's values; raise _Bad if it holds none."""
    from pyais import AISSentence
    from pyais.exceptions import AISBaseException

    sentence = AISSentence.assemble_from_iterable([p.sentence for p in parts])
    kind = sentence.ais_id if sentence.payload else -1
    if kind in _OTHER_TYPES:
        raise _Bad("message", f"message type {kind} ({_OTHER_TYPES[kind]}) is not a vessel "
                   "position report", rejected=False)  # fmt: skip
    if kind not in POSITION_TYPES:
        what = "the payload is empty" if kind < 0 else f"message type {kind} does not exist"
        raise _Bad("payload", f"{what} (AIS message types are 1..27)")
    try:
        msg: Any = sentence.decode()
    except (AISBaseException, ValueError) as exc:
        raise _Bad("payload", f"cannot decode the payload: {exc}") from exc
    fields: list[Any] = [getattr(msg, k, None) for k in ("mmsi", "lat", "lon", "speed", "course")]
    mmsi, lat, lon, sog, cog = fields
    if None in fields:
        bits = 6 * len(sentence.payload) - sentence.fill_bits
        raise _Bad("payload", f"the payload is {bits} bits, too short for message type {kind}")
    time = next((p.time for p in parts if p.time is not None), None)
    if time is None:
        raise _Bad("time", parts[0].no_time)
    if kind == 27:  # 6-bit knots and 9-bit degrees, with their own "not available"
        sog = settings.AIS_SOG_UNAVAILABLE_KN if sog == 63 else sog
        cog = settings.AIS_COG_UNAVAILABLE_DEG if cog == 511 else cog
    return {"mmsi": f"{mmsi:09d}", "time": time, "lat": float(lat), "lon": float(lon),
            "sog": float(sog), "cog": float(cog), "msg_type": kind}  # fmt: skip


class _Assembler:
    """Join the sentences of each message (in order), and put each message's outcome."""

    def __init__(self, out: _Outcomes) -> None:
        self.out = out
        self.pending: dict[tuple[object, str], list[_Line]] = {}

    def add(self, line: _Line) -> None:
        s = line.sentence
        if s.frag_cnt == 1:
            self.finish([line])
            return
        key = (s.seq_id, s.channel)
        parts = self.pending.pop(key, [])
        if parts and (s.frag_cnt != parts[0].sentence.frag_cnt or s.frag_num != len(parts) + 1):
            self.incomplete(parts)
            parts = []
        if not parts and s.frag_num != 1:
            self.out.put(line.row, line.text, "sentence", f"part {s.frag_num} of {s.frag_cnt} "
                         "of a message whose first part is missing", rejected=True)  # fmt: skip
            return
        parts.append(line)
        if len(parts) == s.frag_cnt:
            self.finish(parts)
        else:
            self.pending[key] = parts

    def incomplete(self, parts: list[_Line]) -> None:
        """Put a message whose later parts never came: no position if its first part says so."""
        s = parts[0].sentence
        n, total = len(parts) + 1, s.frag_cnt
        missing = (f"part {n} of {total} is missing" if n == total
                   else f"parts {n}..{total} of {total} are missing")  # fmt: skip
        if s.ais_id in _OTHER_TYPES:
            reason = (f"message type {s.ais_id} ({_OTHER_TYPES[s.ais_id]}) is not a vessel "
                      f"position report ({missing})")  # fmt: skip
            self.out.message(parts, "message", reason, rejected=False)
        else:
            self.out.message(parts, "sentence", f"an incomplete message: {missing}", rejected=True)

    def finish(self, parts: list[_Line]) -> None:
        try:
            values = _decode(parts)
        except _Bad as bad:
            self.out.message(parts, bad.column, bad.reason, rejected=bad.rejected)
            return
        self.out.positions.append(values)
        self.out.rows.append(parts[0].row)
        for part in parts[1:]:  # later sentences: the position is on the first one's line
            self.out.put(part.row, part.text, "message", f"part {part.sentence.frag_num} of "
                         f"{part.sentence.frag_cnt} of the position on line {parts[0].row}",
                         rejected=False)  # fmt: skip

    def close(self) -> None:
        for parts in self.pending.values():
            self.incomplete(parts)
        self.pending.clear()


def _require_pyais(name: str) -> None:
    try:
        import pyais  # noqa: F401
    except ImportError as exc:
        raise InputError("reading NMEA (AIS sentences) needs pyais: "
                         "pip install 'flashpoints[nmea]'", source=name) from exc  # fmt: skip


def read_nmea(path: str | Path) -> NmeaLines:
    r"""Read an NMEA file of AIS sentences: positions, and every other line with its reason.

    Parameters
    ----------
    path : str or Path
        The file (``.gz``, ``.bz2``, ``.xz`` are read compressed).

    Returns
    -------
    NmeaLines
        Positions (``frame``, line numbers in ``rows``), ``rejects``, ``not_positions``
        and ``lines_read`` (non-blank lines), which the others add up to.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> log = pathlib.Path(tempfile.mkdtemp()) / "day.nmea"
    >>> _ = log.write_text("2023-01-05T00:00:01Z !AIVDM,1,1,,A,168rO0OP1s8mEa0>fwT1j001P000,0*79\n"
    ...                    "!AIVDM,1,1,,A,168rO0OP1s8mEa0>fwT1j001P000,0*79\n")
    >>> read = read_nmea(log)
    >>> read.frame[["mmsi", "lat", "lon", "sog"]].values.tolist(), read.rows.tolist()
    ([['412000001', 25.75, 123.5, 12.3]], [1])
    >>> [(r["row"], r["reason"]) for r in read.rejects]
    [(2, 'no time (no tag block c: field or timestamp prefix)')]
    """
    name = str(path)
    _require_pyais(name)
    out = _Outcomes()
    assembler = _Assembler(out)
    lines = 0
    try:
        for row, text in _lines(Path(path)):
            lines += 1
            try:
                assembler.add(_parse(row, text))
            except _Bad as bad:
                out.put(row, text, bad.column, bad.reason, rejected=bad.rejected)
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise InputError(f"cannot read the file: {exc}", source=name) from exc
    assembler.close()
    columns = ["mmsi", "time", "lat", "lon", "sog", "cog", "msg_type"]
    frame = pd.DataFrame(out.positions, columns=columns)
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    frame["msg_type"] = frame["msg_type"].astype("int64")
    by_row = itemgetter("row")
    return NmeaLines(frame, np.asarray(out.rows, dtype=np.int64), sorted(out.rejects, key=by_row),
                     sorted(out.not_positions, key=by_row), lines)  # fmt: skip
