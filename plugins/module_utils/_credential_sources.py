# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Private to this collection, not a public API: only its own modules import it, and any release
# may change it without notice.
"""Where credentials come from, and what they are: the values (one key, Credentials; the holder that
renews it, CredentialSource) and the checks every key, token and expiry time passes, wherever it
was read from; the profile files; the CVM metadata GET; the refreshers of temporary keys (CVM
instance role, STS AssumeRole). Which source wins is _credentials.py's job."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import configparser
import json
import os
import re
import stat
import threading
import time
from urllib.parse import quote

try:
    import requests
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - the module reports missing_required_lib before getting here
    HAS_REQUESTS = False

from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ConfigError, TcccError, remember


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

    @property
    def source(self):
        """Where the current credentials came from (Credentials.source), for messages."""
        return self._credentials.source

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


# Profile files: tccli's ``<profile>.credential`` / ``.configure`` (JSON) and the SDK's INI credentials files.
#
# Errors name the file and, for parse errors, only a position: the parsers' own messages quote the
# document, keys included.


ENV_CREDENTIALS_DIR = "TENCENTCLOUD_SHARED_CREDENTIALS_DIR"
SYSTEM_CREDENTIALS_FILE = "/etc/tencentcloud/credentials"


def _reachable_by_others(path):
    """Whether every directory above ``path`` lets any user through (``o+x``): else the file is out of reach.

    tccli keeps its 0644 files in a directory it forces to 0700; that directory makes them private.
    """
    directory = os.path.dirname(os.path.realpath(path))
    while True:
        try:
            mode = os.stat(directory).st_mode
        except OSError:
            return True  # cannot tell: assume the worst, which only costs a warning
        if not mode & stat.S_IXOTH:
            return False
        parent = os.path.dirname(directory)
        if parent == directory:
            return True
        directory = parent


def exposure_warning(path, mode):
    """A warning when every user on the machine can read the file that holds keys, else None.

    Such a file is still used, as the SDK and tccli use it. A file that only its group can read
    (``0640 root:ansible``) is a deliberate share and passes without a word. The warning names
    the path and the fix, never a value.
    """
    if not mode & stat.S_IROTH or not _reachable_by_others(path):
        return None
    return ("%s holds keys and every user on this machine can read it (mode %04o, and no directory above it is closed): run "
            "`chmod 600 %s`, or `chmod 700` on its directory" % (path, stat.S_IMODE(mode), path))


def read_text(path, private, warnings=None):
    """The file's text, or None when it does not exist.

    For a ``private`` file (one that holds keys) a warning from exposure_warning() is added to
    ``warnings`` (a list), once per path.
    """
    try:
        with open(path, "rb") as handle:
            if private:
                warning = exposure_warning(path, os.fstat(handle.fileno()).st_mode)
                if warning and warnings is not None and warning not in warnings:
                    warnings.append(warning)
            data = handle.read()
    except FileNotFoundError:
        return None
    except (IOError, OSError) as exc:
        raise ConfigError("cannot read %s: %s" % (path, exc.strerror or type(exc).__name__)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("%s is not UTF-8 text" % path) from None


def read_json_object(path, private, warnings=None):
    text = read_text(path, private, warnings)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError as exc:
        # Only the position: the exception also holds the whole document, keys included.
        where = " (line %d column %d)" % (exc.lineno, exc.colno) if hasattr(exc, "lineno") else ""
        raise ConfigError("%s is not valid JSON%s" % (path, where)) from None
    if not isinstance(data, dict):
        raise ConfigError("%s is not a JSON object" % path)
    return data


def from_tccli(path, profile, now, warnings=None):
    """``(Credentials, extras)`` from a tccli ``.credential`` file, or None when it does not exist.

    ``extras`` holds the profile's ``role-arn`` and ``role-session-name`` when both are set.
    """
    data = read_json_object(path, True, warnings)
    if data is None:
        return None
    if data.get("type") == "cvm-role":
        raise ConfigError("%s is a tccli CVM-role profile (type cvm-role), which holds no keys: set cam_role_name to the "
                          "role attached to this instance instead" % path)
    for field in ("secretId", "secretKey"):
        if not data.get(field):
            raise ConfigError("%s has no %s: run `tccli configure --profile %s` or add it to the file" % (path, field, profile))
    names = ("secretId", "secretKey", "token")
    values = [data.get(name) or None for name in names]
    for name, value in zip(names, values):
        if value is not None:
            check_value(value, "%s in %s" % (name, path))
    expires_at = None
    if data.get("expiresAt") is not None:  # tccli's sso and oauth logins write short-lived keys
        expires_at = expiry(data["expiresAt"], path, now)
    credentials = Credentials(values[0], values[1], values[2], expires_at, "profile %s (%s)" % (profile, path))
    extras = {}
    # tccli itself assumes the profile's role only when both are set.
    if data.get("role-arn") and data.get("role-session-name"):
        for field in ("role-arn", "role-session-name"):
            extras[field] = check_value(data[field], "%s in %s" % (field, path))
    return credentials, extras


def tccli_region(path):
    """The region of a tccli ``.configure`` file, or None."""
    data = read_json_object(path, private=False)
    if data is None:
        return None
    section = data.get("_sys_param")
    # Old tccli versions kept the region at the top level; tccli itself still migrates that form.
    region = section.get("region") if isinstance(section, dict) else data.get("region")
    if not region:
        return None
    return check_value(region, "the region in %s" % path)


def from_ini(path, profile, warnings=None):
    """Credentials from the SDK's INI file; None when the file is absent, False when it has no such section."""
    text = read_text(path, True, warnings)
    if text is None:
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        # Only the line number: configparser's messages quote the offending line, which may be a key.
        line = getattr(exc, "lineno", None) or (exc.errors[0][0] if getattr(exc, "errors", None) else None)
        where = " (line %s)" % line if line else ""
        raise ConfigError("%s is not a valid INI file%s" % (path, where)) from None
    if not parser.has_section(profile):
        return False
    section = parser[profile]
    values = []
    for field in ("secret_id", "secret_key"):
        value = section.get(field)
        if not value:
            raise ConfigError("section [%s] of %s has no %s" % (profile, path, field))
        origin = "%s in section [%s] of %s" % (field, profile, path)
        if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
            raise ConfigError("%s is written in quotes: write it without them" % origin)
        values.append(check_value(value, origin))
    return Credentials(values[0], values[1], source="profile %s (%s)" % (profile, path))


