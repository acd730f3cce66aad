"""Read incident dates without guessing: every date is exact, partial or rejected.

Rules (the reasons are the texts of the rejects table):

* ISO 8601 text (``2023-07-12``, ``2023-07-12T09:00+09:00``) and dates that
  dateutil reads completely (``12 July 2023``) are dates; a time zone is
  converted to UTC, and a date without one is taken as UTC.
* Numbers and digit strings are ``yyyymmdd``, ``yyyymm`` or ``yyyy``: 20230712
  is 12 July 2023 (never nanoseconds after 1970). A year or a month is a partial
  date: the first instant of the period, with ``date_precision`` "year" or
  "month" (otherwise "day" or "time").
* ``dd/mm/yyyy`` and ``mm/dd/yyyy`` (also with ``.``, ``-`` or a space, and
  two-digit years, which are 1969-2068 as in POSIX ``strptime``) follow the
  file's convention: when some dates can only be day-first (25/07/2023) and others
  only month-first (07/25/2023), or when a date could be either (12/07/2023),
  the file is refused unless ``dayfirst`` is given; with ``dayfirst`` given, a
  date that does not fit it is rejected.
* A time without a date (``14:05``), a date without a year (``July 12``), an
  unknown time zone name (``JST``) and text over :data:`MAX_DATE_CHARS` are
  rejected, never filled in with today or a default.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from dateutil import parser as dateutil_parser

from .errors import InputError

__all__ = ["MAX_DATE_CHARS", "ParsedDates", "parse_dates"]

#: Date cells longer than this are rejected unread.
MAX_DATE_CHARS: int = 100

_BLANKS = {"", "nan", "NaN", "NaT", "None", "<NA>"}
_DIGITS = r"^[0-9]+$"
# The patterns matched on whole columns avoid \s and back-references, so that
# pandas runs them in pyarrow (RE2) instead of a Python loop; cells are stripped.
_TIME_ONLY = (
    r"^[0-9]{1,2}(?::[0-9]{2}){1,2}(?:[.,][0-9]+)?[ \t]*(?:[aApP]\.?[mM]\.?)?[ \t]*"
    r"(?:Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2})?$"
)
_DMY_LIKE = r"^[0-9]{1,2}[/.\- ][0-9]{1,2}[/.\- ](?:[0-9]{4}|[0-9]{2})(?:[T ].*)?$"
_DMY = re.compile(r"^([0-9]{1,2})([/.\- ])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})((?:[T ].*)?)$")
_ISO = (
    r"^[0-9]{4}[-/.](?:[0-9]{2}|[0-9]{1,2}[-/.][0-9]{1,2}(?:[T ][0-9]{1,2}(?::[0-9]{2}(?::[0-9]{2}"
    r"(?:[.,][0-9]+)?)?)?[ \t]*(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?)$"
)
_ISO_MONTH = r"^[0-9]{4}[-/.][0-9]{2}$"
_ISO_DAY = r"^[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}$"
_DIGIT_FORMATS = {8: ("%Y%m%d", "day"), 6: ("%Y%m", "month"), 4: ("%Y", "year")}
_UTC = "datetime64[us, UTC]"
_NUMBER_RULE = "a number must be a date as yyyymmdd, yyyymm or yyyy"


@dataclass(frozen=True)
class ParsedDates:
    """Dates in UTC, their precision, and why each unreadable one was rejected.

    ``dates`` and ``precision`` are aligned with the input by position;
    ``problems`` maps a position (from 0) to its reason.
    """

    dates: pd.Series
    precision: pd.Series
    problems: dict[int, str]


def _as_text(raw: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Return the cells as text, and a mask of the numbers that are not whole.

    Integers become digits, dates ISO text and blanks "".
    """
    if pd.api.types.is_bool_dtype(raw):
        return raw.astype(str), np.zeros(len(raw), dtype=bool)
    if pd.api.types.is_numeric_dtype(raw):
        values = raw.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(values) & (values == np.round(values)) & (values >= 0)
        text = np.where(whole, np.char.mod("%d", np.where(whole, values, 0)), "")
        fraction = np.isfinite(values) & ~whole
        text = np.where(fraction, raw.astype(str).to_numpy(), text)
        return pd.Series(text, index=raw.index, dtype=object), fraction
    if pd.api.types.is_string_dtype(raw) and not pd.api.types.is_object_dtype(raw):
        return raw.fillna(""), np.zeros(len(raw), dtype=bool)
    fraction = raw.map(lambda v: isinstance(v, float) and not v.is_integer()).to_numpy(dtype=bool)
    return raw.map(_cell_text, na_action="ignore").fillna(""), fraction


