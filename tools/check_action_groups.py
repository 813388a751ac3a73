# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fail unless meta/runtime.yml's action group ``tccc`` lists exactly the modules in plugins/modules.

Usage: python tools/check_action_groups.py [COLLECTION_ROOT]

Why: module_defaults: {group/tencentcloud.tccc.tccc: ...} silently skips a module missing from the
group, so a new module would ignore the credentials a playbook sets once for all of them.
"""
import os
import sys

import yaml

GROUP = "tccc"


def main(root):
    with open(os.path.join(root, "meta", "runtime.yml"), encoding="utf-8") as handle:
        runtime = yaml.safe_load(handle) or {}
    listed = set((runtime.get("action_groups") or {}).get(GROUP) or [])
    modules_dir = os.path.join(root, "plugins", "modules")
    present = set(
        name[:-3] for name in os.listdir(modules_dir) if name.endswith(".py") and name != "__init__.py"
    ) if os.path.isdir(modules_dir) else set()
    problems = ["%s is in plugins/modules but not in action_groups.%s" % (name, GROUP) for name in sorted(present - listed)]
    problems += ["action_groups.%s lists %s, which is not in plugins/modules" % (GROUP, name) for name in sorted(listed - present)]
    for problem in problems:
        print("FAIL: meta/runtime.yml: %s" % problem)
    if not problems:
        print("action_groups.%s lists all %d modules" % (GROUP, len(present)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
