# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pacer: the sliding window across threads and processes, the pause after a refusal, entries
moved by late departures, the bounds on every wait, stop on signal, and the private state file.
Simulated time everywhere; the tests with real processes judge release times the pacer logged,
never how long anything took."""

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

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _pacing as ratelimit
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _workers as stop
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ApiError
from ansible_collections.tencentcloud.tccc.plugins.module_utils._pacing import RateLimiter
from ansible_collections.tencentcloud.tccc.tests.emulator.tccc_emulator.ratelimit import SlidingWindowLimiter
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import PinnedSession, TcccCall, pinned_client


SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
KEY = "%s|ccc.tencentcloudapi.com|ccc|DescribeExtension" % SECRET_ID
# The span of the window the pacer keeps: releases i and i + 20 are at least this far apart.
SPAN = ratelimit.WINDOW * (1.0 + ratelimit.GUARD)
FORK = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


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


def paced(tmp_path, fake, rate=20, key=KEY, **kwargs):
    """A limiter on simulated time whose state file lives in the test's directory."""
    return RateLimiter(rate=rate, key=key, state_dir=str(tmp_path), clock=fake.clock, sleep=fake.sleep, **kwargs)


def window_holds(stamps, limit=20, span=SPAN):
    """Whether releases i and i + limit are always at least ``span`` apart."""
    stamps = sorted(stamps)
    assert len(stamps) > limit, "too few releases to test the window"
    return min(b - a for a, b in zip(stamps, stamps[limit:])) >= span - 1e-9


def at_once(waits):
    return len(waits) > 0 and all(abs(wait) <= 1e-9 for wait in waits)


def acquire_in_threads(limiters, vt, per_thread):
    stamps = []

    def body(limiter):
        def run():
            for dummy in range(per_thread):
                limiter.acquire()
                stamps.append(vt.clock())
        return run

    vt.run([body(limiter) for limiter in limiters])
    return sorted(stamps)


def state_files(directory):
    return [name for name in os.listdir(str(directory)) if name.startswith(ratelimit.FILE_PREFIX)]


def write_state(tmp_path, content):
    path = tmp_path / ratelimit.state_file_name(KEY)
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    os.chmod(str(path), 0o600)
    return path


# The sliding window


@pytest.mark.parametrize("rate, limit, span", [(20, 20, SPAN), (7.0, 7, SPAN), (2.5, 2, SPAN), (0.5, 1, 2 * SPAN), (40, 40, SPAN)])
def test_an_idle_budget_releases_the_limit_at_once_then_waits_for_the_window(tmp_path, rate, limit, span):
    fake = FakeTime()
    limiter = paced(tmp_path, fake, rate=rate)
    assert limiter.limit == limit
    assert at_once([limiter.acquire() for dummy in range(limit)])
    assert limiter.acquire() == pytest.approx(span)
    fake.now += 0.25
    assert limiter.acquire() == pytest.approx(0.0 if limit > 1 else span - 0.25)


@pytest.mark.parametrize("shared", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_threads_woken_late_never_put_more_than_the_limit_in_a_window(tmp_path, shared, seed):
    rng = random.Random(seed)
    vt = VirtualTime(lateness=lambda: rng.uniform(0.0, 0.12) if rng.random() < 0.3 else 0.0)
    limiters = [RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), shared=shared, clock=vt.clock, sleep=vt.sleep)] * 8
    stamps = acquire_in_threads(limiters, vt, 25)
    assert len(stamps) == 200 and window_holds(stamps)
    # The window is used, not wasted: ten windows for 200 requests, and not many more.
    assert stamps[-1] - stamps[0] < 10 * (SPAN + 0.12)
    assert limiters[0].shared is shared


