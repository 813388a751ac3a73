# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The thread pool behind concurrent API calls: after the first failure, or a stop request
(stop.STOP, set by SIGINT or SIGTERM), no further job starts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.tencentcloud.tccc.plugins.module_utils import stop

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
        if self.stopped.is_set() or stop.STOP.is_set():
            return None
        try:
            return job(*args)
        except BaseException:
            self.stopped.set()
            raise

    def close(self):
        self.stopped.set()
        # After a stop request nothing waits for calls in flight: the process is about to end.
        self.executor.shutdown(wait=not stop.STOP.is_set())
