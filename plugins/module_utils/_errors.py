# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Private to this collection, not a public API: only its own modules import it, and any release
# may change it without notice.
"""The error table: what each Tencent Cloud error means for us, and the exceptions we raise; and
keeping secrets out of every message (redact(), remember(), clean(), below).

One place answers "is this action safe to repeat?", "do we retry this?" and "what hint helps the
user?", so the client's retry loop and the module's failure messages cannot disagree.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading

try:
    from ansible.module_utils.secrets import register_secret
except ImportError:  # ansible-core before 2.22
    register_secret = None


THROTTLED = "throttled"
TRANSIENT = "transient"
SKEW = "skew"
AMBIGUOUS = "ambiguous"
FATAL = "fatal"

# The actions that change nothing, so sending one twice is harmless. Every other action is a write:
# after a failure that leaves open whether it was carried out, it is not sent again (see classify).
# Add each new read action here; a read missing from this table is only retried less, never unsafely.
READ_ACTIONS = frozenset((
    "DescribeExtension",
    "DescribeExtensions",
    "AssumeRole",  # STS: issues a fresh set of temporary keys each time; nothing else changes
))

# Codes our client makes up for failures that brought no usable API error.
CONNECTION_ERROR = "ConnectionError"
TIMEOUT = "Timeout"
BAD_RESPONSE = "BadResponse"
HTTP_ERROR = "HTTPError"
TLS_ERROR = "TLSError"
UNKNOWN_ERROR = "UnknownError"
CONFIG_ERROR = "ConfigError"
STOPPED = "Stopped"

# The error table: every code that is not FATAL, and every code our client makes up, with its kind
# for classify() and what it means. A code ending in ".*" covers itself and its sub-codes. What the
# client then does with each kind (how often, how long it waits) is the retry policy at the top of
# _transport.py. Each row: (code, made up by our client, kind, meaning).
ERROR_TABLE = (
    ("RequestLimitExceeded.*", False, THROTTLED,
     "more than 20 requests per second of one action and account (sub-codes UinLimitExceeded, "
     "GlobalRegionUinLimitExceeded, IPLimitExceeded); refused before acting. LimitExceeded* is a quota: FATAL"),
    ("AuthFailure.SignatureExpire", False, SKEW,
     "the signed timestamp is more than 5 minutes off the server's clock; refused before acting"),
    ("ServiceUnavailable", False, TRANSIENT,
     "server-side trouble; a write that gets it may still have been carried out by a step behind the API"),
    ("InternalError", False, TRANSIENT,
     "as ServiceUnavailable; its sub-code InternalError.DBError is documented as a state error: FATAL"),
    ("ResourceUnavailable", False, TRANSIENT,
     "as ServiceUnavailable"),
    (CONNECTION_ERROR, True, TRANSIENT,
     "no connection, or it broke before the whole answer arrived"),
    (TIMEOUT, True, TRANSIENT,
     "no answer within the timeout option"),
    (BAD_RESPONSE, True, TRANSIENT,
     "an answer that is not a JSON API answer (cut, not JSON, no Response object, a field of the wrong type, over 8 MB)"),
    (HTTP_ERROR, True, TRANSIENT,
     "an HTTP error status without an API error in the body (a proxy's or gateway's page)"),
    (TLS_ERROR, True, FATAL,
     "the TLS handshake failed: the certificate chain does not verify, or the endpoint does not speak HTTPS"),
    (UNKNOWN_ERROR, True, FATAL,
     "the API answered Response.Error with no usable Code"),
    (CONFIG_ERROR, True, FATAL,
     "bad input, found before anything was sent; the error names the option"),
    (STOPPED, True, FATAL,
     "SIGINT or SIGTERM ended the run (_workers.Stopped, reported with this code): nothing more is sent"),
)


def _covers(entry, code):
    if entry.endswith(".*"):
        return code == entry[:-2] or code.startswith(entry[:-1])
    return code == entry


_HINTS = (
    ("AuthFailure.SignatureExpire",
     "the clock of the machine running the module is more than 5 minutes off: check the clock / NTP"),
    ("AuthFailure.SecretIdNotFound",
     "the secret_id is unknown: check it (and that it has no surrounding spaces), or that the key was not deleted"),
    ("AuthFailure.InvalidSecretId",
     "the secret_id is malformed: check it (and that it has no surrounding spaces)"),
    ("AuthFailure.SignatureFailure",
     "the secret_key does not match the secret_id: check secret_key"),
    ("AuthFailure.TokenFailure",
     "temporary credentials need a valid, unexpired security_token: check security_token or refresh the credentials"),
    ("AuthFailure.UnauthorizedOperation",
     "the key is not allowed to call this action: grant a CAM policy for ccc:{action}"),
    ("UnauthorizedOperation",
     "the key is not allowed to call this action: grant a CAM policy for ccc:{action}"),
    ("InvalidParameterValue.InstanceNotExist",
     "no TCCC instance with this sdk_app_id belongs to this account: check sdk_app_id (the SdkAppId shown in the TCCC console)"),
    ("RequestLimitExceeded",
     "the API allows 20 requests per second per action and account: lower rate_limit if other tools share the budget"),
    ("LimitExceeded",
     "an account quota is exhausted; this is not throttling and is not retried"),
)


def is_read(action):
    """Whether ``action`` changes nothing (it is in READ_ACTIONS), so it may be sent again after any failure."""
    return action in READ_ACTIONS


def classify(code, action):
    """Return THROTTLED, SKEW, TRANSIENT, AMBIGUOUS or FATAL for an error ``code`` of ``action``.

    The code's kind in ERROR_TABLE (FATAL when it is not there), except that a write is never
    TRANSIENT: THROTTLED and SKEW mean the API refused the request before acting on it, so any
    action may be sent again; after a TRANSIENT failure a write may already have happened, so it is
    AMBIGUOUS, and only reading the state again can tell.
    """
    code = code or ""
    for entry, _ours, kind, _meaning in ERROR_TABLE:
        if _covers(entry, code):
            return AMBIGUOUS if kind == TRANSIENT and not is_read(action) else kind
    return FATAL


def hint(code, action=None):
    """A sentence that helps the user act on an error code, or None."""
    code = code or ""
    for prefix, text in _HINTS:
        if code == prefix or code.startswith(prefix + "."):
            return text.format(action=action or "the action")
    return None


class TcccError(Exception):
    """Any failure of a TCCC call. Carries the API's code, message and request id.

    Messages never quote an answer's values (the client describes a body it cannot use by its
    status, type, length, key names and title), and whatever a message holds passes
    clean() on the way out, which blanks secret-bearing keys and every secret parsed so far.

    ``ambiguous`` is True only on the error of a write that classify() calls AMBIGUOUS (timeout,
    dropped connection, cut or non-JSON body, HTTP error page, server error code): the write may or
    may not have been carried out, so the caller must read the state again before deciding what to do.
    """

    ambiguous = False

    def __init__(self, code, message, request_id=None, action=None):
        super(TcccError, self).__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id
        self.action = action

    def __str__(self):
        # Only what came from outside is cleaned: our own hints name options such as security_token.
        text = clean("%s: %s" % (self.code, self.message))
        if self.action:
            text = "%s failed: %s" % (self.action, text)
        if self.request_id:
            text += " (request id %s)" % clean(str(self.request_id))
        help_text = hint(self.code, self.action)
        if help_text:
            text += ". Hint: " + help_text
        return text

    def to_result(self):
        """The structured fields a module returns next to ``msg``."""
        return {
            "error": {"code": clean(str(self.code)), "message": clean(self.message)},
            "request_id": None if self.request_id is None else clean(str(self.request_id)),
        }


class ApiError(TcccError):
    """The API answered with ``Response.Error``."""


class TransportError(TcccError):
    """The request did not produce an API answer: network failure, timeout, non-JSON body, HTTP error page."""


class ConfigError(TcccError):
    """Bad input found before anything was sent. ``option`` names the module option at fault."""

    def __init__(self, message, option=None):
        super(ConfigError, self).__init__(CONFIG_ERROR, message)
        self.option = option

    def __str__(self):
        return clean(self.message)


# Keeping secrets out of what a module says: the one redaction of text, and the secrets known so far.
#
# Two nets, both applied to every failure message (TcccError above):
#
# * ``redact(text)`` blanks the value of every secret-bearing key of every API and file the
#   collection reads (SECRET_KEYS), in JSON, in JSON escaped inside a string, and in ``key=value``
#   form, also when the text is broken off inside the value.
# * ``remember(value)`` records a secret the moment it is parsed (a key, a token, a SIP password);
#   ``clean(text)`` then replaces any of them wherever they appear. On ansible-core 2.22 and later
#   each is also registered with Ansible, which masks it in everything the task prints.


MASK = "********"
# Every key that carries a secret in an answer we parse (DescribeExtension: Password; STS
# AssumeRole and the CVM metadata service: TmpSecretKey, Token, and TmpSecretId with them) or in
# a file we read (tccli: secretKey, token; SDK INI: secret_key), plus the request header X-TC-Token.
SECRET_KEYS = ("Password", "Token", "TmpSecretKey", "TmpSecretId", "SecretKey", "secretKey", "secret_key", "token",
               "security_token", "SessionToken", "X-TC-Token")
# Shorter values would blank ordinary words of a message; every real secret we handle is longer.
MIN_REMEMBERED = 6

_KEYS = "|".join(re.escape(key) for key in sorted(SECRET_KEYS, key=len, reverse=True))
# "Key": "value" with optional backslashes before the quotes (JSON inside a JSON string); the value
# runs to its closing quote or, when the text is cut off inside it, to the end.
_JSON_PAIR = re.compile(r'(\\*"(?:%s)\\*"\s*:\s*)(\\*")(?:\\.|[^"\\])*(\\*"|\\*$|$)' % _KEYS, re.IGNORECASE)
# "Key": 12345 (a secret sent as a number, or any non-string value up to the next delimiter).
_JSON_BARE = re.compile(r'(\\*"(?:%s)\\*"\s*:\s*)(?![\s"\\])[^,}\]\s]+' % _KEYS, re.IGNORECASE)
# Key=value and Key: value outside JSON (headers, INI lines, query strings).
_PLAIN_PAIR = re.compile(r'(\b(?:%s)\b\s*[=:]\s*)(?!\s|\\*")[^\s,;&"\'<>]+' % _KEYS, re.IGNORECASE)

_lock = threading.Lock()
_known = set()


def redact(text):
    """``text`` with the value of every secret-bearing key blanked, however the text is cut off."""
    text = _JSON_PAIR.sub(lambda match: match.group(1) + match.group(2) + MASK + match.group(3), text)
    text = _JSON_BARE.sub(lambda match: match.group(1) + MASK, text)
    return _PLAIN_PAIR.sub(lambda match: match.group(1) + MASK, text)


def remember(value):
    """Record ``value`` as a secret and return it: the one place that registers secrets with
    ansible-core (2.22 and later), which then masks it in everything the task prints, whatever its
    length; clean() replaces it in text when it is at least MIN_REMEMBERED long."""
    if isinstance(value, str) and value:
        if len(value) >= MIN_REMEMBERED:
            with _lock:
                _known.add(value)
        if register_secret is not None:
            register_secret(value)
    return value


def core_masks_secrets():
    """Whether ansible-core masks what remember() registers (2.22 and later)."""
    return register_secret is not None


def clean(text):
    """``text`` redacted, and without any secret remembered so far."""
    text = redact(text)
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    return text
