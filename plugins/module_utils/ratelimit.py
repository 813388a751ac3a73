# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Request pacing under the service's limit of 20 requests per second per action and account.

Every thread and every process on this machine that uses the same key draws from one budget:
Ansible runs a task in up to ``forks`` processes with the same account, and each of them reads
concurrently. Three mechanisms, all under one lock (a ``threading.Lock`` plus ``fcntl.flock``
on a small state file when the budget is shared across processes):

* Spacing (GCRA with a tolerance of ``limit - 1`` intervals, ``limit`` being ``floor(rate)``
  and an interval ``(1 + GUARD) / pace``): each caller reserves the slot
  ``max(now, next - (limit - 1) * interval)``, moves ``next`` to ``max(now, next) + interval``
  and sleeps until its slot outside the lock. An idle budget thus releases a burst of up to
  ``limit`` requests at once instead of ramping up one interval at a time, a ramp that cost
  almost a second of every read; sustained traffic averages one request per interval.
* A window log: the release times of the last requests. A caller is released only while fewer
  than ``limit`` were released in the last window plus the guard (1.03 s), so requests i and
  i + limit are always that far apart. This, not the spacing, holds the service's limit: after a
  burst the next one waits until the burst leaves the window, which makes back-to-back traffic
  bursts of ``limit`` one guarded window apart; it also keeps the limit when a thread wakes late
  from its sleep and would otherwise crowd the one after it.
* Adaptation: the service's ``RequestLimitExceeded`` (``throttled()``) cuts the shared rate,
  successes (``succeeded()``) bring it back, as in TCP's AIMD. Refusals of requests sent within
  a window after a cut do not cut again: the traffic before the cut may still fill the server's
  window. A cut starts a new epoch: slots reserved at the old pace are reserved again at the new
  one, and the cut moves ``next`` ``limit`` intervals ahead, spending the burst tolerance: the
  first request after a cut waits one interval at the new pace and the rest follow evenly spaced,
  so a cut slows the traffic at once, however many threads wait.

The state file holds only times, the adaptive rate and the epoch. Its name is a SHA-256 of the
user id and the key, because keys carry the SecretId. When it cannot be used (no ``fcntl`` on
Windows, an unwritable directory, a file owned by someone else, a symlink), pacing falls back to
this process alone and ``fallback_reason`` says why.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import bisect
import errno
import hashlib
import json
import math
import os
import stat
import tempfile
import threading
import time

try:
    import fcntl
except ImportError:  # Windows: no flock, so the budget stays within one process
    fcntl = None

# The service counts requests in a sliding one-second window; the 21st within it is refused.
WINDOW = 1.0
# Slack on every interval and on the window log, for the jitter between our release times and
# the server's arrival times: 3% is 30 ms per window at 20/s and costs 3% of throughput (the
# target is 10% above the floor N/20 s). A simulation with 200 ms latency gave no refusals up
# to 30 ms of jitter with 3% (with 2%, refusals from 30 ms on, each costing far more than 1%).
GUARD = 0.03
# Multiplicative decrease, at most once per window: 20/s drops to 18/s. A lone refusal is more
# often jitter than a competitor, and every cut costs throughput until it is recovered; a real
# competitor gets one cut per window until the refusals stop.
DECREASE = 0.9
# The adaptive rate never goes below this (or below the configured rate, if that is lower).
MIN_RATE = 1.0
# Additive increase: each success adds RECOVERY * rate / pace, so a second of successful
# traffic regains 20% of the configured rate (18/s is back at 20/s after about half a second).
RECOVERY = 0.2
# A cut older than this, with nobody using the budget since, is forgotten: a refusal seen by an
# earlier task says little about now.
IDLE_RESET = 10.0
# State written more than this far in our future means the wall clock stepped back: start over
# instead of sleeping until the old future arrives.
CLOCK_STEP = 1.0
# Bounds that keep a damaged or hostile state file from costing memory or time.
LOG_CAP = 1024
MAX_STATE_BYTES = 65536
STATE_VERSION = 1
FILE_PREFIX = "ansible-tccc-rate-"


class StateError(Exception):
    """The shared state file cannot be used; the limiter then paces within its process."""


