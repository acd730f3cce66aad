"""Hostile and ambiguous incident files: nothing guessed silently, every row counted.

Each case goes through the API (``load_incidents``) and, where a user meets it
on the command line, through ``flashpoints`` (one line, exit 2, no traceback).
"""

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import ValidationError, load_incidents, rejects
from geo._decode import detect_encoding
from geo.errors import InputError
from geo.geodesy import GEOD
from geo.uncertainty import MAX_DISTANCE_KM
from tests.support import one_line_error


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _counted(gdf):
    """Assert the counting rule and return the rejects, by row."""
    bad = rejects(gdf)
    assert len(gdf) + len(bad) == gdf.attrs["rows_read"]
    assert set(gdf["row"]).isdisjoint(set(bad["row"])) or "sheet" in bad.columns
    return dict(zip(bad["row"], bad["reason"], strict=True))


_one_line_error = one_line_error


# --------------------------------------------------------------------------- coordinate columns


@pytest.mark.parametrize(
    ("header", "names"),
    [
        ("Lat,LAT,lon", "'Lat', 'LAT'"),
        ("lat,latitude,lon", "'lat', 'latitude'"),
        ("lat,lon,lat", "'lat', 'lat'"),
        ("lat,lon,Longitude", "'lon', 'Longitude'"),
    ],
)
def test_ambiguous_coordinate_columns_are_a_file_error(tmp_path, header, names):
    n = header.count(",") + 1
    csv = _write(tmp_path, "amb.csv", f"{header}\n" + ",".join(["26.1"] * (n - 1) + ["122.7"]))
    with pytest.raises(InputError, match=rf"amb\.csv: 2 (latitude|longitude) columns: {names}"):
        load_incidents(csv)


def test_ambiguous_columns_resolved_by_columns(tmp_path):
    csv = _write(tmp_path, "amb.csv", "Lat,LAT,lon\n26.1,99,122.7\n")
    gdf = load_incidents(csv, columns={"lat": "Lat"})
    assert gdf["lat"].tolist() == [26.1]
    assert gdf["LAT"].tolist() == ["99"]  # the other column is kept, not lost


def test_ambiguous_columns_on_the_command_line(cli, tmp_path):
    csv = _write(tmp_path, "amb.csv", "lat,latitude,lon\n26,26,122\n")
    line = _one_line_error(cli("incidents", "check", str(csv)))
    assert line == (
        f"flashpoints: {csv}: 2 latitude columns: 'lat', 'latitude'; keep one, "
        "or choose one with columns={'lat': ...}"
    )


# --------------------------------------------------------------------------- dates


def test_integer_dates_in_geojson_and_parquet_are_not_1970(tmp_path):
    frame = gpd.GeoDataFrame(
        {"date": [20230712, 2023, 202307, 1689120000], "title": list("abcd")},
        geometry=shapely.points([(130, 35), (131, 35), (132, 35), (133, 35)]),
        crs=4326,
    )
    for ext in ("geojson", "parquet"):
        path = tmp_path / f"d.{ext}"
        frame.to_parquet(path) if ext == "parquet" else frame.to_file(path)
        gdf = load_incidents(path)
        reasons = _counted(gdf)
        assert gdf["date"].dt.strftime("%Y-%m-%d").tolist() == [
            "2023-07-12",
            "2023-01-01",
            "2023-07-01",
        ]
        assert gdf["date_precision"].tolist() == ["day", "year", "month"]
        assert reasons == {
            4: "cannot read '1689120000' as a date: a number must be a date as yyyymmdd, "
            "yyyymm or yyyy"
        }


def test_partial_and_exact_dates_in_text(tmp_path):
    csv = _write(
        tmp_path,
        "d.csv",
        "date,lat,lon\n2023,26,122\n2023-07,26,123\n20230712,26,124\n"
        "2023-07-12T09:30+09:00,26,125\n12 July 2023,26,126\n",
    )
    gdf = load_incidents(csv)
    assert gdf["date_precision"].tolist() == ["year", "month", "day", "time", "day"]
    assert gdf["date"].tolist() == [
        pd.Timestamp("2023-01-01", tz="UTC"),
        pd.Timestamp("2023-07-01", tz="UTC"),
        pd.Timestamp("2023-07-12", tz="UTC"),
        pd.Timestamp("2023-07-12T00:30", tz="UTC"),
        pd.Timestamp("2023-07-12", tz="UTC"),
    ]


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("14:05", "'14:05' is a time without a date"),
        ("2:05 pm", "'2:05 pm' is a time without a date"),
        ("July 12", "'July 12' has no year"),
        ("now", "cannot read 'now' as a date"),
        ("today", "cannot read 'today' as a date"),
        ("2023-07-12 09:00 JST", "unknown time zone in '2023-07-12 09:00 JST'"),
        ("2023.5", "cannot read '2023.5' as a date"),
    ],
)
def test_dates_never_filled_in(tmp_path, cell, reason):
    csv = _write(tmp_path, "d.csv", f"date,lat,lon\n2023-07-01,26,122\n{cell},26,123\n")
    reasons = _counted(load_incidents(csv))
    assert reason in reasons[2]


