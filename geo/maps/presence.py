"""The presence chart of a track map: days with vessels present per zone kind, as SVG.

From :func:`geo.presence` by local day (in ``tz``): one row per zone kind (inner
zones first), one bar per period (day, month or year) in which a vessel was present,
as high as the period's ship-days summed over the claimant sets of that kind (for
days: the vessels present that day). Each row names its totals, days present and
ship-days. As :func:`geo.presence` counts, a vessel in a territorial sea also counts
in the contiguous zone of the same claimants.

The chart is drawn here, as SVG whose every text is escaped (:func:`.escape.esc`);
``tracks.js`` puts it in a control and moves a line across it with the time slider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..tracks.presence import presence
from .elements import Snippet
from .escape import esc
from .style import TRACK_KIND_STYLE, track_kind_order

__all__ = ["PresenceChart", "presence_chart"]

_FREQ = {"day": "D", "month": "M", "year": "Y"}
_WIDTH = 300.0  # px, the bars' span
_ROW = 40.0  # px per zone kind: its label, then its bars
_BAR = 22.0  # px, the tallest bar
_LOW = 1.5  # px, the least bar (one vessel on one day stays visible)
_AXIS = 16.0  # px below the rows, for the first and last period


@dataclass(frozen=True)
class PresenceChart:
    """The chart's page element, and where in time its bars begin and end.

    ``axis`` (``t_start``, ``t_end``: epoch seconds of the first period's local start
    and the last one's end; ``width``: px) tells ``tracks.js`` where to draw the time.
    """

    element: Snippet
    axis: dict[str, Any]
    rows: pd.DataFrame  # zone_kind, period, days_present, ship_days: what the bars show


def _rows(visits: pd.DataFrame, by: str, tz: str) -> pd.DataFrame:
    """Days present and ship-days per zone kind and period (all claimant sets together)."""
    daily = presence(visits, by="day", tz=tz)
    day = pd.PeriodIndex(daily["period"], freq="D")
    per = pd.DataFrame(
        {"zone_kind": daily["zone_kind"].astype(str), "day": day,
         "period": day.asfreq(_FREQ[by]), "ship_days": daily["ship_days"]}
    )  # fmt: skip
    rows = per.groupby(["zone_kind", "period"], sort=True).agg(
        days_present=("day", "nunique"), ship_days=("ship_days", "sum")
    )
    return rows.reset_index()


def _epoch(period: pd.Period, tz: str) -> float:
    local = period.start_time.tz_localize(tz, nonexistent="shift_forward", ambiguous=True)
    return float(local.timestamp())


def _svg(rows: pd.DataFrame, periods: pd.PeriodIndex, by: str) -> str:
    step = _WIDTH / len(periods)
    top_ships = max(int(rows["ship_days"].max()), 1)
    kinds = track_kind_order(set(rows["zone_kind"]))
    height = _ROW * len(kinds) + _AXIS
    parts = []
    for r, kind in enumerate(kinds):
        mine = rows[rows["zone_kind"] == kind]
        base = _ROW * (r + 1) - 4
        bars = "".join(
            f"M{(periods.get_loc(p)) * step:.1f} {base:g}v-{h:.1f}h{max(step - 0.5, 0.5):.1f}"
            f"v{h:.1f}z"
            for p, h in zip(mine["period"], _heights(mine["ship_days"], top_ships), strict=True)
        )
        color = TRACK_KIND_STYLE.get(kind, TRACK_KIND_STYLE["high_seas"])["color"]
        days, ships = int(mine["days_present"].sum()), int(mine["ship_days"].sum())
        label = (f"{kind.replace('_', ' ')}: {days:,} {'day' if days == 1 else 'days'} present, "
                 f"{ships:,} ship-{'day' if ships == 1 else 'days'}")  # fmt: skip
        parts.append(
            f'<text x="0" y="{base - _BAR - 4:g}" class="fp-presence-label">{esc(label)}</text>'
            f'<line x1="0" x2="{_WIDTH:g}" y1="{base:g}" y2="{base:g}" stroke="#bbbbbb"/>'
            f'<path class="fp-presence-bars" data-kind="{esc(kind)}" fill="{color}" d="{bars}"/>'
        )
    first, last = str(periods[0]), str(periods[-1])
    parts.append(
        f'<text x="0" y="{height - 3:g}" class="fp-presence-axis">{esc(first)}</text>'
        f'<text x="{_WIDTH:g}" y="{height - 3:g}" text-anchor="end" class="fp-presence-axis">'
        f"{esc(last)}</text>"
        f'<line id="fp-presence-now" x1="-10" x2="-10" y1="0" y2="{height - _AXIS:g}" '
        f'stroke="#1d4e89" stroke-width="1.5" visibility="hidden"/>'
    )
    return (
        f'<svg class="fp-presence-svg" width="{_WIDTH:g}" height="{height:g}" '
        f'viewBox="0 0 {_WIDTH:g} {height:g}" role="img" '
        f'aria-label="{esc(f"vessels present per {by} and zone kind")}">{"".join(parts)}</svg>'
    )


def _heights(ship_days: pd.Series, top: int) -> list[float]:
    return [max(_LOW, _BAR * float(s) / top) for s in ship_days]


def presence_chart(visits: pd.DataFrame, *, by: str, tz: str) -> PresenceChart | None:
    """Return the presence chart of ``visits`` (None when no vessel was in any zone).

    Parameters
    ----------
    visits : pandas.DataFrame
        From :func:`geo.zone_visits`.
    by : {"day", "month", "year"}
        One bar per local period of this length.
    tz : str
        The time zone whose calendar is counted (as :func:`geo.presence`).
    """
    rows = _rows(visits, by, tz)
    if rows.empty:
        return None
    periods = pd.period_range(rows["period"].min(), rows["period"].max(), freq=_FREQ[by])
    unit = "vessels present per day" if by == "day" else f"ship-days per {by}"
    body = (
        '<details id="fp-presence" class="fp-presence" open><summary>'
        f"{esc(f'Presence per {by} ({tz} calendar)')}</summary>{_svg(rows, periods, by)}"
        f'<div class="fp-presence-note">{esc(f"Bars: {unit}. A vessel in a territorial sea")}'
        f"{esc(' counts in the contiguous zone too.')}</div></details>"
    )
    axis = {"t_start": _epoch(periods[0], tz), "t_end": _epoch(periods[-1] + 1, tz),
            "width": _WIDTH}  # fmt: skip
    return PresenceChart(Snippet(body, section="html"), axis, rows)
