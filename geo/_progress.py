"""Progress of long work: a bar on a terminal, a few log lines elsewhere.

Library functions show progress only when asked (``progress=True``); the command
line asks unless ``--no-progress``. On a terminal the report is a tqdm bar that
redraws in place; when standard error is a file or a pipe (a log, CI), redrawing
would fill it with lines, so the report is a log record (INFO) each time another
10 % is done, at most ten lines for the whole job.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["Progress", "track"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Share of the work between two log lines when not on a terminal.
LOG_STEP = 0.10


def _on_terminal() -> bool:
    stream = sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


class Progress:
    """Report progress over ``total`` units of work.

    Parameters
    ----------
    total : int
        Units of work (points, cells, ...).
    desc : str
        What is being done, e.g. ``"classify"``.
    unit : str
        Name of a unit, e.g. ``"pt"``.
    enabled : bool
        Report at all (``progress=`` of the calling function).
    terminal : bool, optional
        Draw a bar (True) or log every 10 % (False); by default a bar when
        standard error is a terminal.

    Examples
    --------
    >>> with Progress(100, desc="work", unit="item", enabled=True, terminal=False) as p:
    ...     for _ in range(4):
    ...         p.update(25)
    >>> p.logged
    [25, 50, 75, 100]
    """

    def __init__(
        self, total: int, *, desc: str, unit: str, enabled: bool, terminal: bool | None = None
    ):
        self.total, self.desc, self.unit, self.enabled = total, desc, unit, enabled
        self.done = 0
        self.logged: list[int] = []
        self._bar: Any = None
        if enabled and (_on_terminal() if terminal is None else terminal):
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, desc=desc, unit=unit)

    def update(self, n: int) -> None:
        """Count ``n`` more units as done."""
        if not self.enabled:
            return
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        percent = min(100, 100 * self.done // self.total) if self.total else 100
        last = self.logged[-1] if self.logged else 0
        if percent // (100 * LOG_STEP) > last // (100 * LOG_STEP):
            self.logged.append(percent)
            log.info(
                "%s: %d %% (%d of %d %s)", self.desc, percent, self.done, self.total, self.unit
            )

    def close(self) -> None:
        """Finish the report (closes the bar)."""
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def track(items: Iterable[T], *, total: int, desc: str, unit: str, enabled: bool) -> Iterator[T]:
    """Yield ``items``, reporting progress (one unit per item)."""
    with Progress(total, desc=desc, unit=unit, enabled=enabled) as report:
        for item in items:
            yield item
            report.update(1)
