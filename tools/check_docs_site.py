# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the built documentation site as a reader's browser shows it, and take screenshots.

Usage: python tools/check_docs_site.py OUT   (OUT/html from the docs nox session; chromium on PATH,
       ansible-doc finding the collection through ANSIBLE_COLLECTIONS_PATH)

Why: a site that builds can still render a module page without its tables. Headless Chromium
loads each page and hands back the DOM it rendered: every module's page must hold an options table
with a row per documented option and a return values table with a row per documented return value
(ansible-doc says which), every plugin and role a page, and the home page a link to every guide and
to the changelog. OUT/screenshots holds the home page and every module page as Chromium drew them.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

COLLECTION = "tencentcloud.tccc"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
# ansible-doc plugin type -> the page antsibull-docs writes for it
PAGE_SUFFIX = {"module": "module", "filter": "filter", "test": "test", "lookup": "lookup", "inventory": "inventory",
               "callback": "callback", "connection": "connection", "role": "role"}


def chromium(profile, *args):
    command = ["chromium"] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + list(args)
    return subprocess.run(command, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120).stdout


class Dom(HTMLParser):
    """The ids of the rendered option/return rows, the ids of tables' headings, and all links."""

    def __init__(self):
        HTMLParser.__init__(self)
        self.ids, self.links, self.table_depth, self.row_ids = set(), set(), 0, set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "ansible-option-table" in (attrs.get("class") or ""):
            self.table_depth += 1
        if attrs.get("id"):
            self.ids.add(attrs["id"])
            if self.table_depth:
                self.row_ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.add(attrs["href"].split("#")[0])

    def handle_endtag(self, tag):
        if tag == "table" and self.table_depth:
            self.table_depth -= 1


def rendered(profile, path):
    dom = Dom()
    dom.feed(chromium(profile, "--dump-dom", "file://" + os.path.abspath(path)))
    return dom


def documented(kind):
    listed = json.loads(subprocess.check_output(["ansible-doc", "-t", kind, "--list", "--json", COLLECTION]))
    return sorted(listed)


def option_ids(options, prefix):
    """antsibull-docs ids of the rows for options (or return values), sub-options included."""
    for name, spec in sorted((options or {}).items()):
        yield prefix + name
        yield from option_ids(spec.get("suboptions") or spec.get("contains"), prefix + name + "/")


def main(out):
    html = os.path.join(out, "html")
    shots = os.path.join(out, "screenshots")
    os.makedirs(shots, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    problems = []
    try:
        home = rendered(profile, os.path.join(html, "index.html"))
        chromium(profile, "--window-size=1280,1000", "--screenshot=" + os.path.join(shots, "index.png"),
                 "file://" + os.path.abspath(os.path.join(html, "index.html")))
        guides = sorted(os.path.splitext(name)[0] for name in os.listdir(os.path.join(out, "src", "guides")))
        for page in ["guides/%s.html" % guide for guide in guides] + ["changelog.html", "collection/index.html"]:
            if page not in home.links:
                problems.append("index.html has no link to %s" % page)
        counts = {}
        for kind, suffix in sorted(PAGE_SUFFIX.items()):
            for fqcn in documented(kind):
                name = fqcn.split(".")[-1]
                page = os.path.join(html, "collection", "%s_%s.html" % (name, suffix))
                counts[kind] = counts.get(kind, 0) + 1
                if not os.path.exists(page):
                    problems.append("%s %s has no page (%s)" % (kind, fqcn, page))
                    continue
                if kind != "module":
                    continue
                doc = json.loads(subprocess.check_output(["ansible-doc", "-t", "module", "--json", fqcn]))[fqcn]
                dom = rendered(profile, page)
                wanted = ["parameter-" + i for i in option_ids(doc["doc"].get("options"), "")]
                wanted += ["return-" + i for i in option_ids(doc.get("return"), "")]
                missing = [i for i in wanted if i not in dom.row_ids]
                if not any(i.startswith("parameter-") for i in wanted) or not any(i.startswith("return-") for i in wanted):
                    problems.append("%s documents no options or no return values" % fqcn)
                if missing:
                    problems.append("%s's page lacks table rows for %s" % (fqcn, ", ".join(missing)))
                chromium(profile, "--window-size=1280,2400", "--screenshot=" + os.path.join(shots, "%s_module.png" % name),
                         "file://" + os.path.abspath(page))
                print("%s: %d option and %d return value rows rendered" % (
                    fqcn, sum(i.startswith("parameter-") for i in wanted), sum(i.startswith("return-") for i in wanted)))
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    for problem in problems:
        print("FAIL: %s" % problem)
    print("pages checked: %s; %d guides; screenshots in %s" % (
        ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items())), len(guides), shots))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