def test_limiters_on_one_key_share_one_window_and_other_keys_do_not(tmp_path):
    # Two objects on one state file are what two forks of one Ansible task are.
    fake = FakeTime()
    first, second, other = paced(tmp_path, fake), paced(tmp_path, fake), paced(tmp_path, fake, key=KEY + "x")
    assert at_once([limiter.acquire() for limiter in (first, second) for dummy in range(10)])
    assert second.acquire() == pytest.approx(SPAN)
    assert at_once([other.acquire() for dummy in range(20)])
    assert len(state_files(tmp_path)) == 2
    alone = paced(tmp_path, fake, shared=False)
    assert at_once([alone.acquire() for dummy in range(20)]) and not alone.shared


def _released_in_a_fork(state_dir, shared, count, start_at, results):
    limiter = RateLimiter(rate=20, key=KEY, state_dir=state_dir, shared=shared)
    time.sleep(max(0.0, start_at - time.time()))
    stamps = []
    for dummy in range(count):
        limiter.acquire()
        stamps.append(limiter._local.released)  # pylint: disable=protected-access
    results.put(stamps)


@pytest.mark.skipif(FORK is None, reason="needs fork")
@pytest.mark.parametrize("shared", [True, False])
def test_processes_share_one_window(tmp_path, shared):
    # Each fork logs its release times (wall clock, the same in every process); judged on those, a
    # slow machine only spreads them further. Without the shared file each fork sends its ten at once.
    results = FORK.Queue()
    start_at = time.time() + 0.3
    workers = [FORK.Process(target=_released_in_a_fork, args=(str(tmp_path), shared, 10, start_at, results)) for dummy in range(5)]
    for worker in workers:
        worker.start()
    stamps = [stamp for dummy in workers for stamp in results.get(timeout=120)]
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    assert len(stamps) == 50
    assert window_holds(stamps) is shared


def test_a_slow_run_never_makes_a_default_run_wait_more_than_a_window(tmp_path):
    vt = VirtualTime()
    slow, fast = paced(tmp_path, vt, rate=0.01), paced(tmp_path, vt)
    slow_stamps, waits = [], []

    def slow_worker():
        slow.acquire()
        slow_stamps.append(vt.clock())

    def probe():
        vt.sleep(3.0)
        waits.extend(fast.acquire() for dummy in range(21))

    vt.run([slow_worker] * 3 + [probe])
    assert at_once(waits[:20]) and waits[20] == pytest.approx(SPAN)
    # The slow run keeps its own pace: one request per 103 s.
    assert slow_stamps == pytest.approx([1000.0, 1000.0 + 100 * SPAN, 1000.0 + 200 * SPAN])


# A refusal pauses everyone


def test_a_refusal_pauses_every_run_on_the_key_one_window_and_its_echoes_do_not_extend_it(tmp_path):
    fake = FakeTime()
    refused, other = paced(tmp_path, fake), paced(tmp_path, fake)
    refused.acquire()
    echo = paced(tmp_path, fake)
    echo.acquire()  # sent alongside the refused one
    fake.now += 0.2
    refused.throttled()
    fake.now += 0.3
    echo.throttled()
    assert other.acquire() == pytest.approx(SPAN - 0.3)
    # A request sent after the pause began and refused again starts a new pause.
    other.throttled()
    assert refused.acquire() == pytest.approx(SPAN)


@pytest.mark.parametrize("seed", range(4))
def test_random_mixes_of_callers_refusals_and_answers_keep_the_window_and_the_bound(tmp_path, seed):
    rng = random.Random(seed)
    fake = FakeTime()
    limiters = [paced(tmp_path, fake) for dummy in range(3)]
    stamps, waits = [], []
    for dummy in range(150):
        limiter = rng.choice(limiters)
        fake.now += rng.choice([0.0, 0.0, 0.01, 0.3, 2.0 * rng.random()])
        waits.append(limiter.acquire())
        stamps.append(fake.now)
        fake.now += rng.choice([0.0, 0.05, 0.2])
        (limiter.throttled if rng.random() < 0.1 else limiter.succeeded)()
    assert window_holds(stamps)
    assert max(waits) <= SPAN + ratelimit.MAX_LATE + 1e-9


