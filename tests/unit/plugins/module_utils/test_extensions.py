# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""_extensions.py: paging, id chunks, registration reads and the returned facts against a scripted fake API;
answers we did not expect; the checks of the extension options."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _extensions as ext
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ApiError, ConfigError, TransportError
from ansible_collections.tencentcloud.tccc.tests.unit.conftest import APP
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import (
    PinnedSession, TcccCall, in_order, pinned_client, unordered,
)


def info(extension_id, **extra):
    item = {"ExtensionId": extension_id, "ExtensionName": "Phone %s" % extension_id, "SdkAppId": APP,
            "FullExtensionId": "%s@%d.tccc.qcloud.com" % (extension_id, APP), "SkillGroupId": "1000,1001", "Relation": "a@example.com",
            "RelationName": "Agent", "Register": True, "CreateTime": 1700000000, "ModifyTime": 1700000600, "Status": 100, "Unknown": "ignored"}
    item.update(extra)
    return item


def page(number, ids_on_page, total, **params):
    """One DescribeExtensions call of page ``number`` and its answer."""
    params.update(SdkAppId=APP, PageNumber=number, PageSize=100)
    return TcccCall("DescribeExtensions", params).result(Total=total, ExtensionList=[info(i) for i in ids_on_page], RequestId="r")


