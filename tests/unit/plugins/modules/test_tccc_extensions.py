# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""tccc_extensions with every HTTP call pinned: each case in four forms (change, change in check mode, no
change, no change in check mode); a check mode run that sent a write would fail on the unexpected call."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _errors as redaction
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _reconcile as reconcile
from ansible_collections.tencentcloud.tccc.plugins.modules import tccc_extensions
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.extension_calls import (
    create, delete, info, listing, modify, module_args, registration, reset,
)
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.module_runs import run_main
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import unordered

FRONT = info("1001", "Front desk", [1000], "alice@example.com")
SALES = info("1002", "Sales", [1001])
SPARE = info("1003", "Spare")
NEW = [info(id_, "Desk " + id_, [1002]) for id_ in ("2001", "2002", "2003")]


def fields(extension):
    return {"extension_name": extension["ExtensionName"], "skill_group_ids": [int(g) for g in extension["SkillGroupId"].split(",") if g],
            "relation": extension["Relation"]}


def new_items():
    return [{"extension_id": ext["ExtensionId"], "extension_name": ext["ExtensionName"], "skill_group_ids": [1002]} for ext in NEW]


# A case of the four forms: the module's arguments, the listing before and the ids it asks for (None:
# the whole instance), the writes of a real run (fresh calls each time, in any order), the listing
# after, the ids reported per outcome, and the ids listed again after the writes (the changed ones).
Case = collections.namedtuple("Case", "args before listed_ids writes after done changed_ids")

CASES = {
    "create three": Case(
        args=dict(extensions=new_items() + [{"extension_id": "1001"}]),
        before=[FRONT], listed_ids=["2001", "2002", "2003", "1001"],
        writes=lambda: [create(ext["ExtensionId"], ext["ExtensionName"], [1002]).result() for ext in NEW],
        after=NEW + [FRONT], done=dict(created=["2001", "2002", "2003"]), changed_ids=["2001", "2002", "2003"]),
    "modify two, delete one": Case(
        args=dict(extensions=[{"extension_id": "1001", "relation": ""}, {"extension_id": "1002", "extension_name": "Sales desk"},
                              {"extension_id": "1003", "state": "absent"}]),
        before=[FRONT, SALES, SPARE], listed_ids=["1001", "1002", "1003"],
        writes=lambda: [modify("1001", "Front desk", [1000], "").result(), modify("1002", "Sales desk", [1001], "").result(),
                        delete("1003").result()],
        after=[info("1001", "Front desk", [1000]), info("1002", "Sales desk", [1001])],
        done=dict(updated=["1001", "1002"], deleted=["1003"]), changed_ids=["1001", "1002"]),
    "purge": Case(
        args=dict(extensions=[{"extension_id": "1002"}], purge=True),
        before=[FRONT, SALES, SPARE], listed_ids=None,
        writes=lambda: [delete("1001").result(), delete("1003").result()],
        after=[SALES], done=dict(deleted=["1001", "1003"]), changed_ids=[]),
}


def run(args, capsys, check_mode=False):
    return run_main(tccc_extensions.main, module_args(include_registration=False, **args), capsys, check_mode=check_mode, diff=True)


def outcomes(**given):
    return dict(dict(created=[], updated=[], deleted=[], reset=[]), **given)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("check_mode", [False, True], ids=["change", "change in check mode"])
