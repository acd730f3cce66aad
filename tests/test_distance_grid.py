"""Distance grids: the few candidate segments per cell give the exhaustive answer."""

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import geo
from geo.coast import Coastline, _approx_error, _approx_m
from geo.geodesy import GEOD, unit_vectors


def _islands(seed: int, *, centre_lon: float, centre_lat: float) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    polys, owners = [], []
    for i in range(5):
        x, y = centre_lon + rng.uniform(-2, 2), centre_lat + rng.uniform(-2, 2)
        polys.append(
            shapely.Point(x, y).buffer(rng.uniform(0.02, 0.6), quad_segs=int(rng.integers(2, 10)))
        )
        owners.append(f"S{i % 3}")
    return gpd.GeoDataFrame({"sovereign": owners}, geometry=polys, crs=4326)


def _exhaustive_m(coast: Coastline, lon: float, lat: float) -> np.ndarray:
    """Distance to every segment, each measured in the exact frame (Coastline._exact)."""
    n = len(coast.start)
    return coast._exact(np.full(n, lon), np.full(n, lat), np.arange(n))


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    centre=st.sampled_from([(125.0, 25.0), (140.0, 50.0), (100.0, 3.0), (20.0, 70.0)]),
    offsets=st.lists(st.tuples(st.floats(-6, 6), st.floats(-6, 6)), min_size=1, max_size=8),
)
def test_grid_distances_equal_the_exhaustive_geodesic(seed, centre, offsets):
    """Within 1e-6 of the distance to the nearest segment, measured to every segment."""
    land = _islands(seed, centre_lon=centre[0], centre_lat=centre[1])
    coast = Coastline(land).with_grid((centre[0] - 4, centre[1] - 4, centre[0] + 4, centre[1] + 4))
    assert coast.grid is not None
    lon = np.array([centre[0] + dx for dx, _ in offsets])
    lat = np.array([centre[1] + dy for _, dy in offsets])
    d_m, seg = coast.nearest(lon, lat)
    d_kd, _ = coast.nearest(lon, lat, grid=False)
    for i in range(len(lon)):
        every = _exhaustive_m(coast, lon[i], lat[i])
        want = every.min()
        assert abs(d_m[i] - want) <= 1e-6 * want + 1e-4
        assert abs(d_kd[i] - want) <= 1e-6 * want + 1e-4
        assert every[seg[i]] <= want * (1 + 1e-6) + 1e-4  # the segment named is that near


@settings(max_examples=15, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    points=st.lists(
        st.tuples(st.floats(-5, 5), st.floats(-5, 5), st.floats(0, 300_000)),
        min_size=1,
        max_size=6,
    ),
)
def test_nearest_within_a_reach_equals_nearest(seed, points):
    """The boxed search gives nearest()'s answer, whether or not the reach was enough."""
    coast = Coastline(_islands(seed, centre_lon=140.0, centre_lat=40.0))
    lon = np.array([140.0 + dx for dx, _, _ in points])
    lat = np.array([40.0 + dy for _, dy, _ in points])
    reach = np.array([r for _, _, r in points])
    d_m, seg = coast.nearest_within(lon, lat, reach)
    want_m, want_seg = coast.nearest(lon, lat)
    np.testing.assert_allclose(d_m, want_m, rtol=1e-12)
    assert (seg == want_seg).all()


def test_grid_and_kd_tree_agree_on_the_bundled_coast():
    coast = geo.PreparedZones(geo.load_zones()).coastline
    box = (122.0, 23.0, 126.0, 27.0)
    grid = Coastline.__new__(Coastline)
    grid.__dict__.update(coast.__dict__)  # same segments, a grid of its own
    grid.with_grid(box)
    rng = np.random.default_rng(4)
    lon, lat = rng.uniform(box[0] - 0.5, box[2] + 0.5, 20_000), rng.uniform(box[1], box[3], 20_000)
    # and points within 2 km of the coast, where candidates crowd
    k = rng.integers(0, len(coast.start), 5_000)
    inside = (coast.start[k, 0] > box[0]) & (coast.start[k, 0] < box[2])
    inside &= (coast.start[k, 1] > box[1]) & (coast.start[k, 1] < box[3])
    m = int(inside.sum())
    start = coast.start[k[inside]]
    near_lon, near_lat, _ = GEOD.fwd(
        start[:, 0], start[:, 1], rng.uniform(0, 360, m), rng.uniform(0, 2000, m)
    )
    lon, lat = np.r_[lon, near_lon], np.r_[lat, near_lat]
    d_grid, state_grid = grid.distance_m(lon, lat)
    d_kd, state_kd = grid.distance_m(lon, lat, grid=False)
    assert np.abs(d_grid - d_kd).max() <= 1e-9 * d_kd.max()
    assert (state_grid == state_kd).all()


