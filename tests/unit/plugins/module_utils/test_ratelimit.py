# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pacer: spacing, the one-second window, sharing through the state file, adaptation to
throttling, and graceful fallbacks. Simulated time everywhere except one multi-process test,
which asserts only bounds that a slow machine cannot break."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import heapq
import json
import multiprocessing
import os
import random
import threading
import time

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import ratelimit
from ansible_collections.tencentcloud.tccc.plugins.module_utils.ratelimit import RateLimiter

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
KEY = "%s|ccc.tencentcloudapi.com|ccc|DescribeExtension" % SECRET_ID
INTERVAL_20 = (1.0 + ratelimit.GUARD) / 20.0


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


def test_consecutive_acquires_are_one_interval_apart(tmp_path):
    fake = FakeTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    stamps = []
    waits = []
    for dummy in range(30):
        waits.append(limiter.acquire())
        stamps.append(fake.now)
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert waits[0] == 0.0
    assert gaps == pytest.approx([INTERVAL_20] * 29)
    assert waits[1:] == pytest.approx([INTERVAL_20] * 29)
    assert limiter.shared


def test_an_idle_limiter_lets_one_request_through_at_once(tmp_path):
    fake = FakeTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    limiter.acquire()
    fake.now += 5.0
    assert limiter.acquire() == 0.0
    assert limiter.acquire() == pytest.approx(INTERVAL_20)


@pytest.mark.parametrize("shared", [True, False])
def test_threads_never_put_21_requests_in_one_second(tmp_path, shared):
    vt = VirtualTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), shared=shared, clock=vt.clock, sleep=vt.sleep)
    stamps = acquire_in_threads([limiter] * 8, vt, 25)
    assert len(stamps) == 200
    assert stamps[-1] - stamps[0] >= 199 / 20.0
    assert max_in_window(stamps) == 20
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert min(gaps) >= INTERVAL_20 - 1e-9
    assert limiter.shared is shared


@pytest.mark.parametrize("seed", range(5))
def test_threads_woken_late_do_not_crowd_the_next_window(tmp_path, seed):
    # A late wake-up moves a request toward the next one; the window log holds the limit anyway.
    rng = random.Random(seed)

    def lateness():
        return rng.uniform(0.0, 0.12) if rng.random() < 0.3 else 0.0

    vt = VirtualTime(lateness=lateness)
    limiters = [RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=vt.clock, sleep=vt.sleep) for dummy in range(6)]
    stamps = acquire_in_threads(limiters, vt, 30)
    assert max_in_window(stamps, ratelimit.WINDOW * (1.0 + ratelimit.GUARD) - 1e-9) <= 20
    assert stamps[-1] - stamps[0] >= 179 / 20.0


def test_limiters_with_the_same_key_share_one_budget(tmp_path):
    # Two objects on one state file are what two forks of one Ansible task are.
    fake = FakeTime()
    first, second = [RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
                     for dummy in range(2)]
    stamps = []
    for dummy in range(20):
        for limiter in (first, second):
            limiter.acquire()
            stamps.append(fake.now)
    gaps = [b - a for a, b in zip(stamps, stamps[1:])]
    assert gaps == pytest.approx([INTERVAL_20] * 39)
    assert len(state_files(tmp_path)) == 1


def test_limiters_with_different_keys_do_not_share(tmp_path):
    fake = FakeTime()
    first = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    second = RateLimiter(rate=20, key=KEY.replace("DescribeExtension", "DescribeExtensions"), state_dir=str(tmp_path),
                         clock=fake.clock, sleep=fake.sleep)
    for dummy in range(10):
        assert second.acquire() == 0.0
        assert first.acquire() == 0.0
        fake.now += INTERVAL_20
    assert len(state_files(tmp_path)) == 2


def test_shared_false_keeps_to_the_process(tmp_path):
    fake = FakeTime()
    first, second = [RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), shared=False, clock=fake.clock,
                                 sleep=fake.sleep) for dummy in range(2)]
    assert first.acquire() == 0.0
    assert second.acquire() == 0.0
    assert first.acquire() == pytest.approx(INTERVAL_20)
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
    # Lower bounds only: a slow machine spreads the requests further, never closer.
    assert stamps[-1] - stamps[0] >= (len(stamps) - 1) / rate
    assert max_in_window(stamps) <= rate * 1.0


