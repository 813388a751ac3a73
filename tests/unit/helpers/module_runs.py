# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Running a module's main() in a unit test, as Ansible would, against pinned calls.

    from ansible_collections.tencentcloud.tccc.tests.unit.helpers.module_runs import run_main

    # tccc: the fixture of tests/unit/conftest.py, isolate() plus assert_is_done():
    # a PinnedSession every Client of the run sends through.
    def test_something(tccc, capsys):
        tccc.expect(TcccCall("DescribeExtensions", {...}).result(...))
        result = run_main(tccc_extension_info.main, {"sdk_app_id": 1400000000, ...}, capsys, check_mode=True)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible.module_utils.common import warnings
from ansible.module_utils.testing import patch_module_args

from ansible_collections.tencentcloud.tccc.tests.unit.helpers.pinned_calls import PinnedSession


def isolate(monkeypatch, tmp_path):
    """An empty HOME and credential environment, a private pacing state directory, and an installed PinnedSession."""
    for name in list(os.environ):
        if name.startswith(("TENCENTCLOUD_", "TCCLI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    # The pacing state goes to $XDG_RUNTIME_DIR when it is set, else under HOME: keep it in tmp_path.
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    return PinnedSession().install(monkeypatch)


def run_main(main, args, capsys, check_mode=False, diff=False, no_log=False, new_secrets=None):
    """Run ``main`` with module arguments ``args`` and return its result (success or failure) as a dict.

    ``new_secrets``, a list, receives what the module registered for the controller to mask (core 2.22+).

    ``rate_limit`` defaults to 1000 so the shared pacer never makes a test wait.
    """
    args = dict(args)
    args.setdefault("rate_limit", 1000)
    args["_ansible_check_mode"] = check_mode
    args["_ansible_diff"] = diff
    args["_ansible_no_log"] = no_log
    # warnings are collected process-wide; each run here stands for a process of its own
    warnings._global_warnings.clear()  # pylint: disable=protected-access
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            main()
    result = json.loads(capsys.readouterr().out)
    # From ansible-core 2.22 a module lists the values it registered as secrets under this key: it
    # is how the controller learns what to mask, which drops the key before anyone sees the result.
    # The tests judge what users see, so they judge the result without it.
    registered = result.pop("_ansible_new_secrets", [])
    assert all(isinstance(secret, str) for secret in registered), registered
    if new_secrets is not None:
        new_secrets.extend(registered)
    return result
