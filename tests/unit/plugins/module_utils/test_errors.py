# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""_errors.py: the error table (classify(), hints, every code the client makes up), and secrets never
reach a failure: answers are described, not quoted; one redaction knows every
secret-bearing key; secrets are known the moment they are parsed; keys, tokens and endpoints that
cannot be sent safely are refused before anything is sent."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import json
import os
import random
import string

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _credential_sources as credential_types
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _errors as errors
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _errors as redaction
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _extensions as extensions
from ansible_collections.tencentcloud.tccc.plugins.module_utils._credentials import resolve_credentials
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ApiError, ConfigError, TcccError
from ansible_collections.tencentcloud.tccc.plugins.module_utils._transport import parse_endpoint
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import PinnedSession, TcccCall, pinned_client

STATUSES = (200, 400, 404, 500, 502, 503)


def planted(rng):
    """A random secret that no message could contain by chance."""
    return "Zq" + "".join(rng.choice(string.ascii_letters + string.digits) for dummy in range(18))


def answers(rng):
    """Every malformed-answer shape we can produce, each with secrets planted in it: (name, body, secrets)."""
    password, token, key, temp_id = (planted(rng) for dummy in range(4))
    secrets = (password, token, key, temp_id)
    one = json.dumps({"Response": {"ExtensionId": "1001", "Password": password, "OutboundProxy": "sip.example:5061",
                                   "Transport": "tls", "RequestId": "9b1d2c1e-0000-4000-8000-000000000001"}}).encode()
    sts = json.dumps({"Response": {"Credentials": {"TmpSecretId": temp_id, "TmpSecretKey": key, "Token": token},
                                   "ExpiredTime": 1900000000, "RequestId": "9b1d2c1e-0000-4000-8000-000000000002"}}).encode()
    shapes = []
    for name, whole in (("DescribeExtension", one), ("AssumeRole", sts)):
        # Cut at every offset: a cut answer is not JSON, whatever its status.
        shapes += [("%s cut at %d" % (name, offset), whole[:offset], secrets) for offset in range(len(whole))]
    shapes += [
        ("no Response", json.dumps({"Password": password, "Token": token}).encode(), secrets),
        ("Response not an object", json.dumps({"Response": [password, token]}).encode(), secrets),
        ("no Error with a bad status", one, secrets),
        ("nested in a string", json.dumps({"Body": one.decode()}).encode(), secrets),
        ("HTML", ("<html><head><title>502 Bad Gateway</title></head><body>Password=%s token: %s</body></html>"
                  % (password, token)).encode(), secrets),
        ("HTML with a secret in its title", ("<html><title>Token=%s</title></html>" % token).encode(), secrets),
        ("binary", bytes(rng.randrange(256) for dummy in range(300)) + password.encode() + b"\xff\xfe" + token.encode(), secrets),
        ("a secret as a number", b'{"Response": {"Error": 1, "Token": 12345678901234567}}', ("12345678901234567",)),
    ]
    return shapes


def failure_text(err):
    return str(err) + json.dumps(err.to_result()) + repr(err.args)


@pytest.mark.parametrize("seed", range(3))
def test_no_planted_secret_reaches_a_failure_whatever_the_answer(seed):
    rng = random.Random(seed)
    checked = 0
    for name, body, secrets in answers(rng):
        for status in STATUSES:
            action = "AssumeRole" if name.startswith("AssumeRole") else "DescribeExtension"
            session = PinnedSession(TcccCall(action, {}).http(status, body))
            client = pinned_client(session, retries=0)
            try:
                client.call(action, {})
            except TcccError as err:
                text = failure_text(err)
            else:
                continue  # a whole, well-formed answer: nothing failed
            for secret in secrets:
                assert secret not in text, "%s, HTTP %s: %s" % (name, status, text)
                assert secret[:6] not in text, "%s, HTTP %s: a part of a secret: %s" % (name, status, text)
            checked += 1
    assert checked > 600


def test_a_failure_describes_the_body_without_quoting_it():
    body = b"<html><head><title>502 Bad Gateway</title></head><body>Password=Zq1234567890abcdef</body></html>"
    session = PinnedSession(TcccCall("DescribeExtension", {}).http(502, body))
    with pytest.raises(TcccError) as caught:
        pinned_client(session, retries=0).call("DescribeExtension", {})
    assert caught.value.message == 'HTTP 502 with a body that is not a JSON API answer (no content type, %d bytes, title "502 Bad Gateway")' % len(body)
    session = PinnedSession(TcccCall("DescribeExtension", {}).http(200, {"Password": "Zq1234567890abcdef", "Data": 1}))
    with pytest.raises(TcccError) as caught:
        pinned_client(session, retries=0).call("DescribeExtension", {})
    assert caught.value.message.startswith("HTTP 200 with JSON that has no Response object (keys Password, Data, ")