def test_mixed_day_and_month_first_is_refused(tmp_path):
    csv = _write(tmp_path, "d.csv", "date,lat,lon\n25/07/2023,26,122\n12/07/2023,26,123\n")
    with pytest.raises(InputError, match=r"d\.csv: dates mix conventions: '25/07/2023' \(row 1\)"):
        load_incidents(csv)
    day = load_incidents(csv, dayfirst=True)
    assert day["date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-07-25", "2023-07-12"]
    month = load_incidents(csv, dayfirst=False)
    reasons = _counted(month)
    assert month["date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-12-07"]
    assert "is not a month-first date" in reasons[1]


def test_contradicting_and_undecidable_dates(tmp_path):
    both = _write(tmp_path, "b.csv", "date,lat,lon\n25/07/2023,26,122\n07/25/2023,26,123\n")
    with pytest.raises(InputError, match=r"dates mix day-first '25/07/2023' .* month-first"):
        load_incidents(both)
    either = _write(tmp_path, "e.csv", "date,lat,lon\n03/04/2023,26,122\n")
    with pytest.raises(InputError, match="cannot tell whether '03/04/2023'"):
        load_incidents(either)
    settled = _write(tmp_path, "s.csv", "date,lat,lon\n25/07/2023,26,122\n05/05/2023,26,1\n")
    assert load_incidents(settled)["date"].dt.month.tolist() == [7, 5]


def test_dayfirst_on_the_command_line(cli, tmp_path):
    csv = _write(tmp_path, "d.csv", "date,lat,lon\n25/07/2023,26,122\n12/07/2023,26,123\n")
    line = _one_line_error(cli("incidents", "check", str(csv)))
    assert line.startswith(f"flashpoints: {csv}: dates mix conventions")
    assert "--dayfirst or --monthfirst" in line
    ok = cli("incidents", "check", "--dayfirst", str(csv))
    assert ok.returncode == 0, ok.stderr
    assert "2 rows, 2 loaded, 0 rejected" in ok.stdout
    month = cli("incidents", "check", "--monthfirst", str(csv))
    assert month.returncode == 1
    assert "row 1, date: cannot read '25/07/2023' as a date" in month.stdout


# --------------------------------------------------------------------------- workbooks


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"lat": [26.1, 95.0], "lon": [122.7, 123.0], "title": ["a", "b"]}).to_excel(
            xl, sheet_name="2023", index=False
        )
        pd.DataFrame(
            {"Position": ["26°04′N 122°44′E", "nowhere", "27°N 125°E"], "Title": list("cde")}
        ).to_excel(xl, sheet_name="2024", index=False)
        pd.DataFrame().to_excel(xl, sheet_name="empty", index=False)
    return path


def test_every_sheet_is_read_with_counts(workbook):
    gdf = load_incidents(workbook)
    assert gdf.attrs["rows_read"] == 5
    assert gdf.attrs["sheets"] == {
        "2023": {"rows": 2, "loaded": 1, "rejected": 1},
        "2024": {"rows": 3, "loaded": 2, "rejected": 1},
        "empty": {"rows": 0, "loaded": 0, "rejected": 0},
    }
    assert gdf["sheet"].tolist() == ["2023", "2024", "2024"]
    assert gdf["row"].tolist() == [1, 1, 3]
    assert gdf["incident_id"].is_unique
    bad = rejects(gdf)
    assert bad[["sheet", "row", "column"]].values.tolist() == [
        ["2023", 2, "lat"],
        ["2024", 2, "Position"],
    ]


