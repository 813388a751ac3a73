# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Private to this collection, not a public API: only its own modules import it, and any release
# may change it without notice.
"""Pacing under the service's limit of 20 requests per second per action and account.

The service refuses the 21st request within any sliding second. Every thread and process of the
user that uses one key shares a log in a ``flock``ed file: the times of the requests of the last
guarded window, and a "pause until" that a refusal sets. A request goes when fewer than the limit
are in the window and no pause runs; its entry moves later once its answer shows that it left
late (``succeeded()``). A run slower than the API's limit also keeps its own log in memory. No
stored time is more than one guarded window ahead, so no run makes another wait longer; a file
that says otherwise reads as empty.

The file lives in a private directory of the user (``state_dir()``), is opened without following
links and used only when it is a regular file of the user with one link; its name is a digest,
since the key holds the SecretId. When it cannot be used, or its lock stays held for a window,
pacing stays within the process and ``fallback_reason`` says why.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import bisect
import hashlib
import json
import math
import os
import stat
import threading
import time

try:
    import fcntl
except ImportError:  # Windows: no flock, so pacing stays within the process
    fcntl = None

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _workers as stop

WINDOW = 1.0
API_LIMIT = 20
# Slack on the window for the jitter between our send times and the server's arrival times.
GUARD = 0.03
SPAN = WINDOW * (1.0 + GUARD)
# How far an answered request's entry may move: what a loaded machine adds before a request leaves,
# not what a slow server adds after it arrived.
MAX_LATE = 0.25
# The option rate_limit: 0.01/s is a request every 103 s; above 20/s for endpoints with a higher limit.
RATE_RANGE = (0.01, 1000.0)
LOG_CAP = 1024
MAX_BYTES = 65536
STALE_AFTER = 3600.0
FILE_PREFIX = "ansible-tccc-rate-"
STATE_DIR_NAME = "tccc-pacing"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_DIRS = {}  # private directories by path, each opened, checked and rid of stale files once a process
_DIRS_LOCK = threading.Lock()


class StateError(Exception):
    """The shared file cannot be used (the message names paths, never the key)."""


def state_dir(env=None, home=None):
    """Candidate directories, best first: ``$XDG_RUNTIME_DIR`` when it is the user's and 0700 (sudo
    may pass on another user's), then ``~/.ansible``, where Ansible keeps its own files."""
    env, home = os.environ if env is None else env, os.path.expanduser("~") if home is None else home
    runtime, found = env.get("XDG_RUNTIME_DIR"), []
    try:
        info = os.stat(runtime) if runtime and os.path.isabs(runtime) else None
    except OSError:
        info = None
    if info and stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o077:
        found.append(os.path.join(runtime, STATE_DIR_NAME))
    return found + ([os.path.join(home, ".ansible", STATE_DIR_NAME)] if home and os.path.isabs(home) else [])


def open_private_dir(path, create=False):
    """A descriptor of directory ``path``, the user's and closed to others. ``create`` makes it and its
    parent 0700 and closes it; a directory the caller names must not be writable by others."""
    for directory in (os.path.dirname(path), path) if create else ():
        try:
            os.mkdir(directory, 0o700)
        except FileExistsError:
            pass
        except OSError as err:
            raise StateError("cannot create %s: %s" % (directory, err.strerror))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW)
    except OSError as err:
        raise StateError("cannot open the directory %s: %s" % (path, err.strerror))
    info = os.fstat(fd)
    problem = "belongs to another user" if info.st_uid != os.geteuid() else "is writable by other users" if info.st_mode & 0o022 else None
    if info.st_uid == os.geteuid() and create and info.st_mode & 0o077:
        os.fchmod(fd, 0o700)
    elif problem:
        os.close(fd)
        raise StateError("the directory %s %s" % (path, problem))
    return fd


