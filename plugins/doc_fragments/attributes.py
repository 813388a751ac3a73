# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The descriptions of the attributes: use with the fragments below, which say how far a module supports each.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in C(check_mode)), when in diff mode.
"""

    # A module that only reads.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - Nothing is changed in either mode; the same requests are sent and the same result is returned.
  diff_mode:
    support: N/A
    details:
      - Nothing is changed, so there is nothing to show.
"""

    # Every module of the collection: meta/runtime.yml lists it in the action group tccc.
    ACTIONGROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/tencentcloud.tccc.tccc) in C(module_defaults) to set the credentials and O(sdk_app_id) once.
    support: full
    membership:
      - tencentcloud.tccc.tccc
"""

    # A module that changes extensions: check mode sends no write.
    CHECK_MODE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - Only the reads are sent; the module reports the changes, ids and diff a real run would.
"""

    # A module that changes extensions and shows what changed.
    DIFF_MODE = r"""
options: {}
attributes:
  diff_mode:
    support: full
    details:
      - The diff shows the managed fields before and after; passwords never appear in it.
"""
