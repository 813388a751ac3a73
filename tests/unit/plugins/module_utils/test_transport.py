# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""The transport (_transport.py): the client against injected faults (every HTTP call is pinned;
clock, sleep and jitter are fakes), endpoint parsing and the backoff bounds."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import requests

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _errors as errors
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _signer as signer
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _transport as client_mod
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ApiError, ConfigError, TransportError
from ansible_collections.tencentcloud.tccc.plugins.module_utils._transport import RetryPolicy, parse_endpoint
from ansible_collections.tencentcloud.tccc.tests.unit.conftest import NOW
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import PinnedSession, TcccCall

SECRET_ID = "AKIDunit00000000000000000000000000"
SECRET_KEY = "unit-secret-key-0123456789abcdefXY"
TOKEN = "unit-session-token-abcdefghijklmnop"


class Creds:
    def __init__(self, token=None):
        self.secret_id = SECRET_ID
        self.secret_key = SECRET_KEY
        self.token = token

    def get(self):
        return self


def call(action="DescribeExtension", params=None):
    return TcccCall(action, {} if params is None else params)


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
    params = {"SdkAppId": 1400000000, "FuzzingKeyWord": "分机"}
    session = PinnedSession(call("DescribeExtensions", params).result(Total=0, ExtensionList=[]))
    client, sleeps = make_client(session, token=TOKEN, region="ap-guangzhou")
    response = client.call("DescribeExtensions", params)
    assert response["Total"] == 0
    session.assert_is_done()
    sent = session.received[0]
    assert sent.url == "https://ccc.tencentcloudapi.com/"
    headers = sent.headers
    expected = signer.sign(SECRET_ID, SECRET_KEY, "ccc.tencentcloudapi.com", "ccc", "DescribeExtensions", "2020-02-10", sent.data, NOW,
                           token=TOKEN, region="ap-guangzhou", language="en-US", request_client=client_mod.REQUEST_CLIENT)
    for name, value in expected.items():
        assert headers[name] == value
    assert json.loads(sent.data.decode("utf-8")) == {"SdkAppId": 1400000000, "FuzzingKeyWord": "分机"}
    assert headers["User-Agent"].startswith("ansible-collection-tencentcloud-tccc/")
    assert sent.verify is True
    assert sleeps == []


def test_host_header_keeps_port_never_scheme():
    session = PinnedSession(call().expect_header("Host", "127.0.0.1:8080").result())
    client, _sleeps = make_client(session, endpoint="http://127.0.0.1:8080")
    client.call("DescribeExtension", {})
    session.assert_is_done()
    assert session.received[0].url == "http://127.0.0.1:8080/"
    assert session.received[0].headers["Host"] == "127.0.0.1:8080"


def test_error_in_json_is_found_whatever_the_status():
    session = PinnedSession(call("DescribeExtensions", {"SdkAppId": 1}).error(
        "InvalidParameterValue.InstanceNotExist", "instance not found", "req-42"))
    client, sleeps = make_client(session)
    with pytest.raises(ApiError) as info:
        client.call("DescribeExtensions", {"SdkAppId": 1})
    err = info.value
    assert (err.code, err.message, err.request_id, err.action) == ("InvalidParameterValue.InstanceNotExist", "instance not found", "req-42",
                                                                   "DescribeExtensions")
    text = str(err)
    assert text.startswith("DescribeExtensions failed: InvalidParameterValue.InstanceNotExist: instance not found (request id req-42)")
    assert "sdk_app_id" in text
    assert err.ambiguous is False
    session.assert_is_done()
    assert sleeps == []


@pytest.mark.parametrize("code", ["RequestLimitExceeded", "RequestLimitExceeded.UinLimitExceeded", "ServiceUnavailable", "InternalError"])
def test_retryable_api_errors_are_retried_then_succeed(code):
    session = PinnedSession(call().error(code), call().error(code), call().result(Password="x"))
    client, sleeps = make_client(session)
    assert client.call("DescribeExtension", {})["Password"] == "x"
    session.assert_is_done()
    assert len(sleeps) == 2


@pytest.mark.parametrize("code", [
    "LimitExceeded", "LimitExceeded.Quota", "AuthFailure.SignatureFailure", "AuthFailure.SecretIdNotFound", "AuthFailure.TokenFailure",
    "UnauthorizedOperation", "InvalidParameter", "InvalidParameterValue.InstanceNotExist", "MissingParameter", "UnknownParameter",
    "ResourceNotFound", "FailedOperation", "InternalError.DBError",
])
def test_fatal_api_errors_are_not_retried(code):
    session = PinnedSession(call().error(code))
    client, sleeps = make_client(session)
    with pytest.raises(ApiError):
        client.call("DescribeExtension", {})
    session.assert_is_done()
    assert sleeps == []