class _State:
    """Pacing state: next free slot, window log, adaptive rate (None = none), epoch, last write."""

    __slots__ = ("next_slot", "log", "cut_rate", "cut_at", "epoch", "updated")

    def __init__(self, epoch=0):
        self.next_slot = 0.0
        self.log = []
        self.cut_rate = None
        self.cut_at = 0.0
        self.epoch = epoch
        self.updated = 0.0

    def reset(self):
        """Forget everything but start a new epoch, so slots reserved before are reserved again."""
        self.__init__(self.epoch + 1)  # pylint: disable=unnecessary-dunder-call

    def dump(self):
        return json.dumps({"v": STATE_VERSION, "next": self.next_slot, "log": self.log, "rate": self.cut_rate,
                           "cut_at": self.cut_at, "epoch": self.epoch, "updated": self.updated}, separators=(",", ":"))

    @classmethod
    def parse(cls, text):
        """The state in ``text``, or a fresh one when it is empty, damaged or of another version."""
        try:
            data = json.loads(text)
        except ValueError:
            return cls()
        if not isinstance(data, dict) or data.get("v") != STATE_VERSION:
            return cls()
        epoch = data.get("epoch")
        log = data.get("log")
        rate = data.get("rate")
        if not (isinstance(epoch, int) and not isinstance(epoch, bool) and epoch >= 0):
            return cls()
        if not (isinstance(log, list) and len(log) <= LOG_CAP and all(_is_time(value) for value in log)):
            return cls()
        if not all(_is_time(data.get(name)) for name in ("next", "cut_at", "updated")):
            return cls()
        if rate is not None and not (_is_time(rate) and rate > 0):
            return cls()
        state = cls(epoch)
        state.next_slot = float(data["next"])
        state.log = sorted(float(value) for value in log)
        state.cut_rate = None if rate is None else float(rate)
        state.cut_at = float(data["cut_at"])
        state.updated = float(data["updated"])
        return state


def _is_time(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class _MemoryStore:
    """State kept in this process only."""

    shared = False

    def __init__(self, state=None):
        self.state = state if state is not None else _State()

    def transact(self, apply):
        return apply(self.state)


class _FileStore:
    """State in a file shared by every process of this user on this machine, under flock.

    The file is rewritten in place: replacing it would leave other processes locking the old
    inode. A write cut short by a crash leaves a damaged file, which reads as a fresh state.
    """

    shared = True

    def __init__(self, path):
        self.path = path

    def transact(self, apply):
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as err:
            if err.errno == errno.ELOOP:
                raise StateError("%s is a symlink" % self.path)
            raise StateError("cannot open %s: %s" % (self.path, err.strerror))
        try:
            self._check_owner(fd)
            fcntl.flock(fd, fcntl.LOCK_EX)
            state = _State.parse(self._read(fd))
            result = apply(state)
            data = state.dump().encode("ascii")
            os.lseek(fd, 0, os.SEEK_SET)
            written = 0
            while written < len(data):
                written += os.write(fd, data[written:])
            os.ftruncate(fd, len(data))
            return result
        except OSError as err:
            raise StateError("cannot use %s: %s" % (self.path, err.strerror))
        finally:
            os.close(fd)

    def _check_owner(self, fd):
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise StateError("%s is not a regular file" % self.path)
        if info.st_uid != os.geteuid():
            raise StateError("%s belongs to another user" % self.path)
        if stat.S_IMODE(info.st_mode) != 0o600:
            # Ours, but created under an unusual umask (or changed since): others in the group
            # could rewrite the pace, and a mode without read/write for us would lock us out.
            os.fchmod(fd, 0o600)

    @staticmethod
    def _read(fd):
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, 8192)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_STATE_BYTES:
                return ""
            chunks.append(chunk)
        return b"".join(chunks).decode("ascii", "replace")


def state_file_name(key, uid=None):
    """The state file's name for ``key``: a digest, since the key carries the SecretId."""
    if uid is None:
        uid = os.geteuid() if hasattr(os, "geteuid") else 0
    if not isinstance(key, bytes):
        key = key.encode("utf-8", "surrogatepass")
    digest = hashlib.sha256(b"tencentcloud.tccc ratelimit\0" + str(uid).encode("ascii") + b"\0" + key).hexdigest()
    return "%s%s.json" % (FILE_PREFIX, digest)