def remove_stale_files(directory, now=None):
    """Remove the state files idle for STALE_AFTER whose lock nobody holds; return how many."""
    removed, now = 0, time.time() if now is None else now
    for name in [name for name in os.listdir(directory) if name.startswith(FILE_PREFIX)]:
        try:
            fd = os.open(name, os.O_RDWR | _NOFOLLOW, dir_fd=directory)
        except OSError:
            continue
        try:
            info = os.fstat(fd)
            if info.st_uid == os.geteuid() and info.st_mtime < now - STALE_AFTER:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.unlink(name, dir_fd=directory)
                removed += 1
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def state_file_name(key, uid=None):
    key = key if isinstance(key, bytes) else key.encode("utf-8", "surrogatepass")
    uid = os.geteuid() if uid is None else uid
    return FILE_PREFIX + hashlib.sha256(b"tencentcloud.tccc ratelimit\0%d\0" % uid + key).hexdigest() + ".json"


def _parse(raw, now):
    """The stored log and pause; empty when the file is damaged or holds a time more than a window ahead."""
    try:
        data = json.loads(raw.decode("ascii"))
        log, pause = sorted(float(t) for t in data["log"][-LOG_CAP:]), float(data["pause"])
        if all(math.isfinite(t) and t <= now + SPAN for t in log + [pause]) and len(raw) <= MAX_BYTES:
            return {"log": log, "pause": pause}
    except (ValueError, TypeError, KeyError, AttributeError):
        pass
    return {"log": [], "pause": 0.0}