def test_one_sheet_and_unknown_sheet(workbook):
    gdf = load_incidents(workbook, sheet="2024")
    assert gdf.attrs["rows_read"] == 3
    assert list(gdf.attrs["sheets"]) == ["2024"]
    with pytest.raises(
        InputError, match=r"no sheet 'x'; the sheets are \['2023', '2024', 'empty'\]"
    ):
        load_incidents(workbook, sheet="x")


def test_errors_raise_names_the_sheet(workbook):
    with pytest.raises(ValidationError, match=r"book\.xlsx, sheet '2023', row 2: lat: latitude 95"):
        load_incidents(workbook, errors="raise")


def test_a_sheet_without_coordinates_names_the_sheet(tmp_path):
    path = tmp_path / "notes.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"lat": [26.1], "lon": [122.7]}).to_excel(xl, sheet_name="data", index=False)
        pd.DataFrame({"remark": ["read me"]}).to_excel(xl, sheet_name="notes", index=False)
    with pytest.raises(InputError, match=r"sheet 'notes': no coordinate columns.*--sheet"):
        load_incidents(path)
    assert len(load_incidents(path, sheet="data")) == 1


def test_sheets_on_the_command_line(cli, workbook):
    result = cli("incidents", "check", str(workbook))
    assert result.returncode == 1
    assert "5 rows, 3 loaded, 2 rejected" in result.stdout
    assert "sheet '2023': 2 rows, 1 loaded, 1 rejected" in result.stdout
    assert "sheet '2024', row 2, Position:" in result.stdout
    one = cli("incidents", "check", "--sheet", "2023", str(workbook))
    assert "2 rows, 1 loaded, 1 rejected" in one.stdout
    line = _one_line_error(cli("incidents", "check", "--sheet", "x", str(workbook)))
    assert "no sheet 'x'" in line


def test_workbook_through_classify(cli, workbook, tmp_path):
    out = tmp_path / "out.csv"
    line = _one_line_error(cli("classify", str(workbook), "-o", str(out)))
    assert line == (
        f"flashpoints: {workbook}, sheet '2023', row 2: lat: latitude 95 is outside -90..90 "
        "(2 rows rejected in all; --rejects FILE lists them)"
    )
    assert not out.exists()
    ok = cli("classify", str(workbook), "--sheet", "2024", "--skip-invalid", "-o", str(out))
    assert ok.returncode == 0, ok.stderr
    assert f"warning: {workbook}, sheet '2024', row 2: Position:" in ok.stderr
    written = pd.read_csv(out)
    assert written["sheet"].astype(str).tolist() == ["2024", "2024"]
    assert written["row"].tolist() == [1, 3]


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("Pêche", "latin-1", "cp1252"),
        ("Pêche à Noël, Grönland, Größe", "latin-1", "cp1252"),
        ("“naïve” café €5 – déjà vu", "cp1252", "cp1252"),
        ("①漁船 ㎞ 髙橋", "cp932", "cp932"),
        ("髙", "cp932", "cp932"),
        ("魚釣島から北北西約61キロ", "cp932", "cp932"),
        ("ブイ", "cp932", "cp932"),
    ],
)
def test_legacy_encodings_are_detected(tmp_path, text, encoding, expected):
    csv = _write(tmp_path, "enc.csv", f'lat,lon,title\n26.1,122.7,"{text}"\n', encoding)
    gdf = load_incidents(csv)
    assert gdf["title"].tolist() == [text]
    assert gdf.attrs["encoding"] == expected
    assert 0.5 <= gdf.attrs["encoding_confidence"] <= 1.0


def test_a_guessed_encoding_is_named_in_every_reject(tmp_path):
    csv = _write(tmp_path, "enc.csv", "lat,lon,title\n26.1,122.7,Pêche\n95,122,Café\n", "latin-1")
    reasons = _counted(load_incidents(csv))
    assert reasons[2].startswith("latitude 95 is outside -90..90")
    assert "[text read as cp1252 (guessed, confidence" in reasons[2]
    plain = _write(tmp_path, "utf8.csv", "lat,lon,title\n95,122,Café\n")
    assert _counted(load_incidents(plain))[1] == "latitude 95 is outside -90..90"


