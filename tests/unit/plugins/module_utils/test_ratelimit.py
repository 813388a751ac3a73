# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pacer: the burst of an idle budget, the guarded one-second window, the pace after a cut,
sharing through the state file, adaptation to throttling, and graceful fallbacks. Simulated time
everywhere except one multi-process test, which asserts only bounds that a slow machine cannot
break."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import heapq
import json
import math
import multiprocessing
import os
import random
import threading
import time

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _pacing as ratelimit
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ApiError
from ansible_collections.tencentcloud.tccc.plugins.module_utils._pacing import RateLimiter
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import PinnedSession, TcccCall, pinned_client

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
KEY = "%s|ccc.tencentcloudapi.com|ccc|DescribeExtension" % SECRET_ID
LIMIT_20 = 20
# The window log's span: no more than ``limit`` releases within it, so a burst of ``limit`` is
# followed by the next one this much later.
WINDOW_G = ratelimit.WINDOW * (1.0 + ratelimit.GUARD)


class FakeTime:
    """One thread's simulated clock: sleep() moves it on at once."""

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def paced(tmp_path, fake, rate=20, key=KEY):
    """A limiter on simulated time (FakeTime or VirtualTime) whose state file lives in the test's directory."""
    return RateLimiter(rate=rate, key=key, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)


def refuse_windows_apart(limiter, fake, times):
    """``times`` paced requests, each a window after the last and each refused: one cut apiece."""
    for dummy in range(times):
        fake.now += ratelimit.WINDOW
        limiter.acquire()
        limiter.throttled()


class VirtualTime:
    """Simulated time for several threads: it moves on only when every thread sleeps, to the
    earliest wake-up. ``lateness()`` adds to a sleep, as a busy machine wakes threads late."""

    def __init__(self, start=1000.0, lateness=None):
        self.now = start
        self._cond = threading.Condition()
        self._running = 0
        self._timers = []
        self._woken = set()
        self._seq = 0
        self._lateness = lateness or (lambda: 0.0)

    def clock(self):
        with self._cond:
            return self.now

    def sleep(self, seconds):
        with self._cond:
            self._seq += 1
            token = (self.now + max(0.0, seconds) + self._lateness(), self._seq)
            heapq.heappush(self._timers, token)
            self._running -= 1
            self._advance()
            while token not in self._woken:
                self._cond.wait()
            self._woken.discard(token)

    def _advance(self):
        while self._running == 0 and self._timers:
            self.now = max(self.now, self._timers[0][0])
            while self._timers and self._timers[0][0] <= self.now:
                self._woken.add(heapq.heappop(self._timers))
                self._running += 1
            self._cond.notify_all()

    def run(self, bodies):
        """Run each callable in its own thread under this clock; wait for all of them."""
        errors = []

        def wrap(body):
            try:
                body()
            except Exception as err:  # pylint: disable=broad-except
                errors.append(err)
            finally:
                with self._cond:
                    self._running -= 1
                    self._advance()

        threads = [threading.Thread(target=wrap, args=(body,)) for body in bodies]
        with self._cond:
            self._running += len(threads)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
            assert not thread.is_alive(), "simulated threads deadlocked"
        assert not errors, errors


def max_in_window(stamps, window=1.0):
    """The most stamps within any closed interval of ``window`` seconds."""
    stamps = sorted(stamps)
    best = 0
    start = 0
    for end, stamp in enumerate(stamps):
        while stamp - stamps[start] > window:
            start += 1
        best = max(best, end - start + 1)
    return best


def acquire_in_threads(limiters, vt, per_thread):
    """Each limiter gets a thread doing ``per_thread`` acquires; returns the release times."""
    stamps = []
    lock = threading.Lock()

    def body(limiter):
        def run():
            for dummy in range(per_thread):
                limiter.acquire()
                now = vt.clock()
                with lock:
                    stamps.append(now)
        return run

    vt.run([body(limiter) for limiter in limiters])
    return sorted(stamps)


def state_files(directory):
    return [name for name in os.listdir(str(directory)) if name.startswith(ratelimit.FILE_PREFIX)]


def assert_window_cap(stamps, limit=LIMIT_20, slack=1e-9):
    """Releases i and i + limit are at least one guarded window apart: never limit + 1 in it."""
    stamps = sorted(stamps)
    assert len(stamps) > limit, "too few releases to test the window"
    assert min(b - a for a, b in zip(stamps, stamps[limit:])) >= WINDOW_G - slack


def at_once(waits, slack=1e-9):
    """Whether every acquire went through without a wait (but for float rounding of the slots)."""
    return len(waits) > 0 and all(0.0 <= wait <= slack for wait in waits)


