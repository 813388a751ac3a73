# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""A table of malformed answers from a stub server on 127.0.0.1, each met by a whole module run over
real HTTP: a clean result or a clean failure, never a traceback, never a secret, in bounded time."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json
import os
import time

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _base as common
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _transport as client_mod
from ansible_collections.tencentcloud.tccc.plugins.modules import tccc_extension_info
from ansible_collections.tencentcloud.tccc.tests.unit.conftest import APP, reply
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.module_runs import isolate, run_main

SECRET_ID = "AKIDstub00000000000000000000000000"
SECRET_KEY = "Zq-stub-secret-key-0123456789"
# Planted in the malformed answers: none may show up anywhere in a result.
PASSWORD = "Zq-planted-sip-pw-7Hk2"
TOKEN = "Zq-planted-token-4Fq9LmN0pR"
TEMP_KEY = "Zq-planted-tmp-key-8Jd3"
PLANTED = (SECRET_KEY, PASSWORD, TOKEN, TEMP_KEY)
ROLE = "qcs::cam::uin/100000000001:roleName/stub"
CASE_SECONDS = 10.0


def info(extension_id="1001", **fields):
    item = {"ExtensionId": extension_id, "ExtensionName": "Phone", "SdkAppId": APP, "FullExtensionId": "1001@x",
            "SkillGroupId": "1000", "Register": True, "CreateTime": 1, "ModifyTime": 2}
    item.update(fields)
    return item


def page(items=None, total=None, **extra):
    items = [info()] if items is None else items
    response = {"Total": len(items) if total is None else total, "ExtensionList": items, "RequestId": "9b1d2c1e-0000-4000-8000-00000000000a"}
    response.update(extra)
    return {"Response": response}


def one(**fields):
    response = {"ExtensionId": "1001", "ExtensionDomain": "d.example", "Password": PASSWORD, "OutboundProxy": "sip.example:5061",
                "Transport": "tls", "RequestId": "9b1d2c1e-0000-4000-8000-00000000000b"}
    response.update(fields)
    return {"Response": response}


STS = json.dumps({"Response": {"Credentials": {"TmpSecretId": "AKIDtmp0000000000000000000000001", "TmpSecretKey": TEMP_KEY,
                                               "Token": TOKEN}, "ExpiredTime": 4102444800, "RequestId": "r"}}).encode()
ONE = json.dumps(one()).encode()
HTML = ("<html><head><title>502 Bad Gateway</title></head><body>Password=%s Token: %s</body></html>" % (PASSWORD, TOKEN)).encode()


def raw(status, body, content_type="application/json", **headers):
    return dict(status=status, body=body if isinstance(body, bytes) else json.dumps(body).encode(), content_type=content_type,
                headers=headers)


# Each case: its name, where the answer goes (target: list, one or sts), the answer, and what the run
# gives (expected: an error code, or "ok").
Case = collections.namedtuple("Case", "name target answer expected")

