# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""make bench: tccc_extension_info against the official SDK and tccli, on the local TCCC emulator.

Sections (docs/performance.md explains each and keeps the numbers of one full run):
  grid    N extensions (20, 200, 1000) x injected latency (0, 50, 200 ms): ansible-playbook, the
          module alone, the SDK's serial loop with and without StandardRetryer, tccli (N=20 only)
  forks   20 hosts, forks 20, one extension each (N=200, 50 ms)
  fixed   the fixed cost of one run for one extension (latency 0): module alone vs SDK script
  memory  listing 20 / 1,000 / 10,000 extensions with include_registration=false: peak memory
  writes  tccc_extensions creating N=300 extensions at 200 ms, the no-op rerun, the same with
          registration reads, and a loop of tccc_extension over fewer (--loop-n) for comparison
Prints one line per run, then the tables; writes build/bench/results.md and results.json.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import emulator as emu
import report
import runners
import tccli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The API allows 20 requests per second per action: N registration reads cannot take less than N / 20 s.
RATE = 20.0
GRID_N = (20, 200, 1000)
GRID_LATENCY_MS = (0, 50, 200)
# Serial loops predicted to take longer than this are skipped unless --full (N=1000 at 200 ms: 200 s each).
SERIAL_CAP = 100.0
FORKS = 20
GRID_CLIENTS = ("playbook", "module", "sdk", "tccli")
TARGET_RATIO = 1.10
WRITE_N = 300
WRITE_LATENCY_MS = 200
LOOP_N = 50
TARGET_WRITE_RATIO = 1.15
TARGET_THROTTLED = 0.02


def floor_seconds(n):
    return n / RATE


def run_timeout(n, latency_ms):
    """Generous: three times the slower of paced and serial time, plus start-up."""
    return 120.0 + 3.0 * max(floor_seconds(n), n * (0.01 + latency_ms / 1000.0))


def serial_timeout(n, latency_ms):
    """For the SDK's serial loops, which can stall for long (StandardRetryer sleeps 7 s per throttled read):
    twice the slower of paced and serial time, so a stalled run costs the budget a bounded amount."""
    return 60.0 + 2.0 * max(floor_seconds(n), n * (0.01 + latency_ms / 1000.0))


