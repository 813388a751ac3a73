# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""tccc_extension with every HTTP call pinned: each case in four forms (change, change in check mode, no
change, no change in check mode); a check mode run that sent a write would fail on the unexpected call."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections

import pytest

from ansible_collections.tencentcloud.tccc.plugins.modules import tccc_extension
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.extension_calls import (
    create, delete, info, listing, modify, module_args, registration, reset,
)
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.module_runs import run_main

FRONT = info("1001", "Front desk", [1000], "alice@example.com")
FRONT_FIELDS = {"extension_name": "Front desk", "skill_group_ids": [1000], "relation": "alice@example.com"}


def fields(name, groups, relation):
    return {"extension_name": name, "skill_group_ids": list(groups), "relation": relation}


# A case of the four forms: the extension before, the module's arguments, the writes of a real run
# (fresh calls each time), the extension after (None: gone), and the diff's two sides.
Case = collections.namedtuple("Case", "before args writes after diff_before diff_after")

CASES = {
    "create": Case(
        before=[], args=dict(extension_id="2001", extension_name="Desk", skill_group_ids=[1001, 1000, 1001], relation="bob@example.com"),
        writes=lambda: [create("2001", "Desk", [1000, 1001], "bob@example.com").result()],
        after=info("2001", "Desk", [1000, 1001], "bob@example.com"),
        diff_before={}, diff_after=fields("Desk", [1000, 1001], "bob@example.com")),
    "rename": Case(
        before=[FRONT], args=dict(extension_id="1001", extension_name="Lobby"),
        writes=lambda: [modify("1001", "Lobby", [1000], "alice@example.com").result()],
        after=info("1001", "Lobby", [1000], "alice@example.com"),
        diff_before=FRONT_FIELDS, diff_after=fields("Lobby", [1000], "alice@example.com")),
    "bind another agent": Case(
        before=[FRONT], args=dict(extension_id="1001", relation="bob@example.com"),
        writes=lambda: [modify("1001", "Front desk", [1000], "bob@example.com").result()],
        after=info("1001", "Front desk", [1000], "bob@example.com"),
        diff_before=FRONT_FIELDS, diff_after=fields("Front desk", [1000], "bob@example.com")),
    "unbind": Case(
        before=[FRONT], args=dict(extension_id="1001", relation=""),
        writes=lambda: [modify("1001", "Front desk", [1000], "").result()],
        after=info("1001", "Front desk", [1000], ""),
        diff_before=FRONT_FIELDS, diff_after=fields("Front desk", [1000], "")),
    "skill groups": Case(
        before=[FRONT], args=dict(extension_id="1001", skill_group_ids=[1002, 1001]),
        writes=lambda: [modify("1001", "Front desk", [1001, 1002], "alice@example.com").result()],
        after=info("1001", "Front desk", [1001, 1002], "alice@example.com"),
        diff_before=FRONT_FIELDS, diff_after=fields("Front desk", [1001, 1002], "alice@example.com")),
    "clear skill groups": Case(
        before=[FRONT], args=dict(extension_id="1001", skill_group_ids=[]),
        writes=lambda: [modify("1001", "Front desk", [], "alice@example.com").result()],
        after=info("1001", "Front desk", [], "alice@example.com"),
        diff_before=FRONT_FIELDS, diff_after=fields("Front desk", [], "alice@example.com")),
    "delete": Case(
        before=[FRONT], args=dict(extension_id="1001", state="absent"),
        writes=lambda: [delete("1001").result()],
        after=None,
        diff_before=FRONT_FIELDS, diff_after={}),
}


def run(args, capsys, check_mode=False):
    return run_main(tccc_extension.main, module_args(include_registration=False, **args), capsys, check_mode=check_mode, diff=True)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("check_mode", [False, True], ids=["change", "change in check mode"])
def test_change(tccc, capsys, case, check_mode):
    given = CASES[case]
    extension_id = given.args["extension_id"]
    tccc.expect(listing(given.before, [extension_id]))
    if not check_mode:
        tccc.expect(*given.writes())
        if given.after is not None:
            tccc.expect(listing([given.after], [extension_id]))
    result = run(given.args, capsys, check_mode)
    assert result["changed"] is True
    assert result["diff"] == {"before": given.diff_before, "after": given.diff_after}
    if given.after is None:
        assert result["extension"] == {}
    else:
        shown = result["extension"]
        assert (shown["extension_id"], shown["extension_name"], shown["skill_group_ids"], shown["relation"]) == (
            extension_id, given.diff_after["extension_name"], given.diff_after["skill_group_ids"], given.diff_after["relation"])
    assert [request.action for request in tccc.received][1:] == ([] if check_mode else [call.action for call in given.writes()] + (
        [] if given.after is None else ["DescribeExtensions"]))


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("check_mode", [False, True], ids=["no change", "no change in check mode"])
def test_no_change(tccc, capsys, case, check_mode):
    given = CASES[case]
    tccc.expect(listing([] if given.after is None else [given.after], [given.args["extension_id"]]))
    result = run(given.args, capsys, check_mode)
    assert result["changed"] is False
    assert result["diff"] == {"before": given.diff_after, "after": given.diff_after}
    assert result["extension"] == ({} if given.after is None else result["extension"]) and tccc.actions() == ["DescribeExtensions"]


