"""Quality flags of vessel positions: nothing is dropped, doubtful rows are marked.

:func:`flag_positions` adds boolean columns to positions sorted by vessel and time:

* ``flag_duplicate``: an earlier row has the same vessel and time;
* ``flag_invalid_mmsi``: the vessel id is an MMSI (the id column is ``MMSI`` or
  ``ssvid``) and is not 9 digits or its first three digits (the MID) are outside
  201..775 (coast stations, aids to navigation, placeholders such as 0 or 123456789
  beginning 123...);
* ``flag_speed_unavailable``: AIS speed 102.3 ("not available"); ``sog`` is then NaN;
* ``flag_jump``: the geodesic distance from the previous kept position of the
  vessel (not a duplicate, not a jump) is more than ``max_speed_kn`` allows in the
  time between them, plus :data:`geo.settings.TRACK_POSITION_NOISE_M`: a bad fix,
  or two vessels sending one MMSI. The first position of a vessel is trusted: when
  it is the bad one, the positions after it are flagged until one is plausible again
  from it (a known limitation);
* ``flag_on_land``: the position lies in a land zone of the zone set.

Duplicates and jumps are left out of :func:`geo.zone_visits`; the other flags
only inform. :func:`unused_rows` lists every source row that no visit uses: the
rows :func:`geo.load_tracks` rejected, the NMEA lines that hold no position, and the
duplicates and jumps, each with its reason.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from ..geodesy import GEOD, knots_to_m_s
from ..prepared import PreparedZones
from .segments import utc_seconds

__all__ = ["FLAG_COLUMNS", "NOT_A_POSITION", "UNUSED_COLUMNS", "flag_positions", "unused_rows"]

log = logging.getLogger(__name__)

#: The flag columns, in order.
FLAG_COLUMNS: tuple[str, ...] = (
    "flag_duplicate",
    "flag_invalid_mmsi",
    "flag_speed_unavailable",
    "flag_jump",
    "flag_on_land",
)


def _invalid_mmsi(ids: pd.Series) -> np.ndarray:
    """Tell, per row, whether an id is not a ship's MMSI (checked once per distinct id)."""
    codes, uniques = pd.factorize(ids)
    text = pd.Series(uniques, dtype=object).astype(str)
    nine = text.str.fullmatch(r"[0-9]{9}").to_numpy(dtype=bool)
    low, high = settings.MMSI_MID_RANGE
    mid = pd.to_numeric(text.str[:3], errors="coerce").to_numpy(dtype=float)
    ok = nine & (mid >= low) & (mid <= high)
    return ~ok[codes]


def _sequential_jumps(t: np.ndarray, lon: np.ndarray, lat: np.ndarray, speed: float) -> np.ndarray:
    """Jumps of one vessel, each measured from the previous kept position."""
    out = np.zeros(len(t), dtype=bool)
    last = 0
    for i in range(1, len(t)):
        _, _, d = GEOD.inv(lon[last], lat[last], lon[i], lat[i])
        if d > speed * (t[i] - t[last]) + settings.TRACK_POSITION_NOISE_M:
            out[i] = True
        else:
            last = i
    return out


def _jumps(
    vessel: np.ndarray, t: np.ndarray, lon: np.ndarray, lat: np.ndarray, max_speed_kn: float
) -> np.ndarray:
    """Flag jumps: all rows at once, then in order only for vessels that have any."""
    speed = float(knots_to_m_s(max_speed_kn))
    out = np.zeros(len(t), dtype=bool)
    if len(t) < 2:
        return out
    _, _, d = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    fast = (vessel[1:] == vessel[:-1]) & (
        np.asarray(d) > speed * np.diff(t) + settings.TRACK_POSITION_NOISE_M
    )
    for v in np.unique(vessel[1:][fast]):
        rows = np.flatnonzero(vessel == v)
        out[rows] = _sequential_jumps(t[rows], lon[rows], lat[rows], speed)
    return out


