"""The gazetteer: landmarks that official statements measure from.

``data/gazetteer.csv`` holds islands, capes, peninsulas, ports and launch sites
with coordinates, an approximate radius (how far the landmark's edge can be from
its point) and a source for each.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .datasets import data_path
from .errors import DataSourceError, InputError

__all__ = ["Gazetteer", "gazetteer", "landmark_key"]

_GENERIC = re.compile(r"\b(island|islands|isl|is|isle|islet|islets)\b\.?")


#: Letters a key keeps: Latin (after accents are dropped), kana, CJK ideographs, Hangul.
_NOT_KEPT = re.compile(r"[^0-9a-z\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]+")


def _without_accents(text: str) -> str:
    """Drop accents and macrons from Latin letters ("Dōgo" -> "Dogo"); kana keep theirs."""
    split = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in split if not "\u0300" <= ch <= "\u036f")
    return unicodedata.normalize("NFKC", kept)


def landmark_key(name: str) -> str:
    """Normalise a landmark name for lookup.

    Case, accents and macrons, punctuation, a leading "the" and words such as
    "Island" are ignored; Japanese, Chinese and Korean names are kept as written.

    Examples
    --------
    >>> landmark_key("the Oshima-Oshima Island")
    'oshimaoshima'
    >>> landmark_key("Dōgo"), landmark_key("ドーゴ") == "ドーゴ"
    ('dogo', True)
    """
    t = _without_accents(name).lower().strip()
    t = re.sub(r"^the\s+", "", t)
    t = _GENERIC.sub("", t)
    return _NOT_KEPT.sub("", t)


class Gazetteer:
    """Landmarks with coordinates, looked up by any of their names.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``name``, ``alt_names`` (";"-separated), ``lat``, ``lon``,
        ``radius_km`` and ``source``; optionally ``group``, the dispute group
        (``data/zones/features.csv``) a landmark stands for, such as the Senkaku
        Islands' reference point.
    """

    def __init__(self, table: pd.DataFrame):
        missing = {"name", "lat", "lon", "radius_km", "source"} - set(table.columns)
        if missing:
            raise DataSourceError(f"gazetteer: missing columns {sorted(missing)}")
        self.table = table.reset_index(drop=True)
        self._radius_km = pd.to_numeric(self.table["radius_km"], errors="coerce").to_numpy()
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

    def extend(self, extra: pd.DataFrame, *, source: str = "user table") -> Gazetteer:
        """Return a gazetteer with ``extra``'s landmarks first, then these.

        ``extra`` needs ``name``, ``lat`` and ``lon``; ``alt_names``, ``kind``,
        ``radius_km`` (default 0: the landmark is a point) and ``source`` (default
        ``source``) are optional. A name in both resolves to ``extra``'s row.

        Raises
        ------
        geo.errors.InputError
            Naming the row (1 = the first data row) and what is wrong.
        """
        table = _checked_extra(extra, source)
        return Gazetteer(pd.concat([table, self.table], ignore_index=True))

    def get(self, name: str) -> pd.Series | None:
        """Return the landmark row named ``name`` (any spelling it lists), or None."""
        i = self._index.get(landmark_key(name))
        return None if i is None else self.table.loc[i]

    def lookup(self, name: str) -> pd.Series:
        """Return the landmark row for ``name``.

        Raises
        ------
        KeyError
            With the closest known names in the message.
        """
        found = self.get(name)
        if found is not None:
            return found
        key = landmark_key(name)
        # A short name that ends longer ones ("大島": 渡島大島, 奄美大島) is ambiguous.
        longer = [k for k in self._index if len(key) >= 2 and k.endswith(key)]
        if longer:
            names = sorted({str(self.table.loc[self._index[k], "name"]) for k in longer})
            raise KeyError(
                f"unknown landmark {name!r}: it ends several names; say which: {', '.join(names)}"
            )
        close = difflib.get_close_matches(key, list(self._index), n=3, cutoff=0.5)
        names = sorted({self.table.loc[self._index[c], "name"] for c in close})
        hint = f"; closest known: {', '.join(names)}" if names else ""
        raise KeyError(f"unknown landmark {name!r}{hint}")

    def find_in(self, text: str, *, min_key_length: int = 4) -> pd.Series | None:
        """Return the most precise landmark whose name appears in ``text``.

        For free text such as "in or around Sunan near Pyongyang": of the landmarks
        named, the one with the smallest radius (Sunan, not the city around it);
        between equal radii, the longest name. Names shorter than
        ``min_key_length`` letters are not searched for.
        """
        key = landmark_key(text)
        hits = [k for k in self._index if len(k) >= min_key_length and k in key]
        if not hits:
            return None
        best = min(hits, key=lambda k: (self._radius_km[self._index[k]], -len(k)))
        return self.table.loc[self._index[best]]

    def __len__(self) -> int:
        return len(self.table)


def _landmark_problem(row: dict) -> str:
    """Return what is wrong with a landmark row ("" when nothing is)."""
    if not str(row["name"]).strip() or not landmark_key(str(row["name"])):
        return "a landmark needs a name"
    lat = pd.to_numeric(row["lat"], errors="coerce")
    lon = pd.to_numeric(row["lon"], errors="coerce")
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return (f"{row['name']!r} has lat {row['lat']!r}, lon {row['lon']!r}; "
                "expected -90..90 and -180..180 degrees")  # fmt: skip
    if not pd.to_numeric(row["radius_km"], errors="coerce") >= 0.0:
        return f"radius_km {row['radius_km']!r} is not a number >= 0"
    return ""


def _checked_extra(extra: pd.DataFrame, source: str) -> pd.DataFrame:
    """Check and complete a table of extra landmarks (see :meth:`Gazetteer.extend`)."""
    missing = {"name", "lat", "lon"} - set(extra.columns)
    if missing:
        raise InputError(f"landmarks need columns {sorted(missing)}", source=source)
    table = extra.reset_index(drop=True).copy()
    for column, default in (("alt_names", ""), ("kind", ""), ("radius_km", 0.0),
                            ("source", source), ("group", "")):  # fmt: skip
        if column not in table:
            table[column] = default
    for i, row in enumerate(table.to_dict("records"), start=1):
        problem = _landmark_problem(row)
        if problem:
            raise InputError(problem, source=source, row=i)
    for column in ("lat", "lon", "radius_km"):
        table[column] = pd.to_numeric(table[column])
    return table


def gazetteer(extra: str | Path | pd.DataFrame | None = None) -> Gazetteer:
    """Return the gazetteer: the bundled landmarks, with ``extra`` ones first.

    Parameters
    ----------
    extra : path or DataFrame, optional
        A CSV file (or table) of more landmarks: ``name``, ``lat``, ``lon`` and,
        optionally, ``alt_names`` (";"-separated), ``kind``, ``radius_km`` and
        ``source``. Its names win over the bundled ones.

    Returns
    -------
    Gazetteer
        ``.table`` lists every landmark; pass it as ``gazetteer=`` to
        :func:`geo.locate` or :func:`geo.load_incidents`.

    Examples
    --------
    >>> import pandas as pd
    >>> gaz = gazetteer(pd.DataFrame({"name": ["Buoy A"], "lat": [30.0], "lon": [130.0]}))
    >>> gaz.lookup("buoy a")["lat"], len(gaz) == len(gazetteer()) + 1
    (np.float64(30.0), True)
    """
    base = default_gazetteer()
    if extra is None:
        return base
    if isinstance(extra, pd.DataFrame):
        return base.extend(extra)
    path = Path(extra)
    try:
        table = pd.read_csv(path, comment="#", keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the gazetteer file: {exc}", source=str(path)) from exc
    return base.extend(table, source=str(path))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """Return the bundled gazetteer (read once)."""
    return Gazetteer.from_csv()
