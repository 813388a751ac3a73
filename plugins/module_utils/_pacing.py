# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Private to this collection, not a public API: only its own modules import it, and any release
# may change it without notice.
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
  successes (``succeeded()``) bring it back, as in TCP's AIMD: only those of a run that the cut
  slows, and those of a run slower than ``DEFAULT_LIMIT`` up to its own rate. Refusals of requests
  sent within a window after a cut do not cut again: the traffic before the cut may still fill the
  server's window. A cut starts a new epoch: slots reserved at the old pace are reserved again at the new
  one, and the cut moves ``next`` ``limit`` intervals ahead (at most ``DEFAULT_LIMIT``), spending the burst tolerance: the
  first request after a cut waits one interval at the new pace and the rest follow evenly spaced,
  so a cut slows the traffic at once, however many threads wait.

A run whose rate is below the API's limit (``DEFAULT_LIMIT``) also keeps its own pace in memory (the same
spacing and window log at its own rate) and takes a slot of the shared budget only once its own
slot is due, and no shared interval is longer than one guarded window (the shared pace never
drops below ``MIN_RATE``). So a slow run holds at most about one window of the shared schedule,
and a run can never make another wait more than one window at the default rate; a stored state
that would (a schedule more than ``MAX_AHEAD`` ahead, times in the future, a rate outside the
range) reads as a fresh budget.

The state files live in a private per-user directory (``state_dir()``: ``$XDG_RUNTIME_DIR``,
else ``~/.ansible``, then ``tccc-pacing``, mode 0700 and owned by the user), never in the shared
temp directory, where another user could pre-create or link them. A file is opened without
following links, and refused when it is not ours or has a second hard link; files idle for more
than ``STALE_AFTER`` are removed. The state holds only times, the adaptive rate and the epoch;
the file's name is a SHA-256 of the user id and the key, because keys carry the SecretId. When
the state cannot be shared (no ``fcntl`` on Windows, no private directory, a file that is not
ours), pacing falls back to this process alone and ``fallback_reason`` says why.
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
import threading
import time

try:
    import fcntl
except ImportError:  # Windows: no flock, so the budget stays within one process
    fcntl = None

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _workers as stop


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
# The shared pace never goes below this: slower runs keep their own pace in memory, so that no
# shared interval is longer than one guarded window.
MIN_RATE = 1.0
# The range of ``rate``, the module option rate_limit: 0.01/s is one request every 103 s; above
# 20/s is only for endpoints with a higher limit, such as the emulator.
RATE_RANGE = (0.01, 1000.0)
# The burst a cut spends: the API's limit. Bounding it keeps a cut by a run with a high rate from
# pushing the schedule of default runs more than one interval at the cut pace.
DEFAULT_LIMIT = 20
# Additive increase: each success adds RECOVERY * rate / pace, so a second of successful
# traffic regains 20% of the configured rate (18/s is back at 20/s after about half a second).
RECOVERY = 0.2
# A cut older than this, with nobody using the budget since, is forgotten: a refusal seen by an
# earlier task says little about now.
IDLE_RESET = 10.0
# State written more than this far in our future means the wall clock stepped back: start over
# instead of sleeping until the old future arrives.
CLOCK_STEP = 1.0
# Bounds that keep a damaged or hostile state file from costing memory or time. A schedule more
# than MAX_AHEAD ahead is more than a hundred busy forks can queue: it reads as a fresh budget.
LOG_CAP = 1024
MAX_STATE_BYTES = 65536
MAX_AHEAD = 120.0
STATE_VERSION = 1
FILE_PREFIX = "ansible-tccc-rate-"
# State files idle this long are removed when a process first uses their directory.
STALE_AFTER = 3600.0
STATE_DIR_NAME = "tccc-pacing"
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


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

    ``directory`` is an open descriptor of the private state directory; the file is opened
    relative to it, so a directory renamed or replaced meanwhile cannot redirect it. The file is
    rewritten in place: replacing it would leave other processes locking the old inode. A write
    cut short by a crash leaves a damaged file, which reads as a fresh state.
    """

    shared = True

    def __init__(self, directory, name, path):
        self.directory = directory
        self.name = name
        self.path = path

    def transact(self, apply):
        fd = self._open()
        try:
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

    def _open(self):
        """The locked file; opened again when the cleanup of another process removed it meanwhile."""
        for dummy in range(3):
            try:
                fd = os.open(self.name, os.O_RDWR | os.O_CREAT | _O_NOFOLLOW | _O_CLOEXEC, 0o600, dir_fd=self.directory)
            except OSError as err:
                if err.errno == errno.ELOOP:
                    raise StateError("%s is a symlink" % self.path)
                raise StateError("cannot open %s: %s" % (self.path, err.strerror))
            try:
                _check_file(fd, self.path)
                fcntl.flock(fd, fcntl.LOCK_EX)
                if os.fstat(fd).st_nlink:
                    return fd
            except OSError as err:
                os.close(fd)
                raise StateError("cannot use %s: %s" % (self.path, err.strerror))
            except StateError:
                os.close(fd)
                raise
            os.close(fd)
        raise StateError("%s keeps being removed" % self.path)

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


def _check_file(fd, path):
    """Refuse a state file we must not write: not a regular file, not ours, or linked elsewhere."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise StateError("%s is not a regular file" % path)
    if info.st_uid != os.geteuid():
        raise StateError("%s belongs to another user" % path)
    if info.st_nlink > 1:
        # A hard link would make us overwrite whatever file it also names.
        raise StateError("%s has another hard link" % path)
    if stat.S_IMODE(info.st_mode) != 0o600:
        # Ours, but created under an unusual umask (or changed since): a mode without read/write
        # for us would lock us out.
        os.fchmod(fd, 0o600)


