#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: tccc_extension_info
short_description: Read TCCC extensions and their SIP registration facts
version_added: 0.1.0
description:
  - Reads the extensions (SIP phones) of a Tencent Cloud Contact Center (TCCC) instance with C(DescribeExtensions), and for each one
    the SIP registration facts (domain, password, outbound proxy, transport) with C(DescribeExtension).
  - The facts are meant to be templated onto desk phones and PBXs. The role
    R(tencentcloud.tccc.sip_client,ansible_collections.tencentcloud.tccc.sip_client_role) writes Asterisk, FreeSWITCH, baresip,
    linphone and Yealink configurations from them.
  - Read-only; runs the same in check mode.
author:
  - tencentcloud.tccc maintainers (@tencentcloud)
extends_documentation_fragment:
  - tencentcloud.tccc.common
  - tencentcloud.tccc.attributes
  - tencentcloud.tccc.attributes.info_module
  - tencentcloud.tccc.attributes.actiongroup
options:
  extension_ids:
    description:
      - The extensions to read. Omit to read every extension of the instance; an empty list reads none.
      - Ids that do not exist are listed in RV(missing_extension_ids); that is not an error.
      - Quote ids in YAML, for example V("01002"), since unquoted C(01002) is the octal number 514. An id given as a number is
        read as its decimal text, with a warning.
    type: list
    elements: str
    aliases: [extension_id]
  keyword:
    description:
      - Only extensions whose number, name, agent email or agent name contains this text (the API's C(FuzzingKeyWord)).
    type: str
  include_registration:
    description:
      - Add the SIP registration facts of each extension, including its password. This costs one C(DescribeExtension) request per
        extension, paced at O(rate_limit) (200 extensions take about 10 seconds at 20 requests per second).
    type: bool
    default: true
  include_status:
    description:
      - Add the live status of each extension (the API's C(IsNeedStatus)).
    type: bool
    default: false
notes:
  - With O(include_registration=true) the result holds SIP passwords. Set C(no_log) on the task, as every example below does. On
    ansible-core 2.22 and later each password is also registered as a secret, so it is shown as C($REDACTED$) but stays usable in later
    tasks; on older cores the module warns when passwords are returned by a task without C(no_log).
  - Registration reads run concurrently on kept-alive connections; one that still fails after O(retries) fails the task and names
    its extension.
seealso:
  - name: DescribeExtension API
    description: The Tencent Cloud API that returns an extension's registration facts.
    link: https://intl.cloud.tencent.com/document/api/1229/59751
  - name: DescribeExtensions API
    description: The Tencent Cloud API that lists an instance's extensions.
    link: https://intl.cloud.tencent.com/document/api/1229/59750
"""

EXAMPLES = r"""
- name: Read every extension of the instance with its SIP registration facts
  tencentcloud.tccc.tccc_extension_info:
    sdk_app_id: 1400000000
  register: tccc
  no_log: true  # the result holds SIP passwords

- name: Read two extensions with keys from the environment (TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY)
  tencentcloud.tccc.tccc_extension_info:
    sdk_app_id: 1400000000
    extension_ids: ["1001", "1002"]
  register: phones
  no_log: true

- name: Find the extensions of the support desk and whether they are busy, without passwords
  tencentcloud.tccc.tccc_extension_info:
    sdk_app_id: 1400000000
    keyword: support
    include_registration: false
    include_status: true
  register: support

- name: Read the facts once for all phones, on the control node, at the API's pace
  tencentcloud.tccc.tccc_extension_info:
    sdk_app_id: 1400000000
    extension_ids: "{{ groups['sip_phones'] | map('extract', hostvars, ['tccc_extension', 'extension_id']) | list }}"
  delegate_to: localhost
  run_once: true
  register: tccc
  no_log: true

# The sip_client role writes asterisk, freeswitch, baresip, linphone and yealink configurations; its templates
# quote every value with the sip_accounts filter, which your own templates can use as well.
- name: Write each phone's own extension into its baresip accounts file
  ansible.builtin.include_role:
    name: tencentcloud.tccc.sip_client
  vars:
    sip_client_kind: baresip
    sip_client_extensions: "{{ tccc.extensions | selectattr('extension_id', 'equalto', tccc_extension.extension_id) | list }}"

- name: Set credentials and the instance once for a block of tasks
  module_defaults:
    group/tencentcloud.tccc.tccc:
      sdk_app_id: 1400000000
      profile: contact-center
  block:
    - name: Read extension 1001 with the credentials of a tccli profile
      tencentcloud.tccc.tccc_extension_info:
        extension_id: "1001"
      register: front_desk
      no_log: true
"""

RETURN = r"""
extensions:
  description: The extensions found, in the API's order; an empty list when none.
  returned: always
  type: list
  elements: dict
  contains:
    extension_id:
      description: The extension number.
      type: str
      sample: "1001"
    extension_name:
      description: The extension's display name.
      type: str
      sample: Front desk
    full_extension_id:
      description: The extension's SIP address of record.
      type: str
      sample: 1001@1400000000.tccc.qcloud.com
    sdk_app_id:
      description: The TCCC instance.
      type: int
      sample: 1400000000
    skill_group_ids:
      description: The skill groups the extension belongs to (the API's comma-separated C(SkillGroupId)).
      type: list
      elements: int
      sample: [1000, 1001]
    relation:
      description: The email of the agent bound to the extension.
      type: str
      sample: alice@example.com
    relation_name:
      description: The name of the agent bound to the extension.
      type: str
      sample: Alice
    registered:
      description: Whether a SIP device is registered to the extension now.
      type: bool
      sample: true
    create_time:
      description: When the extension was created, UNIX seconds.
      type: int
      sample: 1700000000
    modify_time:
      description: When the extension was last changed, UNIX seconds.
      type: int
      sample: 1700000600
    status:
      description: The live status code (0 offline, 100 idle, 200 busy).
      returned: when O(include_status=true)
      type: int
      sample: 100
    status_name:
      description: The live status as a word.
      returned: when O(include_status=true)
      type: str
      choices: [offline, idle, busy, unknown]
      sample: idle
    extension_domain:
      description: The SIP domain (registrar) of the extension.
      returned: when O(include_registration=true)
      type: str
      sample: 1400000000.tccc.qcloud.com
    password:
      description: The SIP registration password. Handle with C(no_log).
      returned: when O(include_registration=true)
      type: str
      sample: "0pMnxfdsdLT6G"
    outbound_proxy:
      description: The outbound proxy as the API gives it, C(host:port).
      returned: when O(include_registration=true)
      type: str
      sample: sip.tccc.qcloud.com:5061
    outbound_proxy_host:
      description: The host part of RV(extensions[].outbound_proxy).
      returned: when O(include_registration=true)
      type: str
      sample: sip.tccc.qcloud.com
    outbound_proxy_port:
      description:
        - The port of RV(extensions[].outbound_proxy); when it has none, the SIP default of the transport (5061 for TLS, 5060 otherwise).
      returned: when O(include_registration=true)
      type: int
      sample: 5061
    transport:
      description: The SIP transport.
      returned: when O(include_registration=true)
      type: str
      sample: tls
missing_extension_ids:
  description: Requested O(extension_ids) that the instance does not have.
  returned: always
  type: list
  elements: str
  sample: ["1009"]
error:
  description: The API's error code and message (or the client's, for network and configuration errors).
  returned: on failure
  type: dict
  contains:
    code:
      description: The error code.
      type: str
      sample: InvalidParameterValue.InstanceNotExist
    message:
      description: The error message.
      type: str
      sample: The instance does not exist.
request_id:
  description: The API's request id of the failed request, for Tencent Cloud support.
  returned: on failure, when the API answered
  type: str
  sample: 86a17f0e-bcb3-46bf-ac66-8f165fe52127
"""

from ansible_collections.tencentcloud.tccc.plugins.module_utils._base import run_module
from ansible_collections.tencentcloud.tccc.plugins.module_utils._extensions import check_ids, check_not_blank, read_extensions, warn_unmasked_passwords


def check_params(params):
    check_ids(params["extension_ids"], "extension_ids")
    check_not_blank(params["keyword"], "keyword", "omit it to read every extension")


def read(module, client, _checked):
    params = module.params
    extensions, missing = read_extensions(client, params["sdk_app_id"], params["extension_ids"], params["keyword"],
                                          params["include_status"], params["include_registration"])
    warn_unmasked_passwords(module, extensions)
    return dict(changed=False, extensions=extensions, missing_extension_ids=missing)


def main():
    run_module(
        dict(
            extension_ids=dict(type="list", elements="str", aliases=["extension_id"]),
            keyword=dict(type="str", no_log=False),
            include_registration=dict(type="bool", default=True),
            include_status=dict(type="bool", default=False),
        ),
        read, check_params=check_params, supports_check_mode=True)


if __name__ == "__main__":
    main()