WRITE = {"SdkAppId": 1400000000, "ExtensionId": "1001", "ExtensionName": "Front desk"}


def test_write_is_retried_when_throttled_and_succeeds():
    session = PinnedSession(call("CreateExtension", WRITE).error("RequestLimitExceeded"),
                            call("CreateExtension", WRITE).error("RequestLimitExceeded.UinLimitExceeded"),
                            call("CreateExtension", WRITE).result())
    client, sleeps = make_client(session)
    client.call("CreateExtension", WRITE)
    session.assert_is_done()
    assert len(sleeps) == 2


@pytest.mark.parametrize("code, ambiguous", [
    # A server error may come after the write was carried out: the caller must read, not resend.
    ("InternalError", True), ("ServiceUnavailable", True), ("ResourceUnavailable", True),
    ("InternalError.DBError", False), ("FailedOperation", False),
])
def test_write_failed_with_an_api_error_is_not_retried(code, ambiguous):
    session = PinnedSession(call("CreateExtension", WRITE).error(code))
    client, sleeps = make_client(session)
    with pytest.raises(ApiError) as info:
        client.call("CreateExtension", WRITE)
    assert info.value.ambiguous is ambiguous
    session.assert_is_done()
    assert sleeps == []


@pytest.mark.parametrize("fault, code", [
    (lambda c: c.drop(), errors.CONNECTION_ERROR),
    (lambda c: c.timeout(), errors.TIMEOUT),
    (lambda c: c.truncated(), errors.CONNECTION_ERROR),
    (lambda c: c.http(200, b'{"Response": {"RequestId": "x", "Extens'), errors.BAD_RESPONSE),
    (lambda c: c.http(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>"), errors.HTTP_ERROR),
    (lambda c: c.http(503, {"Response": {"RequestId": "r"}}), errors.HTTP_ERROR),
])
def test_write_after_an_ambiguous_failure_is_sent_exactly_once(fault, code):
    # a Create after a dropped connection may have been carried out: the caller must read, not resend
    session = PinnedSession(fault(call("CreateExtension", WRITE)))
    client, sleeps = make_client(session)
    with pytest.raises(TransportError) as info:
        client.call("CreateExtension", WRITE)
    assert info.value.code == code and info.value.ambiguous is True
    session.assert_is_done()
    assert sleeps == []


def test_write_after_throttling_then_a_drop_is_ambiguous_and_not_resent():
    session = PinnedSession(call("ModifyExtension", WRITE).error("RequestLimitExceeded"), call("ModifyExtension", WRITE).drop())
    client, sleeps = make_client(session)
    with pytest.raises(TransportError) as info:
        client.call("ModifyExtension", WRITE)
    assert info.value.ambiguous is True
    session.assert_is_done()
    assert len(sleeps) == 1


def test_tls_failure_of_a_write_is_not_ambiguous():
    # the handshake fails before the request is sent
    session = PinnedSession(call("DeleteExtension", WRITE).raises(requests.exceptions.SSLError("certificate verify failed")))
    client, _sleeps = make_client(session)
    with pytest.raises(TransportError) as info:
        client.call("DeleteExtension", WRITE)
    assert info.value.code == "TLSError" and info.value.ambiguous is False
    session.assert_is_done()


def test_write_is_resigned_once_after_clock_skew():
    server_time = NOW + 3600
    session = PinnedSession(
        call("CreateExtension", WRITE).error("AuthFailure.SignatureExpire", "Signature expired. Timestamp:%d, the server time %d." % (NOW, server_time)),
        call("CreateExtension", WRITE).expect_header("X-TC-Timestamp", str(server_time)).result())
    client, sleeps = make_client(session)
    client.call("CreateExtension", WRITE)
    session.assert_is_done()
    assert sleeps == []


def test_read_failures_are_never_ambiguous():
    session = PinnedSession(call().drop(), call().timeout())
    client, _sleeps = make_client(session, retries=1)
    with pytest.raises(TransportError) as info:
        client.call("DescribeExtension", {})
    assert info.value.ambiguous is False
    session.assert_is_done()


def test_assume_role_is_a_read_and_is_retried():
    params = {"RoleArn": "qcs::cam::uin/1:roleName/r", "RoleSessionName": "s", "DurationSeconds": 7200}
    session = PinnedSession(call("AssumeRole", params).drop(), call("AssumeRole", params).result(ExpiredTime=1))
    client, sleeps = make_client(session, service="sts", version=client_mod.STS_VERSION, endpoint="sts.tencentcloudapi.com")
    assert client.call("AssumeRole", params)["ExpiredTime"] == 1
    session.assert_is_done()
    assert len(sleeps) == 1


def test_call_has_no_read_only_switch():
    client, _sleeps = make_client(PinnedSession())
    with pytest.raises(TypeError):
        client.call("CreateExtension", WRITE, read_only=True)  # pylint: disable=unexpected-keyword-arg


def test_retries_stop_after_the_last_attempt_without_sleeping():
    session = PinnedSession(*[call().error("ServiceUnavailable", request_id="req-%d" % i) for i in range(4)])
    client, sleeps = make_client(session, retries=3)
    with pytest.raises(ApiError) as info:
        client.call("DescribeExtension", {})
    assert info.value.request_id == "req-3"
    session.assert_is_done()
    # one sleep between each pair of attempts, none after the last; full jitter at rand=0.5
    assert sleeps == [0.25, 0.5, 1.0]


def test_retries_zero_tries_once():
    session = PinnedSession(call().error("ServiceUnavailable"))
    client, sleeps = make_client(session, retries=0)
    with pytest.raises(ApiError):
        client.call("DescribeExtension", {})
    session.assert_is_done()
    assert sleeps == []


def test_throttling_slows_the_pacer_and_waits_at_least_an_interval():
    session = PinnedSession(call().error("RequestLimitExceeded"), call().result())
    client, sleeps = make_client(session, rate_limit=4.0)
    client.rand = lambda: 0.0
    client.call("DescribeExtension", {})
    limiter = Limiter.instances[0]
    assert limiter.throttles == 1 and limiter.successes == 1 and limiter.acquired == 2
    assert sleeps == [0.25]


def test_one_pacer_per_action_and_account():
    session = PinnedSession(call("DescribeExtensions").result(), call().result(), call().result())
    client, _sleeps = make_client(session)
    client.call("DescribeExtensions", {})
    client.call("DescribeExtension", {})
    client.call("DescribeExtension", {})
    session.assert_is_done()
    assert [limiter.key for limiter in Limiter.instances] == [
        SECRET_ID + "|ccc.tencentcloudapi.com|ccc|DescribeExtensions", SECRET_ID + "|ccc.tencentcloudapi.com|ccc|DescribeExtension"]
    assert all(limiter.rate == 20.0 for limiter in Limiter.instances)


@pytest.mark.parametrize("fault, code", [
    (lambda c: c.raises(requests.exceptions.ConnectTimeout("connect timed out")), errors.TIMEOUT),
    (lambda c: c.raises(requests.exceptions.ReadTimeout("read timed out")), errors.TIMEOUT),
    (lambda c: c.raises(requests.exceptions.ConnectionError(
        "Max retries (Caused by NewConnectionError('<obj at 0x1>: [Errno 111] Connection refused'))")), errors.CONNECTION_ERROR),
    (lambda c: c.raises(requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead(10 bytes read)")),
     errors.CONNECTION_ERROR),
    (lambda c: c.http(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>"), errors.HTTP_ERROR),
    (lambda c: c.http(200, b'{"Response": {"RequestId": "x", "Total'), errors.BAD_RESPONSE),
    (lambda c: c.http(200, b'["not", "an", "answer"]'), errors.BAD_RESPONSE),
])
def test_transport_failures_are_retried_and_reported(fault, code):
    session = PinnedSession(fault(call()), fault(call()))
    client, sleeps = make_client(session, retries=1)
    with pytest.raises(TransportError) as info:
        client.call("DescribeExtension", {})
    assert info.value.code == code
    session.assert_is_done()
    assert len(sleeps) == 1
    assert "0x1" not in str(info.value)


def test_transport_failure_messages_are_short_and_useful():
    session = PinnedSession(call().raises(requests.exceptions.ConnectionError(
        "(Caused by NewConnectionError('<obj at 0x1>: [Errno 111] Connection refused'))")))
    client, _sleeps = make_client(session, retries=0)
    with pytest.raises(TransportError) as info:
        client.call("DescribeExtension", {})
    assert str(info.value) == "DescribeExtension failed: ConnectionError: connection to ccc.tencentcloudapi.com failed: [Errno 111] Connection refused"
    session = PinnedSession(call().http(502, b"<html>\n<body>  <h1>502 Bad Gateway</h1>" + b"x" * 400 + b"</body></html>"))
    client, _sleeps = make_client(session, retries=0)
    with pytest.raises(TransportError) as info:
        client.call("DescribeExtension", {})
    # Described, never quoted: a cut answer may hold a password or a token.
    assert info.value.message == "HTTP 502 with a body that is not a JSON API answer (no content type, 453 bytes)"


def test_tls_failure_is_not_retried_and_points_at_validate_certs():
    session = PinnedSession(call().raises(requests.exceptions.SSLError("certificate verify failed")))
    client, sleeps = make_client(session)
    with pytest.raises(TransportError) as info:
        client.call("DescribeExtension", {})
    assert info.value.code == "TLSError" and "validate_certs" in str(info.value)
    session.assert_is_done()
    assert sleeps == []


def test_validate_certs_false_reaches_requests():
    session = PinnedSession(call().result())
    client, _sleeps = make_client(session, validate_certs=False, timeout=3.5)
    client.call("DescribeExtension", {})
    session.assert_is_done()
    assert session.received[0].verify is False and session.received[0].timeout == 3.5


def test_clock_skew_is_corrected_once_from_the_server_time():
    server_time = NOW + 3600
    session = PinnedSession(call().error("AuthFailure.SignatureExpire", "Signature expired. Timestamp:%d, the server time %d." % (NOW, server_time)),
                            call().result(), call().result())
    client, sleeps = make_client(session)
    client.call("DescribeExtension", {})
    assert [r.headers["X-TC-Timestamp"] for r in session.received] == [str(NOW), str(server_time)]
    # the correction sticks for later requests of the same run
    client.call("DescribeExtension", {})
    assert session.received[2].headers["X-TC-Timestamp"] == str(server_time)
    session.assert_is_done()
    assert sleeps == []


def test_clock_skew_that_persists_says_check_ntp():
    message = "Signature expired. Timestamp:1, the server time %d." % (NOW + 900)
    session = PinnedSession(call().error("AuthFailure.SignatureExpire", message), call().error("AuthFailure.SignatureExpire", message))
    client, _sleeps = make_client(session)
    with pytest.raises(ApiError) as info:
        client.call("DescribeExtension", {})
    session.assert_is_done()
    assert "check the clock / NTP" in str(info.value)


def test_clock_skew_without_a_server_time_is_not_retried():
    session = PinnedSession(call().error("AuthFailure.SignatureExpire", "Signature expired."))
    client, _sleeps = make_client(session)
    with pytest.raises(ApiError):
        client.call("DescribeExtension", {})
    session.assert_is_done()


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
    faults = [lambda c: c.error("AuthFailure.SignatureFailure"), lambda c: c.raises(requests.exceptions.ConnectionError("refused")),
              lambda c: c.http(500, b"oops"), lambda c: c.raises(requests.exceptions.ReadTimeout("slow")),
              lambda c: c.raises(requests.exceptions.SSLError("bad"))]
    for fault in faults:
        client, _sleeps = make_client(PinnedSession(fault(call())), retries=0, token=TOKEN)
        with pytest.raises(errors.TcccError) as info:
            client.call("DescribeExtension", {})
        for text in (str(info.value), repr(info.value), info.value.message, json.dumps(info.value.to_result())):
            assert SECRET_KEY not in text and TOKEN not in text


def test_error_result_fields():
    err = ApiError("InvalidParameter", "bad", "req-1", "DescribeExtension")
    assert err.to_result() == {"error": {"code": "InvalidParameter", "message": "bad"}, "request_id": "req-1"}


def test_pacing_problems_are_reported_once_each():
    session = PinnedSession(call("DescribeExtensions").result(), call().result())
    client, _sleeps = make_client(session)
    client.call("DescribeExtensions", {})
    client.call("DescribeExtension", {})
    assert client.pacing_problems() == []
    for limiter in Limiter.instances:
        limiter.fallback_reason = "state directory not writable: pacing within this process only"
    assert client.pacing_problems() == ["state directory not writable: pacing within this process only"]


# ---------------------------------------------------------------- Endpoint parsing and the backoff bounds.

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


def test_backoff_is_capped_exponential_full_jitter():
    policy = RetryPolicy(retries=8)
    assert [policy.delay(n, 1.0) for n in range(8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert all(policy.delay(n, 0.0) == 0.0 for n in range(8))
    assert policy.delay(0, 0.0, floor=0.05) == 0.05
    assert [policy.should_retry(n) for n in range(10)] == [True] * 8 + [False] * 2
