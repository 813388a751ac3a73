# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Option checks the argspec cannot express, shared by every module.

Each raises ConfigError naming the option and the fix, so bad input fails before anything is sent.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import ConfigError
from ansible_collections.tencentcloud.tccc.plugins.module_utils.ratelimit import RATE_RANGE

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


def check_id(value, option):
    """One id (an extension number): not empty, no surrounding spaces, which the API would not match."""
    if not value or value != value.strip():
        raise ConfigError("%s must be an extension number without surrounding spaces, got %r" % (option, value), option=option)


def check_ids(values, option):
    """A list of ids, each as check_id(). None (the option unset) passes."""
    for value in values or []:
        check_id(value, option)


def check_unique(values, option):
    """None of ``values`` (ids) twice."""
    seen = set()
    for value in values:
        if value in seen:
            raise ConfigError("%s: %r is listed twice: list each one once" % (option, value), option=option)
        seen.add(value)


def check_not_blank(value, option, fix):
    """An optional text that, when set, must hold more than white space; ``fix`` tells what to do instead."""
    if value is not None and not value.strip():
        raise ConfigError("%s must not be empty: %s" % (option, fix), option=option)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def numeric_ids(argument_spec, raw_params, prefix=""):
    """The ids (options named ``*_id`` / ``*_ids`` of type str) that YAML gave as numbers: a list of
    (option as the user wrote it, [the numbers]), suboptions of lists of dicts included, named
    ``extensions[2].extension_id``.

    Ansible turns them into strings silently, but YAML has already changed some: an unquoted 01002
    is the octal number 514, 1e3 is 1000.0. ``raw_params`` are the module arguments as received,
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


_YAML_NUMBERS = "an unquoted 01002 is the octal number 514 and 1e3 is 1000.0"


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
