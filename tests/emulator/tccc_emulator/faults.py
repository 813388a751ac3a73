"""Fault injection for API requests. One seeded generator draws, in arrival order, one number per eligible
request, so a run of sequential requests gets the same faults for the same --seed."""

import random
import threading
from collections import namedtuple

Decision = namedtuple('Decision', 'kind delay')  # kind: None, 'throttle', 'html_502', 'drop' or 'truncate'

KINDS = ('drop', 'html_502', 'truncate', 'throttle')
METADATA = 'metadata'
NO_FAULT = Decision(None, 0.0)


class FaultPlan:
    """`rates` maps each kind to its share of eligible requests; the shares are disjoint and sum to <= 1."""

    def __init__(self, seed, rates, latency_ms=0.0, jitter_ms=0.0, actions=None):
        self.rates = dict((kind, float(rates.get(kind, 0.0))) for kind in KINDS)
        if sum(self.rates.values()) > 1.0 + 1e-9:
            raise ValueError('the fault rates add up to more than 1')
        self.latency = latency_ms / 1000.0
        self.jitter = jitter_ms / 1000.0
        self.actions = frozenset(actions) if actions else None
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    @property
    def active(self):
        return self.latency > 0 or self.jitter > 0 or any(self.rates.values())

    def eligible(self, action):
        """API actions by default; metadata reads only when --fault-actions names `metadata`."""
        if self.actions is None:
            return action != METADATA
        return action in self.actions

    def decide(self, action):
        if not self.active or not self.eligible(action):
            return NO_FAULT
        with self._lock:
            draw = self._rng.random()
            delay = self.latency + (self._rng.uniform(0.0, self.jitter) if self.jitter > 0 else 0.0)
        threshold = 0.0
        for kind in KINDS:
            threshold += self.rates[kind]
            if draw < threshold:
                return Decision(kind, delay)
        return Decision(None, delay)
