#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: tccc_extension
short_description: Create, change, delete a TCCC extension or reset its SIP password
version_added: 0.1.0
description:
  - Makes one extension (SIP phone) of a Tencent Cloud Contact Center (TCCC) instance exist as described, or not exist.
  - Reads the extension with C(DescribeExtensions) and sends only what differs (C(CreateExtension), C(ModifyExtension),
    C(DeleteExtension)), plus C(ResetExtensionPassword) when asked.
  - This is M(tencentcloud.tccc.tccc_extensions) applied to a list of one; for many extensions that module is much faster than a
    loop over this one.
author:
  - tencentcloud.tccc maintainers (@tencentcloud)
extends_documentation_fragment:
  - tencentcloud.tccc.common
  - tencentcloud.tccc.attributes
  - tencentcloud.tccc.attributes.check_mode
  - tencentcloud.tccc.attributes.diff_mode
  - tencentcloud.tccc.attributes.actiongroup
options:
  extension_id:
    description:
      - The extension number, 1 to 20 ASCII digits (V(0) to V(9)); checked as in M(tencentcloud.tccc.tccc_extensions), before
        anything is sent.
      - Quote it in YAML, for example V("01002"), since unquoted C(01002) is the octal number 514. An id given as a number, a boolean
        or a list fails the task before anything is sent.
    type: str
    required: true
  state:
    description:
      - V(present) creates the extension or changes it to match; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  extension_name:
    description:
      - The extension's display name. Required to create the extension; changes the name when different.
      - At most 255 characters, without control characters (see M(tencentcloud.tccc.tccc_extensions) for where the limit comes from).
    type: str
  skill_group_ids:
    description:
      - The skill groups the extension belongs to, compared as a set (order and repeats do not matter). V([]) removes it from every
        skill group; omitted leaves them as they are.
      - Each a number from 0 to 9223372036854775807 (the API's Integer is 64-bit); V(true) is not a number.
    type: list
    elements: int
  relation:
    description:
      - The email of the agent bound to the extension. V("") unbinds the agent; omitted leaves the binding as it is.
      - The agent must exist in the instance. Text without control characters.
    type: str
  reset_password:
    description:
      - Give the extension a new SIP password (C(ResetExtensionPassword)). Always a change.
      - A new extension already has a new password; this then asks for nothing more.
    type: bool
    default: false
  include_registration:
    description:
      - Return the SIP registration facts of the extension, password included, read with C(DescribeExtension) after the change.
      - The result holds a SIP password only with this option, a new one after O(reset_password=true) too. Without it the task
        needs no C(no_log), so C(--diff) shows what it changes; with it, set C(no_log) on the task.
    type: bool
    default: false
notes:
  - The passwords returned with O(include_registration=true) are protected as M(tencentcloud.tccc.tccc_extension_info) protects
    them.
  - A write whose answer is lost (timeout, dropped connection, server error) may or may not have been applied. The module reads
    the extension again and decides from what is there; it sends the write once more only when it was not applied. A lost answer
    to a password reset cannot be decided that way and fails the task.
  - A create answered C(FailedOperation.DuplicatedAccount) is settled by reading, as M(tencentcloud.tccc.tccc_extensions) documents.
  - A failed or stopped run reports RV(changed) and what it did (RV(created), RV(updated), RV(deleted), RV(reset)).
seealso:
  - module: tencentcloud.tccc.tccc_extensions
  - module: tencentcloud.tccc.tccc_extension_info
"""

EXAMPLES = r"""
# The result holds no password unless include_registration asks for one: these tasks need no no_log,
# and --diff shows what they change.
- name: Create extension 2001 for Alice in the support skill group
  tencentcloud.tccc.tccc_extension:
    sdk_app_id: 1400000000
    extension_id: "2001"
    extension_name: Support 1
    skill_group_ids: [1002]
    relation: alice.chen@example.com

- name: Unbind the agent, keep name and skill groups
  tencentcloud.tccc.tccc_extension:
    sdk_app_id: 1400000000
    extension_id: "2001"
    relation: ""

- name: Give the phone a new SIP password, with its registration facts to template it
  tencentcloud.tccc.tccc_extension:
    sdk_app_id: 1400000000
    extension_id: "2001"
    reset_password: true
    include_registration: true
  register: phone
  no_log: true  # asked for, the registration facts hold the new SIP password

- name: Write the new password into the phone's baresip accounts file
  ansible.builtin.include_role:
    name: tencentcloud.tccc.sip_client
  vars:
    sip_client_kind: baresip
    sip_client_extensions: ["{{ phone.extension }}"]

- name: Delete extension 2001
  tencentcloud.tccc.tccc_extension:
    sdk_app_id: 1400000000
    extension_id: "2001"
    state: absent
"""

RETURN = r"""
changed:
  description:
    - Whether the extension was (or, in check mode, would be) created, changed, deleted or given a new password.
    - On failure, true when a write was applied before it, or when the failing write may have been (its answer was lost).
  returned: always
  type: bool
created:
  description: On failure, the extension's id when it was created before the failure (a stop, or a failed read after the write).
  returned: on failure after the writes began
  type: list
  elements: str
updated:
  description: On failure, the extension's id when its name, skill groups or agent were changed before the failure.
  returned: on failure after the writes began
  type: list
  elements: str
deleted:
  description: On failure, the extension's id when it was deleted before the failure.
  returned: on failure after the writes began
  type: list
  elements: str
reset:
  description: On failure, the extension's id when its password was reset before the failure.
  returned: on failure after the writes began
  type: list
  elements: str
extension:
  description:
    - The extension as read after the change, with the same keys as one item of
      RV(tencentcloud.tccc.tccc_extension_info#module:extensions) (without the live status); V({}) when it does not exist.
    - In check mode, what a real run would leave, as far as it is known without writing.
    - In check mode, an extension that a real run would create has C(would_create=true) and no registration facts (it does not
      exist yet, so there is nothing to read).
    - After a password reset with O(include_registration=true), C(password) is the new password.
  returned: success
  type: dict
  sample:
    extension_id: "2001"
    extension_name: Support 1
    full_extension_id: 2001@1400000000.tccc.qcloud.com
    sdk_app_id: 1400000000
    skill_group_ids: [1002]
    relation: alice@example.com
    relation_name: Alice
    registered: false
    create_time: 1700000000
    modify_time: 1700000000
    extension_domain: 1400000000.tccc.qcloud.com
    password: "0pMnxfdsdLT6G"
    outbound_proxy: sip.tccc.qcloud.com:5061
    outbound_proxy_host: sip.tccc.qcloud.com
    outbound_proxy_port: 5061
    transport: tls
diff:
  description:
    - The managed fields (C(extension_name), C(skill_group_ids), C(relation)) before and after; V({}) where it does not exist.
    - A password reset shows as C(password), V((current)) before and V((reset)) after; never a password.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: Before the change.
      type: dict
    after:
      description: After the change.
      type: dict
error:
  description: The API's error code and message (or the client's, for network and configuration errors).
  returned: on failure
  type: dict
  contains:
    code:
      description: The error code.
      type: str
      sample: FailedOperation.DuplicatedAccount
    message:
      description: The error message.
      type: str
request_id:
  description: The API's request id of the failed request, for Tencent Cloud support.
  returned: on failure, when the API answered
  type: str
"""

from ansible_collections.tencentcloud.tccc.plugins.module_utils._base import run_module
from ansible_collections.tencentcloud.tccc.plugins.module_utils._reconcile import WriteModule, item_argument_spec, managed_fields


def one_extension(module, result):
    """tccc_extensions' ``result`` for a list of one, as this module reports it."""
    extension = result["extensions"][0] if result["extensions"] else {}
    one = dict(changed=result["changed"], extension=extension)
    if "diff" in result:
        # Unchanged, both sides show the extension as it is.
        unchanged = {} if result["changed"] or not extension else managed_fields(extension)
        one["diff"] = dict((side, result["diff"][side].get(module.params["extension_id"], unchanged)) for side in ("before", "after"))
    return one


def main():
    argument_spec = item_argument_spec()
    argument_spec.update(
        include_registration=dict(type="bool", default=False),
    )
    writes = WriteModule()
    run_module(argument_spec, lambda module, client, items: one_extension(module, writes.run(module, client, items)),
               check_params=writes.check_params, ids_written=True, supports_check_mode=True)


if __name__ == "__main__":
    main()
