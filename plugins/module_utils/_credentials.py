# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Private to this collection, not a public API: only its own modules import it, and any release
# may change it without notice.
"""The credential chain's precedence: which source's key signs the requests (resolve_credentials).

The order of the sources and every rule are documented once, for users: the Credentials section of
README.md and the option docs of the doc fragment tencentcloud.tccc.common. The sources themselves
live next door, in _credential_sources.py: the values and their checks, profile files, the
metadata GET, and the refreshers (CVM role, STS AssumeRole).
Everything external (environment, home directory, metadata GET, STS call, clock) is injected.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import time

from ansible_collections.tencentcloud.tccc.plugins.module_utils._credential_sources import (
    CredentialSource, Credentials, SYSTEM_CREDENTIALS_FILE, assume_role_refresher, check_value, cvm_role_refresher, from_profile, metadata_get,
)
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import ConfigError


ENV_SECRET_ID = "TENCENTCLOUD_SECRET_ID"
ENV_SECRET_KEY = "TENCENTCLOUD_SECRET_KEY"
ENV_TOKENS = ("TENCENTCLOUD_SECURITY_TOKEN", "TENCENTCLOUD_TOKEN")
ENV_PROFILES = ("TENCENTCLOUD_PROFILE", "TCCLI_PROFILE")
ENV_CAM_ROLE_NAME = "TENCENTCLOUD_CAM_ROLE_NAME"
ENV_ROLE_ARNS = ("TENCENTCLOUD_ASSUME_ROLE_ARN", "TENCENTCLOUD_ROLE_ARN")
ENV_SESSION_NAMES = ("TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME", "TENCENTCLOUD_ROLE_SESSION_NAME")
ENV_DURATION = "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION"

DEFAULT_PROFILE = "default"
DEFAULT_SESSION_NAME = "ansible-tccc"
DEFAULT_DURATION = 7200
MAX_DURATION = 43200  # STS AssumeRole's documented maximum

# STS AssumeRole's documented RoleSessionName rule.
_SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,128}$", re.ASCII)


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


def _set(params, option):
    return params.get(option) not in (None, "")


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
            check_value(value, "the %s option" % name, option=name)
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
            check_value(value, "the environment variable %s" % name)
    return Credentials(secret_id, secret_key, token, source="env")


def _profile_name(params, env):
    name, origin, option = _setting(params, "profile", env, ENV_PROFILES)
    if name is None:
        return DEFAULT_PROFILE, None, None
    check_value(name, origin, option)
    if name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ConfigError("%s: profile name %r must not be a path" % (origin, name), option=option)
    return name, origin, option


def _assume_role_settings(params, env, extras):
    arn, arn_origin, arn_option = _setting(params, "assume_role_arn", env, ENV_ROLE_ARNS,
                                           extras.get("role-arn"), "role-arn in the tccli profile")
    if arn is None:
        return None
    check_value(arn, arn_origin, arn_option)
    name, origin, option = _setting(params, "assume_role_session_name", env, ENV_SESSION_NAMES,
                                    extras.get("role-session-name") or DEFAULT_SESSION_NAME, "the default session name")
    check_value(name, origin, option)
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
    """Resolve the credential chain and return a CredentialSource.

    ``params``: the module options (secret_id, secret_key, security_token, profile, cam_role_name,
    assume_role_arn, assume_role_session_name, assume_role_duration, region; missing or None means
    unset). The source's ``region`` is the one to sign with: the region option, else the region of
    the tccli profile that gave the keys, else None.
    ``sts_call(credentials, params) -> dict``: performs STS AssumeRole (the ``Response`` object, or the
    whole answer); it raises TcccError on failure. ``http_get(url, timeout) -> (status, text)``: the
    metadata GET, raising IOError/OSError when nothing answers. Every configuration problem, and a
    failing first CVM role or AssumeRole fetch, raises ConfigError here, before any API request.
    """
    params = params or {}
    env = os.environ if env is None else env
    home = home if home is not None else os.path.expanduser("~")
    http_get = http_get or metadata_get
    # What the task itself says wins over the environment, as with the AWS tools: a profile or CVM
    # role written as an option beats keys in the environment (and a profile that does not exist fails).
    written = _set(params, "profile") or _set(params, "cam_role_name")
    credentials = _from_options(params) or (None if written else _from_env(env))
    role, role_origin, role_option = _setting(params, "cam_role_name", env, (ENV_CAM_ROLE_NAME,))
    extras, region, places, warnings = {}, None, [], []
    if credentials is None:
        profile, origin, option = _profile_name(params, env)
        # An implicit "default" profile, or one from the environment, must not override a CVM role the task asked for.
        if option is not None or (role_option is None and (origin is not None or role is None)):
            credentials, extras, region, places = from_profile(profile, origin, option, env, home, system_file, clock(), warnings)
    region = params.get("region") or region
    if credentials is not None:
        source = CredentialSource(credentials, clock=clock, region=region, warnings=warnings)
    elif role is not None:
        check_value(role, role_origin, role_option)
        fetch = cvm_role_refresher(role, role_origin, role_option, env, http_get, clock)
        source = CredentialSource(fetch(), refresh=fetch, clock=clock, region=region, warnings=warnings)
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
    fetch = assume_role_refresher(source, assume[0], assume[1], assume[2], sts_call, clock)
    return CredentialSource(fetch(), refresh=fetch, clock=clock, region=source.region, warnings=warnings)
