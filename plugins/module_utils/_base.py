# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# Private to this collection, not a public API: only its own modules import it, and any release
# may change it without notice.
"""What every module's main() does: the shared options, their checks, the client built from them,
structured failures, stop on signals.

A module is then its docs, its argspec, a ``check_params(params)`` and a ``run(module, client,
checked)`` that returns the result; see run_module().
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys
import traceback

from ansible.module_utils.basic import AnsibleModule, _load_params, env_fallback, missing_required_lib

from ansible_collections.tencentcloud.tccc.plugins.module_utils import _workers as stop
from ansible_collections.tencentcloud.tccc.plugins.module_utils._credentials import CredentialSource, resolve_credentials
from ansible_collections.tencentcloud.tccc.plugins.module_utils._errors import STOPPED, ConfigError, TcccError, remember
from ansible_collections.tencentcloud.tccc.plugins.module_utils._pacing import RATE_RANGE
from ansible_collections.tencentcloud.tccc.plugins.module_utils._transport import (
    CCC_HOST, CCC_VERSION, Client, HAS_REQUESTS, REQUESTS_IMPORT_ERROR, STS_HOST, STS_VERSION, new_session, parse_endpoint,
)


def run_module(argument_spec, run, check_params=None, ids_written=False, **module_kwargs):
    """Run one module: never returns.

    ``argument_spec``: the module's own options (the shared ones of tccc_argument_spec() are added,
    ``sdk_app_id`` among them, checked here for every module).
    ``check_params(params)``: raises ConfigError for bad input; runs before any credential lookup
    or request, and returns what ``run`` needs of the checked input (such as parsed items), or
    None. ``run(module, client, checked)``: does the work with ``checked``, what check_params
    returned (None without check_params), and returns the result dict (``changed`` included).
    A TcccError from any step fails the task with fail_from_error(); ``module_kwargs`` go to
    AnsibleModule (``supports_check_mode``, ``mutually_exclusive``, ...).

    An id that YAML gave as a number (numeric_ids()) brings a warning; with ``ids_written``
    (the module creates, changes or deletes what its ids name) it fails the task before any request,
    and so does any text option that arrived as true/false, a list or a mapping.
    """
    spec = tccc_argument_spec()
    spec.update(argument_spec)
    module = AnsibleModule(argument_spec=spec, **module_kwargs)
    # An endpoint written with user:password@ is refused below; masked first, so that the task's
    # invocation (shown at -vvv) does not show the password either: core 2.19-2.21 mask no_log_values
    # in it, core 2.22 masks what remember() registers.
    for secret in endpoint_user_info(module.params):
        module.no_log_values.add(remember(secret))
    require_requests(module)
    raw_params = _load_params()  # as received: YAML's numbers not yet turned into text
    if not ids_written:
        for warning in numeric_id_warnings(spec, raw_params):
            module.warn(warning)
    stop.handle_signals()
    client = None
    try:
        if ids_written:
            check_no_numeric_ids(spec, raw_params)
            check_texts_given_as_text(spec, raw_params)
        check_sdk_app_id(module.params["sdk_app_id"])
        checked = None if check_params is None else check_params(module.params)
        client = client_from_params(module.params)
        for warning in getattr(client.credentials, "warnings", ()):
            module.warn(warning)
        result = run(module, client, checked)
    except TcccError as err:
        fail_from_error(module, err, key_source(client))
    except stop.Stopped as stopped:
        fail_stopped(module, stopped)
    else:
        warn_unshared_pacing(module, client)
        module.exit_json(**result)


def fail_stopped(module, stopped):
    """Fail at once after SIGINT/SIGTERM, without waiting for requests still in flight to end.

    A write module's stop carries ``result`` (changed and the outcome lists of what was done), which
    the failure reports.
    """
    record = dict(getattr(stopped, "result", None) or {})
    msg = "%s: no further requests were started, and the run ended without waiting for those in flight" % stopped.reason
    if record:
        written = "; ".join("%s %s" % (name, ", ".join(record[name])) for name in ("created", "updated", "deleted", "reset")
                            if record.get(name))
        msg += ". Done before the stop: %s. Run the task again to finish: it sends only what still differs" % (written or "nothing")
    try:
        module.fail_json(msg=msg, error={"code": STOPPED, "message": stopped.reason}, request_id=None, **record)
    except SystemExit as done:
        # sys.exit() would join the worker threads, each maybe in a request of up to `timeout` s.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(done.code if isinstance(done.code, int) else 1)


def fail_from_error(module, err, source=None):
    """Fail the task with ``msg`` plus structured ``error`` and ``request_id`` fields (and ``option``).

    A key the API refused is named by where it came from (``source``, see key_source()), so that the
    user fixes the right one: an option, the environment, a profile file or a role.
    """
    result = err.to_result()
    if isinstance(err, ConfigError) and err.option:
        result["option"] = err.option
    msg = str(err)
    if source and str(err.code).startswith(KEY_CODES):
        msg += " (the key came from %s)" % source
    module.fail_json(msg=msg, **result)


# The API's answers that blame the key itself rather than what it may do.
KEY_CODES = ("AuthFailure.SecretIdNotFound", "AuthFailure.InvalidSecretId", "AuthFailure.SignatureFailure",
             "AuthFailure.TokenFailure")
_SOURCE_NAMES = {
    "option": "the secret_id and secret_key options",
    "env": "the environment variables TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY",
}


def key_source(client):
    """Where the client's current key came from, in words: option, variable, profile file or role."""
    source = getattr(getattr(client, "credentials", None), "source", "")
    return _SOURCE_NAMES.get(source, "the " + source if source else None)


