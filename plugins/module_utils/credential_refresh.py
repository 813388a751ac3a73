# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The refreshers of temporary keys: a CVM instance role (metadata service) and STS AssumeRole.

Each ``*_refresher`` returns a ``fetch()`` that gets a new Credentials or raises ConfigError; the
CredentialSource calls it once at the start and again before the keys expire.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from urllib.parse import quote

from ansible_collections.tencentcloud.tccc.plugins.module_utils.credential_metadata import METADATA_TIMEOUT
from ansible_collections.tencentcloud.tccc.plugins.module_utils.credential_types import temporary_credentials
from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import ConfigError, TcccError

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
