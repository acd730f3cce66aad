"""Zone files that are not what they should be: refused in one line, or read correctly.

Every file is built here in tmp_path with geopandas/pyogrio. Each case is tried
through the API (``load_zones``) and through the command line (``flashpoints
classify in.csv --zones FILE -o out.csv``: one line, exit 2, nothing written).
"""

from __future__ import annotations

import json
import logging

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo import classify, load_zones
from geo.errors import InputError

SCHEMA = ("zone_id", "name", "kind", "claimants", "sovereign", "source")


def _zones(rows, crs=4326):
    """A frame in the zone schema from (zone_id, name, kind, claimants, geometry) rows."""
    return gpd.GeoDataFrame(
        [
            dict(
                zip(SCHEMA, (zid, name, kind, cl, cl if "/" not in cl else "", "test"), strict=True)
            )
            for zid, name, kind, cl, _ in rows
        ],
        geometry=[r[4] for r in rows],
        crs=crs,
    )


def _write(frame, path, coverage=None, **kwargs):
    frame.to_file(path, engine="pyogrio", **kwargs)
    if coverage is not None:
        cov_path = path.with_name(path.name.split(".")[0] + ".coverage.geojson")
        coverage.to_file(cov_path, engine="pyogrio")
    return path


def _points(*lonlat):
    return gpd.GeoDataFrame(geometry=shapely.points(list(lonlat)), crs=4326)


SEA = shapely.box(130, 30, 131, 31)
SEA_2 = shapely.box(131, 30, 132, 31)
COVER = gpd.GeoDataFrame(geometry=[shapely.box(129, 29, 133, 33)], crs=4326)


# ----------------------------------------------------------------- bad files, API


@pytest.mark.parametrize(
    ("geom", "gtype"),
    [
        (shapely.LineString([(130, 30), (131, 31)]), "LineString"),
        (shapely.Point(130.5, 30.5), "Point"),
        (
            shapely.MultiLineString([[(130, 30), (131, 31)], [(131, 30), (132, 31)]]),
            "MultiLineString",
        ),
    ],
)
def test_non_polygon_zone_is_refused_naming_row_and_type(tmp_path, geom, gtype):
    rows = [
        ("a", "A sea", "eez", "JPN", SEA),
        ("b", "B sea", "eez", "JPN", SEA_2),
        ("c", "C line", "eez", "JPN", geom),
    ]
    path = _write(_zones(rows), tmp_path / "zones.geojson", COVER)
    with pytest.raises(InputError) as err:
        load_zones(path)
    message = str(err.value)
    assert message.startswith(f"{path}, row 3: the zone 'C line' is a {gtype}, not an area")
    assert err.value.row == 3


def test_several_non_polygons_are_counted(tmp_path):
    rows = [("a", "A", "eez", "JPN", shapely.Point(130, 30))] + [
        (f"l{i}", f"L{i}", "eez", "JPN", shapely.LineString([(130, 30), (131, i)]))
        for i in range(1, 4)
    ]
    path = _write(_zones(rows), tmp_path / "zones.gpkg", driver="GPKG")
    with pytest.raises(
        InputError, match=r"row 1: .* \(4 rows are not polygons: LineString, Point\)"
    ):
        load_zones(path)


def test_marine_regions_lines_are_refused(tmp_path):
    """The Marine Regions boundaries layer (lines) is not a zone layer: refused, not emptied."""
    lines = gpd.GeoDataFrame(
        {"MRGID": [1], "GEONAME": ["Japanese Exclusive Economic Zone"], "ISO_SOV1": ["JPN"]},
        geometry=[shapely.LineString([(130, 30), (131, 31)])],
        crs=4326,
    )
    path = _write(lines, tmp_path / "eez_boundaries.gpkg", driver="GPKG")
    with pytest.raises(InputError, match=r"row 1: the zone 'Japanese .*' is a LineString"):
        load_zones(path)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_zone_file_without_crs_is_refused(tmp_path):
    shp = tmp_path / "zones.shp"
    _write(_zones([("a", "A", "eez", "JPN", SEA)], crs=None), shp)
    assert not shp.with_suffix(".prj").exists()
    with pytest.raises(InputError, match=r"zones\.shp: the file has no CRS"):
        load_zones(shp)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_marine_regions_file_without_crs_is_refused(tmp_path):
    frame = gpd.GeoDataFrame(
        {"MRGID": [1], "GEONAME": ["Japanese Exclusive Economic Zone"], "POL_TYPE": ["200NM"]},
        geometry=[SEA],
    )
    shp = _write(frame, tmp_path / "eez.shp")
    with pytest.raises(InputError, match=r"eez\.shp: the file has no CRS"):
        load_zones(shp)


