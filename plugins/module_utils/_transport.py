# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Private to this collection, not a public API: only its own modules import it, and any release
# may change it without notice.
"""The one place that signs and sends: serialize once, pace, sign, send, parse, retry; the endpoint
parsing (parse_endpoint) at the end.

The retry policy, all of it (Client.call() carries it out):

* Which failures are sent again: _errors.classify() gives each error code its kind from the error
  table (_errors.ERROR_TABLE) and the action (_errors.READ_ACTIONS). THROTTLED
  (RequestLimitExceeded) is retried for any action, since the API refused it before acting, and
  cuts the shared pace (_pacing.RateLimiter.throttled()). SKEW (AuthFailure.SignatureExpire) is
  signed again once with the server's clock, which does not count as a retry. TRANSIENT (no
  connection, timeout, a cut or non-JSON answer, an HTTP error page, ServiceUnavailable,
  InternalError, ResourceUnavailable) is retried for reads only; for a write it is AMBIGUOUS: not
  sent again, the error marked ``ambiguous`` so that the caller reads the state (_reconcile.py).
  Anything else is FATAL and raised at once.
* How many times: ``retries`` further attempts after the first (the module option: default 5, at
  most _base.MAX_RETRIES).
* How long between them: RetryPolicy below, a capped exponential backoff with full jitter, and
  after throttling never sooner than one pacing interval (1 / rate_limit). Every wait ends at once
  on a stop request (_workers.sleep()).

Clock, sleep, randomness, HTTP session and rate limiters are injectable so the unit tests can
drive every fault without a network or real waiting.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
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

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _errors as errors
from ansible_collections.tencentcloud.tccc.plugins.module_utils import _workers as stop
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ApiError, ConfigError, TransportError, clean
from ansible_collections.tencentcloud.tccc.plugins.module_utils._pacing import RateLimiter
from ansible_collections.tencentcloud.tccc.plugins.module_utils._signer import sign


COLLECTION_VERSION = "0.1.0"
USER_AGENT = "ansible-collection-tencentcloud-tccc/%s" % COLLECTION_VERSION
REQUEST_CLIENT = "ansible-tccc_%s" % COLLECTION_VERSION

CCC_VERSION = "2020-02-10"
STS_VERSION = "2018-08-13"

# Connections kept open per host: enough for the registration workers of one module run.
POOL_SIZE = 16

# Answers larger than this are refused while they stream in: a page of 100 extensions is about
# 40 kB, and a runaway or hostile server must not fill the memory of the control node.
MAX_ANSWER_BYTES = 8 * 1024 * 1024
_CHUNK = 65536

_SERVER_TIME = re.compile(r"server time (\d{9,})")
_REASON = re.compile(r"(\[Errno -?\d+\][^'\")]*|RemoteDisconnected\([^)]*\)|IncompleteRead\([^)]*\)|"
                     r"Connection (?:aborted|reset|broken)[^'\")]*|Response ended prematurely)")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
_LENGTH = re.compile(r"^\s*[0-9]{1,20}\s*$")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+")
# What OpenSSL says when the other end answers a TLS hello in plain HTTP.
_NOT_TLS = re.compile(r"wrong.version.number|record.layer.failure|unknown.protocol|packet.length.too.long|http.request",
                      re.IGNORECASE)


def server_time_from(message):
    """The server clock carried by an AuthFailure.SignatureExpire message, or None."""
    match = _SERVER_TIME.search(message or "")
    return int(match.group(1)) if match else None


def request_id_of(value):
    """A request id fit to show: the API's are UUIDs; anything else is not quoted."""
    return value if isinstance(value, str) and _REQUEST_ID.match(value) else None


def key_names(document):
    """The key names of a JSON object, for a message: at most 10, each a plain identifier."""
    names = [name if _NAME.match(name) else "?" for name in list(document)[:10]]
    return ", ".join(names) + (", ..." if len(document) > 10 else "") if names else "none"


