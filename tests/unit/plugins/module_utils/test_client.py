# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The client against injected faults: every HTTP call is pinned, clock, sleep and jitter are fakes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import requests

from ansible_collections.tencentcloud.tccc.plugins.module_utils import client as client_mod
from ansible_collections.tencentcloud.tccc.plugins.module_utils import errors, signer
from ansible_collections.tencentcloud.tccc.plugins.module_utils.endpoint import parse_endpoint
from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import ApiError, TransportError

SECRET_ID = "AKIDunit00000000000000000000000000"
SECRET_KEY = "unit-secret-key-0123456789abcdefXY"
TOKEN = "unit-session-token-abcdefghijklmnop"
NOW = 1706400000


class Creds:
    def __init__(self, token=None):
        self.secret_id = SECRET_ID
        self.secret_key = SECRET_KEY
        self.token = token

    def get(self):
        return self


class Answer:
    def __init__(self, status, body):
        self.status_code = status
        self.content = body if isinstance(body, bytes) else json.dumps(body).encode()


def ok(**fields):
    fields.setdefault("RequestId", "req-ok")
    return Answer(200, {"Response": fields})


def api_error(code, message="failed", request_id="req-err"):
    return Answer(200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}})


class Session:
    """Answers each post with the next scripted answer (or raises it) and records what was sent."""

    def __init__(self, *script):
        self.script = list(script)
        self.sent = []

    def post(self, url, data, headers, timeout, verify, allow_redirects):
        self.sent.append({"url": url, "data": data, "headers": dict(headers), "timeout": timeout, "verify": verify})
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


class Limiter:
    instances = []

    def __init__(self, rate, key):
        self.rate = rate
        self.key = key
        self.acquired = self.throttles = self.successes = 0
        Limiter.instances.append(self)

    def acquire(self):
        self.acquired += 1
        return 0.0

    def throttled(self):
        self.throttles += 1

    def succeeded(self):
        self.successes += 1


@pytest.fixture(autouse=True)
def fresh_limiters():
    Limiter.instances = []


def make_client(session, clock=lambda: NOW, retries=5, token=None, endpoint="ccc.tencentcloudapi.com", **kwargs):
    sleeps = []
    client = client_mod.Client(Creds(token), parse_endpoint(endpoint), retries=retries, session=session, clock=clock,
                               sleep=sleeps.append, rand=lambda: 0.5, limiter_factory=Limiter, **kwargs)
    return client, sleeps


def test_sends_exactly_the_signed_bytes():
    session = Session(ok(Total=0, ExtensionList=[]))
    client, sleeps = make_client(session, token=TOKEN, region="ap-guangzhou")
    response = client.call("DescribeExtensions", {"SdkAppId": 1400000000, "FuzzingKeyWord": "分机"})
    assert response["Total"] == 0
    sent = session.sent[0]
    assert sent["url"] == "https://ccc.tencentcloudapi.com/"
    headers = sent["headers"]
    expected = signer.sign(SECRET_ID, SECRET_KEY, "ccc.tencentcloudapi.com", "ccc", "DescribeExtensions", "2020-02-10", sent["data"], NOW,
                           token=TOKEN, region="ap-guangzhou", language="en-US", request_client=client_mod.REQUEST_CLIENT)
    for name, value in expected.items():
        assert headers[name] == value
    assert json.loads(sent["data"].decode("utf-8")) == {"SdkAppId": 1400000000, "FuzzingKeyWord": "分机"}
    assert headers["User-Agent"].startswith("ansible-collection-tencentcloud-tccc/")
    assert sent["verify"] is True
    assert sleeps == []


def test_host_header_keeps_port_never_scheme():
    session = Session(ok())
    client, _sleeps = make_client(session, endpoint="http://127.0.0.1:8080")
    client.call("DescribeExtension", {})
    assert session.sent[0]["url"] == "http://127.0.0.1:8080/"
    assert session.sent[0]["headers"]["Host"] == "127.0.0.1:8080"


def test_error_in_json_is_found_whatever_the_status():
    session = Session(api_error("InvalidParameterValue.InstanceNotExist", "instance not found", "req-42"))
    client, sleeps = make_client(session)
    with pytest.raises(ApiError) as info:
        client.call("DescribeExtensions", {"SdkAppId": 1})
    err = info.value
    assert (err.code, err.message, err.request_id, err.action) == ("InvalidParameterValue.InstanceNotExist", "instance not found", "req-42",
                                                                   "DescribeExtensions")
    text = str(err)
    assert text.startswith("DescribeExtensions failed: InvalidParameterValue.InstanceNotExist: instance not found (request id req-42)")
    assert "sdk_app_id" in text
    assert len(session.sent) == 1 and sleeps == []


