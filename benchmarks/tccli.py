# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""tccli in a virtual environment of its own (.venv/tccli): it pulls the whole Tencent Cloud SDK,
which the collection's own environments must not carry."""

import os
import subprocess
import sys

REQUIREMENTS = os.path.join("benchmarks", "requirements-tccli.txt")


def ensure(root, log_path):
    """Path of the tccli executable, creating or reusing .venv/tccli; (None, reason) when that fails."""
    venv = os.path.join(root, ".venv", "tccli")
    argv = [sys.executable, os.path.join(root, "tools", "ensure_venv.py"), venv, "-r", os.path.join(root, REQUIREMENTS)]
    with open(log_path, "ab") as log:
        result = subprocess.run(argv, cwd=root, stdin=subprocess.DEVNULL, stdout=log, stderr=log, check=False)
    executable = os.path.join(venv, "bin", "tccli")
    if result.returncode != 0 or not os.access(executable, os.X_OK):
        return None, "tccli could not be installed in .venv/tccli (see %s)" % log_path
    return executable, None


def describe_extensions_argv(tccli, endpoint_url, sdk_app_id):
    return [tccli, "ccc", "DescribeExtensions", "--SdkAppId", str(sdk_app_id), "--PageNumber", "0", "--PageSize", "100",
            "--endpoint", endpoint_url]


def describe_extension_argv(tccli, endpoint_url, sdk_app_id, extension_id):
    # tccli has no option for the scheme: only an endpoint written http://host:port makes it speak plain HTTP,
    # and then it sends that whole URL as the Host header (and signs it so).
    return [tccli, "ccc", "DescribeExtension", "--SdkAppId", str(sdk_app_id), "--ExtensionId", extension_id,
            "--endpoint", endpoint_url]
