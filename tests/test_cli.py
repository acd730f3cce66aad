import pytest

from tests.support import one_line_error

_one_line_error = one_line_error


def test_map_default_writes_html(cli, tmp_path):
    out = tmp_path / "maps" / "m.html"
    result = cli("map", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists()
    assert out.stat().st_size > 10_000
    assert "zone_kind" in result.stdout
    assert "map written to" in result.stdout


def test_classify_writes_each_format(cli, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("lat,lon,title\n25.8,123.5,near Uotsuri\n40,160,high seas\n")
    for ext in ("csv", "geojson", "gpkg", "parquet"):
        out = tmp_path / f"out.{ext}"
        result = cli("classify", str(src), "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert out.exists()
    text = (tmp_path / "out.csv").read_text()
    assert "CHN/JPN/TWN" in text
    assert "high_seas" in text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        (b"\x00\x01\x02garbage\xff\xfe", "cannot"),
        (b"title,when\nx,2020\n", "no coordinate columns"),
        (b"lat,lon\n26,122\n137.5,130\n", "row 2: lat: latitude 137.5 is outside -90..90"),
    ],
    ids=["missing", "unreadable", "no-coordinates", "latitude-range"],
)
def test_bad_input_is_one_line(cli, tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_bytes(content)
    line = _one_line_error(cli("map", str(path), "-o", str(tmp_path / "x.html")))
    assert str(path) in line
    assert expected in line
    assert not (tmp_path / "x.html").exists()


def test_skip_invalid_keeps_going(cli, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("lat,lon\n26,122\n137.5,130\n")
    result = cli("map", str(path), "--skip-invalid", "-o", str(tmp_path / "x.html"))
    assert result.returncode == 0
    assert "row 2" in result.stderr
    assert "1 incidents" in result.stdout


def test_bad_output_format(cli, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("lat,lon\n26,122\n")
    line = _one_line_error(cli("classify", str(src), "-o", str(tmp_path / "out.xyz")))
    assert "is written as .csv or .geojson or .gpkg or .parquet or .kml or .xlsx, not .xyz" in line


def test_zones_map(cli, tmp_path):
    out = tmp_path / "zones.html"
    result = cli("zones", "map", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "fp-zone-territorial_sea" in out.read_text()


def test_incidents_check_reports_rows(cli, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("lat,lon\n26,122\n137.5,130\n,\n")
    result = cli("incidents", "check", str(path))
    assert result.returncode == 1
    assert "3 rows, 1 loaded, 2 rejected" in result.stdout
    assert "row 2, lat: latitude 137.5" in result.stdout


@pytest.mark.parametrize(
    "command",
    [[], ["map"], ["classify"], ["zones", "build"], ["zones", "map"], ["incidents", "check"]],
)
def test_help(cli, command):
    result = cli(*command, "--help")
    assert result.returncode == 0
    assert "usage: flashpoints" in result.stdout
