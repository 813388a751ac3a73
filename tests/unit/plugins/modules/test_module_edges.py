# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Option values at the edges (NaN, infinity, absurd sizes, a boolean id, ids YAML made numbers),
an endpoint that does not speak HTTPS, and answers too large to hold, through the module and a
real local server."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import threading

import pytest

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _transport as client_mod
from ansible_collections.tencentcloud.tccc.plugins.module_utils._credential_sources import CredentialSource, Credentials
from ansible_collections.tencentcloud.tccc.plugins.module_utils._base import run_module
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import TransportError
from ansible_collections.tencentcloud.tccc.plugins.module_utils._reconcile import WriteModule
from ansible_collections.tencentcloud.tccc.plugins.module_utils._transport import parse_endpoint
from ansible_collections.tencentcloud.tccc.tests.unit.conftest import reply
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.module_runs import run_main
from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import Unpaced
from ansible_collections.tencentcloud.tccc.tests.unit.plugins.modules.test_tccc_extension_info import keys, listing, run

NAN = float("nan")
INF = float("inf")


def warning_texts(result):
    """The warnings of a result: strings, or (ansible-core 2.19+) summaries holding the text."""
    return [item["event"]["msg"] if isinstance(item, dict) else item for item in result.get("warnings", [])]


@pytest.mark.parametrize("option, value, expected", [
    ("timeout", NAN, "timeout must be a number of seconds above 0 and at most 600, got nan"),
    ("timeout", INF, "got inf"),
    ("timeout", 1e12, "at most 600"),
    ("rate_limit", NAN, "rate_limit must be from 0.01 to 1000 requests per second"),
    ("rate_limit", INF, "got inf"),
    ("rate_limit", -INF, "got -inf"),
    ("rate_limit", 1e-12, "from 0.01 to 1000"),
    ("rate_limit", 1e9, "from 0.01 to 1000"),
    ("sdk_app_id", True, "sdk_app_id must be the SdkAppId number of a TCCC instance, not true"),
    ("sdk_app_id", False, "not false"),
])
def test_absurd_option_values_fail_naming_the_option_before_sending(tccc, capsys, option, value, expected):
    args = keys()
    args[option] = value
    result = run(args, capsys)
    assert result["failed"] is True and result["option"] == option and expected in result["msg"]
    assert tccc.received == []


def test_ids_that_yaml_made_numbers_are_read_as_text_with_a_warning(tccc, capsys):
    # extension_ids: [01002, 1003] unquoted: YAML gives the octal 514 and the number 1003.
    tccc.expect(listing(["1003"], ExtensionIds=["514", "1003", "1004"]))
    result = run(keys(extension_ids=[514, 1003, "1004"], include_registration=False), capsys)
    assert [ext["extension_id"] for ext in result["extensions"]] == ["1003"]
    assert result["missing_extension_ids"] == ["514", "1004"]
    (warning,) = [text for text in warning_texts(result) if "extension_ids" in text]
    assert warning.startswith("extension_ids: 514, 1003 arrived as numbers, not as text: quote ids in YAML")
    assert "octal number 514" in warning


def test_quoted_ids_bring_no_warning(tccc, capsys):
    tccc.expect(listing(["1003"], ExtensionIds=["1003"]))
    result = run(keys(extension_id=["1003"], include_registration=False), capsys)
    assert not [text for text in warning_texts(result) if "arrived as" in text]


def _client(endpoint):
    credentials = CredentialSource(Credentials("AKIDedges0000000000000000000000000", "edges-secret-key-000000000000"))
    return client_mod.Client(credentials, parse_endpoint(endpoint), retries=0, timeout=5, rate_limit=0,
                             limiter_factory=Unpaced)


def _ok(handler):
    handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
    reply(handler, 200, b'{"Response": {"RequestId": "r"}}')