def describe_body(raw, content_type=None):
    """A body we cannot use, without quoting it: content type, length, and an HTML page's title.

    A failure message never quotes an answer's values: a cut DescribeExtension or AssumeRole body
    holds a password or a token.
    """
    media = _MEDIA_TYPE.match((content_type or "").strip())
    parts = [media.group(0).lower() if media else "no content type", "%d bytes" % len(raw)]
    if not raw:
        parts[-1] = "empty"
    match = _TITLE.search(raw[:_CHUNK].decode("utf-8", "replace"))
    if match:
        title = " ".join(match.group(1).split())
        title = "".join(char for char in title if char.isprintable())[:80]
        if title:
            parts.append("title %s" % json.dumps(clean(title), ensure_ascii=False))
    return ", ".join(parts)


def failure_reason(exc):
    """The useful part of a requests exception ("[Errno 111] Connection refused"), without object reprs."""
    match = _REASON.search(str(exc))
    return match.group(1).strip() if match else type(exc).__name__


def explain_unshared_pacing(err, limiter):
    """Say, on a final throttling failure, that this run could not share the request budget, and why."""
    reason = getattr(limiter, "fallback_reason", None)
    if reason:
        err.message += " (the request budget was not shared with other runs on this machine: %s)" % reason


def parse_answer(status, raw, action, content_type=None):
    """Turn an HTTP answer into the API's ``Response`` dict, or raise ApiError / TransportError.

    The body is parsed whatever the Content-Type says: the API reports errors in JSON with HTTP
    200, and the official SDK misses them when the Content-Type carries a charset.
    """
    try:
        document = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except (ValueError, RecursionError):
        code = errors.HTTP_ERROR if status >= 400 else errors.BAD_RESPONSE
        raise TransportError(code, "HTTP %s with a body that is not a JSON API answer (%s)" % (status, describe_body(raw, content_type)),
                             action=action)
    response = document.get("Response") if isinstance(document, dict) else None
    if not isinstance(response, dict):
        shape = "keys %s" % key_names(document) if isinstance(document, dict) else "not an object"
        raise TransportError(errors.BAD_RESPONSE, "HTTP %s with JSON that has no Response object (%s, %d bytes)" % (status, shape, len(raw)),
                             action=action)
    request_id = request_id_of(response.get("RequestId"))
    error = response.get("Error")
    if isinstance(error, dict):
        code, message = error.get("Code"), error.get("Message")
        raise ApiError(code if isinstance(code, str) and _CODE.match(code) else errors.UNKNOWN_ERROR,
                       message if isinstance(message, str) else "", request_id, action)
    if status >= 400:
        raise TransportError(errors.HTTP_ERROR, "HTTP %s with an answer that is not an error (Response keys %s, %d bytes)"
                             % (status, key_names(response), len(raw)), request_id, action)
    return response


def read_body(answer, action):
    """The body of ``answer``, refused as soon as it grows past MAX_ANSWER_BYTES.

    The session streams (new_session), so nothing larger is ever held; an answer object without
    ``iter_content`` (a test double) gives its ``content``.
    """
    length = getattr(answer, "headers", None) and answer.headers.get("Content-Length")
    if length and _LENGTH.match(length) and int(length) > MAX_ANSWER_BYTES:
        _close(answer)
        raise _too_large(action)
    chunks = getattr(answer, "iter_content", None)
    if chunks is None:
        raw = answer.content
        if len(raw) > MAX_ANSWER_BYTES:
            raise _too_large(action)
        return raw
    body = bytearray()
    try:
        for chunk in chunks(_CHUNK):
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                raise _too_large(action)
    finally:
        _close(answer)
    return bytes(body)


