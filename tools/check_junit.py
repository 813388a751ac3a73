# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fail unless pytest's JUnit reports show at least one test that ran, and none that failed.

Usage: python tools/check_junit.py DIR   (ansible-test's tests/output/junit: every *.xml in it)

Why: ansible-test units treats pytest's exit 5 (nothing collected) as success, so a suite that lost
its tests, or whose tests all skip, would leave CI green. This reads what actually ran.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

COUNTERS = ("tests", "failures", "errors", "skipped")


def totals(paths):
    """Sum the counters of every testsuite element in the reports."""
    sums = {name: 0 for name in COUNTERS}
    for path in paths:
        root = ET.parse(path).getroot()
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        for suite in suites:
            for name in COUNTERS:
                sums[name] += int(suite.get(name, 0))
    return sums


def main(directory):
    reports = sorted(glob.glob(os.path.join(directory, "*.xml")))
    if not reports:
        print("FAIL: no JUnit report in %s: no unit tests ran" % directory)
        return 1
    sums = totals(reports)
    ran = sums["tests"] - sums["skipped"]
    print("%d tests: %d ran, %d skipped, %d failed, %d errors (%s)" % (
        sums["tests"], ran, sums["skipped"], sums["failures"], sums["errors"], ", ".join(os.path.basename(p) for p in reports)))
    if ran <= 0:
        print("FAIL: no unit test ran")
        return 1
    if sums["failures"] or sums["errors"]:
        print("FAIL: unit tests failed")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