def _cell_text(value: object) -> str:
    """Return one cell of an object column as text (ISO for dates, digits for integers)."""
    if isinstance(value, dt.date):  # datetime, pandas Timestamp and date
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return str(int(value))
    return str(value)


def _reject_long_and_time_only(text: pd.Series, found: _Found) -> None:
    """Reject cells over :data:`MAX_DATE_CHARS` and times without a date."""
    lengths = text.str.len().to_numpy()
    for i in np.flatnonzero(found.todo & (lengths > MAX_DATE_CHARS)):
        n = int(lengths[i])
        found.reject(
            np.array([i]),
            f"date text is {n:,} characters long; at most {MAX_DATE_CHARS} are read",
            whole=True,
        )
    time_only = np.flatnonzero(found.todo & text.str.match(_TIME_ONLY).to_numpy(dtype=bool))
    for i in time_only:
        found.reject(np.array([i]), f"{text.iat[int(i)]!r} is a time without a date", whole=True)


def _digit_dates(text: pd.Series, found: _Found) -> None:
    """Read digit-only cells as yyyymmdd, yyyymm or yyyy."""
    lengths = text.str.len().to_numpy()
    for n, (fmt, precision) in _DIGIT_FORMATS.items():
        pick = np.flatnonzero(found.todo & found.digits & (lengths == n))
        if len(pick):
            parsed = pd.to_datetime(text.iloc[pick], format=fmt, errors="coerce", utc=True)
            found.set(pick, parsed, precision, "is not a valid yyyymmdd, yyyymm or yyyy date")
    rest = np.flatnonzero(found.todo & found.digits)
    found.reject(rest, _NUMBER_RULE)


def _dmy_parts(text: pd.Series, rows: np.ndarray) -> list[tuple[int, int, int, str, str]]:
    """Return (position, first, second, year, rest) of d/m/y-like cells."""
    out = []
    for i in rows:
        m = _DMY.match(text.iat[i])
        assert m is not None
        out.append((int(i), int(m[1]), int(m[3]), m[4], m[5]))
    return out


def _resolve_dayfirst(
    text: pd.Series, parts: list[tuple[int, int, int, str, str]], dayfirst: bool | None
) -> bool:
    """Return the convention of the d/m/y cells, or raise when the file does not say."""
    if dayfirst is not None:
        return dayfirst
    day = [p for p in parts if p[1] > 12 >= p[2]]
    month = [p for p in parts if p[2] > 12 >= p[1]]
    either = [p for p in parts if p[1] <= 12 and p[2] <= 12 and p[1] != p[2]]

    def show(p: tuple[int, int, int, str, str]) -> str:
        return f"{text.iat[p[0]]!r} (row {p[0] + 1})"

    fix = "pass dayfirst=True or dayfirst=False (--dayfirst or --monthfirst)"
    if day and month:
        raise InputError(
            f"dates mix day-first {show(day[0])} and month-first {show(month[0])}; {fix}"
        )
    if either and (day or month):
        known = show(day[0]) if day else show(month[0])
        order = "day-first" if day else "month-first"
        raise InputError(
            f"dates mix conventions: {known} is {order}, and {show(either[0])} could be read "
            f"either way; {fix}"
        )
    if either:
        raise InputError(
            f"cannot tell whether {show(either[0])} is day-first or month-first; {fix}"
        )
    return bool(day)