CASES = [Case("DescribeExtension cut at %d" % cut, "one", raw(200, ONE[:cut]), "BadResponse") for cut in (1, 20, 40, 60, 75, len(ONE) - 2)]
CASES += [Case("AssumeRole cut at %d" % cut, "sts", raw(200, STS[:cut]), "ConfigError") for cut in (30, 60, 120, len(STS) - 2)]
CASES += [
    Case("HTML 502 page", "list", raw(502, HTML, "text/html"), "HTTPError"),
    Case("HTML 200 page", "one", raw(200, HTML, "text/html"), "BadResponse"),
    Case("binary", "one", raw(200, os.urandom(200) + PASSWORD.encode() + b"\xff" + TOKEN.encode()), "BadResponse"),
    Case("empty 200", "list", raw(200, b""), "BadResponse"),
    Case("empty 500", "list", raw(500, b""), "HTTPError"),
    Case("204 no content", "list", raw(204, b""), "BadResponse"),
    Case("302 redirect", "list", raw(302, b"<html>moved</html>", "text/html", Location="http://127.0.0.1:9/"), "BadResponse"),
    Case("JSON array", "list", raw(200, [PASSWORD]), "BadResponse"),
    Case("JSON null", "list", raw(200, b"null"), "BadResponse"),
    Case("Response a string", "list", raw(200, {"Response": TOKEN}), "BadResponse"),
    Case("500 without Error", "one", raw(500, one()), "HTTPError"),
    Case("no Response", "one", raw(200, {"Password": PASSWORD, "Token": TOKEN}), "BadResponse"),
    Case("Error not an object", "list", raw(200, {"Response": {"Error": TOKEN}}), "BadResponse"),
    Case("Error fields of the wrong type", "list", raw(200, {"Response": {"Error": {"Code": 5, "Message": [TOKEN]}, "RequestId": "not an id " + TOKEN}}),
         "UnknownError"),
    Case("ExtensionList a string", "list", raw(200, page(items="1001")), "BadResponse"),
    Case("ExtensionList an object", "list", raw(200, page(items={"ExtensionId": "1001"})), "BadResponse"),
    Case("Total not a number", "list", raw(200, page(total="many")), "BadResponse"),
    Case("superscript skill group", "list", raw(200, page([info(SkillGroupId="1000,1²")])), "BadResponse"),
    Case("numeric OutboundProxy", "one", raw(200, one(OutboundProxy=5061)), "BadResponse"),
    Case("numeric Transport", "one", raw(200, one(Transport=17)), "BadResponse"),
    Case("superscript proxy port", "one", raw(200, one(OutboundProxy="sip.example:5²")), "BadResponse"),
    Case("numeric Password", "one", raw(200, one(Password=12345678901234)), "BadResponse"),
    Case("deeply nested JSON", "list", raw(200, b'{"Response": ' + b"[" * 100000 + b"]" * 100000 + b"}"), "BadResponse"),
    Case("invalid UTF-8", "list", raw(200, b'{"Response": {"Total": 0, "X": "\xff\xfe"}}'), "BadResponse"),
    Case("UTF-16 JSON", "list", raw(200, json.dumps(page()).encode("utf-16")), "BadResponse"),
    Case("9 MB body", "list", raw(200, b'{"Response": {"Pad": "' + b" " * (9 * 1024 * 1024) + b'"}}'), "BadResponse"),
    Case("400 MB announced", "list", raw(200, b'{"Response": {', **{"Content-Length": str(400 * 1024 * 1024)}), "BadResponse"),
    Case("Total as a string", "list", raw(200, page(total="1")), "ok"),
    Case("numeric ExtensionId", "list", raw(200, page([info(1001)])), "ok"),
    Case("huge Total, PageNumber ignored", "list", raw(200, page(total=10 ** 9)), "ok"),
]


def answer(request):
    """Answer each request by its case: the SdkAppId (or the AssumeRole session name) is APP + the case's index."""
    params = json.loads(request.rfile.read(int(request.headers["Content-Length"])))
    action = request.headers["X-TC-Action"]
    if action == "AssumeRole":
        index, where = int(params["RoleSessionName"].split("-")[1]), "sts"
    else:
        index, where = params["SdkAppId"] - APP, "list" if action == "DescribeExtensions" else "one"
    given = CASES[index].answer
    if CASES[index].target != where:
        given = raw(200, page() if where == "list" else one(Password="default-sip-pw-0") if where == "one" else STS)
    reply(request, given["status"], given["body"], given["content_type"], given["headers"], close=True)


@pytest.fixture
def stub(local_server):
    return local_server(answer, protocol_version="HTTP/1.1")


@pytest.fixture
def isolated(monkeypatch, tmp_path):
    """An isolated run whose Clients talk to the stub over real HTTP (no pinned session)."""
    isolate(monkeypatch, tmp_path)  # its pinned session is replaced by a real one right away
    monkeypatch.setattr(common, "new_session", client_mod.new_session)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


def test_the_table_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("index", range(len(CASES)), ids=[case.name for case in CASES])
def test_a_malformed_answer_gives_a_clean_result(stub, isolated, capsys, index):
    name, target, expected = CASES[index].name, CASES[index].target, CASES[index].expected
    args = dict(secret_id=SECRET_ID, secret_key=SECRET_KEY, sdk_app_id=APP + index, endpoint=stub.endpoint, retries=0, timeout=5,
                include_registration=target != "list" or expected != "ok")
    if target == "sts":
        args.update(assume_role_arn=ROLE, assume_role_session_name="case-%d" % index, sts_endpoint=stub.endpoint)
    started = time.monotonic()
    result = run_main(tccc_extension_info.main, args, capsys)
    took = time.monotonic() - started
    out = json.dumps(result)
    assert took < CASE_SECONDS, "%s took %.1f s" % (name, took)
    for secret in PLANTED:
        assert secret not in out, "%s: a planted secret is in the result" % name
    assert "Traceback" not in out and "exception" not in result and "MODULE FAILURE" not in out
    if expected == "ok":
        assert not result.get("failed"), result["msg"]
        assert [ext["extension_id"] for ext in result["extensions"]] == ["1001"] and result["missing_extension_ids"] == []
    else:
        assert result["failed"] is True and result["error"]["code"] == expected, result["msg"]