def state_dir(env=None, home=None):
    """Candidate private directories for the state files, best first (a list of paths).

    ``$XDG_RUNTIME_DIR`` is the user's own tmpfs (mode 0700, emptied at logout); ``~/.ansible``
    is where Ansible keeps its own per-user files.
    """
    env = os.environ if env is None else env
    candidates = []
    runtime = env.get("XDG_RUNTIME_DIR")
    # sudo may pass on another user's: only one that is ours and private counts.
    if runtime and os.path.isabs(runtime) and _runtime_dir_usable(runtime):
        candidates.append(os.path.join(runtime, STATE_DIR_NAME))
    home = home if home is not None else os.path.expanduser("~")
    if home and os.path.isabs(home):
        candidates.append(os.path.join(home, ".ansible", STATE_DIR_NAME))
    return candidates


def open_private_dir(path, create=False):
    """An open descriptor of directory ``path``, checked to be ours and closed to others.

    ``create``: make it (and its parent) with mode 0700 when missing, and tighten it when it is
    ours but open to others. A directory given by the caller must already be ours and not
    writable by others. Raises StateError naming the problem (the path holds no secret).
    """
    if create:
        for directory in (os.path.dirname(path), path):
            try:
                os.mkdir(directory, 0o700)
            except FileExistsError:
                pass
            except OSError as err:
                raise StateError("cannot create %s: %s" % (directory, err.strerror))
    try:
        fd = os.open(path, os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | _O_CLOEXEC)
    except OSError as err:
        raise StateError("cannot open the directory %s: %s" % (path, err.strerror or err))
    try:
        info = os.fstat(fd)
        if not stat.S_ISDIR(info.st_mode):
            raise StateError("%s is not a directory" % path)
        if info.st_uid != os.geteuid():
            raise StateError("the directory %s belongs to another user" % path)
        if stat.S_IMODE(info.st_mode) & 0o077:
            if not create and stat.S_IMODE(info.st_mode) & 0o022:
                raise StateError("other users can write to the directory %s" % path)
            if create:
                os.fchmod(fd, 0o700)
    except (OSError, StateError) as err:
        os.close(fd)
        if isinstance(err, StateError):
            raise
        raise StateError("cannot use the directory %s: %s" % (path, err.strerror))
    return fd


