# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one GET to the CVM instance metadata service, which hands out a CAM role's temporary keys."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    import requests
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - the module reports missing_required_lib before getting here
    HAS_REQUESTS = False

from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import ConfigError

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
