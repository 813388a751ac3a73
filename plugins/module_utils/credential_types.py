# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The credential values: one key (Credentials), the holder that renews it (CredentialSource), and
the checks every key, token and expiry time passes, wherever it was read from."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading
import time

from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import ConfigError
from ansible_collections.tencentcloud.tccc.plugins.module_utils.redaction import remember

# Printable Latin-1, what an HTTP header value can carry: no control characters (C0, DEL, C1).
_HEADER_SAFE = re.compile(u"^[\u0020-\u007e\u00a0-\u00ff]*$")

# Temporary keys must outlive the request being signed and its retries with backoff.
REFRESH_MARGIN = 300


class Credentials:
    """One immutable key: ``secret_id``, ``secret_key``, ``token``, ``expires_at`` (unix s) and ``source``.

    The repr masks everything secret, so a credential that ends up in a log or a traceback's
    message leaks nothing but the last characters of the (non-secret) secret id.
    """

    __slots__ = ("secret_id", "secret_key", "token", "expires_at", "source")

    def __init__(self, secret_id, secret_key, token=None, expires_at=None, source=""):
        for name, value in zip(self.__slots__, (secret_id, secret_key, token, expires_at, source)):
            object.__setattr__(self, name, value)
        # Known as secrets from here on, wherever they came from (options, environment, files, STS).
        remember(secret_key)
        remember(token)

    def __setattr__(self, name, value):
        raise AttributeError("Credentials are immutable")

    def __delattr__(self, name):
        raise AttributeError("Credentials are immutable")

    def _fields(self):
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other):
        return isinstance(other, Credentials) and self._fields() == other._fields()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self._fields())

    def __repr__(self):
        secret_id = self.secret_id or ""
        shown_id = "****" + secret_id[-4:] if len(secret_id) > 8 else "****"
        return "Credentials(secret_id=%r, secret_key='****', token=%s, expires_at=%r, source=%r)" % (
            shown_id, "'****'" if self.token else "None", self.expires_at, self.source)

    __str__ = __repr__


class CredentialSource:
    """Hands out the current credentials; renews temporary ones shortly before they expire.

    ``refresh`` (a callable returning new Credentials) is None for keys that cannot be renewed.
    ``warnings``: what the module should warn about, found while resolving (a key file others can read).
    One lock serialises the check and the renewal, so concurrent readers trigger one renewal, not one each.
    """

    def __init__(self, credentials, refresh=None, clock=time.time, region=None, warnings=()):
        self.region = region
        self.warnings = list(warnings)
        self._refresh = refresh
        self._clock = clock
        self._lock = threading.Lock()
        self._credentials = None
        self._refresh_at = None
        self._store(credentials)

    def _store(self, credentials):
        self._credentials = credentials
        if self._refresh is None or credentials.expires_at is None:
            self._refresh_at = None
            return
        # Keys issued for less than twice the margin would otherwise be renewed on every get().
        lifetime = credentials.expires_at - self._clock()
        self._refresh_at = credentials.expires_at - min(REFRESH_MARGIN, lifetime / 2.0)

    def get(self):
        """Current Credentials; a failed renewal raises ConfigError."""
        with self._lock:
            if self._refresh_at is not None and self._clock() >= self._refresh_at:
                self._store(self._refresh())
            return self._credentials


def check_value(value, origin, option=None):
    """Return ``value`` if it is usable as a key, token or setting; the message names ``origin``, never the value.

    Every secret id, secret key, token, role, profile and region goes through here, from options,
    environment, files and temporary-key answers alike.
    """
    if not isinstance(value, str):
        raise ConfigError("%s must be a string" % origin, option=option)
    if value != value.strip():
        raise ConfigError("%s has leading or trailing whitespace, which the API rejects as an unknown key or a bad "
                          "signature: strip it" % origin, option=option)
    if not _HEADER_SAFE.match(value):
        # Keys and tokens travel in HTTP headers, which carry Latin-1 only: requests would fail with
        # an encoding error or a connection error whose text holds the value.
        raise ConfigError("%s holds a control character (such as a line break) or a character outside Latin-1, which an "
                          "HTTP header cannot carry: copy the value again without it" % origin, option=option)
    return value


def expiry(value, where, now):
    """A unix expiry time from an answer or a file; already past means a stale answer or a wrong clock."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError("%s has no numeric expiry time" % where)
    if value <= now:
        raise ConfigError("the temporary credentials from %s expired at %d, before now (%d): renew them, or check "
                          "this machine's clock" % (where, value, now))
    return float(value)


def temporary_credentials(fields, names, expired_time, where, source, now):
    """Credentials from a temporary-key answer whose key fields are ``names`` (id, key, token)."""
    values = []
    for name in names:
        value = fields.get(name)
        if not value:
            raise ConfigError("%s has no %s" % (where, name))
        values.append(check_value(value, "%s in %s" % (name, where)))
    return Credentials(values[0], values[1], values[2], expiry(expired_time, where, now), source)