# A loaded machine costs time, not refusals


def loaded_run(tmp_path, stall, seed, latency=0.2, workers=12, count=200):
    """``workers`` threads send ``count`` requests through one limiter to the emulator's own window
    (SlidingWindowLimiter, 20 per second) on simulated time. A loaded machine holds each request
    back a random 0 to ``stall`` seconds between its release and its departure; the server counts
    it when it arrives and answers after ``latency``; a refusal is retried. Returns (refusals, seconds)."""
    rng = random.Random(seed)
    vt = VirtualTime()
    limiter = paced(tmp_path, vt)
    server = SlidingWindowLimiter(20, ratelimit.WINDOW, clock=vt.clock)
    refusals, todo, lock = [], list(range(count)), threading.Lock()

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                todo.pop()
                held = [rng.uniform(0.0, stall) for dummy in range(10)]
            while True:
                limiter.acquire()
                vt.sleep(held.pop())
                accepted = server.allow("key")
                vt.sleep(latency)
                if accepted:
                    limiter.succeeded()
                    break
                refusals.append(vt.clock())
                limiter.throttled()

    vt.run([worker] * workers)
    return len(refusals), vt.now - 1000.0


@pytest.mark.parametrize("seed", range(3))
def test_a_loaded_machine_costs_time_not_refusals(tmp_path, seed):
    # Before, the window held between release times only: a request held back 80 ms after its
    # release, and the one 20 places on sent at once, arrived less than a second apart and the
    # second was refused (11 creates and 11 reads of a run of 250 under CPU load).
    idle = loaded_run(tmp_path / "idle", 0.0, seed)
    loaded = loaded_run(tmp_path / "loaded", 0.1, seed)
    assert idle[0] == 0 and loaded[0] == 0
    assert loaded[1] > idle[1]


# No wait without a bound


@pytest.mark.parametrize("content", [
    {"log": [1110.0] * 20, "pause": 1110.0},
    {"log": [], "pause": 1000.0 + SPAN + 0.01},
    {"v": 1, "next": 1110.0, "log": [], "rate": None, "cut_at": 0.0, "epoch": 0, "updated": 1000.0},  # the previous pacer's
])
def test_a_stored_schedule_more_than_a_window_ahead_reads_as_fresh(tmp_path, content):
    # Before, a schedule 110 s ahead (under the old MAX_AHEAD of 120 s) stalled a run 109 s.
    write_state(tmp_path, content)
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    assert at_once([limiter.acquire() for dummy in range(20)]) and limiter.shared
    assert max(json.loads((tmp_path / ratelimit.state_file_name(KEY)).read_text())["log"]) <= fake.now


def test_a_pause_within_the_window_is_kept(tmp_path):
    write_state(tmp_path, {"log": [999.5], "pause": 1000.0 + SPAN})
    assert paced(tmp_path, FakeTime()).acquire() == pytest.approx(SPAN)


def _hold_the_lock(path, locked, release):
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    import fcntl  # pylint: disable=import-outside-toplevel
    fcntl.flock(fd, fcntl.LOCK_EX)
    locked.set()
    release.wait(60)


@pytest.mark.skipif(FORK is None, reason="needs fork")
def test_a_lock_held_by_another_process_falls_back_within_a_window_and_says_so(tmp_path):
    # Before, a blocking flock without a bound stalled a one-request run for as long as the lock was held.
    locked, release = FORK.Event(), FORK.Event()
    holder = FORK.Process(target=_hold_the_lock, args=(str(tmp_path / ratelimit.state_file_name(KEY)), locked, release))
    holder.start()
    try:
        assert locked.wait(30)
        fake = FakeTime()
        session = PinnedSession(TcccCall("DescribeExtension", {}).result())
        client = pinned_client(session, limiter_factory=lambda rate, key: paced(tmp_path, fake, rate=rate, key=KEY))
        done = threading.Thread(target=client.call, args=("DescribeExtension", {}))
        done.start()
        done.join(10)
        assert not done.is_alive(), "the run waited on the lock without a bound"
        session.assert_is_done()
        assert ratelimit.WINDOW <= fake.now - 1000.0 <= ratelimit.WINDOW + 0.01
        (reason,) = client.pacing_problems()
        assert "held the lock" in reason and "pacing within this process only" in reason and SECRET_ID not in reason
    finally:
        release.set()
        holder.join(30)


