# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""reconcile() (_reconcile.py): the checks of the items and the plan, pure; and the writes through a real
Client with every HTTP call pinned: the first failure stops further writes, and a write whose answer was lost
is settled by reading the extension again."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ConfigError, remember
from ansible_collections.tencentcloud.tccc.plugins.module_utils._reconcile import WriteFailed, check_items, diff, outcome_lists, plan, reconcile
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.extension_calls import (
    APP, create, delete, info, listing, modify, registration, reset,
)
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import PinnedSession, TcccCall, pinned_client, unordered

FRONT = info("1001", "Front desk", [1000])
SALES = info("1002", "Sales", [1001], "bob@example.com")


@pytest.fixture
def session():
    pinned = PinnedSession()
    yield pinned
    pinned.assert_is_done()


def items(*raw, **kwargs):
    return check_items(list(raw), list_option="extensions", **kwargs)


def run(session, wanted, **kwargs):
    kwargs.setdefault("include_registration", False)
    return reconcile(pinned_client(session, retries=2), APP, wanted, **kwargs)


def test_a_lost_create_that_was_applied_counts_as_done(session):
    session.expect(listing([], ["2001"]), create("2001", "Desk").drop(),
                   listing([info("2001", "Desk")], ["2001"]),   # the re-read: there it is
                   listing([info("2001", "Desk")], ["2001"]))   # the facts of what changed
    result = run(session, items({"extension_id": "2001", "extension_name": "Desk"}))
    assert result["created"] == ["2001"] and result["changed"] is True


def test_a_lost_create_that_was_not_applied_is_sent_once_more(session):
    session.expect(listing([], ["2001"]), create("2001", "Desk").timeout(), listing([], ["2001"]), create("2001", "Desk").result(),
                   listing([info("2001", "Desk")], ["2001"]))
    assert run(session, items({"extension_id": "2001", "extension_name": "Desk"}))["created"] == ["2001"]


def test_a_create_lost_twice_fails_without_a_third_try(session):
    session.expect(listing([], ["2001"]), create("2001", "Desk").drop(), listing([], ["2001"]), create("2001", "Desk").truncated())
    with pytest.raises(WriteFailed) as caught:
        run(session, items({"extension_id": "2001", "extension_name": "Desk"}))
    assert caught.value.code == "ConnectionError" and caught.value.extension_id == "2001"
    assert "Done before the failure: nothing" in str(caught.value)


def test_a_lost_create_of_an_extension_that_now_differs_fails(session):
    session.expect(listing([], ["2001"]), create("2001", "Desk").drop(), listing([info("2001", "Someone else's")], ["2001"]))
    with pytest.raises(WriteFailed) as caught:
        run(session, items({"extension_id": "2001", "extension_name": "Desk"}))
    assert "exists now, but not as requested" in str(caught.value)


def test_a_lost_delete_of_an_extension_now_gone_counts_as_done(session):
    session.expect(listing([FRONT], ["1001"]), delete("1001").drop(), listing([], ["1001"]))
    assert run(session, items({"extension_id": "1001", "state": "absent"}))["deleted"] == ["1001"]


def test_a_lost_delete_of_an_extension_still_there_is_sent_once_more(session):
    session.expect(listing([FRONT], ["1001"]), delete("1001").http(502, "<html>Bad Gateway</html>"), listing([FRONT], ["1001"]),
                   delete("1001").result())
    assert run(session, items({"extension_id": "1001", "state": "absent"}))["deleted"] == ["1001"]


def test_a_lost_modify_whose_fields_match_counts_as_done(session):
    renamed = info("1001", "Lobby", [1000])
    session.expect(listing([FRONT], ["1001"]), modify("1001", "Lobby", [1000], "").timeout(), listing([renamed], ["1001"]),
                   listing([renamed], ["1001"]))
    assert run(session, items({"extension_id": "1001", "extension_name": "Lobby"}))["updated"] == ["1001"]


