"""data/zones/spratly-features.csv: each row's numbers agree with the words it quotes.

The table is the sourced groundwork for the South China Sea coverage (issue 17); the
zone builder does not read it yet.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from geo.datasets import data_path
from geo.zones.schema import STATE_NAMES

TABLE = pd.read_csv(data_path("zones", "spratly-features.csv"), keep_default_na=False)

#: A latitude and longitude in degrees, minutes and optional seconds, as the quotes
#: write them ("9° 43' 57\" N, 115° 51' 51\" E", "9°55′N 115°32′E", German "O" for east).
_DMS = re.compile(
    r"(\d{1,2})\s*°\s*(\d{1,2})\s*['′’]\s*(?:(\d{1,2}(?:\.\d+)?)\s*[\"″”]\s*)?([NS])[,\s/]*"
    r"(\d{1,3})\s*°\s*(\d{1,2})\s*['′’]\s*(?:(\d{1,2}(?:\.\d+)?)\s*[\"″”]\s*)?([EOW])"
)


def _degrees(d: str, m: str, s: str | None, hemisphere: str) -> float:
    value = int(d) + int(m) / 60 + float(s or 0) / 3600
    return -value if hemisphere in "SW" else value


@pytest.mark.parametrize("row", TABLE.to_dict("records"), ids=list(TABLE["feature_id"]))
def test_coordinates_are_those_quoted(row):
    found = _DMS.search(row["coord_quote"])
    assert found, row["coord_quote"]
    g = found.groups()
    assert _degrees(*g[:4]) == pytest.approx(float(row["lat"]), abs=1e-4)
    assert _degrees(*g[4:]) == pytest.approx(float(row["lon"]), abs=1e-4)


def test_the_table_is_well_formed():
    assert TABLE["feature_id"].is_unique
    assert TABLE["lat"].between(4.0, 16.0).all()
    assert TABLE["lon"].between(109.0, 119.0).all()
    for column in ("occupied_by", "claimed_by"):
        for cell in TABLE[column]:
            codes = [c for c in cell.split("/") if c]
            assert codes == sorted(codes)
            assert set(codes) <= set(STATE_NAMES)
    assert set(TABLE["award2016"]) <= {"rock", "low-tide elevation", "not ruled"}
    for column in ("coord_source", "claim_source"):
        assert TABLE[column].str.match(r"https?://").all()
    ruled = TABLE[TABLE["award2016"] != "not ruled"]
    assert ruled["award_source"].str.match(r"https?://").all()
    assert (ruled["award_quote"].str.len() > 20).all()
    # The features the incidents of 2023-2025 happened at are there.
    names = set(TABLE["feature_id"])
    assert {"spratly_second_thomas_shoal", "spratly_mischief_reef", "spratly_sabina_shoal",
            "scs_scarborough_shoal"} <= names  # fmt: skip