@pytest.mark.parametrize("check_mode", [False, True], ids=["change", "change in check mode"])
def test_reset_password_is_always_a_change_and_returns_the_new_password(tccc, capsys, check_mode):
    tccc.expect(listing([FRONT], ["1001"]))
    if not check_mode:
        tccc.expect(reset("1001").result(Password="NewSipPw01234"))
    result = run(dict(extension_id="1001", reset_password=True), capsys, check_mode)
    assert result["changed"] is True
    # A reset shows in the diff (before, both sides were the same); the password is returned only when asked for.
    assert result["diff"] == {"before": dict(FRONT_FIELDS, password="(current)"), "after": dict(FRONT_FIELDS, password="(reset)")}
    assert "password" not in result["extension"] and "NewSipPw01234" not in repr(result)


def test_a_new_password_is_returned_when_asked_for(tccc, capsys):
    tccc.expect(listing([FRONT], ["1001"]), reset("1001").result(Password="NewSipPw01234"), registration("1001", "NewSipPw01234"))
    result = run_main(tccc_extension.main, module_args(extension_id="1001", reset_password=True, include_registration=True), capsys,
                      no_log=True)
    assert result["extension"]["password"] == "NewSipPw01234"


@pytest.mark.parametrize("check_mode", [False, True], ids=["no change", "no change in check mode"])
def test_without_reset_password_nothing_changes(tccc, capsys, check_mode):
    tccc.expect(listing([FRONT], ["1001"]))
    result = run(dict(extension_id="1001", reset_password=False), capsys, check_mode)
    assert result["changed"] is False and "password" not in result["extension"]


def test_registration_facts_are_read_after_the_write(tccc, capsys):
    tccc.expect(listing([], ["2001"]), create("2001", "Desk").result(), registration("2001"),
                listing([info("2001", "Desk")], ["2001"]))
    result = run_main(tccc_extension.main, module_args(extension_id="2001", extension_name="Desk", include_registration=True), capsys,
                      no_log=True)
    assert result["changed"] is True
    assert result["extension"]["password"] == "SipPw-2001"
    assert result["extension"]["outbound_proxy_port"] == 5061
    assert "diff" not in result


@pytest.mark.parametrize("args, option", [
    (dict(extension_id="1001 "), "extension_id"),
    (dict(extension_id=""), "extension_id"),
    (dict(extension_id="1001", extension_name=" "), "extension_name"),
    (dict(extension_id="1001", skill_group_ids=[-1]), "skill_group_ids"),
    (dict(extension_id="1001", relation=" bob@example.com"), "relation"),
    (dict(extension_id="1001", state="absent", extension_name="x"), "extension_name"),
    (dict(extension_id="1001", sdk_app_id=0), "sdk_app_id"),
])
def test_bad_input_fails_before_any_request(tccc, capsys, args, option):
    result = run(args, capsys)
    assert result["failed"] is True
    assert result["option"] == option and result["error"]["code"] == "ConfigError"
    assert tccc.received == []


def test_an_id_that_yaml_made_a_number_fails_before_any_request(tccc, capsys):
    # extension_id: 01002 unquoted is the octal 514: writing extension "514" is not what was meant.
    result = run(dict(extension_id=514, state="absent"), capsys)
    assert result["failed"] is True and result["option"] == "extension_id" and result["error"]["code"] == "ConfigError"
    assert result["msg"].startswith("extension_id: 514 arrived as a number, not as text, so it may not be the extension meant")
    assert result["msg"].endswith("quote the id in YAML (\"01002\")")
    assert tccc.received == []


def test_a_missing_name_for_a_create_fails_after_the_listing_only(tccc, capsys):
    tccc.expect(listing([], ["2001"]))
    result = run(dict(extension_id="2001", relation="bob@example.com"), capsys)
    assert result["failed"] is True and result["option"] == "extension_name"
    assert result["msg"] == "extension_name is required to create extension 2001, which does not exist"


def test_a_refused_write_fails_naming_the_extension(tccc, capsys):
    refused = modify("1001", "Front desk", [1000], "nobody@example.com")
    refused.error("InvalidParameterValue.AccountNotExist", "no such agent", "req-77")
    tccc.expect(listing([FRONT], ["1001"]), refused)
    result = run(dict(extension_id="1001", relation="nobody@example.com"), capsys)
    assert result["failed"] is True
    assert result["msg"].startswith("extension 1001: ModifyExtension failed: InvalidParameterValue.AccountNotExist: no such agent "
                                    "(request id req-77). Done before the failure: nothing.")
    assert result["error"] == {"code": "InvalidParameterValue.AccountNotExist", "message": "no such agent"}
    assert (result["request_id"], result["extension_id"], result["updated"]) == ("req-77", "1001", [])
