"""The per-action, per-account frequency limit of the real API: at most `limit` accepted requests inside
any `window` seconds (a sliding window, not fixed one-second buckets)."""

import collections
import threading
import time


class SlidingWindowLimiter:
    """`allow(key)` is False for the (limit+1)-th request inside any window; refused requests do not count."""

    def __init__(self, limit, window=1.0, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._accepted = collections.defaultdict(collections.deque)

    @property
    def enabled(self):
        return self.limit > 0

    def allow(self, key):
        if not self.enabled:
            return True
        with self._lock:
            now = self._clock()
            accepted = self._accepted[key]
            while accepted and now - accepted[0] >= self.window:
                accepted.popleft()
            if len(accepted) >= self.limit:
                return False
            accepted.append(now)
            return True
