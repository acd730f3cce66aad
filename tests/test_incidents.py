import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import ValidationError, load_incidents, rejects
from geo.errors import InputError


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_every_row_is_loaded_or_rejected(tmp_path):
    csv = _write(
        tmp_path,
        "mixed.csv",
        "date,lat,lon,title\n"
        "2023-07-05,26.07,122.73,ok\n"
        "2023-07-06,95,122.73,bad latitude\n"
        "2023-07-07,,,no position\n"
        "2023-07-08,0,0,null island\n"
        "not a date,26,123,bad date\n"
        "2023-07-09,26.5,abc,bad longitude\n"
        "2023-07-10,26.5,124.0,ok too\n",
    )
    gdf = load_incidents(csv)
    bad = rejects(gdf)
    assert len(gdf) + len(bad) == 7
    assert gdf["row"].tolist() == [1, 7]
    assert bad["row"].tolist() == [2, 3, 4, 5, 6]
    reasons = dict(zip(bad["row"], bad["reason"], strict=True))
    assert "latitude 95 is outside -90..90" in reasons[2]
    assert reasons[3] == "no position"
    assert "(0, 0)" in reasons[4]
    assert "as a date" in reasons[5]
    assert "longitude 'abc' is not a number" in reasons[6]


def test_swapped_coordinates_are_hinted(tmp_path):
    csv = _write(tmp_path, "swap.csv", "latitude,longitude\n122.7,26.1\n")
    bad = rejects(load_incidents(csv))
    assert "swapped" in bad["reason"].iloc[0]


def test_errors_raise_names_file_and_row(tmp_path):
    csv = _write(tmp_path, "bad.csv", "lat,lon\n26,122\n137.5,130\n")
    with pytest.raises(ValidationError, match=r"bad\.csv, row 2: lat: latitude 137\.5"):
        load_incidents(csv, errors="raise")


def test_no_coordinate_columns(tmp_path):
    csv = _write(tmp_path, "nocoords.csv", "title,when\nx,2020-01-01\n")
    with pytest.raises(InputError, match="no coordinate columns"):
        load_incidents(csv)


def test_missing_file():
    with pytest.raises(InputError, match="no such file"):
        load_incidents("does-not-exist.csv")


@pytest.mark.parametrize(
    ("encoding", "read_as"),
    [("utf-8-sig", "utf-8-sig"), ("shift_jis", "cp932"), ("cp932", "cp932"), ("utf-8", "utf-8")],
)
def test_csv_encodings(tmp_path, encoding, read_as):
    csv = _write(tmp_path, "jp.csv", "緯度,経度,title,lat,lon\nx,y,ブイ,26.07,122.73\n", encoding)
    gdf = load_incidents(csv)
    assert gdf["title"].tolist() == ["ブイ"]
    assert gdf.attrs["encoding"] == read_as


def test_tsv_and_column_overrides(tmp_path):
    tsv = _write(tmp_path, "t.tsv", "Breite\tLaenge\n26.07\t122.73\n")
    gdf = load_incidents(tsv, columns={"lat": "Breite", "lon": "Laenge"})
    assert gdf.geometry.iloc[0].equals(shapely.Point(122.73, 26.07))


def test_position_text_column(tmp_path):
    csv = _write(tmp_path, "p.csv", 'position,title\n"26°04′N 122°44′E",buoy\n"nowhere",x\n')
    gdf = load_incidents(csv)
    assert gdf["lat"].iloc[0] == pytest.approx(26 + 4 / 60)
    assert gdf["uncertainty_km"].iloc[0] > 0
    assert rejects(gdf)["row"].tolist() == [2]


def test_geojson(tmp_path):
    path = tmp_path / "i.geojson"
    gpd.GeoDataFrame({"title": ["a"]}, geometry=[shapely.Point(130, 35)], crs=4326).to_file(path)
    gdf = load_incidents(path)
    assert gdf["lon"].tolist() == [130.0]


def test_dates_become_utc(tmp_path):
    csv = _write(
        tmp_path, "d.csv", "date,lat,lon\n2023-07-05,26,122\n2023-07-05T09:00+09:00,26,123\n"
    )
    gdf = load_incidents(csv)
    assert str(gdf["date"].dt.tz) == "UTC"
    assert gdf["date"].iloc[1] == pd.Timestamp("2023-07-05T00:00Z")