def test_change(tccc, capsys, case, check_mode):
    given = CASES[case]
    tccc.expect(listing(given.before, given.listed_ids))
    if not check_mode:
        tccc.expect(unordered(*given.writes()))
        if given.changed_ids:
            tccc.expect(listing([ext for ext in given.after if ext["ExtensionId"] in given.changed_ids], given.changed_ids))
    result = run(given.args, capsys, check_mode)
    assert result["changed"] is True
    assert dict((key, result[key]) for key in ("created", "updated", "deleted", "reset")) == outcomes(**given.done)
    touched = set(sum(given.done.values(), []))
    before_by_id = dict((ext["ExtensionId"], fields(ext)) for ext in given.before)
    after_by_id = dict((ext["ExtensionId"], fields(ext)) for ext in given.after)
    assert result["diff"] == {"before": dict((id_, f) for id_, f in before_by_id.items() if id_ in touched),
                              "after": dict((id_, f) for id_, f in after_by_id.items() if id_ in touched)}
    listed = [item["extension_id"] for item in given.args["extensions"] if item.get("state") != "absent"]
    assert [ext["extension_id"] for ext in result["extensions"]] == listed
    assert [fields_of(ext) for ext in result["extensions"]] == [after_by_id[id_] for id_ in listed]
    sent_writes = [action for action in tccc.actions() if action != "DescribeExtensions"]
    assert sent_writes == [] if check_mode else sorted(sent_writes) == sorted(call.action for call in given.writes())


def fields_of(extension):
    return dict((key, extension[key]) for key in ("extension_name", "skill_group_ids", "relation"))


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("check_mode", [False, True], ids=["no change", "no change in check mode"])
def test_no_change(tccc, capsys, case, check_mode):
    given = CASES[case]
    tccc.expect(listing(given.after, given.listed_ids))
    result = run(given.args, capsys, check_mode)
    assert result["changed"] is False
    assert dict((key, result[key]) for key in ("created", "updated", "deleted", "reset")) == outcomes()
    assert result["diff"] == {"before": {}, "after": {}}
    assert tccc.actions() == ["DescribeExtensions"]


@pytest.mark.parametrize("check_mode", [False, True], ids=["change", "change in check mode"])
def test_reset_passwords(tccc, capsys, check_mode):
    tccc.expect(listing([FRONT, SALES], ["1001", "1002"]))
    if not check_mode:
        tccc.expect(unordered(reset("1001").result(Password="NewPw1001xxxx"), reset("1002").result(Password="NewPw1002xxxx")))
    result = run(dict(extensions=[{"extension_id": "1001", "reset_password": True}, {"extension_id": "1002", "reset_password": True}]),
                 capsys, check_mode)
    assert result["changed"] is True and result["reset"] == ["1001", "1002"]
    # The diff shows that a reset happens (before, it showed the same fields on both sides), never a password; and
    # the result holds no password, since include_registration did not ask for one.
    assert result["diff"] == {"before": {"1001": dict(fields(FRONT), password="(current)"), "1002": dict(fields(SALES), password="(current)")},
                              "after": {"1001": dict(fields(FRONT), password="(reset)"), "1002": dict(fields(SALES), password="(reset)")}}
    assert [ext.get("password") for ext in result["extensions"]] == [None, None]
    assert "NewPw" not in repr(result)


def test_an_extension_to_create_says_so_in_check_mode(tccc, capsys):
    tccc.expect(listing([FRONT], ["1001", "2001"]), registration("1001"))
    result = run_main(tccc_extensions.main, module_args(include_registration=True, extensions=[
        {"extension_id": "1001"}, {"extension_id": "2001", "extension_name": "Desk"}]), capsys, check_mode=True, no_log=True)
    assert result["created"] == ["2001"]
    assert [(ext["extension_id"], ext.get("would_create"), "password" in ext) for ext in result["extensions"]] == [
        ("1001", None, True), ("2001", True, False)]


@pytest.mark.parametrize("check_mode", [False, True], ids=["no change", "no change in check mode"])
def test_no_reset_without_reset_password(tccc, capsys, check_mode):
    tccc.expect(listing([FRONT, SALES], ["1001", "1002"]))
    result = run(dict(extensions=[{"extension_id": "1001"}, {"extension_id": "1002", "reset_password": False}]), capsys, check_mode)
    assert result["changed"] is False and result["reset"] == []


