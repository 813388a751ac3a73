# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one place that signs and sends: serialize once, pace, sign, send, parse, retry.

Whether a failed call is sent again depends on its action (errors.READ_ACTIONS): reads are retried
after any transient failure, writes only when the API refused them before acting.

Clock, sleep, randomness, HTTP session and rate limiters are injectable so the unit tests can
drive every fault without a network or real waiting.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random
import re
import threading
import time

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by the module's missing_required_lib path
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.tencentcloud.tccc.plugins.module_utils import errors
from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import ApiError, TransportError
from ansible_collections.tencentcloud.tccc.plugins.module_utils.ratelimit import RateLimiter
from ansible_collections.tencentcloud.tccc.plugins.module_utils.retry import RetryPolicy
from ansible_collections.tencentcloud.tccc.plugins.module_utils.signer import sign

COLLECTION_VERSION = "0.1.0"
USER_AGENT = "ansible-collection-tencentcloud-tccc/%s" % COLLECTION_VERSION
REQUEST_CLIENT = "ansible-tccc_%s" % COLLECTION_VERSION

CCC_VERSION = "2020-02-10"
STS_VERSION = "2018-08-13"

# Connections kept open per host: enough for the registration workers of one module run.
POOL_SIZE = 16

_SERVER_TIME = re.compile(r"server time (\d{9,})")
_EXCERPT_LENGTH = 160
_REASON = re.compile(r"(\[Errno -?\d+\][^'\")]*|RemoteDisconnected\([^)]*\)|IncompleteRead\([^)]*\)|"
                     r"Connection (?:aborted|reset|broken)[^'\")]*|Response ended prematurely)")


def server_time_from(message):
    """The server clock carried by an AuthFailure.SignatureExpire message, or None."""
    match = _SERVER_TIME.search(message or "")
    return int(match.group(1)) if match else None


