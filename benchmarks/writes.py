# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Claim: tccc_extensions creates N extensions at the API's pace, never refused; a rerun only lists.

At 200 ms of injected latency, each creating run on a fresh emulator with an empty instance:
tccc_extensions alone creating N (default 300); the same through ansible-playbook
(playbooks/write.yml); the no-op rerun; the same creates with registration reads; and a loop of
tccc_extension tasks over --loop-n extensions, for comparison. Floor: N / 20 s for the creates plus
one listing round trip before and one after. Targets: creates within 1.15x of the floor with 0
throttled and 0 failures; the rerun sends listing calls only.
"""

import sys

import harness

TARGET = 1.15
WRITES = ("CreateExtension", "ModifyExtension", "DeleteExtension", "ResetExtensionPassword")


def write_floor(writes, latency_ms):
    return harness.floor(writes) + (2 if writes else 1) * latency_ms / 1000.0


def playbook(bench, emulator, mode, count, created, limit, client, registration=False):
    row = bench.playbook(emulator, "write.yml", {"bench_mode": mode, "bench_count": count, "bench_expect_created": created,
                                                 "bench_include_registration": registration}, limit, client)
    row["n"] = count
    return row


def measure(bench):
    n, loop_n, latency_ms = bench.args.write_n, bench.args.loop_n, bench.args.latency
    limit = harness.time_limit(n, latency_ms)
    items = [{"extension_id": ext, "extension_name": "Bench " + ext, "skill_group_ids": [1000]} for ext in harness.extension_ids(n)]
    with bench.emulator(0, latency_ms) as emulator:
        row = bench.module(emulator, "tccc_extensions", {"extensions": items, "include_registration": False}, limit,
                           "tccc_extensions alone, creates")
        created = len((row["result"] or {}).get("created") or [])
        row["n"] = n
        if created != n and not row["failures"]:
            row["failures"], row["note"] = 1, "created %d of %d" % (created, n)
        rows = [bench.add(row, write_floor(n, latency_ms))]
    with bench.emulator(0, latency_ms) as emulator:
        rows.append(bench.add(playbook(bench, emulator, "list", n, n, limit, "tccc_extensions, creates"), write_floor(n, latency_ms)))
        rerun = playbook(bench, emulator, "list", n, 0, limit, "tccc_extensions, no-op rerun")
        listings = rerun["actions"].get("DescribeExtensions", {}).get("requests", 0)
        writes = sum(rerun["actions"].get(action, {}).get("requests", 0) for action in WRITES)
        bench.add(rerun, write_floor(0, latency_ms), "%d listing calls, %d writes" % (listings, writes))
    with bench.emulator(0, latency_ms) as emulator:
        bench.add(playbook(bench, emulator, "list", n, n, limit, "tccc_extensions, creates + registration", registration=True),
                  write_floor(n, latency_ms), "DescribeExtension reads have their own budget and run alongside the creates")
    with bench.emulator(0, latency_ms) as emulator:
        row = playbook(bench, emulator, "loop", loop_n, loop_n, limit + 10.0 * loop_n, "loop of tccc_extension, creates")
        bench.add(row, write_floor(loop_n, latency_ms), "%.2f s per extension: %.0f s for %d" % (row["wall"] / loop_n, row["wall"] / loop_n * n, n))
    for row in rows:
        bench.check("%s, N=%d at %d ms: at most %.2fx the floor, 0 throttled, 0 failures" % (row["client"], n, latency_ms, TARGET),
                    "%.2fx (%.1f s against %.1f s), %d throttled, %d failures" % (row["ratio"], row["wall"], row["floor"], row["throttled"],
                                                                                  row["failures"]),
                    row["ratio"] <= TARGET and not row["throttled"] and not row["failures"])
    bench.check("tccc_extensions rerun: listing calls only", "%d requests, %d writes" % (rerun["requests"], writes),
                not writes and rerun["requests"] == listings and not rerun["failures"])


def main():
    parser = harness.parser(__doc__, "N=40 and a loop of 5, to check the harness")
    parser.add_argument("--write-n", type=int, default=300, help="extensions tccc_extensions creates")
    parser.add_argument("--loop-n", type=int, default=50, help="extensions the loop of tccc_extension creates (one module run each)")
    parser.add_argument("--latency", type=int, default=200, metavar="MS", help="injected latency per request")
    args = parser.parse_args()
    if args.quick:
        args.write_n, args.loop_n = 40, 5
    return harness.main("writes", measure, args)


if __name__ == "__main__":
    sys.exit(main())