def test_input_frame_not_mutated():
    frame = pd.DataFrame({"lat": [26.0], "lon": [122.0]})
    before = frame.copy()
    load_incidents(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_duplicates_are_rejected_or_kept(tmp_path):
    rows = ["2023-07-05,26,122,a", "2023-07-05,26,122,a", "2023-07-05,26,122,b"]
    csv = _write(tmp_path, "dup.csv", "date,lat,lon,title\n" + "\n".join(rows) + "\n")
    gdf = load_incidents(csv)
    assert gdf["row"].tolist() == [1, 3]
    assert rejects(gdf)["reason"].tolist() == ["duplicate of row 1"]
    assert len(load_incidents(csv, duplicates="keep")) == 3


def test_origin_bearing_distance_columns(tmp_path):
    from geo.gazetteer import default_gazetteer
    from geo.geodesy import GEOD

    csv = _write(tmp_path, "traj.csv", "launch_site,bearing_deg,distance_km,title\n"
                 "Sunan,90,1000,x\nNowhere Base,90,10,y\n")  # fmt: skip
    gdf = load_incidents(csv)
    sunan = default_gazetteer().lookup("Sunan")
    _, _, d = GEOD.inv(
        float(sunan["lon"]), float(sunan["lat"]), gdf["lon"].iloc[0], gdf["lat"].iloc[0]
    )
    assert d == pytest.approx(1_000_000.0, abs=1.0)
    assert gdf["origin_lat"].iloc[0] == pytest.approx(float(sunan["lat"]))
    assert "cannot place origin 'Nowhere Base'" in rejects(gdf)["reason"].iloc[0]


def test_origin_found_in_free_text():
    origins = ["in or around Sunan near Pyongyang", "the west coast"]
    frame = pd.DataFrame({"lat": [40.0, 40.0], "lon": [135.0, 136.0], "origin": origins})
    gdf = load_incidents(frame)
    assert gdf["origin_lat"].iloc[0] == pytest.approx(39.22389)
    assert np.isnan(gdf["origin_lat"].iloc[1])


def test_semicolon_csv(tmp_path):
    csv = _write(tmp_path, "semi.csv", "lat;lon;title\n26.07;122.73;a, with comma\n")
    gdf = load_incidents(csv)
    assert gdf["title"].tolist() == ["a, with comma"]


def test_excel(tmp_path):
    path = tmp_path / "sheet.xlsx"
    pd.DataFrame(
        {"Date": ["2023-07-11"], "Position": ["26°04′N 122°44′E"], "Title": ["buoy"]}
    ).to_excel(path, index=False)
    gdf = load_incidents(path)
    assert gdf["lat"].iloc[0] == pytest.approx(26 + 4 / 60)
    assert gdf["date"].iloc[0] == pd.Timestamp("2023-07-11", tz="UTC")


@pytest.mark.parametrize("ext", ["gpkg", "parquet"])
def test_geopackage_and_geoparquet(tmp_path, ext):
    path = tmp_path / f"i.{ext}"
    frame = gpd.GeoDataFrame({"title": ["a", "b"]}, geometry=shapely.points([(130, 35), (131, 36)]),
                             crs=4326)  # fmt: skip
    frame.to_parquet(path) if ext == "parquet" else frame.to_file(path, driver="GPKG")
    gdf = load_incidents(path)
    assert gdf["lon"].tolist() == [130.0, 131.0]
    assert len(rejects(gdf)) == 0


_cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=12),
    st.sampled_from(["", "0", "91", "-181", "26°04′N", "NaN", "1e400"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_cells, _cells, _cells), min_size=1, max_size=15))
def test_counting_rule_on_arbitrary_rows(rows):
    frame = pd.DataFrame(rows, columns=["lat", "lon", "date"])
    gdf = load_incidents(frame)
    bad = rejects(gdf)
    assert len(gdf) + len(bad) == len(frame)
    assert set(gdf["row"]).isdisjoint(set(bad["row"]))
    assert ((gdf["lat"].abs() <= 90) & (gdf["lon"].abs() <= 180)).all()