def test_metres_in_a_geojson_are_refused(tmp_path):
    """GeoJSON is lon/lat by definition: a file in metres that does not say so is caught."""
    metres = _zones([("a", "A", "eez", "JPN", SEA), ("b", "B", "eez", "JPN", SEA_2)]).to_crs(3857)
    path = tmp_path / "zones.geojson"
    _write(metres, path)
    doc = json.loads(path.read_text())
    doc.pop("crs")
    path.write_text(json.dumps(doc))
    with pytest.raises(
        InputError,
        match=r"row 1: the geometry 'A' has coordinates x 1\.447.* another CRS than EPSG:4326",
    ):
        load_zones(path)


# ----------------------------------------------------------------- null geometries


def test_null_and_empty_geometries_are_dropped_and_counted(tmp_path, caplog):
    rows = [
        ("a", "A", "eez", "JPN", SEA),
        ("b", "B", "eez", "JPN", None),
        ("c", "C", "eez", "JPN", shapely.Polygon()),
        ("d", "D", "eez", "JPN", None),
        ("e", "E", "territorial_sea", "JPN", SEA_2),
    ]
    path = _write(_zones(rows), tmp_path / "zones.gpkg", COVER, driver="GPKG")
    with caplog.at_level(logging.WARNING):
        zones = load_zones(path)
    assert zones["zone_id"].tolist() == ["a", "e"]
    assert zones.attrs["dropped"] == {"null_geometry": 2, "empty_geometry": 1}
    assert "dropped 3 zones (2 with null geometry, 1 with empty geometry)" in caplog.text
    # It classifies (this was a traceback in the zone index).
    out = classify(_points((130.5, 30.5), (131.5, 30.5), (132.5, 32.5)), zones)
    assert out["zone_kind"].tolist() == ["eez", "territorial_sea", "high_seas"]


def test_dropped_counts_add_up_over_files(tmp_path):
    one = _write(
        _zones([("a", "A", "eez", "JPN", SEA), ("b", "B", "eez", "JPN", None)]),
        tmp_path / "one.geojson",
        COVER,
    )
    two = _write(
        _zones([("c", "C", "eez", "JPN", None), ("d", "D", "eez", "JPN", SEA_2)]),
        tmp_path / "two.geojson",
        COVER,
    )
    zones = load_zones([one, two])
    assert len(zones) == 2
    assert zones.attrs["dropped"] == {"null_geometry": 2}


def test_nothing_dropped_is_an_empty_count():
    assert load_zones().attrs["dropped"] == {}


# ----------------------------------------------------------------- claimants


def _mr_names(path, names, boxes, **extra):
    frame = gpd.GeoDataFrame(
        {"mrgid": range(1, len(names) + 1), "geoname": names, **extra}, geometry=boxes, crs=4326
    )
    return _write(frame, path)


MR_NAMES = [
    "Japanese Exclusive Economic Zone",
    "Overlapping claim Liancourt Rocks: Japan / South Korea",
    "Joint regime area: South Korea / Japan",
    "South Korean Exclusive Economic Zone",
]
MR_BOXES = [
    shapely.box(136, 28, 139, 30),
    shapely.box(131.5, 37, 132.5, 38),
    shapely.box(127, 31, 129, 33),
    shapely.box(124, 34, 125.5, 35.5),
]


def test_marine_regions_names_give_kinds_and_claimants(tmp_path, caplog):
    path = _mr_names(tmp_path / "eez_gfw.geojson", MR_NAMES, MR_BOXES)
    with caplog.at_level(logging.WARNING):
        zones = load_zones(path)
    mr = zones[zones["source"].str.startswith("Marine Regions")].set_index("zone_id")
    assert mr[["kind", "claimants", "sovereign"]].values.tolist() == [
        ["eez", "JPN", "JPN"],
        ["overlapping_claim", "JPN/KOR", ""],
        ["joint_regime", "JPN/KOR", ""],
        ["eez", "KOR", "KOR"],
    ]
    assert "4 zones carry no ISO_SOV codes and their names gave the claimants of 4" in caplog.text
    out = classify(_points((137.5, 29), (132.0, 37.5), (127.5, 31.5), (124.5, 35.0)), zones)
    assert out["zone_kind"].tolist() == ["eez"] * 4
    assert out["claimants"].tolist() == ["JPN", "JPN/KOR", "JPN/KOR", "KOR"]
    assert out["disputed"].tolist() == [False, True, True, False]


