# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write the documentation site's Markdown pages from the README and docs/*.md, at build time.

Usage: python tools/docs_site_sources.py COLLECTION_ROOT SOURCE_DIR

Why: every guide has one source, the README section or docs/*.md file that GitHub and Galaxy show.
The site renders those same texts (myst-parser) instead of copies that would drift: each README
"## " section becomes a page (its "###" headings one level up), each docs/*.md a page, and the
README's title and opening paragraphs the home page. Links are rewritten for the site: to a page
where the target is a page or a section of one, else to the file in the repository (galaxy.yml's
``repository``). A section or document added later appears without any change here.
"""
import os
import posixpath
import re
import sys

import yaml

LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def slug(heading):
    """GitHub's (and myst-parser's) anchor for a heading."""
    # Markup goes, but an underscore inside a word (sip_client) is text, not emphasis, and stays.
    text = re.sub(r"[`*]|(?<!\w)_|_(?!\w)", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def outside_fences(lines):
    """Yield (line, in_code) pairs."""
    fenced = False
    for line in lines:
        if FENCE.match(line):
            fenced = not fenced
            yield line, True
            continue
        yield line, fenced


def split_readme(text):
    """Return the title, the opening text, and [(heading, body lines)] of the "## " sections."""
    title, intro, sections = None, [], []
    for line, code in outside_fences(text.splitlines()):
        if not code and line.startswith("# ") and title is None:
            title = line[2:].strip()
        elif not code and line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            intro.append(line)
    return title, intro, sections


class Site(object):
    def __init__(self, root, repository):
        self.root = root
        self.repository = repository.rstrip("/")
        with open(os.path.join(root, "README.md"), encoding="utf-8") as handle:
            self.title, self.intro, self.sections = split_readme(handle.read())
        # README anchor -> page name, for every heading of every section.
        self.readme_anchors = {}
        self.pages = []  # (page name, source path, lines)
        for heading, body in self.sections:
            page = slug(heading)
            self.readme_anchors[page] = page
            for line, code in outside_fences(body):
                if not code and line.startswith("#"):
                    self.readme_anchors[slug(line.lstrip("#"))] = page
            demoted = [line[1:] if not code and line.startswith("###") else line for line, code in outside_fences(body)]
            self.pages.append((page, "README.md", ["# " + heading] + demoted))
        docs = os.path.join(root, "docs")
        self.doc_pages = {}
        for name in sorted(os.listdir(docs)):
            if name.endswith(".md"):
                with open(os.path.join(docs, name), encoding="utf-8") as handle:
                    self.pages.append((name[:-3], "docs/" + name, handle.read().splitlines()))
                self.doc_pages["docs/" + name] = name[:-3]

    def link(self, source, target):
        """The site's link for a Markdown link target written in repository file SOURCE."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            return target
        path, anchor = target.partition("#")[::2]
        if path:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        else:
            path = source
        if path == "README.md":
            if not anchor:
                return "../index.md"
            page = self.readme_anchors.get(anchor)
            if page is None:
                raise ValueError("%s links to README.md#%s, which no heading has" % (source, anchor))
            return "%s.md%s" % (page, "" if anchor == page else "#" + anchor)
        if path in self.doc_pages:
            return "%s.md%s" % (self.doc_pages[path], "#" + anchor if anchor else "")
        if not os.path.exists(os.path.join(self.root, path)):
            raise ValueError("%s links to %s, which is not in the repository" % (source, target))
        kind = "tree" if os.path.isdir(os.path.join(self.root, path)) else "blob"
        return "%s/%s/main/%s%s" % (self.repository, kind, path, "#" + anchor if anchor else "")

    def rewrite(self, source, lines):
        out = []
        for line, code in outside_fences(lines):
            if not code:
                line = LINK.sub(lambda m: "[%s](%s)" % (m.group(1), self.link(source, m.group(2))), line)
            out.append(line)
        return out

    def write(self, dest):
        guides = os.path.join(dest, "guides")
        os.makedirs(guides)
        for page, source, lines in self.pages:
            with open(os.path.join(guides, page + ".md"), "w", encoding="utf-8") as handle:
                handle.write("\n".join(self.rewrite(source, lines)).rstrip() + "\n")

        def from_home(match):
            target = self.link("README.md", match.group(2))
            return "[%s](%s)" % (match.group(1), target if re.match(r"^[a-z][a-z0-9+.-]*:", target) else "guides/" + target)

        intro = [line if code else LINK.sub(from_home, line) for line, code in outside_fences(self.intro)]
        toc = "\n".join("guides/" + page[0] for page in self.pages)
        with open(os.path.join(dest, "index.md"), "w", encoding="utf-8") as handle:
            handle.write("# %s\n%s\n\n" % (self.title, "\n".join(intro).rstrip()))
            handle.write("```{toctree}\n:caption: Guides\n:maxdepth: 1\n\n%s\n```\n\n" % toc)
            handle.write("```{toctree}\n:caption: Reference\n:maxdepth: 1\n\ncollection/index\n```\n\n")
            handle.write("```{toctree}\n:caption: Changes\n:maxdepth: 1\n\nchangelog\n```\n")


def main(root, dest):
    with open(os.path.join(root, "galaxy.yml"), encoding="utf-8") as handle:
        repository = yaml.safe_load(handle)["repository"]
    site = Site(root, repository)
    try:
        site.write(dest)
    except ValueError as err:
        print("FAIL: %s" % err)
        return 1
    print("%d guide pages from README.md and docs/*.md" % len(site.pages))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