@pytest.mark.parametrize("code", ["RequestLimitExceeded", "RequestLimitExceeded.UinLimitExceeded", "ServiceUnavailable", "InternalError"])
def test_retryable_api_errors_are_retried_then_succeed(code):
    session = Session(api_error(code), api_error(code), ok(Password="x"))
    client, sleeps = make_client(session)
    assert client.call("DescribeExtension", {})["Password"] == "x"
    assert len(session.sent) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize("code", [
    "LimitExceeded", "LimitExceeded.Quota", "AuthFailure.SignatureFailure", "AuthFailure.SecretIdNotFound", "AuthFailure.TokenFailure",
    "UnauthorizedOperation", "InvalidParameter", "InvalidParameterValue.InstanceNotExist", "MissingParameter", "UnknownParameter",
    "ResourceNotFound", "FailedOperation", "InternalError.DBError",
])
def test_fatal_api_errors_are_not_retried(code):
    session = Session(api_error(code))
    client, sleeps = make_client(session)
    with pytest.raises(ApiError):
        client.call("DescribeExtension", {})
    assert len(session.sent) == 1 and sleeps == []


def test_writes_are_only_retried_when_throttled():
    session = Session(api_error("InternalError"))
    client, _sleeps = make_client(session)
    with pytest.raises(ApiError):
        client.call("CreateExtension", {}, read_only=False)
    session = Session(api_error("RequestLimitExceeded"), ok())
    client, _sleeps = make_client(session)
    client.call("CreateExtension", {}, read_only=False)
    assert len(session.sent) == 2


def test_retries_stop_after_the_last_attempt_without_sleeping():
    session = Session(*[api_error("ServiceUnavailable", request_id="req-%d" % i) for i in range(4)])
    client, sleeps = make_client(session, retries=3)
    with pytest.raises(ApiError) as info:
        client.call("DescribeExtension", {})
    assert info.value.request_id == "req-3"
    assert len(session.sent) == 4
    # one sleep between each pair of attempts, none after the last; full jitter at rand=0.5
    assert sleeps == [0.25, 0.5, 1.0]


def test_retries_zero_tries_once():
    session = Session(api_error("ServiceUnavailable"))
    client, sleeps = make_client(session, retries=0)
    with pytest.raises(ApiError):
        client.call("DescribeExtension", {})
    assert len(session.sent) == 1 and sleeps == []


def test_throttling_slows_the_pacer_and_waits_at_least_an_interval():
    session = Session(api_error("RequestLimitExceeded"), ok())
    client, sleeps = make_client(session, rate_limit=4.0)
    client.rand = lambda: 0.0
    client.call("DescribeExtension", {})
    limiter = Limiter.instances[0]
    assert limiter.throttles == 1 and limiter.successes == 1 and limiter.acquired == 2
    assert sleeps == [0.25]


def test_one_pacer_per_action_and_account():
    session = Session(ok(), ok(), ok())
    client, _sleeps = make_client(session)
    client.call("DescribeExtensions", {})
    client.call("DescribeExtension", {})
    client.call("DescribeExtension", {})
    assert [limiter.key for limiter in Limiter.instances] == [
        SECRET_ID + "|ccc.tencentcloudapi.com|ccc|DescribeExtensions", SECRET_ID + "|ccc.tencentcloudapi.com|ccc|DescribeExtension"]
    assert all(limiter.rate == 20.0 for limiter in Limiter.instances)


