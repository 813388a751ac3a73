# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Private to this collection, not a public API: only its own modules import it, and any release
# may change it without notice.
"""Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256), as pure functions.

No clock and no I/O: the caller passes the timestamp, the keys and the exact body bytes it will
send, and gets back the headers to send with them. That keeps the official test vectors
reproducible and lets the client re-sign with a corrected clock.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib
import hmac


ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json"
SIGNED_HEADERS = "content-type;host"


def _hmac(key, text):
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def _sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def utc_date(timestamp):
    """The UTC calendar date of a UNIX timestamp, YYYY-MM-DD.

    Never local time: the credential scope's date is the UTC date of X-TC-Timestamp, so a local date
    fails every signature between 00:00 and 08:00 UTC in China's UTC+8.
    """
    epoch = datetime.datetime(1970, 1, 1)
    return (epoch + datetime.timedelta(seconds=int(timestamp))).strftime("%Y-%m-%d")


def canonical_request(host, body, content_type=CONTENT_TYPE, method="POST", extra_headers=None):
    """The canonical request for a request to path ``/`` with no query string.

    ``extra_headers`` (a dict of lowercase name to value) signs more headers than the default
    ``content-type;host``; the official docs' second example signs ``x-tc-action`` this way.
    """
    headers = {"content-type": content_type, "host": host}
    headers.update(extra_headers or {})
    names = sorted(headers)
    canonical_headers = "".join("%s:%s\n" % (name, headers[name]) for name in names)
    return "\n".join([method, "/", "", canonical_headers, ";".join(names), _sha256_hex(body)])


def credential_scope(date, service):
    return "%s/%s/tc3_request" % (date, service)


def string_to_sign(canonical, timestamp, service):
    scope = credential_scope(utc_date(timestamp), service)
    return "\n".join([ALGORITHM, str(int(timestamp)), scope, _sha256_hex(canonical.encode("utf-8"))])


def signing_key(secret_key, date, service):
    """kSigning = HMAC(HMAC(HMAC("TC3" + key, date), service), "tc3_request")."""
    k_date = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    k_service = _hmac(k_date, service)
    return _hmac(k_service, "tc3_request")


def signature(secret_key, timestamp, service, canonical):
    key = signing_key(secret_key, utc_date(timestamp), service)
    return hmac.new(key, string_to_sign(canonical, timestamp, service).encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(secret_id, secret_key, timestamp, service, canonical, signed_headers=SIGNED_HEADERS):
    scope = credential_scope(utc_date(timestamp), service)
    return "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, secret_id, scope, signed_headers, signature(secret_key, timestamp, service, canonical))


def sign(secret_id, secret_key, host, service, action, version, body, timestamp,
         token=None, region=None, language=None, request_client=None, content_type=CONTENT_TYPE):
    """Return every header of a signed API 3.0 POST whose body is exactly ``body`` (bytes).

    ``host`` is what goes into the ``Host`` header: a name with ``:port`` only when the endpoint
    has one, never a scheme.
    """
    canonical = canonical_request(host, body, content_type)
    headers = {
        "Authorization": authorization(secret_id, secret_key, timestamp, service, canonical),
        "Content-Type": content_type,
        "Host": host,
        "X-TC-Action": action,
        "X-TC-Version": version,
        "X-TC-Timestamp": str(int(timestamp)),
    }
    optional = (
        ("X-TC-Token", token),
        ("X-TC-Region", region),
        ("X-TC-Language", language),
        ("X-TC-RequestClient", request_client),
    )
    headers.update((name, value) for name, value in optional if value)
    return headers