def test_a_request_that_waited_for_the_lock_is_logged_when_it_left(tmp_path):
    # The time a request is logged at is read under the lock: read before the wait, a request that
    # waited half a second for another process was logged half a second early, and 21 went within a window.
    import fcntl  # pylint: disable=import-outside-toplevel
    fake = FakeTime()
    first = paced(tmp_path, fake)
    for dummy in range(19):
        first.acquire()
    holder = [os.open(first.path, os.O_RDWR)]
    fcntl.flock(holder[0], fcntl.LOCK_EX)

    def sleep(seconds):  # the other process lets go of the lock half a second later
        fake.now += 0.5
        if holder:
            os.close(holder.pop())

    waited = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path), clock=fake.clock, sleep=sleep)
    waited.acquire()
    assert waited.shared
    fake.now = 1000.0 + SPAN + 0.01
    assert at_once([first.acquire() for dummy in range(19)])
    expected = 1000.5 + SPAN - fake.now
    assert first.acquire() == pytest.approx(expected)


@pytest.mark.parametrize("held", [False, True])
def test_a_stop_ends_a_wait_at_once(tmp_path, held):
    # With the real stop.sleep: a stop asked while the run waits for the window, or for the lock.
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path))
    for dummy in range(20):
        limiter.acquire()
    if held:
        import fcntl  # pylint: disable=import-outside-toplevel
        holder = os.open(limiter.path, os.O_RDWR)
        fcntl.flock(holder, fcntl.LOCK_EX)
    timer = threading.Timer(0.05, stop.STOP.set)
    timer.start()
    try:
        with pytest.raises(stop.Stopped):
            limiter.acquire()
    finally:
        timer.join()
        stop.STOP.clear()
        if held:
            os.close(holder)


# The state file and its directory


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b"null", b'{"log": 3, "pause": 0}', b'{"log": ["x"], "pause": 0}',
                                     b'{"log": [], "pause": NaN}', b"\xff\xfe garbage", b'{"log": [], "pause": 0}' + b" " * 70000])
def test_a_damaged_state_file_is_replaced(tmp_path, content):
    path = write_state(tmp_path, content)
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    assert at_once([limiter.acquire() for dummy in range(20)])
    assert len(json.loads(path.read_text())["log"]) == 20 and limiter.shared
    assert limiter.acquire() == pytest.approx(SPAN)


def test_the_state_file_is_private_and_holds_no_key(tmp_path):
    write_state(tmp_path, b"")
    os.chmod(str(tmp_path / ratelimit.state_file_name(KEY)), 0o666)
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    limiter.acquire()
    limiter.throttled()
    limiter.acquire()
    limiter.succeeded()
    (name,) = os.listdir(str(tmp_path))
    assert os.stat(str(tmp_path / name)).st_mode & 0o777 == 0o600
    content = (tmp_path / name).read_text()
    for secretish in (SECRET_ID, SECRET_ID[4:20], "DescribeExtension", "tencentcloudapi"):
        assert secretish not in name and secretish not in content
    assert ratelimit.state_file_name(KEY, uid=1000) != ratelimit.state_file_name(KEY, uid=1001)
    assert ratelimit.state_file_name(KEY, uid=1000) != ratelimit.state_file_name(KEY + "x", uid=1000)
    assert ratelimit.state_file_name(KEY, uid=1000) == ratelimit.state_file_name(KEY.encode(), uid=1000)


def assert_paced_alone(limiter, fake, reason):
    assert at_once([limiter.acquire() for dummy in range(20)])
    assert limiter.acquire() == pytest.approx(SPAN)
    assert not limiter.shared and reason in limiter.fallback_reason and "pacing within this process only" in limiter.fallback_reason
    assert SECRET_ID not in limiter.fallback_reason


def test_an_unusable_directory_falls_back_to_the_process(tmp_path):
    fake = FakeTime()
    missing = str(tmp_path / "missing")
    assert_paced_alone(RateLimiter(rate=20, key=KEY, state_dir=missing, clock=fake.clock, sleep=fake.sleep), fake, "cannot open")
    assert not os.path.exists(missing)


def test_losing_the_file_mid_run_keeps_the_pace(tmp_path):
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    for dummy in range(12):
        limiter.acquire()
    os.remove(limiter.path)
    os.mkdir(limiter.path)
    # The process carries on from the last state: what is left of the window, not a fresh one.
    assert at_once([limiter.acquire() for dummy in range(8)])
    assert limiter.acquire() == pytest.approx(SPAN)
    assert not limiter.shared and limiter.fallback_reason


@pytest.mark.parametrize("link", ["symlink", "link"])
def test_a_link_in_place_of_the_state_file_is_not_written(tmp_path, link):
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    os.chmod(str(victim), 0o644)
    getattr(os, link)(str(victim), str(tmp_path / ratelimit.state_file_name(KEY)))
    fake = FakeTime()
    limiter = paced(tmp_path, fake)
    assert_paced_alone(limiter, fake, ratelimit.state_file_name(KEY))
    assert victim.read_text() == "keep me" and os.stat(str(victim)).st_mode & 0o777 == 0o644


needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to hand a file to another user")


@needs_root
def test_a_state_file_of_another_user_is_not_used(tmp_path):
    path = write_state(tmp_path, {"log": [1000.0] * 20, "pause": 1001.0})
    os.chown(str(path), 65534, 65534)
    fake = FakeTime()
    assert_paced_alone(paced(tmp_path, fake), fake, "not a regular file of this user")


@needs_root
def test_a_state_directory_planted_by_another_user_is_not_used(tmp_path):
    home = tmp_path / "home"
    directory = home / ".ansible" / ratelimit.STATE_DIR_NAME
    directory.mkdir(parents=True)
    os.chown(str(directory), 65534, 65534)
    fake = FakeTime()
    assert_paced_alone(RateLimiter(rate=20, key=KEY, clock=fake.clock, sleep=fake.sleep, env={}, home=str(home)), fake,
                       "belongs to another user")
    assert os.listdir(str(directory)) == []


def test_a_given_state_directory_writable_by_others_is_not_used(tmp_path):
    directory = tmp_path / "open"
    directory.mkdir()
    os.chmod(str(directory), 0o777)
    fake = FakeTime()
    assert_paced_alone(RateLimiter(rate=20, key=KEY, state_dir=str(directory), clock=fake.clock, sleep=fake.sleep), fake,
                       "writable by other users")
    assert os.listdir(str(directory)) == []


def test_without_fcntl_pacing_stays_in_the_process(tmp_path, monkeypatch):
    monkeypatch.setattr(ratelimit, "fcntl", None)
    fake = FakeTime()
    assert_paced_alone(paced(tmp_path, fake), fake, "fcntl")
    assert os.listdir(str(tmp_path)) == []


@pytest.mark.parametrize("runtime_mode", [0o700, 0o755, None])
def test_the_state_lives_in_the_private_runtime_directory_else_under_home(tmp_path, runtime_mode):
    env = {}
    (tmp_path / "home").mkdir()
    if runtime_mode is not None:
        (tmp_path / "run").mkdir()
        os.chmod(str(tmp_path / "run"), runtime_mode)
        env["XDG_RUNTIME_DIR"] = str(tmp_path / "run")
    limiter = RateLimiter(rate=20, key=KEY, env=env, home=str(tmp_path / "home"))
    limiter.acquire()
    if runtime_mode == 0o700:
        made = [tmp_path / "run" / ratelimit.STATE_DIR_NAME]
    else:
        made = [tmp_path / "home" / ".ansible", tmp_path / "home" / ".ansible" / ratelimit.STATE_DIR_NAME]
    assert limiter.shared and os.path.dirname(limiter.path) == str(made[-1])
    assert all(os.stat(str(path)).st_mode & 0o777 == 0o700 for path in made)


def test_an_own_state_directory_left_open_is_closed_again(tmp_path):
    directory = tmp_path / "home" / ".ansible" / ratelimit.STATE_DIR_NAME
    directory.mkdir(parents=True)
    os.chmod(str(directory), 0o777)
    RateLimiter(rate=20, key=KEY, env={}, home=str(tmp_path / "home")).acquire()
    assert os.stat(str(directory)).st_mode & 0o777 == 0o700


def test_idle_state_files_are_removed_and_busy_ones_kept(tmp_path):
    now = time.time()
    old = [tmp_path / ratelimit.state_file_name("old %d" % index) for index in range(5)]
    recent, other = tmp_path / ratelimit.state_file_name("recent"), tmp_path / "not-ours.json"
    for path in old + [recent, other]:
        path.write_text("{}")
    for path in old + [other]:
        os.utime(str(path), (now - ratelimit.STALE_AFTER - 60, now - ratelimit.STALE_AFTER - 60))
    limiter = RateLimiter(rate=20, key=KEY, state_dir=str(tmp_path))
    limiter.acquire()
    assert sorted(os.listdir(str(tmp_path))) == sorted([recent.name, other.name, os.path.basename(limiter.path)])
    # A file removed while a limiter uses it is made again at its next request.
    os.utime(limiter.path, (0, 0))
    assert ratelimit.remove_stale_files(ratelimit._DIRS[str(tmp_path)]) == 1  # pylint: disable=protected-access
    limiter.acquire()
    assert limiter.shared and os.path.exists(limiter.path)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts this process's open descriptors in /proc/self/fd")
def test_the_state_directory_is_opened_once_per_process(tmp_path):
    fake = FakeTime()
    paced(tmp_path, fake).acquire()
    before = len(os.listdir("/proc/self/fd"))
    for number in range(20):
        paced(tmp_path, fake, key="key %d" % number).acquire()
    assert len(os.listdir("/proc/self/fd")) == before


@pytest.mark.parametrize("rate", [0, 0.0, None])
def test_rate_zero_turns_pacing_off(tmp_path, rate):
    fake = FakeTime()
    limiter = paced(tmp_path, fake, rate=rate)
    for dummy in range(100):
        assert limiter.acquire() == 0.0
        limiter.throttled()
        limiter.succeeded()
    assert fake.sleeps == [] and os.listdir(str(tmp_path)) == []


@pytest.mark.parametrize("rate", [-1, float("nan"), float("inf"), "20", True, 1e-12, 0.001, 1e6])
def test_invalid_rates_are_refused(rate):
    with pytest.raises(ValueError, match="from 0.01 to 1000"):
        RateLimiter(rate=rate, key=KEY)


@pytest.mark.parametrize("state_dir, shared", [("missing", False), (".", True)])
def test_a_throttling_failure_says_when_the_budget_was_not_shared_and_why(tmp_path, state_dir, shared):
    directory = str(tmp_path / state_dir)
    session = PinnedSession(TcccCall("DescribeExtension", {}).error("RequestLimitExceeded", "too fast"))
    fake = FakeTime()
    client = pinned_client(session, retries=0, limiter_factory=lambda rate, key: RateLimiter(
        rate=rate, key=key, state_dir=directory, clock=fake.clock, sleep=fake.sleep))
    with pytest.raises(ApiError) as caught:
        client.call("DescribeExtension", {})
    session.assert_is_done()
    note = "the request budget was not shared with other runs on this machine: cannot open the directory %s" % directory
    assert (note in str(caught.value)) is not shared
    assert SECRET_ID not in str(caught.value)