def _runtime_dir_usable(path):
    """Whether ``$XDG_RUNTIME_DIR`` is what the XDG spec promises: ours, mode 0700."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not stat.S_IMODE(info.st_mode) & 0o077


# The private state directories this process opened, by path, each as an open descriptor: a
# directory is created, checked and rid of stale files once, and its descriptor serves every limiter
# of the process (one per action and account) until the process ends.
_DIRS = {}
_DIRS_LOCK = threading.Lock()


def remove_stale_files(directory, now=None, stale_after=STALE_AFTER):
    """Remove state files idle for ``stale_after`` seconds from the open directory ``directory``.

    A file in use is skipped (its lock is held, or it was written since); a process that opened a
    file just before it was removed notices the removal under its lock and opens the new one.
    Returns the number removed.
    """
    now = time.time() if now is None else now
    removed = 0
    try:
        names = [name for name in os.listdir(directory) if name.startswith(FILE_PREFIX)]
    except OSError:
        return 0
    for name in names:
        try:
            fd = os.open(name, os.O_RDWR | _O_NOFOLLOW | _O_CLOEXEC, dir_fd=directory)
        except OSError:
            continue
        try:
            info = os.fstat(fd)
            if info.st_uid != os.geteuid() or info.st_mtime > now - stale_after:
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.stat(name, dir_fd=directory, follow_symlinks=False).st_ino == info.st_ino:
                os.unlink(name, dir_fd=directory)
                removed += 1
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def state_file_name(key, uid=None):
    """The state file's name for ``key``: a digest, since the key carries the SecretId."""
    if uid is None:
        uid = os.geteuid() if hasattr(os, "geteuid") else 0
    if not isinstance(key, bytes):
        key = key.encode("utf-8", "surrogatepass")
    digest = hashlib.sha256(b"tencentcloud.tccc ratelimit\0" + str(uid).encode("ascii") + b"\0" + key).hexdigest()
    return "%s%s.json" % (FILE_PREFIX, digest)


def _window_wait(log, now, limit):
    """None when fewer than ``limit`` releases of ``log`` are within the guarded window, else when one leaves it."""
    window = WINDOW * (1.0 + GUARD)
    log[:] = [value for value in log if value + window > now]
    if len(log) >= limit:
        return log[-limit] + window
    return None


def _reserve(state, now, interval, limit):
    """GCRA with a tolerance of limit - 1 intervals: an idle budget starts with a burst of up to
    ``limit`` requests, which the window log caps, instead of ramping up one interval at a time
    (that ramp cost 0.95 s of every N/20 s read). Returns the reserved slot."""
    due = max(now, state.next_slot)
    slot = max(now, due - (limit - 1) * interval)
    state.next_slot = due + interval
    return slot