def from_profile(profile, origin, option, env, home, system_file, now, warnings=None):
    """Look the profile up in tccli's then the SDK's files.

    Returns ``(credentials or None, extras, region, places)``; ``places`` describes what was looked at,
    for the error when nothing is found. A profile that was asked for by name (``origin`` set) must exist.
    """
    directory = env.get(ENV_CREDENTIALS_DIR) or os.path.join(home, ".tccli")
    if directory == "~" or directory.startswith("~/"):
        directory = home + directory[1:]
    tccli_file = os.path.join(directory, profile + ".credential")
    found = from_tccli(tccli_file, profile, now, warnings)
    if found is not None:
        region = tccli_region(os.path.join(directory, profile + ".configure"))
        return found[0], found[1], region, []
    places = ["%s (absent)" % tccli_file]
    for path in (os.path.join(home, ".tencentcloud", "credentials"), system_file):
        credentials = from_ini(path, profile, warnings)
        if credentials is None:
            places.append("%s (absent)" % path)
            continue
        if credentials is False:
            places.append("%s (has no [%s] section)" % (path, profile))
            break  # like the SDK: the first INI file that exists is the only one read
        return credentials, {}, None, []
    if origin is not None:
        raise ConfigError("profile %r (from %s) was not found: looked at %s" % (profile, origin, ", ".join(places)),
                          option=option)
    return None, {}, None, places


# The one GET to the CVM instance metadata service, which hands out a CAM role's temporary keys.


# The metadata service answers in milliseconds on an instance; off an instance nothing answers, and
# waiting longer would only delay the error.
METADATA_TIMEOUT = 2


