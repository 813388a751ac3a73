# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Endpoint parsing, the error table and the backoff bounds."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import os

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _errors as errors
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ConfigError
from ansible_collections.tencentcloud.tccc.plugins.module_utils._transport import RetryPolicy, parse_endpoint


@pytest.mark.parametrize("value, url, host", [
    (None, "https://ccc.tencentcloudapi.com/", "ccc.tencentcloudapi.com"),
    ("", "https://ccc.tencentcloudapi.com/", "ccc.tencentcloudapi.com"),
    ("ccc.intl.tencentcloudapi.com", "https://ccc.intl.tencentcloudapi.com/", "ccc.intl.tencentcloudapi.com"),
    ("127.0.0.1:8080", "https://127.0.0.1:8080/", "127.0.0.1:8080"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080/", "127.0.0.1:8080"),
    ("HTTPS://ccc.tencentcloudapi.com/", "https://ccc.tencentcloudapi.com/", "ccc.tencentcloudapi.com"),
    (" http://localhost:1 ", "http://localhost:1/", "localhost:1"),
    ("http://[::1]:8080", "http://[::1]:8080/", "[::1]:8080"),
])
def test_parse_endpoint(value, url, host):
    endpoint = parse_endpoint(value)
    assert (endpoint.url, endpoint.host) == (url, host)


@pytest.mark.parametrize("value, words", [
    ("ftp://host", "scheme 'ftp'"),
    ("https://host/path", "no path"),
    ("https://user@host", "user info (user:password@) is not allowed"),
    ("host:0", "out of range"),
    ("host:70000", "out of range"),
    ("host:port", "not a host name"),
    ("ho st", "not a host name"),
])
def test_bad_endpoints_name_the_option(value, words):
    with pytest.raises(ConfigError) as info:
        parse_endpoint(value, option="sts_endpoint")
    assert info.value.option == "sts_endpoint"
    assert str(info.value).startswith("sts_endpoint: ") and words in str(info.value)


@pytest.mark.parametrize("code, action, kind", [
    ("RequestLimitExceeded", "DescribeExtension", errors.THROTTLED),
    ("RequestLimitExceeded.GlobalRegionUinLimitExceeded", "CreateExtension", errors.THROTTLED),
    ("RequestLimitExceededX", "DescribeExtension", errors.FATAL),
    ("LimitExceeded", "DescribeExtension", errors.FATAL),
    ("AuthFailure.SignatureExpire", "DescribeExtension", errors.SKEW),
    ("AuthFailure.SignatureExpire", "DeleteExtension", errors.SKEW),
    ("ServiceUnavailable", "DescribeExtension", errors.TRANSIENT),
    ("ServiceUnavailable", "CreateExtension", errors.AMBIGUOUS),
    ("ResourceUnavailable", "DeleteExtension", errors.AMBIGUOUS),
    ("InternalError", "DescribeExtensions", errors.TRANSIENT),
    ("InternalError", "ModifyExtension", errors.AMBIGUOUS),
    ("InternalError.DBError", "DescribeExtension", errors.FATAL),
    ("InternalError.DBError", "CreateExtension", errors.FATAL),
    ("FailedOperation", "CreateExtension", errors.FATAL),
    ("Timeout", "DescribeExtension", errors.TRANSIENT),
    ("Timeout", "AssumeRole", errors.TRANSIENT),
    ("Timeout", "ResetExtensionPassword", errors.AMBIGUOUS),
    ("ConnectionError", "CreateExtension", errors.AMBIGUOUS),
    ("BadResponse", "CreateExtension", errors.AMBIGUOUS),
    ("HTTPError", "CreateExtension", errors.AMBIGUOUS),
    ("ConnectionError", "AnyActionNotInTheTable", errors.AMBIGUOUS),
    ("TLSError", "DescribeExtension", errors.FATAL),
    ("TLSError", "CreateExtension", errors.FATAL),
    ("AuthFailure.TokenFailure", "DescribeExtension", errors.FATAL),
    (None, "DescribeExtension", errors.FATAL),
])
def test_classify(code, action, kind):
    assert errors.classify(code, action) == kind


def test_only_listed_actions_are_reads():
    assert errors.is_read("DescribeExtension") and errors.is_read("DescribeExtensions") and errors.is_read("AssumeRole")
    assert not errors.is_read("CreateExtension") and not errors.is_read("describeextension")


def test_hints():
    assert "NTP" in errors.hint("AuthFailure.SignatureExpire")
    assert "sdk_app_id" in errors.hint("InvalidParameterValue.InstanceNotExist")
    assert "ccc:DescribeExtension" in errors.hint("UnauthorizedOperation", "DescribeExtension")
    assert "secret_key" in errors.hint("AuthFailure.SignatureFailure")
    assert errors.hint("InvalidParameter") is None


def test_backoff_is_capped_exponential_full_jitter():
    policy = RetryPolicy(retries=8)
    assert [policy.delay(n, 1.0) for n in range(8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert all(policy.delay(n, 0.0) == 0.0 for n in range(8))
    assert policy.delay(0, 0.0, floor=0.05) == 0.05
    assert [policy.should_retry(n) for n in range(10)] == [True] * 8 + [False] * 2


def _raised_codes(path):
    """The code arguments of every TcccError, ApiError and TransportError built in the file at ``path``:
    (literal strings, names of constants); a conditional code gives both of its branches."""
    with open(path) as source:
        tree = ast.parse(source.read(), path)
    literals, names = [], []

    def take(node):
        if isinstance(node, ast.IfExp):
            take(node.body)
            take(node.orelse)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            literals.append(node.value)
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
        elif isinstance(node, ast.Name):
            names.append(node.id)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if called in ("TcccError", "ApiError", "TransportError"):
                take(node.args[0])
    return literals, names


def test_every_code_the_client_makes_up_is_in_the_error_table():
    table = dict((code, (ours, kind, meaning)) for code, ours, kind, meaning in errors.ERROR_TABLE)
    directory = os.path.dirname(os.path.abspath(errors.__file__))
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".py"):
            continue
        literals, names = _raised_codes(os.path.join(directory, name))
        assert not literals, "%s makes up codes outside the error table: %s" % (name, literals)
        for constant in names:
            code = getattr(errors, constant, None)
            if isinstance(code, str) and constant.isupper():
                assert table.get(code, (False,))[0], "%s: %s (%s) is not in the error table as a code of ours" % (name, constant, code)
    assert table[errors.STOPPED][0] and table[errors.TLS_ERROR][0] and table[errors.UNKNOWN_ERROR][0]
    assert all(meaning for _ours, _kind, meaning in table.values())


@pytest.mark.parametrize("code, ours, kind, meaning", errors.ERROR_TABLE)
def test_the_error_table_is_what_classify_decides(code, ours, kind, meaning):  # pylint: disable=unused-argument
    code = code[:-2] if code.endswith(".*") else code
    expected_write = errors.AMBIGUOUS if kind == errors.TRANSIENT else kind
    assert (errors.classify(code, "DescribeExtension"), errors.classify(code, "CreateExtension")) == (kind, expected_write)
