"""Synthetic China Coast Guard-style patrols around the Senkaku Islands, seeded.

:func:`synthetic_patrols` makes AIS-like positions whose counts, through
:func:`geo.zone_visits` and ``geo.presence(by="month", tz="Asia/Tokyo")``, are
the Japan Coast Guard's published monthly figures for 2023 (``data/tracks/
jcg-senkaku-2023.csv``). **It validates the aggregation, not reality**: the ships,
their tracks and the days chosen are made up; only the monthly totals are real.

How the counts are met, by construction:

1. *A day plan.* For each Japan-time day: how many ships are in the contiguous
   zone (2 to 4; 0 on the days the month lacks) and how many of them enter the
   territorial sea. Absent days, territorial-sea days and days with fewer than
   four ships are drawn with the seed; the totals are the published ones. A ship
   in the territorial sea is one of the day's contiguous-zone ships (the rule of
   :func:`geo.presence`, ``territorial_in_contiguous=True``). In 2023 two ships
   stay in the territorial sea from 30 March to 2 April (NHK: 80 h 36 min; here
   about 80.5 h).
2. *Ships.* The days fall in blocks of four; each block has its own ships (new
   MMSIs; a stay of four days lasts about 84 hours), ship ``j`` is in the zone on
   the days that need more than ``j`` ships. A ship enters the contiguous zone
   between 06:00 and 08:00 and leaves between 18:00 and 20:00 Japan time, so each
   crossing falls on the day it counts for.
3. *Tracks.* Ships sail together along an arc west and north of the islands,
   halfway between the territorial sea and the contiguous zone's outer limit
   (both measured on the zone set, radially from 123.55E 25.80N), with positions
   every 10 s to 3 min, metres of jitter, satellite gaps of hours, duplicated
   reports and, now and then, reports of a far-away vessel sharing an MMSI (a
   jump). Territorial-sea entries are dips of a few hours, or a *corner cut*: a
   leg with no position inside the territorial sea whose geodesic crosses it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import settings
from ..datasets import data_path
from ..errors import InputError
from ..geodesy import GEOD, knots_to_m_s
from ..prepared import PreparedZones, prepare

__all__ = ["jcg_senkaku_counts", "synthetic_patrols"]

log = logging.getLogger(__name__)

#: Where the radial levels are measured from (between Uotsuri and Kuba), lon/lat.
CENTRE: tuple[float, float] = (123.55, 25.80)
#: The arc of azimuths the patrols sail (west, then north), degrees.
ARC_DEG: tuple[float, float] = (160.0, 400.0)
PATROL_SPEED_KN = 6.0
GROUP = "China Coast Guard"
_TZ = "Asia/Tokyo"
_TS_ID, _CZ_ID = "senkaku-territorial-sea", "senkaku-contiguous-zone"
#: Radial levels: inside the territorial sea, just outside it, mid band, beyond the zone.
_IN, _EDGE, _MID, _OUT = -2.0, -1.0, 0.0, 1.0
_JUMP_AT = (121.9, 28.9)  # a fishing ground off Zhejiang: the MMSI's other user
_COUNTS = ("cz_days", "cz_ship_days", "ts_days", "ts_ships")


def jcg_senkaku_counts() -> pd.DataFrame:
    """Return the Japan Coast Guard's 2023 monthly Senkaku counts bundled with the package.

    Examples
    --------
    >>> counts = jcg_senkaku_counts()
    >>> counts.loc[0, ["month", "cz_days", "cz_ship_days", "ts_days", "ts_ships"]].tolist()
    [1, 28, 107, 2, 8]
    """
    return pd.read_csv(data_path("tracks", "jcg-senkaku-2023.csv"))


@dataclass(frozen=True)
class _Band:
    """Radii of the territorial sea's outer edge and the contiguous zone's, per azimuth."""

    az: np.ndarray
    r_ts: np.ndarray
    r_cz: np.ndarray

    def radius(self, theta: np.ndarray, level: np.ndarray, offset_m: float) -> np.ndarray:
        ts, cz = np.interp(theta, self.az, self.r_ts), np.interp(theta, self.az, self.r_cz)
        radii = np.stack([ts - 4000.0, ts + 400.0, (ts + cz) / 2.0 + offset_m, cz + 11000.0])
        k = np.clip(level - _IN, 0.0, 2.999999)
        lo = np.floor(k).astype(int)
        w = k - lo
        cols = np.arange(len(theta))
        return radii[lo, cols] * (1 - w) + radii[lo + 1, cols] * w


def _band(prepared: PreparedZones) -> _Band:
    """Measure the band radially from :data:`CENTRE`, every degree and 250 m."""
    az = np.arange(ARC_DEG[0] - 5.0, ARC_DEG[1] + 6.0, 1.0)
    r = np.arange(0.0, 80_000.0, 250.0)
    a, rr = np.meshgrid(az, r, indexing="ij")
    lon, lat, _ = GEOD.fwd(np.full(a.size, CENTRE[0]), np.full(a.size, CENTRE[1]), a.ravel() % 360,
                           rr.ravel())  # fmt: skip
    zone = prepared.index.lookup(np.asarray(lon), np.asarray(lat)).reshape(a.shape)
    ids = np.append(prepared.columns()["zone_id"].astype(object), ["", ""])[zone]
    if not (ids == _TS_ID).any(axis=1).all():
        raise InputError(f"the zone set has no {_TS_ID!r} around {CENTRE}; use the bundled set")
    r_ts = np.array([r[np.flatnonzero(row == _TS_ID).max()] for row in ids])
    r_cz = np.array(
        [r[np.flatnonzero((r > t) & (row != _CZ_ID))[0]] for t, row in zip(r_ts, ids, strict=True)]
    )
    return _Band(az, r_ts, r_cz)


def _theta(t_s: np.ndarray, phase_deg: float) -> np.ndarray:
    """Azimuth of a ship at times ``t_s``: back and forth along the arc at patrol speed."""
    span = ARC_DEG[1] - ARC_DEG[0]
    omega = np.degrees(knots_to_m_s(PATROL_SPEED_KN) / 45_000.0)  # deg/s at ~45 km
    u = (t_s * omega + phase_deg) % (2 * span)
    return ARC_DEG[0] + np.where(u < span, u, 2 * span - u)


# --------------------------------------------------------------------------- the day plan


def _split(total: int, parts: int, *, low: int, high: int) -> list[int]:
    """``total`` in ``parts`` near-equal integers within low..high."""
    if parts == 0:
        return []
    base, extra = divmod(total, parts)
    out = [base + (i < extra) for i in range(parts)]
    if min(out) < low or max(out) > high:
        raise InputError(f"cannot split {total} ships over {parts} days with {low}..{high} a day")
    return out


def _month_plan(row: pd.Series, days: pd.DatetimeIndex, forced_ts: dict, rng) -> pd.DataFrame:
    """Ships in the contiguous zone and in the territorial sea, per day of one month."""
    n = len(days)
    forced = [i for i, d in enumerate(days) if d in forced_ts]
    free = [i for i in range(n) if i not in forced]
    ts_idx = forced + sorted(rng.choice(free, int(row.ts_days) - len(forced), replace=False))
    n_ts = np.zeros(n, dtype=int)
    n_ts[ts_idx] = _split(int(row.ts_ships), len(ts_idx), low=2, high=4)
    quiet = [i for i in range(n) if n_ts[i] == 0]
    absent = rng.choice(quiet, n - int(row.cz_days), replace=False)
    n_cz = np.full(n, 4)
    n_cz[absent] = 0
    cut = 4 * int(row.cz_days) - int(row.cz_ship_days)
    room = np.where(n_cz > 0, 4 - np.maximum(2, n_ts), 0)
    while cut > 0:
        if not room.any():
            raise InputError(f"month {row.month}: cannot reach {row.cz_ship_days} ship-days")
        i = rng.choice(np.flatnonzero(room > 0))
        n_cz[i] -= 1
        room[i] -= 1
        cut -= 1
    return pd.DataFrame({"day": days, "n_cz": n_cz, "n_ts": n_ts})


def _plan(targets: pd.DataFrame, year: int, months: Iterable[int], rng) -> pd.DataFrame:
    """Return the day plan of the months, with the 2023 long stay (30 March to 2 April)."""
    long_days = pd.date_range(f"{year}-03-30", periods=4) if year == 2023 else pd.DatetimeIndex([])
    months = sorted(set(months))
    if not {3, 4} <= set(months):
        long_days = pd.DatetimeIndex([])
    parts = []
    for m in months:
        row = targets[(targets["year"] == year) & (targets["month"] == m)]
        if row.empty or row.iloc[0][list(_COUNTS)].isna().any():
            known = targets.loc[targets["cz_days"].notna(), ["year", "month"]].values.tolist()
            raise InputError(
                f"no published counts for {year}-{m:02d}; known (year, month): {known}"
            )
        days = pd.date_range(
            f"{year}-{m:02d}-01", periods=pd.Period(f"{year}-{m:02d}").days_in_month
        )
        forced = {d: 2 for d in long_days if d.month == m}
        parts.append(_month_plan(row.iloc[0], days, forced, rng))
    plan = pd.concat(parts, ignore_index=True)
    plan["long"] = plan["day"].isin(long_days)
    return plan


# --------------------------------------------------------------------------- ships


@dataclass
class _Ship:
    mmsi: str
    slot: int
    phase_deg: float
    offset_m: float
    days: list[pd.Timestamp] = field(default_factory=list)
    events: dict[pd.Timestamp, str] = field(default_factory=dict)  # day -> dip, cut, long


def _ships(plan: pd.DataFrame, rng) -> list[_Ship]:
    """Ships per block of four days: ship j is in on the days that need more than j ships."""
    doy = plan["day"].dt.day_of_year.to_numpy() - 1
    block = doy // 4
    ships = []
    first_cut = set()
    for b in np.unique(block):
        rows = plan[block == b]
        phase = float(rng.uniform(0.0, 480.0))
        for j in range(int(rows["n_cz"].max())):
            ship = _Ship(f"{413_000_000 + int(b) * 10 + j}", j, phase + 0.8 * j,
                         float(rng.uniform(-3000.0, 3000.0)))  # fmt: skip
            for r in rows.itertuples():
                if r.n_cz > j:
                    ship.days.append(r.day)
                if r.n_ts > j:
                    month = (r.day.year, r.day.month)
                    kind = "long" if r.long and j < 2 else "dip"
                    if kind == "dip" and j == r.n_ts - 1 and month not in first_cut:
                        kind = "cut"
                        first_cut.add(month)
                    ship.events[r.day] = kind
            ships.append(ship)
    return ships


# --------------------------------------------------------------------------- tracks


def _jst(day: pd.Timestamp, hours: float) -> float:
    """Seconds since the epoch of ``hours`` after midnight of a Japan-time day."""
    return (pd.Timestamp(day) + pd.Timedelta(hours=hours)).tz_localize(_TZ).timestamp()


def _position(band: _Band, ship: _Ship, t: np.ndarray, level: np.ndarray):
    theta = _theta(t, ship.phase_deg)
    r = band.radius(theta, level, ship.offset_m)
    lon, lat, _ = GEOD.fwd(np.full(len(t), CENTRE[0]), np.full(len(t), CENTRE[1]), theta % 360, r)
    return np.asarray(lon), np.asarray(lat)


def _cut_window(band: _Band, ship: _Ship, day: pd.Timestamp, prepared: PreparedZones):
    """(t1, t2): a leg at the territorial sea's edge whose geodesic cuts into it, or None."""
    ts_row = int(np.flatnonzero(prepared.columns()["zone_id"] == _TS_ID)[0])
    for start_h in np.arange(10.5, 13.0, 1 / 6):
        t1 = _jst(day, start_h)
        th = _theta(np.linspace(t1 - 3600, t1 + 3 * 3600, 200), ship.phase_deg)
        if not (np.all(np.diff(th) > 0) or np.all(np.diff(th) < 0)):
            continue  # the arc turns back: no straight cut here
        for k in range(1, 19):
            t2 = t1 + 600.0 * k
            lon, lat = _position(band, ship, np.array([t1, t2]), np.array([_EDGE, _EDGE]))
            pts = np.array(GEOD.npts(lon[0], lat[0], lon[1], lat[1], 64))
            inside = prepared.index.lookup(pts[:, 0], pts[:, 1]) == ts_row
            ends = prepared.index.lookup(lon, lat)
            if inside.any() and not (ends == ts_row).any():
                return t1, t2
    return None