def flag_positions(
    tracks: gpd.GeoDataFrame,
    *,
    max_speed_kn: float = settings.TRACK_MAX_SPEED_KN,
    ids_are_mmsi: bool | np.ndarray = True,
    prepared: PreparedZones,
) -> gpd.GeoDataFrame:
    """Return the positions with the flag columns of this module (a new frame).

    Parameters
    ----------
    tracks : geopandas.GeoDataFrame
        Positions sorted by ``vessel_id`` and ``time`` (as :func:`geo.load_tracks` sorts
        them), with ``lat``, ``lon``, ``sog`` and ``cog``.
    max_speed_kn : float, default 50.0
        Fastest plausible speed between two kept positions.
    ids_are_mmsi : bool or array of bool, default True
        Whether ``vessel_id`` holds MMSIs (else ``flag_invalid_mmsi`` is False), for
        every row or per row (rows from files with different id columns).
    prepared : PreparedZones
        The zone set that decides ``flag_on_land``.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with ``sog`` NaN where it was 102.3, ``cog`` NaN where it was 360,
        and the boolean columns of :data:`FLAG_COLUMNS`.

    Examples
    --------
    >>> import geo, pandas as pd
    >>> frame = pd.DataFrame({"mmsi": ["412000001"] * 3 + ["12345"],
    ...     "time": ["2023-01-05 00:00", "2023-01-05 00:05", "2023-01-05 00:06", "2023-01-05"],
    ...     "lat": [26.2, 26.21, 30.0, 26.0], "lon": [123.4, 123.41, 125.0, 123.0],
    ...     "sog": [10.0, 102.3, 10.0, 5.0]})
    >>> t = geo.load_tracks(frame)
    >>> t[["flag_jump", "flag_speed_unavailable", "flag_invalid_mmsi"]].sum().tolist()
    [1, 1, 1]
    """
    out = tracks.copy()
    vessel = pd.factorize(out["vessel_id"])[0]
    t = utc_seconds(out["time"])
    dup = pd.DataFrame({"v": vessel, "t": t}).duplicated(keep="first").to_numpy()
    sog = out["sog"].to_numpy(dtype=float, na_value=np.nan)
    unavailable = np.isclose(sog, settings.AIS_SOG_UNAVAILABLE_KN)
    out["sog"] = np.where(unavailable, np.nan, sog)
    cog = out["cog"].to_numpy(dtype=float, na_value=np.nan)
    out["cog"] = np.where(cog == settings.AIS_COG_UNAVAILABLE_DEG, np.nan, cog)
    lon, lat = out["lon"].to_numpy(dtype=float), out["lat"].to_numpy(dtype=float)
    jump = np.zeros(len(out), dtype=bool)
    keep = np.flatnonzero(~dup)
    jump[keep] = _jumps(vessel[keep], t[keep], lon[keep], lat[keep], max_speed_kn)
    zone = prepared.index.lookup(lon, lat) if len(out) else np.zeros(0, dtype=np.int64)
    kinds = np.append(prepared.columns()["zone_kind"], ["", ""])  # NONE, OUTSIDE: -1, -2
    out["flag_duplicate"] = dup
    mmsi = np.broadcast_to(np.asarray(ids_are_mmsi, dtype=bool), (len(out),))
    out["flag_invalid_mmsi"] = _invalid_mmsi(out["vessel_id"]) & mmsi if mmsi.any() else False
    out["flag_speed_unavailable"] = unavailable
    out["flag_jump"] = jump
    out["flag_on_land"] = kinds[zone] == "land"
    counts = {c: int(out[c].sum()) for c in FLAG_COLUMNS if out[c].any()}
    if counts:
        log.info("flagged positions: %s", counts)
    return out


#: Columns of :func:`unused_rows`, in order (``file`` only for tracks from several files).
UNUSED_COLUMNS: tuple[str, ...] = ("file", "row", "outcome", "column", "value", "reason")