def test_a_lost_modify_that_was_not_applied_is_sent_once_more(session):
    renamed = info("1001", "Lobby", [1000])
    session.expect(listing([FRONT], ["1001"]), modify("1001", "Lobby", [1000], "").drop(), listing([FRONT], ["1001"]),
                   modify("1001", "Lobby", [1000], "").result(), listing([renamed], ["1001"]))
    assert run(session, items({"extension_id": "1001", "extension_name": "Lobby"}))["updated"] == ["1001"]


def test_a_lost_password_reset_cannot_be_settled_and_fails_without_a_resend(session):
    session.expect(listing([FRONT], ["1001"]), reset("1001").drop())
    with pytest.raises(WriteFailed) as caught:
        run(session, items({"extension_id": "1001", "reset_password": True}))
    assert "unknown whether the password was reset: run the task again" in str(caught.value)
    assert caught.value.to_result()["reset"] == []


def test_a_create_answered_with_a_server_error_that_was_applied_counts_as_done(session):
    # Before, InternalError on a write failed the task although the extension had been created.
    session.expect(listing([], ["2001"]), create("2001", "Desk").error("InternalError", "internal error", "req-5"),
                   listing([info("2001", "Desk")], ["2001"]),   # the re-read: there it is
                   listing([info("2001", "Desk")], ["2001"]))   # the facts of what changed
    result = run(session, items({"extension_id": "2001", "extension_name": "Desk"}))
    assert result["created"] == ["2001"] and result["changed"] is True


def test_a_delete_answered_service_unavailable_and_not_applied_is_sent_once_more(session):
    session.expect(listing([FRONT], ["1001"]), delete("1001").error("ServiceUnavailable"), listing([FRONT], ["1001"]),
                   delete("1001").result())
    assert run(session, items({"extension_id": "1001", "state": "absent"}))["deleted"] == ["1001"]


def test_a_password_reset_answered_with_a_server_error_fails_without_a_resend(session):
    session.expect(listing([FRONT], ["1001"]), reset("1001").error("ResourceUnavailable", "busy", "req-6"))
    with pytest.raises(WriteFailed) as caught:
        run(session, items({"extension_id": "1001", "reset_password": True}))
    assert caught.value.code == "ResourceUnavailable" and caught.value.request_id == "req-6"
    assert "unknown whether the password was reset" in str(caught.value)


def test_a_refused_write_is_not_settled_by_reading(session):
    session.expect(listing([], ["2001"]), create("2001", "Desk").error("InternalError.DBError"))
    with pytest.raises(WriteFailed) as caught:
        run(session, items({"extension_id": "2001", "extension_name": "Desk"}))
    assert caught.value.code == "InternalError.DBError"


def test_the_first_failure_stops_further_writes_and_lists_what_was_done(session):
    session.expect(listing([FRONT, SALES], ["1001", "1002", "2001", "2002", "2003"]),
                   modify("1001", "Lobby", [1000], "").result(),
                   delete("1002").error("FailedOperation.PermissionDenied", "not yours", "req-9"))
    wanted = items({"extension_id": "1001", "extension_name": "Lobby"}, {"extension_id": "1002", "state": "absent"},
                   {"extension_id": "2001", "extension_name": "A"}, {"extension_id": "2002", "extension_name": "B"},
                   {"extension_id": "2003", "extension_name": "C"})
    with pytest.raises(WriteFailed) as caught:
        run(session, wanted, workers=1)
    err = caught.value
    assert str(err) == ("extension 1002: DeleteExtension failed: FailedOperation.PermissionDenied: not yours (request id req-9). "
                        "Done before the failure: updated 1001. Run the task again to finish: it sends only what still differs")
    result = err.to_result()
    assert (result["created"], result["updated"], result["deleted"], result["reset"]) == ([], ["1001"], [], [])
    assert (result["extension_id"], result["request_id"], result["error"]["code"]) == ("1002", "req-9", "FailedOperation.PermissionDenied")


def test_a_failed_write_result_passes_the_cause_through_redaction(session):
    # Before, to_result() put the cause's raw message into "error", past redaction.clean().
    secret = remember("planted-SipPw-0042")
    session.expect(listing([FRONT], ["1001"]),
                   modify("1001", "Lobby", [1000], "").error("InvalidParameterValue", "bad %s Password=raw-pw-0043" % secret, "req-8"))
    with pytest.raises(WriteFailed) as caught:
        run(session, items({"extension_id": "1001", "extension_name": "Lobby"}))
    result = caught.value.to_result()
    assert result["error"]["code"] == "InvalidParameterValue" and result["error"]["message"].startswith("bad ")
    shown = json.dumps(result) + str(caught.value)
    assert secret not in shown and "raw-pw-0043" not in shown


