# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fixture every module test here uses: one isolated run whose every HTTP call is pinned."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tencentcloud.tccc.tests.unit.helpers.module_runs import isolate


@pytest.fixture
def tccc(monkeypatch, tmp_path):
    """Isolate the run; each test states the calls it expects with ``tccc.expect(...)``, and any other
    call, or one that never comes, fails it."""
    session = isolate(monkeypatch, tmp_path)
    yield session
    session.assert_is_done()
