# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The credential chain: which keys sign the requests, and keeping temporary keys fresh.

The first source that yields a key (secret id + secret key) wins::

  #   source          secret id / secret key                      token                          consulted when
  --  --------------  ------------------------------------------  -----------------------------  -------------------------------------
  1   module options  secret_id + secret_key (both or neither)    security_token                 always
  2   environment     TENCENTCLOUD_SECRET_ID +                    TENCENTCLOUD_SECURITY_TOKEN,   no key from 1
                      TENCENTCLOUD_SECRET_KEY (both or neither)   else TENCENTCLOUD_TOKEN
  3a  tccli profile   <dir>/<profile>.credential (JSON):          token                          no key from 1-2, and either the profile
                      secretId, secretKey                                                        was named or cam_role_name is unset
  3b  SDK profile     [<profile>] secret_id, secret_key in the    none (SDK format has none)     as 3a, when 3a's file does not exist
                      first existing of ~/.tencentcloud/
                      credentials, /etc/tencentcloud/credentials
  4   CVM role        instance metadata                           from the metadata service      no key from 1-3, cam_role_name or
                      <base>/latest/meta-data/cam/                (refreshed)                    TENCENTCLOUD_CAM_ROLE_NAME set
                      security-credentials/<role>
  5   AssumeRole      STS AssumeRole, signed with the key of 1-4  from STS (refreshed)           assume_role_arn (see below) set

  <profile>  option profile, else TENCENTCLOUD_PROFILE, else TCCLI_PROFILE, else "default"
  <dir>      TENCENTCLOUD_SHARED_CREDENTIALS_DIR, else ~/.tccli
  <base>     TENCENTCLOUD_METADATA_ENDPOINT, else http://metadata.tencentyun.com
  role ARN   option assume_role_arn, else TENCENTCLOUD_ASSUME_ROLE_ARN, else TENCENTCLOUD_ROLE_ARN (tccli),
             else role-arn in the tccli profile that gave the key (with its role-session-name, as tccli does)
  session    option assume_role_session_name, else TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME, else
             TENCENTCLOUD_ROLE_SESSION_NAME, else role-session-name in that tccli profile, else "ansible-tccc"
  duration   option assume_role_duration, else TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION, else 7200 (1-43200 s)
  region     CredentialSource.region: _sys_param.region of <dir>/<profile>.configure when 3a gave the key

Rules: a token is only paired with keys from the same source (an environment token never signs with
option keys); empty values count as unset; a named profile that does not exist, half a key pair, a
value with surrounding whitespace, a key file that group or others can access, or a file that
cannot be read or parsed is a ConfigError naming the option, variable or file, never the value.
Everything external (environment, home directory, metadata GET, STS call, clock) is injected.
"""

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

from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import ConfigError, TcccError

ENV_SECRET_ID = "TENCENTCLOUD_SECRET_ID"
ENV_SECRET_KEY = "TENCENTCLOUD_SECRET_KEY"
ENV_TOKENS = ("TENCENTCLOUD_SECURITY_TOKEN", "TENCENTCLOUD_TOKEN")
ENV_PROFILES = ("TENCENTCLOUD_PROFILE", "TCCLI_PROFILE")
ENV_CREDENTIALS_DIR = "TENCENTCLOUD_SHARED_CREDENTIALS_DIR"
ENV_CAM_ROLE_NAME = "TENCENTCLOUD_CAM_ROLE_NAME"
ENV_METADATA_ENDPOINT = "TENCENTCLOUD_METADATA_ENDPOINT"
ENV_ROLE_ARNS = ("TENCENTCLOUD_ASSUME_ROLE_ARN", "TENCENTCLOUD_ROLE_ARN")
ENV_SESSION_NAMES = ("TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME", "TENCENTCLOUD_ROLE_SESSION_NAME")
ENV_DURATION = "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION"

DEFAULT_PROFILE = "default"
SYSTEM_CREDENTIALS_FILE = "/etc/tencentcloud/credentials"
DEFAULT_METADATA_ENDPOINT = "http://metadata.tencentyun.com"
METADATA_PATH = "/latest/meta-data/cam/security-credentials/"
# The metadata service answers in milliseconds on an instance; off an instance nothing answers, and
# waiting longer would only delay the error.
METADATA_TIMEOUT = 2
DEFAULT_SESSION_NAME = "ansible-tccc"
DEFAULT_DURATION = 7200
MAX_DURATION = 43200  # STS AssumeRole's documented maximum
# Temporary keys must outlive the request being signed and its retries with backoff.
REFRESH_MARGIN = 300

# STS AssumeRole's documented RoleSessionName rule.
_SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,128}$", re.ASCII)


class Credentials:
    """One immutable key: ``secret_id``, ``secret_key``, ``token``, ``expires_at`` (unix s) and ``source``.

    The repr masks everything secret, so a credential that ends up in a log or a traceback's
    message leaks nothing but the last characters of the (non-secret) secret id.
    """

    __slots__ = ("secret_id", "secret_key", "token", "expires_at", "source")

    def __init__(self, secret_id, secret_key, token=None, expires_at=None, source=""):
        for name, value in zip(self.__slots__, (secret_id, secret_key, token, expires_at, source)):
            object.__setattr__(self, name, value)

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
    One lock serialises the check and the renewal, so concurrent readers trigger one renewal, not one each.
    """

    def __init__(self, credentials, refresh=None, clock=time.time, region=None):
        self.region = region
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


