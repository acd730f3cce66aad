r"""Parse latitude/longitude text: decimal, hemisphere letters, degrees-minutes-seconds.

Accepted forms include ``37.5, 134.0``, ``37.5N 134E``, ``N37.5 E134``,
``26°04′N 122°44′E``, ``26°04'30"N 122°44'E``, ``37-30N 134-00E`` and
``37 30.5 N, 134 0 E``. A position is latitude first unless hemisphere letters
say otherwise.

Whitespace in the patterns is matched possessively (``\s*+``), so a long run of
spaces is read once: the work is linear in the text (a run of 160 spaces used to
take seconds, the backtracking growing with its fourth power). Error messages
quote at most :data:`EXCERPT_CHARS` characters of the text (:func:`excerpt`).
"""

from __future__ import annotations

import re

__all__ = ["EXCERPT_CHARS", "excerpt", "format_position", "parse_angle", "parse_position"]

#: Error messages quote at most this many characters of the text they could not read.
EXCERPT_CHARS: int = 80

_SYMBOLS = str.maketrans(
    {
        "′": "'",
        "’": "'",
        "‘": "'",
        "ʹ": "'",
        "`": "'",
        "″": '"',
        "”": '"',
        "“": '"',
        "ʺ": '"',
        "º": "°",
        "˚": "°",
        "−": "-",
        "–": "-",
        "—": "-",
    }
)

# One angle: optional leading hemisphere or sign, degrees, optional minutes and
# seconds (separated by symbols, spaces or dashes), optional trailing hemisphere.
_ANGLE_TEMPLATE = r"""
    (?P<{p}lead>[NSEWnsew](?=\s*+[-+]?\d))?\s*+
    (?P<{p}sign>[-+])?
    (?:
      (?P<{p}degd>\d{{1,3}}\.\d++)\s*+°?
    |
      (?P<{p}deg>\d{{1,3}})(?![\d.])
      (?:
        (?:\s*+°\s*+|\s*+(?:deg|d)\s*+|\s++|-)
        (?P<{p}min>\d{{1,2}}(?:\.\d++)?)(?![\d.])
        (?:
          (?:\s*+'\s*+|\s++|-)
          (?P<{p}sec>\d{{1,2}}(?:\.\d++)?)(?![\d.])\s*+(?:"|'')?
        |\s*+'
        )?
      |\s*+°
      )?
    )
    \s*+(?P<{p}trail>[NSEWnsew](?![A-Za-z0-9]))?
"""
_ANGLE = re.compile(_ANGLE_TEMPLATE.format(p=""), re.VERBOSE)
_PAIR = re.compile(
    _ANGLE_TEMPLATE.format(p="a") + r"\s*+[,;/]?\s*+" + _ANGLE_TEMPLATE.format(p="b"), re.VERBOSE
)


def excerpt(text: str, *, max_chars: int = EXCERPT_CHARS) -> str:
    """Quote `text` for an error message, cut to `max_chars` characters with an ellipsis.

    Parameters
    ----------
    text : str
        The text that could not be read (a whole cell may be very long).
    max_chars : int, default :data:`EXCERPT_CHARS`
        Characters of `text` to keep.

    Returns
    -------
    str
        ``repr`` of the text; when that is longer than `max_chars` (plus quotes),
        its first `max_chars` characters, ``…`` and the full length.

    Examples
    --------
    >>> excerpt("26N 122E")
    "'26N 122E'"
    >>> excerpt("x" * 100, max_chars=5)
    "'xxxxx…' (100 characters)"
    """
    shown = repr(text[: max_chars + 1])
    if len(text) <= max_chars and len(shown) <= max_chars + 2:
        return shown
    return f"{shown[: max_chars + 1]}…{shown[0]} ({len(text)} characters)"


def _angle_from(m: re.Match[str], p: str, text: str) -> tuple[float, str | None]:
    """Return (signed degrees, hemisphere) of angle `p` of match `m`."""
    lead, trail = m[p + "lead"], m[p + "trail"]
    if lead and trail:
        raise ValueError(f"two hemisphere letters on one angle in {excerpt(text)}")
    deg_text = m[p + "degd"] or m[p + "deg"]
    min_text, sec_text = m[p + "min"], m[p + "sec"]
    deg = float(deg_text)
    minutes = float(min_text) if min_text else 0.0
    seconds = float(sec_text) if sec_text else 0.0
    if minutes >= 60 or seconds >= 60:
        raise ValueError(f"minutes and seconds must be below 60 in {excerpt(text)}")
    value = deg + minutes / 60.0 + seconds / 3600.0
    hemi = (lead or trail or "").upper() or None
    if m[p + "sign"] == "-":
        if hemi:
            raise ValueError(f"both a sign and a hemisphere in {excerpt(text)}")
        value = -value
    if hemi in ("S", "W"):
        value = -value
    return value, hemi