def excerpt(raw):
    """A short, single-line view of a body that was not an API answer (an HTML page, a cut body)."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    text = " ".join(text.split())
    return text[:_EXCERPT_LENGTH] + ("..." if len(text) > _EXCERPT_LENGTH else "")


def failure_reason(exc):
    """The useful part of a requests exception ("[Errno 111] Connection refused"), without object reprs."""
    match = _REASON.search(str(exc))
    return match.group(1).strip() if match else type(exc).__name__


def explain_unshared_pacing(err, limiter):
    """Say, on a final throttling failure, that this run could not share the request budget, and why."""
    reason = getattr(limiter, "fallback_reason", None)
    if reason:
        err.message += " (the request budget was not shared with other runs on this machine: %s)" % reason


def parse_answer(status, raw, action):
    """Turn an HTTP answer into the API's ``Response`` dict, or raise ApiError / TransportError.

    The body is parsed whatever the Content-Type says: the API reports errors in JSON with HTTP
    200, and the official SDK misses them when the Content-Type carries a charset.
    """
    try:
        document = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except ValueError:
        code = errors.HTTP_ERROR if status >= 400 else errors.BAD_RESPONSE
        raise TransportError(code, "HTTP %s with a body that is not a JSON API answer: %s" % (status, excerpt(raw)), action=action)
    response = document.get("Response") if isinstance(document, dict) else None
    if not isinstance(response, dict):
        raise TransportError(errors.BAD_RESPONSE, "HTTP %s with JSON that has no Response object: %s" % (status, excerpt(raw)), action=action)
    error = response.get("Error")
    if isinstance(error, dict):
        raise ApiError(str(error.get("Code") or "UnknownError"), str(error.get("Message") or ""), response.get("RequestId"), action)
    if status >= 400:
        raise TransportError(errors.HTTP_ERROR, "HTTP %s: %s" % (status, excerpt(raw)), response.get("RequestId"), action)
    return response


class Client:
    """Calls one Tencent Cloud API service (``ccc`` by default) at one endpoint."""

    def __init__(self, credentials, endpoint, service="ccc", version=CCC_VERSION, region=None, language="en-US",
                 timeout=15.0, retries=5, validate_certs=True, rate_limit=20.0, session=None,
                 clock=time.time, sleep=time.sleep, rand=random.random, limiter_factory=RateLimiter):
        self.credentials = credentials
        self.endpoint = endpoint
        self.service = service
        self.version = version
        self.region = region
        self.language = language
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.policy = RetryPolicy(retries)
        self.rate_limit = rate_limit
        self.clock = clock
        self.sleep = sleep
        self.rand = rand
        self.limiter_factory = limiter_factory
        self.session = session if session is not None else new_session()
        self.clock_offset = 0
        self._limiters = {}
        self._lock = threading.Lock()

    def limiter(self, action, secret_id):
        """One pacer per action and account: that is how the service counts its 20 requests per second."""
        key = "%s|%s|%s|%s" % (secret_id, self.endpoint.host, self.service, action)
        with self._lock:
            if key not in self._limiters:
                self._limiters[key] = self.limiter_factory(rate=self.rate_limit, key=key)
            return self._limiters[key]

    def pacing_problems(self):
        """Why pacing could not be shared with other processes on this machine; empty when it was."""
        with self._lock:
            reasons = set(getattr(limiter, "fallback_reason", None) for limiter in self._limiters.values())
        return sorted(reason for reason in reasons if reason)

    def call(self, action, params):
        """Send ``action`` with ``params``; return the ``Response`` dict of a successful answer.

        Raises ApiError or TransportError after the last attempt. A write whose outcome is unknown
        is not sent again: its TransportError has ``ambiguous`` set, and the caller reads the state.
        """
        body = json.dumps(params, separators=(",", ":"), sort_keys=True).encode("utf-8")
        skew_corrected = False
        attempt = 0
        while True:
            credentials = self.credentials.get()
            limiter = self.limiter(action, credentials.secret_id)
            limiter.acquire()
            try:
                response = self._send(action, body, credentials)
                limiter.succeeded()
                return response
            except (ApiError, TransportError) as err:
                kind = errors.classify(err.code, action)
                if kind == errors.AMBIGUOUS and isinstance(err, TransportError):
                    err.ambiguous = True
                if kind == errors.SKEW and not skew_corrected:
                    skew_corrected = self._correct_clock(err)
                    if skew_corrected:
                        continue
                if kind == errors.THROTTLED:
                    limiter.throttled()
                if kind not in (errors.THROTTLED, errors.TRANSIENT) or not self.policy.should_retry(attempt):
                    if kind == errors.THROTTLED:
                        explain_unshared_pacing(err, limiter)
                    raise
                floor = 1.0 / self.rate_limit if kind == errors.THROTTLED and self.rate_limit else 0.0
                self.sleep(self.policy.delay(attempt, self.rand(), floor))
                attempt += 1

    def _correct_clock(self, err):
        """Adopt the server's clock after AuthFailure.SignatureExpire; False when it cannot be read."""
        server_time = server_time_from(err.message)
        if server_time is None:
            return False
        with self._lock:
            self.clock_offset = server_time - int(self.clock())
        return True

    def _send(self, action, body, credentials):
        timestamp = int(self.clock()) + self.clock_offset
        headers = sign(credentials.secret_id, credentials.secret_key, self.endpoint.host, self.service, action, self.version,
                       body, timestamp, token=credentials.token, region=self.region, language=self.language,
                       request_client=REQUEST_CLIENT)
        headers["User-Agent"] = USER_AGENT
        try:
            answer = self.session.post(self.endpoint.url, data=body, headers=headers,
                                       timeout=self.timeout, verify=self.validate_certs, allow_redirects=False)
            raw = answer.content
        except requests.exceptions.SSLError as exc:
            raise TransportError("TLSError", "TLS verification with %s failed (%s): fix the certificate chain, "
                                 "or set validate_certs: false for a test endpoint" % (self.endpoint.host, type(exc).__name__),
                                 action=action)
        except requests.exceptions.Timeout:
            raise TransportError(errors.TIMEOUT, "no answer from %s within %s seconds (timeout)" % (self.endpoint.host, self.timeout),
                                 action=action)
        except requests.exceptions.RequestException as exc:
            raise TransportError(errors.CONNECTION_ERROR, "connection to %s failed: %s" % (self.endpoint.host, failure_reason(exc)),
                                 action=action)
        return parse_answer(answer.status_code, raw, action)


def new_session():
    """A keep-alive session whose pool holds a connection for each concurrent worker."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=POOL_SIZE, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
