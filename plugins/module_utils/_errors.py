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

# Codes that mean "slow down": RequestLimitExceeded and its sub-codes (UinLimitExceeded,
# GlobalRegionUinLimitExceeded, IPLimitExceeded). LimitExceeded* is a quota, not throttling.
_THROTTLE_PREFIX = "RequestLimitExceeded"

# Server-side trouble worth another try on a read. A write that gets one may still have been carried
# out (the error may come from any step behind the API), so it is ambiguous: not sent again, but
# settled by reading the state. InternalError.DBError is documented as a state error: fatal for both.
_TRANSIENT_CODES = ("ServiceUnavailable", "InternalError", "ResourceUnavailable")

# Codes our client invents for failures that never reached the API's JSON.
CONNECTION_ERROR = "ConnectionError"
TIMEOUT = "Timeout"
BAD_RESPONSE = "BadResponse"
HTTP_ERROR = "HTTPError"
CONFIG_ERROR = "ConfigError"

_TRANSPORT_RETRYABLE = (CONNECTION_ERROR, TIMEOUT, BAD_RESPONSE, HTTP_ERROR)

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

    THROTTLED and SKEW mean the API refused the request before acting on it, so any action may be
    sent again. A write is never retried otherwise: after a timeout, a dropped connection, a cut
    body, an HTTP error page or a server error code (ServiceUnavailable, InternalError,
    ResourceUnavailable) it is AMBIGUOUS, since it may already have happened, and only reading the
    state again can tell.
    """
    code = code or ""
    if code == _THROTTLE_PREFIX or code.startswith(_THROTTLE_PREFIX + "."):
        return THROTTLED
    if code == "AuthFailure.SignatureExpire":
        return SKEW
    read = is_read(action)
    if code in _TRANSPORT_RETRYABLE or code in _TRANSIENT_CODES:
        return TRANSIENT if read else AMBIGUOUS
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
