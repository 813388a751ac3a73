# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The options every module shares, and the client built from them.

The options here are documented once, in the doc fragment ``tencentcloud.tccc.common``; keep the
two in step (ansible-test's validate-modules compares them). base.run_module() uses both.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

from ansible_collections.tencentcloud.tccc.plugins.module_utils.checks import check_transport_options
from ansible_collections.tencentcloud.tccc.plugins.module_utils.client import CCC_VERSION, STS_VERSION, Client, new_session
from ansible_collections.tencentcloud.tccc.plugins.module_utils.credentials import CredentialSource, resolve_credentials
from ansible_collections.tencentcloud.tccc.plugins.module_utils.endpoint import CCC_HOST, STS_HOST, parse_endpoint


def tccc_argument_spec():
    """The shared options. Credential options have no argspec fallback: credentials.py resolves
    the environment itself so that a key pair and its token always come from one source."""
    return dict(
        sdk_app_id=dict(type="int", required=True),
        secret_id=dict(type="str"),
        secret_key=dict(type="str", no_log=True),
        security_token=dict(type="str", no_log=True, aliases=["token"]),
        profile=dict(type="str"),
        cam_role_name=dict(type="str"),
        assume_role_arn=dict(type="str"),
        assume_role_session_name=dict(type="str"),
        assume_role_duration=dict(type="int"),
        sts_endpoint=dict(type="str", fallback=(env_fallback, ["TENCENTCLOUD_STS_ENDPOINT"])),
        region=dict(type="str", fallback=(env_fallback, ["TENCENTCLOUD_REGION"])),
        endpoint=dict(type="str", fallback=(env_fallback, ["TENCENTCLOUD_CCC_ENDPOINT"])),
        language=dict(type="str", default="en-US", choices=["en-US", "zh-CN"]),
        timeout=dict(type="float", default=15.0),
        retries=dict(type="int", default=5),
        rate_limit=dict(type="float", default=20.0),
        validate_certs=dict(type="bool", default=True),
    )


def client_from_params(params, env=None, session=None):
    """Build the ccc Client of a module run: check options, resolve credentials, share one session.

    Raises ConfigError (or TcccError from STS or the metadata service) before any ccc request.
    """
    check_transport_options(params)
    session = session if session is not None else new_session()
    endpoint = parse_endpoint(params.get("endpoint"), CCC_HOST, "endpoint")
    sts_endpoint = parse_endpoint(params.get("sts_endpoint"), STS_HOST, "sts_endpoint")

    def transport(credentials, endpoint, service, version):
        return Client(credentials, endpoint, service=service, version=version, region=params.get("region"),
                      language=params["language"], timeout=params["timeout"], retries=params["retries"],
                      validate_certs=params["validate_certs"], rate_limit=params["rate_limit"], session=session)

    def sts_call(credentials, sts_params):
        return transport(CredentialSource(credentials), sts_endpoint, "sts", STS_VERSION).call("AssumeRole", sts_params)

    # The metadata service is read with credentials.metadata_get: no proxy may see the keys it returns.
    credentials = resolve_credentials(params, env=env, sts_call=sts_call)
    client = transport(credentials, endpoint, "ccc", CCC_VERSION)
    if client.region is None:
        client.region = getattr(credentials, "region", None)
    return client