def test_approximate_distances_stay_within_their_bound_to_segments():
    """The bound that decides which candidates are measured holds, to segments too."""
    rng = np.random.default_rng(9)
    for length_m in (2000.0, 20000.0):
        n = 5000
        lon1, lat1 = rng.uniform(-180, 180, n), rng.uniform(-75, 75, n)
        lon2, lat2, _ = GEOD.fwd(lon1, lat1, rng.uniform(0, 360, n), np.full(n, 0.99 * length_m))
        ok = np.abs(lon2 - lon1) < 180
        lines = shapely.linestrings(np.stack([np.c_[lon1, lat1], np.c_[lon2, lat2]], 1))[ok]
        coast = Coastline.from_geometries(lines, segment_m=length_m)
        seg = np.arange(len(coast.start))
        d = np.exp(rng.uniform(0.0, np.log(2e6), len(seg)))
        plon, plat, _ = GEOD.fwd(
            coast.start[:, 0], coast.start[:, 1], rng.uniform(0, 360, len(seg)), d
        )
        approx = coast._approx(unit_vectors(plon, plat), seg[:, None])[:, 0]
        exact = coast._exact(plon, plat, seg)
        assert (np.abs(approx - exact) <= _approx_error(exact, coast.max_segment_m)).all()
    # and point to point, Euler's formula near, Lambert's far
    lon1, lat1 = rng.uniform(-180, 180, 100_000), rng.uniform(-80, 80, 100_000)
    dist = np.exp(rng.uniform(0.0, np.log(3e6), 100_000))
    lon2, lat2, _ = GEOD.fwd(lon1, lat1, rng.uniform(0, 360, 100_000), dist)
    approx = _approx_m(unit_vectors(lon1, lat1), unit_vectors(lon2, lat2))
    assert (np.abs(approx - dist) <= _approx_error(dist)).all()
    assert np.abs(approx - dist).max() / dist.max() < 2e-6  # Lambert's, not Euler's, far out


def test_a_coastline_saved_and_loaded_answers_the_same(tmp_path):
    land = _islands(3, centre_lon=130.0, centre_lat=30.0)
    coast = Coastline(land).with_grid((126.0, 26.0, 134.0, 34.0))
    back = Coastline.load(coast.save(tmp_path / "c.npz"))
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(125, 135, 3000), rng.uniform(25, 35, 3000)
    for a, b in zip(coast.distance_m(lon, lat), back.distance_m(lon, lat), strict=True):
        assert (a == b).all()
    assert back.grid is not None
    assert (back.grid.candidates == coast.grid.candidates).all()


def test_shared_edges_are_kept_once_with_both_owners(tmp_path):
    left, right = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)
    edges = Coastline.from_geometries([left, right], [0, 1], merge_shared=True)
    alone = Coastline.from_geometries([left, right], [0, 1])
    assert len(edges.start) < len(alone.start)
    d_m, seg = edges.nearest([1.0], [0.5])
    assert d_m[0] == pytest.approx(0.0, abs=1e-6)
    assert {edges.state[seg[0]], edges.other_state[seg[0]]} == {0, 1}
    back = Coastline.load(edges.save(tmp_path / "e.npz"))
    assert list(back.other_state) == list(edges.other_state)
    assert list(back.state) == list(edges.state)


def test_overlapping_zones_measure_their_own_edge(square_zones):
    """A zone set whose zones overlap (an EEZ drawn over its territorial sea) still
    gets each point's distance to its own zone's edge."""
    zones = square_zones.copy()
    land = zones.geometry.iloc[0]
    ts = shapely.difference(land.buffer(0.3, join_style="mitre"), land)
    extra = zones.iloc[[1]].copy()
    extra["zone_id"], extra["kind"], extra["name"] = "aaa-ts", "territorial_sea", "AAA TS"
    extra = extra.set_geometry([ts], crs=4326)
    zones = gpd.GeoDataFrame(pd.concat([zones, extra], ignore_index=True), crs=4326)
    zones.attrs["coverage"] = square_zones.attrs["coverage"]
    prepared = geo.PreparedZones(zones)
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(0.6, 5.0), shapely.Point(1.1, 5.0)], crs=4326)
    out = geo.classify(pts, prepared=prepared)
    for i, row in out.iterrows():
        edge = prepared.edge(row["zone_id"])
        want_m, _ = edge.distance_m([pts.geometry.iloc[i].x], [pts.geometry.iloc[i].y])
        assert row["distance_to_boundary_nm"] == pytest.approx(want_m[0] / 1852.0, rel=1e-9)


def test_prepared_zones_keep_their_grids_in_index_dir(square_zones, tmp_path, caplog):
    pts = gpd.GeoDataFrame(
        geometry=shapely.points(np.random.default_rng(2).uniform(0, 10, (500, 2))), crs=4326
    )
    plain = geo.classify(pts, prepared=geo.PreparedZones(square_zones))
    kept = geo.classify(pts, prepared=geo.PreparedZones(square_zones, index_dir=tmp_path))
    files = sorted(p.name.split("-")[0] for p in tmp_path.glob("*.npz"))
    assert files == ["boundaries", "coastline", "zone"]
    again = geo.PreparedZones(square_zones, index_dir=tmp_path)
    assert again.coastline.grid is not None
    assert again.boundaries.grid is not None
    for name in ("distance_to_coast_nm", "distance_to_boundary_nm"):
        np.testing.assert_allclose(kept[name], plain[name], rtol=1e-9)
    np.testing.assert_allclose(geo.classify(pts, prepared=again)["distance_to_coast_nm"],
                               plain["distance_to_coast_nm"], rtol=1e-9)  # fmt: skip
    broken = next(tmp_path.glob("coastline-*.npz"))
    broken.write_bytes(b"not a grid")
    with caplog.at_level(logging.WARNING, logger="geo.prepared"):
        rebuilt = geo.PreparedZones(square_zones, index_dir=tmp_path).coastline
    assert "building it again" in caplog.text
    assert rebuilt.grid is not None
