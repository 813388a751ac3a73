# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The module's results and failures, with every HTTP call pinned (tests/unit/helpers/pinned_calls.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

import pytest

from ansible.module_utils.common.parameters import PASS_VARS

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _base as base
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _errors as redaction
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _pacing as ratelimit
from ansible_collections.tencentcloud.tccc.plugins.modules import tccc_extension_info
from ansible_collections.tencentcloud.tccc.tests.unit.conftest import APP
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.module_runs import run_main
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import TcccCall, unordered

SECRET_ID = "AKIDmodule0000000000000000000000000"
SECRET_KEY = "module-secret-key-never-shown-42"
TOKEN = "module-session-token-never-shown-42"
IDS = ["1001", "1002", "1003"]


def listing(listed, total=None, page=0, **params):
    """The DescribeExtensions call of one page and its answer, as TCCC gives it for ``listed``."""
    params.update(SdkAppId=APP, PageNumber=page, PageSize=100)
    items = [{"ExtensionId": i, "ExtensionName": "Phone " + i, "SdkAppId": APP, "FullExtensionId": "%s@%d.tccc.qcloud.com" % (i, APP),
              "SkillGroupId": "7", "Relation": "", "RelationName": "", "Register": False, "CreateTime": 1, "ModifyTime": 2, "Status": 0}
             for i in listed]
    return TcccCall("DescribeExtensions", params).result(Total=len(listed) if total is None else total, ExtensionList=items,
                                                         RequestId="req-list")


def registrations(listed):
    """The concurrent DescribeExtension calls for ``listed``, in any order."""
    return unordered(*[TcccCall("DescribeExtension", {"SdkAppId": APP, "ExtensionId": i}).result(
        ExtensionId=i, ExtensionDomain="%d.tccc.qcloud.com" % APP, Password="sip-pw-" + i, OutboundProxy="sip.tccc.qcloud.com:5061",
        Transport="tls", RequestId="req-one") for i in listed])


def read_all():
    """Every call of a default run: one listing page, then a registration read per extension."""
    return [listing(IDS), registrations(IDS)]


def run(args, capsys, check_mode=False, no_log=False, new_secrets=None):
    return run_main(tccc_extension_info.main, args, capsys, check_mode=check_mode, no_log=no_log, new_secrets=new_secrets)


def keys(**extra):
    return dict(secret_id=SECRET_ID, secret_key=SECRET_KEY, sdk_app_id=APP, **extra)


def test_reads_every_extension_with_registration_facts(tccc, capsys):
    tccc.expect(*read_all())
    result = run(keys(), capsys)
    assert result["changed"] is False
    assert result["missing_extension_ids"] == []
    assert [e["extension_id"] for e in result["extensions"]] == ["1001", "1002", "1003"]
    first = result["extensions"][0]
    assert first["password"] == "sip-pw-1001" and first["outbound_proxy_port"] == 5061 and first["skill_group_ids"] == [7]
    assert "status" not in first
    assert tccc.actions() == ["DescribeExtensions"] + ["DescribeExtension"] * 3
    assert all(r.headers["Authorization"].split("Credential=")[1].startswith(SECRET_ID + "/") for r in tccc.received)


def test_check_mode_sends_the_same_reads_and_returns_the_same(tccc, capsys):
    tccc.expect(listing(IDS, IsNeedStatus=True), registrations(IDS))
    normal = run(keys(include_status=True), capsys)
    sent = sorted(repr(r) for r in tccc.received)
    tccc.expect(listing(IDS, IsNeedStatus=True), registrations(IDS))
    checked = run(keys(include_status=True), capsys, check_mode=True)
    assert checked["extensions"] == normal["extensions"] and checked["changed"] is False
    assert sorted(repr(r) for r in tccc.received[len(sent):]) == sent


