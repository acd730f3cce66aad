"""Vessel tracks on a map (#19): zone kinds, dark legs, gaps, entries and exits, timeline.

The map is drawn from ``geo.synthetic_patrols``: five days of February 2023 around its
territorial-sea entries, with the reports of the busiest vessel cut for eight hours, so
that its track has a gap. It is
checked by its contents (the track table the page draws, the legend, the presence
chart) and opened in headless Chromium with the network blocked. Hostile vessel ids
and groups are drawn over the tiny square zone set and must be shown as text.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

import geo
from geo.errors import InputError
from geo.maps import save_map
from geo.maps.elements import Snippet
from geo.maps.presence import presence_chart
from geo.maps.style import TRACK_KIND_STYLE
from geo.maps.tracks import track_table
from tests.browser_support import open_offline
from tests.support import table_numbers, table_text

NOT_ZONES = ("high_seas", "outside_coverage")
#: tracks_map's defaults, for the track table alone.
OPTIONS = {"tz": "Asia/Tokyo", "dark_after_h": 1.0, "sample_s": 300.0}
READY = "() => window.Flashpoints && Flashpoints.tracksReady && Flashpoints.toolsReady"


@pytest.fixture(scope="module")
def patrols():
    """Five days of February 2023 around its territorial-sea entries; the busiest vessel
    sends no report for eight hours in the middle of its track."""
    raw = geo.synthetic_patrols(months=[2], report_interval_s=(30.0, 120.0))
    month = geo.zone_visits(geo.load_tracks(raw), distances=False)
    entered = month.loc[month["zone_kind"] == "territorial_sea", "entry_time"].min().floor("D")
    raw = raw[(raw["time"] >= entered - pd.Timedelta(days=2))
              & (raw["time"] < entered + pd.Timedelta(days=3))]  # fmt: skip
    busiest = raw["mmsi"].value_counts().index[0]
    times = raw.loc[raw["mmsi"] == busiest, "time"]
    mid = times.min() + (times.max() - times.min()) / 2
    mine = raw["mmsi"] == busiest
    cut = mine & (raw["time"] > mid) & (raw["time"] < mid + pd.Timedelta(hours=8))
    tracks = geo.load_tracks(raw[~cut])
    visits = geo.zone_visits(tracks, distances=False)
    return tracks, visits, busiest


@pytest.fixture(scope="module")
def drawn(patrols):
    tracks, visits, _ = patrols
    before = tracks.copy(), visits.copy()
    m = geo.tracks_map(tracks, visits, tiles=None)
    return m, _table(m), before


def _snippet(m, start: str) -> str:
    (text,) = [c.text for c in m._children.values() if isinstance(c, Snippet) and start in c.text]
    return text


def _table(m) -> dict:
    """The track table the page hands to ``Flashpoints.addTracks``."""
    text = _snippet(m, "Flashpoints.addTracks(")
    return json.loads(text[text.index("\n") + 1 : text.rindex(");")])


def _pieces(table: dict) -> pd.DataFrame:
    """One row per piece of line: its style, visit, vessel, and first/last vertex."""
    start = table_numbers(table["piece_start"]).astype(int)
    end = np.r_[start[1:], table["n_vertices"]]
    t = table_numbers(table["t"]).astype(float)
    return pd.DataFrame({
        "start": start, "end": end, "style": table_numbers(table["piece_style"]),
        "visit": table_numbers(table["piece_visit"]),
        "vessel": table_numbers(table["piece_vessel"]), "t_first": t[start], "t_last": t[end - 1],
    })  # fmt: skip


def _sorted(visits: pd.DataFrame) -> pd.DataFrame:
    """The visits in the page's order: by vessel and time."""
    v = visits.assign(vessel_id=visits["vessel_id"].astype(str))
    return v.sort_values(["vessel_id", "entry_time", "exit_time"], kind="stable", ignore_index=True)


def _seconds(times: pd.Series, t0: float) -> np.ndarray:
    return (times - pd.Timestamp(t0, unit="s", tz="UTC")).dt.total_seconds().to_numpy()