def bursts(count, start=1000.0, limit=LIMIT_20):
    """The release times of ``count`` back-to-back acquires on an idle budget at the full pace."""
    return [start + (index // limit) * WINDOW_G for index in range(count)]


def assert_paced_after_idle(limiter, fake, limit=LIMIT_20):
    """The idle budget's burst goes at once; the request after it waits for the window to pass."""
    assert at_once([limiter.acquire() for dummy in range(limit)])
    assert limiter.acquire() == pytest.approx(WINDOW_G)
    assert fake.sleeps and sum(fake.sleeps) == pytest.approx(WINDOW_G)


def releases_after_a_cut(tmp_path, threads, per_thread, cut_at, cut=True):
    """Threads acquire on one key; at ``cut_at`` another limiter on the key is refused.

    Returns the rate after that and the sorted release times after it. The refusal comes from a
    thread of its own at a time no release falls on, so every release is before or after it.
    """
    vt = VirtualTime(start=1000.0)
    limiters = [paced(tmp_path, vt)
                for dummy in range(threads)]
    refused = paced(tmp_path, vt)
    stamps = []
    lock = threading.Lock()

    def worker(limiter):
        def run():
            for dummy in range(per_thread):
                limiter.acquire()
                now = vt.clock()
                with lock:
                    stamps.append(now)
        return run

    def cutter():
        vt.sleep(cut_at - vt.clock())
        if cut:
            refused.throttled()

    vt.run([worker(limiter) for limiter in limiters] + [cutter])
    assert cut_at not in stamps
    return refused.current_rate(), sorted(stamp for stamp in stamps if stamp > cut_at)


@pytest.mark.parametrize("rate, limit", [(20, 20), (7.0, 7), (2.5, 2), (0.5, 1)])
def test_an_idle_budget_releases_a_burst_of_limit_at_once(tmp_path, rate, limit):
    fake = FakeTime()
    limiter = paced(tmp_path, fake, rate=rate)
    assert limiter.limit == limit
    assert at_once([limiter.acquire() for dummy in range(limit)])
    assert fake.now == pytest.approx(1000.0, abs=1e-9)
    # The next one waits for the burst to leave the window, or for one interval if that is longer.
    assert limiter.acquire() == pytest.approx(max(WINDOW_G, (1.0 + ratelimit.GUARD) / rate))


def test_back_to_back_acquires_come_in_bursts_one_window_apart(tmp_path):
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    stamps = []
    waits = []
    for dummy in range(50):
        waits.append(limiter.acquire())
        stamps.append(fake.now)
    assert stamps == pytest.approx(bursts(50), abs=1e-9)
    assert waits == pytest.approx([WINDOW_G if index and index % 20 == 0 else 0.0 for index in range(50)], abs=1e-9)
    assert_window_cap(stamps)
    assert max_in_window(stamps) == 20
    assert limiter.shared


def test_a_spent_burst_comes_back_only_after_the_window(tmp_path):
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    for dummy in range(20):
        limiter.acquire()
    fake.now += 0.25
    assert limiter.acquire() == pytest.approx(WINDOW_G - 0.25)
    fake.now += 5.0
    assert at_once([limiter.acquire() for dummy in range(20)])
    assert limiter.acquire() == pytest.approx(WINDOW_G)


@pytest.mark.parametrize("shared", [True, False])
def test_threads_never_put_21_requests_in_one_second(tmp_path, shared):
    vt = VirtualTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), shared=shared, clock=vt.clock, sleep=vt.sleep)
    stamps = acquire_in_threads([limiter] * 8, vt, 25)
    assert len(stamps) == 200
    assert_window_cap(stamps)
    assert max_in_window(stamps) == 20
    # Ten bursts, each one guarded window after the last: the burst is used, and no more.
    assert stamps == pytest.approx(bursts(200), abs=1e-9)
    assert limiter.shared is shared


@pytest.mark.parametrize("seed", range(5))
def test_threads_woken_late_do_not_crowd_the_next_window(tmp_path, seed):
    # A late wake-up moves a request toward the next one; the window log holds the limit anyway.
    rng = random.Random(seed)

    def lateness():
        return rng.uniform(0.0, 0.12) if rng.random() < 0.3 else 0.0

    vt = VirtualTime(lateness=lateness)
    limiters = [paced(tmp_path, vt) for dummy in range(6)]
    stamps = acquire_in_threads(limiters, vt, 30)
    assert len(stamps) == 180
    assert_window_cap(stamps)
    assert max_in_window(stamps) <= 20
    assert stamps[-1] - stamps[0] >= (math.ceil(180 / 20) - 1) * WINDOW_G - 1e-9