@pytest.mark.parametrize("text, secret", [
    ('{"Response": {"Password": "Xb7pQm2LrT9vK", "', "Xb7pQm2LrT9vK"),
    ('... "Password": "Xb7pQm2Lr', "Xb7pQm2Lr"),
    ('{"Credentials": {"TmpSecretKey": "k3yk3yk3y", "Token": "t0kent0ken', "t0kent0ken"),
    ('{"Credentials": {"TmpSecretKey": "k3yk3yk3y"', "k3yk3yk3y"),
    ('{"TmpSecretId": "AKIDtemp00000001", ', "AKIDtemp00000001"),
    ('{"secretKey": "fromtccli0001", "token": "tccli-token-01"}', "fromtccli0001"),
    ('{"secretKey": "fromtccli0001", "token": "tccli-token-01"}', "tccli-token-01"),
    ('[default]\nsecret_key = ini-key-0001\n', "ini-key-0001"),
    ('X-TC-Token: header-token-01', "header-token-01"),
    ('{"Body": "{\\"Password\\": \\"escaped-pw-01\\"}"}', "escaped-pw-01"),
    ('{"SecretKey": 123456789012}', "123456789012"),
])
def test_redact_knows_every_secret_bearing_key_however_the_text_is_cut(text, secret):
    for end in range(len(text) + 1):
        shown = redaction.redact(text[:end])
        assert secret not in shown


def test_secrets_are_known_the_moment_they_are_parsed(monkeypatch):
    registered = []
    monkeypatch.setattr(redaction, "register_secret", registered.append)
    facts = extensions.registration_facts({"Password": "parsed-password-01", "OutboundProxy": "sip.example", "Transport": "udp"})
    assert facts["password"] == "parsed-password-01"
    credential_types.Credentials("AKIDx", "parsed-secret-key-01", "parsed-token-01")
    assert {"parsed-password-01", "parsed-secret-key-01", "parsed-token-01"} <= set(registered)
    # A later failure that echoes one of them shows the mask instead.
    err = ApiError("InvalidParameterValue", "bad value parsed-token-01 for parsed-password-01", None, "DescribeExtension")
    assert "parsed-token-01" not in str(err) and "parsed-password-01" not in json.dumps(err.to_result())
    assert redaction.MASK in str(err)


def test_every_secret_is_registered_with_the_core_whatever_its_length(monkeypatch):
    # Before, a secret shorter than MIN_REMEMBERED was not registered: the core could mask it, only
    # clean() cannot (it would blank ordinary words of a message).
    registered = []
    monkeypatch.setattr(redaction, "register_secret", registered.append)
    assert redaction.remember("pw1") == "pw1"
    redaction.remember("")
    redaction.remember(None)
    assert registered == ["pw1"]
    assert redaction.clean("pw1 failed") == "pw1 failed"


@pytest.mark.parametrize("bad", ["tok\nen-value", "tok\ren", "token\x00", "token\x7f", "t\u0085oken", "tök€n", "t\u4e2d"])
@pytest.mark.parametrize("where", ["security_token", "secret_key", "env", "tccli"])
def test_keys_and_tokens_a_header_cannot_carry_are_refused_before_sending(tmp_path, bad, where):
    params, env = {}, {}
    if where == "security_token":
        params = {"secret_id": "AKIDx", "secret_key": "key", "security_token": bad}
        origin = "the security_token option"
    elif where == "secret_key":
        params = {"secret_id": "AKIDx", "secret_key": bad}
        origin = "the secret_key option"
    elif where == "env":
        env = {"TENCENTCLOUD_SECRET_ID": "AKIDx", "TENCENTCLOUD_SECRET_KEY": "key", "TENCENTCLOUD_SECURITY_TOKEN": bad}
        origin = "the environment variable TENCENTCLOUD_SECURITY_TOKEN"
    else:
        (tmp_path / ".tccli").mkdir(mode=0o700)
        path = tmp_path / ".tccli" / "default.credential"
        path.write_text(json.dumps({"secretId": "AKIDx", "secretKey": "key", "token": bad}))
        path.chmod(0o600)
        origin = "token in %s" % path
    with pytest.raises(ConfigError) as caught:
        resolve_credentials(params, env=env, home=str(tmp_path))
    message = str(caught.value)
    assert message.startswith(origin + " holds a control character") and "Latin-1" in message
    assert bad not in message and bad.strip() not in message
    assert caught.value.option == (where if where in ("security_token", "secret_key") else None)


@pytest.mark.parametrize("value, host", [
    ("http://user:Zq-endpoint-pass@127.0.0.1:8080", "127.0.0.1:8080"),
    ("https://Zq-endpoint-pass@ccc.tencentcloudapi.com", "ccc.tencentcloudapi.com"),
    ("user:Zq-endpoint-pass@ccc.tencentcloudapi.com/", "ccc.tencentcloudapi.com"),
    ("http://a:Zq-endpoint-pass@bad host", "the part after @"),
])
def test_an_endpoint_with_user_info_is_refused_showing_the_host_only(value, host):
    with pytest.raises(ConfigError) as caught:
        parse_endpoint(value)
    message = str(caught.value)
    assert "user info" in message and message.endswith(host) and caught.value.option == "endpoint"
    assert "Zq-endpoint-pass" not in message and "user:" not in message.replace("user:password@", "")


def test_our_own_hints_are_not_redacted():
    # The hint names the option security_token, followed by a colon; redaction must not blank the advice.
    err = ApiError("AuthFailure.TokenFailure", "These are temporary credentials: the X-TC-Token header is required.", "r-1", "DescribeExtensions")
    assert str(err).endswith("Hint: temporary credentials need a valid, unexpired security_token: check security_token or refresh the "
                             "credentials")


# ---------------------------------------------------------------- The error table: classify(), hints, the codes the client makes up.

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