def _levels(ship: _Ship, band: _Band, prepared: PreparedZones):
    """Keyframes (time, level) of a ship and its dark windows (cut legs)."""
    days = set(ship.days)
    one = pd.Timedelta(days=1)
    keys = [(_jst(ship.days[0], 3.0), _OUT), (_jst(ship.days[-1], 22.0), _OUT)]
    dark = []
    for d in ship.days:
        if d - one not in days:
            keys += [(_jst(d, 6.0), _OUT), (_jst(d, 8.0), _MID)]
        if d + one not in days:
            keys += [(_jst(d, 18.0), _MID), (_jst(d, 20.0), _OUT)]
        kind = ship.events.get(d)
        window = _cut_window(band, ship, d, prepared) if kind == "cut" else None
        if kind == "cut" and window is None:
            log.warning("no corner cut found on %s; a dip instead", d.date())
            kind = "dip"
        if kind == "dip":
            keys += [(_jst(d, h), lv) for h, lv in ((10, _MID), (11, _IN), (14, _IN), (15, _MID))]
        elif kind == "cut" and window is not None:
            t1, t2 = window
            keys += [(t1 - 3600, _MID), (t1, _EDGE), (t2, _EDGE), (t2 + 3600, _MID)]
            dark.append((t1 + 1.0, t2 - 1.0))
        elif kind == "long" and d - one not in ship.events:
            keys += [(_jst(d, 8.0), _MID), (_jst(d, 9.0), _IN)]
        elif kind == "long" and d + one not in ship.events:
            keys += [(_jst(d, 16.6), _IN), (_jst(d, 17.6), _MID)]
    return sorted(keys), dark