def test_limiters_with_the_same_key_share_one_budget(tmp_path):
    # Two objects on one state file are what two forks of one Ansible task are.
    fake = FakeTime()
    first, second = [paced(tmp_path, fake) for dummy in range(2)]
    stamps = []
    for dummy in range(20):
        for limiter in (first, second):
            limiter.acquire()
            stamps.append(fake.now)
    # One burst of 20 between them, not one each.
    assert stamps == pytest.approx(bursts(40), abs=1e-9)
    assert_window_cap(stamps)
    assert len(state_files(tmp_path)) == 1


def test_a_second_limiter_on_the_key_gets_no_burst_of_its_own(tmp_path):
    # A fork that starts while another has spent most of the burst gets only what is left, and
    # then waits for the first one's window to pass: the budget lives in the file, not the object.
    fake = FakeTime()
    first = paced(tmp_path, fake)
    assert at_once([first.acquire() for dummy in range(12)])
    fake.now += 0.25
    second = paced(tmp_path, fake)
    assert at_once([second.acquire() for dummy in range(8)])
    assert second.acquire() == pytest.approx(WINDOW_G - 0.25)
    # The first twelve have left the window; the eight sent 0.25 s after them have not.
    assert at_once([first.acquire() for dummy in range(11)])
    assert first.acquire() == pytest.approx(0.25)


def test_limiters_with_different_keys_do_not_share(tmp_path):
    fake = FakeTime()
    first = paced(tmp_path, fake)
    second = RateLimiter(rate=20, key=KEY.replace("DescribeExtension", "DescribeExtensions"), state_dir=str(tmp_path),
                         clock=fake.clock, sleep=fake.sleep)
    # Each key gets a whole burst of its own.
    assert at_once([first.acquire() for dummy in range(20)])
    assert at_once([second.acquire() for dummy in range(20)])
    assert first.acquire() == pytest.approx(WINDOW_G)
    assert len(state_files(tmp_path)) == 2


def test_shared_false_keeps_to_the_process(tmp_path):
    fake = FakeTime()
    first, second = [RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), shared=False, clock=fake.clock,
                                 sleep=fake.sleep) for dummy in range(2)]
    assert at_once([first.acquire() for dummy in range(20)])
    assert at_once([second.acquire() for dummy in range(20)])
    assert first.acquire() == pytest.approx(WINDOW_G)
    assert state_files(tmp_path) == []
    assert not first.shared and first.fallback_reason is None


def _process_worker(state_dir, rate, count, start_at, results):
    limiter = RateLimiter(rate=rate, key=KEY, state_dir=state_dir)
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)
    stamps = []
    for dummy in range(count):
        limiter.acquire()
        stamps.append(time.time())
    results.put((limiter.shared, stamps))


def test_processes_share_the_budget_in_real_time(tmp_path):
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    rate, processes, each = 40.0, 6, 10
    results = context.Queue()
    start_at = time.time() + 0.5
    workers = [context.Process(target=_process_worker, args=(str(tmp_path), rate, each, start_at, results))
               for dummy in range(processes)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for dummy in workers]
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    assert all(shared for shared, dummy in outcomes)
    stamps = sorted(stamp for dummy, batch in outcomes for stamp in batch)
    assert len(stamps) == processes * each
    # Lower bounds only: a slow machine spreads the requests further, never closer. A stamp is
    # taken after its release, so a late stamp can move it toward the next window: the bounds
    # use the server's window of 1.0 s and leave the guard for that. Without a shared budget each
    # process would send its first ten at once, sixty within the first second.
    assert max_in_window(stamps) <= rate * 1.0
    assert stamps[-1] - stamps[0] >= (math.ceil(len(stamps) / rate) - 1) * ratelimit.WINDOW


def test_throttled_cuts_the_rate_once_per_window(tmp_path):
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    limiter.acquire()
    limiter.throttled()
    assert limiter.current_rate() == pytest.approx(18.0)
    # Refusals of requests sent before the cut, or within a window after it, are its echo.
    limiter.throttled()
    assert limiter.current_rate() == pytest.approx(18.0)
    limiter.acquire()
    limiter.throttled()
    assert limiter.current_rate() == pytest.approx(18.0)
    refuse_windows_apart(limiter, fake, 1)
    assert limiter.current_rate() == pytest.approx(16.2)
    limiter.acquire()
    limiter.throttled()
    assert limiter.current_rate() == pytest.approx(16.2)