def test_writes_and_registration_reads_run_concurrently_and_purge_deletes_the_rest(session):
    created = [str(id_) for id_ in range(2001, 2011)]
    session.expect(listing([FRONT, SALES]),
                   unordered(*[create(id_, "Desk " + id_).result() for id_ in created]
                             + [registration(id_) for id_ in created + ["1001"]] + [delete("1002").result()]),
                   listing([info(id_, "Desk " + id_) for id_ in created], created))
    wanted = items(*([{"extension_id": id_, "extension_name": "Desk " + id_} for id_ in created] + [{"extension_id": "1001"}]), purge=True)
    result = run(session, wanted, purge=True, include_registration=True)
    assert (result["created"], result["deleted"]) == (created, ["1002"])
    assert [ext["extension_id"] for ext in result["extensions"]] == created + ["1001"]
    assert all(ext["password"] == "SipPw-" + ext["extension_id"] for ext in result["extensions"])


def test_many_ids_are_listed_in_chunks_of_100_at_once(session):
    ids = [str(number) for number in range(2001, 2251)]
    chunks = [ids[:100], ids[100:200], ids[200:]]
    session.expect(unordered(*[listing([info(id_, "Desk") for id_ in chunk], chunk) for chunk in chunks]))
    result = run(session, items(*[{"extension_id": id_, "extension_name": "Desk"} for id_ in ids]))
    assert result["changed"] is False
    assert [ext["extension_id"] for ext in result["extensions"]] == ids


# Issue 19: purge deletes only after every item's calls succeeded; a failure reports what was done;
# a create refused as a duplicate, or a delete refused as not found, is settled by reading.

def test_purge_deletes_nothing_when_an_item_fails(session):
    # Before, the deletes ran alongside the items' writes: 1002 went although 2001's create failed.
    session.expect(listing([FRONT, SALES]),
                   create("2001", "Desk", relation="nobody@example.com").delay(0.2).error(
                       "InvalidParameterValue.AccountNotExist", "no such agent", "req-1"))
    wanted = items({"extension_id": "1001"}, {"extension_id": "2001", "extension_name": "Desk", "relation": "nobody@example.com"},
                   purge=True)
    with pytest.raises(WriteFailed) as caught:
        run(session, wanted, purge=True)
    result = caught.value.to_result()
    assert (result["extension_id"], result["deleted"], result["created"], result["changed"]) == ("2001", [], [], False)


def test_purge_deletes_once_every_item_is_written(session):
    session.expect(listing([FRONT, SALES]), create("2001", "Desk").delay(0.2).result(), delete("1002").result(),
                   listing([info("2001", "Desk")], ["2001"]))
    result = run(session, items({"extension_id": "1001"}, {"extension_id": "2001", "extension_name": "Desk"}, purge=True), purge=True)
    assert (result["created"], result["deleted"]) == (["2001"], ["1002"])


def test_a_failed_write_after_others_reports_changed_and_what_was_done(session):
    session.expect(listing([FRONT], ["1001", "2001"]), modify("1001", "Lobby", [1000], "").result(),
                   create("2001", "Desk").error("LimitExceeded.OutOfCountLimit", "too many", "req-2"))
    with pytest.raises(WriteFailed) as caught:
        run(session, items({"extension_id": "1001", "extension_name": "Lobby"}, {"extension_id": "2001", "extension_name": "Desk"}),
            workers=1)
    result = caught.value.to_result()
    assert (result["changed"], result["updated"], result["created"]) == (True, ["1001"], [])


