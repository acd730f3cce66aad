"""Cutting tracks into segments at long gaps, and the legs between positions.

A vessel's track is cut where two consecutive kept positions are further apart
in time than ``max_gap`` (default 6 h): nothing is assumed about where a vessel
was during such a gap. Shorter gaps stay inside a segment; the time of a leg
longer than ``dark_after`` (default 1 h) counts as *dark* (the vessel is assumed
to have sailed the geodesic at constant speed, but no report confirms it).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from ..errors import InputError

__all__ = [
    "as_seconds",
    "check_positions",
    "excluded_rows",
    "require_columns",
    "segment_numbers",
    "segments",
    "utc_seconds",
]

#: Columns every positions frame has (:func:`geo.load_tracks` makes them).
POSITION_COLUMNS = ("vessel_id", "time", "lat", "lon")


def as_seconds(value: pd.Timedelta | float | str, *, name: str) -> float:
    """Return a duration given as a Timedelta (or text such as "6h") or as hours, in seconds."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        seconds = float(value) * 3600.0
    else:
        try:
            seconds = pd.Timedelta(value).total_seconds()
        except (TypeError, ValueError):
            raise InputError(
                f"{name} must be a pandas Timedelta, a duration text such as '6h', or hours "
                f"as a number; got {value!r}"
            ) from None
    if not seconds > 0:
        raise InputError(f"{name} must be positive; got {value!r}")
    return seconds


def check_positions(tracks: object, *, caller: str) -> pd.DataFrame:
    """Return ``tracks`` when it holds positions as :func:`geo.load_tracks` returns them.

    Raises
    ------
    geo.errors.InputError
        Naming ``caller``, what is missing and how to get it.
    """
    frame = require_columns(tracks, POSITION_COLUMNS, caller=caller,
                            what="positions from geo.load_tracks",
                            fix="run geo.load_tracks(frame_or_path) first")  # fmt: skip
    if not isinstance(frame["time"].dtype, pd.DatetimeTZDtype):
        raise InputError("the time column must be timezone-aware (UTC); run geo.load_tracks first")
    return frame


def require_columns(frame: object, columns: Iterable[str], *, caller: str, what: str,
                    fix: str) -> pd.DataFrame:  # fmt: skip
    """Return ``frame`` when it is a frame with ``columns``; else raise what ``caller`` takes.

    The message: "{caller} takes {what} (missing a, b); {fix}" (or "..., not <type>").
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{caller} takes {what}, not {type(frame)}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{caller} takes {what} (missing {', '.join(missing)}); {fix}")
    return frame


def segment_numbers(
    vessel: np.ndarray, t_s: np.ndarray, max_gap_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return (global segment number, segment number within the vessel) of each position.

    ``vessel`` (integer codes) and ``t_s`` (seconds) are sorted by vessel and time.
    """
    n = len(t_s)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    new_vessel = np.r_[True, vessel[1:] != vessel[:-1]]
    new = new_vessel | np.r_[True, np.diff(t_s) > max_gap_s]
    seg = np.cumsum(new) - 1
    first_of_vessel = np.maximum.accumulate(np.where(new_vessel, seg, 0))
    return seg, seg - first_of_vessel


def segments(
    tracks: gpd.GeoDataFrame, *, max_gap: pd.Timedelta | float = settings.TRACK_MAX_GAP_H
) -> gpd.GeoDataFrame:
    """Return the positions with ``segment_id``: 0, 1, ... within each vessel (a new frame).

    Parameters
    ----------
    tracks : geopandas.GeoDataFrame
        Positions from :func:`geo.load_tracks` (sorted by vessel and time).
    max_gap : pandas.Timedelta or float, default 6.0
        A longer time between two positions starts a new segment (a number is hours).
        Duplicate and jump rows are left out of the decision; they take the segment
        of the position before them.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``tracks`` with ``segment_id``.

    Examples
    --------
    >>> import geo, pandas as pd
    >>> t = geo.load_tracks(pd.DataFrame({"vessel_id": ["a", "a", "a"],
    ...     "time": ["2023-01-01 00:00", "2023-01-01 01:00", "2023-01-01 11:00"],
    ...     "lat": [20.0, 20.1, 20.2], "lon": [140.0, 140.0, 140.0]}))
    >>> segments(t, max_gap=6)["segment_id"].tolist()
    [0, 0, 1]
    """
    gap_s = as_seconds(max_gap, name="max_gap")
    out = tracks.copy()
    vessel = pd.factorize(out["vessel_id"])[0]
    t = utc_seconds(out["time"])
    kept = np.flatnonzero(~excluded_rows(out))
    number = np.full(len(out), -1, dtype=np.int64)
    number[kept] = segment_numbers(vessel[kept], t[kept], gap_s)[1]
    # Excluded rows take the number of the kept position before them (0 before any).
    filled = pd.Series(np.where(number >= 0, number, np.nan)).groupby(vessel).ffill()
    out["segment_id"] = filled.fillna(0).to_numpy(dtype=np.int64)
    return out


def utc_seconds(times: pd.Series) -> np.ndarray:
    """Return timezone-aware times as float seconds since the epoch."""
    ns = times.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]")
    return ns.astype(np.int64) / 1e9


def excluded_rows(tracks: pd.DataFrame) -> np.ndarray:
    """Return a mask of the rows left out of segments and visits: duplicates and jumps."""
    out = np.zeros(len(tracks), dtype=bool)
    for name in ("flag_duplicate", "flag_jump"):
        if name in tracks:
            out |= tracks[name].to_numpy(dtype=bool)
    return out
