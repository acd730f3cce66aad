"""The gazetteer: landmarks that official statements measure from.

``data/gazetteer.csv`` holds islands, capes, peninsulas, ports and launch sites
with coordinates, an approximate radius (how far the landmark's edge can be from
its point) and a source for each.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .datasets import data_path
from .errors import DataSourceError

__all__ = ["Gazetteer", "landmark_key"]

_GENERIC = re.compile(r"\b(island|islands|isl|is|isle|islet|islets)\b\.?")


def landmark_key(name: str) -> str:
    """Normalise a landmark name for lookup.

    Case, punctuation, a leading "the" and words such as "Island" are ignored.

    Examples
    --------
    >>> landmark_key("the Oshima-Oshima Island")
    'oshimaoshima'
    """
    t = name.lower().strip()
    t = re.sub(r"^the\s+", "", t)
    t = _GENERIC.sub("", t)
    return re.sub(r"[^0-9a-z\u3040-\u30ff\u4e00-\u9fff]+", "", t)


class Gazetteer:
    """Landmarks with coordinates, looked up by any of their names.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``name``, ``alt_names`` (";"-separated), ``lat``, ``lon``,
        ``radius_km`` and ``source``.
    """

    def __init__(self, table: pd.DataFrame):
        missing = {"name", "lat", "lon", "radius_km", "source"} - set(table.columns)
        if missing:
            raise DataSourceError(f"gazetteer: missing columns {sorted(missing)}")
        self.table = table.reset_index(drop=True)
        self._index: dict[str, int] = {}
        for i, row in self.table.iterrows():
            names = [row["name"], *str(row.get("alt_names", "") or "").split(";")]
            for n in names:
                key = landmark_key(n)
                if key:
                    self._index.setdefault(key, int(i))

    @classmethod
    def from_csv(cls, path: str | Path | None = None) -> Gazetteer:
        """Read a gazetteer CSV (``data/gazetteer.csv`` by default)."""
        src = Path(path) if path is not None else data_path("gazetteer.csv")
        return cls(pd.read_csv(src, comment="#", keep_default_na=False))

    def lookup(self, name: str) -> pd.Series:
        """Return the landmark row for ``name``.

        Raises
        ------
        KeyError
            With the closest known names in the message.
        """
        key = landmark_key(name)
        if key in self._index:
            return self.table.loc[self._index[key]]
        close = difflib.get_close_matches(key, list(self._index), n=3, cutoff=0.5)
        names = sorted({self.table.loc[self._index[c], "name"] for c in close})
        hint = f"; closest known: {', '.join(names)}" if names else ""
        raise KeyError(f"unknown landmark {name!r}{hint}")

    def find_in(self, text: str, *, min_key_length: int = 4) -> pd.Series | None:
        """Return the landmark whose name appears in ``text`` (the longest such name).

        For free text such as "in or around Sunan near Pyongyang". Names shorter
        than ``min_key_length`` letters are not searched for.
        """
        key = landmark_key(text)
        hits = [k for k in self._index if len(k) >= min_key_length and k in key]
        if not hits:
            return None
        return self.table.loc[self._index[max(hits, key=len)]]

    def __len__(self) -> int:
        return len(self.table)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """Return the bundled gazetteer (read once)."""
    return Gazetteer.from_csv()