def test_ids_keyword_status_and_missing(tccc, capsys):
    tccc.expect(listing(["1002"], ExtensionIds=["1002", "1009"], FuzzingKeyWord="Phone", IsNeedStatus=True))
    result = run(keys(extension_id=["1002", "1009"], keyword="Phone", include_status=True, include_registration=False), capsys)
    assert [e["extension_id"] for e in result["extensions"]] == ["1002"]
    assert result["extensions"][0]["status_name"] == "offline" and "password" not in result["extensions"][0]
    assert result["missing_extension_ids"] == ["1009"]
    params = tccc.received[0].params
    assert params == {"SdkAppId": APP, "PageNumber": 0, "PageSize": 100, "ExtensionIds": ["1002", "1009"], "FuzzingKeyWord": "Phone",
                      "IsNeedStatus": True}
    assert tccc.actions() == ["DescribeExtensions"]


def test_many_pages(tccc, capsys):
    listed = [str(5000 + i) for i in range(250)]
    tccc.expect(*[listing(listed[n * 100:(n + 1) * 100], total=250, page=n) for n in range(3)])
    result = run(keys(include_registration=False), capsys)
    assert len(result["extensions"]) == 250
    assert [r.params["PageNumber"] for r in tccc.received] == [0, 1, 2]


def test_credentials_from_the_environment_with_token(tccc, capsys, monkeypatch):
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("TENCENTCLOUD_TOKEN", TOKEN)
    tccc.expect(listing(IDS).expect_header("X-TC-Token", TOKEN))
    result = run(dict(sdk_app_id=APP, include_registration=False), capsys)
    assert len(result["extensions"]) == 3
    assert tccc.received[0].headers["X-TC-Token"] == TOKEN


def test_api_failure_is_structured(tccc, capsys):
    tccc.expect(TcccCall("DescribeExtensions", {"SdkAppId": APP, "PageNumber": 0, "PageSize": 100}).error(
        "InvalidParameterValue.InstanceNotExist", "instance 1400000000 does not exist", "req-fail"))
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
    (dict(extension_ids=[""]), "extension_ids", "must be an extension number without surrounding spaces, got ''"),
    (dict(keyword="  "), "keyword", "must not be empty"),
    (dict(timeout=0), "timeout", "above 0"),
    (dict(retries=-1), "retries", "between 0 and 20"),
    (dict(rate_limit=0), "rate_limit", "from 0.01 to 1000"),
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
    assert tccc.received == []
    assert SECRET_KEY not in json.dumps(result)


def test_no_credentials_names_every_source(tccc, capsys):
    result = run(dict(sdk_app_id=APP), capsys)
    assert result["failed"] is True
    for name in ("secret_id", "TENCENTCLOUD_SECRET_ID", "profile"):
        assert name in result["msg"]
    assert tccc.received == []


def test_password_warning_without_no_log(tccc, capsys):
    tccc.expect(*read_all() + read_all() + [listing(IDS)])
    result = run(keys(), capsys)
    if not redaction.core_masks_secrets():
        # 2.19 returns structured warnings; their text is what matters
        assert "set no_log: true on this task" in json.dumps(result["warnings"])
    quiet = run(keys(), capsys, no_log=True)
    assert not quiet.get("warnings")
    assert not run(keys(include_registration=False), capsys).get("warnings")


def test_secrets_never_in_failure_output(tccc, capsys):
    tccc.expect(TcccCall("DescribeExtensions", {"SdkAppId": APP, "PageNumber": 0, "PageSize": 100}).error(
        "AuthFailure.SignatureFailure", "The provided credentials could not be validated.", "req-fail"))
    result = run(keys(security_token=TOKEN), capsys)
    text = json.dumps(result)
    assert result["failed"] is True and "secret_key" in result["msg"]
    assert SECRET_KEY not in text and TOKEN not in text
    # the key the API refused is named by where it came from
    assert result["msg"].endswith("(the key came from the secret_id and secret_key options)")


