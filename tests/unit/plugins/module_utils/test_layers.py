# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""module_utils' dependencies point one way: modules -> _base -> domain -> _transport -> the rest.

A file may import only files of a lower layer (docs/architecture.md lists them), so there is no
cycle and a newcomer can read the files from the bottom up.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import os

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _base

PACKAGE = "ansible_collections.tencentcloud.tccc.plugins.module_utils"
MODULE_UTILS = os.path.dirname(os.path.abspath(_base.__file__))
MODULES = os.path.join(os.path.dirname(MODULE_UTILS), "modules")

# Lowest first; a file imports only files listed before it.
LAYERS = (
    "_errors",
    "_workers",
    "_signer",
    "_pacing",
    "_credential_sources",
    "_credentials",
    "_transport",
    "_extensions",
    "_reconcile",
    "_base",
)


def imported(path):
    """The module_utils files that the Python file at ``path`` imports, at any depth of its code."""
    with open(path) as source:
        tree = ast.parse(source.read(), path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == PACKAGE:
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE + "."):
            found.add(node.module[len(PACKAGE) + 1:].split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name[len(PACKAGE) + 1:].split(".")[0] for alias in node.names if alias.name.startswith(PACKAGE + "."))
    return found


def python_files(directory):
    return sorted(name for name in os.listdir(directory) if name.endswith(".py") and name != "__init__.py")


def test_every_file_has_a_layer_and_says_it_is_private():
    names = [name[:-3] for name in python_files(MODULE_UTILS)]
    assert sorted(names) == sorted(LAYERS)
    for name in names:
        with open(os.path.join(MODULE_UTILS, name + ".py")) as source:
            assert "not a public API" in source.read(2000), name


@pytest.mark.parametrize("name", LAYERS)
def test_a_file_imports_only_lower_layers(name):
    lower = set(LAYERS[:LAYERS.index(name)])
    assert imported(os.path.join(MODULE_UTILS, name + ".py")) <= lower


@pytest.mark.parametrize("name", python_files(MODULES))
def test_modules_import_only_base_and_the_domain(name):
    assert imported(os.path.join(MODULES, name)) <= {"_base", "_extensions", "_reconcile"}


def test_a_file_that_imported_a_higher_layer_is_caught(tmp_path):
    path = tmp_path / "_transport.py"
    path.write_text(u"from %s._reconcile import plan\nfrom %s import _base as base\n" % (PACKAGE, PACKAGE))
    assert imported(str(path)) == {"_reconcile", "_base"}