def test_unnamed_claimants_are_refused_with_count_and_options(tmp_path):
    names = [*MR_NAMES, "Overlapping claim: South China Sea", "Fijian Exclusive Economic Zone"]
    boxes = [*MR_BOXES, shapely.box(112, 10, 115, 15), shapely.box(150, 40, 151, 41)]
    path = _mr_names(tmp_path / "eez_gfw.geojson", names, boxes)
    with pytest.raises(InputError) as err:
        load_zones(path)
    message = str(err.value)
    assert message.startswith(
        f"{path}: 2 of 6 zones have no claimants (e.g. 'Overlapping claim: South China Sea'); "
        "6 zones carry no ISO_SOV codes and their names gave the claimants of 4"
    )
    assert "claimants_field=" in message
    assert "allow_unclaimed=True" in message


def test_only_zones_inside_the_coverage_must_have_claimants(tmp_path):
    """With the bundled land, a Marine Regions set covers 102-173E, 7-63N: Fiji is outside."""
    fiji = shapely.box(175, -20, 179, -15)
    path = _mr_names(
        tmp_path / "eez_gfw.geojson",
        [MR_NAMES[0], "Fijian Exclusive Economic Zone"],
        [MR_BOXES[0], fiji],
    )
    zones = load_zones(path)
    assert zones.set_index("zone_id").loc["mr-2", "claimants"] == ""
    assert classify(_points((177, -17)), zones)["zone_kind"].tolist() == ["outside_coverage"]
    # Land given by the user is taken as world-wide: then Fiji's EEZ is inside.
    land = gpd.GeoDataFrame({"sovereign": ["JPN"]}, geometry=[shapely.box(138, 35, 139, 36)])
    with pytest.raises(InputError, match=r"1 of 2 zones have no claimants \(e.g. 'Fijian"):
        load_zones(path, land=land.set_crs(4326))


def test_allow_unclaimed_accepts_them_with_a_warning(tmp_path, caplog):
    path = _mr_names(
        tmp_path / "eez_gfw.geojson",
        ["Japanese Exclusive Economic Zone", "Overlapping claim: South China Sea"],
        [MR_BOXES[0], shapely.box(112, 10, 115, 15)],
    )
    with caplog.at_level(logging.WARNING):
        zones = load_zones(path, allow_unclaimed=True)
    assert "1 of 2 zones have no claimants" in caplog.text
    out = classify(_points((113.0, 12.0)), zones)
    assert out["zone_kind"].tolist() == ["eez"]
    assert out["claimants"].tolist() == [""]


def test_claimants_field_names_the_claimants(tmp_path):
    path = _mr_names(
        tmp_path / "eez_gfw.geojson",
        ["Overlapping claim: South China Sea", "Somewhere"],
        [shapely.box(112, 10, 115, 15), shapely.box(135, 33, 140, 36)],
        claims=["CHN/PHL/TWN/VNM", "jpn"],
    )
    zones = load_zones(path, claimants_field="CLAIMS")  # matched whatever its case
    mr = zones[zones["source"].str.startswith("Marine Regions")]
    assert mr["claimants"].tolist() == ["CHN/PHL/TWN/VNM", "JPN"]
    assert mr["kind"].tolist() == ["overlapping_claim", "eez"]
    assert mr["sovereign"].tolist() == ["", "JPN"]


def test_claimants_field_in_our_schema(tmp_path):
    frame = _zones([("a", "A", "eez", "", SEA), ("b", "B", "eez", "", SEA_2)])
    frame["ISO_SOV1"] = ["JPN", "KOR"]
    path = _write(frame, tmp_path / "zones.geojson", COVER)
    with pytest.raises(InputError, match="2 of 2 zones have no claimants"):
        load_zones(path)
    assert load_zones(path, claimants_field="ISO_SOV1")["claimants"].tolist() == ["JPN", "KOR"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["JPN", "Japan"], r"row 2: claimants field 'ISO_SOV1' holds 'Japan': expected ISO 3166-1"),
        (["JPN", "JPN;KOR"], r"row 2: claimants field 'ISO_SOV1' holds 'JPN;KOR'"),
    ],
)
def test_claimants_field_values_are_checked(tmp_path, values, expected):
    frame = _zones([("a", "A", "eez", "", SEA), ("b", "B", "eez", "", SEA_2)])
    frame["ISO_SOV1"] = values
    path = _write(frame, tmp_path / "zones.geojson", COVER)
    with pytest.raises(InputError, match=expected):
        load_zones(path, claimants_field="ISO_SOV1")


