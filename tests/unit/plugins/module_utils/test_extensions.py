# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Paging, id chunks, registration reads and the returned facts, against a scripted fake API."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import extensions as ext
from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import ApiError

APP = 1400000000


def info(extension_id, **extra):
    item = {"ExtensionId": extension_id, "ExtensionName": "Phone %s" % extension_id, "SdkAppId": APP,
            "FullExtensionId": "%s@%d.tccc.qcloud.com" % (extension_id, APP), "SkillGroupId": "1000,1001", "Relation": "a@example.com",
            "RelationName": "Agent", "Register": True, "CreateTime": 1700000000, "ModifyTime": 1700000600, "Status": 100, "Unknown": "ignored"}
    item.update(extra)
    return item


class FakeApi:
    """A small TCCC: DescribeExtensions pages over ``ids``, DescribeExtension answers each id."""

    def __init__(self, ids, total=None, empty_from_page=None, fail_describe=None, delays=None):
        self.ids = list(ids)
        self.total = total
        self.empty_from_page = empty_from_page
        self.fail_describe = fail_describe
        self.delays = delays or {}
        self.calls = []
        self.lock = threading.Lock()

    def call(self, action, params, read_only=True):
        with self.lock:
            self.calls.append((action, dict(params)))
        if action == "DescribeExtensions":
            ids = [i for i in self.ids if "ExtensionIds" not in params or i in params["ExtensionIds"]]
            page, size = params["PageNumber"], params["PageSize"]
            items = [] if self.empty_from_page is not None and page >= self.empty_from_page else ids[page * size:(page + 1) * size]
            return {"Total": len(ids) if self.total is None else self.total, "ExtensionList": [info(i) for i in items], "RequestId": "r"}
        if action == "DescribeExtension":
            extension_id = params["ExtensionId"]
            time.sleep(self.delays.get(extension_id, 0))
            if extension_id == self.fail_describe:
                raise ApiError("InternalError.DBError", "db down", "req-db", "DescribeExtension")
            return {"ExtensionId": extension_id, "ExtensionDomain": "%d.tccc.qcloud.com" % APP, "Password": "pw-" + extension_id,
                    "OutboundProxy": "sip.tccc.qcloud.com:5061", "Transport": "tls", "RequestId": "r"}
        raise AssertionError(action)

    def pages(self):
        return [params for action, params in self.calls if action == "DescribeExtensions"]


def ids(count, start=1001):
    return [str(start + i) for i in range(count)]


def test_lists_every_page_from_zero_and_stops_at_total():
    api = FakeApi(ids(250))
    found = list(ext.list_extensions(api, APP))
    assert [item["ExtensionId"] for item in found] == ids(250)
    assert [(p["PageNumber"], p["PageSize"]) for p in api.pages()] == [(0, 100), (1, 100), (2, 100)]
    assert all(p["SdkAppId"] == APP and "ExtensionIds" not in p for p in api.pages())


def test_exactly_one_full_page_needs_one_request():
    api = FakeApi(ids(100))
    assert len(list(ext.list_extensions(api, APP))) == 100
    assert len(api.pages()) == 1


def test_empty_instance():
    api = FakeApi([])
    assert ext.read_extensions(api, APP) == ([], [])
    assert len(api.pages()) == 1


def test_an_empty_page_ends_the_listing_even_if_total_says_more():
    api = FakeApi(ids(150), total=1000, empty_from_page=1)
    assert len(list(ext.list_extensions(api, APP))) == 100
    assert [p["PageNumber"] for p in api.pages()] == [0, 1]


def test_requested_ids_go_in_chunks_of_100_without_repeats():
    wanted = ids(230) + ["1001", "1002"]
    api = FakeApi(ids(300))
    extensions, missing = ext.read_extensions(api, APP, wanted, include_registration=False)
    assert [e["extension_id"] for e in extensions] == ids(230)
    assert missing == []
    assert [len(p["ExtensionIds"]) for p in api.pages()] == [100, 100, 30]


def test_missing_ids_are_reported_not_an_error():
    api = FakeApi(ids(3))
    extensions, missing = ext.read_extensions(api, APP, ["1002", "9999", "1001", "8888"])
    assert [e["extension_id"] for e in extensions] == ["1001", "1002"]
    assert missing == ["9999", "8888"]


def test_empty_id_list_reads_nothing():
    api = FakeApi(ids(3))
    assert ext.read_extensions(api, APP, []) == ([], [])
    assert api.calls == []


def test_keyword_and_status_are_passed():
    api = FakeApi(ids(2))
    extensions, _missing = ext.read_extensions(api, APP, keyword="desk", include_status=True, include_registration=False)
    assert api.pages()[0]["FuzzingKeyWord"] == "desk" and api.pages()[0]["IsNeedStatus"] is True
    assert extensions[0]["status"] == 100 and extensions[0]["status_name"] == "idle"
    api = FakeApi(ids(2))
    extensions, _missing = ext.read_extensions(api, APP, include_registration=False)
    assert "FuzzingKeyWord" not in api.pages()[0] and "IsNeedStatus" not in api.pages()[0]
    assert "status" not in extensions[0] and "password" not in extensions[0]


def test_registration_results_keep_listing_order_under_concurrency():
    wanted = ids(40)
    # the first extensions answer last: results must still come back in listing order
    api = FakeApi(wanted, delays={i: 0.02 for i in wanted[:5]})
    extensions, _missing = ext.read_extensions(api, APP)
    assert [e["extension_id"] for e in extensions] == wanted
    assert [e["password"] for e in extensions] == ["pw-" + i for i in wanted]
    assert sum(1 for action, _p in api.calls if action == "DescribeExtension") == 40


def test_facts_of_one_extension():
    api = FakeApi(["1001"])
    (facts,), _missing = ext.read_extensions(api, APP, include_status=True)
    assert facts == {
        "extension_id": "1001", "extension_name": "Phone 1001", "full_extension_id": "1001@1400000000.tccc.qcloud.com", "sdk_app_id": APP,
        "skill_group_ids": [1000, 1001], "relation": "a@example.com", "relation_name": "Agent", "registered": True,
        "create_time": 1700000000, "modify_time": 1700000600, "status": 100, "status_name": "idle",
        "extension_domain": "1400000000.tccc.qcloud.com", "password": "pw-1001", "outbound_proxy": "sip.tccc.qcloud.com:5061",
        "outbound_proxy_host": "sip.tccc.qcloud.com", "outbound_proxy_port": 5061, "transport": "tls",
    }


def test_one_failing_registration_fails_with_its_id_and_stops_the_rest():
    wanted = ids(200)
    api = FakeApi(wanted, fail_describe="1003")
    with pytest.raises(ApiError) as info:
        ext.read_extensions(api, APP)
    assert info.value.message == "extension 1003: db down"
    assert str(info.value).startswith("DescribeExtension failed: InternalError.DBError: extension 1003: db down (request id req-db)")
    described = sum(1 for action, _p in api.calls if action == "DescribeExtension")
    assert described < 200


@pytest.mark.parametrize("value, expected", [
    ("1000,1001", [1000, 1001]), ("1000, 1001 ,", [1000, 1001]), ("", []), (None, []), ("7", [7]), ([3, "4"], [3, 4]), ("x,5", [5]),
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