# --------------------------------------------------------------------------- contents


def test_each_visit_is_drawn_in_its_zone_kind_from_entry_to_exit(patrols, drawn):
    _, visits, _ = patrols
    _, table, _ = drawn
    v = _sorted(visits)
    pieces = _pieces(table)
    lat, lon = table_numbers(table["lat"]), table_numbers(table["lon"])
    page = table_text(table["visits"]["kind"], table["visits"]["n"])
    assert page == v["zone_kind"].tolist()
    assert table["styles"]["kinds"] == TRACK_KIND_STYLE
    # Every visit is drawn, each of its pieces within its times, from entry to exit point.
    lines = pieces[pieces["style"] != 2]
    assert sorted(set(lines["visit"])) == list(range(len(v)))
    entry, exit_ = _seconds(v["entry_time"], table["t0"]), _seconds(v["exit_time"], table["t0"])
    i = lines["visit"].to_numpy()
    assert (lines["t_first"].to_numpy() >= entry[i] - 1).all()
    assert (lines["t_last"].to_numpy() <= exit_[i] + 1).all()
    by_visit = lines.groupby("visit")
    first, last = by_visit["start"].min(), by_visit["end"].max() - 1
    np.testing.assert_allclose(lat[first], v["entry_lat"], atol=1e-5)
    np.testing.assert_allclose(lon[first], v["entry_lon"], atol=1e-5)
    np.testing.assert_allclose(lat[last], v["exit_lat"], atol=1e-5)
    np.testing.assert_allclose(lon[last], v["exit_lon"], atol=1e-5)
    # The pieces of a visit follow each other: together they last as long as the visit,
    # and the dashed ones as long as its dark time (times are whole seconds in the page).
    span = (lines["t_last"] - lines["t_first"]).groupby(lines["visit"]).sum()
    assert ((span - v["duration_h"] * 3600).abs() <= by_visit.size()).all()  # 1 s a piece
    dark = lines[lines["style"] == 1]
    assert v["dark_h"].sum() > 0
    assert len(dark) > 0
    dark_s = (dark["t_last"] - dark["t_first"]).groupby(dark["visit"]).sum()
    dark_s = dark_s.reindex(range(len(v)), fill_value=0.0)
    np.testing.assert_allclose(dark_s, v["dark_h"] * 3600, atol=4)


def test_a_gap_between_segments_is_drawn_dotted(patrols, drawn):
    _, visits, busiest = patrols
    _, table, _ = drawn
    v = _sorted(visits)
    segments = v.groupby("vessel_id")["segment_id"].nunique()
    assert segments[busiest] == 2  # the eight hours cut out of its reports
    gaps = _pieces(table).query("style == 2")
    assert len(gaps) == int((segments - 1).sum()) >= 1
    vessels = table["vessels"]
    (gap,) = [g for g in gaps.itertuples() if vessels[g.vessel] == busiest]
    assert gap.end - gap.start == 2
    assert gap.t_last - gap.t_first > 6 * 3600
    mine = v[v["vessel_id"] == busiest]
    before, after = mine[mine["segment_id"] == 0].iloc[-1], mine[mine["segment_id"] == 1].iloc[0]
    lat, lon = table_numbers(table["lat"]), table_numbers(table["lon"])
    assert (lat[gap.start], lon[gap.start]) == pytest.approx((before.exit_lat, before.exit_lon))
    assert (lat[gap.end - 1], lon[gap.end - 1]) == pytest.approx((after.entry_lat, after.entry_lon))


