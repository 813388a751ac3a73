# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fail unless the collection tarball holds what an installed collection uses, and nothing else.

Usage: python tools/check_tarball.py TARBALL

Why: ansible-galaxy collection build packs every file galaxy.yml's build_ignore does not name, so a
new development file or a test's output would ship unnoticed. Users get the plugins, meta (with the
execution environment's requirements), README, docs, changelog, examples and the emulator; the
tool chain that only runs from a clone (make, CI, benchmarks, unit and integration tests) stays out.
"""
import re
import sys
import tarfile

GENERATED = re.compile(
    r"(^|/)(build|\.venv[^/]*|tests/output|\.ansible|__pycache__|\.pytest_cache|\.hypothesis|demo-output)(/|$)"
    r"|\.py[co]$|\.plugin-cache\.yaml$"
)
DEVELOPMENT = re.compile(r"^(Makefile|noxfile\.py|antsibull-nox\.toml|\.gitignore|\.ci/|tools/|benchmarks/|docs/site/|tests/(unit|integration)/)")
REQUIRED = (
    "MANIFEST.json", "FILES.json", "README.md", "meta/runtime.yml", "meta/execution-environment.yml",
    "requirements.txt", "changelogs/changelog.yaml", "tests/emulator/__main__.py",
)


def main(path):
    with tarfile.open(path) as tar:
        files = sorted(member.name for member in tar.getmembers() if not member.isdir())
    problems = ["generated file: %s" % name for name in files if GENERATED.search(name)]
    problems += ["development file: %s" % name for name in files if DEVELOPMENT.search(name)]
    problems += ["missing: %s" % name for name in REQUIRED if name not in files]
    if not any(name.startswith("plugins/modules/") and name.endswith(".py") for name in files):
        problems.append("missing: plugins/modules/*.py")
    for problem in problems:
        print("FAIL: %s" % problem)
    tops = {}
    for name in files:
        top = name.split("/")[0] if name.count("/") == 0 else "/".join(name.split("/")[:2 if name.startswith("tests/") else 1])
        tops[top] = tops.get(top, 0) + 1
    print("%d files: %s" % (len(files), ", ".join("%s %d" % item for item in sorted(tops.items()))))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