#: The ``outcome`` of an NMEA line that is good but holds no position (not an error).
NOT_A_POSITION = "not a position"


def _left_out(tracks: pd.DataFrame, with_file: bool) -> list[pd.DataFrame]:
    """Return the loaded rows that visits leave out (duplicates, jumps), with reasons."""
    speed = tracks.attrs.get("max_speed_kn", settings.TRACK_MAX_SPEED_KN)
    parts = []
    jump = (f"a jump: farther from the vessel's previous kept position than {speed:g} kn "
            "allows (a bad fix, or a second vessel with this id)")  # fmt: skip
    for flag, column, reason in (
        ("flag_duplicate", "time", "a duplicate: the vessel has an earlier position at this time"),
        ("flag_jump", "lat/lon", jump),
    ):
        rows = tracks.loc[tracks[flag].to_numpy(dtype=bool)] if flag in tracks else tracks.iloc[:0]
        if rows.empty:
            continue
        if column == "time":
            values = rows["time"].map(lambda t: t.isoformat())
        else:
            values = rows["lat"].map("{:.5f}".format) + ", " + rows["lon"].map("{:.5f}".format)
        part = pd.DataFrame({"row": rows["row"].to_numpy(), "outcome": "left out",
                             "column": column, "value": values.to_numpy(dtype=object),
                             "reason": f"left out of visits: {reason}"})  # fmt: skip
        if with_file:
            part.insert(0, "file", rows["source_file"].to_numpy(dtype=object))
        parts.append(part)
    return parts


def unused_rows(tracks: pd.DataFrame) -> pd.DataFrame:
    """Return every source row that no visit uses, with its row number and reason.

    Loaded rows + rejected rows (+ NMEA lines that are not positions) = rows read
    (``attrs["rows_read"]``), and the rows :func:`geo.zone_visits` uses are the loaded
    rows less the ones listed here as ``left out``: so every row of the input is either
    in a visit or in this table.

    Parameters
    ----------
    tracks : pandas.DataFrame
        Positions from :func:`geo.load_tracks` (its flags and ``attrs["rejects"]``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`UNUSED_COLUMNS` (``file`` only for tracks read from a list
        of files): ``row`` (from 1, in its file), ``outcome`` (``rejected``: not
        loaded; ``not a position``: an NMEA line that holds none, such as static data;
        ``left out``: loaded and flagged ``flag_duplicate`` or ``flag_jump``),
        ``column``, ``value`` and ``reason``; in file and row order.

    Examples
    --------
    >>> import geo, pandas as pd
    >>> t = geo.load_tracks(pd.DataFrame({"mmsi": ["412000001"] * 3,
    ...     "time": ["2023-01-05 00:00", "2023-01-05 00:00", "later"],
    ...     "lat": [26.2, 26.2, 26.3], "lon": [123.4, 123.4, 123.5]}))
    >>> unused_rows(t)[["row", "outcome", "column"]].values.tolist()
    [[2, 'left out', 'time'], [3, 'rejected', 'time']]
    """
    several = "source_file" in tracks.columns
    columns = list(UNUSED_COLUMNS) if several else list(UNUSED_COLUMNS[1:])
    listed = []
    for key, outcome in (("rejects", "rejected"), ("not_positions", NOT_A_POSITION)):
        records = pd.DataFrame(tracks.attrs.get(key, []))
        if len(records):
            listed.append(records.assign(outcome=outcome)[columns])
    parts = [f for f in [*listed, *_left_out(tracks, several)] if len(f)]
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else object)
                             for c in columns})  # fmt: skip
    out = pd.concat(parts, ignore_index=True)
    order = {f["file"]: i for i, f in enumerate(tracks.attrs.get("files", []))}
    rank = out["file"].map(order) if several else 0
    out = out.assign(_rank=rank).sort_values(["_rank", "row"], kind="stable", ignore_index=True)
    return out[columns]
