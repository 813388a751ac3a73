# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The module's results and failures, with every HTTP call answered by a scripted fake TCCC."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils.common import warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.tencentcloud.tccc.plugins.module_utils import common, ratelimit
from ansible_collections.tencentcloud.tccc.plugins.modules import tccc_extension_info

SECRET_ID = "AKIDmodule0000000000000000000000000"
SECRET_KEY = "module-secret-key-never-shown-42"
TOKEN = "module-session-token-never-shown-42"
APP = 1400000000


class Answer:
    def __init__(self, body):
        self.status_code = 200
        self.content = json.dumps({"Response": body}).encode()


class FakeTccc:
    """A requests.Session stand-in that answers like TCCC for one instance of ``count`` extensions."""

    def __init__(self, count=3, error=None):
        self.ids = [str(1001 + i) for i in range(count)]
        self.error = error
        self.requests = []

    def post(self, url, data, headers, timeout, verify, allow_redirects):
        params = json.loads(data.decode("utf-8"))
        action = headers["X-TC-Action"]
        self.requests.append((action, params, headers))
        if self.error:
            return Answer({"Error": {"Code": self.error[0], "Message": self.error[1]}, "RequestId": "req-fail"})
        if action == "DescribeExtensions":
            ids = [i for i in self.ids if i in params.get("ExtensionIds", self.ids)]
            page = ids[params["PageNumber"] * params["PageSize"]:(params["PageNumber"] + 1) * params["PageSize"]]
            items = [{"ExtensionId": i, "ExtensionName": "Phone " + i, "SdkAppId": APP, "FullExtensionId": "%s@%d.tccc.qcloud.com" % (i, APP),
                      "SkillGroupId": "7", "Relation": "", "RelationName": "", "Register": False, "CreateTime": 1, "ModifyTime": 2, "Status": 0}
                     for i in page]
            return Answer({"Total": len(ids), "ExtensionList": items, "RequestId": "req-list"})
        return Answer({"ExtensionId": params["ExtensionId"], "ExtensionDomain": "%d.tccc.qcloud.com" % APP, "Password": "sip-pw-" + params["ExtensionId"],
                       "OutboundProxy": "sip.tccc.qcloud.com:5061", "Transport": "tls", "RequestId": "req-one"})

    def actions(self):
        return [action for action, _params, _headers in self.requests]