def _dmy_to_iso(text: pd.Series, found: _Found, dayfirst: bool | None) -> pd.Series:
    """Rewrite d/m/y cells as ISO text (rejecting those that do not fit the convention)."""
    rows = np.flatnonzero(found.todo & text.str.match(_DMY_LIKE).to_numpy(dtype=bool))
    rows = np.array([i for i in rows if _DMY.match(text.iat[i])], dtype=int)
    if not len(rows):
        return text
    parts = _dmy_parts(text, rows)
    first = _resolve_dayfirst(text, parts, dayfirst)
    iso = text.astype(object).copy()
    bad = []
    for i, a, b, year, rest in parts:
        day, month = (a, b) if first else (b, a)
        yyyy = (
            int(year)
            if len(year) == 4
            else (2000 + int(year) if int(year) < 69 else 1900 + int(year))
        )
        if not (1 <= month <= 12 and 1 <= day <= 31):
            bad.append(i)
            continue
        iso.iat[i] = f"{yyyy:04d}-{month:02d}-{day:02d}{rest}"
    order = "day-first" if first else "month-first"
    found.reject(
        np.array(bad, dtype=int), f"is not a {order} date (dd/mm or mm/dd as the file says)"
    )
    return iso


def _iso_dates(text: pd.Series, found: _Found) -> None:
    """Read ISO 8601 cells in one vectorised pass; the others are left to dateutil."""
    pick = np.flatnonzero(found.todo & text.str.match(_ISO).to_numpy(dtype=bool))
    if not len(pick):
        return
    cells = text.iloc[pick].astype(str)
    parsed = pd.to_datetime(cells, format="ISO8601", errors="coerce", utc=True)
    month = cells.str.match(_ISO_MONTH).to_numpy(dtype=bool)
    day = cells.str.match(_ISO_DAY).to_numpy(dtype=bool)
    ok = parsed.notna().to_numpy()
    for mask, precision in ((month, "month"), (day, "day"), (~month & ~day, "time")):
        chosen = pick[mask & ok]
        found.set(chosen, parsed.iloc[np.flatnonzero(mask & ok)], precision, "")