def test_missing_claimants_field_lists_the_fields(tmp_path):
    path = _write(_zones([("a", "A", "eez", "JPN", SEA)]), tmp_path / "zones.geojson", COVER)
    with pytest.raises(InputError, match=r"no field 'ISO_SOV1' .* fields are \['zone_id', 'name'"):
        load_zones(path, claimants_field="ISO_SOV1")


def test_frame_without_claimants_is_refused(square_zones):
    square_zones.loc[1, "claimants"] = ""
    with pytest.raises(InputError, match=r"frame: 1 of 4 zones have no claimants \(e.g. 'AAA EEZ'"):
        load_zones(square_zones)
    assert (load_zones(square_zones, allow_unclaimed=True)["claimants"] == "").sum() == 1


def test_user_land_without_states_is_refused(tmp_path):
    path = _mr_names(tmp_path / "eez_gfw.geojson", MR_NAMES[:1], MR_BOXES[:1])
    land = gpd.GeoDataFrame(
        {"sovereign": ["JPN", None]},
        geometry=[shapely.box(138, 35, 139, 35.5), shapely.box(139, 35, 140, 35.5)],
        crs=4326,
    )
    with pytest.raises(InputError, match=r"land frame: 1 of 2 land polygons have no state: give"):
        load_zones(path, land=land)


# ----------------------------------------------------------------- CRS and longitudes


def test_coverage_file_in_web_mercator_is_reprojected(tmp_path):
    path = _write(
        _zones([("a", "A", "eez", "JPN", SEA)]), tmp_path / "zones.geojson", COVER.to_crs(3857)
    )
    zones = load_zones(path)
    assert zones.attrs["coverage"].bounds == pytest.approx((129, 29, 133, 33))
    assert zones.attrs["coverage"].symmetric_difference(COVER.geometry.iloc[0]).area < 1e-9
    out = classify(_points((130.5, 30.5), (132.5, 32.5), (140.0, 40.0)), zones)
    assert out["zone_kind"].tolist() == ["eez", "high_seas", "outside_coverage"]


def test_zone_file_in_web_mercator_is_reprojected(tmp_path):
    frame = _zones([("a", "A", "eez", "JPN", SEA)]).to_crs(3857)
    path = _write(frame, tmp_path / "zones.gpkg", COVER, driver="GPKG")
    zones = load_zones(path, bbox=(129.5, 29.5, 131.5, 31.5))
    assert zones.crs.to_epsg() == 4326
    assert zones.total_bounds == pytest.approx([130, 30, 131, 31])
    assert classify(_points((130.5, 30.5)), zones)["zone_kind"].tolist() == ["eez"]


def test_frame_coverage_is_reprojected_with_the_frame():
    """A frame's coverage is in the frame's CRS, as any caller would give it."""
    frame = _zones([("a", "A", "eez", "JPN", SEA)]).to_crs(3857)
    frame.attrs["coverage"] = COVER.to_crs(3857).geometry.iloc[0]
    zones = load_zones(frame)
    assert zones.attrs["coverage"].bounds == pytest.approx((129, 29, 133, 33))


def test_longitudes_0_to_360_are_normalised_and_split(tmp_path):
    frame = _zones(
        [
            ("fji", "Fiji", "eez", "FJI", shapely.box(175, -20, 185, -15)),  # across 180
            ("usa", "East", "eez", "USA", shapely.box(190, 10, 200, 20)),  # all beyond 180
        ]
    )
    cover = gpd.GeoDataFrame(geometry=[shapely.box(170, -30, 210, 30)], crs=4326)
    zones = load_zones(_write(frame, tmp_path / "pacific.geojson", cover))
    assert zones.total_bounds.tolist() == [-180, -20, 180, 20]
    assert zones.geometry.iloc[0].geom_type == "MultiPolygon"
    assert zones.attrs["coverage"].bounds == (-180, -30, 180, 30)
    pts = _points((179.5, -17), (-179.5, -17), (-165, 15), (-175, 25), (160, 0))
    out = classify(pts, zones)
    assert out["claimants"].tolist() == ["FJI", "FJI", "USA", "", ""]
    assert out["zone_kind"].tolist() == ["eez", "eez", "eez", "high_seas", "outside_coverage"]


