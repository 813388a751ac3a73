# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Claim: bulk reads go at the API's pace and are never refused.

tccc_extension_info reads a whole instance of N extensions with registration facts (one
DescribeExtension each) at 200 ms of injected latency, alone and through ansible-playbook
(playbooks/read.yml). Target at N=200 and N=1000: within 1.05x of the floor N / 20 s, 0 throttled
requests, 0 failures.
"""

import sys

import harness

TARGET = 1.05


def measure(bench):
    args = bench.args
    for n in args.sizes:
        limit = harness.time_limit(n, args.latency)
        with bench.emulator(n, args.latency) as emulator:
            rows = [bench.read(emulator, n, limit),
                    bench.playbook(emulator, "read.yml", {"bench_expected": n, "bench_include_registration": True}, limit, "ansible-playbook")]
            for row in rows:
                bench.add(row, harness.floor(n))
                bench.check("%s, N=%d at %d ms: at most %.2fx the floor, 0 throttled, 0 failures" % (row["client"], n, args.latency, TARGET),
                            "%.2fx (%.1f s against %.1f s), %d throttled, %d failures" % (
                                row["ratio"], row["wall"], row["floor"], row["throttled"], row["failures"]),
                            row["ratio"] <= TARGET and not row["throttled"] and not row["failures"])


def main():
    parser = harness.parser(__doc__, "N=40 only (two windows), to check the harness")
    parser.add_argument("--sizes", type=harness.numbers, help="N, comma-separated (default: 200,1000)")
    parser.add_argument("--latency", type=int, default=200, metavar="MS", help="injected latency per request")
    args = parser.parse_args()
    args.sizes = args.sizes or ([40] if args.quick else [200, 1000])
    return harness.main("pacer", measure, args)


if __name__ == "__main__":
    sys.exit(main())
