# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stopping when asked: SIGINT (Ctrl-C in ansible-playbook) or SIGTERM ends a module run at once.

Ansible stops waiting on Ctrl-C, but a module's worker threads went on sending requests for
minutes. With handle_signals() installed, a signal sets STOP and raises Stopped in the main
thread; every wait of the collection (pacer, backoff) goes through sleep() below, which wakes up
and raises Stopped when STOP is set, and the client starts no request once it is set.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import signal
import threading

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
