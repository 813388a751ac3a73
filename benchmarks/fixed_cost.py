# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Claim (missed today, docs/performance.md says why): one extension costs the module no more than the SDK.

tccc_extension_info alone reading extension 1001 with its registration facts (DescribeExtensions
with an ids filter, then DescribeExtension) against sdk_read.py --extension-id 1001 (DescribeExtension
only), at latency 0, interleaved so that a slow moment of the machine hits both alike; medians of
--repeats runs each. Target: the module's median wall and CPU time no higher than the SDK script's.
"""

import statistics
import sys

import harness
import vs_sdk


def measure(bench):
    repeats = 3 if bench.args.quick else bench.args.repeats
    samples = {"module": [], "sdk": []}
    with bench.emulator(20, 0) as emulator:
        for _round in range(repeats):
            samples["module"].append(bench.read(emulator, 1, 120, "module alone, 1 extension", extension_ids=["1001"]))
            samples["sdk"].append(vs_sdk.sdk(bench, emulator, 120, extension_id="1001", client="SDK script, 1 extension"))
    medians = {}
    for kind, rows in samples.items():
        median = dict(rows[0], wall=statistics.median(row["wall"] for row in rows), cpu=statistics.median(row["cpu"] for row in rows),
                      rss_mb=max(row["rss_mb"] for row in rows), load=max(row["load"] for row in rows),
                      requests=statistics.median(row["requests"] for row in rows), failures=sum(row["failures"] for row in rows))
        medians[kind] = bench.add(median, note="median of %d runs (requests: per run; load: the highest)" % len(rows))
    module, sdk = medians["module"], medians["sdk"]
    bench.check("one extension: the module's median wall and CPU no higher than the SDK script's, 0 failures",
                "wall %.3f vs %.3f s, CPU %.3f vs %.3f s" % (module["wall"], sdk["wall"], module["cpu"], sdk["cpu"]),
                module["wall"] <= sdk["wall"] and module["cpu"] <= sdk["cpu"] and not module["failures"] + sdk["failures"])


def main():
    parser = harness.parser(__doc__, "3 runs each, to check the harness")
    parser.add_argument("--repeats", type=int, default=7, help="runs per client; the median is reported")
    return harness.main("fixed_cost", measure, parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