def _ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.parametrize("family, host", [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")])
def test_an_endpoint_without_scheme_that_speaks_plain_http_is_named_as_such(local_server, family, host):
    if family == socket.AF_INET6 and not _ipv6_loopback():
        pytest.skip("no IPv6 loopback here")
    server = local_server(_ok, host)
    with pytest.raises(TransportError) as caught:
        _client(server.host).call("DescribeExtension", {})
    assert caught.value.code == "TLSError"
    assert "does not speak HTTPS" in str(caught.value) and "write http://%s" % server.host in str(caught.value)
    assert "certificate chain" not in str(caught.value)
    assert _client("http://" + server.host).call("DescribeExtension", {}) == {"RequestId": "r"}


def _streaming(total, announce=None):
    """A handler that answers 200 with ``total`` bytes of a JSON-looking body, counting what it could
    send; ``done`` is set once the count is in ``sent``."""
    sent = []
    done = threading.Event()

    def handle(handler):
        handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if announce is not None:
            handler.send_header("Content-Length", str(announce))
        handler.send_header("Connection", "close")
        handler.end_headers()
        chunk = b" " * 65536
        count = 0
        try:
            handler.wfile.write(b'{"Response": {"Pad": "')
            while count < total:
                handler.wfile.write(chunk)
                count += len(chunk)
        except OSError:
            pass
        sent.append(count)
        done.set()
    return handle, sent, done


@pytest.mark.parametrize("announce", [None, 400 * 1024 * 1024])
def test_an_answer_larger_than_the_cap_is_refused_while_it_streams_in(local_server, announce):
    # 400 MB: before, the whole body was read into memory (1.26 GB of it for a 400 MB answer).
    handle, sent, done = _streaming(400 * 1024 * 1024, announce)
    server = local_server(handle)
    try:
        with pytest.raises(TransportError) as caught:
            _client("http://" + server.host).call("DescribeExtension", {})
    finally:
        server.close()
    assert caught.value.code == "BadResponse"
    assert str(caught.value).endswith("the answer is larger than 8 MB and was refused while it arrived")
    # the handler's own thread notices the hang-up at its next write, in its own time
    done.wait(60)
    # What the server could push before the client hung up: the cap plus socket buffers, not 400 MB.
    assert sent and sent[0] < 64 * 1024 * 1024


class _Streamed:
    """What requests gives for a streamed answer: headers, chunks, close()."""

    def __init__(self, headers, chunks):
        self.headers = headers
        self.chunks = chunks
        self.closed = False
        self.read = 0

    def iter_content(self, size):
        for chunk in self.chunks:
            self.read += len(chunk)
            yield chunk

    def close(self):
        self.closed = True


@pytest.mark.parametrize("length", ["²", "12abc", "-5", " 40 "])
def test_an_odd_content_length_is_no_crash(length):
    answer = _Streamed({"Content-Length": length}, [b'{"Response": {}}'])
    assert client_mod.read_body(answer, "DescribeExtension") == b'{"Response": {}}' and answer.closed


def test_an_endless_stream_is_cut_at_the_cap():
    def endless():
        while True:
            yield b" " * 65536

    answer = _Streamed({}, endless())
    with pytest.raises(TransportError):
        client_mod.read_body(answer, "DescribeExtension")
    assert answer.closed and answer.read <= client_mod.MAX_ANSWER_BYTES + 65536


def test_run_gets_what_check_params_returned(tccc, capsys):  # pylint: disable=unused-argument
    """run_module() hands check_params' return value to run, so that nothing is kept on an object between them."""
    seen = []

    def main():
        run_module(dict(limit=dict(type="int")), lambda module, client, checked: seen.append(checked) or {"changed": False},
                   check_params=lambda params: ("checked", params["limit"]))

    result = run_main(main, keys(limit=7), capsys)
    assert seen == [("checked", 7)] and result["changed"] is False


def test_a_write_module_keeps_no_items_between_check_and_run():
    writes = WriteModule("extensions")
    items = writes.check_params(dict(extensions=[dict(extension_id="1001", extension_name=None, relation=None,
                                                      skill_group_ids=None, state="present")]))
    assert [item.extension_id for item in items] == ["1001"] and vars(writes) == {"list_option": "extensions"}


def _trickling(stop, headers_first):
    """A handler that sends its answer one byte every 0.5 s (after whole headers, with ``headers_first``)
    until ``stop`` is set: a minute's worth, each byte well within any socket timeout."""
    body = b'{"Response": {"RequestId": "r", "Pad": "' + b" " * 120 + b'"}}'

    def handle(handler):
        handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
        slow = body
        if headers_first:
            handler.wfile.write(head)
            handler.wfile.flush()
        else:
            slow = head + body
        try:
            for index in range(len(slow)):
                if stop.wait(0.5):
                    return
                handler.wfile.write(slow[index:index + 1])
                handler.wfile.flush()
        except OSError:
            pass
        handler.close_connection = True
    return handle


@pytest.mark.parametrize("headers_first", [False, True], ids=["headers trickle", "body trickles"])
def test_timeout_bounds_the_whole_answer_not_each_socket_wait(local_server, headers_first):
    # Before, timeout bounded each socket wait: a byte every 0.5 s held a request for minutes.
    stop = threading.Event()
    server = local_server(_trickling(stop, headers_first))
    outcome = {}

    def call():
        client = client_mod.Client(CredentialSource(Credentials("AKIDedges0000000000000000000000000", "edges-secret-key-000000000000")),
                                   parse_endpoint("http://" + server.host), retries=0, timeout=1.5, rate_limit=0, limiter_factory=Unpaced)
        try:
            client.call("DescribeExtension", {})
        except TransportError as err:
            outcome["error"] = err

    caller = threading.Thread(target=call, daemon=True)
    try:
        caller.start()
        # Only against a hang: the trickle lasts a minute, the timeout is 1.5 s.
        caller.join(20)
        assert not caller.is_alive(), "the request was still waiting 20 s into a trickle, with timeout 1.5"
    finally:
        stop.set()
        server.close()
    err = outcome["error"]
    assert err.code == "Timeout" and str(err) == "DescribeExtension failed: Timeout: no answer from %s within 1.5 seconds (timeout)" % server.host
