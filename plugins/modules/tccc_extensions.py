#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: tccc_extensions
short_description: Make a list of TCCC extensions exist as described, in one run at the API's rate
version_added: 0.1.0
description:
  - Creates, changes, deletes and resets the password of the extensions (SIP phones) of a Tencent Cloud Contact Center (TCCC)
    instance so that they match O(extensions); with O(purge=true) it also deletes the extensions the list does not name.
  - One paged C(DescribeExtensions) listing reads the current state; only the differences are written, concurrently and paced at
    O(rate_limit) per API action, so 300 new extensions take about 15 seconds at the API's 20 requests per second.
  - The first failed write stops further writes and fails the task, naming the extension and listing what was already done
    (RV(created), RV(updated), RV(deleted), RV(reset), and RV(changed) true when any write was applied), so running the task
    again finishes the job. A run stopped by SIGINT or SIGTERM, or whose reading of the changed extensions after the writes fails,
    reports the same.
  - Every item is checked before any request; a bad one fails the task naming it (O(extensions[].extension_id) with its index) and
    the fix.
  - M(tencentcloud.tccc.tccc_extension) does the same for one extension; a loop over it costs one module run per item.
author:
  - tencentcloud.tccc maintainers (@tencentcloud)
extends_documentation_fragment:
  - tencentcloud.tccc.common
  - tencentcloud.tccc.attributes
  - tencentcloud.tccc.attributes.check_mode
  - tencentcloud.tccc.attributes.diff_mode
  - tencentcloud.tccc.attributes.actiongroup
options:
  extensions:
    description:
      - The extensions and what each should look like. Each is listed once.
      - A field left out is left as it is on an extension that exists.
    type: list
    elements: dict
    required: true
    suboptions:
      extension_id:
        description:
          - The extension number, 1 to 20 ASCII digits (V(0) to V(9)). An invisible character (such as U+200B pasted from a
            spreadsheet) or a look-alike digit (a full-width one) fails the task before anything is sent, naming the character.
          - Quote it in YAML, for example V("01002"), since unquoted C(01002) is the octal number 514. An id given as a number, a
            boolean or a list fails the task before anything is sent.
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
          - The extension's display name. Required to create an extension; changes the name of one that exists when different.
          - At most 255 characters, without control characters (a NUL, a line break). C(CreateExtension) documents no limit; 255 is
            the limit of the emulator shipped in C(tests/emulator), which the collection holds to.
        type: str
      skill_group_ids:
        description:
          - The skill groups the extension belongs to, compared as a set (order and repeats do not matter). V([]) removes it from
            every skill group; omitted leaves them as they are.
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
  purge:
    description:
      - Also delete every extension of the instance that O(extensions) does not name. The listing then reads the whole instance.
      - These deletions start only once every item's calls have succeeded, so an item that fails (its checks, or its write) leaves
        every other extension in place.
      - An item with O(extensions[].state=absent) contradicts this and is refused, and so is an empty O(extensions).
    type: bool
    default: false
  include_registration:
    description:
      - Return the SIP registration facts of each extension listed as present, password included, read with C(DescribeExtension)
        after its change. These reads have their own budget of 20 requests per second and run alongside the writes.
      - The result holds SIP passwords only with this option, new ones after O(extensions[].reset_password=true) too. Without it the
        task needs no C(no_log), so C(--diff) shows what it changes; with it, set C(no_log) on the task.
    type: bool
    default: false
notes:
  - The passwords returned with O(include_registration=true) are protected as M(tencentcloud.tccc.tccc_extension_info) protects
    them.
  - A write whose answer is lost (timeout, dropped connection, server error) may or may not have been applied. The module reads
    the extension again and decides from what is there; it sends the write once more only when it was not applied. A lost answer
    to a password reset cannot be decided that way and fails the task.
  - A create answered C(FailedOperation.DuplicatedAccount) means the extension was created meanwhile (by another run, or by the
    worker of a killed one, which Ansible leaves running). The module reads it; when its fields are as the item asks (the fields
    the item gives), it is counted in RV(created), since the run's plan was to create it; otherwise the task fails naming each
    field that differs, and a rerun changes it to match. A delete answered C(InvalidParameterValue.AccountNotExist) counts as
    deleted when the extension is gone.
seealso:
  - module: tencentcloud.tccc.tccc_extension
  - module: tencentcloud.tccc.tccc_extension_info
  - name: CreateExtension API
    description: The Tencent Cloud API that creates an extension.
    link: https://intl.cloud.tencent.com/document/api/1229/59753
  - name: ModifyExtension API
    description: The Tencent Cloud API that changes an extension's name, skill groups and agent.
    link: https://intl.cloud.tencent.com/document/api/1229/59749