class RateLimiter:
    """Paces calls to ``rate`` per second across the threads and processes that share ``key``.

    ``rate``: requests per second (float) within RATE_RANGE; 0 or None turns pacing off. ``key``:
    what shares one budget, e.g. ``"<secret_id>|<host>|<action>"``; only its digest is stored.
    ``state_dir``: a private directory for the shared state (default: the first usable of
    ``state_dir()``). ``shared=False`` paces within this process only. ``clock`` (wall-clock
    seconds, the same in every process) and ``sleep`` are injectable for tests; ``sleep`` may
    raise to abandon a wait (a stop request), which leaves the budget consistent.

    Call ``acquire()`` before each request (retries included), then, from the same thread,
    ``throttled()`` when the service answered RequestLimitExceeded or ``succeeded()`` when it
    accepted the request. ``shared`` and ``fallback_reason`` tell whether the budget is shared.
    """

    def __init__(self, rate=20.0, key="", state_dir=None, shared=True, clock=time.time, sleep=stop.sleep, env=None, home=None):
        if rate is None:
            rate = 0.0
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or rate < 0 \
                or (rate and not RATE_RANGE[0] <= rate <= RATE_RANGE[1]):
            raise ValueError("rate must be 0 (off) or from %g to %g requests per second, got %r" % (RATE_RANGE + (rate,)))
        self.rate = float(rate)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._local = threading.local()
        self._last_state = None
        self._pending = None
        self._cut_seen = False
        # This run's own pace, kept in memory when it is below what the shared budget allows.
        self._own = _State() if self.rate and self.limit < DEFAULT_LIMIT else None
        self.fallback_reason = None
        self.path = None
        self._store = _MemoryStore()
        if not self.rate or not shared:
            return
        if fcntl is None:
            self.fallback_reason = "no fcntl on this platform: pacing within this process only"
            return
        try:
            directory, path = self._open_state_dir(state_dir, env, home)
        except StateError as err:
            self.fallback_reason = "%s: pacing within this process only" % err
            return
        name = state_file_name(key)
        self.path = os.path.join(path, name)
        self._store = _FileStore(directory, name, self.path)

    @staticmethod
    def _open_state_dir(given, env, home):
        candidates = [given] if given is not None else state_dir(env, home)
        if not candidates:
            raise StateError("no private directory for the pacing state (no XDG_RUNTIME_DIR, no home directory)")
        problems = []
        for path in candidates:
            with _DIRS_LOCK:
                directory = _DIRS.get(path)
                if directory is None:
                    try:
                        directory = open_private_dir(path, create=given is None)
                    except StateError as err:
                        problems.append(str(err))
                        continue
                    remove_stale_files(directory)
                    _DIRS[path] = directory
            return directory, path
        raise StateError("; ".join(problems))

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

    def _interval(self, state):
        """The shared schedule's step: never more than one guarded window (see MIN_RATE)."""
        return (1.0 + GUARD) / max(self._pace(state), MIN_RATE)

    def _step(self, state, now, held):
        """Reserve this run's own slot, then (once it is due) a shared one of this epoch; release
        when both are due and both window logs allow.

        ``held`` is [own slot, shared slot or None, its epoch]. Returns (released, held, until):
        until is when to look again.
        """
        own = self._own
        if held is None:
            held = [_reserve(own, now, (1.0 + GUARD) / self.rate, self.limit) if own is not None else now, None, None]
        if held[0] > now:
            return False, held, held[0]
        own_wait = _window_wait(own.log, now, self.limit) if own is not None else None
        if own_wait is not None:
            return False, held, own_wait
        if held[1] is None or held[2] != state.epoch:
            held = [held[0], _reserve(state, now, self._interval(state), self.limit), state.epoch]
        if held[1] > now:
            return False, held, held[1]
        shared_wait = _window_wait(state.log, now, self.limit)
        if shared_wait is not None:
            return False, held, shared_wait
        bisect.insort(state.log, now)
        del state.log[:-LOG_CAP]
        if own is not None:
            bisect.insort(own.log, now)
        return True, held, now

    def _cut(self, state, now, released):
        if (now if released is None else released) < state.cut_at + WINDOW:
            return
        state.cut_at = now
        state.cut_rate = max(MIN_RATE, DECREASE * self._pace(state))
        state.epoch += 1
        # Spend the burst tolerance: the next request goes one interval at the new pace after the
        # cut, and the ones after it evenly spaced at that pace, so the cut slows the traffic at
        # once instead of leaving the window log alone to govern until the schedule runs ahead.
        state.next_slot = now + min(self.limit, DEFAULT_LIMIT) * (1.0 + GUARD) / state.cut_rate

    def _recover(self, state, now, released):
        # Only a run that the cut slows shows with its successes that a faster pace is accepted, and
        # only up to its own rate: a slower run's successes say nothing of the pace of the others, so
        # it neither recovers a cut that does not slow it nor clears one it has recovered to its own rate.
        if state.cut_rate is None or released < state.cut_at or self.rate <= state.cut_rate:
            return
        state.cut_rate += RECOVERY * self.rate / self._pace(state)
        if state.cut_rate >= self.rate:
            state.cut_rate = None if self.rate >= DEFAULT_LIMIT else self.rate

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
        if _absurd(state, now):
            # A clock stepped back, a hand edit or an old bug: start over rather than sleep on it.
            state.reset()
        elif state.cut_rate is not None and now - state.updated > IDLE_RESET:
            state.cut_rate = None
        result = fn(state, now, *args)
        state.updated = max(state.updated, now)
        self._pending = state
        self._cut_seen = state.cut_rate is not None
        return result


def _absurd(state, now):
    """Whether a stored state cannot come from a working pacer at time ``now``."""
    future = now + CLOCK_STEP
    return (state.updated > future or state.cut_at > future or state.next_slot > now + MAX_AHEAD
            or (state.log and state.log[-1] > future)
            or (state.cut_rate is not None and not MIN_RATE <= state.cut_rate <= RATE_RANGE[1]))