def test_throttled_cuts_the_rate_once_per_window(tmp_path):
    fake = FakeTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    limiter.acquire()
    limiter.throttled()
    assert limiter.current_rate() == pytest.approx(18.0)
    # Refusals of requests sent before the cut, or within a window after it, are its echo.
    limiter.throttled()
    before = fake.now
    limiter.acquire()
    assert fake.now - before == pytest.approx((1.0 + ratelimit.GUARD) / 18.0)
    limiter.throttled()
    assert limiter.current_rate() == pytest.approx(18.0)
    fake.now += ratelimit.WINDOW
    limiter.acquire()
    limiter.throttled()
    assert limiter.current_rate() == pytest.approx(16.2)
    start = fake.now
    limiter.acquire()
    limiter.acquire()
    assert fake.now - start == pytest.approx(2 * (1.0 + ratelimit.GUARD) / 16.2)


def test_a_refusal_without_a_paced_request_cuts_once_per_window(tmp_path):
    fake = FakeTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    limiter.throttled()
    limiter.throttled()
    assert limiter.current_rate() == pytest.approx(18.0)
    fake.now += ratelimit.WINDOW
    limiter.throttled()
    assert limiter.current_rate() == pytest.approx(16.2)


def test_a_cut_reaches_every_limiter_on_the_key(tmp_path):
    fake = FakeTime()
    first, second = [RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
                     for dummy in range(2)]
    first.acquire()
    first.throttled()
    assert second.current_rate() == pytest.approx(18.0)


def test_the_rate_never_falls_below_the_floor(tmp_path):
    fake = FakeTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    for dummy in range(40):
        fake.now += ratelimit.WINDOW
        limiter.acquire()
        limiter.throttled()
    assert limiter.current_rate() == pytest.approx(ratelimit.MIN_RATE)
    slow = RateLimiter(rate=0.5, key="slow", state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    slow.acquire()
    slow.throttled()
    assert slow.current_rate() == pytest.approx(0.5)


def test_successes_bring_the_rate_back(tmp_path):
    fake = FakeTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    for dummy in range(3):
        fake.now += ratelimit.WINDOW
        limiter.acquire()
        limiter.throttled()
    assert limiter.current_rate() == pytest.approx(20 * 0.9 ** 3)
    start = fake.now
    count = 0
    while limiter.current_rate() < 20.0:
        limiter.acquire()
        limiter.succeeded()
        count += 1
        assert count < 200, "no recovery"
    # 14.58/s back to 20/s at 20% of 20/s per second of traffic: about 1.4 s, 25 requests.
    assert 20 <= count <= 30
    assert 1.1 <= fake.now - start <= 1.7
    limiter.acquire()  # its slot was spaced at the pace before the last success
    before = fake.now
    limiter.acquire()
    assert fake.now - before == pytest.approx(INTERVAL_20)


def test_successes_of_requests_sent_before_the_cut_do_not_count(tmp_path):
    fake = FakeTime()
    first, second = [RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
                     for dummy in range(2)]
    first.acquire()
    second.acquire()
    fake.now += 0.2  # the round trip
    first.throttled()
    assert second.current_rate() == pytest.approx(18.0)
    second.succeeded()
    assert first.current_rate() == pytest.approx(18.0)
    second.throttled()
    assert first.current_rate() == pytest.approx(18.0)


def test_a_cut_respaces_slots_already_reserved(tmp_path):
    # The cut arrives while this limiter sleeps toward a slot reserved at the old pace.
    fake = FakeTime()
    other = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    cut_done = []

    def sleep(seconds):
        if not cut_done:
            cut_done.append(fake.now)
            other.throttled()
        fake.sleep(seconds)

    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=sleep)
    limiter.acquire()
    start = fake.now
    limiter.acquire()
    assert fake.now - start == pytest.approx((1.0 + ratelimit.GUARD) / 18.0)


def test_an_old_cut_is_forgotten_after_idling(tmp_path):
    fake = FakeTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    limiter.acquire()
    limiter.throttled()
    fake.now += ratelimit.IDLE_RESET - 1.0
    assert limiter.current_rate() == pytest.approx(18.0)
    fake.now += ratelimit.IDLE_RESET + 1.0
    assert limiter.current_rate() == 20.0


