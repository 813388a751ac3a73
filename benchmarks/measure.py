# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run one child process and measure it: wall time, CPU time and peak memory.

CPU time and peak memory come from os.wait4(), which on Linux reports the child together with
every descendant it waited for: for ansible-playbook that includes the forked workers and the
module processes, so the peak is that of the largest single process in the tree (not a sum).
"""

import collections
import os
import signal
import subprocess
import threading
import time

Measurement = collections.namedtuple("Measurement", "returncode wall cpu maxrss_kb stdout timed_out")


# After SIGTERM, how long a child gets to print what it has before SIGKILL.
GRACE = 5.0


def _signal_group(pid, signum):
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        pass


def run(argv, env, stdout_path, stderr_path, timeout, cwd=None):
    """Run ``argv`` to completion, or end its process group after ``timeout`` seconds (SIGTERM, then SIGKILL).

    Output goes to files rather than pipes: a module result for 10,000 extensions is megabytes,
    and a pipe nobody reads while we wait would stall the child. The stdout file is read back and
    removed, since it may hold (emulator) SIP passwords.
    """
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        started = time.perf_counter()
        # A session of its own, so a timeout can end the whole tree (ansible-playbook's workers too).
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                   start_new_session=True)
        expired = threading.Event()

        def expire():
            expired.set()
            _signal_group(process.pid, signal.SIGTERM)
            if not finished.wait(GRACE):
                _signal_group(process.pid, signal.SIGKILL)

        finished = threading.Event()
        watchdog = threading.Timer(timeout, expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            finished.set()
            watchdog.cancel()
        wall = time.perf_counter() - started
        # Tell Popen the child is reaped, so it does not wait for it again.
        process.returncode = os.waitstatus_to_exitcode(status)
    with open(stdout_path, "rb") as handle:
        stdout = handle.read()
    os.unlink(stdout_path)
    return Measurement(process.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, stdout, expired.is_set())
