# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables of benchmark rows, as Markdown (docs/performance.md takes them as they are)."""

GRID_COLUMNS = (
    ("client", "client"),
    ("N", "n"),
    ("latency ms", "latency_ms"),
    ("wall s", "wall"),
    ("floor s", "floor"),
    ("x floor", "ratio"),
    ("requests", "requests"),
    ("throttled", "throttled"),
    ("failures", "failures"),
    ("CPU s", "cpu"),
    ("peak RSS MB", "rss_mb"),
    ("load", "load"),
    ("note", "note"),
)

FIXED_COLUMNS = (
    ("client", "client"),
    ("runs", "runs"),
    ("median wall s", "wall"),
    ("median CPU s", "cpu"),
    ("requests per run", "requests"),
    ("peak RSS MB", "rss_mb"),
    ("max load", "load"),
    ("note", "note"),
)


def cell(row, key):
    value = row.get(key)
    if value is None:
        return "-"
    if key == "throttled":
        requests = row.get("requests") or 0
        return "%d (%.1f%%)" % (value, 100.0 * value / requests) if requests else str(value)
    if key == "failures":
        unit = row.get("failure_unit", "")
        return "%d %s" % (value, unit) if value else "0"
    if key == "ratio":
        return "%.2f" % value
    if key in ("wall", "floor", "cpu"):
        return "%.2f" % value if value < 10 else "%.1f" % value
    if key == "rss_mb":
        return "%.0f" % value
    if key == "load":
        return "%.1f" % value
    return str(value).replace("|", "\\|")


def markdown(rows, columns):
    lines = ["| " + " | ".join(title for title, _key in columns) + " |",
             "|" + "|".join("---" for _column in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(cell(row, key) for _title, key in columns) + " |")
    return "\n".join(lines)


def progress_line(index, row):
    """One line per finished run, so a long benchmark shows where it is."""
    parts = ["[%3d] %-8s %-26s N=%-5s lat=%-4s" % (index, row["section"], row["client"], row.get("n", "-"), row.get("latency_ms", "-"))]
    if row.get("wall") is not None:
        parts.append("wall %7.2f s" % row["wall"])
    if row.get("ratio") is not None:
        parts.append("x%.2f" % row["ratio"])
    for key in ("requests", "throttled", "failures"):
        if row.get(key) is not None:
            parts.append("%s %s" % (key, row[key]))
    if row.get("rss_mb") is not None:
        parts.append("rss %.0f MB" % row["rss_mb"])
    if row.get("note"):
        parts.append("(%s)" % row["note"])
    return "  ".join(parts)
