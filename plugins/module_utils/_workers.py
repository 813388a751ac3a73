# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Private to this collection, not a public API: only its own modules import it, and any release
# may change it without notice.
"""Concurrent calls and stopping: the thread pool (Workers, below), and SIGINT (Ctrl-C in
ansible-playbook) or SIGTERM ending a module run at once.

Ansible stops waiting on Ctrl-C, but a module's worker threads went on sending requests for
minutes. With handle_signals() installed, a signal sets STOP and raises Stopped in the main
thread; every wait of the collection (pacer, backoff) goes through sleep() below, which wakes up
and raises Stopped when STOP is set, and the client starts no request once it is set.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import signal
import threading
from concurrent.futures import ThreadPoolExecutor


STOP = threading.Event()


class Stopped(BaseException):
    """The run was asked to stop. A BaseException, like KeyboardInterrupt, so that no ``except
    Exception`` on the way (ours or a library's) mistakes it for a failure to handle."""

    def __init__(self, reason="asked to stop"):
        super(Stopped, self).__init__(reason)
        self.reason = reason


def check():
    """Raise Stopped once a stop was asked for: call before starting anything."""
    if STOP.is_set():
        raise Stopped()


def sleep(seconds):
    """time.sleep() that ends early, raising Stopped, when a stop is asked for."""
    if STOP.wait(max(0.0, seconds)):
        raise Stopped()


def _handler(signum, frame):  # pylint: disable=unused-argument
    STOP.set()
    name = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}.get(signum, "signal %d" % signum)
    raise Stopped("stopped by %s" % name)


def handle_signals():
    """Stop on SIGINT and SIGTERM; call at the start of a run (only the main thread can take signals)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _handler)


# The thread pool behind concurrent API calls: after the first failure, or a stop request
# (STOP, set by SIGINT or SIGTERM), no further job starts.


# Calls in flight. The client's pacer holds them to the rate limit; the pool only has to cover the
# round trip: 20 requests/s x 300 ms (a far region) = 6, with room for slow answers.
WORKERS = 12


class Workers:
    """Runs jobs concurrently. A job that raises sets ``stopped``; jobs not yet started then return None."""

    def __init__(self, workers=WORKERS):
        self.stopped = threading.Event()
        self.executor = ThreadPoolExecutor(max_workers=workers)

    def submit(self, job, *args):
        return self.executor.submit(self._run, job, args)

    def _run(self, job, args):
        if self.stopped.is_set() or STOP.is_set():
            return None
        try:
            return job(*args)
        except BaseException:
            self.stopped.set()
            raise

    def close(self):
        self.stopped.set()
        # After a stop request nothing waits for calls in flight: the process is about to end.
        self.executor.shutdown(wait=not STOP.is_set())
