"""Find the text encoding of a CSV/TSV file, with a confidence that can be reported.

The order is: a byte-order mark (UTF-8, UTF-16, UTF-32); NUL bytes in every other
place (UTF-16 without a mark); UTF-8 (text that decodes as UTF-8 and is not
ASCII is UTF-8: confidence 1); otherwise Windows-31J (Python's ``cp932``: Shift_JIS
as Windows writes it, with ①, ㎞ and 髙) and Windows-1252 (a superset of Latin-1
for text) are both decoded, and the one whose non-ASCII runs look like its own
language wins: Japanese runs hold kana, CJK punctuation or more than one
ideograph; Latin runs are one or two accented letters beside ASCII letters, or
typographic punctuation. "Pêche" read as cp932 is "P鹹he", one ideograph between
Latin letters, so it reads as cp1252.

charset-normalizer was tried and not used: on short files it read "Pêche" as
cp1250 ("Pęche") and Shift_JIS Japanese as cp949 or big5.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = ["Decoding", "detect_encoding", "normalise_encoding"]

#: Bytes decoded per step when checking a whole file (memory stays small).
_CHUNK = 1 << 20
#: Non-ASCII runs scored per candidate encoding (enough to decide, bounded time).
_MAX_RUNS = 20_000

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: What people call Shift_JIS is Windows-31J on every system that writes CSV files.
_ALIASES = {
    "shift_jis": "cp932",
    "windows_31j": "cp932",
    "windows31j": "cp932",
    "ms_kanji": "cp932",
}
_RUNS = re.compile(r"[^\x00-\x7f]+")
_JAPANESE = re.compile(
    "[\u3000-\u30ff\u2460-\u24ff\u3200-\u33ff\uff01-\uff5e\u2500-\u257f\u25a0-\u25ff]"
)
_IDEOGRAPH = re.compile("[\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_PUNCTUATION = set("’‘“”„‚–—…•€£¥°±×÷·«»‹›§¶©®™¡¿²³¹¼½¾µ\u00a0")


@dataclass(frozen=True)
class Decoding:
    """The encoding a file was read with, and how it was chosen.

    ``how`` is "given" (by the caller), "mark" (a byte-order mark), "valid" (the
    bytes are valid UTF-8) or "guessed"; ``confidence`` runs from 0.5 (a coin
    toss) to 1.
    """

    encoding: str
    confidence: float
    how: Literal["given", "mark", "valid", "guessed"]

    @property
    def guessed(self) -> bool:
        """Return whether the encoding is a guess that may be wrong."""
        return self.how == "guessed"

    def describe(self) -> str:
        """Return e.g. ``"cp932 (guessed, confidence 0.83)"``."""
        if self.how == "guessed":
            return f"{self.encoding} (guessed, confidence {self.confidence:.2f})"
        return {
            "given": f"{self.encoding} (given)",
            "mark": f"{self.encoding} (byte-order mark)",
        }.get(self.how, self.encoding)


def normalise_encoding(name: str) -> str:
    """Return Python's codec name for `name`; Shift_JIS becomes Windows-31J (cp932).

    Raises
    ------
    LookupError
        For an encoding Python does not know.
    """
    spelled = name.strip().lower().replace("-", "_")
    if spelled in _ALIASES:
        return _ALIASES[spelled]
    canonical = codecs.lookup(name).name
    return _ALIASES.get(canonical.replace("-", "_"), canonical)


def _decodes(raw: bytes, encoding: str) -> UnicodeDecodeError | None:
    """Return the error of decoding `raw` strictly, chunk by chunk, or None."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        for start in range(0, len(raw), _CHUNK):
            decoder.decode(raw[start : start + _CHUNK], final=start + _CHUNK >= len(raw))
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        return UnicodeDecodeError(exc.encoding, raw, offset, offset + 1, exc.reason)
    return None


