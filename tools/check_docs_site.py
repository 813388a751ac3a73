# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the built documentation site as a reader's browser shows it, and take screenshots.

Usage: python tools/check_docs_site.py OUT   (in the collection the site was built from: OUT/html from
       the docs nox session; chromium on PATH, ansible-doc finding the collection through
       ANSIBLE_COLLECTIONS_PATH)

Why: a site that builds can still render a module page without its tables. Headless Chromium
loads each page and hands back the DOM it rendered: every module's page must hold an options table
with a row per documented option and a return values table with a row per documented return value
(ansible-doc says which), every plugin and role a page, and the home page a link to every guide
(docs/*.md) and to the changelog. OUT/screenshots holds the home page and every module page as
Chromium drew them.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

COLLECTION = "tencentcloud.tccc"
# ansible-doc's plugin types; antsibull-docs writes collection/NAME_TYPE.html for each
KINDS = ("callback", "connection", "filter", "inventory", "lookup", "module", "role", "test")
CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium(profile, page, *args):
    url = "file://" + os.path.abspath(page)
    return subprocess.run(CHROMIUM + ["--user-data-dir=" + profile] + list(args) + [url], check=True, timeout=120,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True).stdout


class Dom(HTMLParser):
    """A rendered page's links, and the ids inside its option and return value tables."""

    def __init__(self, html):
        HTMLParser.__init__(self)
        self.links, self.row_ids, self.depth = set(), set(), 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.depth += tag == "table" and "ansible-option-table" in (attrs.get("class") or "")
        if self.depth and attrs.get("id"):
            self.row_ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.add(attrs["href"].split("#")[0])

    def handle_endtag(self, tag):
        self.depth -= tag == "table" and self.depth > 0


def ansible_doc():
    """Every plugin and role of the collection with its documentation, by type: one ansible-doc run
    (each one costs a second of CPU), which fails on a plugin whose documentation does not load."""
    dump = json.loads(subprocess.check_output(["ansible-doc", "--metadata-dump", COLLECTION]))
    return {kind: {fqcn: doc for fqcn, doc in plugins.items() if fqcn.startswith(COLLECTION + ".")}
            for kind, plugins in dump["all"].items() if kind in KINDS}


def option_ids(options, prefix=""):
    """antsibull-docs ids of the rows for options (or return values), sub-options included."""
    for name, spec in sorted((options or {}).items()):
        yield prefix + name
        yield from option_ids(spec.get("suboptions") or spec.get("contains"), prefix + name + "/")


def main(out):
    html, shots = os.path.join(out, "html"), os.path.join(out, "screenshots")
    os.makedirs(shots, exist_ok=True)
    problems, counts = [], {}
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        home = Dom(chromium(profile, os.path.join(html, "index.html"), "--dump-dom"))
        chromium(profile, os.path.join(html, "index.html"), "--window-size=1280,1000", "--screenshot=%s/index.png" % shots)
        guides = sorted(glob.glob("docs/*.md"))
        for page in [guide[:-3] + ".html" for guide in guides] + ["CHANGELOG.html", "collection/index.html"]:
            if page not in home.links:
                problems.append("index.html has no link to %s" % page)
        for kind, plugins in sorted(ansible_doc().items()):
            for fqcn, doc in sorted(plugins.items()):
                name = fqcn.split(".")[-1]
                page = os.path.join(html, "collection", "%s_%s.html" % (name, kind))
                counts[kind] = counts.get(kind, 0) + 1
                if not os.path.exists(page):
                    problems.append("%s %s has no page (%s)" % (kind, fqcn, page))
                    continue
                if kind != "module":
                    continue
                rows = Dom(chromium(profile, page, "--dump-dom")).row_ids
                options = ["parameter-" + i for i in option_ids(doc["doc"].get("options"))]
                returns = ["return-" + i for i in option_ids(doc.get("return"))]
                if not options or not returns:
                    problems.append("%s documents no options or no return values" % fqcn)
                missing = [i for i in options + returns if i not in rows]
                if missing:
                    problems.append("%s's page lacks table rows for %s" % (fqcn, ", ".join(missing)))
                chromium(profile, page, "--window-size=1280,2400", "--screenshot=%s/%s_module.png" % (shots, name))
                print("%s: %d option and %d return value rows rendered" % (fqcn, len(options), len(returns)))
    for problem in problems:
        print("FAIL: %s" % problem)
    print("pages checked: %s; %d guides; screenshots in %s" % (
        ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items())), len(guides), shots))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
