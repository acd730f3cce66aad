"""The command line never overwrites an input, refuses wrong file endings, neutralises
spreadsheet formulas, and cleans up on SIGTERM: one line, exit status 2 (143 for SIGTERM)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from geo.cli import Terminated, _on_sigterm
from geo.io import atomic_path
from tests.support import FLASHPOINTS, one_line_error

CSV = "date,kind,title,lat,lon\n2024-01-01,buoy,A buoy,26.1,122.7\n2024-01-02,vessel,B,30.0,130.0\n"


@pytest.fixture
def incidents_csv(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def _one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    line = one_line_error(result)
    assert line.startswith("flashpoints: ")
    for f in fragments:
        assert f in line


def test_classify_output_cannot_be_its_input(cli, incidents_csv):
    result = cli("classify", str(incidents_csv), "-o", str(incidents_csv))
    _one_line_error(result, "would overwrite the input")
    assert incidents_csv.read_text(encoding="utf-8") == CSV


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_links_to_an_input_are_the_input(cli, incidents_csv, tmp_path, link):
    alias = tmp_path / "alias.csv"
    (os.symlink if link == "symlink" else os.link)(incidents_csv, alias)
    result = cli("classify", str(incidents_csv), "-o", str(alias))
    _one_line_error(result, "would overwrite the input")
    assert incidents_csv.read_text(encoding="utf-8") == CSV


def test_map_refuses_a_csv_output(cli, incidents_csv):
    result = cli("map", str(incidents_csv), "-o", str(incidents_csv))
    _one_line_error(result, "is written as .html or .htm, not .csv")
    assert incidents_csv.read_text(encoding="utf-8") == CSV


def test_zone_files_are_inputs_too(cli, incidents_csv, tmp_path):
    zones = tmp_path / "zones.html"  # an input the user named, whatever its ending
    zones.write_text("not zones", encoding="utf-8")
    result = cli("map", str(incidents_csv), "--zones", str(zones), "-o", str(zones))
    _one_line_error(result, "would overwrite the input")
    assert zones.read_text(encoding="utf-8") == "not zones"


def test_classify_refuses_unknown_endings(cli, incidents_csv, tmp_path):
    _one_line_error(cli("classify", str(incidents_csv), "-o", str(tmp_path / "o.xls")), ".xls")


def test_a_parent_that_is_a_file_is_named(cli, incidents_csv, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    result = cli("classify", str(incidents_csv), "-o", str(afile / "x.csv"))
    _one_line_error(result, f"{afile} is a file, not a folder")


def test_dask_output_folder_cannot_hold_inputs(cli, tmp_path):
    pytest.importorskip("dask_geopandas")
    import geopandas as gpd
    import shapely

    folder = tmp_path / "pos"
    folder.mkdir()
    gpd.GeoDataFrame(geometry=[shapely.Point(130, 30)], crs=4326).to_parquet(folder / "a.parquet")
    result = cli("classify", str(folder / "a.parquet"), "-o", str(folder), "--engine", "dask")
    _one_line_error(result, "holds the input")


def test_dask_refuses_lines_before_starting(cli, tmp_path):
    pytest.importorskip("dask_geopandas")
    import geopandas as gpd
    import shapely

    path = tmp_path / "lines.parquet"
    line = shapely.LineString([(130, 30), (131, 31)])
    gpd.GeoDataFrame(geometry=[line], crs=4326).to_parquet(path)
    result = cli("classify", str(path), "-o", str(tmp_path / "out"), "--engine", "dask")
    _one_line_error(result, "geometry is LineString; classify takes points")


def test_formulas_are_neutralised_unless_raw(cli, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(
        "date,kind,title,description,lat,lon\n"
        '2024-01-01,buoy,"=HYPERLINK(""http://x"",""y"")",@SUM(A1),26.1,122.7\n'
        "2024-01-02,vessel,+cmd|' /C calc'!A0,-2+3,30.0,130.0\n",
        encoding="utf-8",
    )
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    assert cli("classify", str(src), "-o", str(safe)).returncode == 0
    assert cli("classify", str(src), "-o", str(raw), "--raw").returncode == 0
    got = pd.read_csv(safe, dtype=str, keep_default_na=False)
    assert got["title"].tolist() == ['\'=HYPERLINK("http://x","y")', "'+cmd|' /C calc'!A0"]
    assert got["description"].tolist() == ["'@SUM(A1)", "'-2+3"]
    assert got["lat"].tolist() == ["26.1", "30.0"]  # numbers untouched
    kept = pd.read_csv(raw, dtype=str, keep_default_na=False)
    assert kept["title"].tolist()[0] == '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "0", "far"])
def test_range_rings_must_be_finite_and_positive(cli, incidents_csv, tmp_path, value):
    result = cli("map", str(incidents_csv), "-o", str(tmp_path / "m.html"),
                 "--range-rings-km", value)  # fmt: skip
    _one_line_error(result, "--range-rings-km")


def test_argparse_errors_are_one_line(cli):
    _one_line_error(cli("classify"), "the following arguments are required")


def test_atomic_write_is_cleaned_up_when_terminated(tmp_path):
    target = tmp_path / "out.csv"

    def write_then_stop() -> None:
        with atomic_path(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            _on_sigterm(signal.SIGTERM, None)

    with pytest.raises(Terminated):
        write_then_stop()
    assert list(tmp_path.iterdir()) == []


def test_sigterm_stops_with_one_line_and_leaves_nothing(tmp_path):
    src = tmp_path / "in.csv"
    rows = "\n".join(
        f"2024-01-01,vessel,s{i},{20 + i % 30}.5,{125 + i % 30}.5" for i in range(200_000)
    )
    src.write_text("date,kind,title,lat,lon\n" + rows + "\n", encoding="utf-8")
    out = tmp_path / "out" / "classified.csv"
    proc = subprocess.Popen(
        [FLASHPOINTS, "classify", str(src), "-o", str(out), "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONWARNINGS="ignore"),
    )  # fmt: skip
    time.sleep(3.0)  # loading and classifying 200,000 rows take longer than this
    assert proc.poll() is None, "finished before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM
    assert err.strip().splitlines() == ["flashpoints: terminated"]
    assert not out.exists()
    leftovers = [p for p in tmp_path.rglob("*") if p.name.startswith(".")]
    assert leftovers == []