@pytest.mark.parametrize("threads", [1, 6])
def test_a_cut_slows_the_sustained_pace_to_the_cut_rate(tmp_path, threads):
    # After a cut every reservation moves the schedule on by one interval at the cut pace, and a
    # slot is at most limit - 1 intervals before its place in the schedule: so the k-th release
    # after the cut (from 0) is at least k + 1 - (limit - 1) intervals at the cut pace after it.
    cut_at = 1000.0 + 2.5 * WINDOW_G + 0.01
    rate, after = releases_after_a_cut(tmp_path, threads, 240 // threads, cut_at)
    assert rate == pytest.approx(18.0)
    interval = (1.0 + ratelimit.GUARD) / rate
    assert len(after) > 150
    for index, stamp in enumerate(after):
        assert stamp - cut_at >= (index + 1 - (LIMIT_20 - 1)) * interval - 1e-9, index
    assert_window_cap(after)
    # The same traffic without the cut breaks that bound: the bound measures the cut.
    (tmp_path / "uncut").mkdir()
    dummy, uncut = releases_after_a_cut(tmp_path / "uncut", threads, 240 // threads, cut_at, cut=False)
    assert any(stamp - cut_at < (index + 1 - (LIMIT_20 - 1)) * interval for index, stamp in enumerate(uncut))


@pytest.mark.parametrize("threads", [1, 6])
def test_a_cut_takes_effect_at_once_however_many_threads_wait(tmp_path, threads):
    # Slots reserved at the old pace are reserved again at the new one, and the cut hands out no
    # burst: the k-th release after it (from 0) is at least k + 1 intervals at the cut pace after it.
    cut_at = 1000.0 + 2.5 * WINDOW_G + 0.01
    rate, after = releases_after_a_cut(tmp_path, threads, 240 // threads, cut_at)
    interval = (1.0 + ratelimit.GUARD) / rate
    for index, stamp in enumerate(after):
        assert stamp - cut_at >= (index + 1) * interval - 1e-9, index


def test_a_refusal_without_a_paced_request_cuts_once_per_window(tmp_path):
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    limiter.throttled()
    limiter.throttled()
    assert limiter.current_rate() == pytest.approx(18.0)
    fake.now += ratelimit.WINDOW
    limiter.throttled()
    assert limiter.current_rate() == pytest.approx(16.2)


def test_a_cut_reaches_every_limiter_on_the_key(tmp_path):
    fake = FakeTime()
    first, second = [paced(tmp_path, fake) for dummy in range(2)]
    first.acquire()
    first.throttled()
    assert second.current_rate() == pytest.approx(18.0)


def test_the_rate_never_falls_below_the_floor(tmp_path):
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    refuse_windows_apart(limiter, fake, 40)
    assert limiter.current_rate() == pytest.approx(ratelimit.MIN_RATE)
    slow = paced(tmp_path, fake, rate=0.5, key="slow")
    slow.acquire()
    slow.throttled()
    assert slow.current_rate() == pytest.approx(0.5)


def succeed_until_the_full_rate(limiter, rate=20.0, most=200):
    """Paced successful requests until the limiter is back at ``rate``: returns how many it took."""
    count = 0
    while limiter.current_rate() < rate:
        limiter.acquire()
        limiter.succeeded()
        count += 1
        assert count < most, "no recovery"
    return count


def test_successes_bring_the_rate_back(tmp_path):
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    refuse_windows_apart(limiter, fake, 3)
    assert limiter.current_rate() == pytest.approx(20 * 0.9 ** 3)
    start = fake.now
    count = succeed_until_the_full_rate(limiter)
    # 14.58/s back to 20/s at 20% of 20/s per second of traffic at the pace: 25 or so requests,
    # within two windows.
    assert 20 <= count <= 30
    assert fake.now - start <= 2 * WINDOW_G
    # Back at the full pace: at 14.58/s the schedule alone would hold the last of the next 100
    # back (100 - 19) intervals of 1.03 / 14.58 s, 5.7 s; at 20/s they take about five windows.
    start = fake.now
    stamps = []
    for dummy in range(100):
        limiter.acquire()
        stamps.append(fake.now)
    assert fake.now - start < (100 - (LIMIT_20 - 1)) * (1.0 + ratelimit.GUARD) / (20 * 0.9 ** 3)
    assert_window_cap(stamps)


def test_a_slow_run_does_not_recover_a_cut_it_is_not_slowed_by(tmp_path):
    # Before, one success of a run at 0.5/s put the other runs back at 20/s right after a cut.
    fake = FakeTime()
    default, slow = paced(tmp_path, fake), paced(tmp_path, fake, rate=0.5)
    default.acquire()
    default.throttled()
    for dummy in range(3):
        slow.acquire()
        slow.succeeded()
    assert default.current_rate() == pytest.approx(18.0)


def test_a_run_below_the_api_limit_recovers_a_deep_cut_to_its_own_rate_only(tmp_path):
    fake = FakeTime()
    default, slower = paced(tmp_path, fake), paced(tmp_path, fake, rate=15)
    refuse_windows_apart(default, fake, 3)
    assert default.current_rate() == pytest.approx(20 * 0.9 ** 3)
    for dummy in range(10):
        slower.acquire()
        slower.succeeded()
    # 14.58/s is back at 15/s, the pace the slower run has shown to work, and no further.
    assert default.current_rate() == pytest.approx(15.0) and slower.current_rate() == pytest.approx(15.0)
    # The default run's own successes bring back the rest.
    succeed_until_the_full_rate(default)


def test_successes_of_requests_sent_before_the_cut_do_not_count(tmp_path):
    fake = FakeTime()
    first, second = [paced(tmp_path, fake) for dummy in range(2)]
    first.acquire()
    second.acquire()
    fake.now += 0.2  # the round trip
    first.throttled()
    assert second.current_rate() == pytest.approx(18.0)
    second.succeeded()
    assert first.current_rate() == pytest.approx(18.0)
    second.throttled()
    assert first.current_rate() == pytest.approx(18.0)


def test_an_old_cut_is_forgotten_after_idling(tmp_path):
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    limiter.acquire()
    limiter.throttled()
    fake.now += ratelimit.IDLE_RESET - 1.0
    assert limiter.current_rate() == pytest.approx(18.0)
    fake.now += ratelimit.IDLE_RESET + 1.0
    assert limiter.current_rate() == 20.0


@pytest.mark.parametrize("rate, per_window", [(2.5, 2), (7.0, 7), (0.5, 1)])
def test_fractional_rates_keep_below_the_rate_in_every_window(tmp_path, rate, per_window):
    fake = FakeTime()
    limiter = paced(tmp_path, fake, rate=rate)
    stamps = []
    for dummy in range(30):
        limiter.acquire()
        stamps.append(fake.now)
    assert max_in_window(stamps) == per_window
    assert_window_cap(stamps, limit=per_window)


@pytest.mark.parametrize("seed", range(20))
def test_random_mixes_of_callers_and_signals_keep_the_limit(tmp_path, seed):
    rng = random.Random(seed)
    fake = FakeTime()
    limiters = [paced(tmp_path, fake)
                for dummy in range(3)]
    stamps = []
    for dummy in range(150):
        limiter = rng.choice(limiters)
        fake.now += rng.choice([0.0, 0.0, 0.01, 0.3, 2.0 * rng.random()])
        limiter.acquire()
        stamps.append(fake.now)
        signal = rng.random()
        if signal < 0.1:
            limiter.throttled()
        elif signal < 0.9:
            limiter.succeeded()
    assert max_in_window(stamps) <= 20
    assert_window_cap(stamps)
    assert 1.0 <= limiters[0].current_rate() <= 20.0


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b"null", b'{"v": 1}', b'{"v": 2, "next": 0}',
                                     b'{"v":1,"next":NaN,"log":[],"rate":null,"epoch":0,"updated":0}',
                                     b'{"v":1,"next":0,"log":["x"],"rate":null,"epoch":0,"updated":0}',
                                     b'{"v":1,"next":0,"log":[],"rate":-3,"epoch":0,"updated":0}',
                                     b'{"v":1,"next":0,"log":[],"rate":null,"epoch":true,"updated":0}',
                                     b"\xff\xfe garbage", b" " * (ratelimit.MAX_STATE_BYTES + 10)])
def test_a_damaged_state_file_is_replaced(tmp_path, content):
    path = tmp_path / ratelimit.state_file_name(KEY)
    path.write_bytes(content)
    os.chmod(str(path), 0o600)
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    assert at_once([limiter.acquire() for dummy in range(20)])
    data = json.loads(path.read_text())
    assert data["v"] == ratelimit.STATE_VERSION and len(data["log"]) == 20
    # The rewritten file paces: the 21st waits for the burst to leave the window.
    assert limiter.acquire() == pytest.approx(WINDOW_G)
    assert limiter.shared


def test_the_state_file_is_private(tmp_path):
    old = os.umask(0)
    try:
        RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path)).acquire()
    finally:
        os.umask(old)
    (name,) = state_files(tmp_path)
    assert os.stat(str(tmp_path / name)).st_mode & 0o777 == 0o600


