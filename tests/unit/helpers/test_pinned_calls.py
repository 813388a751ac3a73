# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pinned-call helper fails a test on every call that was not pinned, and on every pinned call that never came."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import TransportError
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import (
    PinnedSession, TcccCall, in_order, pinned_client, unordered,
)


def read(extension_id):
    return TcccCall("DescribeExtension", {"ExtensionId": extension_id}).result(ExtensionId=extension_id)


def send(session, *extension_ids):
    client = pinned_client(session, retries=0)
    return [client.call("DescribeExtension", {"ExtensionId": i})["ExtensionId"] for i in extension_ids]


def test_expected_calls_in_order_pass():
    session = PinnedSession(read("1"), read("2"))
    assert send(session, "1", "2") == ["1", "2"]
    session.assert_is_done()


@pytest.mark.parametrize("sent", [["2", "1"], ["1", "3"], ["1", "2", "2"]])
def test_out_of_order_wrong_or_extra_calls_fail(sent):
    session = PinnedSession(read("1"), read("2"))
    with pytest.raises(AssertionError, match="was not expected"):
        send(session, *sent)
    with pytest.raises(AssertionError, match="was not expected"):
        session.assert_is_done()


def test_a_missing_call_fails_at_the_end():
    session = PinnedSession(read("1"), read("2"))
    send(session, "1")
    with pytest.raises(AssertionError, match="never came"):
        session.assert_is_done()


def test_a_swallowed_unexpected_call_still_fails_at_the_end():
    session = PinnedSession()
    try:
        send(session, "1")
    except AssertionError:
        pass
    with pytest.raises(AssertionError, match="was not expected"):
        session.assert_is_done()


def test_pinned_headers_are_checked():
    session = PinnedSession(read("1").expect_header("X-TC-Token", "other"))
    with pytest.raises(AssertionError, match="header X-TC-Token"):
        send(session, "1")


def test_unordered_group_takes_any_order_but_each_call_once():
    session = PinnedSession(unordered(read("1"), read("2"), in_order(read("3"), read("4"))), read("5"))
    assert send(session, "3", "2", "4", "1", "5") == ["3", "2", "4", "1", "5"]
    session.assert_is_done()
    session = PinnedSession(unordered(in_order(read("3"), read("4"))))
    with pytest.raises(AssertionError, match="was not expected"):
        send(session, "4")
    session = PinnedSession(unordered(read("1"), read("2")))
    with pytest.raises(AssertionError, match="was not expected"):
        send(session, "1", "1")


def test_optional_group_may_be_cut_short():
    session = PinnedSession(unordered(read("1"), read("2"), optional=True), read("3"))
    send(session, "2", "3")
    session.assert_is_done()


def test_transport_faults_reach_the_client():
    session = PinnedSession(TcccCall("CreateExtension", {}).drop())
    with pytest.raises(TransportError) as info:
        pinned_client(session).call("CreateExtension", {})
    assert info.value.ambiguous is True
    session.assert_is_done()