def test_encoding_given(tmp_path):
    csv = _write(tmp_path, "jp.csv", "lat,lon,title\n26.1,122.7,①㎞髙\n", "cp932")
    for name in ("shift_jis", "Shift_JIS", "cp932", "windows-31j"):
        gdf = load_incidents(csv, encoding=name)
        assert gdf["title"].tolist() == ["①㎞髙"]
        assert gdf.attrs["encoding_note"] == "cp932 (given)"
    latin = _write(tmp_path, "l.csv", "lat,lon,title\n26.1,122.7,Pêche\n", "latin-1")
    with pytest.raises(
        InputError, match=r"cannot decode the file as utf-8: byte 0xea at offset 26"
    ):
        load_incidents(latin, encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        load_incidents(latin, encoding="klingon")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_and_marks(tmp_path, encoding):
    csv = _write(tmp_path, "u.csv", "lat,lon,title\n26.1,122.7,Pêche ①\n", encoding)
    assert load_incidents(csv)["title"].tolist() == ["Pêche ①"]


def test_encoding_on_the_command_line(cli, tmp_path):
    csv = _write(tmp_path, "jp.csv", "lat,lon,title\n26.1,122.7,①漁船\n95,1,x\n", "cp932")
    result = cli("incidents", "check", str(csv))
    assert "encoding: cp932 (guessed, confidence" in result.stdout
    assert "[text read as cp932" in result.stdout
    given = cli("incidents", "check", "--encoding", "shift_jis", str(csv))
    assert "encoding: cp932 (given)" in given.stdout
    line = _one_line_error(cli("incidents", "check", "--encoding", "utf-8", str(csv)))
    assert "cannot decode the file as utf-8" in line


words = st.sampled_from(
    ["Pêche", "Noël", "Grönland", "über", "Façade", "São", "Zürich", "naïve", "Ærø", "Málaga"]
)
japanese = st.sampled_from(["漁船", "①", "㎞", "髙", "ブイ", "海上保安庁", "北緯26度", "約61キロ"])


@settings(max_examples=40, deadline=None)
@given(st.lists(words, min_size=1, max_size=4), st.lists(japanese, min_size=1, max_size=4))
def test_detection_on_short_texts(latin, jp):
    latin_text = "title\n" + "\n".join(latin) + "\n"
    assert detect_encoding(latin_text.encode("cp1252")).encoding == "cp1252"
    jp_text = "title\n" + "\n".join(jp) + "\n"
    assert detect_encoding(jp_text.encode("cp932")).encoding == "cp932"


# --------------------------------------------------------------------------- geometries


def _shapes_file(tmp_path):
    polygon = shapely.box(120.0, 20.0, 160.0, 50.0)  # 40 x 30 degrees
    line = shapely.LineString([(130, 30), (132, 31), (133, 33)])
    frame = gpd.GeoDataFrame(
        {"title": ["point", "polygon", "line"]},
        geometry=[shapely.Point(125, 25), polygon, line],
        crs=4326,
    )
    path = tmp_path / "shapes.geojson"
    frame.to_file(path)
    return path, polygon, line


def test_non_points_are_rejected_by_default(tmp_path):
    path, _, _ = _shapes_file(tmp_path)
    gdf = load_incidents(path)
    reasons = _counted(gdf)
    assert gdf["title"].tolist() == ["point"]
    assert reasons == {
        2: "geometry is a Polygon; pass geometry='centroid' or 'representative'",
        3: "geometry is a LineString; pass geometry='centroid' or 'representative'",
    }


@pytest.mark.parametrize("how", ["centroid", "representative"])
def test_non_points_placed_with_an_uncertainty_that_covers_them(tmp_path, how):
    path, polygon, line = _shapes_file(tmp_path)
    gdf = load_incidents(path, geometry=how)
    assert len(gdf) == 3
    assert np.isnan(gdf["uncertainty_km"].iloc[0])
    for i, shape in ((1, polygon), (2, line)):
        lon, lat, unc = gdf["lon"].iloc[i], gdf["lat"].iloc[i], gdf["uncertainty_km"].iloc[i]
        if how == "representative":
            assert shape.buffer(1e-9).contains(shapely.Point(lon, lat))
        xs, ys = shapely.get_coordinates(shape).T
        _, _, d = GEOD.inv(np.full(len(xs), lon), np.full(len(xs), lat), xs, ys)
        assert unc * 1000 == pytest.approx(d.max(), rel=1e-9)
    assert gdf["uncertainty_km"].iloc[1] > 2000  # the 40 x 30 degree box is no "±0"


def test_given_uncertainty_does_not_shrink_a_shape(tmp_path):
    square = shapely.box(130.0, 30.0, 131.0, 31.0)
    frame = gpd.GeoDataFrame({"uncertainty_km": [1.0, 500.0]}, geometry=[square, square], crs=4326)
    gdf = load_incidents(frame, geometry="centroid", duplicates="keep")
    _, _, corners = GEOD.inv([130.5] * 4, [30.5] * 4, [130, 131, 130, 131], [30, 30, 31, 31])
    assert gdf["uncertainty_km"].iloc[0] == pytest.approx(max(corners) / 1000.0)  # 73 km, not 1
    assert gdf["uncertainty_km"].iloc[1] == 500.0


def test_geometry_option_on_the_command_line(cli, tmp_path):
    path, _, _ = _shapes_file(tmp_path)
    result = cli("incidents", "check", str(path))
    assert "row 2, geometry: geometry is a Polygon" in result.stdout
    ok = cli("incidents", "check", "--geometry", "centroid", str(path))
    assert ok.returncode == 0, ok.stderr
    assert "3 rows, 3 loaded, 0 rejected" in ok.stdout


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("-5", "uncertainty_km -5 is negative"),
        ("inf", "uncertainty_km 'inf' is not a finite number"),
        ("nan", "uncertainty_km 'nan' is not a finite number"),
        ("abc", "uncertainty_km 'abc' is not a number"),
        ("30000", "uncertainty_km 30000 is beyond half the Earth's circumference (20,038 km)"),
    ],
)
def test_uncertainty_must_be_a_radius(tmp_path, value, reason):
    csv = _write(tmp_path, "u.csv", f"lat,lon,uncertainty_km\n26,122,5\n26,123,{value}\n")
    gdf = load_incidents(csv)
    assert _counted(gdf) == {2: reason}
    assert gdf["uncertainty_km"].tolist() == [5.0]