def _satellite_gaps(ship: _Ship, rng) -> list[tuple[float, float]]:
    """Return a gap of 2 to 3 hours over a midnight spent in the zone (not in a long stay)."""
    if "long" in ship.events.values():
        return []
    one = pd.Timedelta(days=1)
    nights = [d for d in ship.days if d + one in set(ship.days)]
    if not nights or rng.random() < 0.3:
        return []
    d = nights[int(rng.integers(len(nights)))]
    start = _jst(d, 23.0)
    return [(start, start + float(rng.uniform(2.0, 3.0)) * 3600.0)]


def _reports(ship: _Ship, band: _Band, prepared: PreparedZones, rng,
             interval_s: tuple[float, float]) -> pd.DataFrame:  # fmt: skip
    """Return a ship's reports: every 10 s to 3 min, less dark windows, positions jittered."""
    keys, dark = _levels(ship, band, prepared)
    n_cuts = len(dark)
    dark += _satellite_gaps(ship, rng)
    k_t, k_level = (np.array(v, dtype=float) for v in zip(*keys, strict=True))
    span = k_t[-1] - k_t[0]
    steps = rng.uniform(*interval_s, size=int(span / interval_s[0]) + 2)
    t = k_t[0] + np.concatenate([[0.0], np.cumsum(steps)])
    t = t[t <= k_t[-1]]
    for a, b in dark:
        t = t[(t < a) | (t > b)]
    # A corner cut is the leg between reports at both ends of its dark window.
    ends = [e for a, b in dark[:n_cuts] for e in (a - 1.0, b + 1.0)]
    t = np.unique(np.concatenate([t, ends]))
    lon, lat = _position(band, ship, t, np.interp(t, k_t, k_level))
    jitter = np.abs(rng.normal(0.0, 8.0, len(t)))
    lon, lat, _ = GEOD.fwd(lon, lat, rng.uniform(0, 360, len(t)), jitter)
    return pd.DataFrame({"mmsi": ship.mmsi, "t": t, "lon": lon, "lat": lat})


