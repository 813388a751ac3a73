# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every module's main() does: shared options, checks, the client, structured failures, secrets.

A module is then its docs, its argspec, a ``check_params(params)`` and a ``run(module, client)``
that returns the result; see run_module().
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys
import traceback

from ansible.module_utils.basic import AnsibleModule, _load_params, missing_required_lib

from ansible_collections.tencentcloud.tccc.plugins.module_utils import redaction, stop
from ansible_collections.tencentcloud.tccc.plugins.module_utils.checks import check_no_numeric_ids, check_sdk_app_id, numeric_id_warnings
from ansible_collections.tencentcloud.tccc.plugins.module_utils.client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.tencentcloud.tccc.plugins.module_utils.common import client_from_params, tccc_argument_spec
from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import ConfigError, TcccError


def run_module(argument_spec, run, check_params=None, ids_written=False, **module_kwargs):
    """Run one module: never returns.

    ``argument_spec``: the module's own options (the shared ones of tccc_argument_spec() are added,
    ``sdk_app_id`` among them, checked here for every module).
    ``check_params(params)``: raises ConfigError for bad input; runs before any credential lookup
    or request. ``run(module, client)``: does the work and returns the result dict (``changed``
    included). A TcccError from any step fails the task with fail_from_error(); ``module_kwargs``
    go to AnsibleModule (``supports_check_mode``, ``mutually_exclusive``, ...).

    An id that YAML gave as a number (checks.numeric_ids()) brings a warning; with ``ids_written``
    (the module creates, changes or deletes what its ids name) it fails the task before any request.
    """
    spec = tccc_argument_spec()
    spec.update(argument_spec)
    module = AnsibleModule(argument_spec=spec, **module_kwargs)
    require_requests(module)
    raw_params = _load_params()  # as received: YAML's numbers not yet turned into text
    if not ids_written:
        for warning in numeric_id_warnings(spec, raw_params):
            module.warn(warning)
    stop.handle_signals()
    try:
        if ids_written:
            check_no_numeric_ids(spec, raw_params)
        check_sdk_app_id(module.params["sdk_app_id"])
        if check_params is not None:
            check_params(module.params)
        client = client_from_params(module.params)
        for warning in getattr(client.credentials, "warnings", ()):
            module.warn(warning)
        result = run(module, client)
    except TcccError as err:
        fail_from_error(module, err)
    except stop.Stopped as stopped:
        fail_stopped(module, stopped)
    else:
        warn_unshared_pacing(module, client)
        module.exit_json(**result)


def fail_stopped(module, stopped):
    """Fail at once after SIGINT/SIGTERM, without waiting for requests still in flight to end."""
    try:
        module.fail_json(msg="%s: no further requests were started, and the run ended without waiting for those in flight"
                         % stopped.reason, error={"code": "Stopped", "message": stopped.reason}, request_id=None)
    except SystemExit as done:
        # sys.exit() would join the worker threads, each maybe in a request of up to `timeout` s.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(done.code if isinstance(done.code, int) else 1)


def fail_from_error(module, err):
    """Fail the task with ``msg`` plus structured ``error`` and ``request_id`` fields (and ``option``)."""
    result = err.to_result()
    if isinstance(err, ConfigError) and err.option:
        result["option"] = err.option
    module.fail_json(msg=str(err), **result)


def require_requests(module):
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception="".join(
            traceback.format_exception_only(type(REQUESTS_IMPORT_ERROR), REQUESTS_IMPORT_ERROR)))


def warn_unmasked_passwords(module, extensions):
    """Warn when ``extensions`` (result dicts) hold SIP passwords that nothing keeps out of output and logs.

    From ansible-core 2.22 each was registered as a secret when it was parsed (redaction.remember()),
    shown as ``$REDACTED$`` but usable by later tasks; older cores cannot do that, so the module
    warns when the task has no ``no_log``.
    """
    if redaction.core_masks_secrets() or module.no_log:
        return
    if any(ext.get("password") for ext in extensions):
        module.warn("The result holds SIP passwords: set no_log: true on this task so they stay out of logs and output.")


def warn_unshared_pacing(module, client):
    for reason in client.pacing_problems():
        module.warn("The request budget is not shared with other runs on this machine (%s): lower rate_limit if several "
                    "forks call TCCC at once" % reason)
