"""The zone index answers exactly what a plain geopandas.sjoin answers."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.antimeridian import split_antimeridian
from geo.index import OUTSIDE, ZoneIndex


def _sjoin_sets(points: np.ndarray, zones: gpd.GeoDataFrame) -> list[tuple[int, ...]]:
    left = gpd.GeoDataFrame(geometry=points, crs=4326)
    right = gpd.GeoDataFrame(geometry=zones.geometry.values, crs=4326)
    joined = gpd.sjoin(left, right, predicate="intersects", how="left")
    sets: list[list[int]] = [[] for _ in range(len(points))]
    for i, j in zip(joined.index, joined["index_right"], strict=True):
        if not np.isnan(j):
            sets[i].append(int(j))
    return [tuple(sorted(s)) for s in sets]


def _edge_points(zones: gpd.GeoDataFrame, n: int, rng: np.random.Generator) -> np.ndarray:
    """Vertices of zone edges, points along edges, and points inside holes."""
    rings = shapely.get_rings(shapely.get_parts(zones.geometry.values))
    verts = shapely.get_coordinates(rings)
    pick = verts[rng.choice(len(verts), size=min(n, len(verts)), replace=False)]
    along = shapely.line_interpolate_point(
        rings[rng.integers(0, len(rings), n)], rng.uniform(0, 1, n), normalized=True
    )
    parts = shapely.get_parts(zones.geometry.values)
    holes = [shapely.Polygon(r).representative_point() for p in parts for r in p.interiors]
    return np.concatenate([shapely.points(pick), along, np.asarray(holes, dtype=object)])


def _compare(index: ZoneIndex, zones: gpd.GeoDataFrame, points: np.ndarray) -> None:
    x, y = shapely.get_x(points), shapely.get_y(points)
    mine = index.zone_sets(x, y)
    theirs = _sjoin_sets(points, zones)
    cover = zones.attrs["coverage"]
    for p, m, t in zip(points, mine, theirs, strict=True):
        if m is None:  # outside the coverage
            assert not cover.intersects(p), p
        else:
            assert tuple(sorted(m)) == t, (p.wkt, m, t)
    best = index.lookup(x, y)
    assert ((best == OUTSIDE) == np.array([m is None for m in mine])).all()


def test_bundled_set_random_edges_and_holes(bundled_zones):
    rng = np.random.default_rng(42)
    index = ZoneIndex(bundled_zones, grid=True)
    random_pts = shapely.points(rng.uniform(109, 166, 20_000), rng.uniform(14, 56, 20_000))
    points = np.concatenate([random_pts, _edge_points(bundled_zones, 3_000, rng)])
    _compare(index, bundled_zones, points)
    assert index.grid is not None  # the grid path was used


@pytest.fixture(scope="module")
def layered_zones():
    """Overlapping layers (EEZ + 12 nm), a hole, and a zone split at the antimeridian."""
    eez = shapely.Polygon(
        [(170, -25), (190, -25), (190, -10), (170, -10)],
        [[(175, -20), (178, -20), (178, -17), (175, -17)]],
    )
    eez = split_antimeridian(shapely.affinity.translate(eez, 0))
    ts = split_antimeridian(
        shapely.Polygon([(178.5, -19), (181.5, -19), (181.5, -16), (178.5, -16)])
    )
    other = shapely.box(160, -25, 170, -10)  # shares the 170E edge with the EEZ
    zones = gpd.GeoDataFrame(
        {"zone_id": ["a-eez", "a-ts", "b-eez"], "name": ["A", "A", "B"],
         "kind": ["eez", "territorial_sea", "eez"], "claimants": ["AAA", "AAA", "BBB"],
         "sovereign": ["AAA", "AAA", "BBB"], "source": "test"},
        geometry=[eez, ts, other], crs=4326,
    )  # fmt: skip
    zones.attrs["coverage"] = shapely.union_all(
        [shapely.box(150, -30, 180, 0), shapely.box(-180, -30, -170, 0)]
    )
    return zones


@pytest.fixture(scope="module")
def layered_index(layered_zones):
    return ZoneIndex(layered_zones, cell_deg=0.5, grid=True)


_lon = st.one_of(
    st.floats(150, 180), st.floats(-180, -170), st.sampled_from([170.0, 180.0, -180.0])
)
_lat = st.one_of(st.floats(-30, 0), st.sampled_from([-25.0, -20.0, -17.0, -10.0]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_lon, _lat), min_size=1, max_size=200))
def test_layered_antimeridian_property(layered_index, layered_zones, coords):
    _compare(layered_index, layered_zones, shapely.points(np.asarray(coords, dtype=float)))


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(_lon, _lat), min_size=1, max_size=50))
def test_exact_path_property(layered_zones, coords):
    index = ZoneIndex(layered_zones, grid=False)
    points = shapely.points(np.asarray(coords, dtype=float))
    _compare(index, layered_zones, points)


def test_antimeridian_points_fall_in_the_split_zone(layered_zones):
    index = ZoneIndex(layered_zones)
    sets = index.zone_sets(np.array([179.9, -179.9, 176.0]), np.array([-12.0, -12.0, -18.5]))
    assert sets == [(0,), (0,), ()]  # both sides of 180 in A's EEZ; the hole is high seas


def test_chunked_lookup_on_threads_equals_single_chunk(layered_index, monkeypatch):
    import geo.settings

    rng = np.random.default_rng(5)
    x, y = rng.uniform(150, 190, 5_000), rng.uniform(-30, 0, 5_000)
    x = np.where(x > 180, x - 360, x)
    whole = layered_index.lookup(x, y)
    monkeypatch.setattr(geo.settings, "CHUNK_POINTS", 333)
    monkeypatch.setattr(geo.settings, "n_workers", 2)
    assert (layered_index.lookup(x, y) == whole).all()
