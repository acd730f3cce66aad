"""Boundary lines: computed from the zone set, and published lines transcribed with sources."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geo
from geo.coast import Coastline
from geo.geodesy import GEOD
from geo.lines import LINE_COLUMNS, LINE_KINDS, read_lines
from tests.support import ROOT

LINES = ROOT / "data" / "lines"


@pytest.fixture(scope="module")
def lines():
    return geo.boundary_lines()


def test_columns_kinds_and_sources(lines):
    assert list(lines.columns) == list(LINE_COLUMNS)
    assert set(lines["kind"]) <= set(LINE_KINDS)
    assert set(lines["basis"]) <= {"computed", "agreed", "claimed", "recommended"}
    assert (lines["source"].str.len() > 10).all()
    assert lines.geom_type.isin(["LineString", "MultiLineString"]).all()


def test_median_line_is_equidistant(lines, bundled_zones):
    """Points on the computed Japan-Russia line are as far from Japan's coast as from Russia's."""
    line = lines[(lines["kind"] == "median_line") & (lines["name"] == "jpn / rus")].geometry.iloc[0]
    pts = shapely.line_interpolate_point(line, np.linspace(0.05, 0.95, 15), normalized=True)
    land = bundled_zones[bundled_zones["kind"] == "land"]
    d = {}
    for state in ("JPN", "RUS"):
        mine = land[land["zone_id"] == f"{state.lower()}-land"]
        d[state], _ = Coastline(mine).distance_m(shapely.get_x(pts), shapely.get_y(pts))
    assert np.abs(d["JPN"] - d["RUS"]).max() < 2 * 1852.0  # within the builder's 1 nm, twice


def test_territorial_sea_limit_is_12_nm_out(lines, bundled_zones):
    """12 nm from the baseline (the coast, or the straight baselines closing internal
    waters), except in the specified areas (straits), where it is 3 nm."""
    line = lines[(lines["kind"] == "territorial_sea_limit") & (lines["states"] == "JPN")]
    pts = shapely.line_interpolate_point(
        line.geometry.iloc[0], np.linspace(0.005, 0.995, 400), normalized=True
    )
    straits = bundled_zones[bundled_zones["zone_id"].str.startswith("jpn-specified-area-")]
    in_strait = shapely.intersects(straits.union_all().buffer(1e-4), pts)
    assert 0 < in_strait.sum() < len(pts) / 4
    pts = pts[~in_strait]
    inside = bundled_zones[bundled_zones["kind"].isin(["land", "internal_waters"])]
    base = gpd.GeoDataFrame({"sovereign": [""]}, geometry=[inside.union_all()], crs=4326)
    coast = Coastline(base)
    d_m, _ = coast.distance_m(shapely.get_x(pts), shapely.get_y(pts))
    assert np.abs(d_m / 1852.0 - 12.0).max() < 0.6


def test_published_lines_are_listed_with_their_sources():
    published = read_lines()
    catalogue = pd.read_csv(LINES / "lines.csv", dtype=str)
    assert len(published) == len(catalogue) >= 4
    readme = (LINES / "README.md").read_text(encoding="utf-8")
    for f in catalogue["file"].unique():
        assert f"`{f}`" in readme, f"{f} has no section in data/lines/README.md"


_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def _printed_to_decimal(text: str) -> float:
    """Degrees, minutes and seconds as printed: Latin, Chinese or kanji numerals, decimal
    commas; each number is read by its marker (a missing minutes field is zero)."""
    t = text.translate(_KANJI_DIGITS).replace(",", ".")
    if re.fullmatch(r"-?\d+\.\d+", t.strip()):  # decimal degrees (Natural Earth)
        return float(t)
    num = r"(\d+(?:\.\d+)?)\s*"
    parts = []
    for marker in (r"(?:度|°)", r"(?:分|′|')(?!')", r"(?:秒|″|\"|'')"):
        found = re.search(num + marker, t)
        parts.append(float(found.group(1)) if found else 0.0)
    value = parts[0] + parts[1] / 60 + parts[2] / 3600
    south_or_west = re.search(r"[SW]\b|南[纬緯]|西[经経]|south|west", t, re.IGNORECASE)
    return -value if south_or_west else value


POINT_FILES = sorted(
    p for p in LINES.glob("*.csv") if p.name != "lines.csv" and "constructions" not in p.name
)


def test_there_are_point_files():
    assert len(POINT_FILES) >= 4


@pytest.mark.parametrize("path", POINT_FILES, ids=lambda p: p.stem)
def test_every_point_matches_its_printed_text(path):
    points = pd.read_csv(path, dtype={"lat_text": str, "lon_text": str})
    # Points of our own (the dashed line's closing path over land) print nothing.
    ours = points["lat_text"].isna()
    assert points.loc[ours, "name"].str.endswith("-closure").all()
    for row in points[~ours].itertuples():
        assert _printed_to_decimal(row.lat_text) == pytest.approx(row.lat, abs=5e-7), row
        assert _printed_to_decimal(row.lon_text) == pytest.approx(row.lon, abs=5e-7), row


#: A sample of points as printed in the sources named in data/lines/README.md.
PRINTED = [
    (
        "jpn-kor-1974-north-boundary",
        1,
        (32, 57.0),
        (127, 41.1),
    ),  # MOFA: POINT 1 32゚57.0' N 127゚41.1' E
    ("jpn-kor-1974-north-boundary", 18, (34, 32.6), (129, 0.8)),
    ("jpn-kor-1974-north-boundary", 35, (36, 10.0), (131, 15.9)),
    (
        "chn-vnm-2000-tonkin",
        1,
        (21, 28, 12.5),
        (108, 6, 4.3),
    ),  # 北纬21度28分12.5秒 东经108度06分04.3秒
    ("chn-vnm-2000-tonkin", 10, (20, 24, 5), (108, 22, 45)),
    ("chn-vnm-2000-tonkin", 21, (17, 47, 0), (107, 58, 0)),
    ("prk-rus-1985-territorial-sea", 1, (42, 17, 34.34), (130, 41, 49.16)),
    ("chn-2012-diaoyu-baselines-group1", 1, (25, 44.1), (123, 27.5)),  # 北纬25°44.1′ 东经123°27.5′
    ("chn-2012-diaoyu-baselines-group2", 1, (25, 55.3), (124, 33.7)),  # 赤尾屿
    # 北緯四三度二三分一〇秒 東経一四五度四九分六秒 (納沙布岬東端)
    ("jpn-straight-baselines-01", 1, (43, 23, 10), (145, 49, 6)),
    ("jpn-straight-baselines-13b", 15, (45, 31, 25), (141, 56, 26)),
    # 北緯四〇度五三秒: no minutes field, 40°00'53"
    ("jpn-straight-baselines-12c", 4, (40, 0, 53), (139, 41, 44)),
]


def _dms(parts: tuple[float, ...]) -> float:
    return sum(p / 60**i for i, p in enumerate(parts))


@pytest.mark.parametrize(("name", "seq", "lat", "lon"), PRINTED)
def test_sample_points_against_their_source(name, seq, lat, lon):
    files = pd.read_csv(LINES / "lines.csv", dtype=str).set_index("name")["file"]
    points = pd.read_csv(LINES / files[name])
    row = points[(points["name"] == name) & (points["seq"] == seq)].iloc[0]
    assert row["lat"] == pytest.approx(_dms(lat), abs=5e-7)
    assert row["lon"] == pytest.approx(_dms(lon), abs=5e-7)


def test_published_line_lengths_match_their_descriptions():
    published = read_lines().set_index("name")
    north = published.loc["Japan-Republic of Korea continental shelf boundary (1974)", "geometry"]
    xy = np.asarray(north.coords)
    length_nm = GEOD.line_length(xy[:, 0], xy[:, 1]) / 1852.0
    assert length_nm == pytest.approx(275.0, abs=1.0)  # "a 275 nautical mile boundary"
    ring = published.loc["China's 2012 baselines of Diaoyu Dao (Senkaku), Diaoyu group", "geometry"]
    assert ring.is_closed
    isle = shapely.Point(123.476, 25.743)  # Uotsuri-shima / Diaoyu Dao
    assert shapely.Polygon(ring).contains(isle)


def _touching_zones() -> gpd.GeoDataFrame:
    """AAA and BBB whose EEZs meet along x = 4.5, from y = 3 to y = 7."""
    rows = []
    for code, land, sea in (
        ("AAA", shapely.box(1, 4, 3, 6), shapely.box(0.5, 3, 4.5, 7)),
        ("BBB", shapely.box(6, 4, 8, 6), shapely.box(4.5, 3, 8.5, 7)),
    ):
        for kind, geom in (("land", land), ("eez", sea.difference(land))):
            rows.append({"zone_id": f"{code.lower()}-{kind}", "name": f"{code} {kind}",
                         "kind": kind, "claimants": code, "sovereign": code, "source": "test",
                         "geometry": geom})  # fmt: skip
    zones = gpd.GeoDataFrame(rows, crs=4326)
    zones.attrs["coverage"] = shapely.box(0, 0, 10, 10)
    return zones


def test_boundary_lines_of_a_small_zone_set():
    out = geo.boundary_lines(_touching_zones(), published=False)
    median = out[out["kind"] == "median_line"]
    assert median["states"].tolist() == ["AAA/BBB"]
    want = shapely.LineString([(4.5, 3), (4.5, 7)])
    assert shapely.hausdorff_distance(median.geometry.iloc[0], want) < 1e-5
    limits = out[out["kind"] == "eez_limit"].set_index("states").geometry
    # AAA's limit is the rest of its rectangle: 4 + 4 + 4 (west, north, south), not x = 4.5
    assert limits["AAA"].length == pytest.approx(4 + 4 + 4)
    assert limits["AAA"].distance(shapely.Point(4.5, 5)) > 0