class Bench:

    def __init__(self, args):
        self.args = args
        self.out = os.path.abspath(args.out)
        self.workdir = os.path.join(self.out, "work")
        os.makedirs(self.workdir, exist_ok=True)
        self.runner = runners.Runner(self.workdir, args.collections_path, busy=args.load)
        self.rows = []
        self.fixed = []
        self.tccli = None
        self.tccli_problem = None
        self.round_trip_ms = None
        self.loads = []

    def add(self, section, row, floor=None):
        row["section"] = section
        if floor:
            row["floor"] = floor
            row["ratio"] = row["wall"] / floor
        self.rows.append(row)
        print(report.progress_line(len(self.rows), row), flush=True)

    def skip(self, section, client, n, latency_ms, reason):
        self.add(section, {"client": client, "n": n, "latency_ms": latency_ms, "note": "skipped: " + reason})

    def emulator(self, n, latency_ms):
        return emu.Emulator(ROOT, self.workdir, n, latency_ms, program=self.args.emulator)

    def probe(self):
        """How long the emulator takes to answer at latency 0, before anything else runs."""
        with self.emulator(20, 0) as emulator:
            self.round_trip_ms = emulator.round_trip_ms()
        print("emulator: median round trip at latency 0 on a kept-alive connection: %.1f ms" % self.round_trip_ms, flush=True)

    def grid(self):
        for n in self.args.sizes:
            for latency_ms in self.args.latencies:
                timeout = run_timeout(n, latency_ms)
                floor = floor_seconds(n)
                clients = self.args.clients
                with self.emulator(n, latency_ms) as emulator:
                    if "playbook" in clients:
                        self.add("grid", self.runner.playbook(emulator, {"localhost": None}, n, timeout), floor)
                    if "module" in clients:
                        self.add("grid", self.runner.module(emulator, n, timeout), floor)
                    serial = n * latency_ms / 1000.0
                    for retryer in (False, True) if "sdk" in clients else ():
                        if serial > SERIAL_CAP and not self.args.full:
                            self.skip("grid", "SDK + StandardRetryer" if retryer else "SDK", n, latency_ms,
                                      "a serial loop takes at least N x latency = %.0f s (--full runs it)" % serial)
                        else:
                            self.add("grid", self.runner.sdk(emulator, serial_timeout(n, latency_ms), retryer=retryer), floor)
                    if n == 20 and "tccli" in clients:
                        self.tccli_row(emulator, timeout, floor)

    def tccli_row(self, emulator, timeout, floor):
        if self.tccli is None and self.tccli_problem is None:
            print("tccli: creating or reusing .venv/tccli (the first time pulls the whole Tencent Cloud SDK)", flush=True)
            self.tccli, self.tccli_problem = tccli.ensure(ROOT, os.path.join(self.out, "tccli-install.log"))
        if self.tccli is None:
            self.skip("grid", "tccli loop", emulator.extensions, emulator.latency_ms, self.tccli_problem)
            return
        self.add("grid", self.runner.tccli_loop(emulator, self.tccli, timeout * 4), floor)

    def forks(self):
        n, latency_ms = 200, 50
        hosts = dict(("phone%02d" % (index + 1), [extension_id]) for index, extension_id in enumerate(emu.extension_ids(FORKS)))
        with self.emulator(n, latency_ms) as emulator:
            row = self.runner.playbook(emulator, hosts, 1, run_timeout(FORKS, latency_ms), client="ansible-playbook, %d forks" % FORKS)
            row["hosts"] = FORKS
            self.add("forks", row, floor_seconds(FORKS))

    def fixed_cost(self):
        repeats = 3 if self.args.quick else self.args.repeats
        with self.emulator(20, 0) as emulator:
            samples = {"module": [], "sdk": []}
            for _round in range(repeats):
                # Interleaved, so that a slow moment of the machine hits both alike.
                samples["module"].append(self.runner.module(emulator, 1, 120, extension_ids=["1001"], client="module alone, 1 extension"))
                samples["sdk"].append(self.runner.sdk(emulator, 120, extension_id="1001", client="SDK script, 1 extension"))
        notes = {
            "module": "DescribeExtensions (ids filter) + DescribeExtension; imports ansible.module_utils.basic, requests",
            "sdk": "DescribeExtension only; imports tencentcloud.common and the ccc models",
        }
        for kind, rows in samples.items():
            failures = sum(row["failures"] for row in rows)
            summary = {
                "section": "fixed", "client": rows[0]["client"], "runs": len(rows),
                "wall": statistics.median(row["wall"] for row in rows), "cpu": statistics.median(row["cpu"] for row in rows),
                "requests": statistics.median(row["requests"] for row in rows), "rss_mb": max(row["rss_mb"] for row in rows),
                "failures": failures, "samples": [(row["wall"], row["cpu"]) for row in rows],
                "load": max(row["load"] for row in rows),
                "note": notes[kind] + ("; %d failed runs" % failures if failures else ""),
            }
            self.fixed.append(summary)
            print("[fixed] %-28s median wall %.3f s, median CPU %.3f s, peak RSS %.0f MB over %d runs"
                  % (summary["client"], summary["wall"], summary["cpu"], summary["rss_mb"], len(rows)), flush=True)

    def memory(self):
        sizes = (20, 1000) if self.args.quick else (20, 1000, 10000)
        for n in sizes:
            with self.emulator(n, 0) as emulator:
                timeout = run_timeout(n // 100 + 1, 0)
                row = self.runner.module(emulator, n, timeout, include_registration=False, client="module alone, list only")
                row["note"] = row["note"] or "result %.1f MB of JSON" % (row["result_bytes"] / 1048576.0)
                self.add("memory", row)
                if n == sizes[-1]:
                    self.add("memory", self.runner.playbook(emulator, {"localhost": None}, n, timeout, include_registration=False,
                                                            client="ansible-playbook, list only"))

    def writes(self):
        """N creates at 200 ms by the module alone, then through ansible-playbook, then the same list again
        (nothing to do); with registration reads; a loop over tccc_extension. Each creating run starts on
        a fresh emulator. Floor: N / 20 s for the writes plus one round trip for the listing before them and
        one for the listing after (the listing of the changed extensions; its chunks go out at once)."""
        n, latency_ms = self.args.write_n, WRITE_LATENCY_MS
        latency = latency_ms / 1000.0
        timeout = run_timeout(n, latency_ms)

        def floor(writes):
            return writes / RATE + (2 if writes else 1) * latency

        with self.emulator(0, latency_ms) as emulator:
            self.add("writes", self.runner.write_module(emulator, n, n, timeout), floor(n))
        with self.emulator(0, latency_ms) as emulator:
            self.add("writes", self.runner.write_playbook(emulator, "list", n, n, timeout, client="tccc_extensions, creates"), floor(n))
            row = self.runner.write_playbook(emulator, "list", n, 0, timeout, client="tccc_extensions, no-op rerun")
            row["note"] = row["note"] or "%d listing calls, %d writes" % (row["listings"], row["writes"])
            self.add("writes", row, floor(0))
        with self.emulator(0, latency_ms) as emulator:
            row = self.runner.write_playbook(emulator, "list", n, n, timeout, include_registration=True,
                                             client="tccc_extensions, creates + registration")
            row["note"] = row["note"] or "DescribeExtension reads have their own budget and run alongside the creates"
            self.add("writes", row, floor(n))
        loop_n = self.args.loop_n
        with self.emulator(0, latency_ms) as emulator:
            row = self.runner.write_playbook(emulator, "loop", loop_n, loop_n, run_timeout(loop_n, latency_ms) + 10.0 * loop_n,
                                             client="loop of tccc_extension, creates")
            if row.get("wall") and not row["failures"]:
                row["note"] = row["note"] or "%.2f s per extension: %.0f s for %d" % (row["wall"] / loop_n, row["wall"] / loop_n * n, n)
            self.add("writes", row, floor(loop_n))

    def run(self):
        started = time.monotonic()
        self.loads.append(os.getloadavg()[0])
        self.probe()
        sections = self.args.only or ["grid", "forks", "fixed", "memory", "writes"]
        for section in sections:
            getattr(self, {"fixed": "fixed_cost"}.get(section, section))()
        elapsed = time.monotonic() - started
        self.loads.append(os.getloadavg()[0])
        text = self.render(elapsed)
        print("\n" + text)
        with open(os.path.join(self.out, "results.md"), "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        with open(os.path.join(self.out, "results.json"), "w", encoding="utf-8") as handle:
            json.dump({"meta": self.meta(elapsed), "rows": self.rows, "fixed": self.fixed, "targets": self.targets()}, handle, indent=1)
        print("\nwritten: %s/results.md, %s/results.json (run directories in %s/runs)" % (self.out, self.out, self.workdir))
        return 0

    def meta(self, elapsed):
        return {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "command": " ".join(["make bench" if os.environ.get("MAKELEVEL") else "benchmarks/run.sh"] + sys.argv[1:]),
            "cpus": os.cpu_count(), "cpu_model": _cpu_model(), "python": platform.python_version(),
            "versions": _versions(), "elapsed_s": round(elapsed, 1), "emulator": self.args.emulator,
            "emulator_round_trip_ms": self.round_trip_ms,
            "load_min": min(self.loads + [row["load"] for row in self.rows if row.get("load") is not None]),
            "load_max": max(self.loads + [row["load"] for row in self.rows if row.get("load") is not None]),
            "collections_path": self.args.collections_path, "pacing": _pacing(self.args.collections_path),
        }

    def targets(self):
        """Each target of issue 4 with the measured value and met / missed."""
        found = []

        def grid_row(client, n, latency_ms):
            return next((row for row in self.rows if row["section"] == "grid" and row["client"] == client and row["n"] == n
                         and row["latency_ms"] == latency_ms and row.get("wall") is not None), None)

        for client in ("module alone", "ansible-playbook"):
            row = grid_row(client, 200, 200)
            if row:
                share = row["throttled"] / row["requests"] if row["requests"] else 0.0
                found.append(("N=200 at 200 ms, %s: at most %.2fx the 10 s floor, 0 failures, at most 2%% throttled" % (client, TARGET_RATIO),
                              "%.2fx (%.1f s), %d failures, %.1f%% throttled" % (row["ratio"], row["wall"], row["failures"], 100 * share),
                              row["ratio"] <= TARGET_RATIO and not row["failures"] and share <= TARGET_THROTTLED))
        module_rows = [row for row in self.rows if row["section"] == "grid" and row["client"] in ("module alone", "ansible-playbook")
                       and row.get("requests")]
        if module_rows:
            worst = max(row["throttled"] / row["requests"] for row in module_rows)
            failures = sum(row["failures"] for row in module_rows)
            found.append(("whole grid, module and playbook: 0 failures, at most 2% throttled",
                          "%d failures, worst %.1f%% throttled" % (failures, 100 * worst), not failures and worst <= TARGET_THROTTLED))
        for client in ("tccc_extensions alone, creates", "tccc_extensions, creates"):
            creates = next((row for row in self.rows if row["section"] == "writes" and row["client"] == client and row.get("wall") is not None),
                           None)
            if creates:
                found.append(("%s, N=%d at %d ms: at most %.2fx the floor (N / 20 s plus two listing round trips), 0 failures" % (
                    client, creates["n"], WRITE_LATENCY_MS, TARGET_WRITE_RATIO),
                    "%.2fx (%.1f s against %.1f s), %d failures, %d throttled" % (
                        creates["ratio"], creates["wall"], creates["floor"], creates["failures"], creates["throttled"]),
                    creates["ratio"] <= TARGET_WRITE_RATIO and not creates["failures"]))
        rerun = next((row for row in self.rows if row["section"] == "writes" and row["client"] == "tccc_extensions, no-op rerun"
                      and row.get("wall") is not None), None)
        if rerun:
            found.append(("tccc_extensions rerun: listing calls only", "%d requests, %d writes" % (rerun["requests"], rerun["writes"]),
                          rerun["writes"] == 0 and rerun["requests"] == rerun["listings"] and not rerun["failures"]))
        forks = next((row for row in self.rows if row["section"] == "forks"), None)
        if forks:
            found.append(("%d forks, one extension each: 0 failed hosts" % FORKS, "%d failed hosts, %d throttled answers" % (
                forks["failures"], forks["throttled"]), not forks["failures"]))
        if len(self.fixed) == 2:
            module, sdk = self.fixed
            found.append(("fixed cost for one extension: module no higher than the SDK script",
                          "wall %.3f vs %.3f s, CPU %.3f vs %.3f s" % (module["wall"], sdk["wall"], module["cpu"], sdk["cpu"]),
                          module["wall"] <= sdk["wall"] and module["cpu"] <= sdk["cpu"]))
        return [{"target": target, "measured": measured, "met": met} for target, measured, met in found]

    def render(self, elapsed):
        parts = []
        titles = {
            "grid": "Grid: whole instance with registration facts (floor = N / 20 s)",
            "forks": "%d forks, one extension per host (N=200, 50 ms)" % FORKS,
            "memory": "Listing only (include_registration=false), latency 0",
            "writes": "Writes at %d ms, on an empty instance (floor = writes / 20 s + a listing round trip before and after)" % WRITE_LATENCY_MS,
        }
        for section in ("grid", "forks", "memory", "writes"):
            rows = [row for row in self.rows if row["section"] == section]
            if rows:
                parts.append("### %s\n\n%s" % (titles[section], report.markdown(rows, report.GRID_COLUMNS)))
        if self.fixed:
            parts.append("### Fixed cost of one run, one extension (latency 0)\n\n%s" % report.markdown(self.fixed, report.FIXED_COLUMNS))
        targets = self.targets()
        if targets:
            lines = ["| target | measured | |", "|---|---|---|"]
            lines += ["| %s | %s | %s |" % (t["target"], t["measured"], "met" if t["met"] else "**missed**") for t in targets]
            parts.append("### Targets\n\n" + "\n".join(lines))
        meta = self.meta(elapsed)
        parts.append("Run: `%s` on %s, %s CPUs (%s), Python %s, %s; %.0f s in all. 1-minute load average during the runs: "
                     "%.1f to %.1f. Emulator answer time at latency 0 (median, kept-alive connection): %.1f ms. Collection pacing: %s." % (
                         meta["command"], meta["date"], meta["cpus"], meta["cpu_model"], meta["python"],
                         ", ".join("%s %s" % item for item in meta["versions"].items()), elapsed, meta["load_min"], meta["load_max"],
                         meta["emulator_round_trip_ms"] or 0.0, ", ".join("%s=%s" % item for item in sorted(meta["pacing"].items()))))
        return "\n\n".join(parts)


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def _versions():
    found = {}
    for name in ("ansible-core", "requests", "tencentcloud-sdk-python-common", "tencentcloud-sdk-python-ccc"):
        try:
            from importlib.metadata import version  # pylint: disable=import-outside-toplevel
            found[name] = version(name)
        except Exception:  # pylint: disable=broad-exception-caught
            found[name] = "?"
    return found


def _pacing(collections_path):
    """The staged collection's pacing constants: the numbers depend on them, and they change."""
    sys.path.insert(0, collections_path)
    try:
        # pylint: disable-next=import-outside-toplevel
        from ansible_collections.tencentcloud.tccc.plugins.module_utils import _transport as client, _extensions as extensions, _pacing as ratelimit
        found = [(module, name) for module, names in ((ratelimit, ("GUARD", "MAX_LATE", "DECREASE", "RECOVERY")),
                                                      (extensions, ("WORKERS",)), (client, ("POOL_SIZE",))) for name in names]
        return dict((name, getattr(module, name)) for module, name in found if hasattr(module, name))
    except ImportError as exc:
        return {"error": str(exc)}
    finally:
        sys.path.remove(collections_path)


def _collections_path(value):
    path = os.path.abspath((value or "").split(os.pathsep)[0])
    if not os.path.isdir(os.path.join(path, "ansible_collections", "tencentcloud", "tccc", "plugins")):
        raise argparse.ArgumentTypeError("no ansible_collections/tencentcloud/tccc under %s: run through make bench or benchmarks/run.sh" % path)
    return path


def _numbers(text):
    try:
        values = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("expected comma-separated whole numbers, got %r" % text) from None
    if not values or min(values) < 0:
        raise argparse.ArgumentTypeError("expected whole numbers of 0 or more, got %r" % text)
    return values


def _clients(text):
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in GRID_CLIENTS]
    if unknown or not names:
        raise argparse.ArgumentTypeError("unknown client %s (known: %s)" % (", ".join(unknown) or "(none)", ", ".join(GRID_CLIENTS)))
    return names


def main(argv=None):
    parser = argparse.ArgumentParser(prog="benchmarks/run.sh", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", choices=("grid", "forks", "fixed", "memory", "writes"),
                        help="run only this section (repeatable); default: all")
    parser.add_argument("--quick", action="store_true", help="a small grid (N=20, latency 0 and 50 ms) to check the harness in a few minutes")
    parser.add_argument("--sizes", type=_numbers, help="grid sizes N, comma-separated (default: %s)" % ",".join(map(str, GRID_N)))
    parser.add_argument("--latencies", type=_numbers, help="grid latencies in ms, comma-separated (default: %s)" % ",".join(map(str, GRID_LATENCY_MS)))
    parser.add_argument("--full", action="store_true", help="also the serial SDK runs skipped for time (N=1000 at 200 ms: about 200 s each)")
    parser.add_argument("--write-n", type=int, default=WRITE_N, help="extensions created by tccc_extensions in the writes section")
    parser.add_argument("--loop-n", type=int, default=LOOP_N,
                        help="extensions created by the loop over tccc_extension in the writes section (one module run each)")
    parser.add_argument("--load", type=int, default=0, metavar="K",
                        help="run K busy-loop processes beside every measured run: a loaded machine must cost time, not refusals")
    parser.add_argument("--repeats", type=int, default=7, help="runs per client in the fixed-cost section; the median is reported")
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "bench"), help="where results.md, results.json and run directories go")
    parser.add_argument("--clients", type=_clients, default=GRID_CLIENTS,
                        help="grid clients, comma-separated (default: %s)" % ",".join(GRID_CLIENTS))
    parser.add_argument("--emulator", default=os.path.join(ROOT, "tests", "emulator"),
                        help="the emulator program to run (default: tests/emulator), e.g. a patched copy to compare")
    parser.add_argument("--collections-path", type=_collections_path, default=os.environ.get("ANSIBLE_COLLECTIONS_PATH", ""),
                        help="the directory holding ansible_collections/tencentcloud/tccc (default: $ANSIBLE_COLLECTIONS_PATH)")
    args = parser.parse_args(argv)
    args.sizes = args.sizes or ((20,) if args.quick else GRID_N)
    args.latencies = args.latencies or ((0, 50) if args.quick else GRID_LATENCY_MS)
    try:
        return Bench(args).run()
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        sys.stderr.write("bench: %s\n" % exc)
        return 1


if __name__ == "__main__":
    sys.exit(main())