def test_uncertainty_inf_in_a_frame():
    frame = pd.DataFrame(
        {"lat": [26.0, 27.0], "lon": [122.0, 123.0], "uncertainty_km": [1, np.inf]}
    )
    gdf = load_incidents(frame)
    assert _counted(gdf) == {2: "uncertainty_km inf is not a finite number"}


@pytest.mark.parametrize(
    ("columns", "row", "reason"),
    [
        ("bearing_deg,distance_km", "90,-100", "distance_km -100 is negative"),
        ("bearing_deg,distance_km", "90,50000", "distance_km 50000 is beyond half the Earth's"),
        ("bearing_deg,distance_nm", "90,20000", "(10,819 nm)"),
        ("bearing_deg,distance_km", "nan,100", "bearing 'nan' is not a finite number"),
        ("bearing_deg,distance_km", "400,100", "bearing 400 is outside 0..360"),
        ("bearing_deg,distance_km", "-10,100", "bearing -10 is outside 0..360"),
        ("bearing_deg,distance_km", "west,100", "bearing 'west' is not a number"),
        ("bearing_deg,distance_km", ",100", "bearing is missing"),
        ("bearing_deg,distance_km", "90,", "distance_km is missing"),
    ],
)
def test_origin_bearing_distance_checked(tmp_path, columns, row, reason):
    csv = _write(tmp_path, "o.csv", f"launch_site,{columns}\nSunan,90,100\nSunan,{row}\n")
    gdf = load_incidents(csv)
    reasons = _counted(gdf)
    assert reason in reasons[2]
    assert "latitude" not in reasons[2]
    assert len(gdf) == 1


def test_half_circumference_distance_is_allowed(tmp_path):
    csv = _write(
        tmp_path, "o.csv", f"launch_site,bearing_deg,distance_km\nSunan,90,{MAX_DISTANCE_KM}\n"
    )
    assert len(load_incidents(csv)) == 1


# --------------------------------------------------------------------------- coordinates and text


def test_coordinates_and_position_text_are_checked_against_each_other(tmp_path):
    csv = _write(
        tmp_path,
        "both.csv",
        "lat,lon,position\n"
        '26.0667,122.7333,"26°04′N 122°44′E"\n'  # the same place
        '30.0,130.0,"26°04′N 122°44′E"\n'  # about 880 km away
        '41.5,139.0,"approximately 30 km west of Oshima-Oshima"\n',  # within the phrase's error
    )
    gdf = load_incidents(csv)
    reasons = _counted(gdf)
    assert gdf["row"].tolist() == [1, 3]
    assert reasons[2].startswith(
        "lat/lon (30.0000, 130.0000) and the position text (26.0667, 122.7333) are"
    )
    assert "km apart, more than their uncertainties allow (6.5 km)" in reasons[2]
    assert rejects(gdf)["column"].tolist() == ["position"]


