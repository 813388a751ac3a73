# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Answers we did not expect: every field of an extension answer is checked where it is read, a
wrong type fails as BadResponse naming the action and the field (never its value), numbers sent
as strings are read where that is unambiguous, and paging always ends."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _extensions as ext
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import TransportError

APP = 1400000000
# Planted in every answer: no failure may quote it.
SECRET = "Pw-planted-9f3Kq7Zx"


def info(extension_id, **fields):
    item = {"ExtensionId": extension_id, "ExtensionName": "Phone", "SdkAppId": APP, "FullExtensionId": "%s@x" % extension_id,
            "SkillGroupId": "1000", "Relation": "", "RelationName": "", "Register": True, "CreateTime": 1, "ModifyTime": 2,
            "Status": 100}
    item.update(fields)
    return item


def registration(**fields):
    answer = {"ExtensionDomain": "d.example", "Password": SECRET, "OutboundProxy": "sip.example:5061", "Transport": "tls",
              "RequestId": "req-one"}
    answer.update(fields)
    return answer


class Script:
    """A client whose answers come from ``pages(params)`` and ``one(params)``; records every call."""

    def __init__(self, pages, one=None):
        self.pages = pages
        self.one = one or (lambda params: registration())
        self.calls = []

    def call(self, action, params):
        self.calls.append((action, dict(params)))
        assert len(self.calls) < 50, "paged forever"
        return self.pages(params) if action == "DescribeExtensions" else self.one(params)

    def listed(self):
        return [params["PageNumber"] for action, params in self.calls if action == "DescribeExtensions"]


def one_page(items):
    return Script(lambda params: {"Total": len(items), "ExtensionList": items, "RequestId": "req-list"})


def failure(client, **kwargs):
    with pytest.raises(TransportError) as caught:
        ext.read_extensions(client, APP, **kwargs)
    text = str(caught.value)
    assert caught.value.code == "BadResponse"
    assert SECRET not in text
    return caught.value, text


@pytest.mark.parametrize("answer, field", [
    ({"Total": 1, "ExtensionList": "1001"}, "ExtensionList"),
    ({"Total": 1, "ExtensionList": {"ExtensionId": "1001"}}, "ExtensionList"),
    ({"Total": 1, "ExtensionList": ["1001"]}, "ExtensionList[0]"),
    ({"Total": 1, "ExtensionList": [None]}, "ExtensionList[0]"),
    ({"Total": 1, "ExtensionList": [info(None)]}, "ExtensionId of ExtensionList[0]"),
    ({"Total": 1, "ExtensionList": [info(["1001"])]}, "ExtensionId of ExtensionList[0]"),
    ({"Total": 1, "ExtensionList": [info(1001.5)]}, "ExtensionId of ExtensionList[0]"),
    ({"Total": "abc", "ExtensionList": [info("1001")]}, "Total"),
    ({"Total": "²", "ExtensionList": [info("1001")]}, "Total"),
    ({"Total": -1, "ExtensionList": [info("1001")]}, "Total"),
    ({"Total": [1], "ExtensionList": [info("1001")]}, "Total"),
    ({"Total": True, "ExtensionList": [info("1001")]}, "Total"),
    ({"ExtensionList": [info("1001")]}, "Total"),
    ({"Total": 1e400, "ExtensionList": [info("1001")]}, "Total"),
])
def test_a_malformed_listing_names_the_field(answer, field):
    err, text = failure(Script(lambda params: answer), include_registration=False)
    assert err.action == "DescribeExtensions"
    assert text.startswith("DescribeExtensions failed: BadResponse: the answer's %s is " % field)


@pytest.mark.parametrize("fields, field", [
    ({"SkillGroupId": "1000,1²"}, "SkillGroupId"),
    ({"SkillGroupId": "x,5"}, "SkillGroupId"),
    ({"SkillGroupId": {"a": 1}}, "SkillGroupId"),
    ({"SkillGroupId": [1.5]}, "SkillGroupId"),
    ({"ExtensionName": 7}, "ExtensionName"),
    ({"FullExtensionId": ["x"]}, "FullExtensionId"),
    ({"Relation": {}}, "Relation"),
    ({"RelationName": False}, "RelationName"),
    ({"SdkAppId": True}, "SdkAppId"),
    ({"SdkAppId": "14e8"}, "SdkAppId"),
    ({"Register": "yes"}, "Register"),
    ({"Register": 2}, "Register"),
    ({"CreateTime": "soon"}, "CreateTime"),
    ({"ModifyTime": 1.5}, "ModifyTime"),
    ({"Status": "idle"}, "Status"),
])
def test_a_malformed_extension_info_names_the_field_and_the_extension(fields, field):
    err, text = failure(one_page([info("1001", **fields)]), include_registration=False, include_status=True)
    assert err.action == "DescribeExtensions"
    assert "the answer's %s of extension 1001 is " % field in text