def _noise(frame: pd.DataFrame, rng) -> pd.DataFrame:
    """Speeds and courses from the track, some speeds unavailable, duplicates, MMSI sharing."""
    f = frame.sort_values(["mmsi", "t"], ignore_index=True)
    same = np.r_[f["mmsi"].to_numpy()[1:] == f["mmsi"].to_numpy()[:-1], False]
    lon, lat, t = f["lon"].to_numpy(), f["lat"].to_numpy(), f["t"].to_numpy()
    az, _, d = GEOD.inv(lon, lat, np.r_[lon[1:], lon[-1:]], np.r_[lat[1:], lat[-1:]])
    dt = np.r_[np.diff(t), 1.0]
    f["sog"] = np.where(
        same, np.asarray(d) / np.maximum(dt, 1.0) * 3600.0 / settings.NM_M, 0.0
    ).round(1)
    f["cog"] = (np.asarray(az) % 360.0).round(1)
    f.loc[rng.random(len(f)) < 0.01, "sog"] = 102.3
    dupes = f[rng.random(len(f)) < 0.003]
    first = f.groupby("mmsi")["t"].first()
    shared = first.iloc[::8]  # every eighth ship's MMSI is also sent by a vessel far away
    after_s = np.tile([7200.0, 7260.0, 7320.0], len(shared))
    far = pd.DataFrame(
        {"mmsi": np.repeat(shared.index, 3), "t": np.repeat(shared.to_numpy(), 3) + after_s,
         "lon": _JUMP_AT[0], "lat": _JUMP_AT[1], "sog": 8.0, "cog": 45.0}
    )  # fmt: skip
    return pd.concat([f, dupes, far], ignore_index=True)