def test_an_existing_state_file_with_loose_mode_is_tightened(tmp_path):
    path = tmp_path / ratelimit.state_file_name(KEY)
    path.write_text("")
    os.chmod(str(path), 0o666)
    RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path)).acquire()
    assert os.stat(str(path)).st_mode & 0o777 == 0o600


def test_the_key_appears_neither_in_the_file_name_nor_in_the_file(tmp_path):
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    limiter.acquire()
    limiter.throttled()
    limiter.acquire()
    limiter.succeeded()
    (name,) = os.listdir(str(tmp_path))
    content = (tmp_path / name).read_text()
    for secretish in (SECRET_ID, SECRET_ID[4:20], "DescribeExtension", "tencentcloudapi"):
        assert secretish not in name
        assert secretish not in content


def test_file_names_depend_on_key_and_user():
    assert ratelimit.state_file_name(KEY, uid=1000) != ratelimit.state_file_name(KEY, uid=1001)
    assert ratelimit.state_file_name(KEY, uid=1000) != ratelimit.state_file_name(KEY + "x", uid=1000)
    assert ratelimit.state_file_name(KEY, uid=1000) == ratelimit.state_file_name(KEY.encode(), uid=1000)


def test_an_unusable_directory_falls_back_to_the_process(tmp_path):
    fake = FakeTime()
    missing = str(tmp_path / "missing")
    limiter = RateLimiter(rate=20, key=KEY, state_dir=missing, clock=fake.clock, sleep=fake.sleep)
    assert_paced_after_idle(limiter, fake)
    assert not limiter.shared
    assert "pacing within this process only" in limiter.fallback_reason
    assert SECRET_ID not in limiter.fallback_reason
    assert not os.path.exists(missing)