def parse_angle(text: str) -> tuple[float, str | None]:
    """Parse one angle; return (signed decimal degrees, hemisphere letter or None).

    Examples
    --------
    >>> parse_angle("26°04′N")
    (26.066666666666666, 'N')
    >>> parse_angle("-122.5")
    (-122.5, None)
    """
    t = text.translate(_SYMBOLS).strip()
    m = _ANGLE.fullmatch(t)
    if m is None:
        raise ValueError(f"cannot read {excerpt(text)} as an angle")
    return _angle_from(m, "", text)


def parse_position(text: str) -> tuple[float, float]:
    """Parse a position; return (latitude, longitude) in decimal degrees.

    Parameters
    ----------
    text : str
        Two angles, latitude first unless hemisphere letters say otherwise.

    Returns
    -------
    tuple of float
        (lat, lon).

    Raises
    ------
    ValueError
        With a message that says what could not be read.

    Examples
    --------
    >>> parse_position("26°04′N 122°44′E")
    (26.066666666666666, 122.73333333333333)
    >>> parse_position("37-30N 134-00E")
    (37.5, 134.0)
    >>> parse_position("E134 N37.5")
    (37.5, 134.0)
    """
    t = text.translate(_SYMBOLS).strip()
    if not t:
        raise ValueError("empty position")
    m = _PAIR.fullmatch(t)
    if m is None:
        raise ValueError(
            f"cannot read {excerpt(text)} as a position; "
            "expected e.g. '26°04′N 122°44′E' or '37.5, 134.0'"
        )
    a, ha = _angle_from(m, "a", text)
    b, hb = _angle_from(m, "b", text)
    if ha in ("E", "W") or hb in ("N", "S"):
        a, b, ha, hb = b, a, hb, ha
    if ha in ("E", "W") or hb in ("N", "S"):
        raise ValueError(f"two {ha or hb} hemispheres in {excerpt(text)}")
    if not -90.0 <= a <= 90.0:
        raise ValueError(f"latitude {a:g} is outside -90..90 in {excerpt(text)}")
    if not -180.0 <= b <= 360.0:
        raise ValueError(f"longitude {b:g} is outside -180..180 in {excerpt(text)}")
    return a, (b + 180.0) % 360.0 - 180.0 if b > 180.0 else b


def format_position(
    lat: float, lon: float, *, style: str = "dms", seconds_decimals: int = 2
) -> str:
    """Format a position as text that :func:`parse_position` reads back.

    Parameters
    ----------
    lat, lon : float
        Decimal degrees.
    style : {"dms", "dm", "decimal"}
        Degrees-minutes-seconds, degrees-decimal-minutes, or signed decimals.
    seconds_decimals : int, default 2
        Decimals of the last field.

    Examples
    --------
    >>> format_position(26.0666667, 122.7333333, style="dm")
    "26°04.000'N 122°44.000'E"
    """
    if style == "decimal":
        return f"{lat:.6f}, {lon:.6f}"

    def one(value: float, pos: str, neg: str) -> str:
        hemi = pos if value >= 0 else neg
        v = abs(value)
        deg = int(v)
        rest = (v - deg) * 60.0
        if style == "dm":
            minutes = round(rest, 3)
            if minutes >= 60:
                deg, minutes = deg + 1, 0.0
            return f"{deg}°{minutes:06.3f}'{hemi}"
        minutes = int(rest)
        seconds = round((rest - minutes) * 60.0, seconds_decimals)
        if seconds >= 60:
            minutes, seconds = minutes + 1, 0.0
        if minutes >= 60:
            deg, minutes = deg + 1, 0
        width = 3 + seconds_decimals if seconds_decimals else 2
        return f"{deg}°{minutes:02d}'{seconds:0{width}.{seconds_decimals}f}\"{hemi}"

    return f"{one(lat, 'N', 'S')} {one(lon, 'E', 'W')}"