def _dateutil_one(text: str, dayfirst: bool) -> tuple[pd.Timestamp, str] | str:
    """Return (timestamp in UTC, precision) of one cell, or the reason it is rejected."""
    defaults = (dt.datetime(1, 1, 1, 0, 0, 0), dt.datetime(2, 2, 2, 1, 1, 1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            a, b = (dateutil_parser.parse(text, default=d, dayfirst=dayfirst) for d in defaults)
        except (ValueError, OverflowError, TypeError):
            return f"cannot read {text!r} as a date"
    if any(issubclass(w.category, dateutil_parser.UnknownTimezoneWarning) for w in caught):
        return f"unknown time zone in {text!r}; give an offset such as +09:00"
    if a.year != b.year:
        if a.month == b.month or a.day == b.day:
            return f"{text!r} has no year"
        if a.hour == b.hour:
            return f"{text!r} is a time without a date"
        return f"cannot read {text!r} as a date"
    if a.month != b.month:
        precision = "year"
    elif a.day != b.day:
        precision = "month"
    else:
        precision = "day" if a.hour != b.hour else "time"
    stamp = pd.Timestamp(a)
    stamp = stamp.tz_convert("UTC") if stamp.tzinfo else stamp.tz_localize("UTC")
    return stamp, precision


def _other_dates(text: pd.Series, found: _Found, dayfirst: bool | None) -> None:
    """Read the remaining cells one distinct text at a time with dateutil."""
    rows = np.flatnonzero(found.todo)
    if not len(rows):
        return
    codes, uniques = pd.factorize(text.iloc[rows].astype(str))
    results = [_dateutil_one(u, bool(dayfirst)) for u in uniques]
    for k, result in enumerate(results):
        pick = rows[codes == k]
        if isinstance(result, str):
            found.reject(pick, result, whole=True)
        else:
            stamps = pd.Series([result[0]] * len(pick), dtype=_UTC)
            found.set(pick, stamps, result[1], "")


class _Found:
    """Dates found so far, per position; ``todo`` marks cells not yet decided."""

    def __init__(self, text: pd.Series) -> None:
        n = len(text)
        self.text = text
        self.values = np.full(n, np.datetime64("NaT", "us"))
        self.precision = np.full(n, "", dtype=object)
        self.problems: dict[int, str] = {}
        self.todo = ~text.isin(_BLANKS).to_numpy(dtype=bool)
        self.digits = text.str.match(_DIGITS).to_numpy(dtype=bool)

    def set(self, rows: np.ndarray, parsed: pd.Series, precision: str, failure: str) -> None:
        """Record parsed dates at `rows`; NaT ones are rejected with `failure`."""
        values = pd.Series(parsed).astype(_UTC).dt.tz_localize(None).to_numpy()
        ok = ~np.isnat(values)
        self.values[rows[ok]] = values[ok]
        self.precision[rows[ok]] = precision
        self.todo[rows[ok]] = False
        if failure:
            self.reject(rows[~ok], failure)

    def reject(self, rows: np.ndarray, reason: str, *, whole: bool = False) -> None:
        """Reject the cells at `rows`: ``cannot read X as a date: reason`` (or `reason`)."""
        for i in rows:
            cell = self.text.iat[int(i)]
            self.problems[int(i)] = reason if whole else f"cannot read {cell!r} as a date: {reason}"
        self.todo[rows] = False


def parse_dates(raw: pd.Series, *, dayfirst: bool | None = None) -> ParsedDates:
    """Return the dates of a column in UTC, their precision and the rejected cells.

    Parameters
    ----------
    raw : pandas.Series
        The date column as read: text, numbers or datetimes.
    dayfirst : bool, optional
        The convention of ``12/07/2023``-style dates; by default it is taken from
        the file, and a file that does not settle it is refused.

    Returns
    -------
    ParsedDates
        ``dates`` (``datetime64[us, UTC]``, NaT when blank or rejected),
        ``precision`` ("year", "month", "day", "time" or "") and ``problems``.

    Raises
    ------
    InputError
        When the file mixes day-first and month-first dates, or has dates that
        could be either, and `dayfirst` is not given.

    Examples
    --------
    >>> out = parse_dates(pd.Series(["2023-07-12", 20230712, 2023, "14:05"]))
    >>> out.dates.dt.strftime("%Y-%m-%d").tolist()[:3], out.precision.tolist()[:3]
    (['2023-07-12', '2023-07-12', '2023-01-01'], ['day', 'day', 'year'])
    >>> out.problems
    {3: "'14:05' is a time without a date"}
    """
    if isinstance(raw.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(raw):
        dates = raw.dt.tz_convert("UTC") if raw.dt.tz is not None else raw.dt.tz_localize("UTC")
        precision = np.where(dates.notna().to_numpy(), "time", "")
        return ParsedDates(dates.astype(_UTC), pd.Series(precision, index=raw.index), {})
    text, fraction = _as_text(raw.reset_index(drop=True))
    text = text.str.strip()
    found = _Found(text)
    found.reject(np.flatnonzero(fraction & found.todo), _NUMBER_RULE)
    _reject_long_and_time_only(text, found)
    _digit_dates(text, found)
    text = _dmy_to_iso(text, found, dayfirst)
    _iso_dates(text, found)
    _other_dates(text, found, dayfirst)
    dates = pd.Series(found.values, index=raw.index).dt.tz_localize("UTC")
    return ParsedDates(dates, pd.Series(found.precision, index=raw.index), found.problems)