@pytest.mark.parametrize("rate, per_window", [(2.5, 2), (7.0, 7), (0.5, 1)])
def test_fractional_rates_keep_below_the_rate_in_every_window(tmp_path, rate, per_window):
    fake = FakeTime()
    limiter = RateLimiter(rate=rate, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    stamps = []
    for dummy in range(30):
        limiter.acquire()
        stamps.append(fake.now)
    assert max_in_window(stamps) == per_window


@pytest.mark.parametrize("seed", range(20))
def test_random_mixes_of_callers_and_signals_keep_the_limit(tmp_path, seed):
    rng = random.Random(seed)
    fake = FakeTime()
    limiters = [RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
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
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    assert limiter.acquire() == 0.0
    assert limiter.acquire() == pytest.approx(INTERVAL_20)
    assert limiter.shared
    data = json.loads(path.read_text())
    assert data["v"] == ratelimit.STATE_VERSION and len(data["log"]) == 2


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
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
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
    assert limiter.acquire() == 0.0
    assert limiter.acquire() == pytest.approx(INTERVAL_20)
    assert not limiter.shared
    assert "pacing within this process only" in limiter.fallback_reason
    assert SECRET_ID not in limiter.fallback_reason
    assert not os.path.exists(missing)


def test_losing_the_file_mid_run_keeps_the_pace(tmp_path):
    fake = FakeTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    limiter.acquire()
    limiter.acquire()
    os.remove(limiter.path)
    os.mkdir(limiter.path)  # opening it for writing now fails
    before = fake.now
    limiter.acquire()
    assert fake.now - before == pytest.approx(INTERVAL_20)
    assert not limiter.shared and limiter.fallback_reason


def test_a_symlink_in_place_of_the_state_file_is_not_followed(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    os.symlink(str(victim), str(tmp_path / ratelimit.state_file_name(KEY)))
    fake = FakeTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    limiter.acquire()
    assert limiter.acquire() == pytest.approx(INTERVAL_20)
    assert victim.read_text() == "keep me"
    assert not limiter.shared and "symlink" in limiter.fallback_reason


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to hand a file to another user")
def test_a_state_file_of_another_user_is_not_used(tmp_path):
    path = tmp_path / ratelimit.state_file_name(KEY)
    path.write_text('{"v":1,"next":1e12,"log":[],"rate":null,"epoch":0,"updated":0}')
    os.chmod(str(path), 0o600)
    os.chown(str(path), 65534, 65534)
    fake = FakeTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    assert limiter.acquire() == 0.0
    assert not limiter.shared and "another user" in limiter.fallback_reason


def test_without_fcntl_pacing_stays_in_the_process(tmp_path, monkeypatch):
    monkeypatch.setattr(ratelimit, "fcntl", None)
    fake = FakeTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    limiter.acquire()
    assert limiter.acquire() == pytest.approx(INTERVAL_20)
    assert not limiter.shared and "fcntl" in limiter.fallback_reason
    assert os.listdir(str(tmp_path)) == []


def test_a_clock_stepped_back_does_not_stall(tmp_path):
    fake = FakeTime(start=1.7e9)
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    for dummy in range(5):
        limiter.acquire()
    fake.now -= 3600.0
    assert limiter.acquire() == 0.0
    assert limiter.acquire() == pytest.approx(INTERVAL_20, abs=1e-6)  # floats near 1.7e9 carry 0.2 us


def test_a_stale_state_from_long_ago_is_harmless(tmp_path):
    path = tmp_path / ratelimit.state_file_name(KEY)
    path.write_text(json.dumps({"v": 1, "next": 500.0, "log": [499.0] * 30, "rate": 2.0, "epoch": 7, "updated": 500.0}))
    os.chmod(str(path), 0o600)
    fake = FakeTime()
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
    assert limiter.acquire() == 0.0
    assert limiter.current_rate() == 20.0


@pytest.mark.parametrize("rate", [0, 0.0, None])
def test_rate_zero_turns_pacing_off(tmp_path, rate):
    fake = FakeTime()
    limiter = RateLimiter(rate=rate, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep)
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