def test_one_entry_and_one_exit_marker_per_visit_to_a_zone(patrols, drawn):
    _, visits, _ = patrols
    _, table, _ = drawn
    v = _sorted(visits)
    in_zones = v[~v["zone_kind"].isin(NOT_ZONES)]
    markers = table["markers"]
    assert markers["n"] == 2 * len(in_zones) > 0
    visit, role = table_numbers(markers["visit"]), table_numbers(markers["role"])
    assert sorted(visit[role == 0]) == sorted(visit[role == 1]) == in_zones.index.tolist()
    where = np.column_stack([table_numbers(markers["lat"]), table_numbers(markers["lon"])])
    expected = np.where(
        (role == 0)[:, None],
        v.loc[visit, ["entry_lat", "entry_lon"]].to_numpy(),
        v.loc[visit, ["exit_lat", "exit_lon"]].to_numpy(),
    )
    np.testing.assert_allclose(where, expected, atol=1e-5)
    # What popups say of the visit: vessel, times (whole seconds after t0), duration.
    page = table["visits"]
    vessel = [table["vessels"][i] for i in table_numbers(page["vessel"])]
    assert vessel == v["vessel_id"].tolist()
    entry = table_numbers(page["entry"]).astype(float)
    np.testing.assert_allclose(entry, _seconds(v["entry_time"], table["t0"]), atol=0.5)
    np.testing.assert_allclose(table_numbers(page["duration_h"]), v["duration_h"], rtol=1e-6)
    # Only the kinds asked for get markers.
    n_ts = int((v["zone_kind"] == "territorial_sea").sum())
    for kinds in (["territorial_sea"], "territorial_sea"):
        only = track_table(*patrols[:2], marker_kinds=kinds, **OPTIONS)
        assert only["markers"]["n"] == 2 * n_ts > 0


def test_positions_drawn_one_per_interval_and_every_one_when_asked(patrols, drawn):
    tracks, visits, _ = patrols
    _, table, _ = drawn
    kept = int((~(tracks["flag_duplicate"] | tracks["flag_jump"])).sum())
    assert table["n_positions"] == kept
    # Reports every 30 s to 2 minutes: one per 5 minutes is under a third of them.
    assert 0 < table["n_drawn"] < kept / 3
    # With no sampling, every position is drawn but the first and last of each segment,
    # which are the entry of its first visit and the exit of its last.
    full = track_table(tracks, visits, **(OPTIONS | {"sample_s": 1e-3}))
    n_segments = len(visits.groupby(["vessel_id", "segment_id"]))
    assert full["n_drawn"] == kept - 2 * n_segments


def test_legend_and_presence_chart(patrols, drawn):
    _, visits, _ = patrols
    m, _, _ = drawn
    legend = _snippet(m, "fp-legend")
    for row in ("in a territorial sea", "in a contiguous zone", "in an EEZ",
                "dark: no report for over 1 h", "gap: no report for over 6 h",
                "entry into a zone", "exit from a zone"):  # fmt: skip
        assert row in legend
    assert legend.index("in a territorial sea") < legend.index("in a contiguous zone")
    chart = _snippet(m, 'id="fp-presence"')
    daily = geo.presence(visits, by="day")
    for kind, rows in daily.groupby("zone_kind"):
        days, ships = rows["period"].nunique(), int(rows["ship_days"].sum())
        bars = re.search(rf'data-kind="{kind}"[^>]* d="([^"]*)"', chart).group(1)
        assert bars.count("M") == days
        days_text = f"{days} day{'s' * (days != 1)} present, {ships} ship-day{'s' * (ships != 1)}"
        assert f"{kind.replace('_', ' ')}: {days_text}" in chart
    assert "Presence per day (Asia/Tokyo calendar)" in chart
    # By month: one bar per kind (the five days are in February), from 1 February, Tokyo.
    monthly = presence_chart(visits, by="month", tz="Asia/Tokyo")
    assert monthly.rows["period"].astype(str).unique().tolist() == ["2023-02"]
    assert monthly.element.text.count('class="fp-presence-bars"') == daily["zone_kind"].nunique()
    paths = re.findall(r'class="fp-presence-bars"[^>]* d="([^"]*)"', monthly.element.text)
    assert [p.count("M") for p in paths] == [1] * daily["zone_kind"].nunique()
    assert monthly.axis["t_start"] == pd.Timestamp("2023-02-01", tz="Asia/Tokyo").timestamp()
    assert monthly.axis["t_end"] == pd.Timestamp("2023-03-01", tz="Asia/Tokyo").timestamp()


