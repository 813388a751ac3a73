# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared option checks: each names the option and the fix."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import checks
from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import ConfigError


@pytest.mark.parametrize("value", ["", " 1001", "1001 ", "\t"])
def test_check_id_refuses_empty_and_padded(value):
    with pytest.raises(ConfigError) as info:
        checks.check_id(value, "extension_id")
    assert info.value.option == "extension_id" and "surrounding spaces" in str(info.value)


def test_check_id_accepts_a_number():
    checks.check_id("1001", "extension_id")


def test_check_ids_unique():
    checks.check_ids(None, "extension_ids", unique=True)
    checks.check_ids(["1001", "1001"], "extension_ids")
    with pytest.raises(ConfigError) as info:
        checks.check_ids(["1001", "1002", "1001"], "extension_ids", unique=True)
    assert info.value.option == "extension_ids" and "'1001' is listed twice" in str(info.value)


def test_check_not_blank():
    checks.check_not_blank(None, "keyword", "omit it")
    checks.check_not_blank("desk", "keyword", "omit it")
    with pytest.raises(ConfigError) as info:
        checks.check_not_blank(" ", "keyword", "omit it")
    assert str(info.value) == "keyword must not be empty: omit it"
