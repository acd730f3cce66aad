"""The zone index saved once per zone set and read back: same answers, never another set's."""

import logging
import pickle

import numpy as np
import pytest

import geo
from geo.index import ZoneIndex, index_key


@pytest.fixture(scope="module")
def sea():
    return geo.PreparedZones(geo.load_zones()).sea


@pytest.fixture(scope="module")
def random_points():
    rng = np.random.default_rng(11)
    return rng.uniform(90.0, 170.0, 60_000), rng.uniform(-5.0, 60.0, 60_000)


def test_saved_index_gives_the_exact_answers(sea, random_points, tmp_path):
    x, y = random_points
    exact = ZoneIndex(sea, grid=False).lookup(x, y)
    built = ZoneIndex(sea, grid=True, refine=2)
    path = built.save(tmp_path / "i.npz")
    loaded = ZoneIndex.load(path, sea)
    assert loaded.grid is not None
    assert loaded.grid.shape == built.grid.shape
    assert (loaded.lookup(x, y) == exact).all()
    assert (built.lookup(x, y) == exact).all()
    # Finer cells leave fewer points to exact tests.
    coarse = ZoneIndex(sea, grid=True)
    assert (built.grid == -3).mean() < 0.5 * (coarse.grid == -3).mean()


def test_an_index_is_never_read_for_another_zone_set(sea, tmp_path):
    path = ZoneIndex(sea, grid=True).save(tmp_path / "i.npz")
    other = sea.iloc[:-1]
    assert index_key(other) != index_key(sea)
    with pytest.raises(ValueError, match="another zone set"):
        ZoneIndex.load(path, other)


def test_prepared_zones_write_the_index_once_and_read_it_after(tmp_path):
    zones = geo.load_zones()
    first = geo.PreparedZones(zones, index_dir=tmp_path)
    first.index  # noqa: B018 - builds and writes
    files = list(tmp_path.glob("zone-index-*.npz"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    again = pickle.loads(pickle.dumps(geo.PreparedZones(zones, index_dir=tmp_path)))
    assert again.index_dir == tmp_path
    pts = geo.classify(
        geo.load_incidents(geo.datasets.data_path("incidents", "incidents.csv")), prepared=again
    )
    assert files[0].stat().st_mtime_ns == stamp  # read, not rewritten
    assert (pts["zone_id"] == geo.classify(pts[["geometry"]])["zone_id"]).all()


def test_a_damaged_index_file_is_rebuilt_with_a_warning(tmp_path, caplog):
    zones = geo.load_zones()
    geo.PreparedZones(zones, index_dir=tmp_path).index  # noqa: B018
    path = next(tmp_path.glob("zone-index-*.npz"))
    path.write_bytes(b"not an index")
    with caplog.at_level(logging.WARNING, logger="geo.prepared"):
        index = geo.PreparedZones(zones, index_dir=tmp_path).index
    assert index.grid is not None
    assert "building it again" in caplog.text
    assert ZoneIndex.load(path, geo.PreparedZones(zones).sea).grid is not None  # rewritten
