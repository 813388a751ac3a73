# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How each client is run against the emulator, and how its output is judged (one row per run).

Every run gets: a pause so that the emulator's one-second window forgets the run before, reset
emulator counters, a fresh HOME, XDG_RUNTIME_DIR and TMPDIR (the module's pacing state lives under
the first two, so no run inherits the window of the run before), a measured child process, and
the emulator's counters afterwards.
A run that returns fewer extensions than asked, or no password where one was asked for, counts
as failed whatever its speed.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time

import emulator as emu
import measure
import tccli as tccli_commands

MODULE = "ansible_collections.tencentcloud.tccc.plugins.modules.tccc_extension_info"
WRITE_MODULE = "ansible_collections.tencentcloud.tccc.plugins.modules.tccc_extensions"
PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks", "read.yml")
WRITE_PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks", "write.yml")
SDK_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sdk_read.py")
# The emulator's rate window is one second; a little more makes sure the last run's requests left it.
SETTLE = 1.2
# A busy loop that ends by itself after argv[1] seconds, should the harness die without killing it.
BUSY = "import sys, time\nend = time.time() + float(sys.argv[1])\nwhile time.time() < end:\n    pass"
_RECAP = re.compile(r"^(\S+)\s+:\s+ok=\d+\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)


class Runner:

    def __init__(self, workdir, collections_path, python=sys.executable, ansible_playbook=None, busy=0):
        self.workdir = workdir
        self.collections_path = collections_path
        self.python = python
        self.ansible_playbook = ansible_playbook or os.path.join(os.path.dirname(python), "ansible-playbook")
        self.count = 0
        self.load = None  # 1-minute load average when the last run started: other work on the machine skews wall times
        self.busy = busy  # processes spinning on the CPU during each run (--load): what a loaded machine does to the pacing

    def _rundir(self, label):
        self.count += 1
        path = os.path.join(self.workdir, "runs", "%03d-%s" % (self.count, re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")))
        shutil.rmtree(path, ignore_errors=True)
        for name in ("tmp", "home", "run"):
            os.makedirs(os.path.join(path, name), mode=0o700)
        return path

    @staticmethod
    def _env(emulator, rundir, **extra):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.path.join(rundir, "home"),
            "XDG_RUNTIME_DIR": os.path.join(rundir, "run"),
            "LANG": "C.UTF-8",
            "TMPDIR": os.path.join(rundir, "tmp"),
            "TENCENTCLOUD_SECRET_ID": emu.SECRET_ID,
            "TENCENTCLOUD_SECRET_KEY": emu.SECRET_KEY,
            "TENCENTCLOUD_CCC_ENDPOINT": emulator.url,
        }
        env.update(extra)
        return env

    def _measure(self, emulator, rundir, argv, env, timeout, keep_stdout=False):
        time.sleep(SETTLE)
        emulator.reset_stats()
        self.load = os.getloadavg()[0]
        spinners = [subprocess.Popen([self.python, "-c", BUSY, str(timeout)]) for _spinner in range(self.busy)]
        try:
            result = measure.run(argv, env, os.path.join(rundir, "stdout"), os.path.join(rundir, "stderr"), timeout, cwd=rundir)
        finally:
            for spinner in spinners:
                spinner.kill()
                spinner.wait()
        stats = emulator.stats()
        if keep_stdout:
            with open(os.path.join(rundir, "output.txt"), "wb") as handle:
                handle.write(result.stdout)
        return result, stats

    def _row(self, client, emulator, result, stats, rundir):
        row = {
            "client": client, "n": emulator.extensions, "latency_ms": emulator.latency_ms,
            "wall": result.wall, "cpu": result.cpu, "rss_mb": result.maxrss_kb / 1024.0,
            "requests": stats["requests"], "throttled": stats["throttled"], "codes": stats["codes"], "load": self.load,
            "returncode": result.returncode, "rundir": rundir, "note": "",
        }
        if result.timed_out:
            row["note"] = "unfinished: killed at the %.0f s limit" % result.wall
        return row

    def module(self, emulator, expected, timeout, extension_ids=None, include_registration=True, client="module alone"):
        """The module's own process: python -m <module> args.json, the staged collection on PYTHONPATH."""
        rundir = self._rundir("module-%s-%s" % (emulator.extensions, emulator.latency_ms))
        args = {"sdk_app_id": emu.SDK_APP_ID, "include_registration": include_registration, "_ansible_no_log": True}
        if extension_ids is not None:
            args["extension_ids"] = extension_ids
        args_path = os.path.join(rundir, "args.json")
        with open(args_path, "w", encoding="utf-8") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
        env = self._env(emulator, rundir, PYTHONPATH=self.collections_path)
        result, stats = self._measure(emulator, rundir, [self.python, "-m", MODULE, args_path], env, timeout)
        row = self._row(client, emulator, result, stats, rundir)
        row["result_bytes"] = len(result.stdout)
        row["failure_unit"] = "task"
        row["failures"], note = _judge_module(result, expected, include_registration)
        row["note"] = row["note"] or note
        return row

    def write_module(self, emulator, count, created, timeout, client="tccc_extensions alone, creates"):
        """tccc_extensions' own process creating ``count`` extensions (``created`` of them new), as module() runs the info module."""
        rundir = self._rundir("write-module-%s-%s" % (count, emulator.latency_ms))
        extensions = [{"extension_id": extension_id, "extension_name": "Bench " + extension_id, "skill_group_ids": [1000]}
                      for extension_id in emu.extension_ids(count)]
        args_path = os.path.join(rundir, "args.json")
        with open(args_path, "w", encoding="utf-8") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": {"sdk_app_id": emu.SDK_APP_ID, "extensions": extensions, "include_registration": False,
                                               "_ansible_no_log": True}}, handle)
        env = self._env(emulator, rundir, PYTHONPATH=self.collections_path)
        result, stats = self._measure(emulator, rundir, [self.python, "-m", WRITE_MODULE, args_path], env, timeout)
        row = self._write_row(client, emulator, count, result, stats, rundir)
        document = _json(result.stdout)
        done = len(document.get("created", [])) if isinstance(document, dict) and not document.get("failed") else -1
        row["failures"] = 0 if done == created else 1
        row["note"] = row["note"] or ("" if done == created else "created %d, expected %d" % (done, created))
        return row

    def _write_row(self, client, emulator, count, result, stats, rundir):
        row = self._row(client, emulator, result, stats, rundir)
        row["n"] = count
        row["listings"] = stats["actions"].get("DescribeExtensions", {}).get("requests", 0)
        row["writes"] = sum(stats["actions"].get(action, {}).get("requests", 0)
                            for action in ("CreateExtension", "ModifyExtension", "DeleteExtension", "ResetExtensionPassword"))
        row["failure_unit"] = "task"
        return row

    def write_playbook(self, emulator, mode, count, created, timeout, include_registration=False, client=None):
        """A whole ansible-playbook run of playbooks/write.yml: ``count`` extensions made to exist by one
        tccc_extensions task (mode "list") or a loop of tccc_extension (mode "loop"), ``created`` of them new."""
        rundir = self._rundir("write-%s-%s-%s" % (mode, count, emulator.latency_ms))
        extra_vars = os.path.join(rundir, "vars.json")
        with open(extra_vars, "w", encoding="utf-8") as handle:
            json.dump({"bench_sdk_app_id": emu.SDK_APP_ID, "bench_mode": mode, "bench_count": count, "bench_expect_created": created,
                       "bench_include_registration": include_registration}, handle)
        env = self._env(emulator, rundir, ANSIBLE_COLLECTIONS_PATH=self.collections_path, ANSIBLE_LOCALHOST_WARNING="false",
                        ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="false")
        argv = [self.ansible_playbook, "-i", "localhost,", "-c", "local", "-e", "@" + extra_vars, WRITE_PLAYBOOK]
        result, stats = self._measure(emulator, rundir, argv, env, timeout, keep_stdout=True)
        row = self._write_row(client or "ansible-playbook, %s" % mode, emulator, count, result, stats, rundir)
        row["failures"], note = _judge_playbook(result, {"localhost": None})
        row["note"] = row["note"] or note
        return row

    def playbook(self, emulator, hosts, expected, timeout, include_registration=True, client="ansible-playbook"):
        """A whole ansible-playbook run of playbooks/read.yml over ``hosts`` ({name: extension ids or None})."""
        rundir = self._rundir("playbook-%s-%s-%s" % (emulator.extensions, emulator.latency_ms, len(hosts)))
        host_vars = {}
        for name, ids in hosts.items():
            host_vars[name] = {"ansible_connection": "local"}
            if ids is not None:
                host_vars[name]["bench_extension_ids"] = ids
        inventory = os.path.join(rundir, "inventory.yml")
        with open(inventory, "w", encoding="utf-8") as handle:
            json.dump({"all": {"hosts": host_vars}}, handle)  # JSON is YAML
        extra_vars = os.path.join(rundir, "vars.json")
        with open(extra_vars, "w", encoding="utf-8") as handle:
            json.dump({"bench_sdk_app_id": emu.SDK_APP_ID, "bench_expected": expected, "bench_include_registration": include_registration},
                      handle)
        env = self._env(emulator, rundir, ANSIBLE_COLLECTIONS_PATH=self.collections_path, ANSIBLE_LOCALHOST_WARNING="false",
                        ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="false")
        argv = [self.ansible_playbook, "-i", inventory, "-e", "@" + extra_vars, "--forks", str(max(1, len(hosts))), PLAYBOOK]
        # The task has no_log and the check prints no values: this output holds no password and is kept for reading.
        result, stats = self._measure(emulator, rundir, argv, env, timeout, keep_stdout=True)
        row = self._row(client, emulator, result, stats, rundir)
        row["failure_unit"] = "host" if len(hosts) > 1 else "task"
        row["failures"], note = _judge_playbook(result, hosts)
        row["note"] = row["note"] or note
        return row

    def sdk(self, emulator, timeout, retryer=False, extension_id=None, client=None):
        rundir = self._rundir("sdk-%s-%s" % (emulator.extensions, emulator.latency_ms))
        argv = [self.python, SDK_SCRIPT, "--endpoint", emulator.endpoint, "--sdk-app-id", str(emu.SDK_APP_ID)]
        if retryer:
            argv.append("--retryer")
        if extension_id is not None:
            argv += ["--extension-id", extension_id]
        result, stats = self._measure(emulator, rundir, argv, self._env(emulator, rundir), timeout)
        row = self._row(client or ("SDK + StandardRetryer" if retryer else "SDK"), emulator, result, stats, rundir)
        row["failure_unit"] = "ext"
        expected = 1 if extension_id is not None else emulator.extensions
        row["failures"], note = _judge_sdk(result, expected)
        row["note"] = "; ".join(part for part in (row["note"], note) if part)
        return row

    def tccli_loop(self, emulator, tccli, timeout):
        """tccli ccc DescribeExtensions once, then tccli ccc DescribeExtension for each id: one process per call."""
        rundir = self._rundir("tccli-%s-%s" % (emulator.extensions, emulator.latency_ms))
        env = self._env(emulator, rundir)
        time.sleep(SETTLE)
        emulator.reset_stats()
        self.load = os.getloadavg()[0]
        calls = [("list", tccli_commands.describe_extensions_argv(tccli, emulator.url, emu.SDK_APP_ID))]
        calls += [(extension_id, tccli_commands.describe_extension_argv(tccli, emulator.url, emu.SDK_APP_ID, extension_id))
                  for extension_id in emu.extension_ids(emulator.extensions)]
        wall = cpu = 0.0
        peak = 0
        failures = 0
        first_error = ""
        deadline = time.monotonic() + timeout
        for index, (what, argv) in enumerate(calls):
            result = measure.run(argv, env, os.path.join(rundir, "stdout"), os.path.join(rundir, "stderr-%02d" % index),
                                 max(1.0, deadline - time.monotonic()), cwd=rundir)
            wall += result.wall
            cpu += result.cpu
            peak = max(peak, result.maxrss_kb)
            ok = result.returncode == 0 and _tccli_ok(result.stdout, what)
            if not ok:
                failures += 1
                if not first_error:
                    first_error = _first_line(result.stdout) or _read_first_line(os.path.join(rundir, "stderr-%02d" % index))
        stats = emulator.stats()
        row = {
            "client": "tccli loop", "n": emulator.extensions, "latency_ms": emulator.latency_ms, "wall": wall, "cpu": cpu,
            "rss_mb": peak / 1024.0, "requests": stats["requests"], "throttled": stats["throttled"], "codes": stats["codes"],
            "failures": failures, "failure_unit": "call", "rundir": rundir, "load": self.load,
            "note": "%d processes; sends Host: http://127.0.0.1:PORT (scheme included), which the emulator accepts" % len(calls),
        }
        if first_error:
            row["note"] += "; first error: %s" % first_error[:160]
        return row


