# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Claim: listing memory grows with the result the module must return, not with the pages it read.

tccc_extension_info alone with include_registration=false (DescribeExtensions only, pages of 100)
over 20, 1,000 and 10,000 extensions at latency 0, and ansible-playbook over the largest. Prints
peak RSS, the size of the JSON result and, on the largest row, the RSS growth per extension next
to the result's bytes per extension.
"""

import sys

import harness


def measure(bench):
    sizes = bench.args.sizes or ([20, 1000] if bench.args.quick else [20, 1000, 10000])
    first = None
    for n in sizes:
        limit = harness.time_limit(n // 100 + 1, 0)
        with bench.emulator(n, 0) as emulator:
            row = bench.read(emulator, n, limit, "module alone, list only", include_registration=False)
            note = "result %.1f MB of JSON" % (row["result_bytes"] / 1048576.0)
            if first and n > first["n"]:
                note += "; RSS +%.1f KB per extension over N=%d (the result: %.2f KB per extension)" % (
                    (row["rss_mb"] - first["rss_mb"]) * 1024.0 / (n - first["n"]), first["n"], row["result_bytes"] / 1024.0 / n)
            first = first or row
            bench.add(row, note=note)
            if n == sizes[-1]:
                bench.add(bench.playbook(emulator, "read.yml", {"bench_expected": n, "bench_include_registration": False}, limit,
                                         "ansible-playbook, list only"))
    failures = sum(row["failures"] for row in bench.rows)
    bench.check("every listing complete: 0 failures", "%d failures" % failures, not failures)


def main():
    parser = harness.parser(__doc__, "N=20 and 1000 only, to check the harness")
    parser.add_argument("--sizes", type=harness.numbers, help="N, comma-separated, smallest first (default: 20,1000,10000)")
    return harness.main("memory", measure, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