def test_an_endpoint_with_a_password_is_refused_and_masked_in_the_invocation(tccc, capsys):
    new_secrets = []
    # From core 2.21 the invocation comes back only when the controller asks (at -vvv): ask; 2.22
    # leaves its masking to the controller, with what the module registered.
    ask = {"_ansible_inject_invocation": True} if "inject_invocation" in PASS_VARS and not redaction.core_masks_secrets() else {}
    result = run(keys(endpoint="http://tccc-user:Ep-Password-never-shown-7@127.0.0.1:9", **ask), capsys, new_secrets=new_secrets)
    assert result["failed"] is True and result["option"] == "endpoint"
    # Before, the refusal hid it, but the invocation that -vvv shows held it.
    assert "Ep-Password-never-shown-7" not in json.dumps(result)
    if redaction.core_masks_secrets():
        assert any("Ep-Password-never-shown-7" in secret for secret in new_secrets), new_secrets
    else:
        assert "127.0.0.1:9" in result["invocation"]["module_args"]["endpoint"]
    assert tccc.received == []


def test_missing_requests_library(tccc, capsys, monkeypatch):
    monkeypatch.setattr(base, "HAS_REQUESTS", False)
    monkeypatch.setattr(base, "REQUESTS_IMPORT_ERROR", ImportError("No module named 'requests'"))
    result = run(keys(), capsys)
    assert result["failed"] is True
    assert "requests" in result["msg"] and "Traceback" not in result["msg"]
    assert tccc.received == []


def test_unshared_pacing_is_a_warning(tccc, capsys, monkeypatch):
    # as on Windows: no flock, so forks cannot share the budget
    monkeypatch.setattr(ratelimit, "fcntl", None)
    tccc.expect(listing(IDS))
    result = run(keys(include_registration=False), capsys)
    assert len(result["extensions"]) == 3
    assert "not shared with other runs on this machine" in json.dumps(result.get("warnings"))


def test_assumed_role_keys_sign_the_reads(tccc, capsys):
    arn = "qcs::cam::uin/100000000001:roleName/tccc-operator"
    tccc.expect(
        TcccCall("AssumeRole", {"RoleArn": arn, "RoleSessionName": "ansible-tccc", "DurationSeconds": 7200})
        .expect_header("Host", "sts.tencentcloudapi.com").expect_header("X-TC-Version", "2018-08-13")
        .result(Credentials={"TmpSecretId": "AKIDassumed000000001", "TmpSecretKey": "assumed-key-never-shown",
                             "Token": "assumed-token-never-shown"}, ExpiredTime=int(time.time()) + 7200),
        listing(IDS).expect_header("Host", "ccc.tencentcloudapi.com").expect_header("X-TC-Token", "assumed-token-never-shown"))
    result = run(keys(assume_role_arn=arn, include_registration=False), capsys)
    assert len(result["extensions"]) == 3
    assert tccc.received[0].headers["Authorization"].split("Credential=")[1].startswith(SECRET_ID + "/")
    assert tccc.received[1].headers["Authorization"].split("Credential=")[1].startswith("AKIDassumed000000001/")
    assert "assumed-key-never-shown" not in json.dumps(result) and "assumed-token-never-shown" not in json.dumps(result)


def _tccli_profile(home, region):
    """A tccli default profile with keys, and its .configure naming ``region``."""
    directory = home / ".tccli"
    directory.mkdir(mode=0o700)
    for name, data in (("default.credential", {"secretId": SECRET_ID, "secretKey": SECRET_KEY}),
                       ("default.configure", {"_sys_param": {"region": region, "output": "json"}})):
        path = directory / name
        path.write_text(json.dumps(data))
        path.chmod(0o600)


@pytest.mark.parametrize("option, profile_region, signed", [
    (None, "ap-shanghai", "ap-shanghai"),
    ("ap-nanjing", "ap-shanghai", "ap-nanjing"),
])
def test_the_region_signed_is_the_option_else_the_profile_region(tccc, capsys, tmp_path, option, profile_region, signed):
    _tccli_profile(tmp_path, profile_region)
    tccc.expect(listing(IDS).expect_header("X-TC-Region", signed))
    args = dict(sdk_app_id=APP, include_registration=False)
    if option:
        args["region"] = option
    assert len(run(args, capsys)["extensions"]) == 3


def test_without_a_region_none_is_signed(tccc, capsys):
    tccc.expect(listing(IDS))
    run(keys(include_registration=False), capsys)
    assert "X-TC-Region" not in tccc.received[0].headers