def test_world_coverage_survives_normalising(tmp_path):
    world = gpd.GeoDataFrame(geometry=[shapely.box(-180, -90, 180, 90)], crs=4326)
    zones = load_zones(
        _write(_zones([("a", "A", "eez", "JPN", SEA)]), tmp_path / "z.geojson", world)
    )
    assert zones.attrs["coverage"].area == pytest.approx(360 * 180)


def test_good_file_reads_back_unchanged(tmp_path, bundled_zones):
    """The bundled set goes through every check untouched."""
    reread = load_zones(bundled_zones)
    assert reread.attrs["dropped"] == {}
    assert shapely.equals(reread.geometry.values, bundled_zones.geometry.values).all()
    pd.testing.assert_frame_equal(
        reread.drop(columns="geometry"), bundled_zones.drop(columns="geometry")
    )


# ----------------------------------------------------------------- the command line


def _incidents(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("lat,lon,title\n30.5,130.5,a\n32.5,132.5,b\n")
    return src


def _bad_files(tmp_path):
    lines = _zones(
        [
            ("a", "A", "eez", "JPN", SEA),
            ("b", "B", "eez", "JPN", shapely.LineString([(0, 0), (1, 1)])),
        ]
    )
    no_crs = tmp_path / "nocrs" / "zones.shp"
    no_crs.parent.mkdir()
    _write(_zones([("a", "A", "eez", "JPN", SEA)], crs=None), no_crs)
    unclaimed = _mr_names(
        tmp_path / "eez_gfw.geojson",
        ["Japanese Exclusive Economic Zone", "Overlapping claim: South China Sea"],
        [MR_BOXES[0], shapely.box(112, 10, 115, 15)],
    )
    metres = tmp_path / "metres.geojson"
    _write(_zones([("a", "A", "eez", "JPN", SEA)]).to_crs(3857), metres)
    doc = json.loads(metres.read_text())
    doc.pop("crs")
    metres.write_text(json.dumps(doc))
    return {
        "metres": (metres, "row 1: the geometry 'A' has coordinates x 1.447"),
        "lines": (
            _write(lines, tmp_path / "lines.geojson", COVER),
            "row 2: the zone 'B' is a LineString",
        ),
        "no-crs": (no_crs, "the file has no CRS"),
        "unclaimed": (unclaimed, "1 of 2 zones have no claimants"),
    }


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_cli_bad_zone_files_are_one_line(cli, tmp_path):
    src = _incidents(tmp_path)
    for case, (path, expected) in _bad_files(tmp_path).items():
        out = tmp_path / f"out-{case}.csv"
        result = cli("classify", str(src), "--zones", str(path), "-o", str(out))
        assert result.returncode == 2, (case, result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, (case, result.stderr)
        assert lines[0].startswith(f"flashpoints: {path}"), (case, lines[0])
        assert expected in lines[0], (case, lines[0])
        assert "Traceback" not in result.stderr
        assert not out.exists()


def test_cli_null_geometry_is_dropped_and_classifies_every_row(cli, tmp_path):
    src = _incidents(tmp_path)
    rows = [("a", "A", "eez", "JPN", SEA), ("b", "B", "eez", "JPN", None)]
    zones = _write(_zones(rows), tmp_path / "zones.geojson", COVER)
    out = tmp_path / "out.csv"
    result = cli("classify", str(src), "--zones", str(zones), "-o", str(out), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "dropped 1 zones (1 with null geometry)" in result.stderr
    table = pd.read_csv(out)
    assert table["zone_kind"].tolist() == ["eez", "high_seas"]


def test_cli_claimant_options(cli, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("lat,lon,title\n28.5,137.5,a\n29.5,138.5,b\n")
    path = _mr_names(
        tmp_path / "eez_gfw.geojson",
        ["Overlapping claim: South China Sea", "Japanese Exclusive Economic Zone"],
        [shapely.box(137, 28, 138, 29), shapely.box(138, 29, 139, 30)],
        claims=["CHN/JPN", ""],
    )
    out = tmp_path / "out.csv"
    allowed = cli("classify", str(src), "--zones", str(path), "--allow-unclaimed", "-o", str(out))
    assert allowed.returncode == 0, allowed.stderr
    assert pd.read_csv(out, keep_default_na=False)["claimants"].tolist() == ["", "JPN"]
    named = cli("classify", str(src), "--zones", str(path), "--claimants-field", "claims",
                "--allow-unclaimed", "-o", str(out))  # fmt: skip
    assert named.returncode == 0, named.stderr
    assert pd.read_csv(out, keep_default_na=False)["claimants"].tolist() == ["CHN/JPN", ""]