def pages(listed, **params):
    """The DescribeExtensions calls that list ``listed``, 100 a page from page 0."""
    count = max(1, (len(listed) + 99) // 100)
    return [page(n, listed[n * 100:(n + 1) * 100], len(listed), **params) for n in range(count)]


def registration(extension_id):
    return TcccCall("DescribeExtension", {"SdkAppId": APP, "ExtensionId": extension_id}).result(
        ExtensionId=extension_id, ExtensionDomain="%d.tccc.qcloud.com" % APP, Password="pw-" + extension_id,
        OutboundProxy="sip.tccc.qcloud.com:5061", Transport="tls", RequestId="r")


def with_registrations(listing, registrations):
    """Registration reads start while later pages are listed: only the pages keep their order."""
    return PinnedSession(unordered(in_order(*listing), *registrations))


def ids(count, start=1001):
    return [str(start + i) for i in range(count)]


def sent_pages(session):
    return [request.params for request in session.received if request.action == "DescribeExtensions"]


def test_lists_every_page_from_zero_and_stops_at_total():
    session = PinnedSession(*pages(ids(250)))
    found = list(ext.list_extensions(pinned_client(session), APP))
    assert [item["ExtensionId"] for item in found] == ids(250)
    session.assert_is_done()
    assert [(p["PageNumber"], p["PageSize"]) for p in sent_pages(session)] == [(0, 100), (1, 100), (2, 100)]
    assert all(p["SdkAppId"] == APP and "ExtensionIds" not in p for p in sent_pages(session))


def test_exactly_one_full_page_needs_one_request():
    session = PinnedSession(page(0, ids(100), 100))
    assert len(list(ext.list_extensions(pinned_client(session), APP))) == 100
    session.assert_is_done()


def test_empty_instance():
    session = PinnedSession(page(0, [], 0))
    assert ext.read_extensions(pinned_client(session), APP) == ([], [])
    session.assert_is_done()


def test_an_empty_page_ends_the_listing_even_if_total_says_more():
    session = PinnedSession(page(0, ids(100), 1000), page(1, [], 1000))
    assert len(list(ext.list_extensions(pinned_client(session), APP))) == 100
    session.assert_is_done()


def test_requested_ids_go_in_chunks_of_100_without_repeats():
    wanted = ids(230) + ["1001", "1002"]
    chunks = [ids(100), ids(100, 1101), ids(30, 1201)]
    session = PinnedSession(*[page(0, chunk, len(chunk), ExtensionIds=chunk) for chunk in chunks])
    extensions, missing = ext.read_extensions(pinned_client(session), APP, wanted, include_registration=False)
    assert [e["extension_id"] for e in extensions] == ids(230)
    assert missing == []
    session.assert_is_done()
    assert [len(p["ExtensionIds"]) for p in sent_pages(session)] == [100, 100, 30]


def test_missing_ids_are_reported_not_an_error():
    wanted = ["1002", "9999", "1001", "8888"]
    session = with_registrations([page(0, ["1001", "1002"], 2, ExtensionIds=wanted)], [registration("1001"), registration("1002")])
    extensions, missing = ext.read_extensions(pinned_client(session), APP, wanted)
    assert [e["extension_id"] for e in extensions] == ["1001", "1002"]
    assert missing == ["9999", "8888"]
    session.assert_is_done()


def test_empty_id_list_reads_nothing():
    session = PinnedSession()
    assert ext.read_extensions(pinned_client(session), APP, []) == ([], [])
    session.assert_is_done()
    assert session.received == []


def test_keyword_and_status_are_passed():
    session = PinnedSession(page(0, ids(2), 2, FuzzingKeyWord="desk", IsNeedStatus=True))
    extensions, _missing = ext.read_extensions(pinned_client(session), APP, keyword="desk", include_status=True, include_registration=False)
    session.assert_is_done()
    assert sent_pages(session)[0]["FuzzingKeyWord"] == "desk" and sent_pages(session)[0]["IsNeedStatus"] is True
    assert extensions[0]["status"] == 100 and extensions[0]["status_name"] == "idle"
    session = PinnedSession(page(0, ids(2), 2))
    extensions, _missing = ext.read_extensions(pinned_client(session), APP, include_registration=False)
    session.assert_is_done()
    assert "FuzzingKeyWord" not in sent_pages(session)[0] and "IsNeedStatus" not in sent_pages(session)[0]
    assert "status" not in extensions[0] and "password" not in extensions[0]


def test_registration_results_keep_listing_order_under_concurrency():
    wanted = ids(40)
    # the first extensions answer last: results must still come back in listing order
    reads = [registration(i).delay(0.02) for i in wanted[:5]] + [registration(i) for i in wanted[5:]]
    session = with_registrations(pages(wanted), reads)
    extensions, _missing = ext.read_extensions(pinned_client(session), APP)
    assert [e["extension_id"] for e in extensions] == wanted
    assert [e["password"] for e in extensions] == ["pw-" + i for i in wanted]
    session.assert_is_done()
    assert session.actions().count("DescribeExtension") == 40


def test_facts_of_one_extension():
    session = with_registrations(pages(["1001"], IsNeedStatus=True), [registration("1001")])
    (facts,), _missing = ext.read_extensions(pinned_client(session), APP, include_status=True)
    session.assert_is_done()
    assert facts == {
        "extension_id": "1001", "extension_name": "Phone 1001", "full_extension_id": "1001@1400000000.tccc.qcloud.com", "sdk_app_id": APP,
        "skill_group_ids": [1000, 1001], "relation": "a@example.com", "relation_name": "Agent", "registered": True,
        "create_time": 1700000000, "modify_time": 1700000600, "status": 100, "status_name": "idle",
        "extension_domain": "1400000000.tccc.qcloud.com", "password": "pw-1001", "outbound_proxy": "sip.tccc.qcloud.com:5061",
        "outbound_proxy_host": "sip.tccc.qcloud.com", "outbound_proxy_port": 5061, "transport": "tls",
    }


def test_one_failing_registration_fails_with_its_id_and_stops_the_rest():
    wanted = ids(200)
    failing = TcccCall("DescribeExtension", {"SdkAppId": APP, "ExtensionId": "1003"}).error("InternalError.DBError", "db down", "req-db")
    # reads already started when 1003 fails still happen; no read starts after it
    rest = unordered(*[registration(i) for i in wanted if i != "1003"], optional=True)
    session = PinnedSession(unordered(in_order(*pages(wanted)), failing, rest))
    with pytest.raises(ApiError) as info:
        ext.read_extensions(pinned_client(session), APP)
    assert info.value.message == "extension 1003: db down"
    assert str(info.value).startswith("DescribeExtension failed: InternalError.DBError: extension 1003: db down (request id req-db)")
    session.assert_is_done()
    assert session.actions().count("DescribeExtension") < 200


@pytest.mark.parametrize("value, expected", [
    ("1000,1001", [1000, 1001]), ("1000, 1001 ,", [1000, 1001]), ("", []), (None, []), ("7", [7]), ([3, "4"], [3, 4]),
])
def test_skill_group_ids(value, expected):
    assert ext.skill_group_ids(value) == expected


@pytest.mark.parametrize("proxy, transport, expected", [
    ("sip.tccc.qcloud.com:5061", "tls", ("sip.tccc.qcloud.com", 5061)),
    ("sip.tccc.qcloud.com", "tls", ("sip.tccc.qcloud.com", 5061)),
    ("sip.tccc.qcloud.com", "udp", ("sip.tccc.qcloud.com", 5060)),
    ("sip.tccc.qcloud.com", None, ("sip.tccc.qcloud.com", 5060)),
    ("[2001:db8::1]:5070", "tcp", ("2001:db8::1", 5070)),
    ("[2001:db8::1]", "TLS", ("2001:db8::1", 5061)),
    ("", "tls", (None, None)),
    (None, "tls", (None, None)),
])
def test_split_proxy(proxy, transport, expected):
    assert ext.split_proxy(proxy, transport) == expected


@pytest.mark.parametrize("status, name", [(0, "offline"), (100, "idle"), (200, "busy"), (300, "unknown"), (None, "unknown")])
def test_status_names(status, name):
    assert ext.normalize_extension({"Status": status}, include_status=True)["status_name"] == name


def test_registered_absent_is_none_not_false():
    assert ext.normalize_extension({})["registered"] is None
    assert ext.normalize_extension({"Register": False})["registered"] is False


def test_id_chunks_are_one_filter_each_of_at_most_id_chunk_ids():
    ids = [str(1000 + n) for n in range(250)]
    assert ext.id_chunks(None) == [None] and ext.id_chunks([]) == []
    assert [len(chunk) for chunk in ext.id_chunks(ids)] == [ext.ID_CHUNK, ext.ID_CHUNK, 50]
    assert sum(ext.id_chunks(ids), []) == ids


# ---------------------------------------------------------------- Answers we did not expect: every field of an extension answer is checked where it is read, a
# wrong type fails as BadResponse naming the action and the field (never its value), numbers sent
# as strings are read where that is unambiguous, and paging always ends.

# Planted in every answer: no failure may quote it.
SECRET = "Pw-planted-9f3Kq7Zx"


def answer_info(extension_id, **fields):
    item = {"ExtensionId": extension_id, "ExtensionName": "Phone", "SdkAppId": APP, "FullExtensionId": "%s@x" % extension_id,
            "SkillGroupId": "1000", "Relation": "", "RelationName": "", "Register": True, "CreateTime": 1, "ModifyTime": 2,
            "Status": 100}
    item.update(fields)
    return item


def registration_answer(**fields):
    answer = {"ExtensionDomain": "d.example", "Password": SECRET, "OutboundProxy": "sip.example:5061", "Transport": "tls",
              "RequestId": "req-one"}
    answer.update(fields)
    return answer


class Script:
    """A client whose answers come from ``pages(params)`` and ``one(params)``; records every call."""

    def __init__(self, pages, one=None):
        self.pages = pages
        self.one = one or (lambda params: registration_answer())
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
    ({"Total": 1, "ExtensionList": [answer_info(None)]}, "ExtensionId of ExtensionList[0]"),
    ({"Total": 1, "ExtensionList": [answer_info(["1001"])]}, "ExtensionId of ExtensionList[0]"),
    ({"Total": 1, "ExtensionList": [answer_info(1001.5)]}, "ExtensionId of ExtensionList[0]"),
    ({"Total": "abc", "ExtensionList": [answer_info("1001")]}, "Total"),
    ({"Total": "²", "ExtensionList": [answer_info("1001")]}, "Total"),
    ({"Total": -1, "ExtensionList": [answer_info("1001")]}, "Total"),
    ({"Total": [1], "ExtensionList": [answer_info("1001")]}, "Total"),
    ({"Total": True, "ExtensionList": [answer_info("1001")]}, "Total"),
    ({"ExtensionList": [answer_info("1001")]}, "Total"),
    ({"Total": 1e400, "ExtensionList": [answer_info("1001")]}, "Total"),
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
    err, text = failure(one_page([answer_info("1001", **fields)]), include_registration=False, include_status=True)
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
    client = Script(lambda params: {"Total": 1, "ExtensionList": [answer_info("1001")]}, lambda params: registration_answer(**fields))
    err, text = failure(client)
    assert err.action == "DescribeExtension"
    assert text.startswith("DescribeExtension failed: BadResponse: extension 1001: the answer's %s is " % field)
    assert err.request_id == "req-one"


@pytest.mark.parametrize("answer", ["a page", ["a page"], None, 42])
def test_a_registration_answer_that_is_not_an_object(answer):
    client = Script(lambda params: {"Total": 1, "ExtensionList": [answer_info("1001")]}, lambda params: answer)
    err, text = failure(client)
    assert text.startswith("DescribeExtension failed: BadResponse: extension 1001: the answer is ")


def test_numbers_sent_as_strings_and_ids_sent_as_numbers_are_read():
    item = answer_info(1001, SdkAppId=str(APP), Status="100", Register=1, CreateTime="1700000000", SkillGroupId=[1000, "1001"])
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
    client = Script(lambda params: {"Total": "250", "ExtensionList": [answer_info(i) for i in ids[params["PageNumber"] * 100:][:100]]})
    extensions, missing = ext.read_extensions(client, APP, include_registration=False)
    assert [facts["extension_id"] for facts in extensions] == ids and missing == []
    assert client.listed() == [0, 1, 2]


def test_a_server_that_ignores_page_number_is_not_paged_forever():
    # Before: the same full page with a huge Total was asked for again and again (456 pages in 25 s).
    page = [answer_info(str(1001 + index)) for index in range(100)]
    client = Script(lambda params: {"Total": 10 ** 9, "ExtensionList": page})
    extensions, missing = ext.read_extensions(client, APP, include_registration=False)
    assert len(extensions) == 100 and missing == []
    assert client.listed() == [0, 1]


def test_paging_stops_after_the_pages_that_total_implies():
    # Fresh ids on every page, but Total says 250: three pages, whatever the server keeps sending.
    client = Script(lambda params: {"Total": 250, "ExtensionList": [answer_info("%d-%d" % (params["PageNumber"], index)) for index in range(100)]})
    extensions, dummy = ext.read_extensions(client, APP, include_registration=False)
    assert client.listed() == [0, 1, 2] and len(extensions) == 300


def test_repeated_extensions_are_returned_once():
    client = Script(lambda params: {"Total": 3, "ExtensionList": [answer_info("1001"), answer_info("1002"), answer_info(1001)]})
    extensions, dummy = ext.read_extensions(client, APP, include_registration=False)
    assert [facts["extension_id"] for facts in extensions] == ["1001", "1002"]


# ---------------------------------------------------------------- The checks of the extension options: each names the option and the fix.

@pytest.mark.parametrize("value", ["", " 1001", "1001 ", "\t"])
def test_check_id_refuses_empty_and_padded(value):
    with pytest.raises(ConfigError) as info:
        ext.check_id(value, "extension_id")
    assert info.value.option == "extension_id" and "surrounding spaces" in str(info.value)


def test_check_id_accepts_a_number():
    ext.check_id("1001", "extension_id")


@pytest.mark.parametrize("values", [None, [], ["1001", "1001"]])
def test_check_ids_accepts(values):
    ext.check_ids(values, "extension_ids")


@pytest.mark.parametrize("values", [[""], ["1001", " 1002"]])
def test_check_ids_checks_each_as_check_id(values):
    with pytest.raises(ConfigError) as info:
        ext.check_ids(values, "extension_ids")
    assert info.value.option == "extension_ids" and "must be an extension number" in str(info.value)


def test_check_unique():
    ext.check_unique(["1001", "1002"], "extensions")
    with pytest.raises(ConfigError) as info:
        ext.check_unique(["1001", "1002", "1001"], "extensions")
    assert info.value.option == "extensions" and "'1001' is listed twice" in str(info.value)


def test_check_not_blank():
    ext.check_not_blank(None, "keyword", "omit it")
    ext.check_not_blank("desk", "keyword", "omit it")
    with pytest.raises(ConfigError) as info:
        ext.check_not_blank(" ", "keyword", "omit it")
    assert str(info.value) == "keyword must not be empty: omit it"
