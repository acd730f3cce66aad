"""Presence per period: the Japan Coast Guard's way of counting ships near islands.

The JCG publishes, per month, the *days* on which government ships were seen in
the contiguous zone (and in the territorial sea) of the Senkaku Islands and the
*ships* (延べ隻数: distinct ships per day, summed over the days). :func:`presence`
computes these, and a few more, from :func:`geo.zone_visits`:

* a local day (in ``tz``, Japan time by default) counts for a vessel when any
  part of one of its visits overlaps it: a visit from 23:00 to 01:00 counts on
  two days; a visit ending exactly at midnight does not count on the next day;
* **a vessel in a territorial sea counts in the contiguous zone of the same
  claimants too** (``territorial_in_contiguous=True``): it reached the territorial
  sea through the contiguous zone, and the JCG's contiguous-zone figures are taken
  to include the ships that entered the territorial sea. This is this project's
  reading: the JCG's own footnote on it was not found.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = ["PRESENCE_COLUMNS", "check_tz", "presence"]

#: Columns of :func:`presence`, in order.
PRESENCE_COLUMNS: tuple[str, ...] = (
    "period", "zone_kind", "claimants", "days_present", "ship_days", "cases",
    "longest_episode_h", "longest_start", "longest_end", "max_consecutive_days", "vessel_hours",
)  # fmt: skip

_FREQ = {"day": "D", "month": "M", "year": "Y"}
_NEEDED = ("vessel_id", "zone_kind", "claimants", "entry_time", "exit_time")
_NOT_ZONES = ("high_seas", "outside_coverage")
_KEY = ["zone_kind", "claimants"]


def _check(visits: object, by: str, tz: str) -> pd.DataFrame:
    if not isinstance(visits, pd.DataFrame) or not set(_NEEDED) <= set(visits.columns):
        raise InputError("presence takes the visits of geo.zone_visits; run geo.zone_visits first")
    if by not in _FREQ:
        raise InputError(f"by must be 'day', 'month' or 'year', not {by!r}")
    check_tz(tz)
    return visits


def check_tz(tz: str) -> str:
    """Return ``tz`` when it names a time zone; else raise :class:`~geo.errors.InputError`."""
    try:
        pd.Timestamp("2000-01-01", tz=tz)
    except Exception:
        raise InputError(f"tz: unknown time zone {tz!r} (e.g. 'Asia/Tokyo', 'UTC')") from None
    return tz


def _select(visits: pd.DataFrame, group: str | Iterable[str] | None,
            kinds: Iterable[str] | None, nested: bool) -> pd.DataFrame:  # fmt: skip
    """Return the visits to count: the group's, territorial seas copied into contiguous zones."""
    v = visits[list(_NEEDED)].copy()
    v["vessel_id"] = v["vessel_id"].astype(str)
    if group is not None:
        wanted = [group] if isinstance(group, str) else list(group)
        v = v[visits["group"].isin(wanted).to_numpy()] if "group" in visits else v.iloc[:0]
    if nested:
        cz = set(v.loc[v["zone_kind"] == "contiguous_zone", "claimants"])
        ts = v[(v["zone_kind"] == "territorial_sea") & v["claimants"].isin(cz)]
        v = pd.concat([v, ts.assign(zone_kind="contiguous_zone")], ignore_index=True)
    keep = (
        v["zone_kind"].isin(list(kinds)) if kinds is not None else ~v["zone_kind"].isin(_NOT_ZONES)
    )
    return v[keep.to_numpy()].reset_index(drop=True)


def _local_days(v: pd.DataFrame, tz: str) -> pd.DataFrame:
    """One row per (visit, local day it overlaps): vessel, kind, claimants, day (naive date)."""
    entry = v["entry_time"].dt.tz_convert(tz).dt.tz_localize(None)
    exit_ = v["exit_time"].dt.tz_convert(tz).dt.tz_localize(None)
    first = entry.dt.floor("D")
    last = exit_.dt.floor("D")
    at_midnight = (exit_ == last) & (exit_ > entry)
    last = last.where(~at_midnight, last - pd.Timedelta(days=1))
    n = ((last - first).dt.days + 1).clip(lower=1).to_numpy()
    rows = np.repeat(np.arange(len(v)), n)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(n) - n, n)
    days = first.to_numpy()[rows] + offset.astype("timedelta64[D]")
    out = v.iloc[rows][["vessel_id", *_KEY]].reset_index(drop=True)
    out["day"] = days
    return out.drop_duplicates(ignore_index=True)


def _consecutive(days: pd.Series) -> int:
    """Longest run of consecutive dates."""
    d = np.sort(days.unique()).astype("datetime64[D]").astype(np.int64)
    if not len(d):
        return 0
    breaks = np.flatnonzero(np.diff(d) != 1)
    bounds = np.r_[-1, breaks, len(d) - 1]
    return int(np.diff(bounds).max())


def _day_counts(days: pd.DataFrame, freq: str) -> pd.DataFrame:
    days = days.assign(period=pd.PeriodIndex(days["day"], freq=freq).astype(str))
    g = days.groupby(["period", *_KEY], sort=True)
    return pd.DataFrame({
        "days_present": g["day"].nunique(),
        "ship_days": g.size(),
        "max_consecutive_days": g["day"].apply(_consecutive),
    })  # fmt: skip


