"""classify(..., distances=False): the zone columns only, equal to the full answers and to sjoin."""

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geo
from benchmarks.compare import compare
from geo.classify import OUTPUT_COLUMNS, ZONE_ONLY_COLUMNS

from .support import run_cli


def _as_objects(column: pd.Series) -> list:
    return column.astype(object).where(column.notna(), None).tolist()


@pytest.fixture(scope="module")
def prepared():
    return geo.PreparedZones(geo.load_zones())


@pytest.fixture(scope="module")
def points():
    """Random points over the coverage and beyond it, crowds in the overlays, a missing row."""
    rng = np.random.default_rng(7)
    n = 30_000  # above the index's grid threshold, so the grid answers most of them
    x, y = rng.uniform(90.0, 170.0, n), rng.uniform(-5.0, 60.0, n)
    x[:1500], y[:1500] = rng.uniform(134.0, 138.0, 1500), rng.uniform(27.0, 31.0, 1500)  # shelf
    x[1500:3000], y[1500:3000] = rng.uniform(140.2, 141.0, 1500), rng.uniform(41.2, 41.7, 1500)
    x[3000:4000], y[3000:4000] = rng.uniform(112.0, 118.0, 1000), rng.uniform(7.0, 12.0, 1000)
    geoms = [*shapely.points(x, y), None]
    return gpd.GeoDataFrame({"n": range(n + 1)}, geometry=geoms, crs=4326)


def test_zone_only_columns_equal_the_full_classification(points, prepared):
    fast = geo.classify(points, prepared=prepared, distances=False)
    full = geo.classify(points, prepared=prepared)
    assert list(fast.columns) == [*points.columns, *ZONE_ONLY_COLUMNS]
    assert set(ZONE_ONLY_COLUMNS) <= set(OUTPUT_COLUMNS)
    for name in ZONE_ONLY_COLUMNS:
        assert _as_objects(fast[name]) == _as_objects(full[name]), name
    # The overlays were exercised: shelf claims and the Tsugaru specified area.
    assert fast["shelf_claimants"].astype(str).str.contains("JPN").any()
    assert fast["regimes"].astype(str).str.contains("Tsugaru").any()
    assert fast["within_dashed_line"].any()
    assert "distance_to_coast_nm" not in fast


def test_zone_only_matches_sjoin_within(points, prepared):
    """The zone of each point is one of the zones sjoin(within) finds, the innermost kind."""
    zones = prepared.sea
    fast = geo.classify(points, prepared=prepared, distances=False)
    right = gpd.GeoDataFrame({"zone_id": zones["zone_id"].to_numpy()},
                             geometry=zones.geometry.values, crs=4326)  # fmt: skip
    joined = gpd.sjoin(points.dropna(subset=["geometry"]), right, predicate="within")
    found = joined.groupby(level=0)["zone_id"].agg(set)
    ours = fast["zone_id"].astype(str)
    in_a_zone = ours != ""
    # Every point of the coverage that sjoin puts in a zone, we put in one of those
    # zones (beyond the coverage the set has land but no sea: outside_coverage).
    covered = fast.index[fast["zone_kind"].astype(str) != "outside_coverage"]
    strictly_inside = found.index.intersection(covered)
    assert len(strictly_inside) > 15_000
    assert set(strictly_inside) <= set(ours.index[in_a_zone])
    for i in strictly_inside:
        assert ours[i] in found[i], (i, ours[i], found[i])


def test_zone_only_columns_are_compact(points, prepared):
    fast = geo.classify(points, prepared=prepared, distances=False)
    for name in ("zone_kind", "zone_name", "zone_id", "claimants", "sovereign", "regimes"):
        assert isinstance(fast[name].dtype, pd.CategoricalDtype), name
    assert fast["disputed"].dtype == bool
    assert pd.isna(fast["zone_kind"].iloc[-1])  # the row with no position


def test_cli_no_distances_writes_only_the_zone_columns(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("lat,lon,title\n9.7325,115.86417,a\n25.74,123.47,b\n")
    out = tmp_path / "out.csv"
    done = run_cli("classify", str(src), "-o", str(out), "--no-distances", "--no-progress")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out, keep_default_na=False)
    assert "distance_to_coast_nm" not in table
    assert table["claimants"].tolist() == ["CHN/PHL/TWN/VNM", "CHN/JPN/TWN"]
    kept = tmp_path / "index"
    again = run_cli("classify", str(src), "-o", str(tmp_path / "again.csv"), "--no-distances",
                    "--no-progress", "--index-dir", str(kept))  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert len(list(kept.glob("zone-index-*.npz"))) == 1  # the index kept for the next run
    assert (tmp_path / "again.csv").read_text() == out.read_text()


def test_compare_reports_ratios_and_flags_slower_rows(tmp_path):
    old = [{"engine": "zones", "points": 10, "seconds": 1.0, "peak_rss_mb": 100.0},
           {"engine": "classify", "points": 10, "seconds": 2.0}]  # fmt: skip
    new = [{"engine": "zones", "points": 10, "seconds": 2.0, "peak_rss_mb": 90.0},
           {"engine": "classify", "points": 10, "seconds": 1.0},
           {"engine": "other", "points": 10, "seconds": 1.0}]  # fmt: skip
    lines, worse = compare(old, new, slower=1.25)
    assert worse == 1
    assert len(lines) == 2
    assert "x 2.00" in lines[0]
    assert "SLOWER" in lines[0]
    assert "x 0.50" in lines[1]
    assert "SLOWER" not in lines[1]
    (tmp_path / "a.json").write_text(json.dumps(old))


def test_zone_names_that_look_like_formulas_are_neutralised_in_csv(square_zones, tmp_path):
    from geo.io import write_frame

    hostile = square_zones.assign(name=square_zones["name"].radd('=HYPERLINK("x")&'))
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(2.0, 5.0)], crs=4326)
    out = tmp_path / "z.csv"
    write_frame(geo.classify(pts, hostile, distances=False), out)
    cell = pd.read_csv(out)["zone_name"].iloc[0]
    assert cell.startswith("'=HYPERLINK")


def test_queries_that_need_distances_say_the_rows_are_zone_only(prepared):
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(123.5, 25.8)], crs=4326)
    with pytest.raises(geo.InputError, match="distances=False"):
        geo.within_eez(geo.classify(pts, prepared=prepared, distances=False), "JPN")
