"""Marine Regions readers, on small files in the Marine Regions schema made here."""

import zipfile

import geopandas as gpd
import pytest
import shapely

from geo import classify, load_zones
from geo.zones.marineregions import claimants_from_name, read_marineregions
from geo.zones.schema import STATE_ALIASES, STATE_NAMES, state_code

BOWTIE = shapely.Polygon([(120, 10), (125, 15), (125, 10), (120, 15)])  # self-intersecting
FIJI_RING = shapely.Polygon([(177, -20), (-177, -20), (-177, -15), (177, -15)])  # drawn across 180


def _mr_frame(upper: bool) -> gpd.GeoDataFrame:
    rows = [
        ("8487", "Japanese Exclusive Economic Zone", "200NM", "JPN", "", "",
         shapely.box(130, 30, 135, 35)),
        ("48955", "Overlapping claim: Japan / South Korea", "Overlapping claim", "KOR", "JPN", "",
         shapely.box(135, 30, 136, 31)),
        ("8322", "Philippine Exclusive Economic Zone", "200NM", "PHL", "", "", BOWTIE),
        ("8325", "Fijian Exclusive Economic Zone", "200NM", "FJI", "", "", FIJI_RING),
    ]  # fmt: skip
    names = ["MRGID", "GEONAME", "POL_TYPE", "ISO_SOV1", "ISO_SOV2", "ISO_SOV3"]
    if not upper:
        names = [n.lower() for n in names]
    frame = gpd.GeoDataFrame(
        [dict(zip(names, r[:6], strict=True)) for r in rows],
        geometry=[r[6] for r in rows],
        crs=4326,
    )
    return frame


@pytest.fixture
def mr_files(tmp_path):
    gpkg = tmp_path / "eez_v12.gpkg"
    _mr_frame(upper=True).to_file(gpkg, driver="GPKG")
    geojson = tmp_path / "eez_wfs.geojson"
    _mr_frame(upper=False).to_file(geojson, driver="GeoJSON")
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    _mr_frame(upper=True).to_file(shp_dir / "eez_v11.shp")
    zipped = tmp_path / "World_EEZ_v11.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for f in shp_dir.iterdir():
            zf.write(f, f"World_EEZ_v11/{f.name}")
    return {"gpkg": gpkg, "geojson": geojson, "zip": zipped}


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "zip"])
def test_schema_mapping_any_case_and_format(mr_files, fmt):
    zones = read_marineregions(mr_files[fmt]).set_index("zone_id")
    assert zones.loc["mr-8487", ["kind", "claimants", "sovereign"]].tolist() == [
        "eez",
        "JPN",
        "JPN",
    ]
    assert zones.loc["mr-48955", ["kind", "claimants", "sovereign"]].tolist() == [
        "overlapping_claim", "JPN/KOR", ""
    ]  # fmt: skip
    assert shapely.is_valid(zones.geometry.values).all()


def test_invalid_polygon_is_repaired(mr_files):
    zones = read_marineregions(mr_files["gpkg"]).set_index("zone_id")
    phl = zones.geometry["mr-8322"]
    assert phl.is_valid
    assert phl.contains(shapely.Point(121, 12.5))  # inside the left lobe of the bowtie


def test_antimeridian_zone(mr_files):
    island = gpd.GeoDataFrame(
        {"sovereign": ["FJI"]}, geometry=[shapely.box(178, -18, 178.2, -17.8)], crs=4326
    )
    zones = load_zones(mr_files["gpkg"], land=island)
    pts = gpd.GeoDataFrame(
        geometry=shapely.points([(179.9, -17.0), (-179.9, -17.0), (0.0, 0.0)]), crs=4326
    )
    out = classify(pts, zones)
    assert out["claimants"].tolist() == ["FJI", "FJI", ""]
    assert out["zone_kind"].tolist() == ["eez", "eez", "high_seas"]


def test_bbox_read_and_coverage(mr_files):
    zones = load_zones(mr_files["gpkg"], bbox=(129.0, 29.0, 135.5, 36.0))
    mr = zones[zones["kind"] != "land"]
    assert set(mr["zone_id"]) == {"mr-8487", "mr-48955"}  # the others lie outside the box
    assert mr.total_bounds[2] <= 135.5  # clipped
    cov = zones.attrs["coverage"]
    assert cov.equals(shapely.box(129.0, 29.0, 135.5, 36.0))
    pts = gpd.GeoDataFrame(geometry=shapely.points([(135.2, 30.5), (140.0, 30.0)]), crs=4326)
    out = classify(pts, zones)
    assert out["zone_kind"].tolist() == ["eez", "outside_coverage"]
    assert out["claimants"].iloc[0] == "JPN/KOR"
    assert bool(out["disputed"].iloc[0])