def synthetic_patrols(
    *,
    year: int = 2023,
    months: Iterable[int] = (1, 2, 3, 4),
    seed: int = 0,
    report_interval_s: tuple[float, float] = (10.0, 180.0),
    targets: pd.DataFrame | None = None,
    zones: gpd.GeoDataFrame | PreparedZones | None = None,
    prepared: PreparedZones | None = None,
) -> pd.DataFrame:
    """Return seeded synthetic coast-guard patrols around the Senkaku Islands.

    **This validates the aggregation, not reality**: the tracks are made up so that
    ``geo.presence(geo.zone_visits(geo.load_tracks(...)), by="month")`` gives the
    Japan Coast Guard's published monthly days and ship-days; nothing else about
    them (where, when, which ships) is a record of what happened. How the counts are
    met is described in :mod:`geo.tracks.synthetic`.

    Parameters
    ----------
    year : int, default 2023
        A year with published counts in ``targets``.
    months : iterable of int, default (1, 2, 3, 4)
        Months to generate (each must have counts).
    seed : int, default 0
        Seed of every random choice: the same seed gives the same positions.
    report_interval_s : (float, float), default (10.0, 180.0)
        Time between two reports of a ship, drawn uniformly, seconds.
    targets : pandas.DataFrame, optional
        Monthly counts (``year``, ``month``, ``cz_days``, ``cz_ship_days``,
        ``ts_days``, ``ts_ships``); default :func:`jcg_senkaku_counts`.
    zones, prepared : zone set or PreparedZones, optional
        Zones with the Senkaku territorial sea and contiguous zone (default: bundled).

    Returns
    -------
    pandas.DataFrame
        Positions in the plain layout of :func:`geo.load_tracks`: ``mmsi``, ``time``
        (UTC), ``lat``, ``lon``, ``sog`` (knots), ``cog`` (degrees), ``group``
        ("China Coast Guard"), in time order.

    Examples
    --------
    >>> import geo
    >>> tracks = geo.load_tracks(geo.synthetic_patrols(months=[2], report_interval_s=(600, 900)))
    >>> visits = geo.zone_visits(tracks, distances=False)
    >>> p = geo.presence(visits, by="month", kinds=["contiguous_zone", "territorial_sea"])
    >>> p[["zone_kind", "days_present", "ship_days"]].values.tolist()
    [['contiguous_zone', 28, 94], ['territorial_sea', 1, 4]]
    """
    if not 0 < report_interval_s[0] <= report_interval_s[1]:
        raise InputError(f"report_interval_s must be (low, high) seconds, 0 < low <= high; "
                         f"got {report_interval_s!r}")  # fmt: skip
    rng = np.random.default_rng(seed)
    prepared = prepare(zones, prepared)
    plan = _plan(jcg_senkaku_counts() if targets is None else targets, year, months, rng)
    band = _band(prepared)
    ships = _ships(plan, rng)
    frames = [_reports(s, band, prepared, rng, report_interval_s) for s in ships]
    out = _noise(pd.concat(frames, ignore_index=True), rng)
    out = out.sort_values(["t", "mmsi"], kind="stable", ignore_index=True)
    out["time"] = pd.to_datetime(np.round(out["t"].to_numpy() * 1e3).astype(np.int64), unit="ms",
                                 utc=True)  # fmt: skip
    out["group"] = GROUP
    return out[["mmsi", "time", "lat", "lon", "sog", "cog", "group"]]
