# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pinned calls (pinned_calls.TcccCall) of the extension APIs, answered as TCCC answers them, for the
tests of the write modules and their reconcile logic."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tencentcloud.tccc.tests.unit.conftest import APP
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import TcccCall, unordered

SECRET_ID = "AKIDwrites00000000000000000000000000"
SECRET_KEY = "writes-secret-key-never-shown-42"
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


def module_args(**args):
    """A write module's arguments with keys and instance added."""
    return dict(dict(secret_id=SECRET_ID, secret_key=SECRET_KEY, sdk_app_id=APP), **args)