class RateLimiter:
    """Paces calls to ``rate`` per second (within RATE_RANGE; 0 or None: no pacing) across the
    threads and processes of the user that share ``key`` ("<secret_id>|<host>|<service>|<action>").

    Call ``acquire()`` before each request, then, from the same thread, ``throttled()`` when the
    service answered RequestLimitExceeded or ``succeeded()`` when it accepted the request.
    ``state_dir`` (default: the first usable of ``state_dir()``) and ``shared=False`` are for tests,
    as are ``clock`` (wall time, the same in every process) and ``sleep`` (may raise to end a wait).
    """

    def __init__(self, rate=20.0, key="", state_dir=None, shared=True, clock=time.time, sleep=stop.sleep, env=None, home=None):
        rate = rate or 0.0
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate and not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
            raise ValueError("rate must be 0 (off) or from %g to %g requests per second, got %r" % (RATE_RANGE + (rate,)))
        self.rate, self._clock, self._sleep = float(rate), clock, sleep
        self.limit = max(1, int(math.floor(rate * WINDOW + 1e-9)))
        # A slow run's own pace: at most ``limit`` requests within a guarded window or limit / rate.
        self._own = [] if self.limit < API_LIMIT else None
        self._own_span = max(WINDOW, self.limit / rate if rate else 0.0) * (1.0 + GUARD)
        self._memory, self._lock, self._local = {"log": [], "pause": 0.0}, threading.Lock(), threading.local()
        self._fastest = None  # the run's quickest round trip: the time a request takes when it leaves at once
        self.fallback_reason = self.path = self._dir = None
        if self.rate and shared:
            try:
                if fcntl is None:
                    raise StateError("no fcntl on this platform")
                self._dir, directory = self._open_dir(state_dir, env, home)
                self.path = os.path.join(directory, state_file_name(key))
            except StateError as err:
                self._fall_back(err)

    @staticmethod
    def _open_dir(given, env, home):
        problems = []
        for path in [given] if given is not None else state_dir(env, home):
            with _DIRS_LOCK:
                if path not in _DIRS:
                    try:
                        _DIRS[path] = open_private_dir(path, create=given is None)
                    except StateError as err:
                        problems.append(str(err))
                        continue
                    remove_stale_files(_DIRS[path])
                return _DIRS[path], path
        raise StateError("; ".join(problems) or "no private directory (no XDG_RUNTIME_DIR, no home directory)")

    @property
    def shared(self):
        return self._dir is not None

    def acquire(self):
        """Block until this thread may send; return the seconds waited."""
        if not self.rate:
            return 0.0
        start = self._clock()
        while True:
            wait = self._transact(self._release)
            if wait <= 0:
                return self._clock() - start
            self._sleep(wait)

    def _release(self, state, now):
        logs = [(state["log"], max(self.limit, API_LIMIT), SPAN)] + ([(self._own, self.limit, self._own_span)] if self._own is not None else [])
        wait = state["pause"] - now
        for log, limit, span in logs:
            log[:] = [t for t in log if t > now - span]
            if len(log) >= limit:
                wait = max(wait, log[-limit] + span - now)
        if wait > 0:
            return wait
        for log, dummy, dummy in logs:
            bisect.insort(log, now)
        self._local.released = now
        return 0.0

    def throttled(self):
        """The service refused this thread's last request as over the limit: every run on the key
        pauses a guarded window, unless the request left before the pause in force began (its
        refusal is then an echo of the traffic that pause answered)."""
        released = getattr(self._local, "released", None)
        if self.rate and released is not None:
            self._transact(lambda state, now: state.update(pause=now + SPAN) if released >= state["pause"] - SPAN else None)

    def succeeded(self):
        """The service accepted this thread's last request. Its round trip beyond the run's quickest
        was spent, at most, before it left (on a loaded machine, threads released together wait for
        the CPU): its entry moves that much later, up to MAX_LATE, so the window that holds here
        holds where the server counts."""
        released, self._local.released = getattr(self._local, "released", None), None
        if self.rate and released is not None:
            self._transact(lambda state, now: self._move(state, now, released))

    def _move(self, state, now, released):
        self._fastest = min(self._fastest or now - released, now - released)
        left = min(now - self._fastest, released + MAX_LATE)
        for log in [state["log"]] + ([self._own] if self._own is not None else []):
            index = bisect.bisect_left(log, released)
            if left > released and index < len(log) and log[index] == released:
                del log[index]
                bisect.insort(log, left)

    def _transact(self, apply):
        with self._lock:
            if self._dir is not None:
                try:
                    return self._file_transact(apply)
                except (OSError, StateError) as err:
                    self._fall_back(err)
            return apply(self._memory, self._clock())

    def _fall_back(self, err):
        self._dir = None
        self.fallback_reason = "%s: pacing within this process only" % (err.strerror or err if isinstance(err, OSError) else err)

    def _file_transact(self, apply):
        fd = self._open_locked()
        try:
            now = self._clock()  # read under the lock: a time read before it waited would log the past
            state = _parse(os.read(fd, MAX_BYTES + 1), now)
            result = apply(state, now)
            self._memory = state  # what this process carries on from, should the file fail later
            data = json.dumps({"log": state["log"][-LOG_CAP:], "pause": state["pause"]}).encode("ascii")
            os.lseek(fd, 0, os.SEEK_SET)
            written = 0
            while written < len(data):
                written += os.write(fd, data[written:])
            os.ftruncate(fd, len(data))
            return result
        finally:
            os.close(fd)

    def _open_locked(self):
        """The file, checked and locked within one window; opened again if removed as stale meanwhile."""
        name, deadline = os.path.basename(self.path), self._clock() + WINDOW
        for dummy in range(3):
            try:
                fd = os.open(name, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600, dir_fd=self._dir)
            except OSError as err:
                raise StateError("cannot open %s: %s" % (self.path, err.strerror))
            try:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_nlink > 1:
                    raise StateError("%s is not a regular file of this user with one link" % self.path)
                while not _try_lock(fd):
                    if self._clock() >= deadline:
                        raise StateError("another process held the lock of %s for %g s" % (self.path, WINDOW))
                    self._sleep(0.005)
                if os.fstat(fd).st_nlink:
                    if info.st_mode & 0o777 != 0o600:
                        os.fchmod(fd, 0o600)
                    return fd
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
        raise StateError("%s keeps being removed" % self.path)


def _try_lock(fd):
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
