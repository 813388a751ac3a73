# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pinned API calls for unit tests: every request a test expects, with its answer, and nothing else.

A PinnedSession stands in for the ``requests.Session`` of the collection's Client. A test lists the
calls it expects, each with the action, the exact parameters and the answer; the session fails the
test on a call that is missing, extra, out of order or sent with other parameters::

    from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import (
        PinnedSession, TcccCall, pinned_client, unordered,
    )

    session = PinnedSession(
        TcccCall("DescribeExtensions", {"SdkAppId": 1400000000, "PageNumber": 0, "PageSize": 100})
        .result(Total=1, ExtensionList=[{"ExtensionId": "1001"}]),
        unordered(  # concurrent work: any order, each exactly once
            TcccCall("DescribeExtension", {"SdkAppId": 1400000000, "ExtensionId": "1001"}).result(Password="pw"),
            TcccCall("DescribeExtension", {"SdkAppId": 1400000000, "ExtensionId": "1002"}).error("InternalError.DBError"),
        ),
        TcccCall("CreateExtension", {"SdkAppId": 1400000000, "ExtensionId": "1003"}).drop(),
    )
    client = pinned_client(session)           # or Client(..., session=session)
    ...                                       # exercise the code under test
    session.assert_is_done()                  # every expected call was made

TcccCall(action, params) pins one request; ``expect_header(name, value)`` pins a header too. Its answer
is exactly one of:

- ``result(**fields)``: HTTP 200 with ``{"Response": fields}`` (RequestId ``req-ok`` unless given);
- ``error(code, message, request_id)``: HTTP 200 with ``Response.Error``, as the API reports errors;
- ``http(status, body)``: any status with a raw body (bytes or str) or a JSON document (dict or list);
- ``drop()``, ``timeout()``, ``truncated()``: a connection dropped before the answer, a read timeout,
  a body cut short (the ``requests`` exceptions those raise); ``raises(exc)`` for any other one.

``delay(seconds)`` holds the answer back, to force an order among concurrent calls.

Groups: the session's arguments are expected in order. ``unordered(*items)`` accepts its items in any
order, interleaved with each other (an item may be ``in_order(*calls)``, a sequence of its own);
``unordered(..., optional=True)`` also lets calls be skipped (work that stops after a failure).

Module tests inject the session with ``session.install(monkeypatch)``: every Client the module builds
then sends through it. ``session.received`` lists what was sent (Request: action, params, headers,
url, data, timeout, verify); ``session.actions()`` the actions alone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
import time

import requests

from ansible_collections.tencentcloud.tccc.plugins.module_utils._credential_sources import CredentialSource, Credentials
from ansible_collections.tencentcloud.tccc.plugins.module_utils._transport import Client, parse_endpoint
from ansible_collections.tencentcloud.tccc.tests.unit.conftest import NOW

SECRET_ID = "AKIDpinned000000000000000000000000"
SECRET_KEY = "pinned-secret-key-0123456789abcdef"


class Request:
    """One request as the session received it."""

    def __init__(self, url, data, headers, timeout, verify):
        self.url = url
        self.data = data
        self.headers = dict(headers)
        self.timeout = timeout
        self.verify = verify
        self.action = self.headers.get("X-TC-Action")
        self.params = json.loads(data.decode("utf-8"))

    def __repr__(self):
        return "%s %s" % (self.action, json.dumps(self.params, sort_keys=True))


class _Answer:
    def __init__(self, status, body):
        self.status_code = status
        self.content = body


class TcccCall:
    """One expected request (action and parameters) and the answer to give it."""

    def __init__(self, action, params):
        self.action = action
        self.params = params
        self.headers = {}
        self.seconds = 0.0
        self._answer = None

    def __repr__(self):
        return "%s %s" % (self.action, json.dumps(self.params, sort_keys=True))

    def matches(self, request):
        return request.action == self.action and request.params == self.params

    def expect_header(self, name, value):
        self.headers[name] = value
        return self

    def delay(self, seconds):
        self.seconds = seconds
        return self

    def _set(self, answer):
        if self._answer is not None:
            raise AssertionError("%r has two answers" % self)
        self._answer = answer
        return self

    def result(self, **fields):
        fields.setdefault("RequestId", "req-ok")
        return self.http(200, {"Response": fields})

    def error(self, code, message="failed", request_id="req-err"):
        return self.http(200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}})

    def http(self, status, body):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode("utf-8")
        elif not isinstance(body, bytes):
            body = body.encode("utf-8")
        return self._set(_Answer(status, body))

    def raises(self, exc):
        return self._set(exc)

    def drop(self):
        return self.raises(requests.exceptions.ConnectionError(
            "('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))"))

    def timeout(self):
        return self.raises(requests.exceptions.ReadTimeout(
            "HTTPSConnectionPool(host='ccc.tencentcloudapi.com', port=443): Read timed out. (read timeout=15)"))

    def truncated(self):
        return self.raises(requests.exceptions.ChunkedEncodingError(
            "('Connection broken: IncompleteRead(10 bytes read, 90 more expected)', IncompleteRead(10 bytes read))"))

    def answer(self, request):
        """Check the headers, then return the answer or raise the transport fault."""
        for name, value in self.headers.items():
            if request.headers.get(name) != value:
                raise AssertionError("%r: header %s is not the expected value" % (self, name))
        if self._answer is None:
            raise AssertionError("%r has no answer: give it result(), error(), http() or a fault" % self)
        if self.seconds:
            time.sleep(self.seconds)
        if isinstance(self._answer, Exception):
            raise self._answer
        return self._answer