"""

EXAMPLES = r"""
# The result holds no password unless include_registration asks for one: these tasks need no no_log,
# and --diff shows what they change.
- name: Create the support desk's extensions from a list, at the API's rate
  tencentcloud.tccc.tccc_extensions:
    sdk_app_id: 1400000000
    extensions: "{{ agents | map('combine', {'skill_group_ids': [1002]}) | list }}"
  vars:
    agents:
      - {extension_id: "2001", extension_name: "Support 1", relation: alice.chen@example.com}
      - {extension_id: "2002", extension_name: "Support 2", relation: bob.wang@example.com}

- name: Give two phones new passwords and delete a third, returning the new passwords
  tencentcloud.tccc.tccc_extensions:
    sdk_app_id: 1400000000
    include_registration: true
    extensions:
      - {extension_id: "1003", reset_password: true}
      - {extension_id: "1004", reset_password: true}
      - {extension_id: "1009", state: absent}
  register: reset
  no_log: true  # asked for, the registration facts hold the SIP passwords

- name: Keep exactly these extensions (delete every other one)
  tencentcloud.tccc.tccc_extensions:
    sdk_app_id: 1400000000
    purge: true
    extensions:
      - {extension_id: "1001", extension_name: Front desk}
      - {extension_id: "1002", extension_name: Sales, skill_group_ids: [1001], relation: ""}
"""

RETURN = r"""
changed:
  description:
    - Whether any extension was (or, in check mode, would be) created, changed, deleted or given a new password.
    - On failure, true when a write was applied before it, or when the failing write may have been (its answer was lost).
  returned: always
  type: bool
created:
  description:
    - The extensions created. On failure (a write failure, a stop, a failed listing after the writes), those created before it;
      likewise for RV(updated), RV(deleted) and RV(reset).
  returned: always
  type: list
  elements: str
  sample: ["2001", "2002"]
updated:
  description: The extensions whose name, skill groups or agent changed.
  returned: always
  type: list
  elements: str
  sample: ["1002"]
deleted:
  description: The extensions deleted, listed ones first, then those deleted by O(purge).
  returned: always
  type: list
  elements: str
  sample: ["1009"]
reset:
  description: The extensions given a new password.
  returned: always
  type: list
  elements: str
  sample: ["1003"]
extensions:
  description:
    - The extensions of O(extensions) that are present afterwards, in the order listed, with the same keys as
      RV(tencentcloud.tccc.tccc_extension_info#module:extensions) (without the live status).
    - In check mode, what a real run would leave, as far as it is known without writing; an extension still to be created has no
      registration facts yet.
    - In check mode, an extension that a real run would create has C(would_create=true) and no registration facts (it does not
      exist yet, so there is nothing to read). The P(tencentcloud.tccc.sip_client#role) role names and skips such an extension.
    - After a password reset with O(include_registration=true), C(password) is the new password.
  returned: success
  type: list
  elements: dict
  sample:
    - extension_id: "2001"
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
    - The managed fields (C(extension_name), C(skill_group_ids), C(relation)) of each extension that changes, by id.
    - A password reset shows as C(password), V((current)) before and V((reset)) after; never a password.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: Before the change; an extension being created is not in it.
      type: dict
    after:
      description: After the change; an extension being deleted is not in it.
      type: dict
error:
  description: The API's error code and message (or the client's, for network and configuration errors).
  returned: on failure
  type: dict
  contains:
    code:
      description: The error code.
      type: str
      sample: InvalidParameterValue.AccountNotExist
    message:
      description: The error message.
      type: str
request_id:
  description: The API's request id of the failed request, for Tencent Cloud support.
  returned: on failure, when the API answered
  type: str
extension_id:
  description: The extension whose write (or registration read) failed.
  returned: when a call for one extension failed
  type: str
  sample: "2002"
"""

from ansible_collections.tencentcloud.tccc.plugins.module_utils._base import run_module
from ansible_collections.tencentcloud.tccc.plugins.module_utils._reconcile import WriteModule, item_argument_spec


def main():
    writes = WriteModule("extensions")
    run_module(
        dict(
            extensions=dict(type="list", elements="dict", required=True, options=item_argument_spec()),
            purge=dict(type="bool", default=False),
            include_registration=dict(type="bool", default=False),
        ),
        writes.run,
        check_params=writes.check_params,
        ids_written=True,
        supports_check_mode=True,
    )


if __name__ == "__main__":
    main()
