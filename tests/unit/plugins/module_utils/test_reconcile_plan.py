# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pure half of reconcile: input checks, the plan, the diff and the outcome lists."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ConfigError
from ansible_collections.tencentcloud.tccc.plugins.module_utils._reconcile import check_items, diff, outcome_lists, plan

APP = 1400000000


def facts(extension_id, name, groups=(), relation=""):
    return {"extension_id": extension_id, "extension_name": name, "skill_group_ids": list(groups), "relation": relation}


CURRENT = {
    "1001": facts("1001", "Front desk", [1001, 1000], "alice@example.com"),
    "1002": facts("1002", "Sales", [1001]),
    "1003": facts("1003", "Spare"),
}


def items(*raw, **kwargs):
    return check_items([dict(item) for item in raw], list_option="extensions", **kwargs)


@pytest.mark.parametrize("raw, purge, option, words", [
    ([{"extension_id": ""}], False, "extensions[0].extension_id", "must be an extension number"),
    ([{"extension_id": " 1001"}], False, "extensions[0].extension_id", "surrounding spaces"),
    ([{"extension_id": "1001"}, {"extension_id": "1001"}], False, "extensions", "'1001' is listed twice"),
    ([{"extension_id": "1001", "extension_name": "  "}], False, "extensions[0].extension_name", "must not be empty: omit it to keep the current name"),
    ([{"extension_id": "1001", "skill_group_ids": [1000, -1]}], False, "extensions[0].skill_group_ids", "-1 is out of range"),
    ([{"extension_id": "1001", "relation": "alice@example.com "}], False, "extensions[0].relation", "without surrounding spaces"),
    ([{"extension_id": "1001", "state": "absent", "relation": ""}], False, "extensions[0].relation", "contradicts extensions[0].state"),
    ([{"extension_id": "1001", "state": "absent", "reset_password": True}], False, "extensions[0].reset_password", "contradicts"),
    ([{"extension_id": "1", "extension_name": "a"}, {"extension_id": "1001", "state": "absent"}], True, "extensions[1].state",
     "contradicts purge: true"),
    ([], True, "purge", "would delete every extension"),
    # Issue 19: before, each of these reached a write request.
    ([{"extension_id": "1001\u200b"}], True, "extensions[0].extension_id", "U+200B ZERO WIDTH SPACE, which is not an ASCII digit"),
    ([{"extension_id": "\uff11\uff10\uff10\uff11"}], False, "extensions[0].extension_id", "U+FF11 FULLWIDTH DIGIT ONE"),
    ([{"extension_id": "True"}], False, "extensions[0].extension_id", "'T' is not a digit"),
    ([{"extension_id": "-1"}], False, "extensions[0].extension_id", "'-' is not a digit"),
    ([{"extension_id": "1" * 21}], False, "extensions[0].extension_id", "it has 21 digits"),
    ([{"extension_id": "1001", "skill_group_ids": [True]}], False, "extensions[0].skill_group_ids", "true is not a number"),
    ([{"extension_id": "1001", "skill_group_ids": [1, True]}], False, "extensions[0].skill_group_ids", "true is not a number"),
    ([{"extension_id": "1001", "skill_group_ids": [12345678901234567890123]}], False, "extensions[0].skill_group_ids",
     "12345678901234567890123 is out of range: each is a number from 0 to 9223372036854775807"),
    ([{"extension_id": "1001", "extension_name": "x" * 256}], False, "extensions[0].extension_name", "has 256 characters: at most 255"),
    ([{"extension_id": "1001", "extension_name": "Desk\x00"}], False, "extensions[0].extension_name", "control character (U+0000) at position 5"),
    ([{"extension_id": "1001", "relation": "a@example.com\nb"}], False, "extensions[0].relation", "control character (U+000A)"),
])
def test_bad_input_names_the_option(raw, purge, option, words):
    with pytest.raises(ConfigError) as caught:
        items(*raw, purge=purge)
    assert caught.value.option == option
    assert words in str(caught.value)


def test_the_single_module_names_its_own_options():
    with pytest.raises(ConfigError) as caught:
        check_items([{"extension_id": "1001", "relation": " x"}])
    assert caught.value.option == "relation"
    assert str(caught.value).startswith("relation of extension 1001")


def test_nothing_to_do_when_everything_matches():
    wanted = items({"extension_id": "1001", "extension_name": "Front desk", "skill_group_ids": [1000, 1001, 1000],
                    "relation": "alice@example.com"},
                   {"extension_id": "1002"},
                   {"extension_id": "1009", "state": "absent"})
    assert plan(wanted, CURRENT, APP) == []


