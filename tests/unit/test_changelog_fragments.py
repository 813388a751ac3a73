# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The changelog of a release says what that release changes for its users: until a first release
exists, nothing can have been fixed for them, so no fragment lists bugfixes or security fixes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pathlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXES = ("bugfixes", "security_fixes")


def test_no_fixes_before_the_first_release():
    releases = yaml.safe_load((ROOT / "changelogs" / "changelog.yaml").read_text()).get("releases") or {}
    if releases:
        return
    wrong = sorted("%s: %s" % (path.name, section)
                   for path in (ROOT / "changelogs" / "fragments").glob("*.y*ml")
                   for section in (yaml.safe_load(path.read_text()) or {}) if section in FIXES)
    assert not wrong, ("nothing is released yet, so nothing was fixed for a user: describe these under minor_changes (what "
                       "the first release does) or trivial (development history): %s" % ", ".join(wrong))