@pytest.fixture
def tccc(monkeypatch, tmp_path):
    """Isolate the run: a fake TCCC, an empty HOME and environment, a private pacing state directory."""
    for name in list(__import__("os").environ):
        if name.startswith(("TENCENTCLOUD_", "TCCLI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    fake = FakeTccc()
    monkeypatch.setattr(common, "new_session", lambda: fake)
    return fake


def run(args, capsys, check_mode=False, no_log=False):
    args = dict(args)
    args.setdefault("rate_limit", 1000)
    args["_ansible_check_mode"] = check_mode
    args["_ansible_no_log"] = no_log
    # warnings are collected process-wide; each run here stands for a process of its own
    warnings._global_warnings.clear()
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            tccc_extension_info.main()
    return json.loads(capsys.readouterr().out)


def keys(**extra):
    return dict(secret_id=SECRET_ID, secret_key=SECRET_KEY, sdk_app_id=APP, **extra)


def test_reads_every_extension_with_registration_facts(tccc, capsys):
    result = run(keys(), capsys)
    assert result["changed"] is False
    assert result["missing_extension_ids"] == []
    assert [e["extension_id"] for e in result["extensions"]] == ["1001", "1002", "1003"]
    first = result["extensions"][0]
    assert first["password"] == "sip-pw-1001" and first["outbound_proxy_port"] == 5061 and first["skill_group_ids"] == [7]
    assert "status" not in first
    assert tccc.actions() == ["DescribeExtensions"] + ["DescribeExtension"] * 3
    assert all(headers["Authorization"].split("Credential=")[1].startswith(SECRET_ID + "/") for _a, _p, headers in tccc.requests)


def test_check_mode_sends_the_same_reads_and_returns_the_same(tccc, capsys):
    normal = run(keys(include_status=True), capsys)
    sent = [(a, p) for a, p, _h in tccc.requests]
    tccc.requests = []
    checked = run(keys(include_status=True), capsys, check_mode=True)
    assert checked["extensions"] == normal["extensions"] and checked["changed"] is False
    assert [(a, p) for a, p, _h in tccc.requests] == sent


def test_ids_keyword_status_and_missing(tccc, capsys):
    result = run(keys(extension_id=["1002", "1009"], keyword="Phone", include_status=True, include_registration=False), capsys)
    assert [e["extension_id"] for e in result["extensions"]] == ["1002"]
    assert result["extensions"][0]["status_name"] == "offline" and "password" not in result["extensions"][0]
    assert result["missing_extension_ids"] == ["1009"]
    _action, params, _headers = tccc.requests[0]
    assert params == {"SdkAppId": APP, "PageNumber": 0, "PageSize": 100, "ExtensionIds": ["1002", "1009"], "FuzzingKeyWord": "Phone",
                      "IsNeedStatus": True}
    assert tccc.actions() == ["DescribeExtensions"]


def test_many_pages(tccc, capsys):
    tccc.ids = [str(5000 + i) for i in range(250)]
    result = run(keys(include_registration=False), capsys)
    assert len(result["extensions"]) == 250
    assert [p["PageNumber"] for _a, p, _h in tccc.requests] == [0, 1, 2]


def test_credentials_from_the_environment_with_token(tccc, capsys, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("TENCENTCLOUD_TOKEN", TOKEN)
    result = run(dict(sdk_app_id=APP, include_registration=False), capsys)
    assert len(result["extensions"]) == 3
    assert tccc.requests[0][2]["X-TC-Token"] == TOKEN


def test_api_failure_is_structured(tccc, capsys):
    tccc.error = ("InvalidParameterValue.InstanceNotExist", "instance 1400000000 does not exist")
    result = run(keys(), capsys)
    assert result["failed"] is True
    assert result["msg"].startswith("DescribeExtensions failed: InvalidParameterValue.InstanceNotExist: instance 1400000000 does not exist "
                                    "(request id req-fail). Hint: ")
    assert "sdk_app_id" in result["msg"]
    assert result["error"] == {"code": "InvalidParameterValue.InstanceNotExist", "message": "instance 1400000000 does not exist"}
    assert result["request_id"] == "req-fail"
    assert "exception" not in result and "Traceback" not in json.dumps(result)


@pytest.mark.parametrize("args, option, words", [
    (dict(sdk_app_id=0), "sdk_app_id", "positive SdkAppId"),
    (dict(extension_ids=["1001", " 1002"]), "extension_ids", "surrounding spaces"),
    (dict(extension_ids=[""]), "extension_ids", "remove empty entries"),
    (dict(keyword="  "), "keyword", "must not be empty"),
    (dict(timeout=0), "timeout", "above 0"),
    (dict(retries=-1), "retries", "between 0 and 20"),
    (dict(rate_limit=0), "rate_limit", "above 0"),
    (dict(endpoint="ftp://x"), "endpoint", "scheme 'ftp'"),
    (dict(sts_endpoint="https://sts/x"), "sts_endpoint", "no path"),
    (dict(assume_role_duration=50000, assume_role_arn="qcs::cam::uin/1:roleName/r"), "assume_role_duration", "43200"),
    (dict(region="ap guangzhou "), "region", "without spaces"),
    (dict(secret_key=SECRET_KEY + " "), "secret_key", "whitespace"),
])
def test_bad_input_fails_before_any_request(tccc, capsys, args, option, words):
    result = run(dict(keys(), **args), capsys)
    assert result["failed"] is True
    assert option in result["msg"] and words in result["msg"]
    assert tccc.requests == []
    assert SECRET_KEY not in json.dumps(result)


def test_no_credentials_names_every_source(tccc, capsys):
    result = run(dict(sdk_app_id=APP), capsys)
    assert result["failed"] is True
    for name in ("secret_id", "TENCENTCLOUD_SECRET_ID", "profile"):
        assert name in result["msg"]
    assert tccc.requests == []


def test_password_warning_without_no_log(tccc, capsys):
    result = run(keys(), capsys)
    if tccc_extension_info.register_secret is None:
        # 2.19 returns structured warnings; their text is what matters
        assert "set no_log: true on this task" in json.dumps(result["warnings"])
    quiet = run(keys(), capsys, no_log=True)
    assert not quiet.get("warnings")
    assert not run(keys(include_registration=False), capsys).get("warnings")


def test_secrets_never_in_failure_output(tccc, capsys):
    tccc.error = ("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
    result = run(keys(security_token=TOKEN), capsys)
    text = json.dumps(result)
    assert result["failed"] is True and "secret_key" in result["msg"]
    assert SECRET_KEY not in text and TOKEN not in text


def test_missing_requests_library(tccc, capsys, monkeypatch):
    monkeypatch.setattr(common, "HAS_REQUESTS", False)
    monkeypatch.setattr(common, "REQUESTS_IMPORT_ERROR", ImportError("No module named 'requests'"))
    result = run(keys(), capsys)
    assert result["failed"] is True
    assert "requests" in result["msg"] and "Traceback" not in result["msg"]
    assert tccc.requests == []


def test_unshared_pacing_is_a_warning(tccc, capsys, monkeypatch):
    # as on Windows: no flock, so forks cannot share the budget
    monkeypatch.setattr(ratelimit, "fcntl", None)
    result = run(keys(include_registration=False), capsys)
    assert len(result["extensions"]) == 3
    assert "not shared with other runs on this machine" in json.dumps(result.get("warnings"))