def test_create_sends_only_what_is_given_and_needs_a_name():
    tasks = plan(items({"extension_id": "2001", "extension_name": "New", "skill_group_ids": [], "relation": ""},
                       {"extension_id": "2002", "extension_name": "Bound", "skill_group_ids": [1002, 1001], "relation": "bob@example.com",
                        "reset_password": True}), CURRENT, APP)
    assert [(task.extension_id, task.calls) for task in tasks] == [
        ("2001", [("CreateExtension", {"SdkAppId": APP, "ExtensionId": "2001", "ExtensionName": "New"})]),
        ("2002", [("CreateExtension", {"SdkAppId": APP, "ExtensionId": "2002", "ExtensionName": "Bound", "SkillGroupIds": [1001, 1002],
                                       "Relation": "bob@example.com"})]),
    ]
    assert tasks[0].before is None and tasks[0].after == {"extension_name": "New", "skill_group_ids": [], "relation": ""}
    with pytest.raises(ConfigError) as caught:
        plan(items({"extension_id": "1001"}, {"extension_id": "2003", "relation": "bob@example.com"}), CURRENT, APP)
    assert caught.value.option == "extensions[1].extension_name"
    assert "required to create extension 2003" in str(caught.value)


@pytest.mark.parametrize("raw, after", [
    ({"extension_name": "Lobby"}, {"extension_name": "Lobby", "skill_group_ids": [1000, 1001], "relation": "alice@example.com"}),
    ({"relation": ""}, {"extension_name": "Front desk", "skill_group_ids": [1000, 1001], "relation": ""}),
    ({"relation": "bob@example.com"}, {"extension_name": "Front desk", "skill_group_ids": [1000, 1001], "relation": "bob@example.com"}),
    ({"skill_group_ids": []}, {"extension_name": "Front desk", "skill_group_ids": [], "relation": "alice@example.com"}),
    ({"skill_group_ids": [1002, 1000]}, {"extension_name": "Front desk", "skill_group_ids": [1000, 1002], "relation": "alice@example.com"}),
])
def test_modify_sends_every_managed_field_omitted_ones_as_they_are(raw, after):
    tasks = plan(items(dict(raw, extension_id="1001")), CURRENT, APP)
    assert len(tasks) == 1
    assert tasks[0].before == {"extension_name": "Front desk", "skill_group_ids": [1000, 1001], "relation": "alice@example.com"}
    assert tasks[0].after == after
    assert tasks[0].calls == [("ModifyExtension", {"SdkAppId": APP, "ExtensionId": "1001", "ExtensionName": after["extension_name"],
                                                   "SkillGroupIds": after["skill_group_ids"], "Relation": after["relation"]})]


def test_reset_is_always_a_change_after_any_modify():
    tasks = plan(items({"extension_id": "1002", "reset_password": True},
                       {"extension_id": "1003", "extension_name": "Lobby", "reset_password": True}), CURRENT, APP)
    assert [(task.extension_id, task.actions) for task in tasks] == [
        ("1002", ["ResetExtensionPassword"]), ("1003", ["ModifyExtension", "ResetExtensionPassword"])]
    assert tasks[0].before == tasks[0].after


def test_absent_deletes_and_purge_deletes_what_is_not_named():
    tasks = plan(items({"extension_id": "1002", "state": "absent"}), CURRENT, APP)
    assert [(task.extension_id, task.actions, task.after) for task in tasks] == [("1002", ["DeleteExtension"], None)]
    tasks = plan(items({"extension_id": "1003"}, {"extension_id": "2001", "extension_name": "New"}), CURRENT, APP, purge=True)
    assert [(task.extension_id, task.actions) for task in tasks] == [
        ("2001", ["CreateExtension"]), ("1001", ["DeleteExtension"]), ("1002", ["DeleteExtension"])]


def test_diff_and_outcomes_never_hold_a_password():
    tasks = plan(items({"extension_id": "1001", "relation": ""}, {"extension_id": "1002", "state": "absent"},
                       {"extension_id": "1003", "reset_password": True}, {"extension_id": "2001", "extension_name": "New"}),
                 dict((key, dict(value, password="Secret0001")) for key, value in CURRENT.items()), APP)
    shown = diff(tasks)
    assert sorted(shown["before"]) == ["1001", "1002", "1003"]
    assert sorted(shown["after"]) == ["1001", "1003", "2001"]
    assert "Secret0001" not in repr(shown)
    assert outcome_lists(tasks) == {"created": ["2001"], "updated": ["1001"], "deleted": ["1002"], "reset": ["1003"]}
    assert outcome_lists(tasks, done={("1002", "DeleteExtension")}) == {"created": [], "updated": [], "deleted": ["1002"], "reset": []}


def test_the_limits_themselves_pass():
    wanted = items({"extension_id": "1" * 20, "extension_name": "x" * 255, "skill_group_ids": [0, 2 ** 63 - 1], "relation": ""},
                   {"extension_id": "0", "extension_name": "Caf\u00e9 \U0001F4DE"})
    assert [item.extension_id for item in wanted] == ["1" * 20, "0"]