def _too_large(action):
    return TransportError(errors.BAD_RESPONSE, "the answer is larger than %d MB and was refused while it arrived" % (MAX_ANSWER_BYTES // 1048576),
                          action=action)


def _close(answer):
    close = getattr(answer, "close", None)
    if close is not None:
        close()


class Client:
    """Calls one Tencent Cloud API service (``ccc`` by default) at one endpoint."""

    def __init__(self, credentials, endpoint, service="ccc", version=CCC_VERSION, region=None, language="en-US",
                 timeout=15.0, retries=5, validate_certs=True, rate_limit=20.0, session=None,
                 clock=time.time, sleep=stop.sleep, rand=random.random, limiter_factory=RateLimiter):
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
        (errors.classify() AMBIGUOUS) is not sent again: its error has ``ambiguous`` set, and the
        caller reads the state.
        """
        body = json.dumps(params, separators=(",", ":"), sort_keys=True).encode("utf-8")
        skew_corrected = False
        attempt = 0
        while True:
            stop.check()
            credentials = self.credentials.get()
            limiter = self.limiter(action, credentials.secret_id)
            try:
                return self._send(action, body, credentials, limiter)
            except (ApiError, TransportError) as err:
                kind = errors.classify(err.code, action)
                if kind == errors.AMBIGUOUS:
                    err.ambiguous = True
                if kind == errors.SKEW and not skew_corrected:
                    skew_corrected = self._correct_clock(err)
                    if skew_corrected:
                        continue
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

    def _send(self, action, body, credentials, limiter):
        def paced():
            limiter.acquire()
            stop.check()  # the pacer's wait may have ended with a stop

        try:
            return within(self.timeout, self._exchange, action, body, credentials, limiter, first=paced)
        except requests.exceptions.SSLError as exc:
            if _NOT_TLS.search(str(exc)):
                raise TransportError(errors.TLS_ERROR, "%s does not speak HTTPS (it answered the TLS handshake with something else, "
                                     "such as plain HTTP): if it is a plain-HTTP endpoint like the emulator, write http://%s"
                                     % (self.endpoint.host, self.endpoint.host), action=action)
            raise TransportError(errors.TLS_ERROR, "TLS verification with %s failed (%s): fix the certificate chain, "
                                 "or set validate_certs: false for a test endpoint" % (self.endpoint.host, type(exc).__name__),
                                 action=action)
        except requests.exceptions.Timeout:
            raise TransportError(errors.TIMEOUT, "no answer from %s within %s seconds (timeout)" % (self.endpoint.host, self.timeout),
                                 action=action)
        except requests.exceptions.RequestException as exc:
            raise TransportError(errors.CONNECTION_ERROR, "connection to %s failed: %s" % (self.endpoint.host, failure_reason(exc)),
                                 action=action)

    def _exchange(self, action, body, credentials, limiter):
        """One POST, signed the moment it leaves, its whole body and its answer, told to the pacer from
        the thread that acquired (its feedback is per thread). ``timeout`` also bounds each socket
        wait, so that the thread of a request that within() gave up on ends soon after the server stops sending."""
        timestamp = int(self.clock()) + self.clock_offset
        headers = sign(credentials.secret_id, credentials.secret_key, self.endpoint.host, self.service, action, self.version,
                       body, timestamp, token=credentials.token, region=self.region, language=self.language,
                       request_client=REQUEST_CLIENT)
        headers["User-Agent"] = USER_AGENT
        answer = self.session.post(self.endpoint.url, data=body, headers=headers,
                                   timeout=self.timeout, verify=self.validate_certs, allow_redirects=False)
        raw = read_body(answer, action)
        try:
            response = parse_answer(answer.status_code, raw, action, (getattr(answer, "headers", None) or {}).get("Content-Type"))
        except ApiError as err:
            if errors.classify(err.code, action) == errors.THROTTLED:
                limiter.throttled()
            raise
        limiter.succeeded()
        return response


def within(seconds, function, *args, **kwargs):
    """``function(*args)``, or requests' Timeout once ``seconds`` have passed, however it is going.

    requests applies a timeout to each socket wait, not to the answer: a server that sends a byte
    now and then (headers or body) would hold a request for ever. The call runs in a daemon thread
    that is left behind when it overruns: no request of ours waits on it, it reads at most
    MAX_ANSWER_BYTES, and it ends at the latest ``seconds`` after the server stops sending.

    ``first()`` (the pacer's wait) runs in that thread before ``function``, outside the ``seconds``:
    the thread is started before it, so that the request leaves the moment the pacer lets it, not a
    thread start later (a later start would bunch requests that the pacer had spaced).
    """
    first = kwargs.get("first")
    outcome = {}
    finished = threading.Event()

    def run():
        try:
            if first is not None:
                first()
            outcome["sent"] = time.monotonic()
            outcome["value"] = function(*args)
        except BaseException as exc:  # pylint: disable=broad-exception-caught
            outcome["error"] = exc
        finally:
            finished.set()

    worker = threading.Thread(target=run, name="tccc-request")
    worker.daemon = True
    worker.start()
    # Nothing wakes this thread when the request leaves: a wake-up then would take the CPU from the
    # request at the moment the pacer spaced it. It looks at the clock when a wait runs out instead.
    wait = seconds
    while not finished.wait(wait):
        sent = outcome.get("sent")
        wait = seconds if sent is None else sent + seconds - time.monotonic()
        if wait <= 0:
            raise requests.exceptions.Timeout("no complete answer within %s seconds" % seconds)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def new_session():
    """A keep-alive session whose pool holds a connection for each concurrent worker."""
    session = requests.Session()
    # Bodies are read in chunks by read_body(), which refuses one past MAX_ANSWER_BYTES.
    session.stream = True
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=POOL_SIZE, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


# The retry policy: capped exponential backoff with full jitter.
#
# Full jitter (a uniform draw between 0 and the exponential bound) spreads the retries of many
# workers and forks that were throttled together, instead of sending them back in lock-step.
# Which errors are retried at all: the retry policy at the top of this file.


BASE_DELAY = 0.5
MAX_DELAY = 10.0


class RetryPolicy:
    """``retries`` is the number of further attempts after the first one (0: try once)."""

    def __init__(self, retries=5, base=BASE_DELAY, cap=MAX_DELAY):
        self.retries = retries
        self.base = base
        self.cap = cap

    def should_retry(self, attempt):
        """``attempt`` counts from 0 for the first try; no retry (and so no sleep) after the last."""
        return attempt < self.retries

    def delay(self, attempt, rand, floor=0.0):
        """Seconds to wait after failed attempt ``attempt``; ``rand`` is a draw in [0, 1).

        ``floor`` keeps a throttled retry from coming back sooner than the rate limiter's interval.
        """
        bound = min(self.cap, self.base * (2 ** attempt))
        return max(floor, bound * rand)


# Endpoint parsing: ``host``, ``host:port`` or ``http(s)://host[:port]`` to a URL and a Host header.
#
# The Host header is signed, so it must be exactly what is sent, and it never carries a scheme
# (tccli sends ``Host: http://...`` when its ``--endpoint`` carries a scheme; the signed Host
# header must name the host and port only).


CCC_HOST = "ccc.tencentcloudapi.com"
STS_HOST = "sts.tencentcloudapi.com"

Endpoint = collections.namedtuple("Endpoint", ["url", "host", "scheme"])

_HOST_PORT = re.compile(r"^(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(?P<port>[0-9]{1,5}))?$")


def parse_endpoint(value, default_host=CCC_HOST, option="endpoint"):
    """Return an Endpoint, or raise ConfigError naming ``option``."""
    text = (value or default_host).strip()
    scheme = "https"
    if "://" in text:
        scheme, text = text.split("://", 1)
        scheme = scheme.lower()
        if scheme not in ("http", "https"):
            raise ConfigError(
                "%s: scheme %r is not supported: use host, host:port, https://host[:port] or http://host[:port]" % (option, scheme),
                option=option)
    authority = text.split("/", 1)[0]
    if "@" in authority:
        # user:password@host: refused without echoing it, since the user info may be a password.
        host = authority.rsplit("@", 1)[1]
        shown = host if _HOST_PORT.match(host) else "the part after @"
        raise ConfigError("%s: user info (user:password@) is not allowed in an endpoint, and credentials never go in it: "
                          "give the host only, %s" % (option, shown), option=option)
    text = text.rstrip("/")
    match = _HOST_PORT.match(text)
    if not match:
        raise ConfigError(
            "%s: %r is not a host name with an optional port (no path, user or query): for example ccc.tencentcloudapi.com "
            "or https://127.0.0.1:8080" % (option, value), option=option)
    port = match.group("port")
    if port is not None and not 0 < int(port) < 65536:
        raise ConfigError("%s: port %s is out of range 1-65535" % (option, port), option=option)
    return Endpoint(url="%s://%s/" % (scheme, text), host=text, scheme=scheme)