def test_tracks_map_does_not_mutate_its_inputs(patrols, drawn):
    tracks, visits, _ = patrols
    tracks_before, visits_before = drawn[2]
    assert_geodataframe_equal(tracks, tracks_before)
    pd.testing.assert_frame_equal(visits, visits_before)
    assert visits.attrs == {"max_gap_h": 6.0, "dark_after_h": 1.0}


def test_tracks_map_refuses_what_it_cannot_draw(patrols):
    tracks, visits, _ = patrols
    with pytest.raises(InputError, match=r"tracks_map takes positions .*geo\.load_tracks"):
        geo.tracks_map(pd.DataFrame({"mmsi": ["1"]}), visits)
    with pytest.raises(InputError, match=r"missing exit_time.*run geo\.zone_visits"):
        geo.tracks_map(tracks, visits.drop(columns="exit_time"))
    with pytest.raises(InputError, match="unknown time zone 'Mars/Olympus'"):
        geo.tracks_map(tracks, visits, tz="Mars/Olympus")
    with pytest.raises(InputError, match="sample_s must be a positive"):
        geo.tracks_map(tracks, visits, sample_s=0)
    with pytest.raises(InputError, match="presence_by must be 'day', 'month', 'year' or None"):
        geo.tracks_map(tracks, visits, presence_by="week")
    with pytest.raises(InputError, match="empty"):
        geo.tracks_map(tracks, visits.iloc[:0])


def test_a_track_across_the_antimeridian_is_drawn_the_short_way(dateline_zones):
    times = pd.date_range("2023-01-05", periods=6, freq="1h", tz="UTC")
    lons = [178.8, 179.3, 179.8, -179.7, -179.2, -178.7]
    frame = pd.DataFrame({"vessel_id": "v", "time": times, "lat": 0.0, "lon": lons})
    tracks = geo.load_tracks(frame, zones=dateline_zones)
    visits = geo.zone_visits(tracks, dateline_zones)
    table = _table(geo.tracks_map(tracks, visits, dateline_zones, tiles=None))
    lon = table_numbers(table["lon"])
    assert np.abs(np.diff(lon)).max() < 1.0  # no line around the world
    assert lon.max() - lon.min() == pytest.approx(360.0 - 178.8 - 178.7, abs=1e-4)
    markers = table_numbers(table["markers"]["lon"])  # on the line, in the same world copy
    assert markers.min() >= lon.min()
    assert markers.max() <= lon.max()
    assert table["markers"]["n"] == 2  # the territorial sea's entry and exit


# --------------------------------------------------------------------------- in a browser