def endpoint_user_info(params):
    """The secrets of an ``endpoint`` or ``sts_endpoint`` written as ``scheme://user:password@host``: the
    user info, and its password part (or its user part alone, which may be a token)."""
    found = set()
    for option in ("endpoint", "sts_endpoint"):
        text = params.get(option) or ""
        authority = text.split("://", 1)[-1].split("/", 1)[0]
        if "@" in authority:
            user_info = authority.rsplit("@", 1)[0]
            user, _sep, password = user_info.partition(":")
            found.update(value for value in (user_info, password or user) if value)
    return found


def require_requests(module):
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception="".join(
            traceback.format_exception_only(type(REQUESTS_IMPORT_ERROR), REQUESTS_IMPORT_ERROR)))


def warn_unshared_pacing(module, client):
    for reason in client.pacing_problems():
        module.warn("The request budget is not shared with other runs on this machine (%s): lower rate_limit if several "
                    "forks call TCCC at once" % reason)


# The options every module shares, and the client built from them.
#
# The options here are documented once, in the doc fragment ``tencentcloud.tccc.common``; keep the
# two in step (ansible-test's validate-modules compares them). run_module() uses both.


def tccc_argument_spec():
    """The shared options. Credential options have no argspec fallback: _credentials.py resolves
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

    def transport(credentials, endpoint, service, version, region):
        return Client(credentials, endpoint, service=service, version=version, region=region,
                      language=params["language"], timeout=params["timeout"], retries=params["retries"],
                      validate_certs=params["validate_certs"], rate_limit=params["rate_limit"], session=session)

    def sts_call(credentials, sts_params):
        return transport(CredentialSource(credentials), sts_endpoint, "sts", STS_VERSION, params.get("region")).call("AssumeRole", sts_params)

    # The metadata service is read with credentials.metadata_get: no proxy may see the keys it returns.
    credentials = resolve_credentials(params, env=env, sts_call=sts_call)
    return transport(credentials, endpoint, "ccc", CCC_VERSION, credentials.region)


# Option checks the argspec cannot express, shared by every module.
#
# Each raises ConfigError naming the option and the fix, so bad input fails before anything is sent.


# Limits that the API itself sets; checked here so bad input fails before anything is sent.
MAX_RETRIES = 20
# Seconds to wait for an answer: the API answers within seconds, and no request may hang a run.
MAX_TIMEOUT = 600


def check_transport_options(params):
    """The shared options of tccc_argument_spec(): timeout, retries, rate_limit, region."""
    if not 0 < params["timeout"] <= MAX_TIMEOUT:  # NaN fails this too
        raise ConfigError("timeout must be a number of seconds above 0 and at most %d, got %s" % (MAX_TIMEOUT, params["timeout"]),
                          option="timeout")
    if not 0 <= params["retries"] <= MAX_RETRIES:
        raise ConfigError("retries must be between 0 and %d, got %s" % (MAX_RETRIES, params["retries"]), option="retries")
    low, high = RATE_RANGE
    if not low <= params["rate_limit"] <= high:  # NaN fails this too
        raise ConfigError("rate_limit must be from %g to %g requests per second (the API allows 20), got %s" % (low, high, params["rate_limit"]),
                          option="rate_limit")
    region = params.get("region")
    if region is not None and (not region or region != region.strip()):
        raise ConfigError("region must be a region name such as ap-guangzhou, without spaces", option="region")


def check_sdk_app_id(value, option="sdk_app_id"):
    if isinstance(value, bool):
        # The argspec's int type lets true through as itself, and true is 1.
        raise ConfigError("%s must be the SdkAppId number of a TCCC instance, not %s" % (option, str(value).lower()), option=option)
    if value <= 0:
        raise ConfigError("%s must be the positive SdkAppId of a TCCC instance, got %s" % (option, value), option=option)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def numeric_ids(argument_spec, raw_params, prefix=""):
    """The ids (options named ``*_id`` / ``*_ids`` of type str) that YAML gave as numbers: a list of
    (option as the user wrote it, [the numbers]), suboptions of lists of dicts included, named
    ``extensions[2].extension_id``.

    Ansible turns them into strings silently, but YAML has already changed some: an unquoted 01002
    is the octal number 514, 1_000 is 1000 (1e3, without a dot, stays text). ``raw_params`` are the module arguments as received,
    before Ansible converted them.
    """
    found = []
    for name, spec in argument_spec.items():
        for given in [name] + list(spec.get("aliases") or []):
            value = raw_params.get(given)
            if spec.get("options") and spec.get("type") == "list" and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        found.extend(numeric_ids(spec["options"], item, "%s%s[%d]." % (prefix, given, index)))
                continue
            if not name.endswith(("_id", "_ids")) or "str" not in (spec.get("type"), spec.get("elements")):
                continue
            numbers = [item for item in (value if isinstance(value, list) else [value]) if _is_number(item)]
            if numbers:
                found.append((prefix + given, numbers))
    return found


def _as_numbers(option, numbers):
    return "%s: %s arrived as %s, not as text" % (option, ", ".join(str(item) for item in numbers),
                                                  "a number" if len(numbers) == 1 else "numbers")


# What YAML 1.1 (PyYAML, which Ansible uses) makes of unquoted digits; 1e3 is not among them: it stays text.
_YAML_NUMBERS = "YAML reads an unquoted 01002 as the octal number 514, 1_000 as 1000 and 1:00 as 60"


def numeric_id_warnings(argument_spec, raw_params):
    """A warning for each id of numeric_ids(): fit for ids that are only read, where the id as text is
    then at worst not found."""
    return ["%s: quote ids in YAML (\"01002\"), since %s" % (_as_numbers(option, numbers), _YAML_NUMBERS)
            for option, numbers in numeric_ids(argument_spec, raw_params)]


def check_no_numeric_ids(argument_spec, raw_params):
    """ConfigError for the first id of numeric_ids(): for ids that are written, where the id as text
    would create, change or (with purge) delete another extension than the one meant."""
    for option, numbers in numeric_ids(argument_spec, raw_params):
        raise ConfigError("%s, so it may not be the extension meant (%s): quote the id in YAML (\"01002\")" % (
            _as_numbers(option, numbers), _YAML_NUMBERS), option=option)


# What a text option given as something else arrived as, and the fix.
_NOT_TEXT = ((bool, "true/false", "quote it in YAML (unquoted, true, yes and on are booleans)"),
             (list, "a list", "give a single text"), (dict, "a mapping", "give a single text"))


def check_texts_given_as_text(argument_spec, raw_params, prefix=""):
    """ConfigError for the first text option (type str, or a list of str) that arrived as true/false, a
    list or a mapping, suboptions of lists of dicts included (``extensions[2].relation``).

    Ansible would turn it into text silently (true into "True", ["1001"] into "['1001']") and a write
    module would send that. ``raw_params`` are the module arguments as received. Numbers are
    numeric_ids()' concern. The message names the kind, never the value (it may be a secret).
    """
    for name, spec in argument_spec.items():
        for given in [name] + list(spec.get("aliases") or []):
            value = raw_params.get(given)
            if value is None:
                continue
            option = prefix + given
            if spec.get("options") and spec.get("type") == "list" and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        check_texts_given_as_text(spec["options"], item, "%s[%d]." % (option, index))
                continue
            if spec.get("type") == "str":
                values = [value]
            elif spec.get("type") == "list" and spec.get("elements") == "str":
                values = value if isinstance(value, list) else [value]
            else:
                continue
            for item in values:
                for kind, words, fix in _NOT_TEXT:
                    if isinstance(item, kind):
                        raise ConfigError("%s arrived as %s, not as text: %s" % (option, words, fix), option=option)
