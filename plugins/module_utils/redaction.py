# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Keeping secrets out of what a module says: the one redaction of text, and the secrets known so far.

Two nets, both applied to every failure message (errors.TcccError):

* ``redact(text)`` blanks the value of every secret-bearing key of every API and file the
  collection reads (SECRET_KEYS), in JSON, in JSON escaped inside a string, and in ``key=value``
  form, also when the text is broken off inside the value.
* ``remember(value)`` records a secret the moment it is parsed (a key, a token, a SIP password);
  ``clean(text)`` then replaces any of them wherever they appear. On ansible-core 2.22 and later
  each is also registered with Ansible, which masks it in everything the task prints.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading

try:
    from ansible.module_utils.secrets import register_secret
except ImportError:  # ansible-core before 2.22
    register_secret = None

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