@pytest.mark.parametrize("fields, field", [
    ({"OutboundProxy": 5061}, "OutboundProxy"),
    ({"OutboundProxy": "sip.example:5²"}, "OutboundProxy"),
    ({"OutboundProxy": "sip.example:５０６１"}, "OutboundProxy"),
    ({"OutboundProxy": "sip.example:70000"}, "OutboundProxy"),
    ({"OutboundProxy": "sip.example:0"}, "OutboundProxy"),
    ({"OutboundProxy": "[2001:db8::1]x"}, "OutboundProxy"),
    ({"Transport": 17}, "Transport"),
    ({"Transport": ["tls"]}, "Transport"),
    ({"Password": 123456}, "Password"),
    ({"Password": [SECRET]}, "Password"),
    ({"ExtensionDomain": {"host": SECRET}}, "ExtensionDomain"),
])
def test_a_malformed_registration_names_the_field_and_the_extension(fields, field):
    client = Script(lambda params: {"Total": 1, "ExtensionList": [info("1001")]}, lambda params: registration(**fields))
    err, text = failure(client)
    assert err.action == "DescribeExtension"
    assert text.startswith("DescribeExtension failed: BadResponse: extension 1001: the answer's %s is " % field)
    assert err.request_id == "req-one"


@pytest.mark.parametrize("answer", ["a page", ["a page"], None, 42])
def test_a_registration_answer_that_is_not_an_object(answer):
    client = Script(lambda params: {"Total": 1, "ExtensionList": [info("1001")]}, lambda params: answer)
    err, text = failure(client)
    assert text.startswith("DescribeExtension failed: BadResponse: extension 1001: the answer is ")


def test_numbers_sent_as_strings_and_ids_sent_as_numbers_are_read():
    item = info(1001, SdkAppId=str(APP), Status="100", Register=1, CreateTime="1700000000", SkillGroupId=[1000, "1001"])
    client = Script(lambda params: {"Total": "1", "ExtensionList": [item]})
    extensions, missing = ext.read_extensions(client, APP, ["1001"], include_status=True)
    (facts,) = extensions
    assert facts["extension_id"] == "1001" and missing == []
    assert (facts["sdk_app_id"], facts["status"], facts["status_name"], facts["registered"]) == (APP, 100, "idle", True)
    assert facts["create_time"] == 1700000000 and facts["skill_group_ids"] == [1000, 1001]
    assert client.calls[1] == ("DescribeExtension", {"SdkAppId": APP, "ExtensionId": "1001"})


def test_a_total_sent_as_a_string_pages_on():
    # Before, Total "250" ended the listing after the first page.
    ids = [str(1001 + index) for index in range(250)]
    client = Script(lambda params: {"Total": "250", "ExtensionList": [info(i) for i in ids[params["PageNumber"] * 100:][:100]]})
    extensions, missing = ext.read_extensions(client, APP, include_registration=False)
    assert [facts["extension_id"] for facts in extensions] == ids and missing == []
    assert client.listed() == [0, 1, 2]


def test_a_server_that_ignores_page_number_is_not_paged_forever():
    # Before: the same full page with a huge Total was asked for again and again (456 pages in 25 s).
    page = [info(str(1001 + index)) for index in range(100)]
    client = Script(lambda params: {"Total": 10 ** 9, "ExtensionList": page})
    extensions, missing = ext.read_extensions(client, APP, include_registration=False)
    assert len(extensions) == 100 and missing == []
    assert client.listed() == [0, 1]


def test_paging_stops_after_the_pages_that_total_implies():
    # Fresh ids on every page, but Total says 250: three pages, whatever the server keeps sending.
    client = Script(lambda params: {"Total": 250, "ExtensionList": [info("%d-%d" % (params["PageNumber"], index)) for index in range(100)]})
    extensions, dummy = ext.read_extensions(client, APP, include_registration=False)
    assert client.listed() == [0, 1, 2] and len(extensions) == 300


def test_repeated_extensions_are_returned_once():
    client = Script(lambda params: {"Total": 3, "ExtensionList": [info("1001"), info("1002"), info(1001)]})
    extensions, dummy = ext.read_extensions(client, APP, include_registration=False)
    assert [facts["extension_id"] for facts in extensions] == ["1001", "1002"]