def test_losing_the_file_mid_run_keeps_the_pace(tmp_path):
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    for dummy in range(12):
        limiter.acquire()
    os.remove(limiter.path)
    os.mkdir(limiter.path)  # opening it for writing now fails
    # The process carries on from the last state: what is left of the burst, not a fresh one.
    assert at_once([limiter.acquire() for dummy in range(8)])
    assert limiter.acquire() == pytest.approx(WINDOW_G)
    assert not limiter.shared and limiter.fallback_reason


def test_a_symlink_in_place_of_the_state_file_is_not_followed(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    os.symlink(str(victim), str(tmp_path / ratelimit.state_file_name(KEY)))
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    assert_paced_after_idle(limiter, fake)
    assert victim.read_text() == "keep me"
    assert not limiter.shared and "symlink" in limiter.fallback_reason


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to hand a file to another user")
def test_a_state_file_of_another_user_is_not_used(tmp_path):
    path = tmp_path / ratelimit.state_file_name(KEY)
    path.write_text('{"v":1,"next":1e12,"log":[],"rate":null,"epoch":0,"updated":0}')
    os.chmod(str(path), 0o600)
    os.chown(str(path), 65534, 65534)
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    assert limiter.acquire() == 0.0
    assert not limiter.shared and "another user" in limiter.fallback_reason


def test_without_fcntl_pacing_stays_in_the_process(tmp_path, monkeypatch):
    monkeypatch.setattr(ratelimit, "fcntl", None)
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    assert_paced_after_idle(limiter, fake)
    assert not limiter.shared and "fcntl" in limiter.fallback_reason
    assert os.listdir(str(tmp_path)) == []


def test_a_clock_stepped_back_does_not_stall(tmp_path):
    fake = FakeTime(start=1.7e9)
    limiter = paced(tmp_path, fake)
    for dummy in range(25):
        limiter.acquire()
    fake.now -= 3600.0
    # A fresh start: the burst goes at once, then the window paces (floats near 1.7e9 carry 0.2 us).
    assert at_once([limiter.acquire() for dummy in range(20)], slack=1e-5)
    assert limiter.acquire() == pytest.approx(WINDOW_G, abs=1e-5)


def test_a_stale_state_from_long_ago_is_harmless(tmp_path):
    path = tmp_path / ratelimit.state_file_name(KEY)
    path.write_text(json.dumps({"v": 1, "next": 500.0, "log": [499.0] * 30, "rate": 2.0, "epoch": 7, "updated": 500.0}))
    os.chmod(str(path), 0o600)
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    assert limiter.acquire() == 0.0
    assert limiter.current_rate() == 20.0


@pytest.mark.parametrize("rate", [0, 0.0, None])
def test_rate_zero_turns_pacing_off(tmp_path, rate):
    fake = FakeTime()
    limiter = paced(tmp_path, fake, rate=rate)
    for dummy in range(100):
        assert limiter.acquire() == 0.0
        limiter.throttled()
        limiter.succeeded()
    assert fake.sleeps == [] and fake.now == 1000.0
    assert os.listdir(str(tmp_path)) == []


@pytest.mark.parametrize("rate", [-1, float("nan"), float("inf"), "20", True])
def test_invalid_rates_are_refused(rate):
    with pytest.raises(ValueError):
        RateLimiter(rate=rate, key=KEY)


def _probe_after(vt, limiter, start_after, count=20):
    """A body that waits ``start_after`` seconds, then acquires ``count`` times; returns its waits."""
    waits = []

    def run():
        vt.sleep(start_after)
        for dummy in range(count):
            waits.append(limiter.acquire())
    return run, waits


@pytest.mark.parametrize("slow_rate", [0.01, 1.0, 5.0])
def test_a_slow_run_never_makes_a_default_run_wait_more_than_a_window(tmp_path, slow_rate):
    # Twelve registration workers of a slow run share the key with a default run that starts 3 s
    # later: before, each slow reservation pushed the shared schedule one slow interval (103 s at
    # 0.01/s), and the default run waited for all of them.
    vt = VirtualTime()
    slow = paced(tmp_path, vt, rate=slow_rate)
    fast = paced(tmp_path, vt)
    slow_stamps = []

    def slow_worker():
        slow.acquire()
        slow_stamps.append(vt.clock())

    probe, waits = _probe_after(vt, fast, 3.0)
    vt.run([slow_worker] * 12 + [probe])
    assert waits[0] <= WINDOW_G + 1e-9
    assert sum(waits) <= 2 * WINDOW_G + 1e-9
    # The slow run still keeps its own pace.
    spacing = (1.0 + ratelimit.GUARD) / slow_rate
    assert slow_stamps[-1] - slow_stamps[0] >= (math.ceil(12 / slow.limit) - 1) * max(WINDOW_G, spacing) - 1e-6


@pytest.mark.parametrize("fields", [
    {"next": 1e12}, {"log": [1e12]}, {"cut_at": 1e12}, {"rate": 1e-12}, {"rate": 1e9}, {"updated": 1e12},
    {"next": 1000.0 + 3600.0},
])
def test_absurd_stored_values_are_a_fresh_budget(tmp_path, fields):
    state = {"v": 1, "next": 1000.0, "log": [], "rate": None, "cut_at": 0.0, "epoch": 3, "updated": 999.0}
    state.update(fields)
    path = tmp_path / ratelimit.state_file_name(KEY)
    path.write_text(json.dumps(state))
    os.chmod(str(path), 0o600)
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    assert at_once([limiter.acquire() for dummy in range(20)])
    assert limiter.current_rate() == 20.0
    stored = json.loads(path.read_text())
    assert stored["next"] < fake.now + 2 and max(stored["log"]) <= fake.now and stored["rate"] is None


@pytest.mark.parametrize("rate", [1e-12, 0.001, 1e6, 1e300])
def test_rates_outside_the_documented_range_are_refused(rate):
    with pytest.raises(ValueError, match="from 0.01 to 1000"):
        RateLimiter(rate=rate, key=KEY)


def _default_limiter(env, home, fake=None):
    fake = fake or FakeTime()
    return RateLimiter(rate=20, key=KEY, clock=fake.clock, sleep=fake.sleep, env=env, home=str(home))


def test_state_lives_in_the_private_runtime_directory_not_the_temp_directory(tmp_path, monkeypatch):
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr("tempfile.tempdir", None)
    limiter = _default_limiter({"XDG_RUNTIME_DIR": str(runtime)}, tmp_path / "home")
    limiter.acquire()
    directory = runtime / ratelimit.STATE_DIR_NAME
    assert limiter.shared and os.path.dirname(limiter.path) == str(directory)
    assert os.stat(str(directory)).st_mode & 0o777 == 0o700
    assert len(state_files(directory)) == 1 and os.listdir(str(temp)) == []


@pytest.mark.parametrize("runtime_mode", [None, 0o755])
def test_without_a_private_runtime_directory_the_state_goes_under_home(tmp_path, runtime_mode):
    env = {}
    if runtime_mode is not None:
        runtime = tmp_path / "run"
        runtime.mkdir()
        os.chmod(str(runtime), runtime_mode)
        env["XDG_RUNTIME_DIR"] = str(runtime)
    home = tmp_path / "home"
    home.mkdir()
    limiter = _default_limiter(env, home)
    limiter.acquire()
    directory = home / ".ansible" / ratelimit.STATE_DIR_NAME
    assert limiter.shared and os.path.dirname(limiter.path) == str(directory)
    for made in (home / ".ansible", directory):
        assert os.stat(str(made)).st_mode & 0o777 == 0o700


def test_an_own_state_directory_left_open_is_closed_again(tmp_path):
    home = tmp_path / "home"
    directory = home / ".ansible" / ratelimit.STATE_DIR_NAME
    directory.mkdir(parents=True)
    os.chmod(str(directory), 0o777)
    _default_limiter({}, home).acquire()
    assert os.stat(str(directory)).st_mode & 0o777 == 0o700


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to hand a directory to another user")
def test_a_state_directory_planted_by_another_user_is_not_used(tmp_path):
    # Before, the state sat in the shared temp directory under a predictable name: another user
    # could create it first. Now a directory that is not ours is refused, and the run says why.
    home = tmp_path / "home"
    directory = home / ".ansible" / ratelimit.STATE_DIR_NAME
    directory.mkdir(parents=True)
    os.chmod(str(directory), 0o777)
    os.chown(str(directory), 65534, 65534)
    fake = FakeTime()
    limiter = _default_limiter({}, home, fake)
    assert_paced_after_idle(limiter, fake)
    assert not limiter.shared and "belongs to another user" in limiter.fallback_reason
    assert os.listdir(str(directory)) == []


def test_a_given_state_directory_writable_by_others_is_not_used(tmp_path):
    directory = tmp_path / "open"
    directory.mkdir()
    os.chmod(str(directory), 0o777)
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(directory))
    limiter.acquire()
    assert not limiter.shared and "other users can write" in limiter.fallback_reason
    assert os.listdir(str(directory)) == []