def _utf16_without_mark(head: bytes) -> str | None:
    """Return "utf-16-le"/"utf-16-be" when NUL bytes fill every other place, else None."""
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _japanese_run(run: str, before: str, after: str) -> bool:
    """Return whether a non-ASCII run read as cp932 looks like Japanese."""
    if _JAPANESE.search(run):
        return True
    ideographs = len(_IDEOGRAPH.findall(run))
    if ideographs == 0:
        return False
    return ideographs > 1 or not (before.isalpha() and after.isalpha())


def _latin_run(run: str, before: str, after: str) -> bool:
    """Return whether a non-ASCII run read as cp1252 looks like Latin-script text."""
    if all(c in _LATIN_PUNCTUATION for c in run):
        return len(run) <= 2
    if not all(unicodedata.category(c).startswith("L") and c < "\u0180" for c in run):
        return False
    beside_letters = (before.isascii() and before.isalpha()) or (
        after.isascii() and after.isalpha()
    )
    return len(run) == 1 or (len(run) == 2 and beside_letters)


def _plausibility(raw: bytes, encoding: str, looks_right: Callable[[str, str, str], bool]) -> float:
    """Return the share of non-ASCII runs that look right in `encoding` (0 when none)."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    good = total = 0
    for start in range(0, len(raw), _CHUNK):
        text = decoder.decode(raw[start : start + _CHUNK], final=start + _CHUNK >= len(raw))
        for m in _RUNS.finditer(text):
            before = text[m.start() - 1] if m.start() else " "
            after = text[m.end()] if m.end() < len(text) else " "
            good += looks_right(m.group(), before, after)
            total += 1
            if total >= _MAX_RUNS:
                return good / total
    return good / total if total else 0.0


def _guess_legacy(raw: bytes) -> Decoding | None:
    """Choose between cp932 and cp1252 for bytes that are not UTF-8, or None."""
    scores = {}
    if _decodes(raw, "cp932") is None:
        scores["cp932"] = _plausibility(raw, "cp932", _japanese_run)
    if _decodes(raw, "cp1252") is None:
        scores["cp1252"] = _plausibility(raw, "cp1252", _latin_run)
    if not scores:
        return None
    # On a tie Windows-1252 wins: it is the wider default, and the confidence says 0.5.
    best = "cp932" if scores.get("cp932", -1.0) > scores.get("cp1252", -1.0) else "cp1252"
    other = max((s for e, s in scores.items() if e != best), default=0.0)
    confidence = 0.5 + (scores[best] - other) / 2.0
    return Decoding(best, round(confidence, 2), "guessed")


def detect_encoding(raw: bytes, *, given: str | None = None) -> Decoding:
    """Return the encoding of a text file's bytes.

    Parameters
    ----------
    raw : bytes
        The whole file.
    given : str, optional
        The caller's encoding; it is checked (the file must decode with it).

    Returns
    -------
    Decoding
        The encoding, a confidence from 0.5 (a coin toss) to 1, and how it was
        chosen.

    Raises
    ------
    UnicodeDecodeError
        When the file does not decode with the given encoding, or with any of
        UTF-8, cp932 and cp1252 (the error of the UTF-8 attempt).
    ValueError
        For a file with NUL bytes that is not UTF-16.

    Examples
    --------
    >>> detect_encoding("Pêche".encode("latin-1")).encoding
    'cp1252'
    >>> detect_encoding("①漁船 ㎞ 髙".encode("cp932")).encoding
    'cp932'
    """
    if given is not None:
        encoding = normalise_encoding(given)
        error = _decodes(raw, encoding)
        if error is not None:
            raise error
        return Decoding(encoding, 1.0, "given")
    for mark, encoding in _BOMS:
        if raw.startswith(mark):
            return Decoding(encoding, 1.0, "mark")
    head = raw[:65536]
    if b"\x00" in head:
        utf16 = _utf16_without_mark(head)
        if utf16 is None:
            raise ValueError("cannot read the file: it has NUL bytes, so it is not CSV text")
        return Decoding(utf16, 0.9, "guessed")
    error = _decodes(raw, "utf-8")
    if error is None:
        return Decoding("utf-8", 1.0, "valid")
    legacy = _guess_legacy(raw)
    if legacy is None:
        raise error
    return legacy