def _merge(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Return the union of intervals [entry_time, exit_time] within each key, one row each."""
    f = frame.sort_values([*keys, "entry_time"], kind="stable", ignore_index=True)
    end = f.groupby(keys, sort=False)["exit_time"].cummax()
    prev_end = end.groupby([f[k] for k in keys], sort=False).shift()
    new = prev_end.isna() | (f["entry_time"] > prev_end)
    f["episode"] = new.cumsum()
    spans = {"start": ("entry_time", "min"), "end": ("exit_time", "max")}
    out = f.groupby("episode").agg(**{k: (k, "first") for k in keys}, **spans)
    return out.reset_index(drop=True)


def _episodes(v: pd.DataFrame, freq: str, tz: str) -> pd.DataFrame:
    """Cases (episodes of presence of any vessel), by the period in which they start."""
    ep = _merge(v, _KEY)
    ep["hours"] = (ep["end"] - ep["start"]).dt.total_seconds() / 3600.0
    local = ep["start"].dt.tz_convert(tz).dt.tz_localize(None)
    ep["period"] = pd.PeriodIndex(local, freq=freq).astype(str)
    longest = ep.loc[ep.groupby(["period", *_KEY])["hours"].idxmax()]
    out = longest.set_index(["period", *_KEY])[["hours", "start", "end"]]
    out.columns = ["longest_episode_h", "longest_start", "longest_end"]
    out.insert(0, "cases", ep.groupby(["period", *_KEY]).size())
    return out


def _vessel_hours(v: pd.DataFrame, freq: str, tz: str) -> pd.Series:
    """Hours of presence of each vessel (overlaps counted once), cut at period bounds, summed."""
    per = _merge(v, ["vessel_id", *_KEY])
    start = per["start"].dt.tz_convert(tz).dt.tz_localize(None)
    end = per["end"].dt.tz_convert(tz).dt.tz_localize(None)
    p0 = pd.PeriodIndex(start, freq=freq)
    n = (pd.PeriodIndex(end, freq=freq) - p0).map(lambda off: off.n).to_numpy() + 1
    rows = np.repeat(np.arange(len(per)), n)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(n) - n, n)
    periods = p0[rows] + offset
    lo = np.maximum(periods.start_time.to_numpy(), start.to_numpy()[rows])
    hi = np.minimum((periods + 1).start_time.to_numpy(), end.to_numpy()[rows])
    hours = (hi - lo) / np.timedelta64(1, "h")
    parts = per.iloc[rows][_KEY].reset_index(drop=True).assign(period=periods.astype(str), h=hours)
    return parts.groupby(["period", *_KEY])["h"].sum()


def presence(
    visits: pd.DataFrame,
    *,
    by: Literal["day", "month", "year"] = "month",
    tz: str = "Asia/Tokyo",
    group: str | Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    territorial_in_contiguous: bool = True,
) -> pd.DataFrame:
    """Count presence per period, zone kind and claimant set, as the JCG counts it.

    Parameters
    ----------
    visits : pandas.DataFrame
        From :func:`geo.zone_visits`.
    by : {"day", "month", "year"}, default "month"
        The period, in local time.
    tz : str, default "Asia/Tokyo"
        The time zone whose calendar days are counted.
    group : str or list of str, optional
        Only vessels of these groups (``group`` column, e.g. "China Coast Guard").
    kinds : iterable of str, optional
        Zone kinds to report (default: every kind but ``high_seas`` and
        ``outside_coverage``).
    territorial_in_contiguous : bool, default True
        Count a vessel in a territorial sea also in the contiguous zone with the
        same claimants (when the visits have one), as the JCG's figures are read here.

    Returns
    -------
    pandas.DataFrame
        One row per period (text: "2023-01-05", "2023-01", "2023"), zone kind
        and claimant set with presence, columns :data:`PRESENCE_COLUMNS`:
        ``days_present`` (local days with at least one vessel), ``ship_days``
        (distinct vessels per local day, summed: the JCG's 延べ隻数), ``cases``
        (episodes of the union of every vessel's visits, by the period in which
        they start), ``longest_episode_h`` with ``longest_start``/``longest_end``
        (UTC; the longest episode starting in the period, whole),
        ``max_consecutive_days`` (within the period) and ``vessel_hours`` (each
        vessel's hours in the zone kind, cut at the period's bounds, summed).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.to_datetime(["2023-01-05 14:00", "2023-01-05 16:00", "2023-01-05 15:00",
    ...                     "2023-01-05 18:00"], utc=True)
    >>> visits = pd.DataFrame({"vessel_id": ["a", "b"], "zone_kind": "contiguous_zone",
    ...     "claimants": "CHN/JPN/TWN", "entry_time": t[[0, 2]], "exit_time": t[[1, 3]]})
    >>> p = presence(visits)  # 23:00 to 01:00 and 00:00 to 03:00, Japan time
    >>> p[["period", "days_present", "ship_days", "cases", "longest_episode_h"]].values.tolist()
    [['2023-01', 2, 3, 1, 4.0]]
    """
    v = _select(_check(visits, by, tz), group, kinds, territorial_in_contiguous)
    if v.empty:
        return pd.DataFrame({c: [] for c in PRESENCE_COLUMNS})
    freq = _FREQ[by]
    out = _day_counts(_local_days(v, tz), freq)
    out = out.join(_episodes(v, freq, tz)).join(_vessel_hours(v, freq, tz).rename("vessel_hours"))
    out["cases"] = out["cases"].fillna(0).astype(np.int64)
    out = out.reset_index().sort_values([*_KEY, "period"], ignore_index=True)
    return out[list(PRESENCE_COLUMNS)]
