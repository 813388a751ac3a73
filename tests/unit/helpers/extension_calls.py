# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pinned calls (pinned_calls.TcccCall) of the extension APIs, answered as TCCC answers them, for the
tests of the write modules and their reconcile logic."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import PinnedSession, TcccCall, unordered

APP = 1400000000
DOMAIN = "%d.tccc.qcloud.com" % APP


def info(extension_id, name, groups=(), relation=""):
    """One ExtensionInfo as DescribeExtensions lists it."""
    return {"ExtensionId": extension_id, "ExtensionName": name, "SdkAppId": APP, "FullExtensionId": "%s@%s" % (extension_id, DOMAIN),
            "SkillGroupId": ",".join(str(group) for group in groups), "Relation": relation,
            "RelationName": relation.split("@")[0].title() if relation else "", "Register": False, "CreateTime": 1, "ModifyTime": 2}


def listing(infos, ids=None):
    """The one-page DescribeExtensions call for ``ids`` (None: the whole instance) answered with ``infos``."""
    params = {"SdkAppId": APP, "PageNumber": 0, "PageSize": 100}
    if ids is not None:
        params["ExtensionIds"] = list(ids)
    return TcccCall("DescribeExtensions", params).result(Total=len(infos), ExtensionList=list(infos), RequestId="req-list")


def password(extension_id):
    return "SipPw-" + extension_id


def registration(extension_id, secret=None):
    return TcccCall("DescribeExtension", {"SdkAppId": APP, "ExtensionId": extension_id}).result(
        ExtensionId=extension_id, ExtensionDomain=DOMAIN, Password=secret or password(extension_id),
        OutboundProxy="sip.tccc.qcloud.com:5061", Transport="tls")


def registrations(extension_ids):
    return unordered(*[registration(extension_id) for extension_id in extension_ids])


def write(action, extension_id, **params):
    """A write call with its parameters; answer it with .result(), .error() or a fault."""
    params.update(SdkAppId=APP, ExtensionId=extension_id)
    return TcccCall(action, params)


def create(extension_id, name, groups=None, relation=None):
    extra = {"ExtensionName": name}
    if groups:
        extra["SkillGroupIds"] = list(groups)
    if relation:
        extra["Relation"] = relation
    return write("CreateExtension", extension_id, **extra)


def modify(extension_id, name, groups, relation):
    return write("ModifyExtension", extension_id, ExtensionName=name, SkillGroupIds=list(groups), Relation=relation)


def delete(extension_id):
    return write("DeleteExtension", extension_id)


def reset(extension_id):
    return write("ResetExtensionPassword", extension_id)


def run_module(main, args, capsys, check_mode=False, diff=False, no_log=False):
    """Run a module's main() with ``args`` (keys and a high rate_limit added) and return its JSON result."""
    import json  # pylint: disable=import-outside-toplevel

    import pytest  # pylint: disable=import-outside-toplevel
    from ansible.module_utils.common import warnings  # pylint: disable=import-outside-toplevel
    from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel

    args = dict(args)
    args.update(secret_id=SECRET_ID, secret_key=SECRET_KEY, sdk_app_id=args.get("sdk_app_id", APP), rate_limit=1000,
                _ansible_check_mode=check_mode, _ansible_diff=diff, _ansible_no_log=no_log)
    # warnings are collected process-wide; each run here stands for a process of its own
    warnings._global_warnings.clear()  # pylint: disable=protected-access
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            main()
    return json.loads(capsys.readouterr().out)


SECRET_ID = "AKIDwrites00000000000000000000000000"
SECRET_KEY = "writes-secret-key-never-shown-42"


def isolated_session(monkeypatch, tmp_path):
    """A PinnedSession that every Client of a module run sends through, with an empty HOME and
    environment and a private pacing state directory."""
    for name in list(os.environ):
        if name.startswith(("TENCENTCLOUD_", "TCCLI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    return PinnedSession().install(monkeypatch)