@pytest.mark.browser
def test_the_page_in_chromium_offline(patrols, drawn, tmp_path):
    _, visits, _ = patrols
    m, table, _ = drawn
    out = save_map(m, tmp_path / "tracks.html", offline=True)
    v = _sorted(visits)
    n_pieces = len(_pieces(table))
    marker_visit = table_numbers(table["markers"]["visit"])
    marker_role = table_numbers(table["markers"]["role"])
    marker_s = np.where(marker_role == 0, _seconds(v["entry_time"], table["t0"])[marker_visit],
                        _seconds(v["exit_time"], table["t0"])[marker_visit])  # fmt: skip
    with open_offline(out) as (page, log):
        page.wait_for_function(READY, timeout=20_000)
        assert page.evaluate("Flashpoints.tracks.drawnCount()") == n_pieces
        assert page.evaluate("Flashpoints.tracks.markerCount()") == table["markers"]["n"]
        # The slider, moved as a user would, draws less at an earlier time.
        middle = int(np.median(marker_s) // 60 * 60)
        page.evaluate(
            f"""() => {{ const r = document.querySelector('.fp-track-timeline .fp-range');
                r.value = {middle}; r.dispatchEvent(new Event('input', {{bubbles: true}})); }}"""
        )
        drawn_then = page.evaluate("Flashpoints.tracks.drawnCount()")
        assert 0 < drawn_then < n_pieces
        assert page.evaluate("Flashpoints.tracks.markerCount()") == int((marker_s <= middle).sum())
        assert page.evaluate("Flashpoints.tracks.headCount()") >= 1
        when = pd.Timestamp(table["t0"] + middle, unit="s", tz="UTC")
        label = page.locator(".fp-track-timeline .fp-date").inner_text()
        tokyo = when.tz_convert("Asia/Tokyo").strftime("%Y-%m-%d %H:%M")
        assert label == f"{when:%Y-%m-%d %H:%M} UTC · {tokyo} Asia/Tokyo"
        assert page.locator("#fp-presence-now").get_attribute("visibility") == "visible"
        # A six-hour window draws only what happened in it.
        page.locator(".fp-track-timeline .fp-window").select_option("21600")
        assert page.evaluate("Flashpoints.tracks.drawnCount()") < drawn_then
        # An entry marker's popup, opened by a click on it, gives UTC and Tokyo times.
        page.locator(".fp-track-timeline .fp-window").select_option("0")
        page.evaluate("Flashpoints.tracks.slider.setValue(Flashpoints.tracks.slider.hi)")
        crossed = (v["zone_kind"] == "territorial_sea") & (v["entered_from"] == "contiguous_zone")
        first_ts = int(np.flatnonzero(crossed)[0])
        m_index = int(np.flatnonzero((marker_visit == first_ts) & (marker_role == 0))[0])
        point = page.evaluate(
            f"""() => {{ const map = Object.values(window).find(x => x instanceof L.Map);
                const mk = Flashpoints.tracks.markers[{m_index}];
                map.setView(mk.getLatLng(), 13, {{animate: false}});
                return map.latLngToContainerPoint(mk.getLatLng()); }}"""
        )
        box = page.locator(".folium-map").bounding_box()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        popup = page.locator(".fp-visit-popup .leaflet-popup-content")
        popup.wait_for(state="visible", timeout=5_000)
        # The exit from the contiguous zone and the entry into the territorial sea are one
        # point: the popup gives both, in time order.
        left, entry = popup.inner_text().split("Entry: ")
        row, before = v.iloc[first_ts], v.iloc[first_ts - 1]
        assert left.startswith(f"Exit: {row['vessel_id']}\n")
        assert f"Zone\t{before['zone_name']}" in left
        assert "Went to\tterritorial sea" in left
        entered = row["entry_time"].round("s")
        tokyo = entered.tz_convert("Asia/Tokyo")
        assert entry.startswith(f"{row['vessel_id']}\n")
        assert f"Zone\t{row['zone_name']}" in entry
        assert f"Entered (UTC)\t{entered:%Y-%m-%d %H:%M:%S}" in entry
        assert f"Entered (Asia/Tokyo)\t{tokyo:%Y-%m-%d %H:%M:%S}" in entry
        assert f"Visit duration\t{row['duration_h']:.2f} h" in entry
        assert "Came from\tcontiguous zone" in entry
        assert "Time uncertainty\tup to " in entry
        page.screenshot(path=str(tmp_path / "tracks.png"))
        assert log.page_errors == []
        assert log.console_errors == []
        assert log.aborted == []


HOSTILE_VESSELS = ("<script>window.__pwned=1</script>", '"><svg onload=window.__pwned=1>')
HOSTILE_GROUPS = ("<img src=x onerror=window.__pwned=1>{{ 1234*1000 }}", "${window.__pwned=1}`")

_RAN = """() => ({
  pwned: window.__pwned === undefined ? null : window.__pwned,
  handlers: document.querySelectorAll('[onerror],[onload],[onclick],[onmouseover]').length,
  images: document.querySelectorAll('img:not(.leaflet-tile)').length,
  svgs: document.querySelectorAll('svg:not(#fp-legend svg):not(#fp-presence svg)'
                                  + ':not(.leaflet-attribution-flag)').length,
  scripts: [...document.scripts].filter(s => s.textContent.trim() === 'window.__pwned=1').length,
})"""

_OPEN_EVERYTHING = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map), out = {popups: [], tips: []};
  const t = Flashpoints.tracks;
  t.slider.setValue(24 * 3600);  // after the gaps, while the vessels report
  for (let m = 0; m < t.table.markers.n; m++) {
    t.openMarker(m);
    out.popups.push([...document.querySelectorAll('.fp-visit-popup .leaflet-popup-content')]
      .pop().innerText);
    map.closePopup();
  }
  [t.layers.tracks, t.layers.gaps, t.layers.heads].forEach(g => g.eachLayer(l => {
    l.fire('mouseover', {latlng: l.getLatLngs ? l.getLatLngs()[0] : l.getLatLng()}, true);
    if (!l.getTooltip()) return;
    l.openTooltip(l.getLatLngs ? l.getLatLngs()[0] : l.getLatLng());
    out.tips.push(l.getTooltip().getElement().innerText);
    l.closeTooltip();
  }));
  return out;
}"""


@pytest.mark.browser
def test_hostile_vessel_ids_and_groups_stay_text(square_zones, tmp_path):
    rows = []
    for k, (vessel, group) in enumerate(zip(HOSTILE_VESSELS, HOSTILE_GROUPS, strict=True)):
        # West to east across AAA's waters, the high seas and BBB's, at about 18 knots;
        # no reports for 2 hours (a dark leg) and for 7 hours (a gap).
        hours = np.r_[np.arange(0, 6, 1 / 3), np.arange(8, 14, 1 / 3), np.arange(21, 27, 1 / 3)]
        rows += [{"vessel_id": vessel, "group": group, "lat": 3.5 + 0.1 * k, "lon": 0.2 + 0.2 * h,
                  "time": pd.Timestamp("2023-07-01", tz="UTC") + pd.Timedelta(hours=h)}
                 for h in hours]  # fmt: skip
    tracks = geo.load_tracks(pd.DataFrame(rows), zones=square_zones)
    visits = geo.zone_visits(tracks, square_zones)
    assert set(visits["vessel_id"]) == set(HOSTILE_VESSELS)
    m = geo.tracks_map(tracks, visits, square_zones, tiles=None)
    out = save_map(m, tmp_path / "hostile-tracks.html", offline=True)
    html = out.read_text()
    for raw in (*HOSTILE_VESSELS, HOSTILE_GROUPS[0]):
        assert raw not in html
    assert "{{ 1234*1000 }}" not in html
    assert "1234000" not in html  # not evaluated as a template
    with open_offline(out) as (page, log):
        page.wait_for_function(READY, timeout=20_000)
        seen = page.evaluate(_OPEN_EVERYTHING)
        page.wait_for_timeout(500)  # an <img src=x> would have failed to load by now
        assert page.evaluate(_RAN) == {"pwned": None, "handlers": 0, "images": 0, "svgs": 0,
                                       "scripts": 0}  # fmt: skip
        assert log.dialogs == []
        assert log.page_errors == []
        assert log.console_errors == []
    in_zones = visits[~visits["zone_kind"].isin(NOT_ZONES)]
    assert set(in_zones["zone_id"]) == {"aaa-eez", "bbb-eez"}
    assert len(seen["popups"]) == 2 * len(in_zones)
    for vessel, group in zip(HOSTILE_VESSELS, HOSTILE_GROUPS, strict=True):
        mine = [p for p in seen["popups"] if f"\nVessel\t{vessel}\n" in p]
        assert len(mine) == 2 * int((in_zones["vessel_id"] == vessel).sum())
        assert all(p.startswith(("Entry: " + vessel, "Exit: " + vessel)) for p in mine)
        assert all(f"\nGroup\t{group}\n" in p for p in mine)
        assert any(tip.startswith(vessel + " \u00b7 ") for tip in seen["tips"])  # a track
        assert f"{vessel}: no report for {21 - 13 - 2 / 3:.1f} h" in seen["tips"]  # its gap
        assert vessel in seen["tips"]  # where it is at the slider's time