def metadata_get(url, timeout):
    """GET ``url`` and return ``(status_code, text)``; network failures raise ``requests``' exceptions (IOErrors).

    No proxy and no redirect: the metadata service is local to the instance, and the keys it returns
    must not pass through a proxy configured for the outside world.
    """
    if not HAS_REQUESTS:
        raise ConfigError("cam_role_name needs the Python library requests, which is not installed", option="cam_role_name")
    session = requests.Session()
    session.trust_env = False
    try:
        answer = session.get(url, timeout=timeout, allow_redirects=False)
        return answer.status_code, answer.text
    finally:
        session.close()


# The refreshers of temporary keys: a CVM instance role (metadata service) and STS AssumeRole.
#
# Each ``*_refresher`` returns a ``fetch()`` that gets a new Credentials or raises ConfigError; the
# CredentialSource calls it once at the start and again before the keys expire.


ENV_METADATA_ENDPOINT = "TENCENTCLOUD_METADATA_ENDPOINT"
DEFAULT_METADATA_ENDPOINT = "http://metadata.tencentyun.com"
METADATA_PATH = "/latest/meta-data/cam/security-credentials/"
_KEY_FIELDS = ("TmpSecretId", "TmpSecretKey", "Token")


def cvm_role_refresher(role, role_origin, option, env, http_get, clock):
    """Temporary keys of the CAM role ``role`` from the metadata service, read with ``http_get(url, timeout)``."""
    base = (env.get(ENV_METADATA_ENDPOINT) or DEFAULT_METADATA_ENDPOINT).rstrip("/")
    url = base + METADATA_PATH + quote(role, safe="")
    where = "the metadata service at %s (role %s)" % (base, role)

    def fetch():
        try:
            status, text = http_get(url, METADATA_TIMEOUT)
        except (IOError, OSError) as exc:  # requests' exceptions are IOErrors too
            raise ConfigError("cam_role_name is set but the instance metadata service at %s did not answer (%s): this only "
                              "works on a CVM instance with that role attached" % (base, type(exc).__name__),
                              option=option) from None
        if status == 404:
            raise ConfigError("the CAM role %r (from %s) is not attached to this CVM instance: the metadata service at %s "
                              "answered 404" % (role, role_origin, base), option=option)
        if status != 200:
            raise ConfigError("%s answered HTTP %s" % (where, status), option=option)
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ConfigError("%s answered with something that is not a JSON object" % where, option=option)
        if data.get("Code") != "Success":
            raise ConfigError("%s answered Code %r instead of 'Success'" % (where, data.get("Code")), option=option)
        return temporary_credentials(data, _KEY_FIELDS, data.get("ExpiredTime"), "the answer of " + where,
                                     "cvm role %s" % role, clock())

    return fetch


def _sts_failure(exc):
    text = "%s: %s" % (exc.code, exc.message)
    if exc.request_id:
        text += " (request id %s)" % exc.request_id
    if exc.code in ("UnauthorizedOperation", "AuthFailure.UnauthorizedOperation"):
        text += ". Hint: the base credentials need a CAM policy allowing sts:AssumeRole on the role, and the role's " \
                "trust policy must allow their account or user"
    return text


def assume_role_refresher(base, arn, session_name, duration, sts_call, clock):
    """Temporary keys of role ``arn`` from ``sts_call(credentials, params)``, signed with ``base.get()``."""
    params = {"RoleArn": arn, "RoleSessionName": session_name, "DurationSeconds": duration}

    def fetch():
        credentials = base.get()
        try:
            answer = sts_call(credentials, dict(params))
        except TcccError as exc:
            raise ConfigError("AssumeRole of %s (session %s) with the credentials from %s failed: %s"
                              % (arn, session_name, credentials.source, _sts_failure(exc)), option="assume_role_arn") from None
        if isinstance(answer, dict) and isinstance(answer.get("Response"), dict):
            answer = answer["Response"]
        where = "the AssumeRole answer for %s" % arn
        fields = answer.get("Credentials") if isinstance(answer, dict) else None
        if not isinstance(fields, dict):
            raise ConfigError("%s has no Credentials" % where, option="assume_role_arn")
        return temporary_credentials(fields, _KEY_FIELDS, answer.get("ExpiredTime"), where,
                                     "assume role %s via %s" % (arn, credentials.source), clock())

    return fetch