def test_a_failing_listing_after_the_writes_keeps_the_record(session):
    # Before, a failure of the final read lost what the writes had done: a bare error, changed false.
    writes = unordered(modify("1001", "Lobby", [1000], "").result(), create("2001", "Desk").result())
    session.expect(listing([FRONT], ["1001", "2001"]), writes,
                   TcccCall("DescribeExtensions", {"SdkAppId": APP, "PageNumber": 0, "PageSize": 100, "ExtensionIds": ["1001", "2001"]})
                   .error("InternalError.DBError", "db down", "req-3"))
    with pytest.raises(WriteFailed) as caught:
        run(session, items({"extension_id": "1001", "extension_name": "Lobby"}, {"extension_id": "2001", "extension_name": "Desk"}))
    result = caught.value.to_result()
    assert (result["changed"], result["created"], result["updated"], result["error"]["code"]) == (
        True, ["2001"], ["1001"], "InternalError.DBError")
    assert "extension_id" not in result
    assert str(caught.value).startswith("reading the changed extensions after the writes: DescribeExtensions failed: InternalError.DBError")
    assert "Done before the failure: created 2001; updated 1001." in str(caught.value)


def test_a_lost_answer_of_the_failing_write_means_it_may_have_changed(session):
    session.expect(listing([FRONT], ["1001"]), reset("1001").drop())
    with pytest.raises(WriteFailed) as caught:
        run(session, items({"extension_id": "1001", "reset_password": True}))
    assert caught.value.to_result()["changed"] is True


def test_a_create_refused_as_a_duplicate_of_the_extension_asked_for_counts_as_created(session):
    # Another run (or the worker of a killed one) created it between our listing and our create.
    session.expect(listing([], ["2001"]), create("2001", "Desk", [1000]).error("FailedOperation.DuplicatedAccount", "exists", "req-4"),
                   listing([info("2001", "Desk", [1000])], ["2001"]),   # the read that settles it
                   listing([info("2001", "Desk", [1000])], ["2001"]))   # the facts of what changed
    result = run(session, items({"extension_id": "2001", "extension_name": "Desk", "skill_group_ids": [1000]}))
    assert (result["created"], result["changed"]) == (["2001"], True)


def test_a_duplicate_that_leaves_out_what_the_item_leaves_out_counts_too(session):
    session.expect(listing([], ["2001"]), create("2001", "Desk").error("FailedOperation.DuplicatedAccount"),
                   listing([info("2001", "Desk", [1000], "bob@example.com")], ["2001"]),
                   listing([info("2001", "Desk", [1000], "bob@example.com")], ["2001"]))
    result = run(session, items({"extension_id": "2001", "extension_name": "Desk"}))
    assert result["created"] == ["2001"] and result["extensions"][0]["relation"] == "bob@example.com"


def test_a_duplicate_that_differs_fails_naming_the_difference(session):
    session.expect(listing([], ["2001"]), create("2001", "Desk", [1000]).error("FailedOperation.DuplicatedAccount", "exists", "req-5"),
                   listing([info("2001", "Front", [1001])], ["2001"]))
    with pytest.raises(WriteFailed) as caught:
        run(session, items({"extension_id": "2001", "extension_name": "Desk", "skill_group_ids": [1000]}))
    text = str(caught.value)
    assert caught.value.code == "FailedOperation.DuplicatedAccount" and caught.value.to_result()["changed"] is False
    assert 'exists now, but not as requested (extension_name is "Front", not "Desk"; skill_group_ids is [1001], not [1000])' in text


def test_a_duplicate_that_is_not_listed_fails(session):
    session.expect(listing([], ["2001"]), create("2001", "Desk").error("FailedOperation.DuplicatedAccount", "exists"), listing([], ["2001"]))
    with pytest.raises(WriteFailed) as caught:
        run(session, items({"extension_id": "2001", "extension_name": "Desk"}))
    assert "yet no extension 2001 is listed" in str(caught.value)


def test_a_delete_refused_as_not_found_of_an_extension_gone_counts_as_deleted(session):
    session.expect(listing([FRONT, SALES]), delete("1002").error("InvalidParameterValue.AccountNotExist", "gone"), listing([], ["1002"]))
    assert run(session, items({"extension_id": "1001"}, purge=True), purge=True)["deleted"] == ["1002"]