def test_a_hard_link_in_place_of_the_state_file_is_not_written(tmp_path):
    # Before, a hard link was followed and the victim's content and mode were replaced.
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    os.chmod(str(victim), 0o644)
    os.link(str(victim), str(tmp_path / ratelimit.state_file_name(KEY)))
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    assert_paced_after_idle(limiter, fake)
    assert victim.read_text() == "keep me" and os.stat(str(victim)).st_mode & 0o777 == 0o644
    assert not limiter.shared and "hard link" in limiter.fallback_reason


def test_idle_state_files_are_removed_and_busy_ones_kept(tmp_path):
    now = time.time()
    old = [tmp_path / ratelimit.state_file_name("old %d" % index) for index in range(5)]
    recent = tmp_path / ratelimit.state_file_name("recent")
    other = tmp_path / "not-ours.json"
    for path in old + [recent, other]:
        path.write_text("{}")
        os.chmod(str(path), 0o600)
    for path in old + [other]:
        os.utime(str(path), (now - ratelimit.STALE_AFTER - 60, now - ratelimit.STALE_AFTER - 60))
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path))
    limiter.acquire()
    assert sorted(os.listdir(str(tmp_path))) == sorted([recent.name, other.name, os.path.basename(limiter.path)])


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts this process's open descriptors in /proc/self/fd")
def test_the_state_directory_is_opened_once_per_process(tmp_path):
    # Before, every limiter opened the directory again and never closed it: a module run leaked one
    # descriptor per action and account it called.
    home = tmp_path / "home"
    home.mkdir()
    fake = FakeTime()
    first = [_default_limiter({}, home, fake), paced(tmp_path, fake)]
    before = len(os.listdir("/proc/self/fd"))
    limiters = [_default_limiter({}, home, fake) for dummy in range(20)] + [paced(tmp_path, fake, key="key %d" % n) for n in range(20)]
    for limiter in first + limiters:
        limiter.acquire()
    assert len(os.listdir("/proc/self/fd")) == before
    assert all(limiter.shared for limiter in first + limiters)
    assert len(set(os.path.dirname(limiter.path) for limiter in limiters)) == 2


