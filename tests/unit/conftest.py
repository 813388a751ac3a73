# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the unit tests share: the pinned-session fixture, the one local HTTP server, and the constants.

``tccc``: an isolated module run whose every HTTP call is pinned (tests/unit/helpers/pinned_calls.py).
``local_server``: a real HTTP server on the loopback, for what only a socket can show (a metadata GET
that must ignore proxies, an endpoint that does not speak HTTPS, answers too large or malformed).
``pytest_collection_finish``: what ansible-core imports on first use, imported once before the tests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import http.server
import socket
import threading

import pytest

from ansible.module_utils.common.json import Direction, get_module_decoder, get_module_encoder


def pytest_collection_finish(session):
    """ansible-test runs each test in a fork of the process that collected it (its ansible_forked
    plugin), so what ansible-core imports only on first use, every test that uses it imports anew: the
    first AnsibleError turned into text costs a test about 80 modules and 0.2 s of CPU, a module's
    arguments and result their JSON profiles. Imported here, once, every fork inherits them."""
    for direction in Direction:
        get_module_encoder("legacy", direction)
        get_module_decoder("legacy", direction)
    try:
        from ansible.errors import AnsibleError  # pylint: disable=import-outside-toplevel
    except ImportError:  # the module and module_utils tests see only ansible.module_utils
        return
    str(AnsibleError("imported"))


# The SdkAppId of every test instance, and the clock of the tests that fix it (2024-01-28).
APP = 1400000000
NOW = 1706400000


@pytest.fixture
def tccc(monkeypatch, tmp_path):
    """Isolate the run; each test states the calls it expects with ``tccc.expect(...)``, and any other
    call, or one that never comes, fails it."""
    # Imported here: the helpers import this file's constants.
    from ansible_collections.tencentcloud.tccc.tests.unit.helpers.module_runs import isolate  # pylint: disable=import-outside-toplevel
    session = isolate(monkeypatch, tmp_path)
    yield session
    session.assert_is_done()


class LocalServer:
    """A threading HTTP server on ``host`` (127.0.0.1 or ::1) and a free port: every GET and POST goes
    to ``handle(request)``, a BaseHTTPRequestHandler that reads the body and answers (reply()).
    ``endpoint`` is its http:// URL, ``host`` its host:port."""

    def __init__(self, handle, host="127.0.0.1", protocol_version="HTTP/1.0"):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # pylint: disable=invalid-name
                handle(self)

            def do_POST(self):  # pylint: disable=invalid-name
                handle(self)

            def log_message(self, *args):
                pass

        Handler.protocol_version = protocol_version

        class Server(http.server.ThreadingHTTPServer):
            address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
            daemon_threads = True

        self.httpd = Server((host, 0), Handler)
        port = self.httpd.server_address[1]
        self.host = "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)
        self.endpoint = "http://" + self.host
        # serve_forever notices shutdown() only between polls: its default 0.5 s poll made each test
        # using this server wait that long in its teardown.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.closed = False

    def close(self):
        if not self.closed:
            self.closed = True
            self.httpd.shutdown()
            self.httpd.server_close()


def reply(request, status, body, content_type="application/json", headers=(), close=False):
    """Answer ``request`` with ``body`` (bytes); ``headers`` may replace Content-Length. A client that
    hangs up on the answer (one too large) is not an error of the server."""
    headers = dict(headers)
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", headers.pop("Content-Length", str(len(body))))
    for name, value in headers.items():
        request.send_header(name, value)
    if close:
        request.send_header("Connection", "close")
        request.close_connection = True
    request.end_headers()
    try:
        request.wfile.write(body)
    except OSError:
        pass


@pytest.fixture
def local_server():
    """``local_server(handle, host="127.0.0.1", protocol_version="HTTP/1.0") -> LocalServer``; every
    server started is closed after the test."""
    servers = []

    def start(handle, host="127.0.0.1", protocol_version="HTTP/1.0"):
        servers.append(LocalServer(handle, host, protocol_version))
        return servers[-1]

    yield start
    for server in servers:
        server.close()