def _json(stdout):
    try:
        return json.loads(stdout.decode("utf-8"))
    except ValueError:
        return None


def _first_line(data):
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else ""


def _read_first_line(path):
    with open(path, "rb") as handle:
        return _first_line(handle.read())


def _judge_module(result, expected, include_registration):
    document = _json(result.stdout)
    if not isinstance(document, dict):
        return 1, "no JSON result (exit %s)" % result.returncode
    if document.get("failed"):
        return 1, "failed: %s" % (document.get("error") or {}).get("code", document.get("msg", "")[:120])
    extensions = document.get("extensions") or []
    with_password = sum(1 for ext in extensions if ext.get("password"))
    if len(extensions) != expected or (include_registration and with_password != expected):
        return 1, "returned %d extensions, %d with a password; expected %d" % (len(extensions), with_password, expected)
    return 0, ""


def _judge_playbook(result, hosts):
    recap = dict((name, int(unreachable) + int(failed)) for name, unreachable, failed in _RECAP.findall(result.stdout.decode("utf-8", "replace")))
    failed = sum(1 for name in hosts if recap.get(name, 1))
    note = ""
    if failed:
        note = "see output.txt" if recap else "no play recap (exit %s)" % result.returncode
    return failed, note


def _judge_sdk(result, expected):
    document = _json(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else b"")
    if not isinstance(document, dict):
        return expected, "no summary (exit %s)" % result.returncode
    if document.get("listing_failed"):
        return expected, "listing failed: %s" % document["listing_failed"]
    failures = document["failures"] + max(0, expected - document["listed"])
    note = ", ".join("%s x%d" % (code, count) for code, count in sorted(document.get("errors", {}).items()))
    if document.get("done", expected) < expected:
        note = "; ".join(part for part in ("%d of %d reads done" % (document["done"], expected), note) if part)
    return failures, note


def _tccli_ok(stdout, what):
    document = _json(stdout)
    if not isinstance(document, dict):
        return False
    if what == "list":
        return isinstance(document.get("ExtensionList"), list)
    return bool(document.get("Password"))
