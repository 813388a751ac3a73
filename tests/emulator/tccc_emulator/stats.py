"""Counters behind GET /_emulator/stats: per action, per answer code, throttling and injected faults."""

import threading

FAULT_KINDS = ('latency', 'throttle', 'html_502', 'drop', 'truncate')


class Stats:

    def __init__(self):
        self._lock = threading.Lock()
        self._reset()

    def _reset(self):
        self.requests = 0
        self.throttled = 0
        self.actions = {}
        self.codes = {}
        self.faults = dict.fromkeys(FAULT_KINDS, 0)

    def reset(self):
        with self._lock:
            self._reset()

    def record(self, action, code):
        """One answered (or deliberately unanswered) request; `code` is what the client was given."""
        with self._lock:
            self.requests += 1
            per_action = self.actions.setdefault(action, {'requests': 0, 'codes': {}})
            per_action['requests'] += 1
            per_action['codes'][code] = per_action['codes'].get(code, 0) + 1
            self.codes[code] = self.codes.get(code, 0) + 1
            if code == 'RequestLimitExceeded':
                self.throttled += 1

    def fault(self, kind):
        with self._lock:
            self.faults[kind] += 1

    def snapshot(self):
        with self._lock:
            return {
                'requests': self.requests,
                'throttled': self.throttled,
                'faults_injected': sum(count for kind, count in self.faults.items() if kind != 'latency'),
                'faults': dict(self.faults),
                'codes': dict(self.codes),
                'actions': {name: {'requests': entry['requests'], 'codes': dict(entry['codes'])}
                            for name, entry in self.actions.items()},
            }