class RateLimiter:
    """Paces calls to ``rate`` per second across the threads and processes that share ``key``.

    ``rate``: requests per second (float); 0 or None turns pacing off. ``key``: what shares one
    budget, e.g. ``"<secret_id>|<host>|<action>"``; only its digest is stored. ``state_dir``:
    where the shared state lives (default: the temp directory). ``shared=False`` paces within
    this process only. ``clock`` (wall-clock seconds, the same in every process) and ``sleep``
    are injectable for tests.

    Call ``acquire()`` before each request (retries included), then, from the same thread,
    ``throttled()`` when the service answered RequestLimitExceeded or ``succeeded()`` when it
    accepted the request. ``shared`` and ``fallback_reason`` tell whether the budget is shared.
    """

    def __init__(self, rate=20.0, key="", state_dir=None, shared=True, clock=time.time, sleep=time.sleep):
        if rate is None:
            rate = 0.0
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or rate < 0:
            raise ValueError("rate must be a finite number of requests per second, at least 0, got %r" % (rate,))
        self.rate = float(rate)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._local = threading.local()
        self._last_state = None
        self._pending = None
        self._cut_seen = False
        self.fallback_reason = None
        self.path = None
        self._store = _MemoryStore()
        if not self.rate or not shared:
            return
        if fcntl is None:
            self.fallback_reason = "no fcntl on this platform: pacing within this process only"
            return
        self.path = os.path.join(state_dir if state_dir is not None else tempfile.gettempdir(), state_file_name(key))
        self._store = _FileStore(self.path)

    @property
    def shared(self):
        """Whether the budget is currently shared with other processes through the state file."""
        return self._store.shared

    @property
    def limit(self):
        """Most requests allowed to start within one window (at least 1)."""
        return max(1, int(math.floor(self.rate * WINDOW + 1e-9)))

    def acquire(self):
        """Block until this caller may send a request; return the seconds it waited."""
        if not self.rate:
            return 0.0
        start = self._clock()
        held = None
        while True:
            released, held, until = self._transact(self._step, held)
            if released:
                break
            delay = until - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._local.released = until
        return max(0.0, self._clock() - start)

    def throttled(self):
        """The service refused this thread's last request as over the limit: slow everyone down.

        One cut per window: requests sent within a window after a cut may still be refused for
        the traffic before it, so their refusals are its echo, not news.
        """
        if self.rate:
            self._transact(self._cut, getattr(self._local, "released", None))

    def succeeded(self):
        """The service accepted this thread's last request: recover toward the configured rate."""
        released = getattr(self._local, "released", None)
        if self.rate and released is not None and self._cut_seen:
            self._transact(self._recover, released)

    def current_rate(self):
        """The pace in requests per second that the next reservation gets."""
        if not self.rate:
            return 0.0
        return self._transact(lambda state, now: self._pace(state))

    def _pace(self, state):
        return self.rate if state.cut_rate is None else min(self.rate, state.cut_rate)

    def _step(self, state, now, held):
        """Reserve a slot unless ``held`` is one of this epoch; release it when due and the window allows.

        Returns (released, held, until): until is when to look again.
        """
        if held is None or held[1] != state.epoch:
            # GCRA with a tolerance of limit - 1 intervals: an idle budget starts with a burst of up
            # to ``limit`` requests, which the window log below caps, instead of ramping up one
            # interval at a time (that ramp cost 0.95 s of every N/20 s read).
            interval = (1.0 + GUARD) / self._pace(state)
            due = max(now, state.next_slot)
            slot = max(now, due - (self.limit - 1) * interval)
            state.next_slot = due + interval
            held = (slot, state.epoch)
        if held[0] > now:
            return False, held, held[0]
        window = WINDOW * (1.0 + GUARD)
        state.log = [value for value in state.log if value + window > now]
        if len(state.log) >= self.limit:
            return False, held, state.log[-self.limit] + window
        bisect.insort(state.log, now)
        del state.log[:-LOG_CAP]
        return True, held, now

    def _cut(self, state, now, released):
        if (now if released is None else released) < state.cut_at + WINDOW:
            return
        state.cut_at = now
        state.cut_rate = max(min(self.rate, MIN_RATE), DECREASE * self._pace(state))
        state.epoch += 1
        # Spend the burst tolerance: the next request goes one interval at the new pace after the
        # cut, and the ones after it evenly spaced at that pace, so the cut slows the traffic at
        # once instead of leaving the window log alone to govern until the schedule runs ahead.
        state.next_slot = now + self.limit * (1.0 + GUARD) / state.cut_rate

    def _recover(self, state, now, released):
        if state.cut_rate is None or released < state.cut_at:
            return
        state.cut_rate += RECOVERY * self.rate / self._pace(state)
        if state.cut_rate >= self.rate:
            state.cut_rate = None

    def _transact(self, fn, *args):
        with self._lock:
            try:
                result = self._store.transact(lambda state: self._apply(state, fn, args))
            except StateError as err:
                # Carry on from the last state that was written, so this process keeps its pace.
                self.fallback_reason = "%s: pacing within this process only" % err
                self._store = _MemoryStore(self._last_state)
                result = self._store.transact(lambda state: self._apply(state, fn, args))
            self._last_state = self._pending
            return result

    def _apply(self, state, fn, args):
        now = self._clock()
        if state.updated > now + CLOCK_STEP:
            state.reset()
        elif state.cut_rate is not None and now - state.updated > IDLE_RESET:
            state.cut_rate = None
        result = fn(state, now, *args)
        state.updated = max(state.updated, now)
        self._pending = state
        self._cut_seen = state.cut_rate is not None
        return result