def test_marine_regions_set_gets_land_and_limited_coverage(mr_files):
    zones = load_zones(mr_files["gpkg"])
    pts = gpd.GeoDataFrame(
        geometry=shapely.points([(139.7, 35.7), (-170.0, 30.0), (160.0, 40.0)]), crs=4326
    )
    out = classify(pts, zones)
    # Tokyo is land (bundled land); the mid North Pacific is outside the coverage,
    # never high seas; 160E 40N is inside the land region and in no zone: high seas.
    assert out["zone_kind"].tolist() == ["land", "outside_coverage", "high_seas"]


def test_layered_files_merge(tmp_path, mr_files):
    ts = gpd.GeoDataFrame(
        {
            "MRGID": ["8487"],
            "GEONAME": ["Japanese 12 NM"],
            "POL_TYPE": ["12NM"],
            "ISO_SOV1": ["JPN"],
        },
        geometry=[shapely.box(130, 30, 131, 31)],
        crs=4326,
    )
    ts_file = tmp_path / "eez_12nm.gpkg"
    ts.to_file(ts_file, driver="GPKG")
    zones = load_zones([mr_files["gpkg"], ts_file])
    assert zones["zone_id"].is_unique
    pts = gpd.GeoDataFrame(geometry=shapely.points([(130.5, 30.5), (134.5, 31.5)]), crs=4326)
    out = classify(pts, zones)
    assert out["zone_kind"].tolist() == ["territorial_sea", "eez"]
    assert out["claimants"].tolist() == ["JPN", "JPN"]


def test_unreadable_file_is_clear(tmp_path):
    bad = tmp_path / "eez.gpkg"
    bad.write_bytes(b"not a geopackage")
    with pytest.raises(ValueError, match="cannot read zones"):
        load_zones(bad)


@pytest.mark.parametrize(
    ("name", "claimants"),
    [
        ("Japanese Exclusive Economic Zone", "JPN"),
        ("South Korean Exclusive Economic Zone", "KOR"),
        ("North Korean Exclusive Economic Zone", "PRK"),
        ("Thailand Exclusive Economic Zone", "THA"),
        ("United States Exclusive Economic Zone (Guam)", "USA"),
        ("Japanese 12 NM", "JPN"),
        ("Philippine Archipelagic Waters", "PHL"),
        ("Overlapping claim Liancourt Rocks: Japan / South Korea", "JPN/KOR"),
        ("Overlapping claim Senkaku Islands: Taiwan / Japan / China", "CHN/JPN/TWN"),
        ("Overlapping claim Kuril Islands: Japan / Russia", "JPN/RUS"),
        ("Overlapping claim Wake Island / Enenkio: United States / Marshall Islands", "MHL/USA"),
        ("Joint regime area: South Korea / Japan", "JPN/KOR"),
        # Not unambiguous: left without claimants.
        ("Overlapping claim: South China Sea", ""),
        ("Overlapping claim Liancourt Rocks Japan / South Korea", ""),  # no colon
        ("Overlapping claim: Japan / Atlantis", ""),  # one state unknown
        ("Fijian Exclusive Economic Zone", ""),  # not a state of STATE_NAMES
        ("Chinese Taipei Exclusive Economic Zone", ""),  # the state is not followed by a zone
        ("Japan / Korea Exclusive Economic Zone", ""),
        ("Korean Exclusive Economic Zone", ""),  # which Korea?
        ("", ""),
    ],
)
def test_claimants_from_marine_regions_names(name, claimants):
    assert claimants_from_name(name) == claimants


def test_every_state_name_has_aliases():
    assert set(STATE_ALIASES) == set(STATE_NAMES)
    for code, short in STATE_NAMES.items():
        assert state_code(short) == code


def test_names_only_file_gets_kinds_from_names(tmp_path):
    """A Marine Regions-derived file with only mrgid and geoname (no POL_TYPE, no ISO_SOV)."""
    frame = gpd.GeoDataFrame(
        {
            "mrgid": [8487, 48955, 21796],
            "geoname": [
                "Japanese Exclusive Economic Zone",
                "Overlapping claim Liancourt Rocks: Japan / South Korea",
                "Joint regime area: South Korea / Japan",
            ],
        },
        geometry=[shapely.box(136, 28, 139, 30), shapely.box(131.5, 37, 132.5, 38),
                  shapely.box(127, 31, 129, 33)],
        crs=4326,
    )  # fmt: skip
    path = tmp_path / "eez.geojson"
    frame.to_file(path)
    zones = read_marineregions(path)
    assert zones["kind"].tolist() == ["eez", "overlapping_claim", "joint_regime"]
    assert zones["claimants"].tolist() == ["JPN", "JPN/KOR", "JPN/KOR"]
    assert zones["sovereign"].tolist() == ["JPN", "", ""]
    assert zones.attrs["claimants_from_names"].tolist() == [True, True, True]


def test_iso_codes_win_over_names(mr_files):
    """Where ISO_SOV fields are filled, names are not read (PHL/FJI are not in the name table)."""
    zones = read_marineregions(mr_files["gpkg"]).set_index("zone_id")
    assert zones.loc["mr-8325", "claimants"] == "FJI"
    assert not zones.attrs["claimants_from_names"].any()
