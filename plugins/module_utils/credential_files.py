# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Profile files: tccli's ``<profile>.credential`` / ``.configure`` (JSON) and the SDK's INI credentials files.

Errors name the file and, for parse errors, only a position: the parsers' own messages quote the
document, keys included.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import configparser
import json
import os
import stat

from ansible_collections.tencentcloud.tccc.plugins.module_utils.credential_types import Credentials, check_value, expiry
from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import ConfigError

ENV_CREDENTIALS_DIR = "TENCENTCLOUD_SHARED_CREDENTIALS_DIR"
SYSTEM_CREDENTIALS_FILE = "/etc/tencentcloud/credentials"


def _reachable_by_others(path):
    """Whether every directory above ``path`` lets any user through (``o+x``): else the file is out of reach.

    tccli keeps its 0644 files in a directory it forces to 0700; that directory makes them private.
    """
    directory = os.path.dirname(os.path.realpath(path))
    while True:
        try:
            mode = os.stat(directory).st_mode
        except OSError:
            return True  # cannot tell: assume the worst, which only costs a warning
        if not mode & stat.S_IXOTH:
            return False
        parent = os.path.dirname(directory)
        if parent == directory:
            return True
        directory = parent


def exposure_warning(path, mode):
    """A warning when every user on the machine can read the file that holds keys, else None.

    Such a file is still used, as the SDK and tccli use it. A file that only its group can read
    (``0640 root:ansible``) is a deliberate share and passes without a word. The warning names
    the path and the fix, never a value.
    """
    if not mode & stat.S_IROTH or not _reachable_by_others(path):
        return None
    return ("%s holds keys and every user on this machine can read it (mode %04o, and no directory above it is closed): run "
            "`chmod 600 %s`, or `chmod 700` on its directory" % (path, stat.S_IMODE(mode), path))


def read_text(path, private, warnings=None):
    """The file's text, or None when it does not exist.

    For a ``private`` file (one that holds keys) a warning from exposure_warning() is added to
    ``warnings`` (a list), once per path.
    """
    try:
        with open(path, "rb") as handle:
            if private:
                warning = exposure_warning(path, os.fstat(handle.fileno()).st_mode)
                if warning and warnings is not None and warning not in warnings:
                    warnings.append(warning)
            data = handle.read()
    except FileNotFoundError:
        return None
    except (IOError, OSError) as exc:
        raise ConfigError("cannot read %s: %s" % (path, exc.strerror or type(exc).__name__)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("%s is not UTF-8 text" % path) from None


def read_json_object(path, private, warnings=None):
    text = read_text(path, private, warnings)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError as exc:
        # Only the position: the exception also holds the whole document, keys included.
        where = " (line %d column %d)" % (exc.lineno, exc.colno) if hasattr(exc, "lineno") else ""
        raise ConfigError("%s is not valid JSON%s" % (path, where)) from None
    if not isinstance(data, dict):
        raise ConfigError("%s is not a JSON object" % path)
    return data


def from_tccli(path, profile, now, warnings=None):
    """``(Credentials, extras)`` from a tccli ``.credential`` file, or None when it does not exist.

    ``extras`` holds the profile's ``role-arn`` and ``role-session-name`` when both are set.
    """
    data = read_json_object(path, True, warnings)
    if data is None:
        return None
    if data.get("type") == "cvm-role":
        raise ConfigError("%s is a tccli CVM-role profile (type cvm-role), which holds no keys: set cam_role_name to the "
                          "role attached to this instance instead" % path)
    for field in ("secretId", "secretKey"):
        if not data.get(field):
            raise ConfigError("%s has no %s: run `tccli configure --profile %s` or add it to the file" % (path, field, profile))
    names = ("secretId", "secretKey", "token")
    values = [data.get(name) or None for name in names]
    for name, value in zip(names, values):
        if value is not None:
            check_value(value, "%s in %s" % (name, path))
    expires_at = None
    if data.get("expiresAt") is not None:  # tccli's sso and oauth logins write short-lived keys
        expires_at = expiry(data["expiresAt"], path, now)
    credentials = Credentials(values[0], values[1], values[2], expires_at, "profile %s (%s)" % (profile, path))
    extras = {}
    # tccli itself assumes the profile's role only when both are set.
    if data.get("role-arn") and data.get("role-session-name"):
        for field in ("role-arn", "role-session-name"):
            extras[field] = check_value(data[field], "%s in %s" % (field, path))
    return credentials, extras


def tccli_region(path):
    """The region of a tccli ``.configure`` file, or None."""
    data = read_json_object(path, private=False)
    if data is None:
        return None
    section = data.get("_sys_param")
    # Old tccli versions kept the region at the top level; tccli itself still migrates that form.
    region = section.get("region") if isinstance(section, dict) else data.get("region")
    if not region:
        return None
    return check_value(region, "the region in %s" % path)


def from_ini(path, profile, warnings=None):
    """Credentials from the SDK's INI file; None when the file is absent, False when it has no such section."""
    text = read_text(path, True, warnings)
    if text is None:
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        # Only the line number: configparser's messages quote the offending line, which may be a key.
        line = getattr(exc, "lineno", None) or (exc.errors[0][0] if getattr(exc, "errors", None) else None)
        where = " (line %s)" % line if line else ""
        raise ConfigError("%s is not a valid INI file%s" % (path, where)) from None
    if not parser.has_section(profile):
        return False
    section = parser[profile]
    values = []
    for field in ("secret_id", "secret_key"):
        value = section.get(field)
        if not value:
            raise ConfigError("section [%s] of %s has no %s" % (profile, path, field))
        origin = "%s in section [%s] of %s" % (field, profile, path)
        if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
            raise ConfigError("%s is written in quotes: write it without them" % origin)
        values.append(check_value(value, origin))
    return Credentials(values[0], values[1], source="profile %s (%s)" % (profile, path))


def from_profile(profile, origin, option, env, home, system_file, now, warnings=None):
    """Look the profile up in tccli's then the SDK's files.

    Returns ``(credentials or None, extras, region, places)``; ``places`` describes what was looked at,
    for the error when nothing is found. A profile that was asked for by name (``origin`` set) must exist.
    """
    directory = env.get(ENV_CREDENTIALS_DIR) or os.path.join(home, ".tccli")
    if directory == "~" or directory.startswith("~/"):
        directory = home + directory[1:]
    tccli_file = os.path.join(directory, profile + ".credential")
    found = from_tccli(tccli_file, profile, now, warnings)
    if found is not None:
        region = tccli_region(os.path.join(directory, profile + ".configure"))
        return found[0], found[1], region, []
    places = ["%s (absent)" % tccli_file]
    for path in (os.path.join(home, ".tencentcloud", "credentials"), system_file):
        credentials = from_ini(path, profile, warnings)
        if credentials is None:
            places.append("%s (absent)" % path)
            continue
        if credentials is False:
            places.append("%s (has no [%s] section)" % (path, profile))
            break  # like the SDK: the first INI file that exists is the only one read
        return credentials, {}, None, []
    if origin is not None:
        raise ConfigError("profile %r (from %s) was not found: looked at %s" % (profile, origin, ", ".join(places)),
                          option=option)
    return None, {}, None, places
