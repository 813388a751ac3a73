# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""_base.py: the shared option checks (numeric ids, transport options), each naming the option and the fix."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _base as checks
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ConfigError


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