def test_unplaceable_text_beside_coordinates_keeps_the_row(tmp_path, caplog):
    csv = _write(tmp_path, "both.csv", "lat,lon,location\n26.1,122.7,East China Sea\n")
    with caplog.at_level(logging.WARNING, logger="geo.incidents"):
        gdf = load_incidents(csv)
    assert len(gdf) == 1
    assert "1 rows have coordinates and a position text that cannot be placed" in caplog.text


def test_geometry_and_position_text_disagree(tmp_path):
    frame = gpd.GeoDataFrame(
        {"position": ["26°04′N 122°44′E"]}, geometry=[shapely.Point(140, 40)], crs=4326
    )
    reasons = _counted(load_incidents(frame))
    assert reasons[1].startswith("geometry (40.0000, 140.0000) and the position text")


# --------------------------------------------------------------------------- size and shape


def test_long_position_text_is_rejected_unread(tmp_path):
    long = "200 km west of " + "x" * 100_000
    csv = _write(tmp_path, "long.csv", f"position,launch_site,bearing,range_km\n{long},,,\n"
                 f"26°N 122°E,,,\n,{long},90,100\n")  # fmt: skip
    reasons = _counted(load_incidents(csv))
    assert reasons[1].startswith("position text is 100,015 characters")
    assert reasons[3].startswith("cannot place origin '200 km west of xxx")
    assert all(len(r) < 200 for r in reasons.values())  # the cell is not repeated


def test_long_date_text_is_rejected_unread(tmp_path):
    csv = _write(tmp_path, "long.csv", f"date,lat,lon\n{'2023' * 10_000},26,122\n")
    reasons = _counted(load_incidents(csv))
    assert reasons[1] == "date text is 40,000 characters long; at most 100 are read"


def test_wide_file_keeps_every_column(tmp_path):
    n = 20_000
    header = ",".join(["lat", "lon", *(f"c{i}" for i in range(n))])
    rows = [",".join([f"26.{r}", "122.7", *(f"v{r}-{i}" for i in range(n))]) for r in range(3)]
    csv = _write(tmp_path, "wide.csv", header + "\n" + "\n".join(rows) + "\n")
    gdf = load_incidents(csv)
    assert gdf.shape == (3, n + 13)
    assert gdf["c0"].tolist() == ["v0-0", "v1-0", "v2-0"]
    assert gdf[f"c{n - 1}"].iloc[2] == f"v2-{n - 1}"
    assert gdf.columns[-1] == "geometry"


def test_columns_named_like_ours_are_kept(tmp_path):
    csv = _write(tmp_path, "clash.csv", "lat,lon,row,date_precision\n26,122,R7,exact\n")
    gdf = load_incidents(csv)
    assert gdf["row"].tolist() == [1]
    assert gdf["row_input"].tolist() == ["R7"]
    assert gdf["date_precision_input"].tolist() == ["exact"]


# --------------------------------------------------------------------------- counting rule

_cells = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", "nan", "inf", "-1", "0", "91", "400", "1e400", "26.5", "Sunan"]),
)
_positions = st.sampled_from(
    ["", "26°04′N 122°44′E", "200 km west of Oshima-Oshima", "50,000 km west of Sunan", "x" * 2000]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(_cells, _cells, _positions, _cells, _cells, _cells, _cells),
        min_size=1,
        max_size=12,
    )
)
def test_counting_rule_with_every_kind_of_column(rows):
    frame = pd.DataFrame(
        rows,
        columns=["lat", "lon", "position", "uncertainty_km", "launch_site", "bearing", "range_km"],
    )
    gdf = load_incidents(frame)
    bad = rejects(gdf)
    assert len(gdf) + len(bad) == len(frame)
    assert set(gdf["row"]).isdisjoint(set(bad["row"]))
    assert ((gdf["lat"].abs() <= 90) & (gdf["lon"].abs() <= 180)).all()
    given_unc = gdf["uncertainty_km"].dropna()
    assert ((given_unc >= 0) & (given_unc <= MAX_DISTANCE_KM)).all()


def test_blank_origin_is_missing_not_unknown(tmp_path):
    csv = _write(tmp_path, "o.csv", "launch_site,bearing_deg,distance_km\nSunan,90,100\n,90,100\n")
    assert _counted(load_incidents(csv)) == {2: "origin is missing"}