def test_a_file_removed_by_cleanup_while_opened_is_opened_again(tmp_path):
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    limiter.acquire()
    directory = os.open(str(tmp_path), os.O_RDONLY)
    try:
        os.utime(limiter.path, (0, 0))
        assert ratelimit.remove_stale_files(directory) == 1
    finally:
        os.close(directory)
    limiter.acquire()
    assert limiter.shared and os.path.exists(limiter.path)


@pytest.mark.parametrize("state_dir, shared", [("missing", False), (".", True)])
def test_a_throttling_failure_says_when_the_budget_was_not_shared_and_why(tmp_path, state_dir, shared):
    # Before, only a run that succeeded warned that pacing was not shared; a run that failed on
    # throttling said nothing of it.
    directory = str(tmp_path / state_dir)
    session = PinnedSession(TcccCall("DescribeExtension", {}).error("RequestLimitExceeded", "too fast"))
    fake = FakeTime()

    def limiter(rate, key):
        return RateLimiter(rate=rate, key=key, state_dir=directory, clock=fake.clock, sleep=fake.sleep)

    client = pinned_client(session, retries=0, limiter_factory=limiter)
    with pytest.raises(ApiError) as caught:
        client.call("DescribeExtension", {})
    session.assert_is_done()
    note = "the request budget was not shared with other runs on this machine: cannot open the directory %s" % directory
    assert (note in str(caught.value)) is not shared
    assert SECRET_ID not in str(caught.value)
