"""Coastline distances: the fast path gives the same answer as measuring every segment."""

import geopandas as gpd
import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.coast import Coastline, _approx_error, _approx_m
from geo.geodesy import GEOD, unit_vectors


def _brute_force(coast: Coastline, lon: float, lat: float) -> tuple[float, set[str]]:
    """Distance to every segment, measured exactly; the states at that distance."""
    n = len(coast.start)
    d = coast._exact(np.full(n, lon), np.full(n, lat), np.arange(n))
    best = float(d.min())
    return best, set(coast.state[d <= best + 1e-6 * max(best, 1.0)])


def _islands(seed: int, *, centre_lon: float) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    polys, owners = [], []
    for i in range(6):
        x = centre_lon + rng.uniform(-8, 8)
        y = rng.uniform(-60, 60)
        r = rng.uniform(0.05, 1.5)
        polys.append(shapely.Point(x, y).buffer(r, quad_segs=int(rng.integers(2, 12))))
        owners.append(f"S{i % 3}")
    return gpd.GeoDataFrame({"sovereign": owners}, geometry=polys, crs=4326)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    centre_lon=st.sampled_from([0.0, 140.0, 179.0]),
    offsets=st.lists(st.tuples(st.floats(-25, 25), st.floats(-70, 70)), min_size=1, max_size=12),
)
def test_fast_distance_equals_brute_force(seed, centre_lon, offsets):
    land = _islands(seed, centre_lon=centre_lon)
    coast = Coastline(land, segment_m=20_000.0)
    lon = np.array([((centre_lon + dx + 180) % 360) - 180 for dx, _ in offsets])
    lat = np.array([y for _, y in offsets])
    d_m, state = coast.distance_m(lon, lat)
    for i in range(len(lon)):
        want_m, want_states = _brute_force(coast, lon[i], lat[i])
        assert abs(d_m[i] - want_m) <= 1e-6 * max(want_m, 1.0)
        assert state[i] in want_states


def test_approximate_distance_is_within_its_stated_error():
    rng = np.random.default_rng(3)
    lon1, lat1 = rng.uniform(-180, 180, 200_000), rng.uniform(-80, 80, 200_000)
    d = rng.uniform(1.0, 2_000_000.0, 200_000)
    lon2, lat2, _ = GEOD.fwd(lon1, lat1, rng.uniform(0, 360, 200_000), d)
    approx = _approx_m(unit_vectors(lon1, lat1), unit_vectors(lon2, lat2))
    assert (np.abs(approx - d) <= _approx_error(d)).all()
    # and the bound is not so loose as to be useless: 1 km out, within 1.1 m
    assert float(_approx_error(np.array([1000.0]))[0]) < 1.1


def test_distance_across_the_antimeridian():
    box = shapely.box(179.0, -1.0, 180.0, 1.0)
    land = gpd.GeoDataFrame({"sovereign": ["E"]}, geometry=[box], crs=4326)
    coast = Coastline(land)
    d_m, state = coast.distance_m([-179.5], [0.0])
    _, _, want = GEOD.inv(-179.5, 0.0, 180.0, 0.0)
    assert abs(d_m[0] - want) < 1.0
    assert state[0] == "E"