class _Sequence:
    """Items expected one after the other."""

    optional = False

    def __init__(self, items):
        self.items = [item if isinstance(item, (TcccCall, _Sequence, _Unordered)) else _invalid(item) for item in items]
        self.position = 0

    def take(self, request):
        while self.position < len(self.items):
            item = self.items[self.position]
            if isinstance(item, TcccCall):
                if item.matches(request):
                    self.position += 1
                    return item
                return None
            found = item.take(request)
            if found is not None:
                if item.done():
                    self.position += 1
                return found
            if not item.skippable():
                return None
            self.position += 1
        return None

    def done(self):
        return self.position >= len(self.items)

    def skippable(self):
        return all(not isinstance(item, TcccCall) and item.skippable() for item in self.items[self.position:])

    def pending(self):
        return _pending(self.items[self.position:])


class _Unordered:
    """Items expected in any order, interleaved; with ``optional`` each may also never come."""

    def __init__(self, items, optional):
        self.children = [_Sequence([item]) for item in items]
        self.optional = optional

    def take(self, request):
        for child in self.children:
            if not child.done():
                found = child.take(request)
                if found is not None:
                    return found
        return None

    def done(self):
        return all(child.done() for child in self.children)

    def skippable(self):
        return self.optional or self.done()

    def pending(self):
        return [] if self.optional else _pending(self.children)


def _invalid(item):
    raise TypeError("expected calls are TcccCall, in_order() or unordered(), not %r" % (item,))


def _pending(items):
    found = []
    for item in items:
        found.extend([item] if isinstance(item, TcccCall) else item.pending())
    return found


def in_order(*items):
    """Calls (or groups) expected one after the other, as an item of unordered()."""
    return _Sequence(items)


def unordered(*items, **kwargs):
    """Calls (or in_order() sequences) expected in any order; ``optional=True``: each may also never come."""
    optional = kwargs.pop("optional", False)
    if kwargs:
        raise TypeError("unordered() takes only optional=, not %s" % ", ".join(kwargs))
    return _Unordered(items, optional)


class PinnedSession:
    """A requests.Session stand-in that accepts exactly the expected calls; see the module docstring."""

    def __init__(self, *expected):
        self._expected = _Sequence(expected)
        self._lock = threading.Lock()
        self.received = []
        self.failures = []

    def expect(self, *expected):
        """Expect more calls after those already expected."""
        with self._lock:
            self._expected.items.extend(_Sequence(expected).items)
        return self

    def post(self, url, data, headers, timeout, verify, allow_redirects):
        request = Request(url, data, headers, timeout, verify)
        with self._lock:
            self.received.append(request)
            call = self._expected.take(request)
            if call is None:
                pending = self._expected.pending()
                failure = "call %d was not expected: %r; expected %s" % (
                    len(self.received), request, ("one of %r" % pending[:5]) if pending else "no more calls")
                self.failures.append(failure)
                raise AssertionError(failure)
        return call.answer(request)

    def actions(self):
        return [request.action for request in self.received]

    def assert_is_done(self):
        """Fail on a call that was not expected (even one whose error was swallowed) or one that never came."""
        assert not self.failures, self.failures[0]
        pending = self._expected.pending()
        assert not pending, "%d expected call(s) never came, first %r" % (len(pending), pending[0])

    def install(self, monkeypatch):
        """Make every Client that a module builds send through this session."""
        from ansible_collections.tencentcloud.tccc.plugins.module_utils import _base as common  # pylint: disable=import-outside-toplevel
        monkeypatch.setattr(common, "new_session", lambda: self)
        return self


class Unpaced:
    """A rate limiter that never waits, for a Client under test."""

    fallback_reason = None

    def __init__(self, rate, key):
        self.rate = rate
        self.key = key

    def acquire(self):
        return 0.0

    def throttled(self):
        pass

    def succeeded(self):
        pass


def pinned_client(session, endpoint="ccc.tencentcloudapi.com", token=None, **kwargs):
    """A Client that sends through ``session`` with fixed keys and clock, no pacing and no real sleep."""
    kwargs.setdefault("clock", lambda: NOW)
    kwargs.setdefault("sleep", lambda seconds: None)
    kwargs.setdefault("rand", lambda: 0.5)
    kwargs.setdefault("limiter_factory", Unpaced)
    credentials = CredentialSource(Credentials(SECRET_ID, SECRET_KEY, token, source="test"))
    return Client(credentials, parse_endpoint(endpoint), session=session, **kwargs)
