"""Shared fixtures: tiny zone sets and incident frames built in code."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

import geo

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference"
FLASHPOINTS = str(Path(sys.executable).with_name("flashpoints"))


@pytest.fixture(scope="session")
def bundled_zones() -> gpd.GeoDataFrame:
    return geo.load_zones()


@pytest.fixture
def square_zones() -> gpd.GeoDataFrame:
    """Two 'states' on a 10x10 degree coverage: land squares with a 1-degree sea ring."""
    rows = []
    for code, x0 in (("AAA", 1.0), ("BBB", 6.0)):
        land = shapely.box(x0, 4.0, x0 + 2.0, 6.0)
        ring = shapely.difference(land.buffer(1.0, join_style="mitre"), land)
        rows.append(
            {
                "zone_id": f"{code.lower()}-land",
                "name": f"{code} land",
                "kind": "land",
                "claimants": code,
                "sovereign": code,
                "source": "test",
                "geometry": land,
            }
        )
        rows.append(
            {
                "zone_id": f"{code.lower()}-eez",
                "name": f"{code} EEZ",
                "kind": "eez",
                "claimants": code,
                "sovereign": code,
                "source": "test",
                "geometry": ring,
            }
        )
    zones = gpd.GeoDataFrame(rows, crs=4326)
    zones.attrs["coverage"] = shapely.box(0.0, 0.0, 10.0, 10.0)
    return zones


@pytest.fixture
def points_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"title": ["in A land", "in A sea", "open sea", "outside"]},
        geometry=shapely.points([(2.0, 5.0), (0.5, 5.0), (5.0, 9.0), (20.0, 20.0)]),
        crs=4326,
        index=[10, 11, 12, 13],
    )


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:  # noqa: F821
    import subprocess

    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run(
        [FLASHPOINTS, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )
