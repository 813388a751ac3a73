# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the benchmark scripts share: the staged collection, the emulator, one measured run, the report.

Every measured run waits SETTLE (so the emulator's one-second window has forgotten the run before),
resets the emulator's counters and gets a HOME, XDG_RUNTIME_DIR and TMPDIR of its own: the pacer
keeps its state under the first two, so no run inherits another's window. The child runs in a
session of its own (a timeout ends its whole tree); wall time, CPU and peak RSS come from
os.wait4(), which counts every descendant the child waited for (ansible-playbook's workers and the
module), peak RSS being the largest single process. A run that returns less than asked counts as
failed whatever its speed.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from importlib.metadata import PackageNotFoundError, version

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RATE = 20.0  # the API accepts 20 requests per action and account in any sliding second
SETTLE = 1.2
# Made-up account of the benchmark's data file: valid on the emulator only.
SECRET_ID = "AKIDBENCHMARK0000000000000000000000001"
SECRET_KEY = "benchmark-secret-key-emulator-only01"
SDK_APP_ID = 1400000042
MODULES = "ansible_collections.tencentcloud.tccc.plugins.modules."
# A busy loop that ends by itself after argv[1] seconds, should the harness die without killing it.
BUSY = "import sys, time\nend = time.time() + float(sys.argv[1])\nwhile time.time() < end:\n    pass"
_RECAP = re.compile(r"^localhost\s+:\s+ok=\d+\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the emulator is on loopback: no proxy
COLUMNS = (("client", "client"), ("N", "n"), ("latency ms", "latency_ms"), ("wall s", "wall"), ("floor s", "floor"),
           ("x floor", "ratio"), ("requests", "requests"), ("throttled", "throttled"), ("failures", "failures"),
           ("CPU s", "cpu"), ("peak RSS MB", "rss_mb"), ("load", "load"), ("note", "note"))


def floor(requests):
    """The least time N paced requests of one action can take: N / 20 s."""
    return requests / RATE


def time_limit(n, latency_ms):
    """Generous: three times the slower of paced and serial time, plus start-up."""
    return 120.0 + 3.0 * max(floor(n), n * (0.01 + latency_ms / 1000.0))


def extension_ids(count):
    """The ids the emulator's --extensions N generates on an empty instance."""
    return [str(1001 + index) for index in range(count)]


def numbers(text):
    """Comma-separated whole numbers, for options such as --sizes 200,1000."""
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("expected comma-separated whole numbers, got %r" % text) from None


def parser(description, quick_help):
    result = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    result.add_argument("--quick", action="store_true", help=quick_help)
    result.add_argument("--load", type=int, default=0, metavar="K", help="K busy-loop processes beside every measured run")
    result.add_argument("--out", default=os.path.join(ROOT, "build", "bench"), help="where CLAIM.md, CLAIM.json and the run directories go")
    result.add_argument("--emulator", default=os.path.join(ROOT, "tests", "emulator"), help="the emulator program (a patched copy to compare)")
    result.add_argument("--collections-path", default=os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep)[0],
                        help="directory holding ansible_collections/tencentcloud/tccc (default: $ANSIBLE_COLLECTIONS_PATH, else a fresh copy)")
    return result


def stage(dest):
    """Copy the files git knows (tracked or not ignored) to DEST/ansible_collections/tencentcloud/tccc."""
    target = os.path.join(dest, "ansible_collections", "tencentcloud", "tccc")
    shutil.rmtree(target, ignore_errors=True)
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, check=True,
                           stdout=subprocess.PIPE).stdout.decode("utf-8").split("\0")
    for name in names:
        if name and os.path.isfile(os.path.join(ROOT, name)):
            os.makedirs(os.path.dirname(os.path.join(target, name)), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, name), os.path.join(target, name))
    return os.path.abspath(dest)


class Emulator:
    """tests/emulator on a free port with exactly ``extensions`` extensions and ``latency_ms`` before each answer."""

    def __init__(self, program, workdir, extensions, latency_ms):
        self.program, self.workdir, self.extensions, self.latency_ms = program, workdir, extensions, latency_ms
        self.process = self.url = None

    def __enter__(self):
        port_file, data = os.path.join(self.workdir, "emulator.port"), os.path.join(self.workdir, "emulator-data.json")
        if os.path.exists(port_file):
            os.unlink(port_file)
        with open(data, "w", encoding="utf-8") as handle:  # one account, one instance without extensions
            json.dump({"accounts": [{"uin": "100000000042", "secret_id": SECRET_ID, "secret_key": SECRET_KEY}],
                       "instances": [{"sdk_app_id": SDK_APP_ID, "uin": "100000000042", "skill_groups": [1000, 1001, 1002],
                                      "extensions": []}]}, handle)
        argv = [sys.executable, self.program, "--port", "0", "--port-file", port_file, "--data", data, "--quiet", "--exit-on-stdin-close",
                "--extensions", str(self.extensions), "--latency", str(self.latency_ms)]
        with open(os.path.join(self.workdir, "emulator.log"), "ab") as log:
            # stdin is a pipe nobody writes to: should the benchmark be killed, the emulator ends with it.
            self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 60
        while not os.path.exists(port_file) or not os.path.getsize(port_file):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError("the emulator did not start: see %s/emulator.log" % self.workdir)
            time.sleep(0.05)
        with open(port_file, encoding="ascii") as handle:
            self.url = "http://127.0.0.1:%d" % int(handle.read())
        return self

    def __exit__(self, *exc_info):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.terminate()
            self.process.wait(10)

    def control(self, path, data=None):
        """The emulator's own endpoints (/_emulator/stats, reset-stats), which --latency does not delay."""
        with _DIRECT.open(urllib.request.Request(self.url + path, data=data), timeout=10) as answer:
            return json.loads(answer.read().decode("utf-8"))


def measure(argv, env, rundir, timeout):
    """Run argv; after ``timeout`` s end its process group (SIGTERM, 5 s later SIGKILL).

    stdout goes to a file, not a pipe (a result for 10,000 extensions is megabytes), and the file is
    removed once read: it holds the emulator's SIP passwords."""
    out_path = os.path.join(rundir, "stdout")
    with open(out_path, "wb") as out, open(os.path.join(rundir, "stderr"), "wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=rundir, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        finished, expired = threading.Event(), threading.Event()

        def expire():
            expired.set()
            for signum in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(process.pid, signum)
                except ProcessLookupError:
                    return
                if finished.wait(5.0):
                    return

        watchdog = threading.Timer(timeout, expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            finished.set()
            watchdog.cancel()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
    with open(out_path, "rb") as handle:
        stdout = handle.read()
    os.unlink(out_path)
    return process.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, stdout, expired.is_set()


class Bench:
    """One claim's run: measured rows, the checks against its targets, and the report."""

    def __init__(self, claim, args):
        self.claim, self.args = claim, args
        self.out = os.path.abspath(args.out)
        self.work = os.path.join(self.out, claim)
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        path = args.collections_path
        if not path:
            path = stage(os.path.join(self.out, "stage"))  # run directly, not through run.sh
        if not os.path.isdir(os.path.join(path, "ansible_collections", "tencentcloud", "tccc", "plugins")):
            raise RuntimeError("no ansible_collections/tencentcloud/tccc under %s: give --collections-path or run benchmarks/run.sh" % path)
        self.collections = os.path.abspath(path)
        self.rows, self.checks, self.loads, self.count = [], [], [os.getloadavg()[0]], 0
        self.started = time.monotonic()

    def emulator(self, extensions, latency_ms):
        return Emulator(self.args.emulator, self.work, extensions, latency_ms)

    def run(self, emulator, client, argv, timeout, env=None, inputs=None, settle=True):
        """One measured run of argv in a directory of its own, which holds ``inputs`` ({file name: JSON
        document}) for argv to name; the row has the emulator's counters since the last settled run."""
        self.count += 1
        rundir = os.path.join(self.work, "%02d-%s" % (self.count, re.sub(r"[^A-Za-z0-9]+", "-", client).strip("-")))
        for name in ("home", "run", "tmp"):
            os.makedirs(os.path.join(rundir, name), mode=0o700)
        for name, document in (inputs or {}).items():
            with open(os.path.join(rundir, name), "w", encoding="utf-8") as handle:
                json.dump(document, handle)
        env = dict(env or {}, PATH=os.environ.get("PATH", "/usr/bin:/bin"), LANG="C.UTF-8", HOME=os.path.join(rundir, "home"),
                   XDG_RUNTIME_DIR=os.path.join(rundir, "run"), TMPDIR=os.path.join(rundir, "tmp"), TENCENTCLOUD_SECRET_ID=SECRET_ID,
                   TENCENTCLOUD_SECRET_KEY=SECRET_KEY, TENCENTCLOUD_CCC_ENDPOINT=emulator.url)
        if settle:
            time.sleep(SETTLE)
            emulator.control("/_emulator/reset-stats", b"")
        load = os.getloadavg()[0]
        self.loads.append(load)
        spinners = [subprocess.Popen([sys.executable, "-c", BUSY, str(timeout)]) for _index in range(self.args.load)]
        try:
            returncode, wall, cpu, rss_mb, stdout, expired = measure(argv, env, rundir, timeout)
        finally:
            for spinner in spinners:
                spinner.kill()
                spinner.wait()
        stats = emulator.control("/_emulator/stats")
        return {"client": client, "n": emulator.extensions, "latency_ms": emulator.latency_ms, "wall": wall, "cpu": cpu, "rss_mb": rss_mb,
                "requests": stats["requests"], "throttled": stats["throttled"], "actions": stats["actions"], "load": load,
                "returncode": returncode, "rundir": rundir, "stdout": stdout, "failures": 0,
                "note": "unfinished: killed at the %.0f s limit" % wall if expired else ""}

    def module(self, emulator, name, module_args, timeout, client):
        """The module's own process (python -m, the staged collection on PYTHONPATH: no AnsiballZ, no
        controller); row["result"] is its parsed JSON result, or None."""
        document = {"ANSIBLE_MODULE_ARGS": dict(module_args, sdk_app_id=SDK_APP_ID, _ansible_no_log=True)}
        row = self.run(emulator, client, [sys.executable, "-m", MODULES + name, "args.json"], timeout, {"PYTHONPATH": self.collections},
                       {"args.json": document})
        row["result_bytes"] = len(row["stdout"])
        try:
            row["result"] = json.loads(row.pop("stdout").decode("utf-8"))
        except ValueError:
            row["result"] = None
        if not isinstance(row["result"], dict) or row["result"].get("failed"):
            row["failures"] = 1
            row["note"] = row["note"] or "failed: %s" % (row["result"] or {}).get("msg", "no JSON result")[:120]
        return row

    def read(self, emulator, expected, timeout, client="module alone", **module_args):
        """tccc_extension_info's own process; failed unless ``expected`` extensions came back, each
        with a password when registration was read."""
        module_args.setdefault("include_registration", True)
        row = self.module(emulator, "tccc_extension_info", module_args, timeout, client)
        extensions = (row["result"] or {}).get("extensions") or []
        passwords = sum(1 for item in extensions if item.get("password"))
        if not row["failures"] and (len(extensions) != expected or module_args["include_registration"] and passwords != expected):
            row["failures"] = 1
            row["note"] = "returned %d extensions, %d with a password; expected %d" % (len(extensions), passwords, expected)
        return row

    def playbook(self, emulator, playbook, extra_vars, timeout, client):
        """A whole ansible-playbook run of benchmarks/playbooks/PLAYBOOK on localhost; its tasks use
        no_log and its asserts print no values, so its output (output.txt) is kept for reading."""
        argv = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local", "-e", "@vars.json",
                os.path.join(HERE, "playbooks", playbook)]
        row = self.run(emulator, client, argv, timeout, {"ANSIBLE_COLLECTIONS_PATH": self.collections, "ANSIBLE_NOCOLOR": "1",
                                                         "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_RETRY_FILES_ENABLED": "false"},
                       {"vars.json": dict(extra_vars, bench_sdk_app_id=SDK_APP_ID)})
        output = row.pop("stdout")
        with open(os.path.join(row["rundir"], "output.txt"), "wb") as handle:
            handle.write(output)
        recap = _RECAP.search(output.decode("utf-8", "replace"))
        if not recap or int(recap.group(1)) + int(recap.group(2)):
            row["failures"] = 1
            row["note"] = row["note"] or "failed: see %s/output.txt" % row["rundir"]
        return row

    def add(self, row, floor_s=None, note=None):
        row.pop("stdout", None)
        row.pop("result", None)
        if floor_s:
            row["floor"], row["ratio"] = floor_s, row["wall"] / floor_s
        row["note"] = row["note"] or note or ""
        self.rows.append(row)
        print("  ".join(["[%s] %-34s N=%-5s %4s ms" % (self.claim, row["client"], row["n"], row["latency_ms"])]
                        + ["%s %s" % (title, cell(row, key)) for title, key in COLUMNS[3:] if row.get(key) not in (None, "")]), flush=True)
        return row

    def check(self, target, measured, met):
        self.checks.append({"target": target, "measured": measured, "met": bool(met)})

    def finish(self):
        """Print the table, the checks and the run line; write OUT/CLAIM.md and OUT/CLAIM.json."""
        lines = ["| " + " | ".join(title for title, _key in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        lines += ["| " + " | ".join(cell(row, key) for _title, key in COLUMNS) + " |" for row in self.rows]
        if self.checks:
            lines += ["", "| target | measured | |", "|---|---|---|"]
            lines += ["| %(target)s | %(measured)s | " % check + ("met |" if check["met"] else "**missed** |") for check in self.checks]
        versions = []
        for name in ("ansible-core", "requests", "tencentcloud-sdk-python-common", "tencentcloud-sdk-python-ccc"):
            try:
                versions.append("%s %s" % (name, version(name)))
            except PackageNotFoundError:
                pass  # the SDK is only installed where a claim compares with it
        commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, stdout=subprocess.PIPE, check=False)
        lines += ["", "Run: `benchmarks/run.sh %s` on %s UTC at %s, %d CPUs, Python %s, %s; %.0f s in all; 1-minute load average %.1f to %.1f." % (
            " ".join([self.claim] + sys.argv[1:]), datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
            commit.stdout.decode().strip() or "?", os.cpu_count(), platform.python_version(), ", ".join(versions),
            time.monotonic() - self.started, min(self.loads), max(self.loads))]
        text = "\n".join(lines)
        print("\n" + text)
        with open(os.path.join(self.out, self.claim + ".md"), "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        with open(os.path.join(self.out, self.claim + ".json"), "w", encoding="utf-8") as handle:
            json.dump({"rows": self.rows, "checks": self.checks, "run": lines[-1]}, handle, indent=1)
        return 0


def cell(row, key):
    value = row.get(key)
    if value is None:
        return "-"
    if key == "throttled" and row.get("requests"):
        return "%d (%.1f%%)" % (value, 100.0 * value / row["requests"])
    if key in ("wall", "floor", "cpu"):
        return "%.2f" % value if value < 10 else "%.1f" % value
    if key in ("rss_mb", "load", "ratio"):
        return {"rss_mb": "%.0f", "load": "%.1f", "ratio": "%.2f"}[key] % value
    return str(value).replace("|", "\\|")


def main(claim, function, args):
    """Run function(bench) and report; a harness failure is one line on stderr, never a traceback."""
    try:
        bench = Bench(claim, args)
        function(bench)
        return bench.finish()
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        sys.stderr.write("%s: %s\n" % (claim, exc))
        return 1
