# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Claim: the module reads what a user would otherwise script, at the API's pace, never refused.

For N extensions (20, 200, 1000) x injected latency (0, 50, 200 ms), each on its own emulator:
tccc_extension_info alone; the official SDK's serial loop (sdk_read.py) with its defaults and with
StandardRetryer; tccli, one process per call (N=20 only, from .venv/tccli, which this script
creates from requirements-tccli.txt). Target: 0 throttled and 0 failures for the module in every
cell; the SDK and tccli rows are what the module is compared with.
"""

import json
import os
import subprocess
import sys

import harness

SERIAL_CAP = 100.0  # serial loops predicted to take longer are skipped unless --full
REQUIREMENTS = os.path.join(harness.HERE, "requirements-tccli.txt")


def sdk(bench, emulator, limit, retryer=False, extension_id=None, client=None):
    """sdk_read.py: the SDK used as its examples show; failures are extension reads that failed or never happened."""
    argv = [sys.executable, os.path.join(harness.HERE, "sdk_read.py"), "--endpoint", emulator.url[len("http://"):],
            "--sdk-app-id", str(harness.SDK_APP_ID)] + (["--retryer"] if retryer else []) + (["--extension-id", extension_id] if extension_id else [])
    row = bench.run(emulator, client or ("SDK + StandardRetryer" if retryer else "SDK"), argv, limit)
    expected = 1 if extension_id else emulator.extensions
    try:
        summary = json.loads(row.pop("stdout").strip().splitlines()[-1].decode("utf-8"))
    except (ValueError, IndexError):
        summary = {"failures": expected, "listed": expected, "errors": {"no summary (exit %s)" % row["returncode"]: 1}}
    row["failures"] = summary["failures"] + max(0, expected - summary["listed"])
    notes = [row["note"], summary.get("listing_failed") and "listing failed: %s" % summary["listing_failed"]]
    if summary.get("done", expected) < expected:
        notes.append("%d of %d reads done" % (summary["done"], expected))
    notes += ["%s x%d" % item for item in sorted(summary.get("errors", {}).items())]
    row["note"] = "; ".join(note for note in notes if note)
    return row


def tccli(bench):
    """The tccli executable in .venv/tccli, (re)created while requirements-tccli.txt changed: it pulls the
    whole Tencent Cloud SDK (hundreds of MB), which no environment of the collection may carry."""
    venv = os.path.join(harness.ROOT, ".venv", "tccli")
    with open(REQUIREMENTS, encoding="utf-8") as handle:
        wanted = handle.read()
    stamp = os.path.join(venv, ".stamp")
    try:
        with open(stamp, encoding="utf-8") as handle:
            current = handle.read()
    except OSError:
        current = None
    if current != wanted:
        print("tccli: creating .venv/tccli (log: %s/tccli-install.log)" % bench.out, flush=True)
        with open(os.path.join(bench.out, "tccli-install.log"), "ab") as log:
            subprocess.run([sys.executable, "-m", "venv", "--clear", venv], check=True, stdout=log, stderr=log)
            subprocess.run([os.path.join(venv, "bin", "python"), "-m", "pip", "install", "-r", REQUIREMENTS], check=True, stdout=log, stderr=log)
        with open(stamp, "w", encoding="utf-8") as handle:
            handle.write(wanted)
    return os.path.join(venv, "bin", "tccli")


def tccli_loop(bench, emulator, program, limit):
    """tccli ccc DescribeExtensions, then DescribeExtension per id, one process per call: wall and CPU are sums.
    tccli speaks plain HTTP only to an --endpoint written http://host:port, and sends that whole URL as Host."""
    common = ["--SdkAppId", str(harness.SDK_APP_ID), "--endpoint", emulator.url]
    calls = [[program, "ccc", "DescribeExtensions", "--PageNumber", "0", "--PageSize", "100"] + common]
    calls += [[program, "ccc", "DescribeExtension", "--ExtensionId", ext] + common for ext in harness.extension_ids(emulator.extensions)]
    total = None
    for index, argv in enumerate(calls):
        row = bench.run(emulator, "tccli loop", argv, limit, settle=not index)  # the counters then run on over the calls
        try:
            answer = json.loads(row.pop("stdout").decode("utf-8"))
        except ValueError:
            answer = {}
        ok = row["returncode"] == 0 and (isinstance(answer.get("ExtensionList"), list) if index == 0 else bool(answer.get("Password")))
        if total is None:
            total = dict(row, failures=0, wall=0.0, cpu=0.0)
        total.update(wall=total["wall"] + row["wall"], cpu=total["cpu"] + row["cpu"], rss_mb=max(total["rss_mb"], row["rss_mb"]),
                     requests=row["requests"], throttled=row["throttled"], failures=total["failures"] + (not ok))
    total["note"] = "%d processes" % len(calls)
    return total


def measure(bench):
    args = bench.args
    program = None
    for n in args.sizes:
        for latency_ms in args.latencies:
            limit = harness.time_limit(n, latency_ms)
            with bench.emulator(n, latency_ms) as emulator:
                row = bench.add(bench.read(emulator, n, limit), harness.floor(n))
                bench.check("module alone, N=%d at %d ms: 0 throttled, 0 failures" % (n, latency_ms),
                            "%d throttled, %d failures" % (row["throttled"], row["failures"]), not row["throttled"] and not row["failures"])
                serial = n * latency_ms / 1000.0
                for retryer in (False, True):
                    if serial > SERIAL_CAP and not args.full:
                        bench.add({"client": "SDK + StandardRetryer" if retryer else "SDK", "n": n, "latency_ms": latency_ms,
                                   "note": "skipped: a serial loop takes at least N x latency = %.0f s (--full runs it)" % serial})
                    else:  # StandardRetryer sleeps 7 s per throttled read: a shorter limit bounds what a stall costs
                        bench.add(sdk(bench, emulator, 60.0 + 2.0 * max(harness.floor(n), n * (0.01 + latency_ms / 1000.0)), retryer),
                                  harness.floor(n))
                if n == 20 and not args.no_tccli:
                    program = program or tccli(bench)
                    bench.add(tccli_loop(bench, emulator, program, limit), harness.floor(n))


def main():
    parser = harness.parser(__doc__, "N=20 at 0 and 50 ms only, to check the harness")
    parser.add_argument("--sizes", type=harness.numbers, help="N, comma-separated (default: 20,200,1000)")
    parser.add_argument("--latencies", type=harness.numbers, help="injected latency in ms, comma-separated (default: 0,50,200)")
    parser.add_argument("--full", action="store_true", help="also the serial SDK runs skipped for time (N=1000 at 200 ms: 200 s each)")
    parser.add_argument("--no-tccli", action="store_true", help="leave tccli out (its first install pulls hundreds of MB)")
    args = parser.parse_args()
    args.sizes = args.sizes or ([20] if args.quick else [20, 200, 1000])
    args.latencies = args.latencies or ([0, 50] if args.quick else [0, 50, 200])
    return harness.main("vs_sdk", measure, args)


if __name__ == "__main__":
    sys.exit(main())