def test_a_write_slower_than_timeout_is_settled_by_reading(session):
    # Before, timeout bounded each socket wait only: an answer that took longer as a whole was waited for.
    session.expect(listing([], ["2001"]), create("2001", "Desk").delay(5).result(),
                   listing([info("2001", "Desk")], ["2001"]), listing([info("2001", "Desk")], ["2001"]))
    result = reconcile(pinned_client(session, retries=0, timeout=0.3), APP, items({"extension_id": "2001", "extension_name": "Desk"}),
                       include_registration=False)
    assert result["created"] == ["2001"]


# The review's ambiguous writes: every write action, every fault that leaves open whether it was
# applied, applied or not. None may be applied twice; a password reset is never resent.
FAULTS = {
    "drop": lambda call: call.drop(),
    "HTTP 502": lambda call: call.http(502, "<html><title>502 Bad Gateway</title></html>"),
    "InternalError": lambda call: call.error("InternalError", "internal error"),
    "cut answer": lambda call: call.truncated(),
}
RENAMED = info("1001", "Lobby", [1000])
# action: (the item, the listing before, the call, the listing when applied, when not, the outcome list)
WRITES = {
    "create": ({"extension_id": "2001", "extension_name": "Desk"}, [], lambda: create("2001", "Desk"), [info("2001", "Desk")], [], "created"),
    "modify": ({"extension_id": "1001", "extension_name": "Lobby"}, [FRONT], lambda: modify("1001", "Lobby", [1000], ""), [RENAMED], [FRONT],
               "updated"),
    "delete": ({"extension_id": "1001", "state": "absent"}, [FRONT], lambda: delete("1001"), [], [FRONT], "deleted"),
}


