# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared option checks: each names the option and the fix."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _base as checks
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _extensions as extension_checks
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ConfigError


@pytest.mark.parametrize("value", ["", " 1001", "1001 ", "\t"])
def test_check_id_refuses_empty_and_padded(value):
    with pytest.raises(ConfigError) as info:
        extension_checks.check_id(value, "extension_id")
    assert info.value.option == "extension_id" and "surrounding spaces" in str(info.value)


def test_check_id_accepts_a_number():
    extension_checks.check_id("1001", "extension_id")


@pytest.mark.parametrize("values", [None, [], ["1001", "1001"]])
def test_check_ids_accepts(values):
    extension_checks.check_ids(values, "extension_ids")


@pytest.mark.parametrize("values", [[""], ["1001", " 1002"]])
def test_check_ids_checks_each_as_check_id(values):
    with pytest.raises(ConfigError) as info:
        extension_checks.check_ids(values, "extension_ids")
    assert info.value.option == "extension_ids" and "must be an extension number" in str(info.value)


def test_check_unique():
    extension_checks.check_unique(["1001", "1002"], "extensions")
    with pytest.raises(ConfigError) as info:
        extension_checks.check_unique(["1001", "1002", "1001"], "extensions")
    assert info.value.option == "extensions" and "'1001' is listed twice" in str(info.value)


SPEC = dict(
    sdk_app_id=dict(type="int"),
    extension_ids=dict(type="list", elements="str", aliases=["extension_id"]),
    extensions=dict(type="list", elements="dict", options=dict(extension_id=dict(type="str"), skill_group_ids=dict(type="list", elements="int"))),
)


def test_numeric_ids_are_found_in_list_items_and_under_aliases():
    raw = {"sdk_app_id": 1400000000, "extension_id": [514, "1003", 1e3],
           "extensions": [{"extension_id": "1001", "skill_group_ids": [1]}, "not a dict", {"extension_id": 514}]}
    assert checks.numeric_ids(SPEC, raw) == [("extension_id", [514, 1e3]), ("extensions[2].extension_id", [514])]
    assert checks.numeric_ids(SPEC, {"extensions": [{"extension_id": "01002"}], "extension_ids": ["1", True]}) == []


def test_numeric_ids_warn_where_read_and_fail_where_written():
    raw = {"extensions": [{"extension_id": 514}]}
    (warning,) = checks.numeric_id_warnings(SPEC, raw)
    assert warning.startswith("extensions[0].extension_id: 514 arrived as a number, not as text: quote ids in YAML")
    with pytest.raises(ConfigError) as info:
        checks.check_no_numeric_ids(SPEC, raw)
    assert info.value.option == "extensions[0].extension_id" and "octal number 514" in str(info.value)
    checks.check_no_numeric_ids(SPEC, {"extensions": [{"extension_id": "514"}]})


def test_check_not_blank():
    extension_checks.check_not_blank(None, "keyword", "omit it")
    extension_checks.check_not_blank("desk", "keyword", "omit it")
    with pytest.raises(ConfigError) as info:
        extension_checks.check_not_blank(" ", "keyword", "omit it")
    assert str(info.value) == "keyword must not be empty: omit it"


@pytest.mark.parametrize("raw, option, words", [
    ({"extensions": [{"extension_id": True}]}, "extensions[0].extension_id", "arrived as true/false, not as text: quote it in YAML"),
    ({"extensions": [{"extension_id": "1"}, {"extension_id": ["1001"]}]}, "extensions[1].extension_id", "arrived as a list"),
    ({"extension_ids": ["1001", False]}, "extension_ids", "arrived as true/false"),
    ({"extension_id": [{"a": 1}]}, "extension_id", "arrived as a mapping"),
])
def test_texts_given_as_something_else_fail_naming_the_option(raw, option, words):
    with pytest.raises(ConfigError) as info:
        checks.check_texts_given_as_text(SPEC, raw)
    assert info.value.option == option and words in str(info.value)


def test_texts_and_numbers_pass_the_text_check():
    checks.check_texts_given_as_text(SPEC, {"extension_ids": ["1001", 1002], "extensions": [{"extension_id": "1", "skill_group_ids": [True]}]})
