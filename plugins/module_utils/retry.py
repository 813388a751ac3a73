# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The retry policy: capped exponential backoff with full jitter.

Full jitter (a uniform draw between 0 and the exponential bound) spreads the retries of many
workers and forks that were throttled together, instead of sending them back in lock-step.
Which errors are retried at all is decided in errors.classify().
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

BASE_DELAY = 0.5
MAX_DELAY = 10.0


class RetryPolicy:
    """``retries`` is the number of further attempts after the first one (0: try once)."""

    def __init__(self, retries=5, base=BASE_DELAY, cap=MAX_DELAY):
        self.retries = retries
        self.base = base
        self.cap = cap

    def should_retry(self, attempt):
        """``attempt`` counts from 0 for the first try; no retry (and so no sleep) after the last."""
        return attempt < self.retries

    def delay(self, attempt, rand, floor=0.0):
        """Seconds to wait after failed attempt ``attempt``; ``rand`` is a draw in [0, 1).

        ``floor`` keeps a throttled retry from coming back sooner than the rate limiter's interval.
        """
        bound = min(self.cap, self.base * (2 ** attempt))
        return max(floor, bound * rand)