@pytest.mark.parametrize("failure, code", [
    (requests.exceptions.ConnectTimeout("connect timed out"), errors.TIMEOUT),
    (requests.exceptions.ReadTimeout("read timed out"), errors.TIMEOUT),
    (requests.exceptions.ConnectionError("Max retries (Caused by NewConnectionError('<obj at 0x1>: [Errno 111] Connection refused'))"),
     errors.CONNECTION_ERROR),
    (requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead(10 bytes read)"), errors.CONNECTION_ERROR),
    (Answer(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>"), errors.HTTP_ERROR),
    (Answer(200, b'{"Response": {"RequestId": "x", "Total'), errors.BAD_RESPONSE),
    (Answer(200, b'["not", "an", "answer"]'), errors.BAD_RESPONSE),
])
def test_transport_failures_are_retried_and_reported(failure, code):
    session = Session(failure, failure)
    client, sleeps = make_client(session, retries=1)
    with pytest.raises(TransportError) as info:
        client.call("DescribeExtension", {})
    assert info.value.code == code
    assert len(session.sent) == 2 and len(sleeps) == 1
    assert "0x1" not in str(info.value)


def test_transport_failure_messages_are_short_and_useful():
    session = Session(requests.exceptions.ConnectionError("(Caused by NewConnectionError('<obj at 0x1>: [Errno 111] Connection refused'))"))
    client, _sleeps = make_client(session, retries=0)
    with pytest.raises(TransportError) as info:
        client.call("DescribeExtension", {})
    assert str(info.value) == "DescribeExtension failed: ConnectionError: connection to ccc.tencentcloudapi.com failed: [Errno 111] Connection refused"
    session = Session(Answer(502, b"<html>\n<body>  <h1>502 Bad Gateway</h1>" + b"x" * 400 + b"</body></html>"))
    client, _sleeps = make_client(session, retries=0)
    with pytest.raises(TransportError) as info:
        client.call("DescribeExtension", {})
    message = info.value.message
    assert message.startswith("HTTP 502 with a body that is not a JSON API answer: <html> <body> <h1>502 Bad Gateway</h1>")
    assert message.endswith("...") and len(message) < 260


def test_tls_failure_is_not_retried_and_points_at_validate_certs():
    session = Session(requests.exceptions.SSLError("certificate verify failed"))
    client, sleeps = make_client(session)
    with pytest.raises(TransportError) as info:
        client.call("DescribeExtension", {})
    assert info.value.code == "TLSError" and "validate_certs" in str(info.value)
    assert len(session.sent) == 1 and sleeps == []


def test_validate_certs_false_reaches_requests():
    session = Session(ok())
    client, _sleeps = make_client(session, validate_certs=False, timeout=3.5)
    client.call("DescribeExtension", {})
    assert session.sent[0]["verify"] is False and session.sent[0]["timeout"] == 3.5


def test_clock_skew_is_corrected_once_from_the_server_time():
    server_time = NOW + 3600
    session = Session(api_error("AuthFailure.SignatureExpire", "Signature expired. Timestamp:%d, the server time %d." % (NOW, server_time)),
                      ok(), ok())
    client, sleeps = make_client(session)
    client.call("DescribeExtension", {})
    assert [s["headers"]["X-TC-Timestamp"] for s in session.sent] == [str(NOW), str(server_time)]
    # the correction sticks for later requests of the same run
    client.call("DescribeExtension", {})
    assert session.sent[2]["headers"]["X-TC-Timestamp"] == str(server_time)
    assert sleeps == []


def test_clock_skew_that_persists_says_check_ntp():
    expired = api_error("AuthFailure.SignatureExpire", "Signature expired. Timestamp:1, the server time %d." % (NOW + 900))
    session = Session(expired, expired)
    client, _sleeps = make_client(session)
    with pytest.raises(ApiError) as info:
        client.call("DescribeExtension", {})
    assert len(session.sent) == 2
    assert "check the clock / NTP" in str(info.value)


def test_clock_skew_without_a_server_time_is_not_retried():
    session = Session(api_error("AuthFailure.SignatureExpire", "Signature expired."))
    client, _sleeps = make_client(session)
    with pytest.raises(ApiError):
        client.call("DescribeExtension", {})
    assert len(session.sent) == 1


@pytest.mark.parametrize("message, expected", [
    ("Signature expired. Timestamp:1551113065, the server time 1706406788.", 1706406788),
    ("签名过期。the server time 1706406788", 1706406788),
    ("Signature expired.", None),
    ("", None),
    (None, None),
])
def test_server_time_from(message, expected):
    assert client_mod.server_time_from(message) == expected


def test_no_secret_in_any_error_text():
    failures = [api_error("AuthFailure.SignatureFailure"), requests.exceptions.ConnectionError("refused"),
                Answer(500, b"oops"), requests.exceptions.ReadTimeout("slow"), requests.exceptions.SSLError("bad")]
    for failure in failures:
        client, _sleeps = make_client(Session(failure), retries=0, token=TOKEN)
        with pytest.raises(errors.TcccError) as info:
            client.call("DescribeExtension", {})
        for text in (str(info.value), repr(info.value), info.value.message, json.dumps(info.value.to_result())):
            assert SECRET_KEY not in text and TOKEN not in text


def test_error_result_fields():
    err = ApiError("InvalidParameter", "bad", "req-1", "DescribeExtension")
    assert err.to_result() == {"error": {"code": "InvalidParameter", "message": "bad"}, "request_id": "req-1"}


def test_pacing_problems_are_reported_once_each():
    session = Session(ok(), ok())
    client, _sleeps = make_client(session)
    client.call("DescribeExtensions", {})
    client.call("DescribeExtension", {})
    assert client.pacing_problems() == []
    for limiter in Limiter.instances:
        limiter.fallback_reason = "state directory not writable: pacing within this process only"
    assert client.pacing_problems() == ["state directory not writable: pacing within this process only"]
