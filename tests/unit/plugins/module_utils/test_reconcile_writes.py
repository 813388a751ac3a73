# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""reconcile() through a real Client with every HTTP call pinned: the first failure stops further
writes, and a write whose answer was lost is settled by reading the extension again."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import remember
from ansible_collections.tencentcloud.tccc.plugins.module_utils._reconcile import WriteFailed, check_items, reconcile
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.extension_calls import (
    APP, create, delete, info, listing, modify, registration, reset,
)
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import PinnedSession, pinned_client, unordered

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
                   delete("1002").error("InvalidParameterValue.AccountNotExist", "gone", "req-9"))
    wanted = items({"extension_id": "1001", "extension_name": "Lobby"}, {"extension_id": "1002", "state": "absent"},
                   {"extension_id": "2001", "extension_name": "A"}, {"extension_id": "2002", "extension_name": "B"},
                   {"extension_id": "2003", "extension_name": "C"})
    with pytest.raises(WriteFailed) as caught:
        run(session, wanted, workers=1)
    err = caught.value
    assert str(err) == ("extension 1002: DeleteExtension failed: InvalidParameterValue.AccountNotExist: gone (request id req-9). "
                        "Done before the failure: updated 1001. Run the task again to finish: it sends only what still differs")
    result = err.to_result()
    assert (result["created"], result["updated"], result["deleted"], result["reset"]) == ([], ["1001"], [], [])
    assert (result["extension_id"], result["request_id"], result["error"]["code"]) == ("1002", "req-9", "InvalidParameterValue.AccountNotExist")


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