@pytest.mark.parametrize("applied", [True, False], ids=["applied", "not applied"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("write", sorted(WRITES))
def test_an_ambiguous_write_is_settled_by_reading_and_never_applied_twice(session, write, fault, applied):
    item, before, call, when_applied, when_not, outcome = WRITES[write]
    extension_id = item["extension_id"]
    calls = [listing(before, [extension_id]), FAULTS[fault](call()), listing(when_applied if applied else when_not, [extension_id])]
    if not applied:
        calls.append(call().result())   # known not applied: sent once more, once
    if write != "delete":
        calls.append(listing(when_applied, [extension_id]))   # the facts of what changed
    session.expect(*calls)
    result = run(session, items(item))
    assert result[outcome] == [extension_id] and result["changed"] is True


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_an_ambiguous_password_reset_is_never_resent(session, fault):
    session.expect(listing([FRONT], ["1001"]), FAULTS[fault](reset("1001")))
    with pytest.raises(WriteFailed) as caught:
        run(session, items({"extension_id": "1001", "reset_password": True}))
    assert "unknown whether the password was reset" in str(caught.value)
    assert caught.value.to_result()["changed"] is True and caught.value.to_result()["reset"] == []


def test_the_review_counted_at_least_21_ambiguous_write_scenarios():
    assert len(WRITES) * len(FAULTS) * 2 + len(FAULTS) >= 21


# The review's broken listings under purge: failing, short, repeated, lying about Total, malformed.
# Whatever the listing says, purge deletes only what it listed and the items do not name, and
# nothing when the listing fails: the pinned calls below hold no other DeleteExtension.
SPARE = info("1003", "Spare")
SALES_PLAIN = info("1002", "Sales")


def page(number, infos, total=None, **extra):
    fields = dict(Total=len(infos) if total is None else total, ExtensionList=infos, RequestId="req-page")
    fields.update(extra)
    return TcccCall("DescribeExtensions", {"SdkAppId": APP, "PageNumber": number, "PageSize": 100}).result(**fields)


def failing(number, answer):
    return answer(TcccCall("DescribeExtensions", {"SdkAppId": APP, "PageNumber": number, "PageSize": 100}))


def renamed(number, value):
    return dict(info(str(number), "Desk"), ExtensionId=value)


HUNDRED = [info(str(4000 + number), "Desk") for number in range(100)]
# name: (the listing's calls, the error code of the run, or None and what purge deleted)
LISTINGS = {
    "fails at once": ([failing(0, lambda call: call.error("InternalError.DBError"))], "InternalError.DBError"),
    "fails on every retry": ([failing(0, lambda call: call.error("InternalError"))] * 3, "InternalError"),
    "HTML 502 on every retry": ([failing(0, lambda call: call.http(502, "<html>Bad Gateway</html>"))] * 3, "HTTPError"),
    "cut on every retry": ([failing(0, lambda call: call.truncated())] * 3, "ConnectionError"),
    "second page fails": ([page(0, HUNDRED, 103)] + [failing(1, lambda call: call.drop())] * 3, "ConnectionError"),
    "short: Total 3, one listed": ([page(0, [SPARE], 3)], "ConfigError"),
    "repeated page": ([page(0, [SPARE], 250), page(1, [SPARE], 250)], "ConfigError"),
    "empty list, Total 3": ([page(0, [], 3)], "ConfigError"),
    "ExtensionList null": ([page(0, None, 3)], "ConfigError"),
    "Total negative": ([page(0, [FRONT, SALES_PLAIN, SPARE], -1)], "BadResponse"),
    "ExtensionList an object": ([page(0, {"ExtensionId": "1003"}, 1)], "BadResponse"),
    "an entry without ExtensionId": ([page(0, [FRONT, SALES_PLAIN, {"ExtensionName": "Ghost"}], 3)], "BadResponse"),
    "malformed skill groups": ([page(0, [FRONT, SALES_PLAIN, dict(SPARE, SkillGroupId="1,x")], 3)], "BadResponse"),
    "Total too low": ([page(0, [FRONT, SALES_PLAIN, SPARE], 1)], ["1003"]),
    "Total too high, then empty": ([page(0, [FRONT, SALES_PLAIN, SPARE], 150), page(1, [], 150)], ["1003"]),
    "repeated entries": ([page(0, [SPARE, FRONT, SPARE, SALES_PLAIN, FRONT], 3)], ["1003"]),
    "ids as numbers": ([page(0, [renamed(1001, 1001), renamed(1002, 1002), renamed(1003, 1003)], 3)], ["1003"]),
}


@pytest.mark.parametrize("case", sorted(LISTINGS))
def test_a_broken_listing_never_makes_purge_delete_a_wanted_extension(session, case):
    calls, outcome = LISTINGS[case]
    session.expect(*calls)
    if isinstance(outcome, list):
        session.expect(*[delete(extension_id).result() for extension_id in outcome])
    wanted = items({"extension_id": "1001"}, {"extension_id": "1002"}, purge=True)
    if isinstance(outcome, list):
        assert run(session, wanted, purge=True)["deleted"] == outcome
        return
    with pytest.raises(Exception) as caught:
        run(session, wanted, purge=True)
    assert getattr(caught.value, "code", None) == outcome, repr(caught.value)
    assert "DeleteExtension" not in session.actions()


def test_the_review_counted_at_least_15_broken_listings():
    assert len(LISTINGS) >= 15


# ---------------------------------------------------------------- The pure half of reconcile: input checks, the plan, the diff and the outcome lists.

def facts(extension_id, name, groups=(), relation=""):
    return {"extension_id": extension_id, "extension_name": name, "skill_group_ids": list(groups), "relation": relation}


CURRENT = {
    "1001": facts("1001", "Front desk", [1001, 1000], "alice@example.com"),
    "1002": facts("1002", "Sales", [1001]),
    "1003": facts("1003", "Spare"),
}


def checked_items(*raw, **kwargs):
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
        checked_items(*raw, purge=purge)
    assert caught.value.option == option
    assert words in str(caught.value)


def test_the_single_module_names_its_own_options():
    with pytest.raises(ConfigError) as caught:
        check_items([{"extension_id": "1001", "relation": " x"}])
    assert caught.value.option == "relation"
    assert str(caught.value).startswith("relation of extension 1001")


def test_nothing_to_do_when_everything_matches():
    wanted = checked_items({"extension_id": "1001", "extension_name": "Front desk", "skill_group_ids": [1000, 1001, 1000],
                            "relation": "alice@example.com"},
                           {"extension_id": "1002"},
                           {"extension_id": "1009", "state": "absent"})
    assert plan(wanted, CURRENT, APP) == []


def test_create_sends_only_what_is_given_and_needs_a_name():
    tasks = plan(checked_items({"extension_id": "2001", "extension_name": "New", "skill_group_ids": [], "relation": ""},
                               {"extension_id": "2002", "extension_name": "Bound", "skill_group_ids": [1002, 1001], "relation": "bob@example.com",
                                "reset_password": True}), CURRENT, APP)
    assert [(task.extension_id, task.calls) for task in tasks] == [
        ("2001", [("CreateExtension", {"SdkAppId": APP, "ExtensionId": "2001", "ExtensionName": "New"})]),
        ("2002", [("CreateExtension", {"SdkAppId": APP, "ExtensionId": "2002", "ExtensionName": "Bound", "SkillGroupIds": [1001, 1002],
                                       "Relation": "bob@example.com"})]),
    ]
    assert tasks[0].before is None and tasks[0].after == {"extension_name": "New", "skill_group_ids": [], "relation": ""}
    with pytest.raises(ConfigError) as caught:
        plan(checked_items({"extension_id": "1001"}, {"extension_id": "2003", "relation": "bob@example.com"}), CURRENT, APP)
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
    tasks = plan(checked_items(dict(raw, extension_id="1001")), CURRENT, APP)
    assert len(tasks) == 1
    assert tasks[0].before == {"extension_name": "Front desk", "skill_group_ids": [1000, 1001], "relation": "alice@example.com"}
    assert tasks[0].after == after
    assert tasks[0].calls == [("ModifyExtension", {"SdkAppId": APP, "ExtensionId": "1001", "ExtensionName": after["extension_name"],
                                                   "SkillGroupIds": after["skill_group_ids"], "Relation": after["relation"]})]


def test_reset_is_always_a_change_after_any_modify():
    tasks = plan(checked_items({"extension_id": "1002", "reset_password": True},
                               {"extension_id": "1003", "extension_name": "Lobby", "reset_password": True}), CURRENT, APP)
    assert [(task.extension_id, task.actions) for task in tasks] == [
        ("1002", ["ResetExtensionPassword"]), ("1003", ["ModifyExtension", "ResetExtensionPassword"])]
    assert tasks[0].before == tasks[0].after


def test_absent_deletes_and_purge_deletes_what_is_not_named():
    tasks = plan(checked_items({"extension_id": "1002", "state": "absent"}), CURRENT, APP)
    assert [(task.extension_id, task.actions, task.after) for task in tasks] == [("1002", ["DeleteExtension"], None)]
    tasks = plan(checked_items({"extension_id": "1003"}, {"extension_id": "2001", "extension_name": "New"}), CURRENT, APP, purge=True)
    assert [(task.extension_id, task.actions) for task in tasks] == [
        ("2001", ["CreateExtension"]), ("1001", ["DeleteExtension"]), ("1002", ["DeleteExtension"])]


def test_diff_and_outcomes_never_hold_a_password():
    tasks = plan(checked_items({"extension_id": "1001", "relation": ""}, {"extension_id": "1002", "state": "absent"},
                               {"extension_id": "1003", "reset_password": True}, {"extension_id": "2001", "extension_name": "New"}),
                 dict((key, dict(value, password="Secret0001")) for key, value in CURRENT.items()), APP)
    shown = diff(tasks)
    assert sorted(shown["before"]) == ["1001", "1002", "1003"]
    assert sorted(shown["after"]) == ["1001", "1003", "2001"]
    assert "Secret0001" not in repr(shown)
    assert outcome_lists(tasks) == {"created": ["2001"], "updated": ["1001"], "deleted": ["1002"], "reset": ["1003"]}
    assert outcome_lists(tasks, done={("1002", "DeleteExtension")}) == {"created": [], "updated": [], "deleted": ["1002"], "reset": []}


def test_the_limits_themselves_pass():
    wanted = checked_items({"extension_id": "1" * 20, "extension_name": "x" * 255, "skill_group_ids": [0, 2 ** 63 - 1], "relation": ""},
                           {"extension_id": "0", "extension_name": "Caf\u00e9 \U0001F4DE"})
    assert [item.extension_id for item in wanted] == ["1" * 20, "0"]
