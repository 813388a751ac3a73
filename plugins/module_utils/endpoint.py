# -*- coding: utf-8 -*-
# Copyright (c) 2026, tencentcloud.tccc contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Endpoint parsing: ``host``, ``host:port`` or ``http(s)://host[:port]`` to a URL and a Host header.

The Host header is signed, so it must be exactly what is sent, and it never carries a scheme
(tccli sends ``Host: http://...`` when its ``--endpoint`` carries a scheme; the signed Host
header must name the host and port only).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import re

from ansible_collections.tencentcloud.tccc.plugins.module_utils.errors import ConfigError

CCC_HOST = "ccc.tencentcloudapi.com"
STS_HOST = "sts.tencentcloudapi.com"

Endpoint = collections.namedtuple("Endpoint", ["url", "host", "scheme"])

_HOST_PORT = re.compile(r"^(?P<name>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(?P<port>[0-9]{1,5}))?$")


def parse_endpoint(value, default_host=CCC_HOST, option="endpoint"):
    """Return an Endpoint, or raise ConfigError naming ``option``."""
    text = (value or default_host).strip()
    scheme = "https"
    if "://" in text:
        scheme, text = text.split("://", 1)
        scheme = scheme.lower()
        if scheme not in ("http", "https"):
            raise ConfigError(
                "%s: scheme %r is not supported: use host, host:port, https://host[:port] or http://host[:port]" % (option, scheme),
                option=option)
    authority = text.split("/", 1)[0]
    if "@" in authority:
        # user:password@host: refused without echoing it, since the user info may be a password.
        host = authority.rsplit("@", 1)[1]
        shown = host if _HOST_PORT.match(host) else "the part after @"
        raise ConfigError("%s: user info (user:password@) is not allowed in an endpoint, and credentials never go in it: "
                          "give the host only, %s" % (option, shown), option=option)
    text = text.rstrip("/")
    match = _HOST_PORT.match(text)
    if not match:
        raise ConfigError(
            "%s: %r is not a host name with an optional port (no path, user or query): for example ccc.tencentcloudapi.com "
            "or https://127.0.0.1:8080" % (option, value), option=option)
    port = match.group("port")
    if port is not None and not 0 < int(port) < 65536:
        raise ConfigError("%s: port %s is out of range 1-65535" % (option, port), option=option)
    return Endpoint(url="%s://%s/" % (scheme, text), host=text, scheme=scheme)
