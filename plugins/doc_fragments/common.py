# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The options of plugins/module_utils/_base.py:tccc_argument_spec(); keep both in step.
    DOCUMENTATION = r"""
options:
  sdk_app_id:
    description:
      - The TCCC instance, the C(SdkAppId) shown in the TCCC console.
    type: int
    required: true
  secret_id:
    description:
      - The SecretId of a Tencent Cloud API key (CAM).
      - 'The credential chain: the first of these sources that yields a key signs the requests.'
      - 1. The options O(secret_id) and O(secret_key), with the token O(security_token).
      - 2. The environment variables E(TENCENTCLOUD_SECRET_ID) and E(TENCENTCLOUD_SECRET_KEY), with the token
        E(TENCENTCLOUD_SECURITY_TOKEN), else E(TENCENTCLOUD_TOKEN); skipped when the task gives O(profile) or O(cam_role_name)
        as an option, since what the task says wins over the environment (as with the AWS tools).
      - 3. The profile O(profile) in tccli's C(<dir>/<profile>.credential) (JSON C(secretId), C(secretKey), C(token); C(<dir>) is
        E(TENCENTCLOUD_SHARED_CREDENTIALS_DIR), else C(~/.tccli)); when that file does not exist, the C([<profile>]) section
        (C(secret_id), C(secret_key), no token) of the first existing of C(~/.tencentcloud/credentials) and
        C(/etc/tencentcloud/credentials).
      - 4. The CAM role O(cam_role_name) of the CVM instance the module runs on, when that option is set.
      - 5. When O(assume_role_arn) is set, the key found above calls STS C(AssumeRole), and the role's temporary keys sign the requests.
      - A key pair is set whole or not at all, and a token is only used with the key of its own source (an environment token never
        pairs with option keys). Empty values count as unset. A value with leading or trailing white space, with a control character
        or a character outside Latin-1 (no HTTP header can carry those), half a key pair, a
        profile named but not found, or a file that cannot be read or parsed fails the task before anything is sent, with a message
        that names the option, variable or file and never the value.
      - When the API refuses the key (unknown, malformed, wrong secret, bad token), the message says where the key came from.
    type: str
  secret_key:
    description:
      - The SecretKey that belongs to O(secret_id). Never logged.
      - Environment variable E(TENCENTCLOUD_SECRET_KEY) when neither O(secret_id) nor O(secret_key) is set.
    type: str
  security_token:
    description:
      - The session token of temporary credentials (STS), sent as C(X-TC-Token). Never logged.
      - Environment variable E(TENCENTCLOUD_SECURITY_TOKEN), then E(TENCENTCLOUD_TOKEN), when the keys come from the environment.
    type: str
    aliases: [token]
  profile:
    description:
      - The credential profile to read when no key was given as options (source 3 of O(secret_id)). Given as an option, it wins
        over keys in the environment; from its environment variables, it does not.
      - Defaults to environment variable E(TENCENTCLOUD_PROFILE), then E(TCCLI_PROFILE), then V(default). A profile named here or
        in those variables must exist.
      - A tccli profile's C(<profile>.configure) file may supply the region.
      - A profile file that every user on the machine can read (its mode and the directories above it allow it) is used with a
        warning naming the C(chmod) that fixes it; tccli's own layout (a 0700 directory) and a file shared with a group pass quietly.
    type: str
  cam_role_name:
    description:
      - Name of the CAM role attached to the CVM instance the module runs on; its temporary credentials are read
        from the instance metadata service (2 second timeout) and refreshed before they expire.
      - Environment variable E(TENCENTCLOUD_CAM_ROLE_NAME). The metadata base URL can be changed with E(TENCENTCLOUD_METADATA_ENDPOINT)
        (default V(http://metadata.tencentyun.com)).
      - Only used when no key was found in the options, the environment or a profile. Given as an option, it wins over keys and a
        profile named in the environment; O(profile) given as an option wins over it; the implicit V(default) profile is not read
        when a role is set.
    type: str
  assume_role_arn:
    description:
      - ARN of a CAM role to assume with STS C(AssumeRole), using the credentials found as described in O(secret_id).
      - Environment variable E(TENCENTCLOUD_ASSUME_ROLE_ARN), then tccli's E(TENCENTCLOUD_ROLE_ARN), then the C(role-arn) of the tccli
        profile that gave the key, when it also has a C(role-session-name) (as tccli does).
      - The temporary credentials are refreshed before they expire during long reads.
    type: str
  assume_role_session_name:
    description:
      - Session name of the assumed role, visible in CloudAudit; 2 to 128 letters, digits and C(+=,.@_-).
      - Environment variable E(TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME), then E(TENCENTCLOUD_ROLE_SESSION_NAME), then the
        C(role-session-name) of the tccli profile; default V(ansible-tccc).
    type: str
  assume_role_duration:
    description:
      - Lifetime in seconds of the assumed role's credentials, from 1 to 43200 (STS C(AssumeRole)'s C(DurationSeconds), whose
        documented maximum is 43200 and default 7200; no minimum is documented).
      - Environment variable E(TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION); default V(7200).
    type: int
  sts_endpoint:
    description:
      - The STS endpoint used by O(assume_role_arn), in the same forms as O(endpoint).
      - Environment variable E(TENCENTCLOUD_STS_ENDPOINT); default V(sts.tencentcloudapi.com).
    type: str
  region:
    description:
      - Region sent as C(X-TC-Region), for example V(ap-guangzhou). The extension APIs do not need one.
      - Environment variable E(TENCENTCLOUD_REGION), then the region of a tccli profile.
    type: str
  endpoint:
    description:
      - The TCCC API endpoint as V(host), V(host:port), V(https://host[:port]) or V(http://host[:port]). Without a scheme it is
        HTTPS; a plain-HTTP server such as the emulator needs V(http://). User info (V(user:password@host)) is refused.
      - Environment variable E(TENCENTCLOUD_CCC_ENDPOINT); default V(ccc.tencentcloudapi.com) (use V(ccc.intl.tencentcloudapi.com)
        for the international site).
      - Point it at the local emulator (C(python tests/emulator)) to test playbooks without a Tencent Cloud account.
    type: str
  language:
    description:
      - Language of the API's error messages.
    type: str
    choices: [en-US, zh-CN]
    default: en-US
  timeout:
    description:
      - Seconds a request may take as a whole, from connecting to the last byte of the answer, above 0 and at most 600. A
        server that keeps sending a byte now and then does not extend it. A read that runs out of time is retried like any
        transient failure; a write that does may have been carried out, so the module reads the state again instead of resending it.
      - Answers larger than 8 MB are refused while they arrive (a page of 100 extensions is about 40 kB).
    type: float
    default: 15
  retries:
    description:
      - How many times a failed request is retried (0 tries once), with capped exponential backoff and full jitter
        (0.5 s doubling up to 10 s).
      - Reads are retried after throttling (C(RequestLimitExceeded)), server errors (C(ServiceUnavailable), C(InternalError), HTTP 5xx,
        pages that are not API answers), network errors and timeouts. Credential, parameter and quota (C(LimitExceeded)) errors are
        not retried.
      - Writes are retried only after throttling, which the API answers before acting. A write that fails without a clear answer
        (timeout, dropped connection, cut body, HTTP error page) may have been carried out, so it is never sent again; the module
        reads the state instead.
      - C(AuthFailure.SignatureExpire) is answered once by re-signing with the server's clock, whatever this is set to.
    type: int
    default: 5
  rate_limit:
    description:
      - Requests per second, per API action and account, that all runs of the collection's modules on this machine share
        (Ansible forks included). The API allows 20; set it lower when other tools use the same account at the same time.
      - From V(0.01) to V(1000); values above 20 are only for an endpoint with a higher limit, such as the emulator.
      - After a C(RequestLimitExceeded) answer the pace drops and then recovers.
      - The shared state is kept in a private directory of the user, C($XDG_RUNTIME_DIR/tccc-pacing) or else C(~/.ansible/tccc-pacing).
        When it cannot be used the run paces on its own and says why. A slow run never holds the shared budget for more than about
        one second.
    type: float
    default: 20
  validate_certs:
    description:
      - Whether to verify the endpoint's TLS certificate. Only turn this off for a test endpoint.
    type: bool
    default: true
notes:
  - Every TCCC extension API allows 20 requests per second. The collection paces its requests to that and shares the budget between
    forks on one machine; see O(rate_limit).
  - Requests go through the C(HTTPS_PROXY) and C(NO_PROXY) environment variables when they are set.
requirements:
  - requests
"""