@pytest.mark.parametrize("extensions, purge, option", [
    ([{"extension_id": "1001"}, {"extension_id": "1001", "state": "absent"}], False, "extensions"),
    ([{"extension_id": " 1001"}], False, "extensions[0].extension_id"),
    ([{"extension_id": "1001"}, {"extension_id": "1002", "state": "absent"}], True, "extensions[1].state"),
    ([], True, "purge"),
])
def test_bad_input_fails_before_any_request(tccc, capsys, extensions, purge, option):
    result = run(dict(extensions=extensions, purge=purge), capsys)
    assert result["failed"] is True and result["option"] == option
    assert tccc.received == []


def test_an_id_that_yaml_made_a_number_fails_before_any_request(tccc, capsys):
    # Before, 01002 unquoted (the octal 514) became "514" silently, and purge deleted the real 01002.
    result = run(dict(extensions=[{"extension_id": "1001"}, {"extension_id": 514}], purge=True), capsys)
    assert result["failed"] is True and result["option"] == "extensions[1].extension_id"
    assert result["msg"].startswith("extensions[1].extension_id: 514 arrived as a number, not as text")
    assert tccc.received == []


def test_the_items_are_parsed_and_checked_once(tccc, capsys, monkeypatch):
    calls = []
    check_items = reconcile.check_items
    monkeypatch.setattr(reconcile, "check_items", lambda *args, **kwargs: calls.append(args) or check_items(*args, **kwargs))
    tccc.expect(listing([FRONT], ["1001"]))
    assert run(dict(extensions=[{"extension_id": "1001"}]), capsys)["changed"] is False
    assert len(calls) == 1


def test_a_failed_write_reports_what_was_done(tccc, capsys):
    tccc.expect(listing([FRONT], ["1001", "2001"]),
                unordered(modify("1001", "Lobby", [1000], "alice@example.com").result(),
                          create("2001", "Desk").error("LimitExceeded.OutOfCountLimit", "too many extensions", "req-5")))
    result = run(dict(extensions=[{"extension_id": "1001", "extension_name": "Lobby"}, {"extension_id": "2001", "extension_name": "Desk"}]),
                 capsys)
    assert result["failed"] is True
    # Before, a failure after writes said changed: false (it said nothing).
    assert (result["extension_id"], result["created"], result["updated"], result["changed"]) == ("2001", [], ["1001"], True)
    assert result["msg"].startswith("extension 2001: CreateExtension failed: LimitExceeded.OutOfCountLimit: too many extensions")
    assert "Done before the failure: updated 1001." in result["msg"]


def test_a_new_password_is_protected_in_the_result(tccc, capsys):
    tccc.expect(listing([FRONT], ["1001"]), reset("1001").result(Password="NewPw1001xxxx"), registration("1001", "NewPw1001xxxx"))
    result = run_main(tccc_extensions.main, module_args(include_registration=True, extensions=[{"extension_id": "1001", "reset_password": True}]),
                      capsys)
    assert result["extensions"][0]["password"] == "NewPw1001xxxx"
    if not redaction.core_masks_secrets():
        # 2.19 returns structured warnings; their text is what matters
        assert "set no_log: true on this task" in json.dumps(result["warnings"])


def test_with_a_core_that_masks_secrets_a_new_password_is_registered_once_and_brings_no_warning(tccc, capsys, monkeypatch):
    # Before, the module registered each password again after redaction.remember() had, and warned
    # on a core without register_secret even where remember() registered it.
    registered = []
    monkeypatch.setattr(redaction, "register_secret", registered.append)
    tccc.expect(listing([FRONT], ["1001"]), reset("1001").result(Password="NewPw1001yyyy"), registration("1001", "NewPw1001yyyy"))
    result = run_main(tccc_extensions.main, module_args(include_registration=True, extensions=[{"extension_id": "1001", "reset_password": True}]),
                      capsys)
    assert result["extensions"][0]["password"] == "NewPw1001yyyy"
    # once for each answer that carries it: the reset's and the registration read's
    assert registered.count("NewPw1001yyyy") == 2
    assert "no_log" not in json.dumps(result.get("warnings", []))