def _check(value, origin, option=None):
    """Return ``value`` if it is a usable string; the message names ``origin`` and never the value."""
    if not isinstance(value, str):
        raise ConfigError("%s must be a string" % origin, option=option)
    if value != value.strip():
        raise ConfigError("%s has leading or trailing whitespace, which the API rejects as an unknown key or a bad "
                          "signature: strip it" % origin, option=option)
    return value


def _env(env, name):
    return env.get(name) or None


def _setting(params, option, env, variables, fallback=None, fallback_origin=None):
    """The first set value of the option, then the variables, then the fallback, with where it came from."""
    value = params.get(option)
    if value is not None and value != "":
        return value, "the %s option" % option, option
    for name in variables:
        if _env(env, name) is not None:
            return env[name], "the environment variable %s" % name, None
    if fallback is not None:
        return fallback, fallback_origin, None
    return None, None, None


def _from_options(params):
    secret_id, secret_key, token = (params.get(name) or None for name in ("secret_id", "secret_key", "security_token"))
    if secret_id is None and secret_key is None:
        if token is not None:
            raise ConfigError("security_token is set without secret_id and secret_key: a token only works together with "
                              "the temporary key it was issued with", option="security_token")
        return None
    for name, value, other in (("secret_id", secret_id, "secret_key"), ("secret_key", secret_key, "secret_id")):
        if value is None:
            raise ConfigError("%s is set but %s is not: set both (or neither)" % (other, name), option=name)
    for name, value in (("secret_id", secret_id), ("secret_key", secret_key), ("security_token", token)):
        if value is not None:
            _check(value, "the %s option" % name, option=name)
    return Credentials(secret_id, secret_key, token, source="option")


def _from_env(env):
    secret_id, secret_key = _env(env, ENV_SECRET_ID), _env(env, ENV_SECRET_KEY)
    if secret_id is None and secret_key is None:
        return None
    for name, value, other in ((ENV_SECRET_ID, secret_id, ENV_SECRET_KEY), (ENV_SECRET_KEY, secret_key, ENV_SECRET_ID)):
        if value is None:
            raise ConfigError("the environment variable %s is set but %s is not: set both (or neither)" % (other, name))
    token, token_name = None, None
    for name in ENV_TOKENS:
        if _env(env, name) is not None:
            token, token_name = env[name], name
            break
    for name, value in ((ENV_SECRET_ID, secret_id), (ENV_SECRET_KEY, secret_key), (token_name, token)):
        if value is not None:
            _check(value, "the environment variable %s" % name)
    return Credentials(secret_id, secret_key, token, source="env")


