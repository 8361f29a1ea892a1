"""Per-user sliding-window rate limit: at most ``limit`` questions in any ``window`` seconds."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable


class RateLimiter:
    def __init__(self, limit: int, window: float = 60.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[Hashable, deque[float]] = {}

    def check(self, key: Hashable) -> float:
        """0.0 if ``key`` may go ahead (the attempt is then counted); otherwise the seconds to wait.

        A refused attempt is not counted, so insisting does not push the wait further away.
        """
        now = self._clock()
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return hits[0] + self.window - now
        hits.append(now)
        self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        """Drop people whose last question left the window, so memory follows active users only."""
        if len(self._hits) > 1000:
            for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - self.window]:
                del self._hits[key]
