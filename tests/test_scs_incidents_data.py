"""data/incidents/south-china-sea.csv: every row is dated, placed at a named feature, sourced."""

from __future__ import annotations

import pandas as pd

from geo.datasets import data_path


def test_rows_are_dated_placed_and_sourced():
    table = pd.read_csv(data_path("incidents", "south-china-sea.csv"), keep_default_na=False)
    assert table["id"].is_unique
    dates = pd.to_datetime(table["date"], format="%Y-%m-%d")
    assert dates.between("2023-01-01", "2025-12-31").all()
    assert (table["id"].str[:10] == table["date"]).all()
    assert set(table["kind"]) <= {"vessel", "aircraft"}
    assert set(table["feature"]) <= {"Second Thomas Shoal", "Sabina Shoal", "Scarborough Shoal"}
    assert table["source"].str.match(r"https?://").all()
    assert (table["source_quote"].str.len() > 40).all()
    assert (table["position"].str.strip() != "").all()


def test_published_positions_are_in_their_quotes_and_each_reading_is_explained():
    table = pd.read_csv(data_path("incidents", "south-china-sea.csv"), keep_default_na=False)
    for row in table.itertuples():
        said = " ".join(row.position_published.lower().split())
        assert said in " ".join(row.source_quote.lower().split()), row.id
        assert row.position_reading.strip(), row.id