def _read_text(path, private):
    """The file's text, or None when it does not exist. ``private`` files must not be open to group or others."""
    try:
        with open(path, "rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if private and mode & 0o077:
                raise ConfigError("%s holds keys but group or others can access it (mode %04o): run `chmod 600 %s` "
                                  "(keys in such a file are refused, as ssh refuses such private keys)"
                                  % (path, stat.S_IMODE(mode), path))
            data = handle.read()
    except FileNotFoundError:
        return None
    except (IOError, OSError) as exc:
        raise ConfigError("cannot read %s: %s" % (path, exc.strerror or type(exc).__name__)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("%s is not UTF-8 text" % path) from None


def _read_json_object(path, private):
    text = _read_text(path, private)
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


def _expiry(value, where, now):
    """A unix expiry time from an answer or a file; already past means a stale answer or a wrong clock."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError("%s has no numeric expiry time" % where)
    if value <= now:
        raise ConfigError("the temporary credentials from %s expired at %d, before now (%d): renew them, or check "
                          "this machine's clock" % (where, value, now))
    return float(value)


def _from_tccli(path, profile, now):
    """Credentials and extra settings from a tccli ``.credential`` file, or None when it does not exist."""
    data = _read_json_object(path, private=True)
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
            _check(value, "%s in %s" % (name, path))
    expires_at = None
    if data.get("expiresAt") is not None:  # tccli's sso and oauth logins write short-lived keys
        expires_at = _expiry(data["expiresAt"], path, now)
    credentials = Credentials(values[0], values[1], values[2], expires_at, "profile %s (%s)" % (profile, path))
    extras = {}
    # tccli itself assumes the profile's role only when both are set.
    if data.get("role-arn") and data.get("role-session-name"):
        for field in ("role-arn", "role-session-name"):
            extras[field] = _check(data[field], "%s in %s" % (field, path))
    return credentials, extras


def _tccli_region(path):
    data = _read_json_object(path, private=False)
    if data is None:
        return None
    section = data.get("_sys_param")
    # Old tccli versions kept the region at the top level; tccli itself still migrates that form.
    region = section.get("region") if isinstance(section, dict) else data.get("region")
    if not region:
        return None
    return _check(region, "the region in %s" % path)


def _from_ini(path, profile):
    """Credentials from the SDK's INI file; None when the file is absent, False when it has no such section."""
    text = _read_text(path, private=True)
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
        values.append(_check(value, origin))
    return Credentials(values[0], values[1], source="profile %s (%s)" % (profile, path))


def _profile_name(params, env):
    name, origin, option = _setting(params, "profile", env, ENV_PROFILES)
    if name is None:
        return DEFAULT_PROFILE, None, None
    _check(name, origin, option)
    if name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ConfigError("%s: profile name %r must not be a path" % (origin, name), option=option)
    return name, origin, option


def _from_profile(profile, origin, option, env, home, system_file, now):
    """Look the profile up in tccli's then the SDK's files.

    Returns ``(credentials or None, extras, region, places)``; ``places`` describes what was looked at,
    for the error when nothing is found. A profile that was asked for by name must exist.
    """
    directory = env.get(ENV_CREDENTIALS_DIR) or os.path.join(home, ".tccli")
    if directory == "~" or directory.startswith("~/"):
        directory = home + directory[1:]
    tccli_file = os.path.join(directory, profile + ".credential")
    found = _from_tccli(tccli_file, profile, now)
    if found is not None:
        region = _tccli_region(os.path.join(directory, profile + ".configure"))
        return found[0], found[1], region, []
    places = ["%s (absent)" % tccli_file]
    for path in (os.path.join(home, ".tencentcloud", "credentials"), system_file):
        credentials = _from_ini(path, profile)
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


def _cvm_role_refresher(role, role_origin, option, env, http_get, clock):
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
        return _temporary(data, ("TmpSecretId", "TmpSecretKey", "Token"), data.get("ExpiredTime"),
                          "the answer of " + where, "cvm role %s" % role, clock())

    return fetch


def _temporary(fields, names, expired_time, where, source, now):
    """Credentials from a temporary-key answer whose key fields are ``names`` (id, key, token)."""
    values = []
    for name in names:
        value = fields.get(name)
        if not value:
            raise ConfigError("%s has no %s" % (where, name))
        values.append(_check(value, "%s in %s" % (name, where)))
    return Credentials(values[0], values[1], values[2], _expiry(expired_time, where, now), source)


def _sts_failure(exc):
    text = "%s: %s" % (exc.code, exc.message)
    if exc.request_id:
        text += " (request id %s)" % exc.request_id
    if exc.code in ("UnauthorizedOperation", "AuthFailure.UnauthorizedOperation"):
        text += ". Hint: the base credentials need a CAM policy allowing sts:AssumeRole on the role, and the role's " \
                "trust policy must allow their account or user"
    return text


def _assume_role_refresher(base, arn, session_name, duration, sts_call, clock):
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
        return _temporary(fields, ("TmpSecretId", "TmpSecretKey", "Token"), answer.get("ExpiredTime"), where,
                          "assume role %s via %s" % (arn, credentials.source), clock())

    return fetch


def _assume_role_settings(params, env, extras):
    arn, arn_origin, arn_option = _setting(params, "assume_role_arn", env, ENV_ROLE_ARNS,
                                           extras.get("role-arn"), "role-arn in the tccli profile")
    if arn is None:
        return None
    _check(arn, arn_origin, arn_option)
    name, origin, option = _setting(params, "assume_role_session_name", env, ENV_SESSION_NAMES,
                                    extras.get("role-session-name") or DEFAULT_SESSION_NAME, "the default session name")
    _check(name, origin, option)
    if not _SESSION_NAME.match(name):
        raise ConfigError("%s must be 2 to 128 characters of letters, digits and +=,.@_-" % origin, option=option)
    duration, origin, option = _setting(params, "assume_role_duration", env, (ENV_DURATION,))
    if duration is None:
        duration = DEFAULT_DURATION
    else:
        try:
            duration = int(duration) if not isinstance(duration, bool) else None
        except (TypeError, ValueError):
            duration = None
        if duration is None or not 0 < duration <= MAX_DURATION:
            raise ConfigError("%s must be a whole number of seconds from 1 to %d" % (origin, MAX_DURATION), option=option)
    return arn, name, duration


def _nothing_found(env, places, prefix, option=None):
    message = ("%s: looked at the secret_id and secret_key options, the environment variables %s and %s, and profile "
               "files %s. Set one of these, or cam_role_name (or %s) on a CVM instance with a CAM role attached"
               % (prefix, ENV_SECRET_ID, ENV_SECRET_KEY, ", ".join(places), ENV_CAM_ROLE_NAME))
    stray = [name for name in ENV_TOKENS if _env(env, name) is not None]
    if stray:
        message += " (%s is set, but an environment token is only used with %s and %s)" % (
            stray[0], ENV_SECRET_ID, ENV_SECRET_KEY)
    return ConfigError(message, option=option)


def resolve_credentials(params, env=None, home=None, sts_call=None, http_get=None, clock=time.time,
                        system_file=SYSTEM_CREDENTIALS_FILE):
    """Resolve the chain in the module docstring and return a CredentialSource.

    ``params``: the module options (secret_id, secret_key, security_token, profile, cam_role_name,
    assume_role_arn, assume_role_session_name, assume_role_duration; missing or None means unset).
    ``sts_call(credentials, params) -> dict``: performs STS AssumeRole (the ``Response`` object, or the
    whole answer); it raises TcccError on failure. ``http_get(url, timeout) -> (status, text)``: the
    metadata GET, raising IOError/OSError when nothing answers. Every configuration problem, and a
    failing first CVM role or AssumeRole fetch, raises ConfigError here, before any API request.
    """
    params = params or {}
    env = os.environ if env is None else env
    home = home if home is not None else os.path.expanduser("~")
    http_get = http_get or metadata_get
    credentials = _from_options(params) or _from_env(env)
    role, role_origin, role_option = _setting(params, "cam_role_name", env, (ENV_CAM_ROLE_NAME,))
    extras, region, places = {}, None, []
    if credentials is None:
        profile, origin, option = _profile_name(params, env)
        # An implicit "default" profile must not override a CVM role that was asked for.
        if origin is not None or role is None:
            credentials, extras, region, places = _from_profile(profile, origin, option, env, home, system_file, clock())
    if credentials is not None:
        source = CredentialSource(credentials, clock=clock, region=region)
    elif role is not None:
        _check(role, role_origin, role_option)
        fetch = _cvm_role_refresher(role, role_origin, role_option, env, http_get, clock)
        source = CredentialSource(fetch(), refresh=fetch, clock=clock)
    else:
        source = None

    assume = _assume_role_settings(params, env, extras)
    if assume is None:
        if source is None:
            raise _nothing_found(env, places, "no Tencent Cloud credentials found")
        return source
    if source is None:
        raise _nothing_found(env, places, "assume_role_arn is set, but no credentials were found to call AssumeRole with",
                             option="assume_role_arn")
    if sts_call is None:
        raise ValueError("resolve_credentials needs sts_call when assume_role_arn is set")
    fetch = _assume_role_refresher(source, assume[0], assume[1], assume[2], sts_call, clock)
    return CredentialSource(fetch(), refresh=fetch, clock=clock, region=source.region)
