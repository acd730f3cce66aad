"""Run work over slices of a large input on every core.

NumPy, SciPy, shapely and PROJ release the GIL in their heavy calls, so threads
(not processes) are enough, and the arrays are shared rather than copied.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from . import settings

__all__ = ["map_slices"]

T = TypeVar("T")


def map_slices(func: Callable[[slice], T], n: int, size: int) -> list[tuple[slice, T]]:
    """Return ``(slice, func(slice))`` for consecutive slices of ``range(n)``.

    Slices hold at most ``size`` items; they run on :func:`geo.settings.workers`
    threads (in this thread when there is one slice or one worker).
    """
    slices = [slice(i, min(i + size, n)) for i in range(0, n, size)]
    if len(slices) <= 1 or settings.workers() == 1:
        return [(s, func(s)) for s in slices]
    with ThreadPoolExecutor(max_workers=settings.workers()) as pool:
        return list(zip(slices, pool.map(func, slices), strict=True))
